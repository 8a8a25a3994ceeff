"""PostgreSQL: the app migrates and loads the demo there, programmes round-trip, and the database's own rules
hold (skipped with the reason when no PostgreSQL answers on 127.0.0.1:5432)."""

import secrets

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from eventapp import create_app
from eventapp.extensions import db
from eventapp.lookup import event_by_slug
from eventapp.models import Event, Participant, Poll, Site, Vote
from tests.test_programme_format import FULL_PROGRAMME, event_contents, table_counts

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_url, monkeypatch):
    """The app on a fresh PostgreSQL database given by EVENTAPP_DATABASE_URL, migrated, with the demo."""
    monkeypatch.setenv("EVENTAPP_DATABASE_URL", postgres_url)
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "PUBLIC_BASE_URL": "http://test.local"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def pg_runner(pg_app):
    """The CLI runner of the PostgreSQL app."""
    return pg_app.test_cli_runner()


def test_the_app_migrates_postgresql_and_loads_the_demo(pg_app, postgres_url):
    assert db.engine.dialect.name == "postgresql"
    assert db.engine.url.database == postgres_url.rsplit("/", 1)[1]
    demo = event_by_slug("pow-2021-11-01")
    assert [site.key for site in demo.sites] == ["den-haag", "enschede", "eindhoven", "online"]
    assert db.session.scalar(select(func.count(Event.id))) == 1


def test_the_migrations_match_the_models_on_postgresql(pg_runner):
    result = pg_runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_a_second_start_on_postgresql_does_not_load_the_demo_again(pg_app):
    again = create_app({"TESTING": True, "ASYNC_MODE": "threading"})
    with again.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 1
        db.session.remove()
        db.engine.dispose()


def test_import_and_export_round_trip_on_postgresql(pg_runner, tmp_path):
    source = tmp_path / "full.yaml"
    source.write_text(FULL_PROGRAMME, encoding="utf-8")
    assert pg_runner.invoke(args=["programme", "import", str(source)]).exit_code == 0
    first = pg_runner.invoke(args=["programme", "export", "full-programme"]).output
    copy = tmp_path / "copy.yaml"
    copy.write_text(first.replace("slug: full-programme\n", "slug: the-copy\n"), encoding="utf-8")
    imported = pg_runner.invoke(args=["programme", "import", str(copy)])
    assert imported.exit_code == 0, imported.output
    second = pg_runner.invoke(args=["programme", "export", "the-copy"]).output
    assert second.replace("slug: the-copy\n", "slug: full-programme\n") == first
    assert event_contents(event_by_slug("the-copy")) == event_contents(event_by_slug("full-programme"))


def test_a_failed_import_leaves_nothing_behind_on_postgresql(pg_runner, tmp_path):
    before = table_counts()
    source = tmp_path / "again.yaml"
    source.write_text(FULL_PROGRAMME.replace("key: south", "key: sou th"), encoding="utf-8")
    assert pg_runner.invoke(args=["programme", "import", str(source)]).exit_code != 0
    db.session.rollback()
    assert table_counts() == before


def test_a_participant_votes_once_per_poll_on_postgresql(pg_app):
    demo = event_by_slug("pow-2021-11-01")
    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    participant = Participant(event_id=demo.id, site_id=demo.site("eindhoven").id, public_id=secrets.token_hex(8))
    db.session.add(participant)
    db.session.flush()
    for option in poll.options[:2]:
        db.session.add(Vote(poll_id=poll.id, participant_id=participant.id, site_id=participant.site_id,
                            answer=[option.id], idempotency_key=secrets.token_hex(16)))
    with pytest.raises(IntegrityError, match="vote_poll_id_participant_id_key|unique"):
        db.session.flush()


def test_two_sites_of_one_event_cannot_share_a_key_on_postgresql(pg_app):
    demo = event_by_slug("pow-2021-11-01")
    db.session.add(Site(event_id=demo.id, key="online", name="Online 2", join_code="999999"))
    with pytest.raises(IntegrityError, match="unique"):
        db.session.flush()


def test_deleting_an_event_cascades_on_postgresql(pg_app):
    demo_id = event_by_slug("pow-2021-11-01").id
    db.session.execute(delete(Event).where(Event.id == demo_id))
    db.session.commit()
    for table in ("site", "segment", "segment_part", "poll", "poll_option", "access_token", "live_state"):
        assert db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
