"""Shared fixtures: the app on a fresh database, its test clients, the demo's links, the real server
(`python run.py` as a subprocess), headless Chromium, and PostgreSQL when it answers."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
import sqlalchemy
from flask import current_app
from flask_babel import force_locale

from eventapp import create_app
from eventapp.access import Caller
from eventapp.controller import polls
from eventapp.extensions import db, socketio
from eventapp.links import event_links
from eventapp.lookup import event_by_slug
from eventapp.models import Role
from eventapp.realtime import pump

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
DEMO_SLUG = "pow-2021-11-01"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
POSTGRES_ADMIN_URL = os.environ.get("EVENTAPP_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


ENV_SETTINGS = ("EVENTAPP_DATABASE_URL", "EVENTAPP_SECRET_KEY", "EVENTAPP_PUBLIC_BASE_URL",
                "EVENTAPP_MESSAGE_QUEUE_URL", "EVENTAPP_ASYNC_MODE", "EVENTAPP_PORT", "EVENTAPP_HOST")
TEST_SETTINGS = {"TESTING": True, "ASYNC_MODE": "threading", "PUBLIC_BASE_URL": "http://test.local"}
#: The async mode of every real server (`python run.py`) the tests start: EVENTAPP_ASYNC_MODE as it is when the
#: run begins (each test then runs without it, see _isolated_instance), else eventlet. `make test` runs the tests
#: marked server or browser a second time with EVENTAPP_ASYNC_MODE=gevent.
SERVER_ASYNC_MODE = os.environ.get("EVENTAPP_ASYNC_MODE") or "eventlet"


def pytest_report_header(config):
    return f"real servers (python run.py) run under {SERVER_ASYNC_MODE}"


@pytest.fixture(autouse=True)
def _isolated_instance(tmp_path, monkeypatch):
    """Every test gets its own instance folder (database, secret key), never the developer's."""
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ENV_SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory) -> Path:
    """An instance folder with a migrated database holding the demo event, made once and copied per test."""
    folder = tmp_path_factory.mktemp("demo-instance")
    previous = os.environ.get("EVENTAPP_INSTANCE_PATH")
    os.environ["EVENTAPP_INSTANCE_PATH"] = str(folder)
    try:
        app = create_app(dict(TEST_SETTINGS))
        with app.app_context():
            db.engine.dispose()
    finally:
        if previous is None:
            del os.environ["EVENTAPP_INSTANCE_PATH"]
        else:
            os.environ["EVENTAPP_INSTANCE_PATH"] = previous
    return folder


def pytest_configure(config):
    config.addinivalue_line("markers", "own_database: the test gets its own copy of the demo database (committed "
                                       "to the file) instead of one rolled-back transaction on the shared one")


#: The app setting that marks an app as one on the shared demo database (see `app`).
SHARED_DEMO_DATABASE = "TEST_SHARED_DEMO_DATABASE"


class Joined:
    """The test now running in one transaction on the shared demo database: its thread, app and connection."""

    owner: tuple[int, object, sqlalchemy.Connection] | None = None


def guarded_session_class(base: type) -> type:
    """The app's session class, made to keep the shared demo database to the transaction of the test running.

    A session of an app on the shared database gets the test's connection (SQLAlchemy's recipe "Joining a Session
    into an External Transaction": with join_transaction_mode "create_savepoint" its commits release savepoints)
    when it is that test's thread and app; any other one is refused, so that nothing reaches the shared file: the
    pump's loop or a background write of the test (a test that needs them is marked `own_database`), or a thread a
    finished test left behind. Sessions of other apps are left alone. A subclass of the factory's class, so that
    the listeners the app puts on `db.session` (the outbox's) still apply."""

    def get_bind(self, *args, **kwargs):
        app = current_app._get_current_object()
        if not app.config.get(SHARED_DEMO_DATABASE):
            return base.get_bind(self, *args, **kwargs)
        if Joined.owner is None or Joined.owner[:2] != (threading.get_ident(), app):
            raise RuntimeError("the shared demo database is one rolled-back transaction of the test's own thread "
                               "and app; mark a test whose database other threads use with own_database")
        return Joined.owner[2]

    return type("GuardedSession", (base,), {"get_bind": get_bind})


@pytest.fixture(scope="session", autouse=True)
def _guarded_sessions():
    """Every session made by `db.session` keeps to the guarded class for the whole run (see guarded_session_class)."""
    factory = db.session.session_factory
    base = factory.class_
    factory.class_ = guarded_session_class(base)
    factory.configure(join_transaction_mode="create_savepoint")  # used only on a joined connection
    yield
    factory.class_ = base
    del factory.kw["join_transaction_mode"]


@contextmanager
def rolled_back(app):
    """The app's sessions in one transaction on one connection, rolled back at the end (SQLAlchemy's recipe)."""
    with db.engine.connect() as connection:
        transaction = connection.begin()
        db.session.remove()
        Joined.owner = (threading.get_ident(), app, connection)
        try:
            yield
        finally:
            db.session.remove()
            Joined.owner = None
            transaction.rollback()


def sqlite_transactions_by_sqlalchemy(engine: sqlalchemy.Engine) -> None:
    """sqlite3 (before Python 3.12) emits no BEGIN before a SAVEPOINT, so a released savepoint would be outside the
    test's transaction: SQLAlchemy emits BEGIN itself (its SQLite dialect documentation, "Enabling Non-Legacy
    SQLite Transactional Modes")."""

    @sqlalchemy.event.listens_for(engine, "connect")
    def no_sqlite3_begin(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None

    @sqlalchemy.event.listens_for(engine, "begin")
    def begin(connection):
        connection.exec_driver_sql("BEGIN")


@pytest.fixture
def app(request, demo_instance, tmp_path, monkeypatch):
    """The app on the migrated SQLite database with the demo event loaded: in one transaction on the shared
    database, rolled back when the test ends; or, for a test marked `own_database` (one that needs the changes
    committed to the file: other threads, processes or apps read them), on its own copy of it."""
    if request.node.get_closest_marker("own_database"):
        shutil.copytree(demo_instance, tmp_path / "instance", dirs_exist_ok=True)
        app = create_app(dict(TEST_SETTINGS))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    # An app's background tasks (the results pump, the presence writes and announcements) run in other threads,
    # which the shared database refuses: there they could only fail, each failure logged from its own thread while
    # the test runs (on Python 3.11 two threads formatting tracebacks at once can fail the test itself with
    # "SystemError: AST constructor recursion depth mismatch"). So they are not started; a test that needs them is
    # marked own_database.
    monkeypatch.setattr(socketio, "start_background_task", lambda *args, **kwargs: None)
    monkeypatch.setattr(pump, "_ensure_running", lambda: None)  # nor is the pump marked as running
    app = create_app({**TEST_SETTINGS, "MIGRATE_ON_START": False, SHARED_DEMO_DATABASE: True,
                      "SECRET_KEY": (demo_instance / "secret_key").read_text().strip(),
                      "DATABASE_URL": f"sqlite:///{demo_instance / 'eventapp.sqlite3'}"})
    with app.app_context():
        sqlite_transactions_by_sqlalchemy(db.engine)
        with rolled_back(app):
            yield app
        db.engine.dispose()


@pytest.fixture
def empty_app():
    """The app on a fresh, migrated database without any event."""
    app = create_app({**TEST_SETTINGS, "LOAD_DEMO": False})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def english(app):
    """Messages in English for the whole test, also from code called without a request (the default is Dutch):
    for tests that match English wording."""
    with force_locale("en"):
        yield


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo event."""
    return event_by_slug(DEMO_SLUG)


@pytest.fixture
def links(app, demo):
    """Every link of the demo event, with paths relative to the test client."""
    return event_links(demo)


def chair_of(event) -> Caller:
    """An event's chair, calling the controller in process."""
    return Caller(role=Role.CHAIR, event=event)


def host_of(event, site_key: str) -> Caller:
    """A site's host, calling the controller in process."""
    return Caller(role=Role.HOST, event=event, site=event.site(site_key))


@pytest.fixture
def chair(demo) -> Caller:
    """The demo's chair, preparing state through the controller in process (over a real server: `live_chair`)."""
    return chair_of(demo)


@pytest.fixture
def bearer(links) -> dict:
    """The chair's Authorization header for the HTTP API."""
    return {"Authorization": f"Bearer {links['chair']['token']}"}


@pytest.fixture
def reveal_at_once(monkeypatch):
    """Reveals take effect at once (on the screens they wait 1.5 s, so that every screen shows them together)."""
    monkeypatch.setattr(polls, "REVEAL_DELAY", timedelta(0))


def local_path(url: str) -> str:
    """A link's path and query (and fragment), for Flask's test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def with_query(url: str, query: str) -> str:
    """A link with `query` ("lang=en") added to its query string, before the fragment that holds a crew token."""
    address, hash_, fragment = url.partition("#")
    return address + ("&" if "?" in address else "?") + query + hash_ + fragment


def open_link(client, url: str, query: str = ""):
    """Open a crew link in Flask's test client as the page's loader does in a browser: post the token of the
    link's fragment to the page's address (which sets the page's cookie), then load the page."""
    address, _, fragment = local_path(url).partition("#")
    token = parse_qs(fragment).get("token", [""])[0]
    if query:
        address = with_query(address, query)
    client.post(address, data={"token": token})
    return client.get(address)


def is_loader(response) -> bool:
    """Whether a reply (the test client's or requests') is a crew page's loader: the page itself was not given,
    for want of a valid cookie."""
    return response.status_code == 200 and 'data-link-loader="1"' in response.text


def open_link_over_http(url: str, session: requests.Session | None = None, query: str = "") -> requests.Response:
    """Open a crew link on a real server as the page's loader does: post the token of the link's fragment to the
    page's address (the reply sets the page's cookie in `session`), then load the page."""
    address, _, fragment = url.partition("#")
    token = parse_qs(fragment).get("token", [""])[0]
    if query:
        address = with_query(address, query)
    session = session or requests.Session()
    session.post(address, data={"token": token}, timeout=10)
    return session.get(address, timeout=10)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether nobody listens on this loopback port right now (a second worker takes the port after the first)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_until_answers(url: str, process: subprocess.Popen, log, timeout: float = 30, verify=True) -> None:
    """Wait until `url` answers HTTP; fail with what the process logged (`log()`) if it stops or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process serving {url} stopped:\n{log()}")
        try:
            requests.get(url, timeout=1, verify=verify)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s:\n{log()}")


class RealServer:
    """`python run.py` in a subprocess, on 127.0.0.1 and a free port, with its own instance folder."""

    def __init__(self, instance: Path, env: dict | None = None, port: int | None = None):
        self.instance = instance
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "EVENTAPP_INSTANCE_PATH": str(instance), "PYTHONUNBUFFERED": "1",
                    "EVENTAPP_ASYNC_MODE": SERVER_ASYNC_MODE, **(env or {})}
        self.process = None
        self.log_path = instance.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 30) -> "RealServer":
        """Start the server and wait until it answers HTTP."""
        self.instance.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                [sys.executable, "run.py", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until_answers(self.base_url + "/", self.process, self.log, timeout)
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def kill(self) -> None:
        """kill -9: the crash a power cut or the OOM killer causes."""
        self.process.kill()
        self.process.wait(10)

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def links(self, slug: str = DEMO_SLUG) -> dict:
        """The event's links, through the CLI (`flask --app eventapp links SLUG --json`), as scripts get them."""
        out = subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "links", slug, "--json"],
                             cwd=PROJECT_ROOT, env={**self.env, "EVENTAPP_PORT": str(self.port)},
                             capture_output=True, text=True, timeout=60, check=True)
        return json.loads(out.stdout)


def logged_real_server(tmp_path_factory, name: str):
    """A real server with its access log on (it logs every request line) and the start-up links not printed, for a
    module whose tests read that log: yields it, then stops it (`yield from` in the module's fixture)."""
    server = RealServer(tmp_path_factory.mktemp(name) / "instance",
                        env={"EVENTAPP_ACCESS_LOG": "true", "EVENTAPP_PRINT_LINKS": "false"}).start()
    yield server
    server.stop()


@pytest.fixture
def real_server(tmp_path):
    """A started real server with the demo event; stopped when the test ends."""
    server = RealServer(tmp_path / "server-instance").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page (1920x1080) that fails the test on any script error in it."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"


@pytest.fixture
def artifacts(request) -> Path:
    """The folder for this test's screenshots (kept as CI artifacts under test-artifacts/)."""
    folder = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database on 127.0.0.1:5432, dropped afterwards; skipped when none answers."""
    import sqlalchemy

    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            name = f"eventapp_test_{uuid.uuid4().hex[:12]}"
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL does not answer at {POSTGRES_ADMIN_URL} ({str(error).splitlines()[0]}); "
                    "set EVENTAPP_TEST_POSTGRES to a server's admin URL to run these tests")
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def server_links(real_server) -> dict:
    """The demo's links on the real server, as `flask links --json` prints them."""
    return real_server.links()


@pytest.fixture
def live_chair(real_server, server_links):
    """The demo's chair on the real server, over Socket.IO as the control panel is (tests.crew.Chair; in process:
    `chair`); hung up when the test ends."""
    from tests.crew import Chair  # not at the top: tests.crew imports this module

    chair = Chair(real_server, server_links)
    yield chair
    chair.close()


@pytest.fixture
def live_phones(real_server, server_links):
    """Phones on the real server, joined on demand: `live_phones("enschede", "Anouk")` is a tests.crew.Phone at
    that site; all hang up when the test ends."""
    from tests.crew import Phone  # not at the top: tests.crew imports this module

    made = []

    def join(site: str, name: str = ""):
        phone = Phone(real_server, server_links["sites"][site]["join"]["code"], name)
        made.append(phone)
        return phone

    yield join
    for phone in made:
        phone.close()


@pytest.fixture
def phones(browser, real_server):
    """Phones to open pages with; the test fails on any script error in them.

    It asks for the real server so that the phones close before the server stops: the other way round, a phone's
    Socket.IO long-poll still open at the end is reset (ERR_CONNECTION_RESET) and its next request refused, and the
    phone logs both (a test that ends right after a new connection, before it moved to the WebSocket, saw that)."""
    from tests.crew import Phones  # not at the top: tests.crew imports this module

    phones = Phones(browser)
    yield phones
    phones.close()
    assert not phones.errors, f"the phone page reported errors: {phones.errors}"


#: What Chromium logs while a test stops the server on purpose; anything else on a page's console is an error.
NETWORK_NOISE = ("Failed to load resource", "WebSocket connection", "ERR_CONNECTION_REFUSED", "ERR_EMPTY_RESPONSE",
                 "net::ERR")


@pytest.fixture
def open_page(browser):
    """Open pages side by side, each in its own browser context; the test fails on any script error in them.

    `allow_network_errors` lets a page log failed requests while the test stops the server on purpose.
    """
    contexts, errors = [], []

    def open_(url: str, viewport: dict | None = None, allow_network_errors: bool = False,
              reduced_motion: str = "no-preference"):
        context = browser.new_context(viewport=viewport or {"width": 1920, "height": 1080},
                                      reduced_motion=reduced_motion)
        contexts.append(context)
        page = context.new_page()

        def on_console(message):
            if message.type != "error":
                return
            if allow_network_errors and any(noise in message.text for noise in NETWORK_NOISE):
                return
            errors.append(f"{url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"{url}: {error}"))
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"the pages reported errors: {errors}"
