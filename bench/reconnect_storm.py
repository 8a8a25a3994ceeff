"""Reconnect storm: every phone loses its connection at once; how soon is each back on the latest state?

    python bench/reconnect_storm.py                        # the issue's figures: 2,000 phones, the app and bare
    python bench/reconnect_storm.py --phones 100 --only app  # smoke run, under a minute

It starts, each as a subprocess on 127.0.0.1 and a free port:

1. the app (`python run.py`) on a fresh temporary instance folder (the demo event, SQLite); the chair starts
   the event through the HTTP API;
2. `--procs` load-client processes (this file with `--client`, asyncio), which share the phones. Each phone is
   a python-socketio AsyncClient that watches with its site's join code (`{"code": ...}`), WebSocket transport,
   with python-socketio's own reconnection, randomised as the phone page's: first attempt after 1 s, doubling
   up to 2 s (live.js: `reconnectionDelayMax: 2000`), +-50% each;
3. then the same against the bare python-socketio server (bench/bare_server.py), for the ratio.

A run: the phones connect (in batches); the chair changes the state (the app: `live:on-air`; the bare server:
`bench:trigger`) and every phone gets that version. Then the server is killed with SIGKILL (what drops every
connection of a venue at once in practice: a crash, a power cut, the OOM killer) and started again at once on
the same port and instance folder. Every phone notices the drop and reconnects by itself; on connecting the
server sends it the snapshot, which carries the version. Measured per phone: the time from the kill until it
is connected again (the server accepted it) and has a snapshot with the latest version (the app's is read from
its HTTP API after the restart); reported p50/p95/p99/max, how many were back within 10 s, how long the server
took to answer again, and the server's CPU.

Everything started is stopped at the end, also on an error or Ctrl+C. Not a test: pytest does not collect it.
"""

import argparse
import asyncio
import datetime
import json
import os
import shlex
import sys
import time
from pathlib import Path

from harness import (
    SLUG,
    Child,
    app_env,
    cpu_seconds,
    http,
    machine_info,
    percentile,
    raise_open_file_limit,
    run_benchmark,
    start_app,
    start_bare,
    versions,
    wait_http,
)

TARGET_SECONDS = 10.0
TARGET_PHONES = 2000


# ---------------------------------------------------------------- load client (python reconnect_storm.py --client)

def patient_client_class():
    """python-socketio's AsyncClient whose reconnection waits 20 s (as the JS client) for the server to accept.

    Its reconnection calls connect() without a wait_timeout, so it gives up after 1 s without the server's
    answer; a server that has just restarted, with every phone reconnecting at once, needs longer, and a client
    that gives up then waits in vain for the close of the WebSocket it abandons (tests/test_crash_while_voting.py
    found it). Made inside a function so that the orchestrator does not import socketio.
    """
    import socketio

    class PatientClient(socketio.AsyncClient):
        async def connect(self, *args, wait_timeout: float = 20, **kwargs):
            return await super().connect(*args, wait_timeout=wait_timeout, **kwargs)

    return PatientClient


async def client_main(config: dict) -> None:
    """Connect this process's phones, report, and record every snapshot each one gets, until told to stop."""
    import aiohttp

    raise_open_file_limit()
    patient = patient_client_class()
    # One HTTP session per source address: the phones come from several addresses (--per-address), as on a venue
    # network, and not all from one (the app allows 1,200 join-code lookups a minute per address).
    sessions = {address: aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, local_addr=(address, 0)))
                for address in sorted(set(config["addresses"]))}
    n = len(config["auths"])
    arrivals: list[list[tuple[float, int]]] = [[] for _ in range(n)]  # (monotonic, version) per phone
    drops: list[list[float]] = [[] for _ in range(n)]
    connects: list[list[float]] = [[] for _ in range(n)]  # when the server accepted (namespace connected)
    clients = []
    loop = asyncio.get_running_loop()

    def make(i: int):
        client = patient(reconnection_delay=1, reconnection_delay_max=2, randomization_factor=0.5,  # as live.js
                         handle_sigint=False, http_session=sessions[config["addresses"][i]], request_timeout=30)
        client.on("state:changed", lambda data, i=i: arrivals[i].append(
            (time.monotonic(), data.get("version", -1) if isinstance(data, dict) else -1)))
        client.on("disconnect", lambda *reason, i=i: drops[i].append(time.monotonic()))
        client.on("connect", lambda i=i: connects[i].append(time.monotonic()))
        return client

    async def connect(i: int) -> bool:
        for attempt in range(3):
            client = make(i)
            try:
                await client.connect(config["url"], auth=config["auths"][i], transports=["websocket"],
                                     wait_timeout=30)
                clients[i] = client
                return True
            except Exception as error:  # noqa: BLE001 (reported, retried)
                if attempt == 2:
                    print(f"phone {i} could not connect: {error!r}", file=sys.stderr, flush=True)
                await asyncio.sleep(0.5 + attempt)
        return False

    async def read_line() -> str:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            raise SystemExit("the orchestrator went away")
        return line.split()

    def have(version: int, since: float = 0.0) -> int:
        """Phones connected since `since` that got a snapshot of `version` or later since then."""
        return sum(1 for rows, times in zip(arrivals, connects, strict=True)
                   if any(t >= since for t in times) and any(t >= since and v >= version for t, v in rows))

    clients = [None] * n
    try:
        for start in range(0, n, config["batch"]):
            await asyncio.gather(*(connect(i) for i in range(start, min(start + config["batch"], n))))
            await asyncio.sleep(config["batch_pause"])
        print(f"READY {sum(1 for c in clients if c is not None)}", flush=True)
        while True:
            command = await read_line()
            if command[0] == "TRIGGER":  # the bare server's chair action, from any connection
                reply = await next(c for c in clients if c is not None).call("bench:trigger", {}, timeout=30)
                print(f"TRIGGERED {reply['version']}", flush=True)
            elif command[0] == "WAIT":  # WAIT version since deadline: until every phone has it (or the deadline)
                version, since, deadline = int(command[1]), float(command[2]), float(command[3])
                while have(version, since) < n and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                print(f"HAVE {have(version, since)}", flush=True)
            elif command[0] == "STOP":
                with open(config["out"], "w", encoding="utf-8") as f:
                    json.dump({"arrivals": arrivals, "drops": drops, "connects": connects,
                               "connected_at_end": sum(1 for c in clients if c is not None and c.connected)}, f)
                break
    finally:
        for start in range(0, n, 100):
            await asyncio.gather(*(c.disconnect() for c in clients[start:start + 100] if c is not None),
                                 return_exceptions=True)
        for session in sessions.values():
            await session.close()


# ---------------------------------------------------------------- the orchestrator

def phone_address(phone: int, per_address: int) -> str:
    """The loopback address phone number `phone` connects from (127.0.0.0/8 is all local on Linux)."""
    group = phone // per_address
    return f"127.0.{1 + group // 250}.{1 + group % 250}"


class Clients:
    """The load-client processes of one server, spoken to over stdin/stdout, one line each way."""

    def __init__(self, name: str, url: str, auths: list[dict], args, work: Path, children: list):
        self.children: list[Child] = []
        self.outs: list[Path] = []
        for w in range(args.procs):
            out = work / f"{name}-client-{w}.json"
            config = {"url": url, "auths": auths[w::args.procs], "batch": args.batch,
                      "batch_pause": args.batch_pause, "out": str(out),
                      "addresses": [phone_address(i, args.per_address) for i in range(len(auths))][w::args.procs]}
            path = work / f"{name}-client-{w}-config.json"
            path.write_text(json.dumps(config))
            child = Child(f"{name} load client {w}", [sys.executable, str(Path(__file__)), "--client", str(path)],
                          {**os.environ, "PYTHONUNBUFFERED": "1"}, work / f"{name}-client-{w}.log",
                          capture=True, stdin=True)
            children.append(child)
            self.children.append(child)
            self.outs.append(out)

    def send(self, line: str, only_first: bool = False) -> list[str]:
        targets = self.children[:1] if only_first else self.children
        for child in targets:
            child.process.stdin.write(line + "\n")
            child.process.stdin.flush()
        return [self.expect(child) for child in targets]

    def expect(self, child: Child) -> str:
        line = child.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{child.name} stopped:\n{child.log_tail()}")
        return line.strip()

    def ready(self) -> int:
        return sum(int(self.expect(child).split()[1]) for child in self.children)

    def wait(self, version: int, since: float, timeout: float) -> int:
        return sum(int(r.split()[1]) for r in self.send(f"WAIT {version} {since} {time.monotonic() + timeout}"))

    def results(self) -> list[dict]:
        for child in self.children:
            child.process.stdin.write("STOP\n")
            child.process.stdin.flush()
        for child in self.children:
            child.process.wait(120)
        return [json.loads(out.read_text()) for out in self.outs]


def restart(child: Child, base: str, children: list) -> tuple[Child, float]:
    """kill -9 the server and start the same command again (same port, same instance folder)."""
    argv, env = child.process.args, child.process_env
    t_kill = time.monotonic()
    child.process.kill()
    child.process.wait(10)
    new = Child(child.name, argv, env, child.log_path)
    new.process_env = env
    children.append(new)
    wait_http(new, base + "/", timeout=120)
    return new, t_kill


def storm(name: str, server: Child, base: str, auths: list[dict], args, work: Path, children: list,
          chair: str | None, bare_version: int = 0) -> dict:
    """One server: connect the phones, change the state, kill -9 and restart, measure the way back."""
    clients = Clients(name, base, auths, args, work, children)
    started = time.monotonic()
    held = clients.ready()
    connect_seconds = time.monotonic() - started
    print(f"  {name}: {held}/{len(auths)} phones connected in {connect_seconds:.1f}s", flush=True)
    if chair:
        status, body = http(f"{base}/api/v1/events/{SLUG}/live/on-air", chair, {"site": "enschede"})
        if status != 200:
            raise RuntimeError(f"the chair's live:on-air was refused: {status} {body[:200]!r}")
        version = json.loads(body)["version"]
    else:
        version = int(clients.send("TRIGGER", only_first=True)[0].split()[1])
    before = clients.wait(version, 0.0, 60)
    print(f"  {name}: {before} phones have version {version}; kill -9 ...", flush=True)

    server, t_kill = restart(server, base, children)
    t_ready = time.monotonic()
    cpu_ready = cpu_seconds(server.pid)
    if chair:
        status, body = http(f"{base}/api/v1/events/{SLUG}/state", chair)
        latest = json.loads(body)["version"]
        if latest < version:
            raise RuntimeError(f"the app came back at version {latest}, before {version}")
    else:
        latest = bare_version  # the bare server starts from its payload file again, at the payload's version
    print(f"  {name}: answers again after {t_ready - t_kill:.1f}s, at version {latest}", flush=True)
    back = clients.wait(latest, t_kill, args.timeout)
    t_end = time.monotonic()
    cpu_end = cpu_seconds(server.pid)
    results = clients.results()
    times = []
    noticed = []
    for result in results:
        for rows, drops, connects in zip(result["arrivals"], result["drops"], result["connects"], strict=True):
            after = [t for t, v in rows if t >= t_kill and v >= latest]
            accepted = [t for t in connects if t >= t_kill]
            # back: connected again (the server's accept arrives after the snapshot it sends on connecting)
            # and holding the latest state
            times.append(max(after[0], accepted[0]) - t_kill if after and accepted else None)
            seen = [t for t in drops if t >= t_kill]
            if seen:
                noticed.append(seen[0] - t_kill)
    arrived = [t for t in times if t is not None]
    return {
        "phones": len(auths), "held": held, "connect_seconds": connect_seconds, "version": version,
        "latest": latest, "had_version_before": before, "restart_s": t_ready - t_kill, "back": back,
        "within_target": sum(1 for t in arrived if t <= TARGET_SECONDS), "never": len(times) - len(arrived),
        "p": {p: percentile(arrived, p) for p in (50, 95, 99, 100)},
        "p_from_ready": {p: percentile([t - (t_ready - t_kill) for t in arrived], p) for p in (50, 95, 99, 100)},
        "noticed_p99": percentile(noticed, 99), "noticed": len(noticed),
        "server_cpu_pct": None if cpu_ready is None or cpu_end is None
        else 100 * (cpu_end - cpu_ready) / max(t_end - t_ready, 1e-9),
        "server_cpu_start_s": cpu_ready, "window_s": t_end - t_ready,
        "connected_at_end": sum(r["connected_at_end"] for r in results), "server": server,
    }


def report(args, results: dict, command: str, machine: str, started: datetime.datetime) -> str:
    lines = ["", f"Reconnect storm, {started.strftime('%Y-%m-%d %H:%M %Z')}", f"  command: {command}",
             f"  machine: {machine}", f"  versions: {versions()}",
             f"  load: {args.phones} phones per server in {args.procs} load-client processes, {args.per_address} per "
             "source address; drop: kill -9 of the server, restarted at once on the same port; python-socketio "
             "reconnection 1 s doubling to 2 s (as live.js), +-50%", ""]
    for name, r in results.items():
        lines += [
            f"  {name}: {r['held']}/{r['phones']} connected in {r['connect_seconds']:.1f}s; all had version "
            f"{r['version']} before the kill: {r['had_version_before']}",
            f"    server answered HTTP again {r['restart_s']:.1f}s after the kill (its start: "
            f"{r['server_cpu_start_s']:.1f} s CPU); latest version {r['latest']}",
            f"    kill -> phone has the latest state: p50 {r['p'][50]:.2f}s  p95 {r['p'][95]:.2f}s  "
            f"p99 {r['p'][99]:.2f}s  max {r['p'][100]:.2f}s",
            f"    server answering -> phone has it:   p50 {r['p_from_ready'][50]:.2f}s  p95 "
            f"{r['p_from_ready'][95]:.2f}s  p99 {r['p_from_ready'][99]:.2f}s  max {r['p_from_ready'][100]:.2f}s",
            f"    back within {TARGET_SECONDS:.0f}s of the kill: {r['within_target']} of {r['phones']}; never back "
            f"within {args.timeout:.0f}s: {r['never']}; connected at the end: {r['connected_at_end']}",
            f"    phones that noticed the drop: {r['noticed']} (p99 {r['noticed_p99'] * 1000:.0f} ms after the kill)",
            "    server CPU from answering until all back: "
            + ("?" if r["server_cpu_pct"] is None else f"{r['server_cpu_pct']:.0f}% of a core")
            + f" over {r['window_s']:.1f}s",
        ]
    if "app" in results and "bare" in results:
        a, b = results["app"]["p"], results["bare"]["p"]
        lines.append(f"  app/bare: p50 {a[50] / b[50]:.2f}, p95 {a[95] / b[95]:.2f}, max {a[100] / b[100]:.2f}")
    if "app" in results:
        r = results["app"]
        met = r["within_target"] == r["phones"] and r["phones"] >= TARGET_PHONES
        lines.append(f"  Target all {TARGET_PHONES} back on the latest state within {TARGET_SECONDS:.0f}s: "
                     f"{r['within_target']} of {r['phones']} -> {'MET' if met else 'MISSED'}"
                     + (" (smaller load than the target's)" if r["phones"] < TARGET_PHONES else ""))
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Every phone loses its connection at once (kill -9 of the server) "
                                                 "and reconnects: how soon is each back on the latest state?")
    parser.add_argument("--phones", type=int, default=2000, help="phones per server (default 2000)")
    parser.add_argument("--procs", type=int, default=2, help="load-client processes (default 2)")
    parser.add_argument("--per-address", type=int, default=50,
                        help="phones per source address (127.0.x.y; default 50)")
    parser.add_argument("--batch", type=int, default=50, help="phones connected at once per process (default 50)")
    parser.add_argument("--batch-pause", type=float, default=0.2, help="seconds between batches (default 0.2)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for every phone after the kill")
    parser.add_argument("--only", choices=("app", "bare"), help="measure one server only (no ratio)")
    parser.add_argument("--json-out", help="also write the summary here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, the app's database)")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # internal: run as a load client with this config
    args = parser.parse_args(argv)
    if args.client:
        asyncio.run(client_main(json.loads(Path(args.client).read_text())))
        return 0
    if not (1 <= args.phones <= 5000 and 1 <= args.procs <= 16):
        parser.error("--phones 1..5000, --procs 1..16")

    command = "python bench/reconnect_storm.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    started = datetime.datetime.now().astimezone()
    machine = machine_info()

    def run(work: Path, children: list[Child]) -> int:
        results: dict = {}
        print(f"work folder {work}", flush=True)
        app, base, links = start_app(work, children)
        app.process_env = app_env(work)
        chair = links["chair"]["token"]
        status, body = http(f"{base}/api/v1/events/{SLUG}/event/start", chair, {"confirm": True})
        if status != 200:
            raise RuntimeError(f"the chair could not start the event: {status} {body[:200]!r}")
        codes = [site["join"]["code"] for site in links["sites"].values()]
        auths = [{"code": codes[i % len(codes)]} for i in range(args.phones)]
        status, body = http(f"{base}/api/v1/events/{SLUG}/state", links["sites"]["den-haag"]["screen"]["token"])
        public = json.loads(body)
        if args.only != "bare":
            results["app"] = storm("app", app, base, auths, args, work, children, chair)
            results["app"].pop("server").stop()
        app.stop()
        if args.only != "app":
            bare, bare_base = start_bare(work, public, children)
            bare.process_env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            results["bare"] = storm("bare", bare, bare_base, auths, args, work, children, None,
                                    public["version"])
            results["bare"].pop("server").stop()
        print(report(args, results, command, machine, started), flush=True)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps({"command": command, "started": started.isoformat(),
                                                       "machine": machine, "results": results}, default=str))
        return 0

    return run_benchmark("eventapp-storm-", args.keep, run)


if __name__ == "__main__":
    sys.exit(main())
