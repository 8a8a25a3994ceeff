"""Getting the database ready: migrations on start, and the demo event on the first start."""

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
from flask import Flask
from sqlalchemy import select, text

from eventapp.access import issue_missing_tokens
from eventapp.extensions import db
from eventapp.models import Event
from eventapp.programme.store import import_programme
from eventapp.programme.yamlfile import read_programme
from eventapp.settings import PROJECT_ROOT

DEMO_PROGRAMME = PROJECT_ROOT / "config" / "demo_programme.yaml"
MIGRATIONS = PROJECT_ROOT / "eventapp" / "migrations"
#: The PostgreSQL advisory lock that one process at a time holds to migrate (any number the app uses only).
MIGRATION_LOCK_KEY = 4_207_221_101
log = logging.getLogger(__name__)


def prepare_database(app: Flask) -> None:
    """Bring the schema to the newest migration, then load the demo event into an empty database; one process
    at a time (the server and a `flask` command started together both do this on a fresh database)."""
    with app.app_context(), migration_lock(app):
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        if app.config["LOAD_DEMO"] and db.session.scalar(select(Event.id).limit(1)) is None:
            load_programme_file(DEMO_PROGRAMME)
            log.info("loaded the demo event from %s", DEMO_PROGRAMME)
        made = sum(issue_missing_tokens(event) for event in db.session.scalars(select(Event)))
        db.session.commit()
        if made:
            log.info("made %d missing access link(s) (the speaker views of events made before them)", made)


@contextmanager
def migration_lock(app: Flask) -> Iterator[None]:
    """Hold the database's migration lock: PostgreSQL's advisory lock MIGRATION_LOCK_KEY, or for SQLite (and any
    other database) an exclusive lock on instance/migrate.lock. Another process waits here until it is free."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()  # the lock is the session's: no transaction stays open beside the migrations
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                connection.commit()
        return
    descriptor = os.open(Path(app.instance_path) / "migrate.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load_programme_file(path: Path) -> Event:
    """Read, validate and import a programme file as a new event."""
    return import_programme(read_programme(path.read_text(encoding="utf-8"), str(path)))
