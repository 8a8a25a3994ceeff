"""A change made on the command line, in another process than the server, reaches the server's connections: the
CLI leaves it in the outbox, and the running server claims and pushes it within a second."""

import subprocess
import sys
import threading
import time

import pytest
import socketio

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.server


def test_a_change_made_by_the_cli_is_pushed_by_the_running_server(real_server):
    links = real_server.links()
    screen = socketio.Client(reconnection=False)
    versions: list[int] = []
    changed = threading.Event()

    def on_state(state):
        versions.append(state["version"])
        if len(versions) > 1:
            changed.set()

    screen.on("state:changed", on_state)
    screen.connect(real_server.base_url, auth={"token": links["sites"]["enschede"]["screen"]["token"]},
                   wait_timeout=10)
    deadline = time.monotonic() + 10
    while not versions and time.monotonic() < deadline:
        time.sleep(0.05)
    assert versions, "the screen got no state on connect"

    done = subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "participants", "forget",
                           links["event"], "--all", "--yes"],
                          cwd=PROJECT_ROOT, env=real_server.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    forgotten = time.monotonic()

    assert changed.wait(10), "the screen never got the change the CLI made"
    assert time.monotonic() - forgotten < 2
    assert versions[-1] > versions[0]
    screen.disconnect()
