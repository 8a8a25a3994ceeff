"""Settings: config/settings.py defaults, EVENTAPP_* environment overrides, the instance's secret key, SQLite
in WAL mode, and migrations that match the models."""

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from eventapp import create_app
from eventapp.extensions import db
from eventapp.settings import load_settings


@pytest.fixture
def settings(monkeypatch):
    """Factory: the config that EVENTAPP_* variables (given as keyword arguments) produce, with no overrides."""

    def load(**environment) -> dict:
        for name, value in environment.items():
            monkeypatch.setenv(f"EVENTAPP_{name}", value)
        app = Flask("settings-test", instance_path=os.environ["EVENTAPP_INSTANCE_PATH"])
        load_settings(app, None)
        return app.config

    return load


@pytest.fixture
def instance() -> Path:
    """This test's instance folder (conftest points EVENTAPP_INSTANCE_PATH at it)."""
    return Path(os.environ["EVENTAPP_INSTANCE_PATH"])


def test_the_defaults_come_from_config_settings(settings, instance):
    config = settings()
    assert config["HOST"] == "127.0.0.1"
    assert config["PORT"] == 5000
    assert config["ASYNC_MODE"] == "eventlet"
    assert config["DEFAULT_LANGUAGE"] == "nl"
    assert config["PUBLIC_BASE_URL"] is None
    assert config["MESSAGE_QUEUE_URL"] is None
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'eventapp.sqlite3'}"


@pytest.mark.parametrize(("variable", "value", "setting", "expected"), [
    ("DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite3", "SQLALCHEMY_DATABASE_URI", "sqlite:////tmp/elsewhere.sqlite3"),
    ("DATABASE_URL", "postgresql+psycopg://u:p@db/events", "SQLALCHEMY_DATABASE_URI",
     "postgresql+psycopg://u:p@db/events"),
    ("SECRET_KEY", "a-secret-from-the-environment", "SECRET_KEY", "a-secret-from-the-environment"),
    ("SECRET_KEY", "20211101", "SECRET_KEY", "20211101"),  # digits stay text, not a JSON number
    ("SECRET_KEY", "1e5", "SECRET_KEY", "1e5"),
    ("PUBLIC_BASE_URL", "https://event.example.org", "PUBLIC_BASE_URL", "https://event.example.org"),
    ("PORT", "8080", "PORT", 8080),
    ("HOST", "0.0.0.0", "HOST", "0.0.0.0"),
    ("ASYNC_MODE", "threading", "ASYNC_MODE", "threading"),
    ("ASYNC_MODE", "gevent", "ASYNC_MODE", "gevent"),
    ("MESSAGE_QUEUE_URL", "redis://127.0.0.1:6379/0", "MESSAGE_QUEUE_URL", "redis://127.0.0.1:6379/0"),
    ("DEFAULT_LANGUAGE", "en", "DEFAULT_LANGUAGE", "en"),
    ("LOAD_DEMO", "false", "LOAD_DEMO", False),
])
def test_environment_variables_override_the_defaults(settings, variable, value, setting, expected):
    assert settings(**{variable: value})[setting] == expected


def test_the_app_uses_the_database_of_the_environment(monkeypatch, tmp_path):
    path = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("EVENTAPP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("EVENTAPP_ASYNC_MODE", "threading")
    app = create_app({"TESTING": True})
    with app.app_context():
        assert str(db.engine.url) == f"sqlite:///{path}"
        assert db.session.scalar(text("SELECT slug FROM event")) == "pow-2021-11-01"
        db.session.remove()
    assert path.stat().st_size > 0


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("ASYNC_MODE", "tornado", "EVENTAPP_ASYNC_MODE must be one of eventlet, gevent, threading, not 'tornado'"),
    ("ASYNC_MODE", "", "EVENTAPP_ASYNC_MODE must be one of eventlet, gevent, threading, not ''"),
    ("DEFAULT_LANGUAGE", "de", "EVENTAPP_DEFAULT_LANGUAGE must be 'nl' or 'en'"),
    ("PORT", "http", "EVENTAPP_PORT must be a port number (1 to 65535), not 'http'"),
    ("PORT", "70000", "EVENTAPP_PORT must be a port number (1 to 65535), not 70000"),
])
def test_an_invalid_setting_is_refused_with_a_clear_error(settings, variable, value, message):
    with pytest.raises(ValueError) as caught:
        settings(**{variable: value})
    assert message in str(caught.value)


def test_the_app_refuses_to_start_with_an_invalid_async_mode(monkeypatch):
    monkeypatch.setenv("EVENTAPP_ASYNC_MODE", "asyncio")
    with pytest.raises(ValueError, match="EVENTAPP_ASYNC_MODE must be one of"):
        create_app({"TESTING": True})


def test_the_secret_key_is_generated_once_into_the_instance_folder(settings, instance):
    first = settings()["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 64  # 32 random bytes, hex
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert settings()["SECRET_KEY"] == first


def test_each_instance_gets_its_own_secret_key(settings, monkeypatch, tmp_path):
    first = settings()["SECRET_KEY"]
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path / "another-instance"))
    assert settings()["SECRET_KEY"] != first


def test_a_secret_key_from_the_environment_writes_no_file(settings, instance):
    settings(SECRET_KEY="from-the-environment")
    assert not (instance / "secret_key").exists()


def test_links_survive_a_restart_because_the_secret_key_is_kept(instance):
    """Two starts on one instance folder: the second prints the same (working) links as the first."""

    def chair_link() -> str:
        app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "PUBLIC_BASE_URL": "http://x"})
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["links", "--json"])
            db.session.remove()
        assert result.exit_code == 0, result.output
        return result.output

    assert chair_link() == chair_link()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_every_new_connection_gets_the_pragmas(app):
    with db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_migrations_match_the_models(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_the_migration_check_notices_a_model_change(app):
    """The check above can fail: a table that no migration creates is noticed."""
    extra = sa.Table("not_migrated", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        result = app.test_cli_runner().invoke(args=["db", "check"])
    finally:
        db.metadata.remove(extra)
    assert result.exit_code != 0


def test_the_database_is_at_the_newest_migration(app):
    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, "the migrations have more than one head"
    assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == heads[0]


def test_the_instance_folder_database_files_and_secret_key_are_private_to_their_user(monkeypatch, tmp_path):
    folder = tmp_path / "fresh-instance"
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(folder))
    previous = os.umask(0o022)  # the usual umask, under which files are world-readable unless made otherwise
    try:
        app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "LOAD_DEMO": False})
        with app.app_context():
            db.session.execute(text("SELECT 1"))  # the -wal and -shm files exist while a connection is open
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {"eventapp.sqlite3", "eventapp.sqlite3-wal", "eventapp.sqlite3-shm", "secret_key"} <= set(modes)
    assert all(mode == 0o600 for mode in modes.values()), modes


def test_an_instance_made_world_readable_before_is_made_private_at_start(monkeypatch, tmp_path):
    folder = tmp_path / "old-instance"
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(folder))
    create_app({"TESTING": True, "ASYNC_MODE": "threading", "LOAD_DEMO": False})
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)
    create_app({"TESTING": True, "ASYNC_MODE": "threading", "LOAD_DEMO": False})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = ("eventapp.sqlite3", "eventapp.sqlite3-wal", "eventapp.sqlite3-shm", "secret_key")
    assert {stat.S_IMODE((folder / name).stat().st_mode) for name in files if (folder / name).exists()} == {0o600}
