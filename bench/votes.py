"""Vote benchmark: phones join and vote; how many votes a second are acknowledged, and how soon the screens show them.

    python bench/votes.py                                   # the issue's figures: 2,000 phones, 500 votes/s, 20 s
    python bench/votes.py --phones 100 --rate 50 --seconds 5  # smoke run, under a minute

It starts, each as a subprocess on 127.0.0.1 and a free port:

1. the app (`python run.py`) on a fresh temporary instance folder (the demo event, SQLite); the chair starts the
   event and opens the polls through the HTTP API (the demo's three event-wide polls, and more single-choice
   polls `bench-N` when the phones must vote more often than three times);
2. `--procs` load-client processes (bench/vote_client.py, asyncio), which share the phones, and one more that
   connects only the three room screens. Against the app every phone joins with its site's code (POST /api/v1/join,
   from one of several loopback addresses, since joins are limited per address), then connects as a
   participant and sends `poll:vote` with an acknowledgement;
3. after the app, the bare python-socketio server (bench/bare_server.py, eventlet, no app logic, no database):
   the same processes put the same load on it; it counts the votes in memory and broadcasts each poll's count
   at the app's bounded rate (its pump's INTERVAL, 0.15 s), to everyone, as the app does with results that are shown.

Measured for each server (definitions in docs/performance.md): connections held, votes offered and
acknowledged per second, the time from sending a vote to its acknowledgement, vote-to-screen latency p50/p95/p99,
server memory per connection, CPU of the server, of the load clients and of the whole machine; for the app also
the votes persisted (Vote rows in its SQLite database after the run) against the acknowledgements.

Everything started is stopped at the end, also on an error or Ctrl+C. Not a test: pytest does not collect it.
"""

import argparse
import ast
import bisect
import copy
import datetime
import json
import os
import shlex
import sqlite3
import sys
import threading
import time
from pathlib import Path

from harness import (
    BENCH,
    ROOT,
    SLUG,
    Child,
    cap_cpu,
    child_pids,
    cpu_seconds,
    http,
    machine_busy_seconds,
    machine_info,
    percentile,
    release_cpu_cap,
    rss_kib,
    run_benchmark,
    start_app,
    start_bare,
    start_workers,
    tree_cpu_seconds,
    versions,
)

#: Room screens that watch the results (the vote-to-screen latency is measured on each).
SCREEN_SITES = ["den-haag", "enschede", "eindhoven"]
#: Poll kinds the phones can answer with a generated answer.
ANSWERABLE = ("single", "scale", "wordcloud")
WORDS = ["samen", "verbinding", "leren", "regio", "kansen", "werk", "vertrouwen", "netwerk", "matching", "groei"]
#: Joins per loopback source address (the app allows 300 a minute per address).
JOINS_PER_ADDRESS = 250
TARGETS = {"phones": 2000, "rate": 500, "p95_ms": 300, "kib_per_connection": 100}


def answers_for(poll: dict) -> list:
    """A few valid answers to a poll, for the phones to choose from."""
    if poll["kind"] == "single":
        return [{"option": option["id"]} for option in poll["options"]]
    if poll["kind"] == "scale":
        return [{"value": v} for v in range(poll["scale"]["min"], poll["scale"]["max"] + 1)]
    return [{"words": [w]} for w in WORDS]


def prepare_polls(base: str, chair: str, needed: int, hide: bool = False) -> list[dict]:
    """Start the event and open `needed` event-wide polls: the demo's first, then new single-choice ones; with
    hide, the chair then hides their results (the screens show "12 of 40 voted", the phones nothing)."""
    status, body = http(f"{base}/api/v1/events/{SLUG}/event/start", chair, {"confirm": True})
    if status != 200:
        raise RuntimeError(f"the chair could not start the event: {status} {body[:200]!r}")

    def polls() -> list[dict]:
        status, body = http(f"{base}/api/v1/events/{SLUG}/state", chair)
        if status != 200:
            raise RuntimeError(f"state: HTTP {status}")
        return [p for p in json.loads(body)["polls"] if p.get("site") is None and p["kind"] in ANSWERABLE]

    chosen = sorted(polls(), key=lambda p: p["id"])[:needed]
    for n in range(len(chosen), needed):
        spec = {"key": f"bench-{n + 1}", "kind": "single", "question": f"Benchmark question {n + 1}?",
                "options": [{"label": label} for label in ("A", "B", "C", "D")]}
        status, body = http(f"{base}/api/v1/events/{SLUG}/poll/create", chair, {"poll": spec})
        if status != 200:
            raise RuntimeError(f"the chair could not create poll {spec['key']}: {status} {body[:200]!r}")
    if len(chosen) < needed:
        keys = {p["key"] for p in chosen} | {f"bench-{n + 1}" for n in range(len(chosen), needed)}
        chosen = sorted((p for p in polls() if p["key"] in keys), key=lambda p: p["id"])
    for poll in chosen:
        status, body = http(f"{base}/api/v1/events/{SLUG}/poll/open", chair, {"poll_id": poll["id"]})
        if status != 200:
            raise RuntimeError(f"the chair could not open poll {poll['key']}: {status} {body[:200]!r}")
        if hide:
            status, body = http(f"{base}/api/v1/events/{SLUG}/poll/hide", chair, {"poll_id": poll["id"]})
            if status != 200:
                raise RuntimeError(f"the chair could not hide poll {poll['key']}: {status} {body[:200]!r}")
    return [{"id": p["id"], "key": p["key"], "kind": p["kind"], "answers": answers_for(p)} for p in chosen]


class Phase:
    """One server under load: the load-client processes, their protocol, and what the server used meanwhile."""

    def __init__(self, name: str, url: str | list[str], pid: int, work: Path, args, phones: list[dict],
                 screens: list[dict], polls: list[dict], children: list):
        """With several URLs (workers), load-client process w sends its phones to URL w modulo their number."""
        urls = [url] if isinstance(url, str) else url
        self.name, self.url, self.pid, self.work, self.args = name, urls[0], pid, work, args
        self.slots = round(args.rate * args.seconds)
        self.workers: list[Child] = []
        self.outs: list[Path] = []
        # Processes 0 .. procs-1 hold the phones; one more holds only the screens, so that a screen's arrival
        # times are not those of a client process busy with a thousand phones (a room screen is its own machine).
        for w in range(args.procs + 1):
            only_screens = w == args.procs
            config = {"url": urls[0] if only_screens else urls[w % len(urls)], "kind": name,
                      "timeout": args.vote_timeout, "phones": [] if only_screens else phones[w::args.procs],
                      "screens": screens if only_screens else [],
                      "total_phones": args.phones, "slots": self.slots,
                      "rate": args.rate, "polls": polls, "batch": args.batch, "batch_pause": args.batch_pause,
                      "drain": args.drain, "out": str(work / f"{name}-client-{w}.json")}
            path = work / f"{name}-client-{w}-config.json"
            path.write_text(json.dumps(config))
            child = Child(f"{name} load client {w}", [sys.executable, str(BENCH / "vote_client.py"),
                                                      "--config", str(path)],
                          {**os.environ, "PYTHONUNBUFFERED": "1"}, work / f"{name}-client-{w}.log",
                          capture=True, stdin=True)
            children.append(child)
            self.workers.append(child)
            self.outs.append(Path(config["out"]))

    def expect(self, word: str, timeout: float) -> list[int]:
        """Wait for every load client's next line, which must start with word; returns their numbers."""
        numbers = []
        deadline = time.monotonic() + timeout
        for child in self.workers:
            line = child.process.stdout.readline().strip()  # the clients answer or die; the watchdog covers hangs
            if time.monotonic() > deadline or not line.startswith(word):
                raise RuntimeError(f"{child.name}: expected {word}, got {line!r}:\n{child.log_tail()}")
            numbers += [int(x) for x in line.split()[1:]]
        return numbers

    def send(self, command: str) -> None:
        for child in self.workers:
            child.process.stdin.write(command + "\n")
            child.process.stdin.flush()

    def cpu(self) -> tuple[float | None, float, float]:
        """CPU seconds so far: the server's, the load clients', the whole machine's."""
        return (tree_cpu_seconds(self.pid), sum(cpu_seconds(c.pid) or 0 for c in self.workers),
                machine_busy_seconds())

    def run(self) -> dict:
        info: dict = {"slots": self.slots}
        started = time.monotonic()
        print(f"{self.name}: {self.args.procs} load-client processes; joining and connecting the screens ...",
              flush=True)
        info["joined"] = sum(self.expect("JOINED", 600))
        info["join_seconds"] = time.monotonic() - started
        time.sleep(1.0)
        info["rss_before_kib"] = rss_kib(self.pid)
        print(f"  {self.name}: {info['joined']} phones ready to connect; connecting ...", flush=True)
        started = time.monotonic()
        self.send("CONNECT")
        info["held_at_connect"] = sum(self.expect("READY", 600))
        info["connect_seconds"] = time.monotonic() - started
        time.sleep(2.0)
        info["rss_after_kib"] = rss_kib(self.pid)
        print(f"  {self.name}: {info['held_at_connect']} phones connected in {info['connect_seconds']:.1f}s; "
              f"voting for {self.args.seconds:.0f}s at {self.args.rate:.0f}/s ...", flush=True)
        t0 = time.monotonic() + 1.0
        server0, clients0, machine0 = self.cpu()
        self.send(f"START {t0}")
        self.expect("DONE", self.args.seconds + self.args.vote_timeout + self.args.drain + 120)
        t1 = time.monotonic()
        server1, clients1, machine1 = self.cpu()
        info.update(t0=t0, t1=t1, server_cpu_s=None if server0 is None or server1 is None else server1 - server0,
                    clients_cpu_s=clients1 - clients0, machine_cpu_s=machine1 - machine0, rss_end_kib=rss_kib(self.pid),
                    load_after=os.getloadavg())
        self.send("STOP")
        for child in self.workers:
            child.process.wait(120)
            if child.process.returncode != 0:
                raise RuntimeError(f"{child.name} failed (exit {child.process.returncode}):\n{child.log_tail()}")
        info["clients"] = [json.loads(path.read_text()) for path in self.outs]
        for child in self.workers:
            child.stop()
        return info


def vote_to_screen(votes: list[list], screens: list[list]) -> tuple[list[float], int]:
    """Latency of every (acknowledged vote, screen) pair, ms, and how many pairs no screen message covered.

    Per poll, the acknowledged votes are numbered 1, 2, ... in the order their acknowledgements arrived; vote n
    is on a screen with the first message for that poll, arriving after the vote was sent, whose count of voters
    is at least n. Its latency is that message's arrival minus the vote's sending.
    """
    latencies, uncovered = [], 0
    by_poll: dict[int, list[list]] = {}
    for row in votes:
        if row[5]:
            by_poll.setdefault(row[1], []).append(row)
    for screen in sorted({m[0] for m in screens}):
        for poll_id, rows in by_poll.items():
            messages = sorted((m for m in screens if m[0] == screen and m[2] == poll_id and m[3] is not None),
                              key=lambda m: m[1])
            times = [m[1] for m in messages]
            running, best = [], 0
            for m in messages:
                best = max(best, m[3])
                running.append(best)
            for n, row in enumerate(sorted(rows, key=lambda r: r[4]), start=1):
                i = max(bisect.bisect_left(running, n), bisect.bisect_left(times, row[3]))
                if i < len(messages):
                    latencies.append((times[i] - row[3]) * 1000)
                else:
                    uncovered += 1
    return latencies, uncovered


def joining_phones(links: dict, count: int) -> list[dict]:
    """The app's phones: each joins with its site's code (the sites in turn) from a loopback source address of its
    own group of JOINS_PER_ADDRESS, as joins are limited per address."""
    codes = [site["join"]["code"] for site in links["sites"].values()]

    def address(group: int) -> str:
        return f"127.0.{1 + group // 250}.{1 + group % 250}"

    return [{"index": i, "join": {"code": codes[i % len(codes)], "addr": address(i // JOINS_PER_ADDRESS)}}
            for i in range(count)]


def app_screens(links: dict) -> list[dict]:
    """The app's room screens that watch the results, by their links' tokens."""
    return [{"token": links["sites"][key]["screen"]["token"]} for key in SCREEN_SITES]


def app_push_interval() -> float:
    """The app's seconds between two result pushes (`INTERVAL` in eventapp/realtime/pump.py), which the bare server
    copies; read from the source, as the benchmark does not import the app."""
    tree = ast.parse((ROOT / "eventapp" / "realtime" / "pump.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["INTERVAL"]:
            return float(ast.literal_eval(node.value))
    raise SystemExit("INTERVAL not found in eventapp/realtime/pump.py")


def persisted(instance: Path, poll_ids: list[int], clients: list[dict]) -> dict:
    """Vote rows of the benchmark's polls in the app's SQLite database (read while the app runs: WAL), and how
    many of the acknowledged votes are among them (by the idempotency key each phone made)."""
    with sqlite3.connect(f"file:{instance / 'eventapp.sqlite3'}?mode=ro", uri=True, timeout=30) as db:
        marks = ",".join("?" * len(poll_ids))
        keys = {key for (key,) in db.execute(f"SELECT idempotency_key FROM vote WHERE poll_id IN ({marks})",
                                             poll_ids)}
    acked = [row[8] for client in clients for row in client["votes"] if row[5]]
    return {"rows": len(keys), "acked_found": sum(1 for key in acked if key in keys), "acked": len(acked)}


def summarize(info: dict, phones: int) -> dict:
    """The figures of one phase."""
    votes = [row for client in info["clients"] for row in client["votes"]]
    screens = [m for client in info["clients"] for m in client["screens"]]
    ok = [row for row in votes if row[5]]
    t0 = info["t0"]
    sent_times = [row[3] for row in votes]
    ack_times = [row[4] for row in ok]
    last_send = max(sent_times, default=t0)
    last_ack = max(ack_times, default=t0)
    latencies, uncovered = vote_to_screen(votes, screens)
    window = info["t1"] - t0
    held = info["held_at_connect"]
    errors: dict[str, int] = {}
    for row in votes:
        if not row[5]:
            errors[row[7] or "?"] = errors.get(row[7] or "?", 0) + 1
    results_sizes = [m[5] for m in screens if m[4] == "poll:results"]
    return {
        "phones": phones, "joined": info.get("joined"), "held_at_connect": held,
        "held_at_end": sum(c["held_at_end"] for c in info["clients"]),
        "screens_held_at_end": sum(c["screens_held_at_end"] for c in info["clients"]),
        "join_failures": sum(len(c["join_failures"]) for c in info["clients"]),
        "connect_seconds": info["connect_seconds"],
        "slots": info["slots"], "sent": len(votes), "acked_ok": len(ok),
        "acked_repeated": sum(1 for row in ok if row[6]), "failed": len(votes) - len(ok), "errors": errors,
        "offered_per_s": len(votes) / (last_send - t0) if last_send > t0 else float("nan"),
        "acked_per_s": len(ok) / (last_ack - t0) if last_ack > t0 else float("nan"),
        "send_window_s": last_send - t0, "ack_window_s": last_ack - t0,
        "send_lag_ms": {p: percentile([(row[3] - row[2]) * 1000 for row in votes], p) for p in (50, 95, 100)},
        "ack_ms": {p: percentile([(row[4] - row[3]) * 1000 for row in ok], p) for p in (50, 95, 99)},
        "screen_ms": {p: percentile(latencies, p) for p in (50, 95, 99)},
        "screen_pairs": len(latencies), "screen_uncovered": uncovered,
        "results_messages": len(results_sizes),
        "results_bytes": percentile(results_sizes, 50) if results_sizes else None,
        "rss_before_kib": info["rss_before_kib"], "rss_after_kib": info["rss_after_kib"],
        "rss_end_kib": info["rss_end_kib"],
        "kib_per_connection": ((info["rss_after_kib"] or 0) - (info["rss_before_kib"] or 0)) / held if held else None,
        "server_cpu_pct": None if info["server_cpu_s"] is None else 100 * info["server_cpu_s"] / window,
        "clients_cpu_pct": 100 * info["clients_cpu_s"] / window,
        "machine_cpu_pct": 100 * info["machine_cpu_s"] / window, "window_s": window,
        "load_after": info["load_after"],
        "server_counts": next((c["server_counts"] for c in info["clients"] if c["server_counts"]), None),
        "persisted": info.get("persisted"),
    }


#: The rows of a results table: label, how to read the figure from a phase's summary, format, unit.
ROWS = {
    "phones connected": (lambda s: s["held_at_connect"], "{:9d}", ""),
    "  held at the end": (lambda s: s["held_at_end"], "{:9d}", ""),
    "votes sent": (lambda s: s["sent"], "{:9d}", ""),
    "votes acknowledged OK": (lambda s: s["acked_ok"], "{:9d}", ""),
    "offered rate (sent / send window)": (lambda s: s["offered_per_s"], "{:9.1f}", "/s"),
    "acknowledged rate (OK / ack window)": (lambda s: s["acked_per_s"], "{:9.1f}", "/s"),
    "sender behind schedule, p95": (lambda s: s["send_lag_ms"][95], "{:9.1f}", "ms"),
    "vote -> ack, p50": (lambda s: s["ack_ms"][50], "{:9.1f}", "ms"),
    "              p95": (lambda s: s["ack_ms"][95], "{:9.1f}", "ms"),
    "              p99": (lambda s: s["ack_ms"][99], "{:9.1f}", "ms"),
    "vote -> screen, p50": (lambda s: s["screen_ms"][50], "{:9.1f}", "ms"),
    "                p95": (lambda s: s["screen_ms"][95], "{:9.1f}", "ms"),
    "                p99": (lambda s: s["screen_ms"][99], "{:9.1f}", "ms"),
    "server memory per connection": (lambda s: s["kib_per_connection"], "{:9.1f}", "KiB"),
    "server CPU (% of a core, all processes)": (lambda s: s["server_cpu_pct"], "{:9.1f}", "%"),
    "load clients' CPU (% of a core, all)": (lambda s: s["clients_cpu_pct"], "{:9.1f}", "%"),
    "whole machine busy (% of a core)": (lambda s: s["machine_cpu_pct"], "{:9.1f}", "%"),
}


def table(columns: dict[str, dict], ratios: list[tuple[str, str]], labels=tuple(ROWS)) -> list[str]:
    """The figures of each phase (a column per phase) with the ratios (numerator, denominator) of phases."""
    def cell(value, fmt: str, unit: str) -> str:
        return f"{fmt.format(value) if value is not None else '-':>10} {unit:<4}"

    def ratio(a, b, width: int) -> str:
        return f"{a / b:>{width}.2f}" if isinstance(a, int | float) and isinstance(b, int | float) and b \
            else f"{'-':>{width}}"

    heads = [f"{top}/{bottom}" for top, bottom in ratios]
    widths = [max(9, len(head)) for head in heads]
    lines = [f"  {'':<40}" + "".join(f" {name:>15}" for name in columns)
             + "".join(f" {head:>{width}}" for head, width in zip(heads, widths, strict=True))]
    for label in labels:
        read, fmt, unit = ROWS[label]
        values = {name: read(summary) for name, summary in columns.items()}
        lines.append(f"  {label:<40}" + "".join(f" {cell(v, fmt, unit)}" for v in values.values())
                     + "".join(f" {ratio(values[top], values[bottom], width)}"
                               for (top, bottom), width in zip(ratios, widths, strict=True)))
    return lines


def scale(args, work: Path, children: list, started: datetime.datetime, command: str, machine: str) -> int:
    """One worker, then two, on PostgreSQL and Redis, under the same load; prints the scaling ratio."""
    import uuid

    import sqlalchemy

    summaries = {}
    admin = sqlalchemy.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    for count in (1, 2):
        caps = []
        name = f"workers-{count}"
        database = f"eventapp_bench_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        try:
            folder = work / name
            folder.mkdir()
            settings = {"EVENTAPP_DATABASE_URL": args.postgres.rsplit("/", 1)[0] + "/" + database,
                        "EVENTAPP_MESSAGE_QUEUE_URL": args.redis, "EVENTAPP_MESSAGE_QUEUE_CHANNEL": database,
                        "EVENTAPP_SECRET_KEY": uuid.uuid4().hex}
            launcher, bases, links = start_workers(folder, children, count, settings)
            if args.worker_cpu:
                caps += [cap_cpu(pid, args.worker_cpu) for pid in child_pids(launcher.pid) or [launcher.pid]]
            chair = links["chair"]["token"]
            load = copy.copy(args)  # this phase's offered load: with --rate-per-worker, the rate times the workers
            if args.rate_per_worker:
                load.rate = args.rate * count
                load.needed = -(-round(load.rate * args.seconds) // args.phones)
            load.polls = prepare_polls(bases[0], chair, load.needed, hide=args.results == "screens")
            print(f"{count} worker(s): launcher pid {launcher.pid}, {', '.join(bases)}", flush=True)
            phones, screens = joining_phones(links, args.phones), app_screens(links)
            info = Phase(name, bases, launcher.pid, folder, load, phones, screens, load.polls, children).run()
            summaries[count] = summarize(info, args.phones)
            launcher.stop()
        finally:
            for group in caps:
                release_cpu_cap(group)
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.dispose()
    one, two = summaries[1], summaries[2]

    print("\n".join([
        "",
        f"Vote benchmark, one worker against two, {started.strftime('%Y-%m-%d %H:%M %Z')}",
        f"  command: {command}",
        f"  machine: {machine}",
        f"  versions: {versions()}",
        f"  load: {args.phones} phones + {len(SCREEN_SITES)} room screens, in {args.procs} load-client processes "
        f"(process w on worker w mod N; the screens in one more, on the first worker); "
        f"offered {args.rate:.0f} votes/s{' per worker' if args.rate_per_worker else ''} for "
        f"{args.seconds:.0f}s; PostgreSQL {args.postgres.rsplit('@', 1)[-1].rsplit('/', 1)[0]}, Redis {args.redis}"
        + (f"; each worker's CPU capped at {args.worker_cpu:g} of a core (cgroup)" if args.worker_cpu else ""),
        "",
        *table({"1 worker": one, "2 workers": two}, [("2 workers", "1 worker")],
               ["phones connected", "votes sent", "votes acknowledged OK", "offered rate (sent / send window)",
                "acknowledged rate (OK / ack window)", "vote -> ack, p50", "              p95",
                "vote -> screen, p50", "                p95", "server CPU (% of a core, all processes)",
                "load clients' CPU (% of a core, all)", "whole machine busy (% of a core)"]),
        "",
        f"  scaling ratio of acknowledged votes/s, two workers / one: {two['acked_per_s'] / one['acked_per_s']:.2f} "
        f"(target 1.6); load average after: 1 worker {' '.join(f'{x:.2f}' for x in one['load_after'])}, "
        f"2 workers {' '.join(f'{x:.2f}' for x in two['load_after'])}",
        *[f"  {n} worker(s) refused or failed: {s['failed']} ({s['errors']})" for n, s in summaries.items()
          if s["failed"]],
    ]), flush=True)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"command": command, "started": started.isoformat(),
                                                   "machine": machine, "summary": summaries}, default=str))
    return 0


def report(args, summary: dict[str, dict], started: datetime.datetime, command: str, machine: str) -> str:
    """The table of every server measured (an app per async mode, then the bare server), each app against the bare
    server, and each app's verdict on the targets."""
    apps = {name: s for name, s in summary.items() if name != "bare"}
    lines = [
        "",
        f"Vote benchmark, {started.strftime('%Y-%m-%d %H:%M %Z')}",
        f"  command: {command}",
        f"  machine: {machine}",
        f"  versions: {versions()}",
        f"  load: {args.phones} phones + {len(SCREEN_SITES)} room screens per server, in {args.procs} load-client "
        f"processes and the screens in one more; offered {args.rate:.0f} votes/s for {args.seconds:.0f}s "
        f"({round(args.rate * args.seconds)} votes, {len(args.polls)} polls, each phone once per poll); "
        f"{', '.join(summary)} one after the other (the app in async mode {', '.join(args.async_modes)}; the bare "
        "server on eventlet); results "
        + ("shown: pushed to screens and phones" if args.results == "all" else "hidden: counts to the screens only"),
        *([f"  the app started with {args.app_script} instead of run.py (an experiment)"]
          if args.app_script != "run.py" else []),
        "",
        *table(summary, [(name, "bare") for name in apps] if "bare" in summary else []),
        "",
    ]
    for name, s in summary.items():
        lines.append(f"  {name:<12} RSS {s['rss_before_kib'] / 1024:.1f} MiB before the phones, "
                     f"{s['rss_after_kib'] / 1024:.1f} MiB with them, {s['rss_end_kib'] / 1024:.1f} MiB at the end; "
                     f"connecting took {s['connect_seconds']:.1f}s; ack window {s['ack_window_s']:.1f}s; "
                     f"{s['screen_pairs']} vote-screen pairs, {s['screen_uncovered']} not covered by any screen "
                     f"message; poll:results median {s['results_bytes']} bytes; load after "
                     f"{' '.join(f'{x:.2f}' for x in s['load_after'])}")
        if s["errors"]:
            top = sorted(s["errors"].items(), key=lambda kv: -kv[1])[:3]
            lines.append(f"        refused or failed: {s['failed']} ({'; '.join(f'{n} x {e}' for e, n in top)})")
        if s["join_failures"]:
            lines.append(f"        joins failed: {s['join_failures']}")
        if name == "bare":
            counts = s["server_counts"] or {}
            lines.append(f"  persisted: the bare server counted {sum(counts.get('votes', {}).values())} in memory "
                         f"for {s['acked_ok']} acks")
        else:
            stored = s["persisted"]
            lines.append(f"  persisted: {name} {stored['rows']} Vote rows in SQLite; of its {s['acked_ok']} "
                         f"acknowledged votes {stored['acked_found']} are among them (by key; {s['acked_repeated']} "
                         f"acks were repeats); {stored['rows'] - stored['acked_found']} stored without an ack "
                         "reaching the phone")
    small = args.phones < TARGETS["phones"] or args.rate < TARGETS["rate"]
    for name, app in apps.items():
        stored = app["persisted"]
        verdicts = [
            ("phones connected", app["held_at_connect"] >= TARGETS["phones"], f"{app['held_at_connect']} of "
             f"{TARGETS['phones']}"),
            ("votes/s acknowledged and persisted", app["acked_per_s"] >= TARGETS["rate"]
             and stored["acked_found"] == app["acked_ok"],
             f"{app['acked_per_s']:.0f}/s of {TARGETS['rate']}/s; {stored['acked_found']} of {app['acked_ok']} "
             "acknowledged votes in the database"),
            ("vote-to-screen p95", app["screen_ms"][95] < TARGETS["p95_ms"],
             f"{app['screen_ms'][95]:.0f} ms, target under {TARGETS['p95_ms']} ms"),
            ("memory per connection",
             (app["kib_per_connection"] or 1e9) < TARGETS["kib_per_connection"] * 1000 / 1024,
             f"{app['kib_per_connection']:.1f} KiB = {app['kib_per_connection'] * 1.024:.1f} KB, target under "
             "100 KB"),
        ]
        lines.append("")
        for label, met, detail in verdicts:
            lines.append(f"  Target ({name}) {label}: {detail} -> {'MET' if met else 'MISSED'}"
                         + (" (smaller load than the target's)" if small else ""))
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Votes per second and vote-to-screen latency of the app, against "
                                                 "a bare python-socketio server under the same load.")
    parser.add_argument("--phones", type=int, default=2000, help="phones per server (default 2000)")
    parser.add_argument("--rate", type=float, default=550,
                        help="votes offered per second, all phones (default 550: 10%% over the 500/s target, since "
                             "a run that offers exactly the target measures a little under it)")
    parser.add_argument("--seconds", type=float, default=20, help="how long the votes are offered (default 20)")
    parser.add_argument("--procs", type=int, default=2, help="load-client processes (default 2)")
    parser.add_argument("--batch", type=int, default=50, help="phones connected at once per process (default 50)")
    parser.add_argument("--batch-pause", type=float, default=0.2, help="seconds between batches (default 0.2)")
    parser.add_argument("--vote-timeout", type=float, default=30, help="a vote without an ack after this failed (s)")
    parser.add_argument("--drain", type=float, default=2.0, help="seconds the screens listen after the last ack")
    parser.add_argument("--results", choices=("all", "screens"), default="all",
                        help="all: the polls show their results, pushed to screens and phones (the demo's polls); "
                             "screens: the chair hides them, the screens get only the voter counts (default all)")
    parser.add_argument("--only", choices=("app", "bare"), help="measure one server only (no ratio)")
    parser.add_argument("--async-modes", default=os.environ.get("EVENTAPP_ASYNC_MODE") or "eventlet",
                        help="the app's async modes, comma-separated: each is measured in this run on a fresh "
                             "instance, one after the other, e.g. eventlet,gevent (default: EVENTAPP_ASYNC_MODE, "
                             "else eventlet)")
    parser.add_argument("--scale", action="store_true",
                        help="instead of the app and the bare server: the app with one worker, then with two "
                             "(`run.py --workers N`, a fresh PostgreSQL database and Redis channel each); "
                             "prints the scaling ratio of acknowledged votes/s")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="--scale: admin URL of the PostgreSQL server, where each run gets a fresh database")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="--scale: the message queue")
    parser.add_argument("--rate-per-worker", action="store_true",
                        help="--scale: offer --rate votes/s per worker (twice as many to two), so that both phases "
                             "are overloaded alike (a refused vote costs CPU too)")
    parser.add_argument("--worker-cpu", type=float, metavar="CORES",
                        help="--scale: cap each worker's CPU time at this many cores (a cgroup each; root), so "
                             "that the ratio shows the app's scaling rather than how the machine is shared")
    parser.add_argument("--app-script", default="run.py",
                        help="start the app with this script instead of run.py (experiments: a wrapper of run.py)")
    parser.add_argument("--max-seconds", type=float, default=1800,
                        help="stop everything after this many seconds, whatever it is doing (default 1800)")
    parser.add_argument("--json-out", help="also write the raw measurements and the summary here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, the app's database)")
    args = parser.parse_args(argv)
    if not (1 <= args.phones <= 5000 and args.rate > 0 and args.seconds > 0 and 1 <= args.procs <= 16):
        parser.error("--phones 1..5000, --rate > 0, --seconds > 0, --procs 1..16")
    args.async_modes = [mode.strip() for mode in args.async_modes.split(",") if mode.strip()]
    if not args.async_modes or any(mode not in ("eventlet", "gevent") for mode in args.async_modes):
        parser.error("--async-modes: eventlet, gevent or both, comma-separated")
    if args.only == "bare":
        args.async_modes = args.async_modes[:1]  # the app runs only to give the bare server its payload
    if (args.rate_per_worker or args.worker_cpu is not None) and not args.scale:
        parser.error("--rate-per-worker and --worker-cpu go with --scale")
    if args.worker_cpu is not None and not 0.01 <= args.worker_cpu <= os.cpu_count():
        parser.error(f"--worker-cpu: from 0.01 to {os.cpu_count()} cores")
    most = args.rate * (2 if args.rate_per_worker else 1)  # the two workers' phase offers the most
    needed = args.needed = -(-round(most * args.seconds) // args.phones)
    if needed > 20:
        parser.error(f"each phone would vote {needed} times (at most 20 polls); more phones or fewer votes")

    command = "python bench/votes.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    started = datetime.datetime.now().astimezone()
    machine = machine_info()

    def run(work: Path, children: list[Child]) -> int:
        def give_up() -> None:
            """The watchdog: a load client that hangs would block us on its next line; stopping it ends that."""
            print(f"\nstill running after {args.max_seconds:.0f}s (--max-seconds): stopping everything", flush=True)
            for child in list(children):
                child.stop()

        watchdog = threading.Timer(args.max_seconds, give_up)
        watchdog.daemon = True
        watchdog.start()
        try:
            return measure(args, work, children, started, command, machine)
        finally:
            watchdog.cancel()

    return run_benchmark("eventapp-votes-", args.keep, run, errors=(sqlite3.Error,))


def measure(args, work: Path, children: list, started: datetime.datetime, command: str, machine: str) -> int:
    """The app in each async mode, then the bare server (or, with --scale, one worker and then two); prints the
    report."""
    results: dict = {}
    print(f"work folder {work}", flush=True)
    if args.scale:
        return scale(args, work, children, started, command, machine)
    for mode in args.async_modes:
        name = "app" if len(args.async_modes) == 1 else f"app {mode}"
        folder = work / f"app-{mode}"
        folder.mkdir()
        app_child, app_base, links = start_app(folder, children, args.app_script, {"EVENTAPP_ASYNC_MODE": mode})
        chair = links["chair"]["token"]
        args.polls = prepare_polls(app_base, chair, args.needed, hide=args.results == "screens")
        sites = links["sites"]
        codes = [site["join"]["code"] for site in sites.values()]
        status, body = http(f"{app_base}/api/v1/events/{SLUG}/state", sites[SCREEN_SITES[0]]["screen"]["token"])
        public = json.loads(body)
        print(f"{name}: pid {app_child.pid} at {app_base} ({mode}); polls "
              f"{', '.join(p['key'] for p in args.polls)}", flush=True)
        if args.only != "bare":
            phones, screens = joining_phones(links, args.phones), app_screens(links)
            phase = Phase(name.replace(" ", "-"), app_base, app_child.pid, folder, args, phones, screens,
                          args.polls, children)
            info = phase.run()
            info["persisted"] = persisted(folder / "instance", [p["id"] for p in args.polls], info["clients"])
            results[name] = info
        app_child.stop()  # the app's phones are gone; the next server has the machine to itself

    if args.only != "app":
        shown = "poll:results" if args.results == "all" else "poll:voters"
        sizes = [m[5] for name, info in results.items() for c in info["clients"] for m in c["screens"]
                 if m[4] == shown]
        pad = max(0, int(percentile(sizes, 50)) - 60) if sizes else 0
        bare_child, bare_base = start_bare(work, public, children, ["--results-to", args.results,
                                                                    "--results-pad", str(pad),
                                                                    "--interval", str(app_push_interval())])
        print(f"the bare server: pid {bare_child.pid} at {bare_base} (poll:results padded by {pad} bytes "
              "to the app's size)", flush=True)
        phones = [{"index": i, "auth": {"code": codes[i % len(codes)]}} for i in range(args.phones)]
        screens = [{"role": "screen"} for _ in SCREEN_SITES]
        polls = [{**p, "answers": [{"option": 1}]} for p in args.polls]
        phase = Phase("bare", bare_base, bare_child.pid, work, args, phones, screens, polls, children)
        results["bare"] = phase.run()
        bare_child.stop()

    summary = {name: summarize(info, args.phones) for name, info in results.items()}
    if args.only is None:
        print(report(args, summary, started, command, machine), flush=True)
    else:
        print(json.dumps(summary, indent=1, default=str))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"command": command, "started": started.isoformat(),
                                                   "machine": machine, "summary": summary, "raw": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
