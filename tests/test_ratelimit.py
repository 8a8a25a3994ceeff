"""The in-process rate limiter: a moving window per key, and never a thread (see eventapp/ratelimit.py)."""

import threading

from limits import parse

from eventapp import ratelimit
from eventapp.ratelimit import LocalMovingWindows


def test_a_key_gets_its_amount_of_hits_per_window_and_no_more(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    limiter, three_per_ten = LocalMovingWindows(), parse("3/10 seconds")
    assert [limiter.hit(three_per_ten, "vote", "p1") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three_per_ten, "vote", "p2"), "another participant has a window of its own"
    clock[0] += 9.9
    assert not limiter.hit(three_per_ten, "vote", "p1")
    clock[0] += 0.2
    assert limiter.hit(three_per_ten, "vote", "p1"), "the first hits have left the window"


def test_checking_a_rate_limit_never_starts_a_thread(monkeypatch):
    """Under eventlet a thread start yields to the event loop while the caller holds a database connection."""
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    limiter = LocalMovingWindows()
    for participant in range(200):
        limiter.hit(ratelimit.LIMITS["vote"], "vote", f"participant:{participant}")
    assert started == []


def test_keys_without_recent_hits_are_forgotten_once_there_are_many(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(LocalMovingWindows, "SWEEP_AT", 10)
    limiter, per_minute = LocalMovingWindows(), parse("3/minute")
    for participant in range(10):
        limiter.hit(per_minute, "question", f"p{participant}")
    clock[0] += 61
    limiter.hit(per_minute, "question", "late")
    limiter.hit(per_minute, "question", "later")
    assert len(limiter._hits) == 2
