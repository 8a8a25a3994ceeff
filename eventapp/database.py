"""Getting the database ready: migrations on start, and the demo event on the first start."""

import logging
from pathlib import Path

import flask_migrate
from flask import Flask
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import Event
from eventapp.programme.store import import_programme
from eventapp.programme.yamlfile import read_programme
from eventapp.settings import PROJECT_ROOT

DEMO_PROGRAMME = PROJECT_ROOT / "config" / "demo_programme.yaml"
MIGRATIONS = PROJECT_ROOT / "eventapp" / "migrations"
log = logging.getLogger(__name__)


def prepare_database(app: Flask) -> None:
    """Bring the schema to the newest migration, then load the demo event into an empty database."""
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        if app.config["LOAD_DEMO"] and db.session.scalar(select(Event.id).limit(1)) is None:
            load_programme_file(DEMO_PROGRAMME)
            log.info("loaded the demo event from %s", DEMO_PROGRAMME)


def load_programme_file(path: Path) -> Event:
    """Read, validate and import a programme file as a new event."""
    return import_programme(read_programme(path.read_text(encoding="utf-8"), str(path)))
