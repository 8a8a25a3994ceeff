"""What changed, for the pushes: the controller records each change here and commits through `commit()`.

Two kinds of record (docs/architecture.md, "Changes and the outbox"):
- a *change* (crew-paced: the state, the programme, a poll, the questions, connections to drop) is a row of the
  outbox table, written in the transaction of the change itself: a change made in another process (the CLI)
  reaches the server's connections too, and one committed by a worker that died before pushing it is not lost;
- a *tap* (audience-paced: a vote counted, a reaction, a question asked or upvoted) is handed on in memory only,
  never a database write of its own: what it summarises is in the database already (votes, questions) or is
  counted by the pump (reactions).

After the commit, `commit()` hands the changes to the relay that the realtime layer registers on the app
(`set_relay`): it pushes them and deletes their rows. This module imports no realtime or web code; a process
without a relay (the CLI) leaves its rows for a server's loop to claim and push.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event

from eventapp.extensions import db
from eventapp.faults import safe_rollback
from eventapp.models import OutboxChange

log = logging.getLogger(__name__)

#: The kinds of change, stored as rows: each names what its push needs in `data`.
STATE = "state"            # the live state: {}
PROGRAMME = "programme"    # the run sheet: {"version": N}
POLL = "poll"              # a poll's results and voter counts: {"poll": ID}
QUESTIONS = "questions"    # the question list: {}
DROP = "drop"              # connections whose link was replaced: {"sids": [...]}
#: Answers or questions approved by moderation, to tell their participants' phones:
#: {"answers": [[PARTICIPANT, POLL], ...], "questions": [[PARTICIPANT, QUESTION], ...]} (either may be left out)
APPROVED = "approved"
CHANGES = (STATE, PROGRAMME, POLL, QUESTIONS, DROP, APPROVED)
#: The kinds of tap, in memory only.
VOTE = "vote"              # a poll got a vote: {"poll": ID}
REACTION = "reaction"      # {"site": KEY, "reaction": "applause"}
TAPS = (VOTE, REACTION, QUESTIONS)

#: Where the realtime layer registers its relay on the app.
RELAY = "eventapp.outbox.relay"
#: Where the session keeps the changes recorded in its transaction.
_PENDING = "eventapp.outbox.pending"


@dataclass(frozen=True)
class Change:
    """One change or tap to push: `row_id` is its outbox row (None for a tap, which is not stored)."""

    event_id: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    row_id: int | None = None


Relay = Callable[[list[Change]], None]


def set_relay(app: Flask, relay: Relay | None) -> None:
    """Register the function that pushes changes after their commit (the realtime layer does, at app creation);
    None: this process pushes nothing, its changes wait in the outbox for a server to claim (the CLI)."""
    app.extensions[RELAY] = relay


def record(event_id: int, kind: str, /, **data) -> None:
    """Write a change to the outbox in the session's transaction; it is pushed after `commit()`."""
    if kind not in CHANGES:
        raise ValueError(f"unknown kind of change {kind!r}; one of {', '.join(CHANGES)}")
    row = OutboxChange(event_id=event_id, kind=kind, data=data)
    db.session.add(row)
    db.session.info.setdefault(_PENDING, []).append(row)


def commit() -> None:
    """Commit the session's transaction, then hand the changes recorded in it to the app's relay.

    A relay that fails is logged, not raised: the change is committed, and its rows stay for a server's loop.
    """
    pending = db.session.info.pop(_PENDING, [])
    db.session.flush()  # gives the rows their ids before the commit expires them
    changes = [Change(row.event_id, row.kind, row.data, row.id) for row in pending]
    db.session.commit()
    _hand_on(changes)


def tap(event_id: int, kind: str, /, **data) -> None:
    """Hand an audience's tap to the relay at once (nothing is stored); call it after what it summarises is
    committed."""
    if kind not in TAPS:
        raise ValueError(f"unknown kind of tap {kind!r}; one of {', '.join(TAPS)}")
    _hand_on([Change(event_id, kind, data)])


@event.listens_for(db.session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    """A transaction that was rolled back wrote none of its changes: they are not handed on by a later commit."""
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def _hand_on(changes: list[Change]) -> None:
    relay = current_app.extensions.get(RELAY)
    if relay is None or not changes:
        return
    try:
        relay(changes)
    except Exception:
        safe_rollback()
        log.exception("pushing %d change(s) failed; the stored ones are pushed by the server's loop", len(changes))
