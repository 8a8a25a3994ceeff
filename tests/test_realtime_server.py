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
    versions = [chair.act("event:start")["version"]]
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
    chair.act("event:start")
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
