"""Limits against the real server (python run.py, eventlet): the Socket.IO handshake refuses foreign origins, a
message over the size limit is refused without harm to the server, and the access log holds no token."""

import contextlib
import threading

import pytest
import requests
import socketio

from tests.conftest import DEMO_SLUG, logged_real_server, open_link_over_http

pytestmark = pytest.mark.server
FOREIGN = "http://evil.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server for this module, with the access log on and the start-up links not printed."""
    yield from logged_real_server(tmp_path_factory, "security")


@pytest.fixture(scope="module")
def server_links(server):
    return server.links()


def handshake(server, origin: str | None, transport: str = "polling") -> requests.Response:
    """The first request of a Socket.IO connection (Engine.IO handshake), as a browser sends it."""
    headers = {"Origin": origin} if origin else {}
    if transport == "websocket":
        headers.update({"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    with requests.get(f"{server.base_url}/socket.io/?EIO=4&transport={transport}", headers=headers, timeout=10,
                      stream=True) as response:
        return response


def phone(server, server_links, **options) -> socketio.Client:
    """A phone's socket, connected with its site's join code."""
    client = socketio.Client(reconnection=False)
    code = server_links["sites"]["enschede"]["join"]["code"]
    client.connect(server.base_url, auth={"code": code}, wait_timeout=10, **options)
    return client


def test_the_socket_io_handshake_refuses_a_foreign_origin(server, server_links):
    for transport, accepted in (("polling", 200), ("websocket", 101)):
        refused = handshake(server, FOREIGN, transport)
        assert refused.status_code == 400, transport
        assert "Access-Control-Allow-Origin" not in refused.headers
        assert handshake(server, "null", transport).status_code == 400
        assert handshake(server, server.base_url, transport).status_code == accepted  # the app's own pages
        assert handshake(server, None, transport).status_code == accepted  # not a browser: auth is checked later
    with pytest.raises(socketio.exceptions.ConnectionError):
        phone(server, server_links, headers={"Origin": FOREIGN}, transports=["polling"])
    own = phone(server, server_links, transports=["websocket"])  # websocket-client sends the server's origin
    own.disconnect()


def test_the_api_refuses_a_foreign_origin(server, server_links):
    code = server_links["sites"]["enschede"]["join"]["code"]
    refused = requests.post(f"{server.base_url}/api/v1/join", json={"code": code}, timeout=10,
                            headers={"Origin": FOREIGN})
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    preflight = requests.options(f"{server.base_url}/api/v1/join", timeout=10,
                                 headers={"Origin": FOREIGN, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_message_over_the_size_limit_is_refused_and_the_server_carries_on(server, server_links, transport):
    big = phone(server, server_links, transports=[transport])
    # python-engineio's client leaves its socket or HTTP session open when the server ends the session.
    leftovers = (big.eio.ws and big.eio.ws.sock, big.eio.http)
    gone = threading.Event()
    big.on("disconnect", lambda *args: gone.set())
    try:
        big.emit("question:ask", {"text": "x" * (100 * 1024)})  # over the 64 KB limit
    except Exception:  # noqa: BLE001  (the polling transport may fail the send itself)
        gone.set()
    assert gone.wait(10), "the connection that sent the oversized message is closed"
    big.disconnect()
    for leftover in leftovers:
        if leftover is not None:
            leftover.close()

    if transport == "polling":
        # A bare oversized POST with no poll pending: python-engineio refuses it unread and closes the session,
        # but its reply waits for the close packet to be polled (Socket.close(wait=True)): it may never come.
        with requests.Session() as http:
            t = http.get(f"{server.base_url}/socket.io/?EIO=4&transport=polling", timeout=10).text
            sid = t[t.index('"sid":"') + 7:].split('"', 1)[0]
            with contextlib.suppress(requests.ReadTimeout):
                http.post(f"{server.base_url}/socket.io/?EIO=4&transport=polling&sid={sid}",
                          data="4" + "x" * (100 * 1024), timeout=3)

    healthy = phone(server, server_links, transports=[transport])
    reply = healthy.call("clock:ping", {}, timeout=10)
    assert reply, "a new connection is served as before"
    healthy.disconnect()
    assert requests.get(f"{server.base_url}/", timeout=10).status_code == 200


def test_no_token_reaches_the_servers_output(server, server_links):
    chair = server_links["chair"]["token"]
    host = server_links["sites"]["enschede"]["host"]["token"]
    assert open_link_over_http(server_links["chair"]["url"]).status_code == 200
    assert open_link_over_http(server_links["sites"]["enschede"]["host"]["url"], query="lang=en").status_code == 200
    assert requests.post(f"{server.base_url}/e/{DEMO_SLUG}/control", data={"token": chair + "x"},
                         timeout=10).status_code == 403
    # An old link (?token=) is refused, and what the server logs of it is redacted.
    assert requests.get(f"{server.base_url}/e/{DEMO_SLUG}/control?token={chair}", timeout=10).status_code == 400
    assert requests.get(f"{server.base_url}/api/v1/events/{DEMO_SLUG}/state", timeout=10,
                        headers={"Authorization": f"Bearer {chair}"}).status_code == 200
    joined = requests.post(f"{server.base_url}/api/v1/join", json={"code": server_links["sites"]["enschede"]["join"]
                                                                   ["code"]}, timeout=10).json()
    sock = socketio.Client(reconnection=False)
    sock.connect(server.base_url, auth={"participant": joined["token"]}, wait_timeout=10)
    sock.disconnect()
    sock = socketio.Client(reconnection=False)
    sock.connect(server.base_url, auth={"token": chair}, wait_timeout=10)
    sock.disconnect()
    log = server.log()
    assert f"/e/{DEMO_SLUG}/control?token=[redacted]" in log, "the access log is on and shows the request"
    for token in (chair, host, joined["token"]):
        assert token not in log
