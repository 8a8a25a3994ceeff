"""The outbox's relay (eventapp/outbox.py): turns the changes the controller records into pushes.

A process's own changes are pushed right after their commit (`deliver`, before the controller returns, so the
chair's `state:changed` goes out before its acknowledgement), then their rows are deleted. Changes that another
process left in the outbox (the CLI, or a worker that died between its commit and its push) are claimed every
CLAIM_INTERVAL by the loop of each server process (`start`) and pushed by the one that claimed them. publish.py
stays the one module that emits; this one decides what each change becomes.
"""

import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from flask import Flask
from sqlalchemy import delete, select

from eventapp import outbox
from eventapp.extensions import db
from eventapp.faults import Faults, safe_rollback
from eventapp.models import OutboxChange
from eventapp.models.base import utcnow
from eventapp.realtime import publish, pump
from eventapp.realtime.loops import keep_running

log = logging.getLogger(__name__)
#: Seconds between two looks of a server process for changes that another process left.
CLAIM_INTERVAL = 0.5
#: A row is claimed only once it is this old: the process that wrote it pushes and deletes it within
#: milliseconds after its commit, and must not race the claim.
GRACE = timedelta(seconds=0.5)


def init_app(app: Flask) -> None:
    """Register the relay on the app (the controller's commits hand it their changes), and the pump's state."""
    outbox.set_relay(app, deliver)
    pump.init_app(app)


def deliver(changes: list[outbox.Change]) -> None:
    """Push this process's changes right after their commit, then delete the rows of the stored ones. A push that
    fails raises: the rows stay, and a server's loop pushes them again later."""
    for change in _unique(changes):
        push(change)
    stored = [change.row_id for change in changes if change.row_id is not None]
    if stored:
        db.session.execute(delete(OutboxChange).where(OutboxChange.id.in_(stored)))
        db.session.commit()


def push(change: outbox.Change) -> None:
    """What one change or tap becomes: a push now (publish.py), or a push with the pump's next beat."""
    event_id, data = change.event_id, change.data
    if change.kind == outbox.STATE:
        publish.state_changed(event_id)
    elif change.kind == outbox.PROGRAMME:
        publish.programme_changed(event_id, data["version"])
    elif change.kind == outbox.POLL:
        pump.poll_changed(event_id, data["poll"])
    elif change.kind == outbox.QUESTIONS:
        pump.questions_changed(event_id)
    elif change.kind == outbox.APPROVED:
        publish.approved(event_id, data.get("answers", []), data.get("questions", []))
    elif change.kind == outbox.DROP:
        publish.drop_connections(data["sids"])
    elif change.kind == outbox.VOTE:
        pump.poll_voted(event_id, data["poll"])
    elif change.kind == outbox.REACTION:
        pump.reaction(event_id, data["site"], data["reaction"])
    else:
        raise ValueError(f"unknown kind of change {change.kind!r}")


def start(app: Flask) -> None:
    """At server start: every CLAIM_INTERVAL, push the changes other processes left in the outbox."""
    keep_running(app, Faults("claiming the outbox"), CLAIM_INTERVAL, push_left_changes)


def push_left_changes() -> int:
    """Claim the rows older than GRACE and push them; returns how many were claimed.

    The claim is one `DELETE ... RETURNING` (SQLite 3.35+, PostgreSQL), committed before the pushes: with several
    workers each row is claimed, and pushed, by one of them (its pushes reach every worker's clients through the
    message queue), and no worker holds SQLite's write lock while it pushes. An idle look only reads.
    """
    table = OutboxChange.__table__
    left = table.c.at < utcnow() - GRACE
    if db.session.scalar(select(table.c.id).where(left).limit(1)) is None:
        db.session.rollback()  # ends the read
        return 0
    claimed = db.session.execute(
        delete(table).where(left).returning(table.c.id, table.c.event_id, table.c.kind, table.c.data)).all()
    db.session.commit()
    changes = [outbox.Change(row.event_id, row.kind, row.data) for row in sorted(claimed, key=lambda row: row.id)]
    for change in _unique(changes):
        try:
            push(change)
        except Exception:
            safe_rollback()
            log.exception("pushing a claimed change (%s of event %s) failed", change.kind, change.event_id)
    return len(claimed)


def _unique(changes: list[outbox.Change]) -> Iterable[outbox.Change]:
    """Each change once, in order: a transaction (or a claim) that recorded the same change twice pushes it once."""
    if len(changes) == 1:
        yield changes[0]
        return
    seen = set()
    for change in changes:
        key = (change.event_id, change.kind, json.dumps(change.data, sort_keys=True))
        if key not in seen:
            seen.add(key)
            yield change
