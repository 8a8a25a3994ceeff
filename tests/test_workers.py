"""Several workers: two `python run.py` processes on one PostgreSQL database and one Redis channel share their
Socket.IO rooms, nginx (config/nginx/eventapp.conf) keeps long-polling on one worker, and when a worker dies
its clients reconnect to the other and find the event as it was.

Skipped with the reason when Redis (127.0.0.1:6379), PostgreSQL (127.0.0.1:5432) or nginx is not there; `make
test` installs nginx. Every test gets its own database and its own Redis channel, so runs that share the
machine's Redis do not hear each other.
"""

import contextlib
import getpass
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG, PROJECT_ROOT, RealServer, free_port, port_is_free, wait_until_answers

pytestmark = [pytest.mark.server, pytest.mark.postgres]
REDIS_URL = "redis://127.0.0.1:6379/0"
NGINX_EXAMPLE = PROJECT_ROOT / "config" / "nginx" / "eventapp.conf"
SITES = ("den-haag", "enschede", "eindhoven")


@pytest.fixture
def queue_env(postgres_url) -> dict:
    """The settings of one deployment: a fresh PostgreSQL database, a Redis channel of its own and one secret key
    for all its workers (the key signs the phones' tokens and derives the links)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS_URL} ({error})")
    return {"EVENTAPP_DATABASE_URL": postgres_url, "EVENTAPP_MESSAGE_QUEUE_URL": REDIS_URL,
            "EVENTAPP_MESSAGE_QUEUE_CHANNEL": f"eventapp-test-{uuid.uuid4().hex[:12]}",
            "EVENTAPP_SECRET_KEY": uuid.uuid4().hex}


@pytest.fixture
def two_workers(tmp_path, queue_env):
    """Worker A and worker B: two real servers on the same database and queue channel."""
    a = RealServer(tmp_path / "a" / "instance", env=queue_env)
    b = RealServer(tmp_path / "b" / "instance", env=queue_env)
    try:
        a.start()  # A migrates and loads the demo first
        b.start()
        yield a, b
    finally:
        b.stop()
        a.stop()


def nginx_binary() -> str:
    """nginx's path, or a skip that says how to get it."""
    path = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if path is None:
        pytest.skip("nginx is not installed (make test installs Debian's nginx-light)")
    return path


class Nginx:
    """nginx with the example configuration, as a normal process: its own prefix, pid, logs and ports in tmp.

    The example is used as it is, except for what differs on a test machine: the workers' ports, the ports nginx
    listens on (loopback, free), its access log's path and a self-signed certificate instead of Let's Encrypt's.
    """

    def __init__(self, folder: Path, worker_ports: list[int]):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.http_port, self.https_port = free_port(), free_port()
        self.base_url = f"https://127.0.0.1:{self.https_port}"
        self.process = None
        #: The self-signed certificate nginx serves: clients verify against it.
        self.certificate = folder / "cert.pem"
        certificate, key = self.certificate, folder / "key.pem"
        if shutil.which("openssl") is None:
            pytest.skip("openssl is needed to make the test's certificate")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(certificate)],
                       check=True, capture_output=True, timeout=60)
        site = NGINX_EXAMPLE.read_text()
        workers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in worker_ports)
        site, replaced = re.subn(r"(    server 127\.0\.0\.1:\d+ .*\n)+", workers, site)
        assert replaced == 1, "the example lists its workers as `server 127.0.0.1:PORT ...` lines"
        site = (site.replace("    listen [::]:80;\n", "").replace("    listen [::]:443 ssl;\n", "")
                .replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
                .replace("listen 443 ssl;", f"listen 127.0.0.1:{self.https_port} ssl;")
                .replace("/etc/letsencrypt/live/events.example.org/fullchain.pem", str(certificate))
                .replace("/etc/letsencrypt/live/events.example.org/privkey.pem", str(key))
                .replace("/var/log/nginx/eventapp.access.log", str(folder / "access.log")))
        (folder / "eventapp.conf").write_text(site)
        temp = "".join(f"    {kind}_temp_path {folder / kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.config = folder / "nginx.conf"
        self.config.write_text(
            f"user {getpass.getuser()};\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} info;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n{temp}"
            f"    include {folder / 'eventapp.conf'};\n}}\n")

    def command(self, *extra: str) -> list[str]:
        return [nginx_binary(), "-p", str(self.folder), "-e", str(self.folder / "error.log"),
                "-c", str(self.config), *extra]

    def start(self) -> "Nginx":
        self.process = subprocess.Popen(self.command("-g", "daemon off;"), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        wait_until_answers(self.base_url + "/", self.process, self.log, 15, verify=str(self.certificate))
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def log(self) -> str:
        return (self.folder / "error.log").read_text(errors="replace")

    def upstreams(self) -> list[str]:
        """The worker (host:port) that served each Socket.IO request so far (the example's log format ends with
        it)."""
        return [line.split()[-1] for line in self.access_log().splitlines() if "/socket.io/" in line]

    def access_log(self) -> str:
        return (self.folder / "access.log").read_text()


class Client:
    """A python-socketio client (a panel, a screen or a phone) that keeps what it is sent."""

    def __init__(self, url: str, auth: dict, name: str, ca: Path | None = None, **options):
        self.name = name
        self.received: dict[str, list] = {}
        self.changed = threading.Condition()
        session = requests.Session()
        if ca:  # nginx's self-signed certificate, for HTTPS and WSS (not REQUESTS_CA_BUNDLE's authorities)
            session.trust_env = False
            session.verify = str(ca)
        self.sio = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1, http_session=session)
        for event in ("state:changed", "poll:results", "participant:votes"):
            self.sio.on(event, lambda data, event=event: self._keep(event, data))
        self.sio.connect(url, auth=auth, wait_timeout=15, **options)

    def _keep(self, event: str, data) -> None:
        with self.changed:
            self.received.setdefault(event, []).append(data)
            self.changed.notify_all()

    def wait_for(self, event: str, predicate, timeout: float = 15) -> dict:
        """The newest `event` message, once it satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not (self.received.get(event) and predicate(self.received[event][-1])):
                left = deadline - time.monotonic()
                if left <= 0:
                    last = (self.received.get(event) or [None])[-1]
                    raise AssertionError(f"{self.name} did not get the {event} awaited in {timeout}s; last: {last}")
                self.changed.wait(left)
            return self.received[event][-1]

    def call(self, event: str, payload: dict) -> dict:
        deadline = time.monotonic() + 15
        while "/" not in self.sio.namespaces and time.monotonic() < deadline:
            time.sleep(0.05)  # reconnecting
        reply = self.sio.call(event, payload, timeout=15)
        assert reply["ok"], (self.name, event, reply)
        return reply

    def close(self) -> None:
        self.sio.disconnect()


def api(base_url: str, token: str, action: str, body: dict | None = None, **options) -> dict:
    """POST one action of the HTTP API (or GET the state when action is "state")."""
    url = f"{base_url}/api/v1/events/{DEMO_SLUG}/{action}"
    headers = {"Authorization": f"Bearer {token}"}
    if action == "state":
        response = requests.get(url, headers=headers, timeout=15, **options)
    else:
        response = requests.post(url, json=body or {}, headers=headers, timeout=15, **options)
    assert response.status_code == 200, (action, response.status_code, response.text[:300])
    return response.json()


def open_poll(base_url: str, chair: str, key: str = "vraag-3", **options) -> dict:
    poll = next(p for p in api(base_url, chair, "state", **options)["polls"] if p["key"] == key)
    api(base_url, chair, "poll/open", {"poll_id": poll["id"]}, **options)
    return poll


def join(base_url: str, code: str, **options) -> str:
    response = requests.post(f"{base_url}/api/v1/join", json={"code": code}, timeout=15, **options)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def test_a_vote_on_worker_a_reaches_a_screen_on_worker_b(two_workers):
    a, b = two_workers
    links = a.links()
    poll = open_poll(b.base_url, links["chair"]["token"])
    screen = Client(b.base_url, {"token": links["sites"]["enschede"]["screen"]["token"]}, "screen on B")
    phone = Client(a.base_url, {"participant": join(a.base_url, links["sites"]["enschede"]["join"]["code"])},
                   "phone on A")
    try:
        option = poll["options"][1]["id"]
        phone.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": option}, "key": uuid.uuid4().hex})
        shown = screen.wait_for("poll:results", lambda r: r["poll_id"] == poll["id"] and r["total"]["voters"] == 1)
        assert {o["id"]: o["count"] for o in shown["total"]["options"]}[option] == 1
        assert {o["id"]: o["count"] for o in shown["sites"]["enschede"]["options"]}[option] == 1
    finally:
        phone.close()
        screen.close()


def test_the_chair_on_worker_a_goes_live_and_the_hosts_on_worker_b_see_it(two_workers):
    a, b = two_workers
    links = a.links()
    chair = Client(a.base_url, {"token": links["chair"]["token"]}, "chair on A")
    hosts = {key: Client(b.base_url, {"token": links["sites"][key]["host"]["token"]}, f"host {key} on B")
             for key in SITES}
    try:
        chair.call("event:start", {"confirm": True})
        version = chair.call("live:on-air", {"site": "enschede"})["version"]
        for host in hosts.values():
            state = host.wait_for("state:changed", lambda s: s["version"] == version)
            assert state["on_air"] == "enschede"
    finally:
        for client in (chair, *hosts.values()):
            client.close()


def test_the_rate_limits_are_counted_once_for_all_workers(two_workers):
    a, b = two_workers
    links = a.links()
    poll = open_poll(a.base_url, links["chair"]["token"])
    token = join(a.base_url, links["sites"]["online"]["join"]["code"])
    on_a = Client(a.base_url, {"participant": token}, "phone on A")
    on_b = Client(b.base_url, {"participant": token}, "the same phone on B")
    try:
        replies = [phone.sio.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": poll["options"][0]["id"]},
                                                "key": uuid.uuid4().hex}, timeout=15)
                   for _ in range(11) for phone in (on_a, on_b)]  # 22 votes in 10 s; the limit is 20
        assert all(reply["ok"] for reply in replies[:20]), replies
        assert [reply["ok"] for reply in replies[20:]] == [False, False], "the 21st and 22nd go over the limit"
    finally:
        on_a.close()
        on_b.close()


def test_with_two_workers_a_phone_gets_a_poll_s_results_once_a_second_not_once_per_worker(two_workers):
    """Votes come in on both workers all the time; each worker's pump has the poll to push, but one push per
    PHONE_INTERVAL is made for both (a claim in Redis), and the last count still arrives."""
    from eventapp.realtime.pump import PHONE_INTERVAL

    a, b = two_workers
    links = a.links()
    poll = open_poll(a.base_url, links["chair"]["token"])
    code = links["sites"]["enschede"]["join"]["code"]
    watcher = Client(a.base_url, {"participant": join(a.base_url, code)}, "phone on A")
    voters = [Client(server.base_url, {"participant": join(server.base_url, code)}, f"phone {n} on {name}")
              for n in range(8) for server, name in ((a, "A"), (b, "B"))]  # on A and B in turn
    try:
        time.sleep(1.5)  # the push of the opening has arrived
        before = len(watcher.received.get("poll:results", []))
        started = time.monotonic()
        for voter in voters:  # a vote every 0.3 s, on A and B in turn, for about five seconds
            voter.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": poll["options"][0]["id"]},
                                     "key": uuid.uuid4().hex})
            time.sleep(0.3)
        last = watcher.wait_for("poll:results", lambda r: r["poll_id"] == poll["id"]
                                and r["total"]["voters"] == len(voters))
        window = time.monotonic() - started
        pushes = [r for r in watcher.received["poll:results"][before:] if r["poll_id"] == poll["id"]]
        assert last in pushes
        assert len(pushes) <= window / PHONE_INTERVAL + 1, (len(pushes), window)
    finally:
        for client in (watcher, *voters):
            client.close()


def test_the_nginx_example_passes_nginx_t(tmp_path):
    nginx = Nginx(tmp_path / "nginx", [free_port(), free_port()])
    result = subprocess.run(nginx.command("-t"), capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_the_nginx_example_logs_requests_without_their_query_string(tmp_path, real_server):
    nginx = Nginx(tmp_path / "nginx", [real_server.port]).start()
    try:
        links = real_server.links()
        token = links["chair"]["token"]
        control = f"{nginx.base_url}/e/{DEMO_SLUG}/control?token={token}"  # an old link: refused, and not logged
        assert requests.get(control, verify=str(nginx.certificate), timeout=10).status_code == 400
        requests.get(f"http://127.0.0.1:{nginx.http_port}/e/{DEMO_SLUG}/control?token={token}",
                     allow_redirects=False, timeout=10)  # the redirect to https
        requests.get(f"{nginx.base_url}/socket.io/?participant=p.secret&EIO=4&transport=polling",
                     verify=str(nginx.certificate), timeout=10)
    finally:
        nginx.stop()
    log = nginx.access_log()
    assert f"/e/{DEMO_SLUG}/control" in log and "/socket.io/" in log
    assert token not in log and "p.secret" not in log and "?" not in log


def test_run_py_workers_refuses_several_workers_without_a_message_queue(tmp_path):
    result = subprocess.run([sys.executable, "run.py", "--workers", "2", "--port", str(free_port())],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "EVENTAPP_MESSAGE_QUEUE_URL" in result.stderr


def test_long_polling_works_through_nginx_in_front_of_two_workers_started_by_run_py(tmp_path, queue_env):
    nginx_binary()
    port = free_port()
    while not port_is_free(port + 1):  # the second worker takes the next port
        port = free_port()
    launcher = RealServer(tmp_path / "instance", env=queue_env, port=port)
    launcher.log_path.parent.mkdir(parents=True, exist_ok=True)
    with launcher.log_path.open("ab") as log:
        launcher.process = subprocess.Popen(
            [sys.executable, "run.py", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_ROOT, env=launcher.env, stdout=log, stderr=subprocess.STDOUT)
    nginx = None
    clients = []
    try:
        for worker_port in (port, port + 1):
            wait_until_answers(f"http://127.0.0.1:{worker_port}/", launcher.process, launcher.log, 60)
        nginx = Nginx(tmp_path / "nginx", [port, port + 1])
        nginx.start()
        links = launcher.links()
        chair = links["chair"]["token"]
        screen = Client(nginx.base_url, {"token": links["sites"]["eindhoven"]["screen"]["token"]},
                        "screen, long-polling", ca=nginx.certificate, transports=["polling"])
        clients.append(screen)
        version = api(nginx.base_url, chair, "event/start", {"confirm": True}, verify=str(nginx.certificate))["version"]
        screen.wait_for("state:changed", lambda s: s["version"] == version)
        for _ in range(3):  # several polls and posts, each of which must reach the worker that has the session
            version = api(nginx.base_url, chair, "programme/next", verify=str(nginx.certificate))["version"]
            screen.wait_for("state:changed", lambda s, version=version: s["version"] == version)
        assert screen.sio.transport() == "polling"
        assert len(set(nginx.upstreams())) == 1, "every request of the connection went to one worker"
    finally:
        for client in clients:
            client.close()
        if nginx:
            nginx.stop()
        launcher.stop()
    assert "Started 2 workers" in launcher.log()


def test_a_sigterm_to_the_process_group_stops_the_supervisor_without_restarting_workers(tmp_path, queue_env):
    port = free_port()
    while not port_is_free(port + 1):  # the second worker takes the next port
        port = free_port()
    launcher = RealServer(tmp_path / "instance", env=queue_env, port=port)
    launcher.log_path.parent.mkdir(parents=True, exist_ok=True)
    with launcher.log_path.open("ab") as log:  # a process group of its own, as systemd gives a service
        launcher.process = subprocess.Popen(
            [sys.executable, "run.py", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_ROOT, env=launcher.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for worker_port in (port, port + 1):
            wait_until_answers(f"http://127.0.0.1:{worker_port}/", launcher.process, launcher.log, 60)
        os.killpg(launcher.process.pid, signal.SIGTERM)  # what `systemctl stop` does
        launcher.process.wait(30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.process.pid, signal.SIGKILL)
    assert "starting it again" not in launcher.log()
    assert port_is_free(port) and port_is_free(port + 1)


def test_the_clients_of_a_killed_worker_reconnect_through_nginx_to_the_other_and_lose_nothing(tmp_path, two_workers):
    workers = {f"127.0.0.1:{server.port}": server for server in two_workers}
    nginx = Nginx(tmp_path / "nginx", [server.port for server in two_workers])
    links = two_workers[0].links()
    chair = links["chair"]["token"]
    https = {"verify": str(nginx.certificate)}
    clients = []
    try:
        nginx.start()
        api(nginx.base_url, chair, "event/start", {"confirm": True}, **https)
        poll = open_poll(nginx.base_url, chair, **https)
        sites = links["sites"]
        screen = Client(nginx.base_url, {"token": sites["den-haag"]["screen"]["token"]}, "screen", nginx.certificate)
        host = Client(nginx.base_url, {"token": sites["enschede"]["host"]["token"]}, "host", nginx.certificate)
        participant = join(nginx.base_url, sites["den-haag"]["join"]["code"], **https)
        phone = Client(nginx.base_url, {"participant": participant}, "phone", nginx.certificate)
        clients += [screen, host, phone]
        option = poll["options"][2]["id"]
        key = uuid.uuid4().hex
        phone.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": option}, "key": key})
        version = api(nginx.base_url, chair, "live/on-air", {"site": "enschede"}, **https)["version"]
        for client in clients:  # else the old connection may still bring this state after the clearing below
            client.wait_for("state:changed", lambda s: s["version"] == version)
        screen.wait_for("poll:results", lambda r: r["poll_id"] == poll["id"] and r["total"]["voters"] == 1)
        used = set(nginx.upstreams())
        assert len(used) == 1, f"one client address goes to one worker: {used}"
        killed = workers.pop(used.pop())
        connected = {client.name: client.sio.sid for client in clients}
        for client in clients:  # from now on, only what arrives after the reconnection counts
            with client.changed:
                client.received.clear()

        killed.kill()

        for client in clients:
            client.wait_for("state:changed", lambda s: s["version"] == version and s["on_air"] == "enschede",
                            timeout=30)
            assert client.sio.sid != connected[client.name], f"{client.name} is on a new connection"
        survivor = next(iter(workers.values()))
        assert set(nginx.upstreams()[-3:]) == {f"127.0.0.1:{survivor.port}"}
        shown = screen.wait_for("poll:results", lambda r: r["poll_id"] == poll["id"])
        assert shown["total"]["voters"] == 1
        votes = phone.wait_for("participant:votes", lambda v: True)["votes"]
        assert [vote["poll_id"] for vote in votes] == [poll["id"]], "the phone sees the vote it cast before"
        again = phone.call("poll:vote", {"poll_id": poll["id"], "answer": {"option": option}, "key": key})
        assert again["repeated"], "the vote stored before the crash is the same vote, not a second one"
    finally:
        for client in clients:
            client.close()
        nginx.stop()


def test_postgresql_queries_of_two_green_threads_overlap_under_eventlet(postgres_url):
    """psycopg's C wait would block eventlet's hub for the whole query: two half-second queries take a second."""
    script = f"""
import time
import run  # monkey-patches, as every worker does first
import eventlet
import sqlalchemy

engine = sqlalchemy.create_engine({postgres_url!r})
def sleep_in_the_database():
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT pg_sleep(0.5)")
sleep_in_the_database()  # connect first: only the queries are timed
started = time.monotonic()
pool = eventlet.GreenPool()
for _ in range(2):
    pool.spawn(sleep_in_the_database)
pool.waitall()
print(round(time.monotonic() - started, 3))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=60, env={k: v for k, v in os.environ.items() if k != "PSYCOPG_WAIT_FUNC"})
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[-1]) < 0.9, "the two queries ran one after the other"
