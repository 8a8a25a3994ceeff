"""Rate limits against floods from one participant or address.

With a Redis message queue configured the counters live in Redis (the `limits` library), so every worker
shares them; their keys start with the queue's channel name, so that deployments sharing a Redis stay apart.
Otherwise they live in this process's memory, in `LocalMovingWindows` below, not in `limits`' memory storage:
that one starts a timer thread on nearly every hit, and under eventlet starting a thread hands control to the
event loop in the middle of a vote that holds a database connection. Under a few hundred votes a second that
parked every connection of the pool and votes timed out (docs/performance.md).
"""

import time
from collections import deque

from flask import current_app
from limits import RateLimitItem, parse, storage, strategies

from eventapp.settings import redis_queue_url

#: What one participant (or, for joining and join codes, one address) may do.
LIMITS: dict[str, RateLimitItem] = {
    "vote": parse("20/10 seconds"),
    "question": parse("3/minute"),
    "upvote": parse("30/minute"),
    "reaction": parse("10/10 seconds"),
    # Participants made per address: generous, a whole room of 300 and more may share one address behind a NAT.
    "join": parse("600/minute"),
    # Join codes looked up in vain per address (typed code, phone page, API join, socket connect by code): against
    # guessing codes. Only misses count, so a room's phones, which all bring the right code, never use it up.
    "wrong-code": parse("100/minute"),
    # A code this address looked up successfully: an address over its misses may still use such a code (its room
    # keeps joining), but not try new ones. Not a limit but a marker: one hit, remembered for 12 hours.
    "known-code": parse("1/12 hours"),
}


def address_allowed(kind: str) -> bool:
    """Count one `kind` action by the requesting address (HTTP request or Socket.IO handshake)."""
    from flask import request

    return allowed(kind, f"address:{request.remote_addr}")


def allowed(kind: str, who: str) -> bool:
    """Count one `kind` action by `who`; False when that goes over its limit."""
    return _limiter().hit(LIMITS[kind], kind, who)


def used_up(kind: str, who: str) -> bool:
    """Whether `who` has no `kind` action left in the window right now; counts nothing."""
    return not _limiter().test(LIMITS[kind], kind, who)


class LocalMovingWindows:
    """Moving-window limits in this process's memory: the times of each key's recent hits, and no threads."""

    #: Forget keys without recent hits once this many keys are kept.
    SWEEP_AT = 10_000

    def __init__(self) -> None:
        #: Per key: its window in seconds and the times of its hits within it.
        self._hits: dict[str, tuple[float, deque[float]]] = {}

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one hit, unless the key had `item.amount` hits in the last `item.get_expiry()` seconds."""
        now = time.monotonic()
        hits = self._recent(item, identifiers, now)
        if len(hits) >= item.amount:
            return False
        hits.append(now)
        if len(self._hits) > self.SWEEP_AT:
            self._sweep(now)
        return True

    def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Whether one more hit would be counted; counts nothing."""
        return len(self._recent(item, identifiers, time.monotonic())) < item.amount

    def _recent(self, item: RateLimitItem, identifiers: tuple[str, ...], now: float) -> deque[float]:
        """The key's hits within its window, older ones dropped."""
        window = item.get_expiry()
        _, hits = self._hits.setdefault(item.key_for(*identifiers), (window, deque()))
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    def _sweep(self, now: float) -> None:
        """Forget the keys whose last hit is older than their window: none of their hits counts any more."""
        self._hits = {key: (window, hits) for key, (window, hits) in self._hits.items()
                      if hits and hits[-1] > now - window}


def _limiter() -> strategies.MovingWindowRateLimiter | LocalMovingWindows:
    """The app's limiter, made on first use: Redis when the message queue is Redis, else this process's memory."""
    limiter = current_app.extensions.get("eventapp.ratelimit")
    if limiter is None:
        queue = redis_queue_url(current_app.config)
        if queue:
            prefix = f"{current_app.config['MESSAGE_QUEUE_CHANNEL']}:limits"
            limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(queue, key_prefix=prefix))
        else:
            limiter = LocalMovingWindows()
        current_app.extensions["eventapp.ratelimit"] = limiter
    return limiter
