"""SQLite's write lock held by another process (a CLI command on the same file): a write that cannot get it within
the busy timeout is refused plainly as busy (503 over HTTP, an ack with ok false over Socket.IO, every vote of a
group commit), and nothing of it stays. And the connection wrapper that keeps sqlite3 off the event loop leaves
no call of SQLAlchemy's on the caller's thread."""

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import sqlalchemy
from sqlalchemy import func, select, text

from eventapp import create_app
from eventapp.controller import vote_writer
from eventapp.errors import Busy
from eventapp.extensions import db, socketio
from eventapp.models import LiveState, Poll, Vote
from eventapp.sqlite import OffLoopConnection, off_loop_runner
from tests.conftest import DEMO_SLUG, TEST_SETTINGS
from tests.test_vote_writer import join, vote_together

BUSY_TIMEOUT = 0.2
BUSY = "the database is busy; try again"


@pytest.fixture
def app(demo_instance, tmp_path):
    """The demo app, waiting only BUSY_TIMEOUT seconds for the write lock."""
    import shutil

    shutil.copytree(demo_instance, tmp_path / "instance", dirs_exist_ok=True)
    app = create_app({**TEST_SETTINGS, "SQLITE_BUSY_TIMEOUT": BUSY_TIMEOUT})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def write_lock_held(app):
    """Another connection to the file holds SQLite's write lock (BEGIN IMMEDIATE) while the block runs."""
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def version(demo) -> int:
    db.session.expire_all()
    return db.session.get(LiveState, demo.id).version


def test_the_busy_timeout_is_the_setting(app):
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT * 1000


@pytest.mark.parametrize("value", ["soon", "0", "-3", "true"])
def test_a_busy_timeout_that_is_not_a_positive_number_of_seconds_is_refused(monkeypatch, value):
    monkeypatch.setenv("EVENTAPP_SQLITE_BUSY_TIMEOUT", value)
    with pytest.raises(ValueError, match="EVENTAPP_SQLITE_BUSY_TIMEOUT must be a number of seconds"):
        create_app(dict(TEST_SETTINGS))


def test_an_api_action_that_cannot_get_the_lock_gets_a_503_and_changes_nothing(app, client, demo, bearer, english):
    before = version(demo)
    with write_lock_held(app):
        response = client.post(f"/api/v1/events/{DEMO_SLUG}/screen/message", json={"text": "nog 2 minuten"},
                               headers=bearer)
    assert response.status_code == 503
    assert response.json == {"error": BUSY, "details": [{"path": "", "reason": "busy"}], "retry": True}
    assert version(demo) == before
    assert {site["message"] for site in client.get(f"/api/v1/events/{DEMO_SLUG}/state", headers=bearer)
            .json["sites"]} == {""}
    assert client.post(f"/api/v1/events/{DEMO_SLUG}/screen/message", json={"text": "nog 2 minuten"},
                       headers=bearer).status_code == 200


def test_a_socket_action_or_heartbeat_that_cannot_get_the_lock_gets_a_clear_busy_ack(app, demo, links, english):
    chair = socketio.test_client(app, auth={"token": links["chair"]["token"]})
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    before = version(demo)
    with write_lock_held(app):
        action = chair.emit("screen:message", {"text": "nog 2 minuten"}, callback=True)
        heartbeat = screen.emit("presence:heartbeat", {}, callback=True)
    for reply in (action, heartbeat):
        assert reply == {"ok": False, "error": BUSY, "details": [{"path": "", "reason": "busy"}], "retry": True}
    assert version(demo) == before
    assert chair.emit("screen:message", {"text": "nog 2 minuten"}, callback=True)["ok"] is True
    assert version(demo) == before + 1


def test_a_group_commit_that_cannot_get_the_lock_refuses_every_vote_in_it_as_busy(app, demo, chair, monkeypatch):
    from eventapp.controller import polls

    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair, poll.id)
    monkeypatch.setattr(vote_writer, "WINDOW", 0.5)  # long enough for every thread to join the first group
    ids = join(demo, 4)
    with write_lock_held(app):
        replies = vote_together(app, demo, poll, ids, [f"locked-key-{index}" for index in range(4)])
    assert all(isinstance(reply, Busy) for reply in replies), replies
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll.id)) == 0
    replies = vote_together(app, demo, poll, ids, [f"locked-key-{index}" for index in range(4)])
    assert all(reply["repeated"] is False for reply in replies), replies


def test_without_a_green_loop_connections_are_plain_sqlite3(app):
    assert off_loop_runner("threading") is None
    assert off_loop_runner("eventlet") is None  # this process is not monkey-patched
    with db.engine.connect() as connection:
        assert type(connection.connection.dbapi_connection) is sqlite3.Connection


def test_a_wrapped_connection_writes_commits_and_closes_off_the_callers_thread_and_reads_on_it(tmp_path):
    """What can wait for SQLite's write lock or the disk goes to the other thread; a SELECT (which never waits
    for the writer in WAL mode) and its rows stay, as do the rollbacks SQLAlchemy's pool makes."""
    ran = []
    with ThreadPoolExecutor(max_workers=1) as worker:

        def off_loop(function, *args, **kwargs):
            def run():
                ran.append((function.__name__, str(args[0]).split()[0] if args else None,
                            threading.get_ident() != caller))
                return function(*args, **kwargs)
            return worker.submit(run).result()

        caller = threading.get_ident()
        engine = sqlalchemy.create_engine("sqlite://", creator=lambda: OffLoopConnection(
            off_loop(sqlite3.connect, str(tmp_path / "t.sqlite3"), check_same_thread=False), off_loop))
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
            connection.execute(text("INSERT INTO t (name) VALUES (:name)"), [{"name": "a"}, {"name": "b"}])
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM t ORDER BY id")).scalars().all() == ["a", "b"]
            connection.execute(text("UPDATE t SET name = 'c'"))
            connection.rollback()
            assert connection.execute(text("SELECT count(*) FROM t WHERE name = 'c'")).scalar() == 0
        engine.dispose()
    assert ran == [("connect", str(tmp_path / "t.sqlite3"), True),
                   ("execute", "PRAGMA", True),  # SQLAlchemy's first connect reads the isolation level
                   ("execute", "CREATE", True),
                   ("executemany", "INSERT", True), ("commit", None, True), ("execute", "UPDATE", True),
                   ("close", None, True)]
