"""Input the app cannot store or parse is refused where it comes in, with a 400 or a refused acknowledgement,
and changes nothing: bodies that are not JSON, JSON nested too deeply, text with NUL characters (which
PostgreSQL cannot store; docs/security.md, "Limits and what each protects")."""

import pytest
from sqlalchemy import func, select

from eventapp import create_app
from eventapp.extensions import db, socketio
from eventapp.links import event_links
from eventapp.lookup import event_by_slug
from eventapp.models import Learning, Participant, Poll, Question, Vote
from eventapp.realtime import presence, pump
from tests.conftest import DEMO_SLUG, TEST_SETTINGS


def count(model) -> int:
    """The rows of a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_multipart_body_without_boundary_is_refused_with_a_clear_400(client, links):
    code = links["sites"]["enschede"]["join"]["code"]
    reply = client.post("/api/v1/join", data=f"code={code}".encode(),
                        headers={"Content-Type": "multipart/form-data"})
    assert reply.status_code == 400
    assert "application/json" in reply.get_json()["error"]
    assert count(Participant) == 0


def test_json_nested_two_hundred_thousand_deep_is_refused_with_a_clear_400(client):
    reply = client.post("/api/v1/join", data=b"[" * 200_000, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.get_json()["error"]
    assert count(Participant) == 0


@pytest.mark.usefixtures("english")  # the refusal is matched in English
def test_json_nested_deeper_than_the_limit_but_parseable_is_refused(client, bearer):
    nested = "a"
    for _ in range(40):
        nested = [nested]
    body = {"site": "enschede", "x": nested}
    reply = client.post(f"/api/v1/events/{DEMO_SLUG}/live/on-air", json=body, headers=bearer)
    assert reply.status_code == 400 and "nested" in reply.get_json()["error"]


def test_a_nul_character_in_a_url_path_or_query_is_refused(client, links):
    assert client.get(f"/api/v1/events/{DEMO_SLUG}%00/state").status_code == 400
    assert client.get("/join?code=12%0034").status_code == 400


@pytest.fixture
def pg_app(postgres_url, monkeypatch):
    """The app on a fresh PostgreSQL database with the demo, which refuses to store NUL characters; presence is
    written at once and results are not pushed, so that no background thread outlives the dropped database."""
    monkeypatch.setattr(presence, "_write_soon", lambda role: presence.write_batch())
    monkeypatch.setattr(presence, "_announce_soon", lambda event_id: None)
    monkeypatch.setattr(pump, "_ensure_running", lambda: None)
    monkeypatch.setenv("EVENTAPP_DATABASE_URL", postgres_url)
    app = create_app(dict(TEST_SETTINGS))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_nul_characters_in_any_text_field_are_refused_on_postgresql_and_change_nothing(pg_app):
    links = event_links(event_by_slug(DEMO_SLUG))
    client = pg_app.test_client()
    code = links["sites"]["enschede"]["join"]["code"]
    reply = client.post("/api/v1/join", json={"code": code, "name": "Fen\x00na"})
    assert reply.status_code == 400 and "NUL" in reply.get_json()["error"]
    assert count(Participant) == 0

    token = client.post("/api/v1/join", json={"code": code, "name": "Fenna"}).get_json()["token"]
    phone = socketio.test_client(pg_app, auth={"participant": token})
    host = socketio.test_client(pg_app, auth={"token": links["sites"]["enschede"]["host"]["token"]})
    chair = {"Authorization": f"Bearer {links['chair']['token']}"}
    started = client.post(f"/api/v1/events/{DEMO_SLUG}/event/start", headers=chair, json={"confirm": True})
    assert started.status_code == 200
    created = host.emit("poll:create", {"poll": {"key": "open-1", "kind": "open", "question": "Wat?"}}, callback=True)
    assert created["ok"], created
    open_poll = db.session.scalar(select(Poll).where(Poll.key == "open-1"))
    opened = client.post(f"/api/v1/events/{DEMO_SLUG}/poll/open", json={"poll_id": open_poll.id}, headers=chair)
    assert opened.status_code == 200, opened.text  # the chair: a host's own poll waits for its regional part
    polls_before = count(Poll)

    replies = [
        phone.emit("question:ask", {"text": "Waarom\x00?"}, callback=True),
        phone.emit("poll:vote", {"poll_id": open_poll.id, "answer": {"text": "Meer\x00lef"}, "key": "k" * 16,
                                 "seq": 1}, callback=True),
        host.emit("learnings:write", {"learnings": ["Samen\x00werken"]}, callback=True),
        host.emit("poll:create", {"poll": {"key": "open-2", "kind": "open", "question": "Wat\x00?"}},
                  callback=True),
    ]
    for reply in replies:
        assert reply["ok"] is False and "NUL" in reply["error"], reply
    db.session.expire_all()
    assert (count(Question), count(Vote), count(Learning), count(Poll)) == (0, 0, 0, polls_before)
    phone.disconnect()
    host.disconnect()
