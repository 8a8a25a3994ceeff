"""Limits and headers (docs/security.md): security headers with a content security policy without inline script,
cookie flags, no cookie-authenticated action (so no CSRF surface), foreign origins refused, per-address limits on
looking up join codes, and tokens redacted from log lines."""

import logging
import re
from pathlib import Path

import pytest
from limits import parse

from eventapp import ratelimit
from eventapp.extensions import socketio
from eventapp.web.security import RedactTokens, content_security_policy, redact
from tests.conftest import DEMO_SLUG, TEST_SETTINGS, is_loader, local_path, open_link

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FOREIGN = "http://evil.example"


def every_kind_of_reply(client, links) -> dict:
    """A page, an API reply, a static file, a vendor file, an SVG and an error page."""
    return {
        "control panel": open_link(client, links["chair"]["url"]),
        "phone page": client.get(local_path(links["sites"]["enschede"]["join"]["url"])),
        "API": client.get(f"/api/v1/events/{DEMO_SLUG}/state",
                          headers={"Authorization": f"Bearer {links['chair']['token']}"}),
        "static": client.get("/static/css/app.css"),
        "vendor": client.get("/vendor/socket.io.min.js"),
        "QR code": client.get(f"/e/{DEMO_SLUG}/sites/enschede/join-qr.svg"),
        "404 page": client.get("/no-such-page"),
        "API error": client.get(f"/api/v1/events/{DEMO_SLUG}/state"),
    }


def test_every_reply_carries_the_security_headers(client, links):
    for what, response in every_kind_of_reply(client, links).items():
        headers = response.headers
        assert headers["Content-Security-Policy"] == content_security_policy("localhost"), what
        assert headers["X-Content-Type-Options"] == "nosniff", what
        assert headers["Referrer-Policy"] == "no-referrer", what
        assert headers["X-Frame-Options"] == "DENY", what
        assert "camera=()" in headers["Permissions-Policy"], what
        assert "Strict-Transport-Security" not in headers, f"{what}: plain http has no HSTS"
        response.close()


def test_no_page_or_api_reply_that_may_carry_a_token_is_stored_by_a_cache(client, links):
    chair = {"Authorization": f"Bearer {links['chair']['token']}"}
    site = links["sites"]["enschede"]
    replies = {
        "control panel": client.get(local_path(links["chair"]["url"])),
        "host panel": client.get(local_path(site["host"]["url"])),
        "screen": client.get(local_path(site["screen"]["url"])),
        "links page": client.get(f"/e/{DEMO_SLUG}/links?token={links['chair']['token']}"),
        "API links": client.get(f"/api/v1/events/{DEMO_SLUG}/links", headers=chair),
        "API join": client.post("/api/v1/join", json={"code": site["join"]["code"]}),
        "API state": client.get(f"/api/v1/events/{DEMO_SLUG}/state", headers=chair),
        "API error": client.get(f"/api/v1/events/{DEMO_SLUG}/state"),
    }
    for what, response in replies.items():
        assert response.status_code < 500, what
        assert response.headers.get("Cache-Control") == "no-store", what
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_the_content_security_policy_allows_no_inline_script_or_style_and_no_foreign_source(app):
    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        policy = dict(part.split(" ", 1) for part in content_security_policy("127.0.0.1:5000").split("; "))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["media-src"] == "'self' http: https:"  # video segments may play a file from elsewhere
    assert policy["connect-src"].split() == ["'self'", "ws://test.local", "wss://test.local",
                                             "ws://127.0.0.1:5000", "wss://127.0.0.1:5000"]
    assert "unsafe" not in content_security_policy("localhost")


def test_no_template_has_an_inline_script_an_event_handler_or_a_style_attribute():
    """What the policy forbids must not be in the pages (the browser tests see what the JS adds)."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for script in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in script or 'type="application/json"' in script, (template.name, script)
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name} has an inline event handler"
        assert not re.search(r"\sstyle\s*=", text), f"{template.name} has a style attribute"
        assert "javascript:" not in text, template.name


def test_https_adds_strict_transport_security_and_secure_cookies(demo_instance, tmp_path):
    import shutil

    from eventapp import create_app

    shutil.copytree(demo_instance, tmp_path / "instance", dirs_exist_ok=True)
    app = create_app({**TEST_SETTINGS, "PUBLIC_BASE_URL": "https://meeting.example"})
    response = app.test_client().get("/?lang=en")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "wss://meeting.example" in response.headers["Content-Security-Policy"]


def test_the_language_cookie_is_http_only_and_same_site_lax(client):
    response = client.get("/?lang=en")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=en;")
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]
    assert "Secure" not in cookies[0], "over plain http a Secure cookie would not come back"


def test_no_reply_sets_any_other_cookie(client, links):
    """Besides the language, the only cookie is the one a crew link is exchanged for (its flags:
    tests/test_pages.py); no page, API reply or file sets any other."""
    for what, response in every_kind_of_reply(client, links).items():
        assert not response.headers.getlist("Set-Cookie"), what
        response.close()


def test_no_action_is_authenticated_by_a_cookie_so_there_is_no_csrf_surface(client, links):
    """The API takes its token from Authorization: Bearer, sockets from their auth packet: a browser never adds
    either by itself, so another site cannot make it act for its user. The cookie a crew link is exchanged for
    only opens pages (and is SameSite=Strict): with it, an action is still refused."""
    client.set_cookie("token", links["chair"]["token"])
    client.set_cookie("session", links["chair"]["token"])
    assert is_loader(client.get(f"/e/{DEMO_SLUG}/control"))
    assert open_link(client, links["chair"]["url"]).status_code == 200
    refused = client.post(f"/api/v1/events/{DEMO_SLUG}/programme/next",
                          headers={"Origin": "http://localhost"}, json={})
    assert refused.status_code == 403


@pytest.mark.parametrize("origin", [FOREIGN, "null", "http://localhost.evil.example", "https://test.local.evil"])
def test_a_request_from_a_foreign_page_is_refused_before_it_acts(client, links, origin):
    code = links["sites"]["enschede"]["join"]["code"]
    joined = client.post("/api/v1/join", json={"code": code, "name": "Eve"}, headers={"Origin": origin})
    assert joined.status_code == 403
    assert "Access-Control-Allow-Origin" not in joined.headers
    bearer = {"Authorization": f"Bearer {links['chair']['token']}", "Origin": origin}
    assert client.post(f"/api/v1/events/{DEMO_SLUG}/programme/next", headers=bearer, json={}).status_code == 403
    assert client.get(f"/api/v1/events/{DEMO_SLUG}/state", headers=bearer).status_code == 403


@pytest.mark.parametrize("origin", [None, "http://localhost", "http://test.local", "https://localhost"])
def test_the_apps_own_pages_and_scripts_without_origin_are_accepted(client, links, origin):
    code = links["sites"]["enschede"]["join"]["code"]
    headers = {"Origin": origin} if origin else {}
    assert client.post("/api/v1/join", json={"code": code, "name": "Ann"}, headers=headers).status_code == 201


def test_the_socket_io_origin_check_accepts_only_the_apps_own_origins(app):
    check = socketio.server.eio.cors_allowed_origins
    assert callable(check), "an empty list would switch python-engineio's origin check off"
    environ = {"HTTP_HOST": "10.0.0.5:5000", "wsgi.url_scheme": "http"}
    assert check("http://10.0.0.5:5000", environ)
    assert check("https://10.0.0.5:5000", environ)  # behind a TLS proxy
    assert check("http://test.local", environ)  # PUBLIC_BASE_URL
    assert check(None, environ)  # not a browser
    for foreign in (FOREIGN, "null", "http://10.0.0.5:5001", "http://test.local.evil.example"):
        assert not check(foreign, environ), foreign
    assert socketio.server.eio.max_http_buffer_size == 64 * 1024


def test_no_socket_io_handshake_or_preflight_carries_a_cors_header(client):
    asks = {"Access-Control-Request-Headers": "x-anything", "Access-Control-Request-Method": "POST"}
    for origin, host in (("http://test.local", None), (FOREIGN, None), (FOREIGN, "evil.example")):
        for method in ("GET", "OPTIONS"):
            headers = {"Origin": origin, **asks, **({"Host": host} if host else {})}
            reply = client.open("/socket.io/?EIO=4&transport=polling", method=method, headers=headers)
            assert not [name for name, _ in reply.headers.items() if name.lower().startswith("access-control-")], (
                origin, host, method)


@pytest.fixture
def tight_code_limit(monkeypatch):
    """Three wrong join codes a minute per address, instead of 100."""
    monkeypatch.setitem(ratelimit.LIMITS, "wrong-code", parse("3/minute"))


def other_code(code: str) -> str:
    """A six-digit code that is not `code` (nor, in the demo, any other site's)."""
    return "999999" if code != "999999" else "999998"


@pytest.mark.usefixtures("tight_code_limit")
@pytest.mark.parametrize("lookup", ["phone page", "typed code", "API join", "socket connect"])
def test_an_address_that_guesses_join_codes_is_throttled_but_keeps_the_codes_it_found(app, client, links, lookup):
    code = links["sites"]["enschede"]["join"]["code"]
    eindhoven = links["sites"]["eindhoven"]["join"]["code"]

    def attempt(address: str, tried: str) -> int:
        """The HTTP status of a lookup of `tried` from `address` (a socket: 200 connected, else 0)."""
        environ = {"REMOTE_ADDR": address}
        if lookup == "phone page":
            return client.get(f"/j/{tried}", environ_base=environ).status_code
        if lookup == "typed code":
            return client.get(f"/join?code={tried}", environ_base=environ).status_code
        if lookup == "API join":
            return client.post("/api/v1/join", json={"code": tried}, environ_base=environ).status_code
        from_address = app.test_client()
        from_address.environ_base["REMOTE_ADDR"] = address
        sock = socketio.test_client(app, auth={"code": tried}, flask_test_client=from_address)
        connected = sock.is_connected()
        if connected:
            sock.disconnect()
        return 200 if connected else 0

    found = {"phone page": 200, "typed code": 302, "API join": 201, "socket connect": 200}[lookup]
    refused = 0 if lookup == "socket connect" else 429
    assert attempt("10.0.0.7", code) == found
    assert [attempt("10.0.0.7", other_code(code)) for _ in range(4)][-1] == refused
    assert attempt("10.0.0.7", code) == found, "a code the address found before still works"
    assert attempt("10.0.0.7", eindhoven) == refused, "but a new code, right or wrong, is not tested any more"
    assert attempt("10.0.0.8", eindhoven) == found, "another address has a limit of its own"


def test_a_room_of_300_behind_one_address_joins_while_a_guesser_there_is_throttled(client, links):
    code = links["sites"]["enschede"]["join"]["code"]
    joined = [client.post("/api/v1/join", json={"code": code}).status_code]
    guesses = [client.post("/api/v1/join", json={"code": f"{100000 + n}"}).status_code for n in range(1197)]
    joined += [client.post("/api/v1/join", json={"code": code}).status_code for _ in range(299)]
    assert joined == [201] * 300
    assert guesses.count(429) >= 1197 - ratelimit.LIMITS["wrong-code"].amount


@pytest.mark.usefixtures("tight_code_limit")
def test_a_refused_lookup_says_to_wait_with_status_429(client, links):
    code = other_code(links["sites"]["enschede"]["join"]["code"])
    for _ in range(3):
        client.post("/api/v1/join", json={"code": code})
    refused = client.post("/api/v1/join", json={"code": code})
    assert refused.status_code == 429 and refused.get_json()["error"]
    page = client.get(f"/j/{code}?lang=en")
    assert page.status_code == 429 and "wait a minute" in page.text


def test_a_percent_encoded_token_name_is_redacted_too(client, links):
    token = links["chair"]["token"]
    assert client.get(f"/e/{DEMO_SLUG}/control?t%6Fken={token}").status_code == 400, \
        "Flask reads it as ?token= (and refuses a token in a URL)"
    line = f'127.0.0.1 "GET /e/pow/control?t%6Fken={token}&lang=en HTTP/1.1" 200; /socket.io/?p%61rticipant=p.sig'
    assert token not in redact(line) and "p.sig" not in redact(line)
    assert "token=[redacted]" in redact(line)


def test_tokens_are_redacted_from_log_lines():
    line = ('127.0.0.1 "GET /e/pow/control?token=AbC-123_x&lang=en HTTP/1.1" 200; '
            'Authorization: Bearer s3cr3t.t0ken; /socket.io/?participant=p.sig&EIO=4')
    assert redact(line) == ('127.0.0.1 "GET /e/pow/control?token=[redacted]&lang=en HTTP/1.1" 200; '
                            'Authorization: Bearer [redacted]; /socket.io/?participant=[redacted]&EIO=4')
    record = logging.LogRecord("eventapp.access", logging.INFO, __file__, 1, "%s", ("GET /?token=abc",), None)
    assert RedactTokens().filter(record) and record.getMessage() == "GET /?token=[redacted]"
