"""The real server (python run.py, eventlet) with real Socket.IO clients: the whole demo programme, and a crash.

Three screens, three hosts and the chair connect with python-socketio, as the panels do. The chair runs the
programme from start to end; every screen must see every state, in order. Then the server is killed with
SIGKILL in the middle of the event and started again: the clients reconnect by themselves and show the same
state as before.
"""

import threading
import time

import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG, RealServer
from tests.crew import Phone

pytestmark = pytest.mark.server
SITES = ("den-haag", "enschede", "eindhoven")


class Client:
    """A python-socketio client that keeps every state it is sent."""

    def __init__(self, base_url: str, auth: dict, name: str):
        self.name = name
        self.states: list[dict] = []
        self.received = threading.Condition()
        self.sio = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("state:changed", self._on_state)
        self.sio.connect(base_url, auth=auth, wait_timeout=10)

    def _on_state(self, snapshot):
        with self.received:
            self.states.append(snapshot)
            self.received.notify_all()

    def wait_for(self, predicate, timeout=10.0) -> dict:
        """The first state (newest first) that satisfies `predicate`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self.received:
            while True:
                if self.states and predicate(self.states[-1]):
                    return self.states[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    last = self.states[-1] if self.states else None
                    raise AssertionError(f"{self.name} did not get the state in {timeout}s; last: {last}")
                self.received.wait(left)

    def act(self, name: str, payload: dict | None = None) -> dict:
        deadline = time.monotonic() + 10
        while "/" not in self.sio.namespaces and time.monotonic() < deadline:
            time.sleep(0.05)  # reconnecting: the snapshot can arrive just before the connection is confirmed
        reply = self.sio.call(name, payload or {}, timeout=10)
        assert reply["ok"], (self.name, name, reply)
        return reply

    def close(self):
        self.sio.disconnect()


@pytest.fixture
def crew(real_server):
    """The chair, three hosts and three screens, connected to the real server."""
    links = real_server.links()
    clients = {"chair": Client(real_server.base_url, {"token": links["chair"]["token"]}, "chair")}
    for key in SITES:
        clients[f"host:{key}"] = Client(real_server.base_url, {"token": links["sites"][key]["host"]["token"]},
                                        f"host:{key}")
        clients[f"screen:{key}"] = Client(real_server.base_url, {"token": links["sites"][key]["screen"]["token"]},
                                          f"screen:{key}")
    yield clients, links
    for client in clients.values():
        client.close()


def test_every_screen_sees_every_state_of_the_whole_programme_in_order(real_server, crew):
    clients, links = crew
    chair = clients["chair"]
    versions = [chair.act("event:start", {"confirm": True})["version"]]
    programme = requests.get(f"{real_server.base_url}/api/v1/events/{DEMO_SLUG}/programme",
                             headers={"Authorization": f"Bearer {links['chair']['token']}"}, timeout=10).json()
    for row in programme["segments"][1:]:
        segment = row["segment"]
        versions.append(chair.act("programme:next")["version"])
        if segment["kind"] == "regional":
            for key in SITES:
                part = next(p for p in segment["parts"] if p["site"] == key)
                if part["items"]:
                    versions.append(clients[f"host:{key}"].act("site:item", {"index": 0})["version"])
                versions.append(clients[f"host:{key}"].act("site:timer", {"seconds": 600})["version"])
        if segment["kind"] == "live":
            cue = chair.act("cue:send", {"text": "Enschede, klaar voor de overgang?", "site": "enschede"})
            versions.append(cue["version"])
            cue_id = clients["host:enschede"].wait_for(lambda s: s["cues"])["cues"][-1]["id"]
            versions.append(clients["host:enschede"].act("cue:answer", {"cue_id": cue_id, "state": "ready"})["version"])
            versions.append(chair.act("screen:message", {"text": "Nog 2 minuten", "site": "enschede"})["version"])
        if segment["kind"] == "video":
            versions.append(chair.act("video:play")["version"])
    versions.append(chair.act("event:end")["version"])

    assert versions == list(range(1, len(versions) + 1)), "every action raised the version by one"
    final = versions[-1]
    for key in SITES:
        screen = clients[f"screen:{key}"]
        screen.wait_for(lambda s: s["version"] == final)
        seen = [s["version"] for s in screen.states]
        assert seen == list(range(0, final + 1)), f"screen {key} missed or reordered states: {seen}"
        assert screen.states[-1]["status"] == "ended"
    # Going live to Enschede was seen by every screen, with the right site on air.
    live_states = [s for s in clients["screen:den-haag"].states
                   if s["segment"] and s["segment"]["kind"] == "live"]
    assert live_states and all(s["on_air"] == "enschede" for s in live_states)
    state = requests.get(f"{real_server.base_url}/api/v1/events/{DEMO_SLUG}/state",
                         headers={"Authorization": f"Bearer {links['chair']['token']}"}, timeout=10).json()
    assert state["version"] == final and state["status"] == "ended"
    assert all(row["actual_start"] for row in state["runsheet"]), "the as-run record has every segment's start"


def test_after_kill_9_the_event_resumes_exactly_where_it_was_and_clients_reconnect(real_server, crew):
    clients, links = crew
    chair = clients["chair"]
    chair.act("event:start", {"confirm": True})
    regional = next(i for i, s in enumerate(chair.states[-1]["runsheet"]) if s["kind"] == "regional")
    chair.act("programme:jump", {"segment_id": chair.states[-1]["runsheet"][regional]["id"]})
    clients["host:enschede"].act("site:item", {"index": 2})
    clients["host:eindhoven"].act("site:timer", {"seconds": 900})
    chair.act("cue:send", {"text": "Over vijf minuten terug naar Den Haag", "site": None})
    before = chair.act("screen:message", {"text": "Nog 5 minuten"})["version"]
    for client in clients.values():
        client.wait_for(lambda s: s["version"] == before)
    expected = {name: _essentials(client.states[-1]) for name, client in clients.items()}

    seen_before_kill = {name: len(client.states) for name, client in clients.items()}

    real_server.kill()
    time.sleep(0.5)
    restarted = RealServer(real_server.instance, port=real_server.port).start()
    try:
        for name, client in clients.items():
            # The snapshot the server sends on reconnecting: a state that arrived after the kill.
            state = client.wait_for(lambda s, c=client, n=name: len(c.states) > seen_before_kill[n], timeout=20)
            assert _essentials(state) == expected[name], name
        after = chair.act("programme:next")["version"]
        assert after == before + 1
        clients["screen:enschede"].wait_for(lambda s: s["version"] == after)
    finally:
        restarted.stop()


def _essentials(snapshot: dict) -> dict:
    """What must survive a restart: segment, on air, the sites' items, timers and messages, the cues."""
    return {
        "version": snapshot["version"], "segment": snapshot["segment"]["id"], "on_air": snapshot["on_air"],
        "split": snapshot["split"], "segment_started_at": snapshot["segment"]["started_at"],
        "sites": [(s["key"], s["item_index"], s["timer_ends_at"], s["message"]) for s in snapshot["sites"]],
        "cues": [(c["text"], c["state"]) for c in snapshot.get("cues", [])],
    }


def shows(state: dict) -> dict:
    """What each site's screen shows in a snapshot: the scene rule's answer."""
    return {site["key"]: site["screen"]["show"] for site in state["sites"]}


def test_the_demo_run_with_a_poll_left_open_and_a_question_featured_shows_each_segment_on_every_screen(
        real_server, crew):
    """The scene rule over the real server: polls and the featured question leave the screens with their segment
    (a pinned one stays, but never over the closing round or the magic wall), and during a site-by-site reveal a
    phone gets only the sites revealed so far."""
    clients, links = crew
    chair, screen = clients["chair"], clients["screen:eindhoven"]
    phone = Phone(real_server, links["sites"]["online"]["join"]["code"], "Noor")
    try:
        chair.act("event:start", {"confirm": True})
        state = screen.wait_for(lambda s: s["status"] == "live")
        assert set(shows(state).values()) == {"segment"}
        polls = {poll["key"]: poll["id"] for poll in chair.states[-1]["polls"]}

        def step(action: str, payload: dict | None = None, by=chair) -> dict:
            version = by.act(action, payload)["version"]
            return screen.wait_for(lambda s: s["version"] >= version)

        while chair.states[-1]["segment"]["kind"] != "poll":
            step("programme:next")
        state = step("poll:open", {"poll_id": polls["vraag-3"]})
        assert set(shows(state).values()) == {"poll"} and all(s["screen"]["vote"] for s in state["sites"])
        option = next(s for s in state["sites"] if s["key"] == "online")["poll"]["options"][0]["id"]
        assert phone.send("poll:vote", {"poll_id": polls["vraag-3"], "answer": {"option": option},
                                        "key": "walk-vote-0001"})["ok"]
        step("poll:close", {"poll_id": polls["vraag-3"]})
        step("poll:hide", {"poll_id": polls["vraag-3"]})
        phone.results.clear()
        step("poll:reveal-site", {"poll_id": polls["vraag-3"]})  # den-haag, the first of the order
        deadline = time.monotonic() + 5
        while not phone.results and time.monotonic() < deadline:
            time.sleep(0.05)
        assert phone.results, "the phone got the first site's results at the reveal's moment"
        assert all(message["shown"] == ["den-haag"] and set(message["sites"]) == {"den-haag"}
                   and message["total"]["voters"] == 0 for message in phone.results), phone.results

        state = step("programme:next")  # the live switch: the poll leaves the screens
        assert set(shows(state).values()) == {"segment"}
        assert {s["screen"]["air_site"] for s in state["sites"]} == {"enschede"}

        state = step("programme:next")  # the regional sessions
        assert shows(state) == {"den-haag": "own_part", "enschede": "own_part", "eindhoven": "own_part",
                                "online": "own_part"}
        state = step("poll:open", {"poll_id": polls["eindhoven-stelling-1"]}, by=clients["host:eindhoven"])
        assert shows(state)["eindhoven"] == "poll" and shows(state)["enschede"] == "own_part"
        question = phone.send("question:ask", {"text": "Hoe houden we dit vast?"})["question"]
        step("question:moderate", {"question_id": question, "state": "approved"})
        state = step("question:feature", {"question_id": question})
        assert set(shows(state).values()) == {"question"}
        eindhoven = next(s for s in state["sites"] if s["key"] == "eindhoven")
        assert eindhoven["screen"]["covered"] == ["poll"]

        state = step("programme:next")  # the break: the statement poll, still open, and the question leave
        assert set(shows(state).values()) == {"segment"} and state["featured_question"] is None
        state = step("poll:show", {"poll_id": polls["eindhoven-stelling-1"], "pinned": True})
        assert shows(state)["eindhoven"] == "poll"
        state = step("programme:next")  # the joint closing: the pinned poll stays
        assert shows(state)["eindhoven"] == "poll"
        state = step("programme:next")  # the closing round is never covered by a poll
        assert set(shows(state).values()) == {"closing_round"}
        assert next(s for s in state["sites"] if s["key"] == "eindhoven")["screen"]["covered"] == ["poll"]
        assert not any(s["screen"]["vote"] for s in state["sites"])
        state = step("programme:next")  # the video
        assert shows(state)["eindhoven"] == "poll"
        state = step("programme:next")  # the magic wall, never covered either
        assert set(shows(state).values()) == {"magic_wall"}
        state = step("screen:clear", {"site": "eindhoven"})
        assert next(s for s in state["sites"] if s["key"] == "eindhoven")["poll"] is None
        state = step("event:end")
        assert set(shows(state).values()) == {"ended"}
    finally:
        phone.close()


class Receiver(Client):
    """A client that keeps every `poll:results` message it is sent, beside the states."""

    def __init__(self, base_url: str, auth: dict, name: str):
        self.results: list[dict] = []
        super().__init__(base_url, auth, name)
        self.sio.on("poll:results", self.results.append)

    def results_of(self, poll_id: int) -> list[dict]:
        return [message for message in self.results if message["poll_id"] == poll_id]


def test_each_surface_receives_only_what_it_may_see_of_hidden_results_a_quiz_and_the_learnings(real_server):
    """Over the real server, per surface: the chair and a host get every figure at once; a screen and a phone get
    nothing of a hidden poll or an open quiz, a quiz's right answer only once it is closed and revealed, and the
    learnings only once the closing round has locked them."""
    links = real_server.links()
    sites = links["sites"]
    joined = requests.post(f"{real_server.base_url}/api/v1/join", json={"code": sites["enschede"]["join"]["code"]},
                           timeout=10).json()
    surfaces = {
        "chair": Receiver(real_server.base_url, {"token": links["chair"]["token"]}, "chair"),
        "host": Receiver(real_server.base_url, {"token": sites["enschede"]["host"]["token"]}, "host"),
        "screen": Receiver(real_server.base_url, {"token": sites["enschede"]["screen"]["token"]}, "screen"),
        "phone": Receiver(real_server.base_url, {"participant": joined["token"]}, "phone"),
    }
    chair, phone = surfaces["chair"], surfaces["phone"]
    crew, audience = ("chair", "host"), ("screen", "phone")
    try:
        chair.act("event:start", {"confirm": True})
        chair.act("poll:create", {"poll": {"key": "quiz-grolsch", "kind": "quiz", "question": "Waar?",
                                           "options": [{"label": "Enschede", "correct": True}, "Eindhoven"]},
                                  "site": None, "segment_id": None})
        state = chair.wait_for(lambda s: any(p["key"] == "quiz-grolsch" for p in s["polls"]))
        made = next(p for p in state["polls"] if p["key"] == "quiz-grolsch")
        quiz, right = made["id"], made["options"][0]["id"]
        chair.act("poll:open", {"poll_id": quiz})
        assert phone.act("poll:vote", {"poll_id": quiz, "answer": {"option": right}, "key": "quiz-vote-0001"})["ok"]

        def arrived(names, check, what):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if all(any(check(m) for m in surfaces[name].results_of(quiz)) for name in names):
                    return
                time.sleep(0.05)
            raise AssertionError(f"{what}: {[(n, surfaces[n].results_of(quiz)[-1:]) for n in names]}")

        # An open quiz: the crew sees the vote and the right answer; the audience gets nothing at all.
        arrived(crew, lambda m: m["total"]["voters"] == 1 and m["total"]["options"][0]["correct"], "crew, open quiz")
        time.sleep(0.5)  # a few pushes later
        assert not any(surfaces[name].results_of(quiz) for name in audience), "the audience got an open quiz's figures"
        # Closed, not revealed: still nothing for the audience.
        chair.act("poll:close", {"poll_id": quiz})
        time.sleep(0.5)
        assert not any(surfaces[name].results_of(quiz) for name in audience)
        # Revealed: every surface gets the figures with the right answer, at the reveal's moment.
        chair.act("poll:reveal", {"poll_id": quiz})
        arrived(audience, lambda m: m["total"]["options"][0].get("correct") is True, "audience, revealed quiz")
        board = surfaces["screen"].results_of(quiz)[-1]["leaderboard"]
        assert all("participant" not in player for player in board["overall"])

        # Learnings: the crew sees them while they are written; screens and phones once the round locks them.
        surfaces["host"].act("learnings:write", {"learnings": ["Samen optrekken werkt"]})
        chair.wait_for(lambda s: s["closing"]["learnings"].get("enschede") == ["Samen optrekken werkt"])
        state = surfaces["screen"].wait_for(lambda s: s["version"] == chair.states[-1]["version"])
        assert state["closing"]["learnings"] == {} and not state["closing"]["locked"]
        chair.act("programme:jump", {"segment_id": next(row["id"] for row in chair.states[-1]["runsheet"]
                                                        if row["kind"] == "closing_round")})
        for name in audience:
            state = surfaces[name].wait_for(lambda s: s["closing"]["locked"])
            assert state["closing"]["learnings"]["enschede"] == ["Samen optrekken werkt"], name
    finally:
        for client in surfaces.values():
            client.close()
