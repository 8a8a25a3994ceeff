"""The public contract: the OpenAPI document matches the real routes, PROTOCOL.md names every Socket.IO event,
and the HTTP API runs the same actions as the sockets."""

import re
from pathlib import Path

import pytest

from eventapp.controller.actions import ACTIONS
from eventapp.extensions import socketio

DOCS = Path(__file__).resolve().parent.parent / "docs"
SLUG = "pow-2021-11-01"


def api_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route under /api/v1, in OpenAPI's path syntax."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith("/api/v1/doc"):
            path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_openapi_document_describes_exactly_the_real_routes(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == api_routes(app) - {("get", "/api/v1/openapi.json")}


def test_every_documented_operation_names_its_bearer_security_and_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"200", "403", "404"} <= set(operation["responses"]) or "201" in operation["responses"], \
                (method, path)
            assert operation.get("summary"), (method, path)


def test_every_panel_action_has_an_http_endpoint_and_every_action_a_socket_handler(client, app):
    paths = {path for _, path in api_routes(app)}
    for action in ACTIONS:
        endpoint = f"/api/v1/events/{{slug}}/{action.name.replace(':', '/')}"
        assert (endpoint in paths) == action.changes_state, action.name  # phones act over their socket only
        assert action.name in socketio.server.handlers["/"], action.name


def test_protocol_md_documents_every_socket_event():
    protocol = (DOCS / "PROTOCOL.md").read_text()
    events = {name for name in socketio.server.handlers["/"] if name not in ("connect", "disconnect", "*")}
    events |= {"state:changed", "presence:changed", "programme:changed", "poll:results", "questions:changed",
               "reactions:burst", "participant:votes"}
    missing = [name for name in sorted(events) if f"`{name}`" not in protocol]
    assert not missing, f"docs/PROTOCOL.md lacks {missing}"


def test_the_http_api_runs_the_same_actions_as_the_sockets(client, links):
    chair = {"Authorization": f"Bearer {links['chair']['token']}"}
    started = client.post(f"/api/v1/events/{SLUG}/event/start", headers=chair, json={"confirm": True})
    assert started.get_json() == {"ok": True, "version": 1}
    reply = client.post(f"/api/v1/events/{SLUG}/live/on-air", headers=chair, json={"site": "enschede"})
    assert reply.status_code == 200 and reply.get_json()["version"] == 2
    state = client.get(f"/api/v1/events/{SLUG}/state", headers=chair).get_json()
    assert state["on_air"] == "enschede" and state["version"] == 2
    assert {"version", "segment", "on_air"} <= set(state) and {"id", "kind", "title"} <= set(state["segment"])


@pytest.mark.parametrize(("running", "path", "body", "headers", "status", "message"), [
    (False, "/event/start", None, "host", 403, "belongs to the host panel"),
    (False, "/event/start", None, None, 403, "not valid"),
    (True, "/live/on-air", {"site": "utrecht"}, "chair", 404, "no site 'utrecht'"),
    (True, "/live/on-air", {"site": 3}, "chair", 400, "the request is not valid"),
    (True, "/live/on-air", {"site": "enschede", "at": 1}, "chair", 400, "the request is not valid"),
    (True, "/programme/jump", {"segment_id": 424242}, "chair", 404, "does not exist"),
    (False, "/live/on-air", {"site": "enschede"}, "chair", 409, "not running"),
    (False, "/programme/next", None, "chair", 409, "not running"),
])
def test_the_http_api_refuses_clearly_and_changes_nothing(client, links, running, path, body, headers, status,
                                                          message):
    tokens = {"chair": links["chair"]["token"], "host": links["sites"]["enschede"]["host"]["token"]}
    chair = {"Authorization": f"Bearer {tokens['chair']}"}
    if running:
        client.post(f"/api/v1/events/{SLUG}/event/start", headers=chair, json={"confirm": True})
    before = client.get(f"/api/v1/events/{SLUG}/state", headers=chair).get_json()["version"]

    auth = {"Authorization": f"Bearer {tokens[headers]}"} if headers else {}
    reply = client.post(f"/api/v1/events/{SLUG}{path}?lang=en", headers=auth, json=body)

    assert reply.status_code == status
    assert message in reply.get_json()["error"]
    assert client.get(f"/api/v1/events/{SLUG}/state", headers=chair).get_json()["version"] == before


def test_an_unknown_api_path_gets_a_json_404(client):
    reply = client.get("/api/v1/nothing-here")
    assert reply.status_code == 404 and "error" in reply.get_json()


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("post", "/question/moderate", {"question_id": 2**63, "state": "hidden"}, {400}),
    ("post", "/poll/open", {"poll_id": 2**31}, {400}),
    # no route matches; werkzeug answers 405 when another method's rule has the same shape
    ("delete", f"/segments/{2**63}", None, {404, 405}),
    ("put", f"/segments/{2**31}", {"segment": {"title": "x", "kind": "talk", "duration": 5}}, {404, 405}),
])
def test_the_http_api_refuses_an_id_larger_than_any_row_can_have(client, bearer, method, path, body, status):
    reply = client.open(f"/api/v1/events/{SLUG}{path}?lang=en", method=method.upper(), headers=bearer, json=body)

    assert reply.status_code in status, reply.get_json()
    assert "error" in reply.get_json()
