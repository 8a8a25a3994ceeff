"""Replacing a link cuts off the panels and screens connected with the old one (a leaked link in use), on the
real server: they are disconnected at once, and their reconnect is refused with the reason. The same from the
command line, another process: the server pushes what it left in the outbox within a second."""

import subprocess
import sys
import threading
import time

import pytest
import requests
import socketio

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.server


def connect(base_url: str, token: str) -> tuple[socketio.Client, threading.Event]:
    client = socketio.Client(reconnection=False)
    dropped = threading.Event()
    client.on("disconnect", lambda *reason: dropped.set())
    client.connect(base_url, auth={"token": token}, wait_timeout=10)
    return client, dropped


def test_a_replaced_host_link_is_cut_off_while_connected_and_refused_after(real_server):
    links = real_server.links()
    chair_header = {"Authorization": f"Bearer {links['chair']['token']}"}
    old_host = links["sites"]["enschede"]["host"]["token"]
    host, host_dropped = connect(real_server.base_url, old_host)
    other_host, other_dropped = connect(real_server.base_url, links["sites"]["eindhoven"]["host"]["token"])
    screen, screen_dropped = connect(real_server.base_url, links["sites"]["enschede"]["screen"]["token"])

    reply = requests.post(f"{real_server.base_url}/api/v1/events/{links['event']}/links/rotate",
                          json={"role": "host", "site": "enschede"}, headers=chair_header, timeout=10)
    assert reply.status_code == 200, reply.text

    assert host_dropped.wait(10), "the connection with the old link stayed open"
    assert not other_dropped.wait(1) and not screen_dropped.is_set(), "only the replaced link is cut off"
    assert other_host.call("host:status", {"status": "ready"}, timeout=10)["ok"]
    refused = socketio.Client(reconnection=False)
    reasons = []
    refused.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(real_server.base_url, auth={"token": old_host}, wait_timeout=10)
    assert "this link is not valid (anymore)" in str(reasons)
    new_host, _ = connect(real_server.base_url, reply.json()["sites"]["enschede"]["host"]["token"])
    assert new_host.call("host:status", {"status": "ready"}, timeout=10)["ok"]
    for client in (new_host, other_host, screen):
        client.disconnect()


def assert_refused(base_url: str, token: str) -> None:
    refused = socketio.Client(reconnection=False)
    reasons = []
    refused.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(base_url, auth={"token": token}, wait_timeout=10)
    assert "this link is not valid (anymore)" in str(reasons)


@pytest.mark.parametrize("args", [["--all"], ["--role", "host", "--site", "enschede"]])
def test_a_link_rotated_on_the_command_line_cuts_off_a_live_connection(real_server, args):
    links = real_server.links()
    old_host = links["sites"]["enschede"]["host"]["token"]
    host, host_dropped = connect(real_server.base_url, old_host)
    subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "rotate-links", links["event"], *args],
                   cwd=PROJECT_ROOT, env=real_server.env, capture_output=True, check=True, timeout=60)
    rotated = time.monotonic()

    assert host_dropped.wait(10), "the connection with the old link stayed open"
    assert time.monotonic() - rotated < 2, "the server claims what another process left every 0.5 s"
    assert_refused(real_server.base_url, old_host)
    new_host, _ = connect(real_server.base_url, real_server.links()["sites"]["enschede"]["host"]["token"])
    assert new_host.call("host:status", {"status": "ready"}, timeout=10)["ok"]
    new_host.disconnect()
