"""SQLite: its pragmas, its connections off the event loop, and a clear "busy" when the lock cannot be had.

Under eventlet and gevent every Python call runs on the one OS thread of the event loop. sqlite3 waits in C: for
another connection's (or process's) write lock (the busy timeout) and for the disk at every commit
(`synchronous=FULL`). Run on the loop, such a wait stops every connection of the server: clock pings, static
files, everyone's votes. So with a green loop every call into a sqlite3 connection or cursor runs in a real OS
thread (eventlet's tpool, gevent's hub threadpool) while the loop goes on; sqlite3 releases the GIL while it
waits, so the wait delays only the request that needs the database.

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
            return OffLoopProxy(off_loop(dialect.loaded_dbapi.connect, *cargs, **cparams), off_loop)


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
        import gevent
        from gevent import monkey

        if monkey.is_module_patched("threading"):
            return lambda function, *args, **kwargs: gevent.get_hub().threadpool.apply(function, args, kwargs)
    return None


class OffLoopProxy:
    """A sqlite3 connection or cursor whose every method call runs through `off_loop` (in a real thread); a
    cursor it returns is wrapped alike. Plain attributes (`description`, `rowcount`, `lastrowid`,
    `isolation_level`) are read and set directly: they only copy a value and never wait."""

    __slots__ = ("_target", "_off_loop")

    def __init__(self, target, off_loop: OffLoop):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_off_loop", off_loop)

    def __getattr__(self, name: str):
        value = getattr(self._target, name)
        if not callable(value):
            return value
        off_loop = self._off_loop

        def call(*args, **kwargs):
            result = off_loop(value, *args, **kwargs)
            return OffLoopProxy(result, off_loop) if isinstance(result, sqlite3.Cursor) else result

        return call

    def __setattr__(self, name: str, value) -> None:
        setattr(self._target, name, value)

    def __iter__(self):
        """Rows one by one, each fetched off the loop."""
        return iter(self.fetchone, None)
