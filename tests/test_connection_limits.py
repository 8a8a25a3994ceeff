"""Connections against the real server started with small caps: a flood of idle connections from one address
takes at most its share and is closed when it sends nothing, and when everyone's connections are taken the crew
still gets in (docs/security.md, "Limits and what each protects")."""

import contextlib
import socket
import threading
import time

import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG, RealServer

pytestmark = pytest.mark.server
CAPS = {"EVENTAPP_MAX_CONNECTIONS": "30", "EVENTAPP_CREW_CONNECTIONS": "10",
        "EVENTAPP_MAX_CONNECTIONS_PER_ADDRESS": "20", "EVENTAPP_REQUEST_TIMEOUT": "8"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server with small caps: 30 connections for everyone, 10 more for the crew, 20 per address."""
    started = RealServer(tmp_path_factory.mktemp("limits") / "instance", env=CAPS).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def server_links(server):
    return server.links()


class FromAddress(requests.adapters.HTTPAdapter):
    """Requests sent from another loopback address (127.0.0.0/8 is all this machine's)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", FromAddress(address))
    return session


class Flood:
    """Idle TCP connections from one address: opened as fast as the server takes them, each held until the
    server closes it or the flood ends by itself after `seconds`; never more than `count`."""

    def __init__(self, server: RealServer, address: str, count: int, seconds: float):
        self.server, self.address, self.count, self.seconds = server, address, count, seconds
        self.sockets: list[socket.socket] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Flood":
        for _ in range(self.count):
            with contextlib.suppress(OSError):
                self.sockets.append(socket.create_connection(("127.0.0.1", self.server.port), timeout=5,
                                                             source_address=(self.address, 0)))
        self.thread.start()
        return self

    def _run(self) -> None:
        time.sleep(self.seconds)

    def __exit__(self, *exc) -> None:
        self.thread.join()
        for sock in self.sockets:
            sock.close()

    def still_open_after(self, seconds: float) -> int:
        """How many of the flood's connections the server has not closed (or reset) `seconds` from now."""
        deadline = time.monotonic() + seconds
        still_open = 0
        for sock in self.sockets:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                still_open += sock.recv(1) != b""
            except ConnectionResetError:
                pass
            except TimeoutError:
                still_open += 1
        return still_open


def screen_connects(server, server_links, address: str) -> bool:
    """Whether Enschede's screen gets its Socket.IO connection from `address` (long-polling)."""
    client = socketio.Client(reconnection=False, http_session=session_from(address))
    try:
        client.connect(server.base_url, transports=["polling"], wait_timeout=10,
                       auth={"token": server_links["sites"]["enschede"]["screen"]["token"]})
        return client.connected
    except socketio.exceptions.ConnectionError:
        return False
    finally:
        client.disconnect()


def crew_reads_the_state(server, server_links, address: str | None = None) -> int:
    """The chair's API call (as the control panel and a Stream Deck make them): its status."""
    session = session_from(address) if address else requests.Session()
    return session.get(f"{server.base_url}/api/v1/events/{DEMO_SLUG}/state", timeout=5,
                       headers={"Authorization": f"Bearer {server_links['chair']['token']}"}).status_code


def test_a_flood_of_idle_connections_from_one_address_takes_its_share_and_is_closed(server, server_links):
    with Flood(server, "127.0.0.1", count=200, seconds=12) as flood:
        assert flood.still_open_after(1) == 20, "one address holds 20 connections; the others were closed at once"
        assert crew_reads_the_state(server, server_links, "127.0.0.2") == 200
        assert screen_connects(server, server_links, "127.0.0.2")
        assert flood.still_open_after(10) == 0, "idle connections are closed after 8 s without a request"
    assert crew_reads_the_state(server, server_links) == 200, "and the flood's address is served again"


def test_when_everyones_connections_are_taken_the_crew_still_gets_in(server, server_links):
    control = f"{server.base_url}/e/{DEMO_SLUG}/control"  # the crew's link opens its loader first
    phone_page = server_links["sites"]["enschede"]["join"]["url"]
    with Flood(server, "127.0.0.3", count=15, seconds=0), Flood(server, "127.0.0.4", count=15, seconds=0):
        assert crew_reads_the_state(server, server_links, "127.0.0.2") == 200
        assert session_from("127.0.0.2").get(control, timeout=5).status_code == 200
        assert session_from("127.0.0.5").get(phone_page, timeout=5).status_code == 503
        phone = socketio.Client(reconnection=False, http_session=session_from("127.0.0.6"))
        with pytest.raises(socketio.exceptions.ConnectionError):
            phone.connect(server.base_url, transports=["polling"], wait_timeout=10,
                          auth={"code": server_links["sites"]["enschede"]["join"]["code"]})
        assert screen_connects(server, server_links, "127.0.0.2")  # last: under gevent its goodbye takes 25 s
    time.sleep(1)  # the server has seen the flood's connections close
    assert session_from("127.0.0.5").get(phone_page, timeout=5).status_code == 200
