"""How soon the app answers again after a kill -9: `python bench/startup.py [--runs 5]`.

The app is started once on a fresh instance (which migrates and loads the demo event), then killed with SIGKILL
and started again `--runs` times on that database; each time we measure from the start of the process to its
first HTTP answer (`GET /`), and to the first answer of the state API (`GET /api/v1/events/SLUG/state`, which
reads the database). The baseline, measured in the same run: bench/bare_server.py (python-socketio on eventlet,
no app), started as often. Prints the figures and exits 0; a script, not a test (docs/performance.md).
"""

import argparse
import json
import signal
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

from harness import BENCH, SLUG, Child, app_env, free_port, http, machine_info, percentile, run_benchmark

TARGET_S = 2.0


def first_answer(child: Child, url: str, token: str | None = None, timeout: float = 120) -> float:
    """Seconds from now until `url` answers with 200 (the caller has just started the child)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not child.alive():
            raise RuntimeError(f"{child.name} stopped at start:\n{child.log_tail()}")
        try:
            status, _ = http(url, token, timeout=2)
            if status == 200:
                return time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{child.name} did not answer within {timeout}s:\n{child.log_tail()}")


def start(work: Path, name: str, argv: list[str], env: dict, children: list) -> Child:
    child = Child(name, argv, env, work / f"{name}.log")
    children.append(child)
    return child


def kill(child: Child) -> None:
    child.process.send_signal(signal.SIGKILL)
    child.process.wait(timeout=10)


def body(work: Path, children: list, runs: int) -> int:
    port = free_port()
    env = app_env(work)
    app_argv = [sys.executable, "run.py", "--host", "127.0.0.1", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    first = start(work, "app-first", app_argv, env, children)
    first_start = first_answer(first, base + "/")
    links = json.loads(subprocess.run(
        [sys.executable, "-m", "flask", "--app", "eventapp", "links", SLUG, "--json"], cwd=BENCH.parent,
        env=env | {"EVENTAPP_PORT": str(port)}, capture_output=True, text=True, timeout=120, check=True).stdout)
    token = links["chair"]["token"]
    kill(first)

    payload = work / "payload.json"
    payload.write_text(json.dumps({"version": 0}))
    bare_port = free_port()
    bare_argv = [sys.executable, str(BENCH / "bare_server.py"), "--host", "127.0.0.1", "--port", str(bare_port),
                 "--payload", str(payload)]
    app_page, app_state, bare = [], [], []
    for number in range(runs):
        child = start(work, f"app-{number}", app_argv, env, children)
        app_page.append(first_answer(child, base + "/"))
        app_state.append(app_page[-1] + first_answer(child, f"{base}/api/v1/events/{SLUG}/state", token))
        kill(child)
        child = start(work, f"bare-{number}", bare_argv, env, children)
        bare.append(first_answer(child, f"http://127.0.0.1:{bare_port}/socket.io/?EIO=4&transport=polling"))
        kill(child)

    print(machine_info())
    print(f"first start (migrate, load the demo): {first_start:.2f} s")
    print(f"{'restart after kill -9, {runs} runs':<44}{'median':>8}{'max':>8}".replace("{runs}", str(runs)))
    for name, values in (("app: first answer (GET /)", app_page), ("app: state API answers", app_state),
                         ("bare python-socketio server", bare)):
        print(f"{name:<44}{percentile(values, 50):>7.2f}s{max(values):>7.2f}s")
    verdict = "met" if percentile(app_page, 50) <= TARGET_S else "missed"
    print(f"target: the app answers within {TARGET_S:.0f} s of its start: {verdict}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="restarts to measure (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    return run_benchmark("eventapp-startup-", args.keep, lambda work, children: body(work, children, args.runs))


if __name__ == "__main__":
    sys.exit(main())
