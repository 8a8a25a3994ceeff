"""Broadcast benchmark: how long from a chair action until the last client has the new state.

    python bench/broadcast.py                         # the issue's figures: 1,000 phones, 30 rounds
    python bench/broadcast.py --phones 50 --rounds 3  # smoke run, well under a minute

It starts, each as a subprocess on 127.0.0.1 and a free port:

1. the app (`python run.py`) on a fresh temporary instance folder, so the demo event loads; the chair starts
   the event through the HTTP API;
2. a bare python-socketio server (bench/bare_server.py: eventlet, no app logic) that broadcasts the app's
   public snapshot (same size) with a rising version when its "chair" asks;
3. one load client process (bench/load_client.py, asyncio) that connects to EACH server the chair, three
   hosts, three screens and N phones (spread over the four sites' join codes), then runs warm-up and measured
   rounds, interleaved app/bare in ABBA order with jittered pauses.

A round: the chair sends its action (the app: `live:on-air`, alternating between two sites; the bare server:
`bench:trigger`), t0 taken just before; every client notes when the `state:changed` carrying the new version
arrives. Reported per server: p50/p95/p99 of all deliveries and of each round's last delivery, the ratio
app/bare, the chair's acknowledgement time, server CPU per round, connections held and server memory.

Everything started is stopped at the end, also on an error or Ctrl+C. Not a test: it is not collected by
pytest and belongs to no test suite. docs/performance.md has the figures and how to read them.
"""

import argparse
import datetime
import json
import os
import shlex
import sys
import threading
from pathlib import Path

from harness import (
    BENCH,
    SLUG,
    Child,
    http,
    machine_info,
    mean,
    percentile,
    run_benchmark,
    start_app,
    start_bare,
    versions,
)

#: The sites the chair switches the air between, round after round.
ON_AIR_SITES = ["den-haag", "enschede"]
#: Three physical sites have a host panel and a room screen.
PANEL_SITES = ["den-haag", "enschede", "eindhoven"]
TARGET_RATIO = 1.3


def client_specs(links: dict, phones: int, app: tuple[Child, str], bare: tuple[Child, str]) -> list[dict]:
    sites = links["sites"]
    codes = [site["join"]["code"] for site in sites.values()]
    others = ([{"token": sites[k]["host"]["token"]} for k in PANEL_SITES]
              + [{"token": sites[k]["screen"]["token"]} for k in PANEL_SITES]
              + [{"code": codes[i % len(codes)]} for i in range(phones)])
    roles = ["host"] * len(PANEL_SITES) + ["screen"] * len(PANEL_SITES) + ["phone"] * phones
    chair = {"token": links["chair"]["token"]}
    return [
        {"name": "app", "kind": "app", "url": app[1], "pid": app[0].pid, "chair": chair, "others": others,
         "other_roles": roles, "on_air_sites": ON_AIR_SITES},
        {"name": "bare", "kind": "bare", "url": bare[1], "pid": bare[0].pid, "chair": chair, "others": others,
         "other_roles": roles},
    ]


def run_clients(work: Path, config: dict, max_seconds: float) -> dict:
    config_path, out_path = work / "client-config.json", work / "client-result.json"
    config_path.write_text(json.dumps(config))
    child = Child("the load client", [sys.executable, str(BENCH / "load_client.py"), "--config", str(config_path),
                                      "--out", str(out_path)],
                  {**os.environ, "PYTHONUNBUFFERED": "1"}, work / "client.log", capture=True)
    watchdog = threading.Timer(max_seconds, child.stop)
    watchdog.daemon = True
    watchdog.start()
    try:
        for line in child.process.stdout:
            print(line.rstrip(), flush=True)
            child.log_file.write(line.encode())
        child.process.wait()
    finally:
        watchdog.cancel()
        child.stop()
    if child.process.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"the load client failed (exit {child.process.returncode}; "
                           f"killed after {max_seconds:.0f}s if it ran that long)")
    return json.loads(out_path.read_text())


def summarize(result: dict) -> dict:
    """Per target: percentiles of all deliveries, of each round's last delivery, of the ack; CPU per round."""
    summary = {}
    for name in result["targets"]:
        rounds = [r for r in result["rounds"] if r["target"] == name]
        deliveries = [x for r in rounds for x in r["latencies_ms"] if x is not None]
        phone_deliveries = [x for r in rounds for x, role in zip(r["latencies_ms"], r["roles"], strict=False)
                            if x is not None and role == "phone"]
        last = [max((x for x in r["latencies_ms"] if x is not None), default=float("nan")) for r in rounds]
        cpu = [r["server_cpu_ms"] for r in rounds if r["server_cpu_ms"] is not None]
        client_cpu = [r["client_cpu_ms"] for r in rounds if r.get("client_cpu_ms") is not None]
        summary[name] = {
            "rounds": len(rounds),
            "deliveries": len(deliveries),
            "missing": sum(r["missing"] for r in rounds),
            "stale": sum(r["stale"] for r in rounds),
            "all": {p: percentile(deliveries, p) for p in (50, 95, 99)},
            "phones": {p: percentile(phone_deliveries, p) for p in (50, 95, 99)},
            "last": {p: percentile(last, p) for p in (50, 95, 99)},
            "last_max": max(last) if last else float("nan"),
            "last_by_round": {r["round"]: value for r, value in zip(rounds, last, strict=True)},
            "ack": {p: percentile([r["ack_ms"] for r in rounds], p) for p in (50, 95, 99)},
            "cpu_per_round_ms": mean(cpu),
            "client_cpu_per_round_ms": mean(client_cpu),
        }
    # the two rounds of a pair ran back to back, so they shared whatever else the machine was doing
    pairs = [a / summary["bare"]["last_by_round"][k] for k, a in summary["app"]["last_by_round"].items()
             if summary["bare"]["last_by_round"].get(k)]
    summary["paired_ratio"] = {p: percentile(pairs, p) for p in (25, 50, 75)}
    return summary


def report(args, result: dict, summary: dict, started: datetime.datetime, command: str, machine: str) -> str:
    app, bare = summary["app"], summary["bare"]
    t_app, t_bare = result["targets"]["app"], result["targets"]["bare"]

    def row(label: str, a: float, b: float, unit: str = "ms") -> str:
        ratio = a / b if b else float("nan")
        return f"  {label:<34} {a:>9.1f} {unit:<3} {b:>9.1f} {unit:<3} {ratio:>7.2f}"

    lines = [
        "",
        f"Broadcast benchmark, {started.strftime('%Y-%m-%d %H:%M %Z')}",
        f"  command: {command}",
        f"  machine: {machine}",
        f"  versions: {versions()}",
        f"  clients per server: {t_app['clients']} (1 chair, {len(PANEL_SITES)} hosts, {len(PANEL_SITES)} screens, "
        f"{args.phones} phones), all in one load-client process; both servers one process each",
        f"  rounds per server: {app['rounds']} measured after {args.warmup} warm-up, interleaved app/bare (ABBA), "
        f"pause ~{args.pause:.1f}s; {app['deliveries']} + {bare['deliveries']} deliveries measured",
        "",
        f"  {'latency: chair sends -> client has it':<34} {'app':>13} {'bare':>13} {'app/bare':>7}",
    ]
    for label, key in (("last client of a round", "last"), ("every delivery", "all"), ("phones only", "phones")):
        for p in (50, 95, 99):
            lines.append(row(f"{label}, p{p}" if p == 50 else f"{'':<{len(label)}}  p{p}", app[key][p], bare[key][p]))
    lines.append(row("slowest round (last client)", app["last_max"], bare["last_max"]))
    lines.append(row("chair's acknowledgement, p50", app["ack"][50], bare["ack"][50]))
    lines.append(row("server CPU per round, mean", app["cpu_per_round_ms"], bare["cpu_per_round_ms"]))
    lines.append(row("load client CPU per round, mean", app["client_cpu_per_round_ms"],
                     bare["client_cpu_per_round_ms"]))
    lines.append("")

    def mib(kib):
        return float("nan") if kib is None else kib / 1024

    for name, t in (("app", t_app), ("bare", t_bare)):
        held = t["held_at_connect"]
        per_conn = ((t["rss_after_kib"] or 0) - (t["rss_before_kib"] or 0)) / held if held else float("nan")
        lines.append(f"  {name:<5} connections held: {held}/{t['clients']} after connecting "
                     f"({t['connect_seconds']:.1f}s, server counts {t['server_reports']}), "
                     f"{t.get('held_at_end', '?')} at the end; RSS {mib(t['rss_before_kib']):.1f} MiB before, "
                     f"{mib(t['rss_after_kib']):.1f} MiB after connecting ({per_conn:.1f} KiB per connection), "
                     f"{mib(t.get('rss_end_kib')):.1f} MiB at the end")
    lines.append(f"  load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
                 "(above 2 means other work shared the two cores with the benchmark)")
    lines.append(f"  load client RSS {mib(result.get('client_rss_kib')):.1f} MiB with "
                 f"{t_app['clients'] + t_bare['clients']} connections")
    problems = [f"{n}: {summary[n]['missing']} deliveries missing, {summary[n]['stale']} stale"
                for n in ("app", "bare") if summary[n]["missing"] or summary[n]["stale"]]
    if problems:
        lines.append("  WARNING: " + "; ".join(problems))
    ratio = app["last"][95] / bare["last"][95] if bare["last"][95] else float("nan")
    verdict = "MET" if ratio <= TARGET_RATIO else "MISSED"
    paired = summary["paired_ratio"]
    lines.append(f"  paired rounds (app round k / bare round k, last client): median {paired[50]:.2f}, "
                 f"quartiles {paired[25]:.2f}..{paired[75]:.2f}")
    lines += ["", f"  Target: p95 (last client) within {TARGET_RATIO}x the bare server's: "
              f"{app['last'][95]:.1f} / {bare['last'][95]:.1f} ms = {ratio:.2f}x -> {verdict}"
              + ("" if args.phones >= 1000 else f" (the target is for 1,000 phones; with {args.phones} the app's "
                 "fixed cost per action outweighs the broadcast, so this ratio says little)"),
              f"  (every delivery, p95: {app['all'][95] / bare['all'][95]:.2f}x)", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Broadcast latency of the app against a bare python-socketio "
                                                 "server, with the same clients in the same run.")
    parser.add_argument("--phones", type=int, default=1000, help="phone clients per server (default 1000)")
    parser.add_argument("--rounds", type=int, default=30, help="measured rounds per server (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up rounds per server, not counted (default 3)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between rounds, +-25%% (default 1)")
    parser.add_argument("--batch", type=int, default=50, help="clients connected at once (default 50)")
    parser.add_argument("--batch-pause", type=float, default=0.2, help="seconds between batches (default 0.2)")
    parser.add_argument("--round-timeout", type=float, default=60, help="give up on a round after this (s)")
    parser.add_argument("--max-seconds", type=float, default=1800, help="stop the load client after this (s)")
    parser.add_argument("--json-out", help="also write the raw measurements and the summary here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, instance)")
    args = parser.parse_args(argv)
    if args.phones < 0 or args.rounds < 1 or args.phones > 5000:
        parser.error("--phones 0..5000 and --rounds >= 1")

    command = "python bench/broadcast.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    started = datetime.datetime.now().astimezone()
    machine = machine_info()

    def run(work: Path, children: list[Child]) -> int:
        print(f"work folder {work}", flush=True)
        app_child, app_base, links = start_app(work, children)
        status, body = http(f"{app_base}/api/v1/events/{SLUG}/event/start", links["chair"]["token"], {"confirm": True})
        if status != 200:
            raise RuntimeError(f"the chair could not start the event: {status} {body[:200]!r}")
        screen_token = links["sites"][PANEL_SITES[0]]["screen"]["token"]
        status, body = http(f"{app_base}/api/v1/events/{SLUG}/state", screen_token)
        public = json.loads(body)
        print(f"the app: pid {app_child.pid} at {app_base}; public snapshot {len(body)} bytes", flush=True)
        bare_child, bare_base = start_bare(work, public, children)
        print(f"the bare server: pid {bare_child.pid} at {bare_base}", flush=True)

        config = {"targets": client_specs(links, args.phones, (app_child, app_base), (bare_child, bare_base)),
                  "rounds": args.rounds, "warmup": args.warmup, "pause": args.pause, "batch": args.batch,
                  "batch_pause": args.batch_pause, "round_timeout": args.round_timeout}
        result = run_clients(work, config, args.max_seconds)
        for child in children:
            if not child.alive():
                raise RuntimeError(f"{child.name} stopped during the run:\n{child.log_tail()}")
        summary = summarize(result)
        print(report(args, result, summary, started, command, machine), flush=True)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps({"command": command, "started": started.isoformat(),
                                                       "machine": machine, "summary": summary, "raw": result}))
        return 0

    return run_benchmark("eventapp-bench-", args.keep, run)


if __name__ == "__main__":
    sys.exit(main())
