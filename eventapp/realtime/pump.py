"""Bounded-rate pushes: poll results, the question list and reactions are sent a few times a second at most.

A thousand votes a second then cost four result broadcasts, not a thousand. What is pending lives in this
process only; it is derived from the database when sent, so a lost batch (a crash) loses nothing stored.
"""

import threading
from collections import Counter

from flask import current_app

from eventapp.extensions import db, socketio

#: Seconds between two pushes of the same kind.
INTERVAL = 0.25
#: The loop stops after this many idle rounds, and starts again with the next change.
IDLE_ROUNDS = 40

_lock = threading.Lock()
_polls: set[tuple[int, int]] = set()
_questions: set[int] = set()
_reactions: dict[int, Counter] = {}
_running = False


def poll_changed(event_id: int, poll_id: int) -> None:
    """A poll got a vote (or was moderated): its results go out with the next push."""
    with _lock:
        _polls.add((event_id, poll_id))
    _ensure_running()


def questions_changed(event_id: int) -> None:
    """The event's questions changed: the list goes out with the next push."""
    with _lock:
        _questions.add(event_id)
    _ensure_running()


def reaction(event_id: int, site_key: str, kind: str) -> None:
    """Count a reaction for the next burst on the screens."""
    with _lock:
        _reactions.setdefault(event_id, Counter())[(site_key, kind)] += 1
    _ensure_running()


def flush() -> None:
    """Send everything pending now (the loop calls this; tests may too)."""
    from eventapp.realtime import publish

    global _polls, _questions, _reactions
    with _lock:
        polls, questions, reactions = _polls, _questions, _reactions
        _polls, _questions, _reactions = set(), set(), {}
    for event_id, poll_id in sorted(polls):
        publish.poll_results(event_id, poll_id)
    for event_id in sorted(questions):
        publish.questions(event_id)
    for event_id, counts in reactions.items():
        publish.reactions(event_id, counts)


def _ensure_running() -> None:
    global _running
    with _lock:
        if _running:
            return
        _running = True
    socketio.start_background_task(_loop, current_app._get_current_object())


def _loop(app) -> None:
    global _running
    idle = 0
    while idle < IDLE_ROUNDS:
        socketio.sleep(INTERVAL)
        with _lock:
            busy = bool(_polls or _questions or _reactions)
        if not busy:
            idle += 1
            continue
        idle = 0
        with app.app_context():
            try:
                flush()
            finally:
                db.session.remove()
    with _lock:
        _running = False
        pending = bool(_polls or _questions or _reactions)
    if pending:  # something arrived while the loop was stopping
        with app.app_context():
            _ensure_running()
