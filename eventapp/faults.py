"""What the app does when the database fails under it (gone, refusing connections, disk full): end the session
whatever state it is in, log each kind of failure once, back off briefly, and keep going.

Issue 16: a PostgreSQL outage of a few seconds killed the results pump for good (its loop had no `except`), and a
rollback that raised in the vote writer left a group open that every later vote waited for. So every background
loop runs its rounds through `run_round`, and every place that rolls back after a failure uses `safe_rollback`.
"""

import logging
from collections.abc import Callable

from flask import Flask

from eventapp.extensions import db

log = logging.getLogger(__name__)
#: Seconds a background loop waits after a failed round before its next one.
BACKOFF = 1.0


class Faults:
    """The kinds of failure one part of the app has logged since it last worked: each kind is logged once (with
    its traceback), so that an outage of minutes does not flood the log, and the recovery is logged too."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.logged: set[str] = set()

    def failed(self, error: BaseException) -> None:
        """Log this failure if its kind was not logged since the last success."""
        kind = type(error).__name__
        if kind in self.logged:
            log.debug("%s failed again (%s: %s)", self.what, kind, error)
            return
        self.logged.add(kind)
        log.error("%s failed (%s); it goes on and tries again", self.what, kind, exc_info=error)

    def succeeded(self) -> None:
        """Log the recovery once, after failures."""
        if self.logged:
            log.warning("%s works again (after %s)", self.what, ", ".join(sorted(self.logged)))
            self.logged.clear()


def safe_rollback() -> None:
    """Roll the session back; when even that fails (the connection is gone), drop its connections instead, so
    that the session is usable again and the next statement takes a fresh connection from the pool."""
    try:
        db.session.rollback()
    except Exception as error:
        log.debug("rollback failed (%s); invalidating the session's connections", type(error).__name__)
        db.session().invalidate()  # the scoped session's own Session: the proxy has no invalidate()


def end_session() -> None:
    """Roll back and give the session back, never raising: the last step of a background round."""
    safe_rollback()
    try:
        db.session.remove()
    except Exception as error:
        log.debug("closing the session failed (%s)", type(error).__name__)


def run_round(app: Flask, faults: Faults, work: Callable[[], object]) -> bool:
    """Run one round of a background loop in an app context; True when it worked. A failure is logged (once per
    kind, by `faults`) and the session ended; it never reaches the loop, so the loop keeps going."""
    with app.app_context():
        try:
            work()
        except Exception as error:
            faults.failed(error)
            return False
        else:
            faults.succeeded()
            return True
        finally:
            end_session()
