"""The clients the real-server tests drive over Socket.IO: the chair (as the control panel is, with the state read
by HTTP) and a participant's phone (as the phone page is); and the small helpers the browser tests share for pages
on the real server. The conftest fixtures `live_chair` and `live_phones` make them; the in-process tests' `chair` is
an `eventapp.access.Caller` instead."""

import threading
import time
import uuid

import requests
import socketio
from playwright.sync_api import expect

from tests.conftest import NETWORK_NOISE, with_query


class Chair:
    """The chair, connected to a real server; it keeps the newest poll results and question list it was sent."""

    def __init__(self, server, links: dict):
        self.server = server
        self.links = links
        self.token = links["chair"]["token"]
        self.results: dict[int, dict] = {}
        self.questions: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("poll:results", self._on_results)
        self.client.on("questions:changed", self._on_questions)
        self.client.connect(server.base_url, auth={"token": self.token}, wait_timeout=10)

    def _on_results(self, data):
        with self.lock:
            self.results[data["poll_id"]] = data

    def _on_questions(self, data):
        self.questions = data["questions"]

    def do(self, name: str, payload: dict | None = None) -> dict:
        """Run a live action and insist that it was done."""
        reply = self.client.call(name, payload or {}, timeout=10)
        assert reply["ok"], (name, reply)
        return reply

    def post(self, path: str, payload: dict) -> dict:
        """The same actions through the HTTP API, as a Stream Deck would call them."""
        response = requests.post(f"{self.server.base_url}/api/v1/events/{self.links['event']}/{path}", json=payload,
                                 headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def state(self) -> dict:
        """The crew snapshot, through the HTTP API."""
        response = requests.get(f"{self.server.base_url}/api/v1/events/{self.links['event']}/state",
                                headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def segment_id(self, kind: str) -> int:
        """The id of the first segment of a kind in the run sheet."""
        return next(row["id"] for row in self.state()["runsheet"] if row["kind"] == kind)

    def poll(self, key: str) -> dict:
        """A poll of the crew snapshot, with its number of voters."""
        return next(poll for poll in self.state()["polls"] if poll["key"] == key)

    def open(self, key: str) -> dict:
        """Open a poll (it goes onto its sites' screens and phones)."""
        poll = self.poll(key)
        self.do("poll:open", {"poll_id": poll["id"]})
        return poll

    def start_at_the_polls(self) -> None:
        """Start the event and go to the segment with the polls for everyone."""
        self.do("event:start", {"confirm": True})
        self.do("programme:jump", {"segment_id": self.segment_id("poll")})

    def question_id(self, text_start: str, timeout: float = 10) -> int:
        """The id of the question that begins with this text, as the crew's question list shows it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for question in self.questions:
                if question["text"].startswith(text_start):
                    return question["id"]
            time.sleep(0.1)
        raise AssertionError(f"no question starting with {text_start!r} in {self.questions}")

    def close(self) -> None:
        """Hang up (before the server is stopped on purpose)."""
        if self.client.connected:
            self.client.disconnect()


class Phone:
    """A participant's phone: joined by its site's code over HTTP, then connected with its token over Socket.IO,
    as the phone page is. It keeps every results message it is sent, and reconnects by itself as the page does."""

    def __init__(self, server, code: str, name: str = ""):
        joined = requests.post(f"{server.base_url}/api/v1/join", json={"code": code, "name": name}, timeout=15)
        assert joined.status_code == 201, joined.text
        self.name = name
        self.site = joined.json()["site"]
        self.results: list[dict] = []
        self.sio = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("poll:results", self.results.append)
        self.sio.connect(server.base_url, auth={"participant": joined.json()["token"]}, wait_timeout=15)

    def call(self, event: str, payload: dict, timeout: float = 10) -> dict:
        """The server's reply, whatever it is; a reply that did not come is {"ok": false, "timeout": true}."""
        try:
            return self.sio.call(event, payload, timeout=timeout)
        except socketio.exceptions.TimeoutError:
            return {"ok": False, "timeout": True}

    def send(self, event: str, payload: dict) -> dict:
        """Send a participant's action and insist that it was accepted."""
        reply = self.call(event, payload)
        assert reply["ok"], (self.name, event, payload, reply)
        return reply

    def vote(self, poll_id: int, answer: dict) -> dict:
        """Answer a poll (with a fresh idempotency key, as the phone page makes one) and insist it was stored."""
        return self.send("poll:vote", {"poll_id": poll_id, "answer": answer, "key": uuid.uuid4().hex})

    def vote_until_stored(self, poll_id: int, option: int, refusals: list, deadline: float) -> dict:
        """Send one vote (one key) again, as the phone page does, while the server answers "try again"; the
        refusals on the way are added to `refusals`."""
        payload = {"poll_id": poll_id, "answer": {"option": option}, "key": uuid.uuid4().hex, "seq": 1}
        while True:
            reply = self.call("poll:vote", payload)
            if reply.get("ok"):
                return {**reply, "key": payload["key"]}
            refusals.append(reply)
            if not (reply.get("retry") or reply.get("timeout")) or time.monotonic() > deadline:
                return reply
            time.sleep(0.3)

    def close(self) -> None:
        """Hang up, and stop reconnecting if it is trying to."""
        self.sio.shutdown()


def url(links: dict, site: str, surface: str, extra: str = "") -> str:
    """A site's screen or host link, in English (the default language is Dutch); `extra` adds to its query
    ("&overlay=1")."""
    return with_query(links["sites"][site][surface]["url"], "lang=en" + extra)


def wait_live(page) -> None:
    """Wait until the page has a fresh snapshot over a live connection."""
    expect(page.locator("body")).to_have_attribute("data-connection", "live", timeout=15000)


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


class Phones:
    """Mobile browser contexts (390x844, touch), each failing the test on a script error."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.errors: list[str] = []
        self.noise_allowed = False

    def new(self, url: str):
        """A phone (its own context: its own localStorage) on a page, in English (the default is Dutch)."""
        context = self.browser.new_context(**PHONE)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.goto(url + ("&" if "?" in url else "?") + "lang=en")
        return page

    def _console(self, message):
        if message.type != "error":
            return
        if self.noise_allowed and any(noise in message.text for noise in NETWORK_NOISE):
            return
        url = (message.location or {}).get("url", "")
        if "status of 400" in message.text and "/socket.io/" in url:
            # A long-poll of a connection that ended (replaced after joining, or refused): Socket.IO had sent its next
            # poll before it closed the connection, and the server answers that poll 400 (no such session).
            return
        self.errors.append(f"{message.text} ({url})" if url else message.text)

    def close(self):
        for context in self.contexts:
            context.close()


def join(page, name: str = "") -> None:
    """Fill in the join form and wait until the phone is in."""
    expect(page.get_by_role("button", name="Join")).to_be_visible()
    if name:
        page.get_by_label("Your name (optional)").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("body")).to_have_attribute("data-joined", "yes")
    expect(page.locator("body")).to_have_attribute("data-connection", "live")
