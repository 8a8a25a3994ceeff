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
not handle without extra setup). With several worker processes each has its own groups (kept on the app: `Writer`).

A vote waits with its session's transaction ended, so the waiting votes hold no pooled connection.

Upvotes of questions are written in the same groups (`write_upvote`): a burst of taps is a few commits, not one
per tap (issue 16, point 4).

When the database fails (gone, refusing connections, disk full; issue 16, points 2 and 3): whatever fails, the
group is closed before the commit is tried, every vote of it is woken with an answer, and every in-flight slot is
released (`finally`); the votes it did not store raise NotStored, which the phone answers by sending the same
vote again (same key and seq: it counts once) until it is stored. A vote never waits longer than WAIT_MAX for
its group, so a stuck writer cannot hold the slots.

Backpressure (`admitted`): a vote counts as in flight from before its first read until its acknowledgement, and
beyond MAX_IN_FLIGHT votes in flight a new one is refused at once as busy (the phone sends it again), before it
takes a pooled connection. Counting only the votes that wait for a commit was not enough: under an overload the
votes queued without bound for a pooled connection, the group's commit queued behind them, every vote waited
longer, and the worker collapsed into 30 s pool timeouts (docs/performance.md, section 4, 4 December).
"""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from eventapp.errors import Busy, NotStored
from eventapp.extensions import db
from eventapp.faults import Faults, safe_rollback
from eventapp.models import Question, QuestionUpvote, Vote

#: Seconds a group collects votes before its commit: about a tenth of the 0.15 s between two pushes to the screens.
WINDOW = 0.02
#: Votes in flight (from before their first read to their acknowledgement) beyond which new ones are refused as
#: busy. At 500 votes/s a vote is in flight some 50 ms, so a few dozen keep the worker busy; more only queue.
MAX_IN_FLIGHT = 300
#: Seconds a vote waits for its group's commit at most; then it is answered "not stored yet" (sent again with the
#: same key it counts once, even if the group committed it after all).
WAIT_MAX = 10.0
#: Where the app keeps its writer.
KEY = "eventapp.vote_writer"
#: What a ballot writes: a vote (a new row, or the values of the row it replaces), or an upvote of a question.
VOTE, UPVOTE = "vote", "upvote"
#: What became of a ballot: stored, refused by a constraint, not stored because the database failed, or because
#: SQLite's write lock was not had in time (another process held it).
STORED, REFUSED, FAILED, BUSY = "stored", "refused", "failed", "busy"


@dataclass
class _Ballot:
    """One vote or upvote waiting for its group's commit: the row's values, the id of the vote row it replaces."""

    kind: str
    values: dict
    replaces: int | None = None
    done: threading.Event = field(default_factory=threading.Event)
    outcome: str = FAILED
    busy: str | None = None  # the group's commit did not get the database's lock: why, to refuse the vote


class Writer:
    """One app's group collecting votes now (None when there is none) and its votes in flight, in this process.

    Its waits are plain `time.sleep` and `threading.Event`: run.py monkey-patches them first thing under eventlet
    and gevent, so they yield to the other connections there.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.group: list[_Ballot] | None = None
        self.in_flight = 0
        self.faults = Faults("writing votes")


def init_app(app: Flask) -> None:
    """Give the app its vote writer (at app creation)."""
    app.extensions[KEY] = Writer()


def state(app: Flask | None = None) -> Writer:
    """The vote writer of this app (the current one by default)."""
    return (app or current_app).extensions[KEY]


@contextmanager
def admitted():
    """Count a vote in flight while the block runs, or refuse it as busy when MAX_IN_FLIGHT are; enter it before
    the vote's first query, so that an overload is refused at once instead of queueing for a pooled connection."""
    writer = state()
    with writer.lock:
        if writer.in_flight >= MAX_IN_FLIGHT:
            raise Busy(_("the server is busy; your vote is sent again in a moment"))
        writer.in_flight += 1
    try:
        yield
    finally:
        with writer.lock:
            writer.in_flight -= 1


def not_stored(error: Exception) -> NotStored:
    """The refusal of a vote (or upvote) the database failed to read or store: the session is rolled back, the
    failure logged (once per kind), and the caller is told to send it again."""
    safe_rollback()
    state().faults.failed(error)
    return NotStored(_("not stored yet; your phone tries again"))


def write(values: dict, replaces: int | None) -> bool:
    """Store a vote (a new row, or the values of the row `replaces`) in the next group commit; True once it
    is committed, False when the database refused it (a constraint); raises NotStored when the database failed.
    Ends the session's transaction first. Called within `admitted()`."""
    return _submit(_Ballot(VOTE, values, replaces))


def write_upvote(question_id: int, participant_id: int) -> bool:
    """Store a participant's upvote of a question (its row, and one more on the question's count) in the next group
    commit; False when it upvoted the question already. Called within `admitted()`."""
    return _submit(_Ballot(UPVOTE, {"question_id": question_id, "participant_id": participant_id}))


def _submit(ballot: _Ballot) -> bool:
    """Join the open group, or open one and write it after WINDOW; wait for its outcome."""
    writer = state()
    safe_rollback()  # nothing was written yet: this only gives the connection back while we wait
    with writer.lock:
        leader = writer.group is None
        if leader:
            writer.group = []
        writer.group.append(ballot)
    if leader:
        try:
            time.sleep(WINDOW)
        finally:  # the group is closed and written whatever happens, or later votes would wait for it forever
            with writer.lock:
                group, writer.group = writer.group, None
            _commit(group)
    elif not ballot.done.wait(WAIT_MAX):
        raise NotStored(_("not stored yet; your phone tries again"))
    if ballot.outcome == BUSY:
        raise Busy(ballot.busy)
    if ballot.outcome == FAILED:
        raise NotStored(_("not stored yet; your phone tries again"))
    return ballot.outcome == STORED


def _commit(group: list[_Ballot]) -> None:
    """Write the group in one transaction; if the database refuses it, each ballot on its own; if the lock is not
    had in time (SQLite), every ballot of the group is refused as busy (the phones send them again). Wakes them
    all, whatever fails: a ballot left FAILED was not stored (the database failed)."""
    writer = state()
    try:
        try:
            _write(group)
            db.session.commit()
            for ballot in group:
                ballot.outcome = STORED
        except IntegrityError:
            safe_rollback()
            for ballot in group:
                try:
                    _write([ballot])
                    db.session.commit()
                    ballot.outcome = STORED
                except IntegrityError:
                    safe_rollback()
                    ballot.outcome = REFUSED
        writer.faults.succeeded()
    except Busy as error:
        safe_rollback()
        for ballot in group:
            ballot.outcome, ballot.busy = BUSY, error.message
    except Exception as error:
        safe_rollback()
        writer.faults.failed(error)
    finally:
        for ballot in group:
            ballot.done.set()


_votes, _upvotes, _questions = Vote.__table__, QuestionUpvote.__table__, Question.__table__
#: Plain (Core) statements, made once: the ORM's bulk insert cost more CPU than the rest of the write.
_INSERT = _votes.insert()
_UPDATE = _votes.update().where(_votes.c.id == bindparam("replaced_id"))
_INSERT_UPVOTE = _upvotes.insert()
_COUNT_UPVOTE = (_questions.update().where(_questions.c.id == bindparam("upvoted_id"))
                 .values(upvotes=_questions.c.upvotes + 1))


def _write(ballots: list[_Ballot]) -> None:
    """The new votes in one statement, the replaced ones in another (each with the same columns), the upvotes'
    rows in a third and their counts in a fourth."""
    connection = db.session.connection()
    new = [ballot.values for ballot in ballots if ballot.kind == VOTE and ballot.replaces is None]
    changed = [{**ballot.values, "replaced_id": ballot.replaces} for ballot in ballots
               if ballot.kind == VOTE and ballot.replaces is not None]
    upvotes = [ballot.values for ballot in ballots if ballot.kind == UPVOTE]
    if new:
        connection.execute(_INSERT, new)
    if changed:
        connection.execute(_UPDATE, changed)
    if upvotes:
        connection.execute(_INSERT_UPVOTE, upvotes)
        connection.execute(_COUNT_UPVOTE, [{"upvoted_id": values["question_id"]} for values in upvotes])
