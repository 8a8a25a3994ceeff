"""The server's background loops that run as long as the process: one round every so often, and a round that
fails (the database is away) is logged once per kind (eventapp/faults.py) and never ends the loop."""

from collections.abc import Callable

from flask import Flask

from eventapp.extensions import socketio
from eventapp.faults import BACKOFF, Faults, run_round


def keep_running(app: Flask, faults: Faults, every: float, work: Callable[[], object]) -> None:
    """Start a background task that runs `work` every `every` seconds, and waits BACKOFF more after a failure."""

    def loop():
        while True:
            socketio.sleep(every)
            if not run_round(app, faults, work):
                socketio.sleep(BACKOFF)

    socketio.start_background_task(loop)
