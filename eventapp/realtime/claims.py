"""Claims across workers: which worker makes a shared push now, so that several workers make it once.

With several workers every push reaches every connection anyway (the message queue fans it out), but each
worker's pump pushes the polls its own phones voted on: without a claim, N workers with voters would each push
the same poll's results every beat, and every phone would get N result messages where one does (N times the
frames for the workers to write and the phones to read: the broadcast work would grow with the workers instead
of shrinking). A claim is a Redis key set with NX and an expiry of one interval: the worker that sets it pushes;
the others keep their push pending and try again at their next beat, so a vote on any worker is shown at most
a beat or two later, never lost (the push reads the results from the database).

With one process, or a message queue that is not Redis, every claim is granted (each process pushes alone).
"""

import logging

import redis
from flask import current_app

from eventapp.settings import redis_queue_url

log = logging.getLogger(__name__)


def take(name: str, seconds: float) -> bool:
    """Claim `name` for `seconds` for this worker; False when another worker holds it. A Redis failure grants
    the claim: a push made twice is better than one not made."""
    client = _redis()
    if client is None:
        return True
    key = f"{current_app.config['MESSAGE_QUEUE_CHANNEL']}:claim:{name}"
    try:
        return bool(client.set(key, current_app.config["WORKER_ID"], nx=True, px=max(1, int(seconds * 1000))))
    except redis.RedisError:
        log.warning("claim %s: Redis failed; this worker pushes anyway", name, exc_info=True)
        return True


def _redis():
    """The app's Redis client for claims, made on first use; None without a Redis message queue."""
    extensions = current_app.extensions
    if "eventapp.claims" not in extensions:
        queue = redis_queue_url(current_app.config)
        extensions["eventapp.claims"] = redis.Redis.from_url(queue, socket_timeout=2) if queue else None
    return extensions["eventapp.claims"]
