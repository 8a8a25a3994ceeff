"""What the benchmarks share: child processes, the app's start, HTTP, /proc readings and percentiles.

Used by bench/broadcast.py, bench/votes.py and their load clients (run as scripts from bench/, so this module
is importable as `harness`). Not part of the app.
"""

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SLUG = "pow-2021-11-01"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on right now (eventlet's listener sets SO_REUSEPORT; we check who answers)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Child:
    """A subprocess in its own session (Ctrl+C reaches only us; we stop it), logging to a file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path, capture: bool = False,
                 stdin: bool = False):
        self.name = name
        self.log_path = log_path
        self.log_file = log_path.open("ab")
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, start_new_session=True,
            stdin=subprocess.PIPE if stdin else None,
            stdout=subprocess.PIPE if capture else self.log_file,
            stderr=self.log_file if stdin else subprocess.STDOUT if capture else self.log_file,
            text=capture or stdin or None)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if not self.log_file.closed:
            self.log_file.close()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def http(url: str, token: str | None = None, body: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    """GET (no body) or POST JSON, with an optional bearer token; returns the status and the body."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_http(child: Child, url: str, timeout: float = 60) -> None:
    """Wait until the child answers HTTP at url (any status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} stopped at start:\n{child.log_tail()}")
        try:
            http(url, timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{child.name} did not answer within {timeout}s:\n{child.log_tail()}")


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def machine_info() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({model or platform.machine()}), load average before start {load}; "
            f"Python {platform.python_version()}")


def versions() -> str:
    try:
        from importlib.metadata import version

        names = ("python-socketio", "python-engineio", "eventlet", "Flask-SocketIO", "aiohttp")
        return ", ".join(f"{n} {version(n)}" for n in names)
    except Exception:  # noqa: BLE001 (only informative)
        return "?"


def rss_kib(pid: int) -> int | None:
    """VmRSS of a process, KiB (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process has used so far, seconds."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_seconds() -> float:
    """CPU time the whole machine (every core, every process: also PostgreSQL, Redis and the load clients) has
    been busy since boot, seconds: /proc/stat's first line without idle and iowait."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def raise_open_file_limit() -> None:
    """Every connection is a file descriptor: lift the soft limit to the hard one."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def app_env(work: Path) -> dict:
    """The environment of an app on a fresh instance folder under work, with nothing of the caller's settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("EVENTAPP_DATABASE_URL", "EVENTAPP_MESSAGE_QUEUE_URL", "EVENTAPP_PUBLIC_BASE_URL",
                        "EVENTAPP_SECRET_KEY", "EVENTAPP_HOST", "EVENTAPP_PORT")}
    return env | {"EVENTAPP_INSTANCE_PATH": str(work / "instance"), "PYTHONUNBUFFERED": "1"}


def start_app(work: Path, children: list, script: str = "run.py",
              settings: dict | None = None) -> tuple[Child, str, dict]:
    """`python run.py` (or an experiment's wrapper of it) on a fresh instance, with the given EVENTAPP_* settings
    (e.g. the async mode); returns the process, its base URL and the demo's links."""
    port = free_port()
    env = app_env(work) | (settings or {})
    child = Child(f"the app ({script})", [sys.executable, script, "--host", "127.0.0.1", "--port", str(port)],
                  env, work / "app.log")
    children.append(child)  # stopped at the end whatever happens next
    base = f"http://127.0.0.1:{port}"
    wait_http(child, base + "/")
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "links", SLUG, "--json"],
                         cwd=ROOT, env=env | {"EVENTAPP_PORT": str(port)}, capture_output=True, text=True,
                         timeout=120, check=True)
    links = json.loads(out.stdout)
    status, body = http(f"{base}/api/v1/events/{SLUG}/state", links["chair"]["token"])
    if status != 200:
        raise RuntimeError(f"port {port}: the server answering is not ours (HTTP {status}); run again")
    return child, base, links


def start_bare(work: Path, payload: dict, children: list, extra: list[str] | None = None) -> tuple[Child, str]:
    """bench/bare_server.py on a free port, serving payload as its state."""
    port = free_port()
    payload_path = work / "payload.json"
    payload_path.write_text(json.dumps(payload))
    child = Child("the bare server", [sys.executable, str(BENCH / "bare_server.py"), "--host", "127.0.0.1",
                                      "--port", str(port), "--payload", str(payload_path), *(extra or [])],
                  {**os.environ, "PYTHONUNBUFFERED": "1"}, work / "bare.log")
    children.append(child)
    base = f"http://127.0.0.1:{port}"
    wait_http(child, base + "/")
    return child, base


def interrupt(signum, frame):
    """SIGTERM handler: stop like Ctrl+C, so that the caller's finally stops what it started."""
    raise KeyboardInterrupt


def run_benchmark(prefix: str, keep: bool, body, errors: tuple = ()) -> int:
    """Run `body(work, children)` in a fresh temporary folder and return its exit code; every child process it
    started (appended to `children`) is stopped at the end, also on an error, Ctrl+C or SIGTERM, and the folder
    is removed unless `keep`. `errors`: more exception types that end the benchmark with a message (exit 1)."""
    signal.signal(signal.SIGTERM, interrupt)
    work = Path(tempfile.mkdtemp(prefix=prefix))
    children: list[Child] = []
    try:
        return body(work, children)
    except KeyboardInterrupt:
        print("\ninterrupted; stopping everything started", file=sys.stderr, flush=True)
        return 130
    except (RuntimeError, subprocess.SubprocessError, OSError, ValueError, *errors) as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        for child in reversed(children):
            child.stop()
        if keep:
            print(f"kept {work}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def port_is_free(port: int) -> bool:
    """Whether nobody listens on this loopback port right now."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def child_pids(pid: int) -> list[int]:
    """The direct child processes of a process (none when it is gone)."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU time of a process and of its child processes (a `run.py --workers N` launcher and its workers)."""
    own = cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(tree_cpu_seconds(child) or 0 for child in child_pids(pid))


#: Where a CPU cap's cgroup is made: cgroup v1's cpu controller, or the cgroup v2 root.
CGROUP_V1_CPU, CGROUP_V2 = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup")


def cap_cpu(pid: int, cores: float) -> Path:
    """Put a process (every thread) in a cgroup of its own whose CPU time is capped at `cores` of a core (a CFS
    quota), and return the cgroup (`release_cpu_cap` removes it once the process has ended).

    Why: on a small machine the load clients, PostgreSQL and Redis share the cores with the workers, so one
    worker against two measures how the machine is shared; with each worker held to the same budget, it measures
    whether the app does twice the work with twice the workers. Needs root and a cgroup cpu controller.
    """
    period = 100_000  # µs: the CFS default, as with a CPU limit in Docker or Kubernetes (a 10 ms period was worse)
    quota = max(1_000, int(cores * period))
    if (CGROUP_V1_CPU / "cpu.cfs_quota_us").exists():
        group = CGROUP_V1_CPU / f"eventapp-bench-{pid}"
        group.mkdir(exist_ok=True)
        (group / "cpu.cfs_period_us").write_text(str(period))
        (group / "cpu.cfs_quota_us").write_text(str(quota))
    elif "cpu" in (CGROUP_V2 / "cgroup.controllers").read_text().split():
        (CGROUP_V2 / "cgroup.subtree_control").write_text("+cpu")
        group = CGROUP_V2 / f"eventapp-bench-{pid}"
        group.mkdir(exist_ok=True)
        (group / "cpu.max").write_text(f"{quota} {period}")
    else:
        raise RuntimeError("--worker-cpu needs a cgroup cpu controller (v1 or v2) this user may write to")
    (group / "cgroup.procs").write_text(str(pid))
    return group


def release_cpu_cap(group: Path) -> None:
    """Remove a cap's cgroup (its processes have ended; an empty cgroup is removed with rmdir)."""
    for _ in range(50):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # a process is still leaving
            time.sleep(0.1)


def start_workers(work: Path, children: list, count: int, settings: dict) -> tuple[Child, list[str], dict]:
    """`python run.py --workers count` on consecutive free ports with the given EVENTAPP_* settings (database,
    message queue); returns the launcher, each worker's base URL and the demo's links."""
    port = free_port()
    while not all(port_is_free(port + n) for n in range(1, count)):  # rare: a port of the range is taken
        port = free_port()
    env = app_env(work) | settings
    child = Child(f"the app ({count} workers)", [sys.executable, "run.py", "--workers", str(count), "--host",
                                                 "127.0.0.1", "--port", str(port)], env, work / "app.log")
    children.append(child)
    bases = [f"http://127.0.0.1:{port + n}" for n in range(count)]
    for base in bases:
        wait_http(child, base + "/")
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "links", SLUG, "--json"],
                         cwd=ROOT, env=env | {"EVENTAPP_PORT": str(port)}, capture_output=True, text=True,
                         timeout=120, check=True)
    return child, bases, json.loads(out.stdout)
