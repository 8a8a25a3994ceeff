"""The authorization table (eventapp/authorization.py, shown in docs/security.md): every HTTP route and the
Socket.IO events that are not live actions, called as every kind of caller; only the allowed calls get through.
(The live actions over Socket.IO: tests/test_live_actions.py, from the same table.)

A call with a valid body is let through when its status is neither 401 nor 403 (a 404 or 409 from the
controller means it got past the check); a refused call gets 403 and changes nothing.
"""

import re

import pytest
from flask_socketio import SocketIOTestClient

from eventapp import authorization
from eventapp.access import participant_token
from eventapp.controller import audience, polls
from eventapp.controller.actions import BY_NAME
from eventapp.extensions import db, socketio
from eventapp.models import EventLogEntry, LiveState, Poll, PollState
from tests.conftest import PROJECT_ROOT, is_loader
from tests.test_live_actions import CASES

HTTP = [entry for entry in authorization.entries() if entry.channel == "HTTP"]
SOCKET_EVENTS = authorization.SOCKET_EVENTS
NEW_SEGMENT = {"kind": "break", "title": "Koffie", "duration": 10}


def credentials(kind: str, demo, links) -> str | None:
    """The token a kind of caller brings (a participant brings its participant token, which opens no panel)."""
    sites = links["sites"]
    return {
        "anonymous": None,
        "participant": participant_token(audience.join(demo.site("enschede"), "Daan")),
        "screen": sites["enschede"]["screen"]["token"],
        "other host": sites["den-haag"]["host"]["token"],
        "host": sites["enschede"]["host"]["token"],
        "chair": links["chair"]["token"],
    }[kind]


#: The page whose link each kind of crew caller opens (and so has the cookie of).
OWN_PAGE = {"chair": "/e/{slug}/control", "host": "/e/{slug}/host/enschede", "other host": "/e/{slug}/host/den-haag",
            "screen": "/e/{slug}/screen/enschede"}


def request_for(entry, demo, links) -> tuple[str, str, dict | None]:
    """The method, the path and a valid body of a route, about Enschede's things and the revealed poll vraag-3."""
    method, rule = entry.call.split(" ", 1)
    segment = demo.segments[-1].id
    path = (rule.replace("<slug>", demo.slug).replace("<site_key>", "enschede").replace("<poll_key>", "vraag-3")
            .replace("<int:segment_id>", str(segment)).replace("<code>", links["sites"]["enschede"]["join"]["code"])
            .replace("<path:filename>", "css/app.css").replace("<name>", "socket.io.min.js"))
    body = None
    if rule.startswith("/api/v1/events/<slug>/") and method == "POST":
        action = BY_NAME.get(rule.removeprefix("/api/v1/events/<slug>/").replace("/", ":", 1))
        if action is not None:
            prepare, payload = CASES[action.name]
            prepare(demo)
            body = payload(demo)
    body = {
        "POST /api/v1/join": {"code": links["sites"]["enschede"]["join"]["code"]},
        "POST /api/v1/events/<slug>/segments": {"segment": NEW_SEGMENT},
        "PUT /api/v1/events/<slug>/segments/<int:segment_id>": {"segment": NEW_SEGMENT},
        "POST /api/v1/events/<slug>/segments/<int:segment_id>/move": {"position": 0},
        "PUT /api/v1/events/<slug>/segments/<int:segment_id>/object": {"object": {"title": "Fakkel"}},
        "POST /api/v1/events": {"programme": {"format": "eventapp-programme/1", "segments": [],
                                               "event": {"slug": "nieuw", "title": "Nieuw", "date": "2022-01-01"},
                                               "sites": [{"key": "utrecht", "name": "Utrecht"}]}},
        "PUT /api/v1/events/<slug>": {"event": {"slug": demo.slug, "title": "Nieuw", "date": "2021-11-01"}},
        "POST /api/v1/events/<slug>/sites": {"site": {"key": "utrecht", "name": "Utrecht"}},
        "PUT /api/v1/events/<slug>/sites/<site_key>": {"site": {"key": "enschede", "name": "Enschede"}},
        "POST /api/v1/events/<slug>/sites/<site_key>/move": {"position": 0},
        "POST /api/v1/events/<slug>/links/rotate": {"role": "host", "site": "enschede"},
    }.get(entry.call, body)
    return method, path, body


def fingerprint(demo) -> tuple:
    """What a refused call must leave alone: the version, the log, the programme."""
    db.session.expire_all()
    return (db.session.get(LiveState, demo.id).version, db.session.query(EventLogEntry).count(),
            [(s.id, s.position, s.title) for s in demo.segments])


def table_form(rule: str) -> str:
    """A route as the table names it: converters without their arguments (<int(max=9):id> is <int:id>)."""
    return re.sub(r"<(\w+)\([^)]*\):", r"<\1:", rule)


def test_every_route_of_the_app_is_in_the_table(app):
    routes = {f"{method} {table_form(rule.rule)}" for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == {entry.call for entry in HTTP}


def test_docs_security_shows_the_table():
    assert authorization.markdown() in (PROJECT_ROOT / "docs" / "security.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", authorization.CALLERS)
@pytest.mark.parametrize("entry", HTTP, ids=[entry.call for entry in HTTP])
def test_only_the_allowed_callers_get_through_an_http_route(client, demo, links, chair, entry, kind):
    method, path, body = request_for(entry, demo, links)
    vraag3 = db.session.scalar(db.select(Poll).where(Poll.key == "vraag-3"))
    if vraag3.state != PollState.OPEN:
        polls.open_poll(chair, vraag3.id)  # vraag-3 shows its results while open: public
    token = credentials(kind, demo, links)
    before = fingerprint(demo)

    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(path, method=method, json=body, headers=headers)
    else:  # pages: by the cookie of the caller's own page; an exchange (POST) with the caller's token
        if kind in OWN_PAGE:
            assert client.post(OWN_PAGE[kind].format(slug=demo.slug), data={"token": token}).status_code == 204
        response = client.open(path, method=method, data={"token": token} if method == "POST" and token else None)

    status, text = response.status_code, response.get_data(as_text=True)[:300]
    if is_loader(response):
        status = 403  # a page's loader: the page itself was not given
    response.close()
    if kind in entry.allowed:
        assert status not in (401, 403), (status, text)
    else:
        assert status == 403, (status, text)
        assert fingerprint(demo) == before


def socket_auth(kind: str, demo, links) -> dict:
    """How each kind connects: a phone that did not join brings only the site's code."""
    token = credentials(kind, demo, links)
    if kind == "anonymous":
        return {"code": links["sites"]["enschede"]["join"]["code"]}
    return {"participant": token} if kind == "participant" else {"token": token}


@pytest.mark.parametrize("kind", authorization.CALLERS)
@pytest.mark.parametrize("entry", SOCKET_EVENTS, ids=[entry.call for entry in SOCKET_EVENTS])
def test_every_connected_caller_may_sync_ping_and_beat(app, demo, links, entry, kind):
    assert kind in entry.allowed
    client: SocketIOTestClient = socketio.test_client(app, auth=socket_auth(kind, demo, links))
    assert client.is_connected()
    if entry.call != "connect":
        reply = client.emit(entry.call, {}, callback=True)
        assert reply is not None and reply.get("ok", True) is True, reply
    client.disconnect()


def test_a_socket_without_any_credentials_is_refused(app):
    client = socketio.test_client(app, auth={})
    assert not client.is_connected()
