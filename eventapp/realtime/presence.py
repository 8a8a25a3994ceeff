"""Who is connected: this worker's connections in memory, written to the shared Presence table in batches.

A Socket.IO session lives on exactly one worker process, so the worker keeps each connection's identity (role,
event, site, participant) in memory: a handler finds its caller without reading Presence. The crew's counts
(and other workers) read the Presence table, which this worker writes in one transaction every FLUSH_INTERVAL:
2,000 phones reconnecting at once are a few commits, not 2,000. Chair, host and screen connections are written
at once (they are few, and rotating a link drops the connections it finds in the table).

Every row names its worker. A worker writes its heartbeat (Worker.seen_at) with every batch and every
WORKER_BEAT seconds; counts ignore the rows of a worker not seen for snapshot.WORKER_TIMEOUT (it died and did not
come back), and a worker that starts deletes its own rows (its connections died with its earlier run).
"""

import threading
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import delete, insert, or_, select, update

from eventapp.extensions import db, socketio
from eventapp.faults import Faults, run_round, safe_rollback
from eventapp.models import Presence, Role, Worker
from eventapp.models.base import utcnow
from eventapp.realtime import publish
from eventapp.realtime.loops import keep_running
from eventapp.views.state import WORKER_TIMEOUT

#: Seconds between two writes of the phones that connected or left.
FLUSH_INTERVAL = 0.5
#: The crew's presence view is sent at most this often per event (a thousand phones joining is one update).
PRESENCE_INTERVAL = 1.0
#: Seconds between two heartbeats of a running worker.
WORKER_BEAT = 5.0
#: Roles whose connections are written at once.
WRITTEN_AT_ONCE = (Role.CHAIR.value, Role.HOST.value, Role.SCREEN.value, Role.SPEAKER.value)
#: Rows per statement when a batch is written (SQLite limits the parameters of one statement).
CHUNK = 500


@dataclass(frozen=True)
class Connection:
    """One connection of this worker: who it is, as its connect authenticated it."""

    sid: str
    role: str
    event_id: int
    site_id: int | None
    participant_id: int | None
    #: The site's key as it was at the connect (the connection's rooms are named by it).
    site_key: str | None = None


class Book:
    """This worker's connections, and the changes not yet written to the Presence table (one per app)."""

    def __init__(self) -> None:
        self.connections: dict[str, Connection] = {}
        self.added: dict[str, Connection] = {}
        self.removed: dict[str, int] = {}  # sid -> event id
        self.flush_scheduled = False
        self.announcing: set[int] = set()  # events whose crew is told soon
        self.lock = threading.Lock()
        self.faults = Faults("writing presence")


def book(app: Flask | None = None) -> Book:
    """The connections of this app in this process."""
    extensions = (app or current_app).extensions
    return extensions.get("eventapp.presence") or extensions.setdefault("eventapp.presence", Book())


def connection(sid: str) -> Connection | None:
    """The connection with this session id, if this worker holds it."""
    return book().connections.get(sid)


def arrive(conn: Connection) -> None:
    """Remember a new connection; its Presence row is written with the next batch (at once for the crew)."""
    current = book()
    with current.lock:
        current.connections[conn.sid] = conn
        current.added[conn.sid] = conn
    _write_soon(conn.role)


def leave(sid: str) -> Connection | None:
    """Forget a connection; its Presence row is deleted with the next batch (at once for the crew)."""
    current = book()
    with current.lock:
        conn = current.connections.pop(sid, None)
        if conn is None:
            return None
        if current.added.pop(sid, None) is None:  # written already: delete its row
            current.removed[sid] = conn.event_id
    _write_soon(conn.role)
    return conn


def seen(conn: Connection) -> None:
    """A screen's heartbeat: the chair shows when each screen was last seen (phones' heartbeats change nothing)."""
    if conn.role != Role.SCREEN.value:
        return
    db.session.execute(update(Presence).where(Presence.sid == conn.sid).values(last_seen=utcnow()))
    db.session.commit()
    _announce_soon(conn.event_id)


def _write_soon(role: str) -> None:
    if role in WRITTEN_AT_ONCE:
        write_batch()
        return
    current = book()
    with current.lock:
        if current.flush_scheduled:
            return
        current.flush_scheduled = True
    app = current_app._get_current_object()

    def write_later():
        socketio.sleep(FLUSH_INTERVAL)
        run_round(app, current.faults, write_batch)  # a failed batch is kept for the next one

    socketio.start_background_task(write_later)


def write_batch() -> None:
    """Write the connects and disconnects not yet written, and this worker's heartbeat, in one transaction; then
    tell the crew of each event that changed. A batch that fails is kept for the next one, and raises."""
    current = book()
    with current.lock:
        added, removed = current.added, current.removed
        current.added, current.removed, current.flush_scheduled = {}, {}, False
    worker, now = current_app.config["WORKER_ID"], utcnow()
    try:
        gone = list(removed)
        for start in range(0, len(gone), CHUNK):
            db.session.execute(delete(Presence).where(Presence.sid.in_(gone[start:start + CHUNK])))
        rows = [dict(sid=c.sid, worker=worker, event_id=c.event_id, site_id=c.site_id, role=c.role,
                     participant_id=c.participant_id, connected_at=now, last_seen=now) for c in added.values()]
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(Presence), rows[start:start + CHUNK])
        _beat(worker, now)
        db.session.commit()
    except Exception:
        safe_rollback()  # the round's failure is logged once per kind by its loop (run_round)
        with current.lock:  # what is still connected is written next time, what left is deleted next time
            current.added.update({sid: c for sid, c in added.items() if sid in current.connections})
            current.removed.update(removed)
        raise
    for event_id in {c.event_id for c in added.values()} | set(removed.values()):
        _announce_soon(event_id)


def _announce_soon(event_id: int) -> None:
    """Tell the crew who is connected, soon, once for every burst of connects and disconnects."""
    current = book()
    with current.lock:
        if event_id in current.announcing:
            return
        current.announcing.add(event_id)
    app = current_app._get_current_object()

    def send_later():
        socketio.sleep(PRESENCE_INTERVAL)
        with current.lock:
            current.announcing.discard(event_id)
        run_round(app, current.faults, lambda: publish.presence_changed(event_id))

    socketio.start_background_task(send_later)


def _beat(worker: str, now) -> None:
    if db.session.execute(update(Worker).where(Worker.id == worker).values(seen_at=now)).rowcount == 0:
        db.session.add(Worker(id=worker, seen_at=now))


def start_worker(app: Flask) -> None:
    """At server start: forget this worker's earlier run, then keep its heartbeat (and batches) while it runs."""
    forget_earlier_run(app)

    keep_running(app, book(app).faults, WORKER_BEAT, write_batch)


def forget_earlier_run(app: Flask) -> None:
    """Delete this worker's Presence rows (its connections died with its earlier run; their clients reconnect)
    and those of workers that died and never came back; other workers' connections stay."""
    worker = app.config["WORKER_ID"]
    with app.app_context():
        dead = select(Worker.id).where(Worker.seen_at < utcnow() - WORKER_TIMEOUT)
        db.session.execute(delete(Presence).where(or_(Presence.worker == worker, Presence.worker.in_(dead))))
        db.session.execute(delete(Worker).where(Worker.id.in_(dead)))
        _beat(worker, utcnow())
        db.session.commit()
        db.session.remove()
