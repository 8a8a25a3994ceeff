"""The chair as the real-server browser tests drive it: over Socket.IO (as the control panel does), with the
state read by HTTP; and the small helpers those tests share for pages on the real server."""

import threading
import time

import requests
import socketio
from playwright.sync_api import expect

from tests.conftest import with_query


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


def url(links: dict, site: str, surface: str, extra: str = "") -> str:
    """A site's screen or host link, in English (the default language is Dutch); `extra` adds to its query
    ("&overlay=1")."""
    return with_query(links["sites"][site][surface]["url"], "lang=en" + extra)


def wait_live(page) -> None:
    """Wait until the page has a fresh snapshot over a live connection."""
    expect(page.locator("body")).to_have_attribute("data-connection", "live", timeout=15000)
