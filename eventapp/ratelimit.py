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

#: What one participant (or, for joining, one address) may do.
LIMITS: dict[str, RateLimitItem] = {
    "vote": parse("20/10 seconds"),
    "question": parse("3/minute"),
    "upvote": parse("30/minute"),
    "reaction": parse("10/10 seconds"),
    "join": parse("300/minute"),  # generous: a whole room may share one address behind a venue NAT
    # Looking a join code up (typed code, phone page, socket connect by code), per address: against guessing
    # codes. Every phone of a room behind one NAT opens its page and socket, and reconnects after a glitch.
    "code": parse("1200/minute"),
}


def address_allowed(kind: str) -> bool:
    """Count one `kind` action by the requesting address (HTTP request or Socket.IO handshake)."""
    from flask import request

    return allowed(kind, f"address:{request.remote_addr}")


def allowed(kind: str, who: str) -> bool:
    """Count one `kind` action by `who`; False when that goes over its limit."""
    return _limiter().hit(LIMITS[kind], kind, who)


class LocalMovingWindows:
    """Moving-window limits in this process's memory: the times of each key's recent hits, and no threads."""

    #: Forget keys without recent hits once this many keys are kept.
    SWEEP_AT = 10_000

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._longest_window = 0.0

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one hit, unless the key had `item.amount` hits in the last `item.get_expiry()` seconds."""
        now = time.monotonic()
        self._longest_window = max(self._longest_window, item.get_expiry())
        since = now - item.get_expiry()
        key = item.key_for(*identifiers)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= since:
            hits.popleft()
        if len(hits) >= item.amount:
            return False
        hits.append(now)
        if len(self._hits) > self.SWEEP_AT:
            self._sweep(now - self._longest_window)
        return True

    def _sweep(self, since: float) -> None:
        """Forget the keys whose last hit is older than the longest window: none of their hits counts any more."""
        self._hits = {key: hits for key, hits in self._hits.items() if hits and hits[-1] > since}


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
