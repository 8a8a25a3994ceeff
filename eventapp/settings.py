"""Loading the settings: defaults from config/settings.py, then EVENTAPP_* environment variables."""

import os
import secrets
import socket
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = PROJECT_ROOT / "config" / "settings.py"
ENV_PREFIX = "EVENTAPP"
ASYNC_MODES = ("eventlet", "gevent", "threading")
#: Settings that are text whatever they look like (a secret key of digits is not a number).
TEXT_SETTINGS = ("SECRET_KEY", "DATABASE_URL", "MESSAGE_QUEUE_URL", "MESSAGE_QUEUE_CHANNEL", "PUBLIC_BASE_URL",
                 "HOST", "WORKER_ID")


def instance_path() -> str:
    """The instance folder: EVENTAPP_INSTANCE_PATH, or instance/ at the project root."""
    return os.environ.get(f"{ENV_PREFIX}_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")


def load_settings(app: Flask, overrides: dict | None) -> None:
    """Fill app.config: defaults, then the environment, then the caller's overrides (tests)."""
    app.config.from_pyfile(str(DEFAULTS_FILE))
    app.config.from_prefixed_env(ENV_PREFIX)
    for name in TEXT_SETTINGS:  # from_prefixed_env reads "20211101" as a number: these stay as written
        if f"{ENV_PREFIX}_{name}" in os.environ:
            app.config[name] = os.environ[f"{ENV_PREFIX}_{name}"]
    if overrides:
        app.config.update(overrides)
    private_folder(Path(app.instance_path))
    if app.config["ASYNC_MODE"] not in ASYNC_MODES:
        raise ValueError(f"EVENTAPP_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, "
                         f"not {app.config['ASYNC_MODE']!r}")
    if app.config["DEFAULT_LANGUAGE"] not in ("nl", "en"):
        raise ValueError("EVENTAPP_DEFAULT_LANGUAGE must be 'nl' or 'en'")
    app.config["PORT"] = _port(app.config["PORT"])
    app.config["SQLITE_BUSY_TIMEOUT"] = _seconds("SQLITE_BUSY_TIMEOUT", app.config["SQLITE_BUSY_TIMEOUT"])
    if not app.config.get("WORKER_ID"):
        app.config["WORKER_ID"] = f"{socket.gethostname()}:{app.config['PORT']}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'eventapp.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    private_sqlite_files(url)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "eventapp" / "translations")


def _port(value) -> int:
    """The port setting as a number, or a clear refusal."""
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = None
    if port is None or not 1 <= port <= 65535:
        raise ValueError(f"{ENV_PREFIX}_PORT must be a port number (1 to 65535), not {value!r}")
    return port


def private_folder(folder: Path) -> None:
    """Make the instance folder (database, secret key) if needed, readable by this user only (0700)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077 and folder.stat().st_uid == os.getuid():
        folder.chmod(0o700)


def private_sqlite_files(url: str) -> None:
    """A SQLite database file readable by this user only (0600), created so before SQLite opens it: SQLite gives
    its -wal and -shm files the database file's mode. Files of an earlier run are made private too."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return
    database = Path(parsed.database)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if path.exists() and path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)


def _seconds(name: str, value) -> float:
    """A setting in seconds as a positive number, or a clear refusal."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = None
    if seconds is None or not 0 < seconds <= 24 * 3600 or isinstance(value, bool):
        raise ValueError(f"{ENV_PREFIX}_{name} must be a number of seconds (more than 0, at most 86400), not {value!r}")
    return seconds


def instance_secret_key(folder: Path) -> str:
    """The instance's secret key, generated on first use and kept in instance/secret_key (mode 600)."""
    path = folder / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    elif path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o600)  # a key written by an older version, or copied in
    return path.read_text().strip()


def public_base_url(config) -> str:
    """The base URL other machines reach the app at, for links and QR codes."""
    if config.get("PUBLIC_BASE_URL"):
        return str(config["PUBLIC_BASE_URL"]).rstrip("/")
    host = config["HOST"]
    if host in ("0.0.0.0", "::", ""):
        host = lan_address()
    return f"http://{host}:{config['PORT']}"


def redis_queue_url(config) -> str | None:
    """The message queue's URL when it is Redis, where the workers also share rate limits and push claims;
    None for one process or another kind of queue."""
    queue = config.get("MESSAGE_QUEUE_URL") or ""
    return queue if queue.startswith(("redis://", "rediss://")) else None


def lan_address() -> str:
    """This machine's address on its network (no packet is sent), or 127.0.0.1 when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: connect() on UDP only picks a route
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
