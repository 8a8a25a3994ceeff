"""kill -9 while 200 phones vote: after the restart every acknowledged vote is there, a vote sent again with the
same key counts once, and the event goes on.

Each phone votes several times on one poll (a vote, then changes of mind), one vote at a time, each with a new
idempotency key, as the phone page does. A vote whose acknowledgement does not come (the server died, the
connection dropped) is sent again with the same key once the phone is connected again; only after its
acknowledgement does the phone go on to its next vote. The server is killed with SIGKILL while votes are in
flight, and started again on the same port and instance folder; python-socketio reconnects the phones by itself.
"""

import asyncio
import concurrent.futures
import contextlib
import json
import random
import sqlite3
import time
import uuid

import aiohttp
import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG, RealServer

pytestmark = pytest.mark.server
PHONES = 200
VOTES_EACH = 5
#: The server is killed once this many votes are acknowledged: well into the voting, with many still to come.
KILL_AFTER_ACKS = 350
SITES = ("den-haag", "enschede", "eindhoven", "online")
#: A vote without an acknowledgement after this many seconds is sent again (with the same key).
ACK_TIMEOUT = 5


class PatientClient(socketio.AsyncClient):
    """python-socketio's own reconnection, waiting as long as the JS client (20 s) for the server to accept.

    Its reconnection calls connect() without a wait_timeout, so it gives up after 1 s without the server's answer;
    a server that has just restarted, with every phone reconnecting at once, needs longer, and a client that gives
    up waits in vain for the close of the WebSocket it abandons while the server keeps sending on it.
    """

    async def connect(self, *args, wait_timeout: float = 20, **kwargs):
        return await super().connect(*args, wait_timeout=wait_timeout, **kwargs)


class CrashVoter:
    """One phone of the crash: its socket, its votes (key, option) in the order it makes them, and what the server
    answered. Not tests.crew.Phone: two hundred of them vote at once on one asyncio loop (as the benchmarks' phones
    do), each replaying its own plan of votes through the kill."""

    def __init__(self, number: int, token: str, poll_id: int, option_ids: list[int]):
        rng = random.Random(number)
        self.number, self.token, self.poll_id = number, token, poll_id
        self.plan = [(uuid.uuid4().hex, rng.choice(option_ids)) for _ in range(VOTES_EACH)]
        self.acked: dict[str, bool] = {}  # key -> the ack's "repeated"
        self.sent: dict[str, int] = {}  # key -> how often it was sent
        self.in_flight: str | None = None  # the key sent and not yet answered
        self.refusals: list[dict] = []
        self.versions: list[int] = []  # the version of every state:changed, in arrival order
        self.changed = asyncio.Event()
        self.sio = PatientClient(reconnection_delay=0.5, reconnection_delay_max=2, handle_sigint=False)
        self.sio.on("state:changed", self._on_state)

    def _on_state(self, snapshot) -> None:
        self.versions.append(snapshot["version"])
        self.changed.set()

    async def connect(self, base: str) -> None:
        await self.sio.connect(base, auth={"participant": self.token}, wait_timeout=30)

    async def wait_connected(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not (self.sio.connected and "/" in self.sio.namespaces):
            assert time.monotonic() < deadline, (
                f"phone {self.number} did not reconnect in {timeout}s: engine {self.sio.eio.state}, "
                f"namespaces {list(self.sio.namespaces)}")
            await asyncio.sleep(0.05)

    async def vote_all(self) -> None:
        """Every vote of the plan, each until it is acknowledged; an unanswered one again with the same key."""
        for key, option in self.plan:
            while key not in self.acked:
                await self.wait_connected()
                self.in_flight = key
                self.sent[key] = self.sent.get(key, 0) + 1
                try:
                    reply = await self.sio.call("poll:vote", {"poll_id": self.poll_id, "answer": {"option": option},
                                                              "key": key}, timeout=ACK_TIMEOUT)
                except (TimeoutError, socketio.exceptions.SocketIOError):
                    continue  # the server went away (or is slow): send it again, same key
                if reply.get("ok"):
                    self.acked[key] = reply["repeated"]
                else:  # e.g. two sends of this key crossed: the same key again, as the phone page does
                    self.refusals.append(reply)
                    assert len(self.refusals) < 10, (self.number, self.refusals)
                    await asyncio.sleep(0.2)
            self.in_flight = None

    async def wait_for_version(self, version: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not self.versions or self.versions[-1] < version:
            self.changed.clear()
            left = deadline - time.monotonic()
            assert left > 0, f"phone {self.number} has version {self.versions[-1:]}, not {version}"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


def stored_votes(instance, poll_id: int) -> list[tuple[int, str, list]]:
    """(participant id, key, answer) of every vote of the poll, read from the server's SQLite file read-only."""
    database = sqlite3.connect(f"file:{instance / 'eventapp.sqlite3'}?mode=ro", uri=True)
    try:
        rows = database.execute("SELECT participant_id, idempotency_key, answer FROM vote WHERE poll_id = ?",
                                (poll_id,)).fetchall()
    finally:
        database.close()
    return [(participant, key, json.loads(answer)) for participant, key, answer in rows]


def test_kill_9_while_200_phones_vote_loses_no_acknowledged_vote_and_counts_retries_once(real_server):
    links = real_server.links()
    base = real_server.base_url
    chair = {"Authorization": f"Bearer {links['chair']['token']}"}
    state = requests.get(f"{base}/api/v1/events/{DEMO_SLUG}/state", headers=chair, timeout=10).json()
    poll = next(p for p in state["polls"] if p["key"] == "vraag-3")
    opened = requests.post(f"{base}/api/v1/events/{DEMO_SLUG}/poll/open", json={"poll_id": poll["id"]},
                           headers=chair, timeout=10)
    opened.raise_for_status()
    version_before = opened.json()["version"]
    option_ids = [option["id"] for option in poll["options"]]
    restarted: list[RealServer] = []
    try:
        # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as runner:
            runner.submit(asyncio.run, _crash_while_voting(real_server, restarted, links, chair, poll["id"],
                                                           option_ids, version_before)).result()
    finally:
        for server in restarted:
            server.stop()


async def _crash_while_voting(server: RealServer, restarted: list, links: dict, chair: dict, poll_id: int,
                              option_ids: list[int], version_before: int) -> None:
    base = server.base_url
    async with aiohttp.ClientSession() as session:  # 200 joins from one address: within its 300 a minute

        async def join(number: int) -> CrashVoter:
            code = links["sites"][SITES[number % len(SITES)]]["join"]["code"]
            async with session.post(f"{base}/api/v1/join", json={"code": code}) as response:
                assert response.status == 201, await response.text()
                return CrashVoter(number, (await response.json())["token"], poll_id, option_ids)

        phones = await asyncio.gather(*(join(n) for n in range(PHONES)))
    for start in range(0, PHONES, 50):
        await asyncio.gather(*(phone.connect(base) for phone in phones[start:start + 50]))
    for phone in phones:
        await phone.wait_for_version(version_before)

    try:
        voting = asyncio.gather(*(phone.vote_all() for phone in phones))
        deadline = time.monotonic() + 30
        while sum(len(phone.acked) for phone in phones) < KILL_AFTER_ACKS:
            assert time.monotonic() < deadline and not voting.done(), "the votes did not get going"
            await asyncio.sleep(0.01)

        # kill -9 with votes in flight; nothing of the phones' runs between here and the read of the database.
        server.kill()
        acked_at_kill = {phone.number: [key for key, _ in phone.plan if key in phone.acked] for phone in phones}
        in_flight_at_kill = {phone.number: phone.in_flight for phone in phones if phone.in_flight}
        assert in_flight_at_kill, "the server was killed while votes were in flight"
        assert any(len(keys) < VOTES_EACH for keys in acked_at_kill.values()), "votes were still to come"
        at_kill = {key: (participant, answer) for participant, key, answer in stored_votes(server.instance, poll_id)}

        # What the dead server left on disk: each phone's last acknowledged vote, or the one it had in flight
        # (committed, its acknowledgement lost with the connection); never an older one, never nothing.
        for phone in phones:
            acked = acked_at_kill[phone.number]
            mine = [key for key, _ in phone.plan if key in at_kill]
            allowed = set(acked[-1:]) | ({in_flight_at_kill[phone.number]} if phone.number in in_flight_at_kill
                                         else set())
            assert len(mine) <= 1 and set(mine) <= allowed, (phone.number, mine, acked[-1:], allowed)
            assert mine or not acked, f"phone {phone.number}'s acknowledged vote {acked[-1]} is gone"

        restarted.append(await asyncio.to_thread(RealServer(server.instance, port=server.port).start))
        await asyncio.wait_for(voting, 45)  # the phones reconnect and send what was not acknowledged, same keys
    finally:
        if not voting.done():
            voting.cancel()

    # A vote stored before the kill and sent again (its acknowledgement died with the server): acknowledged as a
    # repeat. (One in flight at the kill may still get its first acknowledgement: the server wrote it just before.)
    resent_stored = [(phone, key) for phone in phones for key in [in_flight_at_kill.get(phone.number)]
                     if key is not None and key in at_kill and phone.sent[key] >= 2]
    counted_again = [(phone.number, key) for phone, key in resent_stored if not phone.acked[key]]
    assert not counted_again, f"stored votes sent again were counted again: {counted_again}"
    # And every phone sends its last vote once more, as a phone that missed the acknowledgement does: a repeat.
    for start in range(0, PHONES, 50):
        replies = await asyncio.gather(*(
            phone.sio.call("poll:vote", {"poll_id": poll_id, "answer": {"option": phone.plan[-1][1]},
                                         "key": phone.plan[-1][0]}, timeout=30) for phone in phones[start:start + 50]))
        assert all(reply["ok"] and reply["repeated"] for reply in replies), replies

    # The event goes on: the same version after the restart, and the chair's next action reaches every phone.
    for phone in phones:
        await phone.wait_for_version(version_before)
        assert phone.versions[-1] == version_before, (phone.number, phone.versions[-3:])
    state = await asyncio.to_thread(
        lambda: requests.get(f"{base}/api/v1/events/{DEMO_SLUG}/state", headers=chair, timeout=10).json())
    assert state["version"] == version_before
    closed = await asyncio.to_thread(
        lambda: requests.post(f"{base}/api/v1/events/{DEMO_SLUG}/poll/close", json={"poll_id": poll_id},
                              headers=chair, timeout=10))
    assert closed.status_code == 200, closed.text
    assert closed.json()["version"] == version_before + 1
    for phone in phones:
        await phone.wait_for_version(version_before + 1)
    for start in range(0, PHONES, 50):
        await asyncio.gather(*(phone.sio.disconnect() for phone in phones[start:start + 50]))
    restarted[0].stop()

    # The database after the run: one vote per phone, its last one; every key once; nothing else.
    rows = stored_votes(server.instance, poll_id)
    keys = [key for _, key, _ in rows]
    assert len(keys) == len(set(keys)), "no key is stored twice"
    owner = {key: phone for phone in phones for key, _ in phone.plan}
    assert set(keys) <= set(owner), "every stored vote is one the phones sent"
    assert len(rows) == len({participant for participant, _, _ in rows}) == PHONES, \
        "one vote per participant who voted"
    by_phone = {owner[key].number: (participant, key, answer) for participant, key, answer in rows}
    for phone in phones:
        participant, key, answer = by_phone[phone.number]
        assert (key, answer) == (phone.plan[-1][0], [phone.plan[-1][1]]), f"phone {phone.number}: its last vote"
        assert all(key in phone.acked for key, _ in phone.plan), "every vote was acknowledged in the end"
    assert len({participant for participant, _, _ in by_phone.values()}) == PHONES
