"""SQLite: its pragmas, its connections off the event loop, and a clear "busy" when the lock cannot be had.

Under eventlet and gevent every Python call runs on the one OS thread of the event loop. sqlite3 waits in C: for
another connection's (or process's) write lock (the busy timeout) and for the disk at every commit
(`synchronous=FULL`). Run on the loop, such a wait stops every connection of the server: clock pings, static
files, everyone's votes. So with a green loop every sqlite3 call that can wait for the lock or the disk (opening the
file, a write statement, commit, close) runs in a real OS thread (eventlet's tpool, a gevent threadpool)
while the loop goes on; sqlite3 releases the GIL while it waits, so the wait delays only the request that needs
the database. Reads stay on the loop: in WAL mode they never wait for the writer, and each trip to a thread costs
CPU and latency on a busy loop (docs/security.md, "The loop never waits on the database", has the figures).

A connection is used by one thread at a time all the same: SQLAlchemy's pool lends it to one session at a time,
and that session's greenlet waits for each call before it makes the next; only the thread changes, hence
`check_same_thread=False`. Under the "threading" mode (tests, the CLI) nothing is wrapped.

A write that cannot get the lock within SQLITE_BUSY_TIMEOUT seconds is refused as `Busy` ("the database is busy;
try again"): a 503 over HTTP, `{"ok": false, ...}` over Socket.IO; the session is rolled back, nothing stays.
"""

import sqlite3
import sys
from collections.abc import Callable

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eventapp.errors import Busy

#: Runs a function with its arguments in a real OS thread and returns its result (or raises its exception),
#: while the calling greenlet waits and the loop goes on.
OffLoop = Callable[..., object]
#: SQLite's primary result codes for "another connection holds the lock" (an extended code carries them in its
#: low byte: SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT...).
LOCK_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
#: Threads for gevent: at least as many as the engine's pool has connections (5 + 10 overflow), so that the
#: connection holding the write lock always finds a thread for its commit while others wait for the lock in
#: theirs. gevent's hub threadpool (10 threads) was too small: 200 phones joining at once got "busy" refusals.
#: eventlet's tpool has 20 (EVENTLET_THREADPOOL_SIZE).
OFF_LOOP_THREADS = 20


def configure(app: Flask, engine: Engine) -> None:
    """Give an SQLite engine its pragmas and busy refusal, and, under a green loop, its connections off the loop."""
    if engine.dialect.name != "sqlite":
        return
    busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT"] * 1000)

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, connection_record):
        """Write-ahead log, enforced foreign keys, a commit that survives a power cut, and waiting for the lock
        (harmless now that the wait happens off the loop) before giving up."""
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    event.listen(engine, "handle_error", refuse_when_locked)
    off_loop = off_loop_runner(app.config["ASYNC_MODE"])
    if off_loop is not None:

        @event.listens_for(engine, "do_connect")
        def connect_off_the_loop(dialect, connection_record, cargs, cparams):
            """Open the file in a thread and hand SQLAlchemy a connection whose every call runs in one."""
            cparams["check_same_thread"] = False
            return OffLoopConnection(off_loop(dialect.loaded_dbapi.connect, *cargs, **cparams), off_loop)


def refuse_when_locked(context) -> None:
    """SQLAlchemy's handle_error: the lock was not had within the busy timeout; say so plainly (a 503, an ack
    with ok false) instead of an internal error. The caller rolls back (every refusal does)."""
    error = context.original_exception
    if isinstance(error, sqlite3.OperationalError) and (getattr(error, "sqlite_errorcode", 0) & 0xFF) in LOCK_CODES:
        raise Busy(_("the database is busy; try again")) from error


def off_loop_runner(async_mode: str) -> OffLoop | None:
    """How this process runs a blocking call in a real thread, or None when it has no green loop to keep free
    (the threading mode, and CLI commands, which are not monkey-patched)."""
    if async_mode == "eventlet" and "eventlet" in sys.modules:
        from eventlet import patcher, tpool

        if patcher.is_monkey_patched("thread"):
            return tpool.execute
    if async_mode == "gevent" and "gevent" in sys.modules:
        from gevent import monkey

        if monkey.is_module_patched("threading"):
            from gevent.threadpool import ThreadPool

            threads = ThreadPool(OFF_LOOP_THREADS)

            def in_gevent_thread(function, *args, **kwargs):
                """The threadpool would print the traceback of every exception its thread raises (a busy refusal
                too); the thread hands it over instead, to be raised here."""
                failed, outcome = threads.apply(_outcome, (function, args, kwargs))
                if failed:
                    raise outcome
                return outcome

            return in_gevent_thread
    return None


def _outcome(function, args: tuple, kwargs: dict) -> tuple[bool, object]:
    """(False, the result) or (True, the exception) of a call."""
    try:
        return False, function(*args, **kwargs)
    except Exception as error:
        return True, error


class OffLoopConnection:
    """A sqlite3 connection whose calls that may wait for the lock or the disk run through `off_loop` (in a real
    thread): a write statement (`OffLoopCursor`), commit (the fsync, and a WAL checkpoint now and then) and close
    (the last close checkpoints). The rest runs on the loop, as it never waits: a rollback only lets go, and
    creating a cursor or a function, or reading `isolation_level`, is a copy in memory. Every trip to a thread
    costs: on a busy loop the thread waits for the GIL (up to the 5 ms switch interval) before and after its call.
    """

    __slots__ = ("_connection", "_off_loop")

    def __init__(self, connection: sqlite3.Connection, off_loop: OffLoop):
        object.__setattr__(self, "_connection", connection)
        object.__setattr__(self, "_off_loop", off_loop)

    def cursor(self) -> "OffLoopCursor":
        return OffLoopCursor(self._connection.cursor(), self._off_loop)

    def commit(self) -> None:
        self._off_loop(self._connection.commit)

    def close(self) -> None:
        self._off_loop(self._connection.close)

    def __getattr__(self, name: str):
        return getattr(self._connection, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._connection, name, value)


class OffLoopCursor:
    """A sqlite3 cursor whose writes run through `off_loop`; a SELECT runs on the loop: in WAL mode a reader never
    waits for the writer's lock (it reads the last committed snapshot) and flushes nothing, and fetching its rows
    only steps through pages. A write (INSERT, UPDATE, DELETE, the BEGIN sqlite3 issues before it, PRAGMA, DDL)
    takes the write lock and may wait up to the busy timeout for it."""

    __slots__ = ("_cursor", "_off_loop")

    def __init__(self, cursor: sqlite3.Cursor, off_loop: OffLoop):
        object.__setattr__(self, "_cursor", cursor)
        object.__setattr__(self, "_off_loop", off_loop)

    def execute(self, statement: str, parameters=()) -> "OffLoopCursor":
        if reads_only(statement):
            self._cursor.execute(statement, parameters)
        else:
            self._off_loop(self._cursor.execute, statement, parameters)
        return self

    def executemany(self, statement: str, rows) -> "OffLoopCursor":
        self._off_loop(self._cursor.executemany, statement, rows)
        return self

    def __getattr__(self, name: str):
        return getattr(self._cursor, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._cursor, name, value)

    def __iter__(self):
        return iter(self._cursor)


def reads_only(statement: str) -> bool:
    """Whether a statement only reads (a SELECT), so that it never waits for SQLite's write lock in WAL mode."""
    return statement.lstrip()[:6].upper() == "SELECT"
