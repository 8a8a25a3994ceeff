"""The real server with 200 phones voting at once: every vote is acknowledged after it is stored, and the
totals the screens end up showing equal the database's, per option and per site."""

import json
import random
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG

pytestmark = pytest.mark.server
PHONES = 200
SITES = ("den-haag", "enschede", "eindhoven", "online")


class Screen:
    """A screen's socket that keeps the latest results of each poll."""

    def __init__(self, base_url: str, token: str):
        self.results: dict[int, dict] = {}
        self.changed = threading.Condition()
        self.sio = socketio.Client()
        self.sio.on("poll:results", self._on_results)
        self.sio.connect(base_url, auth={"token": token}, wait_timeout=10)

    def _on_results(self, results):
        with self.changed:
            self.results[results["poll_id"]] = results
            self.changed.notify_all()

    def wait_for_voters(self, poll_id: int, voters: int, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        with self.changed:
            while (self.results.get(poll_id) or {}).get("total", {}).get("voters") != voters:
                left = deadline - time.monotonic()
                assert left > 0, f"the screen shows {self.results.get(poll_id)}, not {voters} voters"
                self.changed.wait(left)
            return self.results[poll_id]


def test_200_phones_vote_and_the_screens_totals_equal_the_database(real_server):
    links = real_server.links()
    base = real_server.base_url
    chair_headers = {"Authorization": f"Bearer {links['chair']['token']}"}
    state = requests.get(f"{base}/api/v1/events/{DEMO_SLUG}/state", headers=chair_headers, timeout=10).json()
    poll = next(p for p in state["polls"] if p["key"] == "vraag-3")
    requests.post(f"{base}/api/v1/events/{DEMO_SLUG}/poll/open", json={"poll_id": poll["id"]},
                  headers=chair_headers, timeout=10).raise_for_status()
    screens = [Screen(base, links["sites"][key]["screen"]["token"]) for key in ("den-haag", "enschede", "eindhoven")]
    option_ids = [option["id"] for option in poll["options"]]

    def join(number: int) -> tuple[str, socketio.Client]:
        site = SITES[number % len(SITES)]
        joined = requests.post(f"{base}/api/v1/join", json={"code": links["sites"][site]["join"]["code"]},
                               timeout=30).json()
        client = socketio.Client()
        client.connect(base, auth={"participant": joined["token"]}, wait_timeout=30)
        return site, client

    def vote(number: int) -> tuple[str, int]:
        site, client = phones[number]
        choice = random.Random(number).choice(option_ids)
        key = uuid.uuid4().hex
        reply = client.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": choice}, "key": key}, timeout=30)
        assert reply["ok"], reply
        retry = client.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": choice}, "key": key}, timeout=30)
        assert retry["ok"] and retry["repeated"], retry
        return site, choice

    with ThreadPoolExecutor(max_workers=40) as pool:
        phones = list(pool.map(join, range(PHONES)))  # all 200 connected at once...
        try:
            cast = list(pool.map(vote, range(PHONES)))  # ...then they vote together
        finally:
            for _, client in phones:
                client.disconnect()

    shown = [screen.wait_for_voters(poll["id"], PHONES) for screen in screens]
    for screen in screens:
        screen.sio.disconnect()

    database = sqlite3.connect(real_server.instance / "eventapp.sqlite3")
    rows = database.execute("SELECT site.key, vote.answer FROM vote JOIN site ON site.id = vote.site_id "
                            "WHERE vote.poll_id = ?", (poll["id"],)).fetchall()
    database.close()
    assert len(rows) == PHONES
    stored = sorted((site, json.loads(answer)[0]) for site, answer in rows)
    assert stored == sorted(cast), "the database holds exactly the acknowledged votes"
    for results in shown:
        assert {o["id"]: o["count"] for o in results["total"]["options"]} == \
            {option: sum(1 for _, choice in cast if choice == option) for option in option_ids}
        for site in SITES:
            assert {o["id"]: o["count"] for o in results["sites"][site]["options"]} == \
                {option: sum(1 for s, c in cast if s == site and c == option) for option in option_ids}
