"""Rate limits against floods from one participant or address (the `limits` library).

With a Redis message queue configured the counters live in Redis, so every worker shares them; otherwise in
this process's memory.
"""

from flask import current_app
from limits import RateLimitItem, parse, storage, strategies

#: What one participant (or, for joining, one address) may do.
LIMITS: dict[str, RateLimitItem] = {
    "vote": parse("20/10 seconds"),
    "question": parse("3/minute"),
    "upvote": parse("30/minute"),
    "reaction": parse("10/10 seconds"),
    "join": parse("300/minute"),  # generous: a whole room may share one address behind a venue NAT
}


def allowed(kind: str, who: str) -> bool:
    """Count one `kind` action by `who`; False when that goes over its limit."""
    return _limiter().hit(LIMITS[kind], kind, who)


def _limiter() -> strategies.MovingWindowRateLimiter:
    """The app's limiter, made on first use: Redis when the message queue is Redis, else memory."""
    limiter = current_app.extensions.get("eventapp.ratelimit")
    if limiter is None:
        queue = current_app.config.get("MESSAGE_QUEUE_URL") or ""
        uri = queue if queue.startswith("redis://") else "memory://"
        limiter = current_app.extensions["eventapp.ratelimit"] = strategies.MovingWindowRateLimiter(
            storage.storage_from_string(uri))
    return limiter
