"""Bounded-rate pushes: poll results, the question list and reactions are sent a few times a second at most.

A thousand votes a second then cost about seven result broadcasts, not a thousand. Votes reach the crew and the room
screens every INTERVAL but the phones only every PHONE_INTERVAL: a phone shows the bars beside its own answer
and needs no quarter-second updates, while every phone push is one frame per phone (thousands) against a few
for the screens. A change by the crew (open, reveal, moderate) goes to everyone with the next push. What is
pending lives in this process only (one Pump per app, in app.extensions); it is derived from the database when
sent, so a lost batch (a crash) loses nothing stored. With several workers, a push for votes is made by one of
them per interval (claims.py).
"""

import threading
import time
from collections import Counter
from datetime import datetime

from flask import Flask, current_app

from eventapp.extensions import socketio
from eventapp.faults import BACKOFF, Faults, run_round
from eventapp.models.base import utcnow
from eventapp.realtime import claims

#: Seconds between two pushes of the same kind. A vote waits for the next push, so this alone puts the
#: vote-to-screen p95 near 0.95 x INTERVAL: 0.15 s leaves about 150 ms of the 300 ms target for the rest. Each
#: push is a few frames (the crew and the screens); the phones get results at most every PHONE_INTERVAL.
INTERVAL = 0.15
#: Seconds between two pushes of a poll's results to the phones while votes come in.
PHONE_INTERVAL = 1.0
#: The loop stops after this many idle rounds, and starts again with the next change.
IDLE_ROUNDS = 40
#: Where the app keeps its pump.
KEY = "eventapp.pump"


class Pump:
    """What one app has pending to push in this process, and whether its loop runs (kept in app.extensions)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.polls: set[tuple[int, int]] = set()  # to the crew and the screens with the next push
        self.phones_now: set[tuple[int, int]] = set()  # to the phones with the next push
        self.phones_later: set[tuple[int, int]] = set()  # to the phones once PHONE_INTERVAL has passed
        self.phones_due = 0.0  # time.monotonic() from which the phones may get results again
        self.questions: set[int] = set()
        self.reactions: dict[int, Counter] = {}
        self.at: dict[tuple[int, int], datetime] = {}  # to everyone once this moment (a reveal's) has come
        self.running = False
        self.faults = Faults("the results pump")

    def busy(self, phones_due: bool) -> bool:
        """Whether a push is due now (call with the lock held)."""
        return bool(self.polls or self.phones_now or self.questions or self.reactions
                    or (self.phones_later and phones_due) or any(moment <= utcnow() for moment in self.at.values()))


def init_app(app: Flask) -> None:
    """Give the app its pump (at app creation): two apps in one process never share what is pending."""
    app.extensions[KEY] = Pump()


def state(app: Flask | None = None) -> Pump:
    """The pump of this app (the current one by default)."""
    return (app or current_app).extensions[KEY]


def poll_changed(event_id: int, poll_id: int) -> None:
    """The crew changed a poll (opened, revealed, moderated...): its results go to everyone with the next push."""
    pump = state()
    with pump.lock:
        pump.polls.add((event_id, poll_id))
        pump.phones_now.add((event_id, poll_id))
    _ensure_running()


def poll_changed_at(event_id: int, poll_id: int, moment: datetime) -> None:
    """A poll's results change for the audience at `moment` (a reveal's): they go to everyone with the first push
    from then on."""
    pump = state()
    with pump.lock:
        pump.at[(event_id, poll_id)] = min(moment, pump.at.get((event_id, poll_id), moment))
    _ensure_running()


def poll_voted(event_id: int, poll_id: int) -> None:
    """A poll got a vote: its results go to the crew and the screens with the next push, to the phones at most
    every PHONE_INTERVAL."""
    pump = state()
    with pump.lock:
        pump.polls.add((event_id, poll_id))
        pump.phones_later.add((event_id, poll_id))
    _ensure_running()


def questions_changed(event_id: int) -> None:
    """The event's questions changed: the list goes out with the next push."""
    pump = state()
    with pump.lock:
        pump.questions.add(event_id)
    _ensure_running()


def reaction(event_id: int, site_key: str, kind: str) -> None:
    """Count a reaction for the next burst on the screens."""
    pump = state()
    with pump.lock:
        pump.reactions.setdefault(event_id, Counter())[(site_key, kind)] += 1
    _ensure_running()


def flush(phones_due: bool = True) -> None:
    """Send everything pending now; `phones_due`: the phones' results too (the loop passes whether their
    interval has passed; tests call it plain)."""
    from eventapp.realtime import publish

    pump = state()
    now = utcnow()
    with pump.lock:
        come = {key for key, moment in pump.at.items() if moment <= now}
        for key in come:
            del pump.at[key]
        pump.polls |= come
        pump.phones_now |= come
        polls, changed, questions, reactions = pump.polls, pump.phones_now, pump.questions, pump.reactions
        pump.polls, pump.phones_now, pump.questions, pump.reactions = set(), set(), set(), {}
        voted = set()
        if phones_due and pump.phones_later:
            voted, pump.phones_later = pump.phones_later - changed, set()
            pump.phones_due = time.monotonic() + PHONE_INTERVAL
    # A change by the crew goes out at once; a push for votes only from the worker that claims it, the others
    # keep it pending (claims.py: with several workers, one push per interval for all of them).
    screens = {(event_id, poll_id) for event_id, poll_id in polls
               if (event_id, poll_id) in changed or claims.take(f"results:{event_id}:{poll_id}", INTERVAL)}
    phones = changed | {(event_id, poll_id) for event_id, poll_id in voted
                        if claims.take(f"phone-results:{event_id}:{poll_id}", PHONE_INTERVAL)}
    with pump.lock:
        pump.polls |= polls - screens
        pump.phones_later |= voted - phones
    todo_polls, todo_questions, todo_reactions = sorted(screens | phones), sorted(questions), dict(reactions)
    try:
        while todo_polls:
            event_id, poll_id = todo_polls[0]
            publish.poll_results(event_id, poll_id, screens=(event_id, poll_id) in screens,
                                 phones=(event_id, poll_id) in phones)
            todo_polls.pop(0)
        while todo_questions:
            publish.questions(todo_questions[0])
            todo_questions.pop(0)
        for event_id in list(todo_reactions):
            publish.reactions(event_id, todo_reactions[event_id])
            del todo_reactions[event_id]
    except Exception:
        # The database or the message queue failed: what was not sent stays pending for the next push.
        with pump.lock:
            pump.polls |= {key for key in todo_polls if key in screens}
            pump.phones_now |= {key for key in todo_polls if key in phones}
            pump.questions |= set(todo_questions)
            for event_id, counts in todo_reactions.items():
                pump.reactions.setdefault(event_id, Counter()).update(counts)
        raise


def _ensure_running() -> None:
    pump = state()
    with pump.lock:
        if pump.running:
            return
        pump.running = True
    socketio.start_background_task(_loop, current_app._get_current_object())


def _loop(app: Flask) -> None:
    """Run the beat until it has been idle IDLE_ROUNDS; whatever ends it, the running flag is cleared, so that the
    next change starts a new loop (a loop that died with its flag set stopped every push until a restart)."""
    pump = state(app)
    try:
        _beat(app, pump)
    finally:
        with pump.lock:
            pump.running = False
            pending = pump.busy(True) or bool(pump.at)
    if pending:  # something arrived while the loop was stopping
        with app.app_context():
            _ensure_running()


def _beat(app: Flask, pump: Pump) -> None:
    """Push what is pending every INTERVAL, on a steady beat: the time a push takes, or a late wake-up of a busy
    loop, does not lengthen the wait for the next one (it would add to every vote's way to the screens). A push
    that fails (the database is away) is logged once per kind, kept pending, and tried again after BACKOFF."""
    idle = 0
    due = time.monotonic()
    while idle < IDLE_ROUNDS:
        due = max(due + INTERVAL, time.monotonic())  # after a stall longer than a beat, start a new beat now
        socketio.sleep(max(0.0, due - time.monotonic()))
        with pump.lock:
            phones_due = time.monotonic() >= pump.phones_due
            busy = pump.busy(phones_due)
            waiting = bool(pump.phones_later or pump.at)
        if not busy:
            idle = 0 if waiting else idle + 1
            continue
        idle = 0
        if not run_round(app, pump.faults, lambda due_now=phones_due: flush(due_now)):
            socketio.sleep(BACKOFF)
