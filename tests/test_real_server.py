"""The real server (`python run.py`, in EVENTAPP_ASYNC_MODE) over HTTP: every page with its link, refusals, the
API's state and OpenAPI document, vendored JavaScript, the links printed at start, a restart that keeps the event,
and a WebSocket's end that leaves nothing but WebSocket frames on the connection."""

import base64
import json
import os
import re
import socket
import sqlite3
import time

import pytest
import requests

from tests.conftest import DEMO_SLUG, RealServer, is_loader, open_link_over_http

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server with the demo event, shared by this module's tests (they only read)."""
    started = RealServer(tmp_path_factory.mktemp("shared-server") / "instance").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def server_links(server):
    """The demo's links, as a script gets them: `flask --app eventapp links --json`."""
    return server.links()


def get(server: RealServer, path: str, **kwargs) -> requests.Response:
    """GET a path of the server."""
    return requests.get(server.base_url + path, timeout=10, **kwargs)


def every_page_url(links: dict) -> list[str]:
    """The URL of every page the demo's links open: the chair's three pages, and per site host, screen, join."""
    chair = links["chair"]["url"]
    urls = [chair, chair.replace("/control#", "/programme#"), chair.replace("/control#", "/links#")]
    for site in links["sites"].values():
        urls += [site["host"]["url"], site["screen"]["url"], site["join"]["url"]]
    return urls


def test_the_links_point_at_the_server(server, server_links):
    for url in every_page_url(server_links):
        assert url.startswith(server.base_url + "/"), url


def test_every_page_opens_with_its_link(server_links):
    urls = every_page_url(server_links)
    assert len(urls) == 3 + 3 * 4
    for url in urls:
        response = open_link_over_http(url) if "#token=" in url else requests.get(url, timeout=10)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith("text/html")
        assert "<title>" in response.text


@pytest.mark.parametrize(("path", "token", "what"), [
    (f"/e/{DEMO_SLUG}/control", None, "the control panel"),
    (f"/e/{DEMO_SLUG}/control", "", "the control panel"),
    (f"/e/{DEMO_SLUG}/control", "not-a-token", "the control panel"),
    (f"/e/{DEMO_SLUG}/programme", "not-a-token", "the control panel"),
    (f"/e/{DEMO_SLUG}/links", "not-a-token", "the control panel"),
    (f"/e/{DEMO_SLUG}/host/enschede", "not-a-token", "the host panel of Enschede"),
    (f"/e/{DEMO_SLUG}/screen/online", None, "the screen of Online"),
])
def test_a_wrong_or_missing_token_gets_a_clear_403_page(server, path, token, what):
    if token is None:  # no cookie: the loader, with the message it shows when the address holds no token
        response = get(server, path, params={"lang": "en"})
        assert is_loader(response)
    else:  # the loader's exchange, with a wrong token
        response = requests.post(server.base_url + path, params={"lang": "en"}, data={"token": token}, timeout=10)
        assert response.status_code == 403
    assert "This link does not give access" in response.text
    assert f"This link is not valid for {what}" in response.text
    assert "ask the chair for the current link" in response.text


@pytest.mark.parametrize(("surface", "owner", "page"), [
    ("host", "enschede", "host/den-haag"),
    ("screen", "enschede", "screen/eindhoven"),
    ("host", "enschede", "screen/enschede"),
    ("screen", "online", "control"),
    ("host", "den-haag", "links"),
])
def test_another_sites_or_roles_token_gets_a_403_that_says_whose_it_is(server, server_links, surface, owner, page):
    token = server_links["sites"][owner][surface]["token"]
    response = requests.post(f"{server.base_url}/e/{DEMO_SLUG}/{page}", params={"lang": "en"}, data={"token": token},
                             timeout=10)
    assert response.status_code == 403
    assert "This link belongs to the " + ("host panel" if surface == "host" else "screen") in response.text


@pytest.mark.parametrize(("path", "named"), [
    ("/e/no-such-event/control", "no-such-event"),
    (f"/e/{DEMO_SLUG}/screen/utrecht", "utrecht"),
    (f"/e/{DEMO_SLUG}/host/utrecht", "utrecht"),
    ("/j/999999", "999999"),
    ("/no/such/page", "Not found"),
])
def test_an_unknown_event_site_or_code_gets_a_404_that_names_it(server, server_links, path, named):
    response = get(server, path, params={"lang": "en"})
    assert response.status_code == 404
    assert named in response.text


def test_the_state_api_gives_version_segment_and_on_air(server, server_links):
    response = get(server, f"/api/v1/events/{DEMO_SLUG}/state",
                   headers={"Authorization": f"Bearer {server_links['chair']['token']}"})
    assert response.status_code == 200
    state = response.json()
    assert type(state["version"]) is int and state["version"] >= 0
    assert "segment" in state and "on_air" in state
    assert state["segment"] is None or set(state["segment"]) >= {"id", "kind", "title"}
    assert state["on_air"] is None or state["on_air"] in server_links["sites"]


@pytest.mark.parametrize("role", ["host", "screen"])
def test_hosts_and_screens_read_the_state_too(server, server_links, role):
    token = server_links["sites"]["eindhoven"][role]["token"]
    response = get(server, f"/api/v1/events/{DEMO_SLUG}/state", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert type(response.json()["version"]) is int


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_the_state_api_refuses_a_missing_or_wrong_token_with_a_json_error(server, header):
    headers = {"Authorization": header} if header else {}
    response = get(server, f"/api/v1/events/{DEMO_SLUG}/state", headers=headers)
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]


def test_the_state_api_gives_404_for_an_unknown_event(server, server_links):
    response = get(server, "/api/v1/events/no-such-event/state",
                   headers={"Authorization": f"Bearer {server_links['chair']['token']}"})
    assert response.status_code == 404
    assert "no-such-event" in response.json()["error"]


def test_the_openapi_document_is_valid_json_with_the_paths(server):
    response = get(server, "/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ("/api/v1/events/{slug}/state", "/api/v1/events/{slug}/links",
                 "/api/v1/events/{slug}/links/rotate", "/api/v1/events/{slug}/programme"):
        assert path in paths, sorted(paths)
    assert "get" in paths["/api/v1/events/{slug}/state"]
    assert "post" in paths["/api/v1/events/{slug}/links/rotate"]


def test_socket_io_client_is_served_from_the_app(server):
    response = get(server, "/vendor/socket.io.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert len(response.content) > 10_000
    assert "io" in response.text[:5000]
    assert get(server, "/vendor/left-pad.js").status_code == 404


def test_es_module_libraries_are_served_with_their_folder_layout(server):
    """lit-html's directives import "../lit-html.js": the vendor folder keeps the package's layout, and only the
    listed files of it are served."""
    for path in ("/vendor/lit-html/lit-html.js", "/vendor/lit-html/directives/repeat.js",
                 "/vendor/socket.io.esm.min.js"):
        response = get(server, path)
        assert response.status_code == 200, path
        assert "javascript" in response.headers["Content-Type"]
    for path in ("/vendor/lit-html/package.json", "/vendor/lit-html/../chart.js/package.json",
                 "/vendor/lit-html/development/lit-html.js"):
        assert get(server, path).status_code == 404, path


def test_the_static_css_is_served(server):
    for name in ("app.css", "screen.css"):
        response = get(server, f"/static/css/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/css")


def test_the_first_start_prints_every_link(server, server_links):
    log = server.log()
    assert f"control panel        {server_links['chair']['url']}" in log
    for key, site in server_links["sites"].items():
        assert f"{key:<12} host     {site['host']['url']}" in log
        assert f"{key:<12} screen   {site['screen']['url']}" in log
        assert f"{key:<12} join     {site['join']['url']}  (code {site['join']['code']})" in log
    assert f"Serving on {server.base_url}" in log
    assert log.count("loaded the demo event") == 1


def count_events(instance) -> int:
    """The number of events in an instance's SQLite database."""
    with sqlite3.connect(instance / "eventapp.sqlite3") as connection:
        return connection.execute("SELECT count(*) FROM event").fetchone()[0]


def printed_chair_token(log: str) -> str:
    """The chair's token in the links a start printed."""
    return re.search(r"control panel +\S+/control#token=(\S+)", log).group(1)


def test_a_second_start_keeps_the_event_and_its_links(real_server):
    first_token = printed_chair_token(real_server.log())
    real_server.stop()
    again = RealServer(real_server.instance).start()
    try:
        assert count_events(real_server.instance) == 1
        assert "loaded the demo event" not in again.log()
        assert printed_chair_token(again.log()) == first_token
        response = open_link_over_http(f"{again.base_url}/e/{DEMO_SLUG}/control#token={first_token}")
        assert response.status_code == 200
    finally:
        again.stop()


def websocket_frame(opcode: int, payload: bytes) -> bytes:
    """One short client frame (FIN set, masked as a client's must be)."""
    mask = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def server_frames(data: bytes) -> list[tuple[int, bytes]]:
    """The server's frames as (opcode, payload); these are short and unmasked. Bytes that are no frame (such as an
    HTTP response after the WebSocket) fail, as they fail the browser ("Invalid frame header")."""
    frames = []
    while data:
        assert data[0] in (0x81, 0x88, 0x89, 0x8A) and data[1] < 126, f"not a WebSocket frame: {data[:60]!r}"
        length = data[1]
        frames.append((data[0] & 0x0F, data[2:2 + length]))
        data = data[2 + length:]
    return frames


def upgraded_websocket(server: RealServer) -> tuple[socket.socket, bytes]:
    """A long-polling Engine.IO connection upgraded to WebSocket, as a browser does it: the socket, and what the
    server sent after its 101."""
    opened = get(server, "/socket.io/?EIO=4&transport=polling")
    sid = json.loads(opened.text[1:])["sid"]
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    connection.sendall(f"GET /socket.io/?EIO=4&transport=websocket&sid={sid} HTTP/1.1\r\n"
                       f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(4096)
    head, received = received.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 101 ")
    return connection, received


def until_closed(connection: socket.socket, received: bytes) -> bytes:
    """Everything the server sends until it closes the connection (the socket's timeout fails the test)."""
    with connection:
        while chunk := connection.recv(4096):
            received += chunk
    return received


CLOSE_NORMAL = websocket_frame(0x8, (1000).to_bytes(2, "big"))  # a browser's close: 1000, normal closure


def test_a_websocket_that_ends_leaves_nothing_but_its_frames_on_the_connection(server):
    """A browser upgrades its long-polling connection to WebSocket and later closes it; the server answers the
    close, then closes the connection, and writes nothing else (under gevent, pywsgi once wrote the upgrade
    request's HTTP response after the closing frame)."""
    connection, received = upgraded_websocket(server)
    connection.sendall(websocket_frame(0x1, b"2probe"))  # Engine.IO's upgrade: probe, then upgrade
    while b"3probe" not in received:
        received += connection.recv(4096)
    connection.sendall(websocket_frame(0x1, b"5") + CLOSE_NORMAL)
    frames = server_frames(until_closed(connection, received))
    assert (0x1, b"3probe") in frames
    assert frames[-1][0] == 0x8


def test_a_client_that_leaves_during_the_upgrade_costs_the_server_no_traceback(server):
    """The probe and the close in one write: the server's answer to the probe finds the WebSocket closed (under
    gevent, pywsgi once failed on that with an IndexError and logged a traceback per client)."""
    logged = len(server.log())
    connection, received = upgraded_websocket(server)
    connection.sendall(websocket_frame(0x1, b"2probe") + CLOSE_NORMAL)
    assert server_frames(until_closed(connection, received))[-1][0] == 0x8
    time.sleep(0.5)  # the server logs a failed connection after closing it
    assert get(server, "/socket.io/?EIO=4&transport=polling").status_code == 200
    assert "Traceback" not in server.log()[logged:]
