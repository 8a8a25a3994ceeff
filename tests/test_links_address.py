"""`flask --app eventapp links` prints the address the running server serves, whatever port run.py was given; with
no server running (or one that was killed), the configured address; an explicit PUBLIC_BASE_URL always wins."""

import json
import os
import socket
import subprocess
import sys

import pytest
import requests

from eventapp import create_app
from eventapp.serving import RECORD, record_serving, served_base_url
from tests.conftest import DEMO_SLUG, PROJECT_ROOT, TEST_SETTINGS, RealServer

pytestmark = pytest.mark.server


def cli_links(instance, **env) -> dict:
    """The CLI as a script runs it: no EVENTAPP_PORT, only the instance folder the server uses."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVENTAPP_")}
    environment |= {"EVENTAPP_INSTANCE_PATH": str(instance), **env}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "links", DEMO_SLUG, "--json"],
                         cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def printed_chair_url(log: str) -> str:
    """The control panel's link as run.py printed it at start."""
    return next(line.split()[-1] for line in log.splitlines() if line.strip().startswith("control panel"))


def test_links_print_the_port_the_server_serves_and_run_py_prints_the_same(tmp_path):
    server = RealServer(tmp_path / "instance").start()
    try:
        assert server.port != 5000
        links = cli_links(server.instance)

        chair = links["chair"]["url"]
        assert chair.startswith(f"http://127.0.0.1:{server.port}/"), chair
        assert chair == printed_chair_url(server.log())
        join = links["sites"]["enschede"]["join"]["url"]
        assert requests.get(join, timeout=10).status_code == 200
        state = requests.get(f"{server.base_url}/api/v1/events/{DEMO_SLUG}/state", timeout=10,
                             headers={"Authorization": f"Bearer {links['chair']['token']}"})
        assert state.status_code == 200

        explicit = cli_links(server.instance, EVENTAPP_PUBLIC_BASE_URL="https://events.example.org")
        assert explicit["chair"]["url"].startswith("https://events.example.org/")
    finally:
        server.stop()

    after = cli_links(server.instance)  # nobody serves that port now: the configured address, not a dead one
    assert f":{server.port}/" not in after["chair"]["url"]
    assert after["chair"]["url"].startswith("http://127.0.0.1:5000/")


def test_a_record_counts_only_while_its_process_lives_and_its_port_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**TEST_SETTINGS, "LOAD_DEMO": False})
    path = tmp_path / "instance" / RECORD
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        record_serving(app, f"http://192.0.2.5:{port}", "127.0.0.1", port)  # this process, listening
        assert served_base_url(app) == f"http://192.0.2.5:{port}"

        record = json.loads(path.read_text())
        path.write_text(json.dumps(record | {"pid": dead_pid()}))  # a server that was killed
        assert served_base_url(app) is None
        path.write_text(json.dumps(record))
    assert served_base_url(app) is None  # alive, but nobody listens there any more


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
