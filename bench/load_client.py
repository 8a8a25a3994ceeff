"""The benchmark's load client: every client of both servers, in one asyncio process.

Started by bench/broadcast.py with a JSON config (see `Target` below); writes the raw measurements as JSON.
Not meant to be run by hand, and not part of the app.

For each target (the app, the bare server) it connects the chair, the hosts, the screens and the phones
(python-socketio's AsyncClient, WebSocket transport only), in batches, and then runs measured rounds,
interleaved between the targets: the chair triggers one state change (the app: `live:on-air` to the other
site; the bare server: `bench:trigger`) and every client notes when the `state:changed` with the new version
arrives. t0 is taken just before the chair sends; a client's latency is its arrival time minus t0, on the
same monotonic clock of this one process.
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import resource
import sys
import time

import aiohttp
import socketio
from harness import cpu_seconds, rss_kib


class Target:
    """One server and all of its clients; collects the arrival time of each client's first new state."""

    def __init__(self, spec: dict, timeout: float):
        self.name = spec["name"]
        self.url = spec["url"]
        self.pid = spec["pid"]
        self.kind = spec["kind"]  # "app" or "bare"
        self.timeout = timeout
        # index 0 is the chair (it sends the trigger); the others are hosts, screens and phones
        self.auths: list[dict] = [spec["chair"]] + spec["others"]
        self.roles: list[str] = ["chair"] + spec["other_roles"]
        self.n = len(self.auths)
        self.clients: list[socketio.AsyncClient | None] = [None] * self.n
        self.latest = [-1] * self.n
        self.chair_state: dict = {}
        self.presence: dict = {}
        self.session: aiohttp.ClientSession | None = None
        self.base = None  # version every client had when the round started; None: no round running
        self.arrived: list[float | None] = []
        self.arrived_version: list[int | None] = []
        self.count = 0
        self.done = asyncio.Event()
        self.on_air_sites = spec.get("on_air_sites", [])

    def on_state(self, i: int, data) -> None:
        now = time.perf_counter()
        version = data.get("version", -1) if isinstance(data, dict) else -1
        if i == 0 and isinstance(data, dict):
            self.chair_state = data
        if version > self.latest[i]:
            self.latest[i] = version
        if self.base is not None and version > self.base and self.arrived[i] is None:
            self.arrived[i] = now
            self.arrived_version[i] = version
            self.count += 1
            if self.count == self.n:
                self.done.set()

    def make_client(self, i: int) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False, handle_sigint=False, http_session=self.session,
                                      request_timeout=30)
        client.on("state:changed", lambda data, i=i: self.on_state(i, data))
        if i == 0:
            client.on("presence:changed", lambda data: self.presence.update(data.get("presence", {})))
        return client

    async def connect_one(self, i: int, attempts: int = 3) -> bool:
        for attempt in range(attempts):
            client = self.make_client(i)
            try:
                await client.connect(self.url, auth=self.auths[i], transports=["websocket"], wait_timeout=30)
                self.clients[i] = client
                return True
            except (TimeoutError, socketio.exceptions.ConnectionError, OSError) as error:
                if attempt == attempts - 1:
                    print(f"  {self.name}: client {i} ({self.roles[i]}) could not connect: {error}", flush=True)
                await asyncio.sleep(0.5 + random.random())
        return False

    async def connect_all(self, batch: int, pause: float) -> int:
        connector = aiohttp.TCPConnector(limit=0)
        self.session = aiohttp.ClientSession(connector=connector)
        held = 0
        for start in range(0, self.n, batch):
            results = await asyncio.gather(*(self.connect_one(i) for i in range(start, min(start + batch, self.n))))
            held += sum(results)
            await asyncio.sleep(pause)
        return held

    def connected(self) -> int:
        return sum(1 for c in self.clients if c is not None and c.connected)

    async def settle(self, timeout: float = 20) -> int:
        """Wait until every client has the same latest version (no message in flight); return it."""
        deadline = time.monotonic() + timeout
        while True:
            live = [v for c, v in zip(self.clients, self.latest, strict=False) if c is not None]
            if live and min(live) == max(live) >= 0:
                return live[0]
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: clients do not agree on a version: {min(live)}..{max(live)}")
            await asyncio.sleep(0.05)

    def trigger(self) -> tuple[str, dict]:
        if self.kind == "bare":
            return "bench:trigger", {}
        on_air = self.chair_state.get("on_air")
        first, second = self.on_air_sites
        return "live:on-air", {"site": second if on_air == first else first}

    async def round(self) -> dict:
        base = await self.settle()
        missing = [i for i, c in enumerate(self.clients) if c is None or not c.connected]
        self.arrived = [None] * self.n
        self.arrived_version = [None] * self.n
        self.count = len(missing)  # a client that is gone cannot arrive; the round reports it
        for i in missing:
            self.arrived[i] = float("nan")
        self.done = asyncio.Event()
        if self.count >= self.n:
            self.done.set()
        event, data = self.trigger()
        self.base = base
        cpu0, own0 = cpu_seconds(self.pid), cpu_seconds(os.getpid())
        t0 = time.perf_counter()
        reply = await self.clients[0].call(event, data, timeout=self.timeout)
        t_ack = time.perf_counter()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.done.wait(), timeout=self.timeout)
        t_end = time.perf_counter()
        self.base = None
        cpu1, own1 = cpu_seconds(self.pid), cpu_seconds(os.getpid())
        if not isinstance(reply, dict) or not reply.get("ok"):
            raise RuntimeError(f"{self.name}: the chair's {event} was refused: {reply}")
        version = reply["version"]
        latencies = [None if t is None or t != t else (t - t0) * 1000 for t in self.arrived]
        stale = sum(1 for v in self.arrived_version if v is not None and v < version)
        return {
            "target": self.name, "event": event, "data": data, "version": version, "base": base,
            "ack_ms": (t_ack - t0) * 1000, "wall_ms": (t_end - t0) * 1000,
            "server_cpu_ms": None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) * 1000,
            "client_cpu_ms": None if own0 is None or own1 is None else (own1 - own0) * 1000,
            "latencies_ms": latencies, "roles": self.roles,
            "missing": sum(1 for x in latencies if x is None), "gone": len(missing), "stale": stale,
        }

    async def close(self) -> None:
        for batch_start in range(0, self.n, 100):
            await asyncio.gather(*(c.disconnect() for c in self.clients[batch_start:batch_start + 100]
                                   if c is not None and c.connected), return_exceptions=True)
        if self.session is not None:
            await self.session.close()


async def server_count(target: Target) -> int | None:
    """Connections the server itself reports: the bare server counts them; the app shows presence to the chair."""
    if target.kind == "bare":
        reply = await target.clients[0].call("bench:count", {}, timeout=10)
        return reply.get("connections")
    await asyncio.sleep(1.5)  # presence:changed goes to the crew at most once a second
    counts = target.presence or target.chair_state.get("presence", {})
    return sum(v.get("hosts", 0) + v.get("screens", 0) + v.get("participants", 0) for v in counts.values()) + 1


async def run(config: dict) -> dict:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    timeout = config["round_timeout"]
    targets = [Target(spec, timeout) for spec in config["targets"]]
    result: dict = {"targets": {}, "rounds": [], "warmup": [], "client_pid": os.getpid()}
    try:
        for target in targets:
            info = result["targets"][target.name] = {"clients": target.n, "kind": target.kind}
            info["rss_before_kib"] = rss_kib(target.pid)
            started = time.monotonic()
            print(f"connecting {target.n} clients to {target.name} in batches of {config['batch']} ...", flush=True)
            info["held_at_connect"] = await target.connect_all(config["batch"], config["batch_pause"])
            info["connect_seconds"] = time.monotonic() - started
            await target.settle(timeout=60)
            info["server_reports"] = await server_count(target)
            gc.collect()
            await asyncio.sleep(1.0)
            info["rss_after_kib"] = rss_kib(target.pid)
            print(f"  {target.name}: {info['held_at_connect']}/{target.n} connected in "
                  f"{info['connect_seconds']:.1f}s; server counts {info['server_reports']}", flush=True)
            if info["held_at_connect"] < target.n:
                raise RuntimeError(f"{target.name}: only {info['held_at_connect']} of {target.n} clients connected")
        result["client_rss_kib"] = rss_kib(os.getpid())

        pause = config["pause"]
        schedule = []
        for k in range(config["warmup"] + config["rounds"]):
            # ABBA order: each target goes first in half of the pairs
            pair = targets if k % 2 == 0 else list(reversed(targets))
            schedule += [(k, t) for t in pair]
        for k, target in schedule:
            gc.collect()  # a collection of this process's garbage would otherwise land inside some round
            await asyncio.sleep(pause * (0.75 + 0.5 * random.random()))
            measured = await target.round()
            measured["round"] = k
            warm = k < config["warmup"]
            (result["warmup"] if warm else result["rounds"]).append(measured)
            lat = [x for x in measured["latencies_ms"] if x is not None]
            print(f"  {'warm-up' if warm else 'round'} {k:>3} {target.name:<5} last client "
                  f"{max(lat) if lat else float('nan'):7.1f} ms  ack {measured['ack_ms']:6.1f} ms"
                  + (f"  MISSING {measured['missing']}" if measured["missing"] else ""), flush=True)

        for target in targets:
            info = result["targets"][target.name]
            info["held_at_end"] = target.connected()
            info["rss_end_kib"] = rss_kib(target.pid)
    finally:
        for target in targets:
            await target.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Load client of bench/broadcast.py (not for direct use).")
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    result = asyncio.run(run(config))
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
