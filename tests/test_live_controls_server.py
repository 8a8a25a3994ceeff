"""The live controls on the real server (python run.py, eventlet) with python-socketio clients: a quiz question closes
by itself when its time is up, also when the server was down at that moment; a participant is told of their approved
answer on their own phone only; the speaker view follows the chair's stage message and the site's timer."""

import threading
import time

import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG, RealServer

pytestmark = pytest.mark.server

QUIZ = {"key": "quiz-op-tijd", "kind": "quiz", "question": "Hoeveel locaties doen mee?", "answer_seconds": 5,
        "options": [{"label": "Vier", "correct": True}, "Drie"]}


class Client:
    """A python-socketio client that keeps every message of the events it is told to keep."""

    def __init__(self, base_url: str, auth: dict, events: tuple[str, ...]):
        self.messages: dict[str, list] = {name: [] for name in events}
        self.arrived = threading.Condition()
        self.sio = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        for name in events:
            self.sio.on(name, self._keeper(name))
        self.sio.connect(base_url, auth=auth, wait_timeout=10)

    def _keeper(self, name):
        def keep(message):
            with self.arrived:
                self.messages[name].append(message)
                self.arrived.notify_all()
        return keep

    def wait_for(self, name: str, predicate, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                found = [m for m in self.messages[name] if predicate(m)]
                if found:
                    return found[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name} as wanted in {timeout}s: {self.messages[name][-3:]}")
                self.arrived.wait(left)

    def act(self, name: str, payload: dict) -> dict:
        reply = self.sio.call(name, payload, timeout=10)
        assert reply["ok"], (name, reply)
        return reply

    def close(self):
        self.sio.disconnect()


def api(server: RealServer, token: str, action: str, body: dict) -> dict:
    response = requests.post(f"{server.base_url}/api/v1/events/{DEMO_SLUG}/{action}", json=body,
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, (action, response.text)
    return response.json()


def crew_poll(server: RealServer, token: str, key: str) -> dict:
    state = requests.get(f"{server.base_url}/api/v1/events/{DEMO_SLUG}/state",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return next(poll for poll in state["polls"] if poll["key"] == key)


def join(server: RealServer, code: str, name: str) -> str:
    response = requests.post(f"{server.base_url}/api/v1/join", json={"code": code, "name": name}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def enschede_poll(snapshot: dict) -> dict:
    """The poll on Enschede's screen and phones in a public snapshot ({} for none)."""
    return next(site for site in snapshot["sites"] if site["key"] == "enschede")["poll"] or {}


def test_a_quiz_question_closes_by_itself_when_its_time_is_up_also_after_a_restart(real_server):
    links = real_server.links()
    chair = links["chair"]["token"]
    api(real_server, chair, "event/start", {"confirm": True})
    api(real_server, chair, "poll/create", {"poll": QUIZ})
    quiz = crew_poll(real_server, chair, QUIZ["key"])
    phone = Client(real_server.base_url, {"code": links["sites"]["enschede"]["join"]["code"]}, ("state:changed",))
    try:
        api(real_server, chair, "poll/open", {"poll_id": quiz["id"]})
        shown = phone.wait_for("state:changed", lambda s: enschede_poll(s).get("state") == "open")
        assert enschede_poll(shown)["closes_at"] is not None  # the phone counts down to it
        closed = phone.wait_for("state:changed", lambda s: enschede_poll(s).get("state") == "closed", timeout=10)
        assert enschede_poll(closed)["closes_at"] is None
    finally:
        phone.close()

    # The next question opens, and the server is down when its time runs out: it closes as soon as it is back.
    api(real_server, chair, "poll/create", {"poll": {**QUIZ, "key": "quiz-2"}})
    second = crew_poll(real_server, chair, "quiz-2")
    api(real_server, chair, "poll/open", {"poll_id": second["id"]})
    real_server.kill()
    time.sleep(QUIZ["answer_seconds"] + 1)
    again = RealServer(real_server.instance, port=real_server.port).start()
    try:
        deadline = time.monotonic() + 5
        while crew_poll(again, chair, "quiz-2")["state"] != "closed" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert crew_poll(again, chair, "quiz-2")["state"] == "closed"
    finally:
        again.stop()


def test_an_approved_answer_is_told_to_its_participant_only_and_the_speaker_follows_the_chair(real_server):
    links = real_server.links()
    chair_token = links["chair"]["token"]
    code = links["sites"]["enschede"]["join"]["code"]
    api(real_server, chair_token, "event/start", {"confirm": True})
    api(real_server, chair_token, "poll/create", {"poll": {"key": "open-1", "kind": "open", "question": "Wat?"}})
    poll = crew_poll(real_server, chair_token, "open-1")
    api(real_server, chair_token, "poll/open", {"poll_id": poll["id"]})
    fenna = Client(real_server.base_url, {"participant": join(real_server, code, "Fenna")},
                   ("participant:approved",))
    daan = Client(real_server.base_url, {"participant": join(real_server, code, "Daan")}, ("participant:approved",))
    chair = Client(real_server.base_url, {"token": chair_token}, ("poll:results",))
    speaker = Client(real_server.base_url, {"token": links["sites"]["enschede"]["speaker"]["token"]},
                     ("speaker:changed",))
    try:
        fenna.act("poll:vote", {"poll_id": poll["id"], "answer": {"text": "Meer lef"}, "key": "fenna-open-1"})
        daan.act("poll:vote", {"poll_id": poll["id"], "answer": {"text": "Rust"}, "key": "daan-open-1"})
        pending = chair.wait_for("poll:results", lambda r: r["poll_id"] == poll["id"] and r.get("waiting") == 2)
        fenna_answer = next(answer["id"] for answer in pending["pending"] if answer["text"] == "Meer lef")

        chair.act("answer:moderate", {"vote_id": fenna_answer, "decision": "approved"})
        chair.act("stage:message", {"text": "Afronden graag", "site": "enschede"})
        chair.act("site:timer", {"seconds": 120, "site": "enschede"})

        assert fenna.wait_for("participant:approved", lambda m: True) == {"kind": "answer", "poll_id": poll["id"]}
        chair.wait_for("poll:results", lambda r: r["poll_id"] == poll["id"] and r.get("waiting") == 1)
        assert daan.messages["participant:approved"] == []
        view = speaker.wait_for("speaker:changed", lambda v: v["timer_ends_at"] is not None)
        assert (view["site"], view["message"], view["on_air"]) == ("enschede", "Afronden graag", False)
    finally:
        for client in (fenna, daan, chair, speaker):
            client.close()
