"""Votes are committed in groups: one transaction (one fsync) for all the votes that arrive within WINDOW.

Why: a SQLite commit waits for the disk (WAL, synchronous=FULL); that wait now happens in a thread off the event
loop (eventapp/sqlite.py), but one commit per vote would still cap the process at a few hundred commits a second
(one fsync each) however little CPU each vote takes.

How ("group commit", no thread or loop of its own): the first vote that finds no group open opens one and
becomes its writer; it yields for WINDOW while the votes that arrive meanwhile join the group and wait; then
it writes them all and commits once, and wakes them. Each vote is acknowledged only after its group's commit
(issue 4, point 5). A vote the database refuses (the unique constraints stay the judge: the same key or the
same participant twice in a group, or a vote of another worker process) must not fail the others: when the
group's commit fails, each of its votes is written again in a transaction of its own, and only the refused
ones fail. That is rare, so it costs nothing in the common case (and needs no SAVEPOINT, which pysqlite does
not handle without extra setup). With several worker processes each has its own groups.

A vote waits with its session's transaction ended, so the waiting votes hold no pooled connection.

Backpressure (`admitted`): a vote counts as in flight from before its first read until its acknowledgement, and
beyond MAX_IN_FLIGHT votes in flight a new one is refused at once as busy (the phone sends it again), before it
takes a pooled connection. Counting only the votes that wait for a commit was not enough: under an overload the
votes queued without bound for a pooled connection, the group's commit queued behind them, every vote waited
longer, and the worker collapsed into 30 s pool timeouts (docs/performance.md, section 4, 4 December).
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from eventapp.errors import Busy
from eventapp.extensions import db, socketio
from eventapp.models import Vote

#: Seconds a group collects votes before its commit: about a tenth of the 0.15 s between two pushes to the screens.
WINDOW = 0.02
#: Votes in flight (from before their first read to their acknowledgement) beyond which new ones are refused as
#: busy. At 500 votes/s a vote is in flight some 50 ms, so a few dozen keep the worker busy; more only queue.
MAX_IN_FLIGHT = 300


@dataclass
class _Ballot:
    """One vote waiting for its group's commit: the row's values, the id of the row it replaces, if any."""

    values: dict
    replaces: int | None
    done: object = field(default_factory=lambda: socketio.server.eio.create_event())
    stored: bool = False
    busy: str | None = None  # the group's commit did not get the database's lock: why, to refuse the vote


_lock = threading.Lock()
_group: list[_Ballot] | None = None  # the group collecting votes now, None when there is none
_in_flight = 0


@contextmanager
def admitted():
    """Count a vote in flight while the block runs, or refuse it as busy when MAX_IN_FLIGHT are; enter it before
    the vote's first query, so that an overload is refused at once instead of queueing for a pooled connection."""
    global _in_flight
    with _lock:
        if _in_flight >= MAX_IN_FLIGHT:
            raise Busy(_("the server is busy; your vote is sent again in a moment"))
        _in_flight += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight -= 1


def write(values: dict, replaces: int | None) -> bool:
    """Store a vote (a new row, or the values of the row `replaces`) in the next group commit; True once it
    is committed, False when the database refused it (a constraint). Ends the session's transaction first.
    Called within `admitted()`."""
    global _group
    ballot = _Ballot(values, replaces)
    with _lock:
        leader = _group is None
        if leader:
            _group = []
        _group.append(ballot)
    db.session.rollback()  # nothing was written yet: this only gives the connection back while we wait
    if leader:
        socketio.sleep(WINDOW)
        with _lock:
            group, _group = _group, None
        _commit(group)
    else:
        ballot.done.wait()
    if ballot.busy is not None:
        raise Busy(ballot.busy)
    return ballot.stored


def _commit(group: list[_Ballot]) -> None:
    """Write the group in one transaction; if the database refuses it, each vote on its own; if the lock is not
    had in time, every vote of the group is refused as busy (the phones send them again). Wakes them all."""
    try:
        try:
            _write(group)
            db.session.commit()
            for ballot in group:
                ballot.stored = True
        except Busy as error:
            db.session.rollback()
            for ballot in group:
                ballot.busy = error.message
        except IntegrityError:
            db.session.rollback()
            for ballot in group:
                try:
                    _write([ballot])
                    db.session.commit()
                    ballot.stored = True
                except IntegrityError:
                    db.session.rollback()
    finally:
        for ballot in group:
            ballot.done.set()


_votes = Vote.__table__
#: Plain (Core) statements, made once: the ORM's bulk insert cost more CPU than the rest of the write.
_INSERT = _votes.insert()
_UPDATE = _votes.update().where(_votes.c.id == bindparam("replaced_id"))


def _write(ballots: list[_Ballot]) -> None:
    """The new votes in one statement, the replaced ones in another (each with the same columns)."""
    connection = db.session.connection()
    new = [ballot.values for ballot in ballots if ballot.replaces is None]
    changed = [{**ballot.values, "replaced_id": ballot.replaces} for ballot in ballots if ballot.replaces is not None]
    if new:
        connection.execute(_INSERT, new)
    if changed:
        connection.execute(_UPDATE, changed)
