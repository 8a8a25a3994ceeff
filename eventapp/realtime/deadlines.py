"""The server's clock for the crew's deadlines: every INTERVAL it closes the polls whose time to answer is up.

The deadline is a stored moment (`Poll.closes_at`), not a countdown in this process: a server that restarts closes
at once what came due while it was down, and with several workers each poll is closed once (the controller checks
it again under the live state's lock). The close is an ordinary change: logged, and pushed through the outbox.
"""

from flask import Flask

from eventapp.controller.polls import close_due_polls
from eventapp.faults import Faults
from eventapp.realtime.loops import keep_running

#: Seconds between two looks for polls that are due: a poll closes at most this late.
INTERVAL = 0.5


def start(app: Flask) -> None:
    """At server start: close the polls whose time is up, every INTERVAL."""
    keep_running(app, Faults("closing polls whose time is up"), INTERVAL, close_due_polls)
