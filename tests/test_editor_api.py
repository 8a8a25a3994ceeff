"""The chair's event editor over HTTP: the event, its sites, the magic wall's object and polls of every kind.

Every change is checked with the programme file's rules (one place per rule), logged, versioned and pushed to the
live pages; a refused change names the field and changes nothing; a change that would break the running event is
refused.
"""

import pytest
from sqlalchemy import select

from eventapp.controller import audience, live
from eventapp.extensions import db, socketio
from eventapp.models import EventLogEntry, EventStatus, LiveState, Poll, Site

SLUG = "pow-2021-11-01"
UTRECHT = {"key": "utrecht", "name": "Utrecht", "venue": "Jaarbeurs"}


@pytest.fixture
def call(client, bearer):
    """One API call as the chair, in English; returns the response."""

    def call(method: str, path: str, body: dict | None = None, headers: dict | None = None):
        return client.open(f"/api/v1/events/{SLUG}{path}?lang=en", method=method, json=body,
                           headers=bearer if headers is None else headers)

    return call


def version(demo) -> int:
    return db.session.scalar(select(LiveState.version).where(LiveState.event_id == demo.id))


def last_action(demo) -> str:
    db.session.expire_all()
    return db.session.scalar(select(EventLogEntry.action).where(EventLogEntry.event_id == demo.id)
                             .order_by(EventLogEntry.id.desc()).limit(1))


def programme(call) -> dict:
    response = call("GET", "/programme")
    assert response.status_code == 200, response.json
    return response.json


def details(response) -> dict[str, str]:
    """The refusal's reasons by field path."""
    return {d["path"]: d["reason"] for d in response.json["details"]}


def event_body(**changes) -> dict:
    return {"event": {"slug": SLUG, "title": "Nationale dag", "date": "2021-11-02", "timezone": "Europe/Amsterdam",
                      "language": "en", "notes": "Zaal open om 9:00"} | changes}


# ---- the event ----

def test_updating_the_event_changes_it_logs_it_raises_the_version_and_pushes_it_to_the_live_pages(
        app, call, demo, links):
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    chair = socketio.test_client(app, auth={"token": links["chair"]["token"]})
    screen.get_received(), chair.get_received()
    before = version(demo)

    response = call("PUT", "", event_body())

    assert response.status_code == 200, response.json
    assert response.json["programme"]["event"] == event_body()["event"]
    assert response.json["version"] == version(demo) > before
    assert last_action(demo) == "programme:event-updated"
    states = [m["args"][0] for m in screen.get_received() if m["name"] == "state:changed"]
    assert states and states[-1]["title"] == "Nationale dag"
    assert "programme:changed" in [m["name"] for m in chair.get_received()]


@pytest.mark.parametrize(("changes", "path", "reason"), [
    ({"timezone": "Mars/Olympus"}, "event.timezone", "unknown time zone"),
    ({"date": "1 november"}, "event.date", "date"),
    ({"title": ""}, "event.title", "at least 1 character"),
    ({"language": "de"}, "event.language", "'nl' or 'en'"),
    ({"colour": "red"}, "event.colour", "unknown field 'colour'"),
    ({"slug": "another-slug"}, "event.slug", "must stay 'pow-2021-11-01'"),
])
def test_an_invalid_event_update_names_the_field_and_changes_nothing(call, demo, changes, path, reason):
    before = (programme(call), version(demo))

    response = call("PUT", "", event_body(**changes))

    assert response.status_code == 400, response.json
    assert reason in details(response)[path]
    assert (programme(call), version(demo)) == before


# ---- sites ----

def test_adding_a_site_gives_it_a_join_code_and_links_that_work(call, client, demo):
    response = call("POST", "/sites", {"site": UTRECHT, "position": 1})

    assert response.status_code == 201, response.json
    assert response.json["position"] == 1 and response.json["join_code"].isdigit()
    assert [s["key"] for s in programme(call)["programme"]["sites"]] == [
        "den-haag", "utrecht", "enschede", "eindhoven", "online"]
    assert last_action(demo) == "programme:site-added"
    host = call("GET", "/links").json["sites"]["utrecht"]["host"]["token"]
    state = call("GET", "/state", headers={"Authorization": f"Bearer {host}"})
    assert state.status_code == 200 and "utrecht" in [s["key"] for s in state.json["sites"]]


def test_a_site_can_be_renamed_and_moved_but_keeps_its_key(call, demo):
    renamed = call("PUT", "/sites/enschede", {"site": {"key": "enschede", "name": "Enschede (FC Twente)",
                                                       "venue": "De Grolsch Veste"}})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["site"]["name"] == "Enschede (FC Twente)"

    moved = call("POST", "/sites/online/move", {"position": 0})
    assert moved.status_code == 200, moved.json
    sites = programme(call)["programme"]["sites"]
    assert [s["key"] for s in sites] == ["online", "den-haag", "enschede", "eindhoven"]
    assert sites[2]["venue"] == "De Grolsch Veste"

    refused = call("PUT", "/sites/enschede", {"site": {"key": "twente", "name": "Twente"}})
    assert refused.status_code == 400
    assert "must stay 'enschede'" in details(refused)["site.key"]


def test_a_site_that_no_segment_names_can_be_deleted(call, demo):
    assert call("POST", "/sites", {"site": UTRECHT}).status_code == 201

    response = call("DELETE", "/sites/utrecht")

    assert response.status_code == 200, response.json
    assert "utrecht" not in [s["key"] for s in programme(call)["programme"]["sites"]]
    assert db.session.scalar(select(Site.id).where(Site.key == "utrecht")) is None


def test_deleting_a_site_the_programme_names_is_refused_with_the_segment_and_changes_nothing(call, demo):
    before = (programme(call), version(demo))

    response = call("DELETE", "/sites/enschede")

    assert response.status_code == 400, response.json
    assert any("unknown site 'enschede'" in reason for reason in details(response).values())
    assert (programme(call), version(demo)) == before


def test_deleting_a_site_where_people_joined_or_while_the_event_runs_is_refused(call, demo, chair):
    assert call("POST", "/sites", {"site": UTRECHT}).status_code == 201
    audience.join(demo.site("utrecht"), "Daan")

    joined = call("DELETE", "/sites/utrecht")
    assert joined.status_code == 409 and "1 participant(s) joined at utrecht" in joined.json["error"]

    assert call("POST", "/sites", {"site": {"key": "zwolle", "name": "Zwolle"}}).status_code == 201
    live.start_event(chair)
    assert demo.status == EventStatus.LIVE
    running = call("DELETE", "/sites/zwolle")
    assert running.status_code == 409 and "the event is running" in running.json["error"]
    assert {"utrecht", "zwolle"} <= {s["key"] for s in programme(call)["programme"]["sites"]}


@pytest.mark.parametrize(("site", "path", "reason"), [
    ({"key": "Utrecht!", "name": "Utrecht"}, "site.key", "lowercase letters"),
    ({"key": "utrecht", "name": ""}, "site.name", "at least 1 character"),
    ({"key": "utrecht", "name": "Utrecht", "kind": "hybrid"}, "site.kind", "'physical' or 'online'"),
    ({"key": "enschede", "name": "Tweede Enschede"}, "sites[4].key", "two sites have the same key 'enschede'"),
])
def test_an_invalid_new_site_names_the_field_and_changes_nothing(call, demo, site, path, reason):
    before = (programme(call), version(demo))

    response = call("POST", "/sites", {"site": site})

    assert response.status_code == 400, response.json
    assert reason in details(response)[path]
    assert (programme(call), version(demo)) == before


# ---- the magic wall ----

def handoff_id(call) -> int:
    return next(s["id"] for s in programme(call)["segments"] if s["segment"]["kind"] == "handoff")


def test_the_magic_walls_object_and_image_can_be_set(call, demo):
    segment_id = handoff_id(call)

    response = call("PUT", f"/segments/{segment_id}/object",
                    {"object": {"title": "De fakkel", "image": "/static/img/torch.png"}})

    assert response.status_code == 200, response.json
    assert response.json["segment"]["object"] == {"title": "De fakkel", "image": "/static/img/torch.png"}
    assert last_action(demo) == "programme:segment-updated"


@pytest.mark.parametrize(("body", "path", "reason"), [
    ({"object": {"title": "Fakkel", "image": "javascript:alert(1)"}}, "object.image", "pattern"),
    ({"object": {"title": ""}}, "object.title", "at least 1 character"),
])
def test_an_invalid_object_names_the_field_and_changes_nothing(call, demo, body, path, reason):
    segment_id = handoff_id(call)
    before = (programme(call), version(demo))

    response = call("PUT", f"/segments/{segment_id}/object", body)

    assert response.status_code == 400, response.json
    assert reason in details(response)[path]
    assert (programme(call), version(demo)) == before


def test_only_a_handoff_segment_has_an_object(call):
    first = programme(call)["segments"][0]["id"]
    response = call("PUT", f"/segments/{first}/object", {"object": {"title": "Fakkel"}})
    assert response.status_code == 400 and "not a hand-off" in response.json["error"]


# ---- polls of every kind ----

VALID_POLLS = {
    "single": {"options": ["Ja", "Nee"]},
    "multiple": {"options": ["Rood", "Groen", "Blauw"]},
    "scale": {"scale": {"min": 1, "max": 5, "min_label": "slecht", "max_label": "goed"}},
    "wordcloud": {},
    "open": {},
    "statement": {},
    "ranking": {"options": ["Eerst", "Dan", "Laatst"]},
    "quiz": {"options": ["3", {"label": "4", "correct": True}]},
}
INVALID_POLLS = {
    "single": ({"options": ["Ja"]}, "needs 2 to 20 options, not 1"),
    "multiple": ({"options": ["Rood", "rood"]}, "options must differ"),
    "scale": ({}, "a scale poll needs a scale"),
    "wordcloud": ({"options": ["x", "y"]}, "a wordcloud poll has no options"),
    "open": ({"scale": {"min": 1, "max": 5}}, "only scale polls have a scale"),
    "statement": ({"options": ["eens", "oneens"]}, "a statement poll has no options"),
    "ranking": ({"options": [{"label": "a", "correct": True}, "b"]}, "only quiz polls mark options as correct"),
    "quiz": ({"options": ["3", "4"]}, "a quiz poll needs at least one option marked correct"),
}


@pytest.mark.parametrize("kind", sorted(VALID_POLLS))
def test_a_poll_of_every_kind_can_be_created_changed_and_deleted(call, demo, kind):
    poll = {"key": f"nieuw-{kind}", "kind": kind, "question": "Wat vindt u?"} | VALID_POLLS[kind]

    created = call("POST", "/poll/create", {"poll": poll})
    assert created.status_code == 200, created.json
    row = db.session.scalar(select(Poll).where(Poll.key == poll["key"]))
    assert row.kind == kind and row.segment_id is None
    assert poll["key"] in [p["key"] for p in programme(call)["programme"]["polls"]]

    changed = call("POST", "/poll/update", {"poll_id": row.id, "poll": poll | {"question": "Echt?"}})
    assert changed.status_code == 200, changed.json
    db.session.expire_all()
    assert db.session.get(Poll, row.id).question == "Echt?"

    deleted = call("POST", "/poll/delete", {"poll_id": row.id})
    assert deleted.status_code == 200, deleted.json
    assert poll["key"] not in [p["key"] for p in programme(call)["programme"]["polls"]]


@pytest.mark.parametrize("kind", sorted(INVALID_POLLS))
def test_an_invalid_poll_of_every_kind_is_refused_naming_the_field_and_changes_nothing(call, demo, kind):
    extra, reason = INVALID_POLLS[kind]
    before = (programme(call), version(demo))

    response = call("POST", "/poll/create", {"poll": {"key": "fout", "kind": kind, "question": "Wat?"} | extra})

    assert response.status_code == 400, response.json
    assert reason in details(response)["poll"]
    assert (programme(call), version(demo)) == before
    assert db.session.scalar(select(Poll.id).where(Poll.key == "fout")) is None


def test_a_poll_key_the_programme_uses_is_refused(call, demo):
    response = call("POST", "/poll/create", {"poll": {"key": "vraag-1", "kind": "open", "question": "Nog iets?"}})
    assert response.status_code == 409 and "vraag-1" in response.json["error"]


# ---- the running event ----

def test_the_kind_of_the_segment_that_is_on_now_cannot_change(call, demo, chair):
    live.start_event(chair)
    on_now = db.session.get(LiveState, demo.id).current_segment_id
    current = next(s for s in programme(call)["segments"] if s["id"] == on_now)
    before = (programme(call), version(demo))

    response = call("PUT", f"/segments/{on_now}",
                    {"segment": {"kind": "break", "title": current["segment"]["title"], "duration": 5}})

    assert response.status_code == 409, response.json
    assert "is on now" in response.json["error"]
    assert (programme(call), version(demo)) == before
    retitled = call("PUT", f"/segments/{on_now}", {"segment": current["segment"] | {"title": "Welkom allemaal"}})
    assert retitled.status_code == 200, retitled.json


# ---- a new event ----

NEW_PROGRAMME = {
    "format": "eventapp-programme/1",
    "event": {"slug": "najaar-2027", "title": "Najaarsdag", "date": "2027-10-01", "language": "en"},
    "sites": [{"key": "utrecht", "name": "Utrecht"}, {"key": "online", "name": "Online", "kind": "online"}],
    "segments": [{"kind": "central", "title": "Welkom", "start": "10:00", "duration": 10, "origin": "utrecht"}],
    "polls": [{"key": "los", "kind": "wordcloud", "question": "Eén woord?", "site": "online"}],
}


def test_a_chair_makes_a_new_event_with_links_of_its_own(client, bearer, links):
    response = client.post("/api/v1/events", json={"programme": NEW_PROGRAMME}, headers=bearer)

    assert response.status_code == 201, response.json
    assert response.json["event"] == "najaar-2027"
    new_chair = response.json["links"]["chair"]["token"]
    assert new_chair != links["chair"]["token"]
    own = client.get("/api/v1/events/najaar-2027/programme", headers={"Authorization": f"Bearer {new_chair}"})
    assert own.status_code == 200
    assert own.json["programme"]["polls"][0]["site"] == "online"
    assert client.get("/api/v1/events/najaar-2027/programme", headers=bearer).status_code == 403


@pytest.mark.parametrize(("programme", "status", "path", "reason"), [
    (NEW_PROGRAMME | {"event": NEW_PROGRAMME["event"] | {"slug": SLUG}}, 409, "programme.event.slug", "taken"),
    (NEW_PROGRAMME | {"segments": [NEW_PROGRAMME["segments"][0] | {"origin": "zwolle"}]}, 400,
     "programme.segments.0.origin", "unknown site 'zwolle'"),
    (NEW_PROGRAMME | {"polls": [NEW_PROGRAMME["polls"][0] | {"kind": "quiz"}]}, 400, "programme.polls.0",
     "needs 2 to 10 options"),
])
def test_a_new_event_that_is_not_valid_is_refused_naming_the_field_and_nothing_is_made(
        client, bearer, programme, status, path, reason):
    response = client.post("/api/v1/events?lang=en", json={"programme": programme}, headers=bearer)

    assert response.status_code == status, response.json
    assert reason in details(response)[path]
    assert db.session.scalar(select(Site.id).where(Site.key == "utrecht")) is None


def test_only_a_chair_makes_a_new_event(client, links):
    host = {"Authorization": f"Bearer {links['sites']['enschede']['host']['token']}"}
    assert client.post("/api/v1/events", json={"programme": NEW_PROGRAMME}, headers=host).status_code == 403
    assert client.post("/api/v1/events", json={"programme": NEW_PROGRAMME}).status_code == 403
