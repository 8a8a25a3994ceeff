"""A load-client process of bench/votes.py: a share of the phones, or the room screens.

Started by bench/votes.py with a JSON config; talks to it over stdin/stdout, one line each way per step:

    -> JOINED n        the phones have joined (app: POST /api/v1/join) and the screens are connected
    <- CONNECT         connect the phones (python-socketio AsyncClient, WebSocket only, in batches)
    -> READY n         n phones connected
    <- START t0        vote on the schedule from t0 (time.monotonic(), the same clock in every process on Linux)
    -> DONE            every vote sent and answered (or timed out), and the screens had `drain` seconds more
    <- STOP            write the measurements to the `out` file, disconnect, exit

The schedule is open-loop: vote slot s (0 .. slots-1) is due at t0 + s / rate; slot s belongs to phone
s % total_phones and goes to poll s // total_phones, so every phone votes once per poll and the polls fill one
after the other. A process sends each of its slots when due (at once when it is behind, which it records) and
does not wait for the acknowledgement before sending the next. Not meant to be run by hand; not part of the app.
"""

import argparse
import asyncio
import json
import random
import sys
import time
import uuid

import aiohttp
import socketio
from harness import raise_open_file_limit


async def read_line() -> str:
    """The next command from bench/votes.py."""
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if not line:
        raise SystemExit("bench/votes.py went away")
    return line.strip()


def say(text: str) -> None:
    print(text, flush=True)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Worker:
    """This process's phones and screens, and what they measured."""

    def __init__(self, config: dict):
        self.config = config
        self.url = config["url"]
        self.kind = config["kind"]
        self.timeout = config["timeout"]
        self.phones: list[dict] = config["phones"]  # {"index", "auth"} or {"index", "join": {"code", "addr"}}
        self.clients: dict[int, socketio.AsyncClient] = {}
        self.screen_clients: list[socketio.AsyncClient] = []
        self.session: aiohttp.ClientSession | None = None
        self.votes: list[list] = []  # [slot, poll_id, due, sent, acked, ok, repeated, error, key]
        self.screen_log: list[list] = []  # [screen, arrival, poll_id, voters, event, size]
        self.join_failures: list[str] = []

    async def join_all(self) -> None:
        """App: every phone joins with its site's code, from its own loopback address (joins are limited per
        address, as at a venue), and connects with the participant token it gets."""
        by_addr: dict[str, list[dict]] = {}
        for phone in self.phones:
            if "join" in phone:
                by_addr.setdefault(phone["join"]["addr"], []).append(phone)
        limit = asyncio.Semaphore(16)

        async def join(session: aiohttp.ClientSession, phone: dict) -> None:
            async with limit:
                for attempt in range(3):
                    try:
                        async with session.post(self.url + "/api/v1/join", json={"code": phone["join"]["code"]},
                                                timeout=aiohttp.ClientTimeout(total=30)) as response:
                            body = await response.json(content_type=None)
                            if response.status == 201:
                                phone["auth"] = {"participant": body["token"]}
                                return
                            error = f"HTTP {response.status} {body}"
                    except (aiohttp.ClientError, TimeoutError) as exc:
                        error = repr(exc)
                    await asyncio.sleep(0.5 + attempt)
                self.join_failures.append(error)

        for addr, phones in by_addr.items():
            connector = aiohttp.TCPConnector(local_addr=(addr, 0), limit=16)
            async with aiohttp.ClientSession(connector=connector) as session:
                await asyncio.gather(*(join(session, phone) for phone in phones))

    def new_client(self) -> socketio.AsyncClient:
        return socketio.AsyncClient(reconnection=False, handle_sigint=False, http_session=self.session,
                                    request_timeout=30)

    async def connect(self, client: socketio.AsyncClient, auth: dict, what: str, attempts: int = 3) -> bool:
        for attempt in range(attempts):
            try:
                await client.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=30)
                return True
            except (TimeoutError, socketio.exceptions.ConnectionError, OSError) as error:
                if attempt == attempts - 1:
                    log(f"{what} could not connect: {error}")
                await asyncio.sleep(0.5 + random.random())
        return False

    async def connect_screens(self) -> None:
        for n, auth in enumerate(self.config.get("screens", [])):
            client = self.new_client()

            def record(data, n=n, event="poll:results"):
                now = time.monotonic()
                if not isinstance(data, dict):
                    return
                voters = data.get("voters") if event == "poll:voters" else (data.get("total") or {}).get("voters")
                self.screen_log.append([n, now, data.get("poll_id"), voters, event,
                                        len(json.dumps(data, separators=(",", ":")))])

            client.on("poll:results", lambda data, record=record: record(data, event="poll:results"))
            client.on("poll:voters", lambda data, record=record: record(data, event="poll:voters"))
            if not await self.connect(client, auth, f"screen {n}"):
                raise SystemExit(f"screen {n} could not connect")
            self.screen_clients.append(client)

    async def connect_phones(self) -> int:
        batch, pause = self.config["batch"], self.config["batch_pause"]
        ready = [p for p in self.phones if "auth" in p]

        async def one(phone: dict) -> None:
            client = self.new_client()
            if await self.connect(client, phone["auth"], f"phone {phone['index']}"):
                self.clients[phone["index"]] = client

        for start in range(0, len(ready), batch):
            await asyncio.gather(*(one(p) for p in ready[start:start + batch]))
            await asyncio.sleep(pause)
        return len(self.clients)

    def schedule(self) -> list[tuple[int, int]]:
        """(slot, phone index) of this process's phones, in time order."""
        total, slots = self.config["total_phones"], self.config["slots"]
        mine = sorted(self.clients)
        return sorted((j * total + i, i) for i in mine for j in range((slots - i + total - 1) // total))

    async def vote(self, slot: int, phone: int, due: float) -> None:
        polls = self.config["polls"]
        poll = polls[slot // self.config["total_phones"]]
        data = {"poll_id": poll["id"], "answer": random.choice(poll["answers"]), "key": uuid.uuid4().hex}
        client = self.clients[phone]
        sent = time.monotonic()
        row = [slot, poll["id"], due, sent, None, False, False, None, data["key"]]
        self.votes.append(row)
        try:
            reply = await client.call("poll:vote", data, timeout=self.timeout)
            row[4] = time.monotonic()
            row[5] = isinstance(reply, dict) and bool(reply.get("ok"))
            row[6] = isinstance(reply, dict) and bool(reply.get("repeated"))
            if not row[5]:
                row[7] = str(reply)[:200]
        except (TimeoutError, socketio.exceptions.SocketIOError) as error:
            row[7] = repr(error)[:200]

    async def run_votes(self, t0: float) -> None:
        rate = self.config["rate"]
        tasks = []
        for slot, phone in self.schedule():
            due = t0 + slot / rate
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(self.vote(slot, phone, due)))
        await asyncio.gather(*tasks)
        await asyncio.sleep(self.config["drain"])

    async def server_counts(self) -> dict | None:
        """The bare server's own count of votes and connections (the app's are in its database)."""
        if self.kind != "bare" or not self.screen_clients:
            return None
        return await self.screen_clients[0].call("bench:count", {}, timeout=10)

    async def close(self) -> None:
        everyone = list(self.clients.values()) + self.screen_clients
        for start in range(0, len(everyone), 100):
            await asyncio.gather(*(c.disconnect() for c in everyone[start:start + 100] if c.connected),
                                 return_exceptions=True)
        if self.session is not None:
            await self.session.close()


async def main_async(config: dict) -> None:
    raise_open_file_limit()
    worker = Worker(config)
    worker.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    result: dict = {}
    try:
        await worker.join_all()
        await worker.connect_screens()
        say(f"JOINED {sum(1 for p in worker.phones if 'auth' in p)}")
        if await read_line() != "CONNECT":
            raise SystemExit("expected CONNECT")
        say(f"READY {await worker.connect_phones()}")
        command = await read_line()
        if not command.startswith("START "):
            raise SystemExit("expected START")
        await worker.run_votes(float(command.split()[1]))
        say("DONE")
        if await read_line() != "STOP":
            raise SystemExit("expected STOP")
        result = {
            "votes": worker.votes, "screens": worker.screen_log, "join_failures": worker.join_failures,
            "phones": len(worker.phones), "held_at_connect": len(worker.clients),
            "held_at_end": sum(1 for c in worker.clients.values() if c.connected),
            "screens_held_at_end": sum(1 for c in worker.screen_clients if c.connected),
            "server_counts": await worker.server_counts(),
        }
        with open(config["out"], "w", encoding="utf-8") as f:
            json.dump(result, f)
    finally:
        await worker.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Load client of bench/votes.py (not for direct use).")
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    asyncio.run(main_async(config))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
