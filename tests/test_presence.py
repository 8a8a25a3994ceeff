"""Presence: this worker's connections are written in batches, the crew's counts follow them, a starting worker
clears only its own rows, and the rows of a worker that died stop counting (docs/performance.md, 3)."""

from datetime import timedelta

from sqlalchemy import func, select

from eventapp.extensions import db, socketio
from eventapp.models import Presence, Role, Worker
from eventapp.models.base import utcnow
from eventapp.realtime import presence
from eventapp.views.state import WORKER_TIMEOUT, presence_by_site
from tests.test_live_actions import CALLERS, started


def phones_at_enschede(demo) -> int:
    db.session.expire_all()
    return presence_by_site(demo)["enschede"].participants


def connected_phone(app, links):
    client = socketio.test_client(app, auth=CALLERS["anonymous"](links), query_string="lang=en")
    assert client.is_connected()
    return client


def rows_of(worker: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Presence).where(Presence.worker == worker))


def add_rows(demo, worker: str, seen_at, count: int) -> None:
    """Connections held by another worker process (it wrote them to the shared database)."""
    db.session.add(Worker(id=worker, seen_at=seen_at))
    site = demo.site("enschede")
    db.session.add_all(Presence(sid=f"{worker}-{n}", worker=worker, event_id=demo.id, site_id=site.id,
                                role=Role.PARTICIPANT.value) for n in range(count))
    db.session.commit()


def test_the_crews_count_follows_phones_connecting_and_leaving(app, demo, links):
    started(demo)
    phones = [connected_phone(app, links) for _ in range(3)]
    presence.write_batch()
    assert phones_at_enschede(demo) == 3

    phones[0].disconnect()
    presence.write_batch()

    assert phones_at_enschede(demo) == 2


def test_a_phone_that_leaves_before_its_row_is_written_is_never_counted(app, demo, links):
    started(demo)
    connected_phone(app, links).disconnect()

    presence.write_batch()

    assert phones_at_enschede(demo) == 0
    assert rows_of(app.config["WORKER_ID"]) == 0


def test_a_crew_connection_is_written_at_once(app, demo, links):
    """Rotating a link drops the connections it finds in the Presence table: a panel just connected is there."""
    started(demo)

    socketio.test_client(app, auth=CALLERS["host"](links), query_string="lang=en")

    db.session.expire_all()
    assert presence_by_site(demo)["enschede"].hosts == 1


def test_a_starting_worker_clears_only_its_own_rows(app, demo):
    me = app.config["WORKER_ID"]
    add_rows(demo, me, utcnow(), 2)
    add_rows(demo, "other-host:5001", utcnow(), 3)

    presence.forget_earlier_run(app)

    assert (rows_of(me), rows_of("other-host:5001")) == (0, 3)
    assert phones_at_enschede(demo) == 3


def test_the_rows_of_a_worker_not_seen_lately_stop_counting(app, demo):
    add_rows(demo, "alive:5001", utcnow(), 2)
    add_rows(demo, "dead:5002", utcnow() - WORKER_TIMEOUT - timedelta(seconds=1), 5)

    assert phones_at_enschede(demo) == 2


def test_a_starting_worker_deletes_the_rows_of_a_worker_that_died(app, demo):
    add_rows(demo, "dead:5002", utcnow() - WORKER_TIMEOUT - timedelta(seconds=1), 5)

    presence.forget_earlier_run(app)

    assert rows_of("dead:5002") == 0
    assert db.session.get(Worker, "dead:5002") is None
    assert db.session.get(Worker, app.config["WORKER_ID"]) is not None


def test_one_participant_on_many_sockets_counts_as_one_person_present(app, demo, links):
    started(demo)
    code = links["sites"]["enschede"]["join"]["code"]
    tokens = [app.test_client().post("/api/v1/join", json={"code": code}).get_json()["token"] for _ in range(2)]
    sockets = [socketio.test_client(app, auth={"participant": tokens[0]}) for _ in range(6)]
    sockets.append(socketio.test_client(app, auth={"participant": tokens[1]}))
    watcher = connected_phone(app, links)  # connected with the code only: one phone that has not joined yet
    presence.write_batch()
    assert phones_at_enschede(demo) == 3
    for sock in (*sockets, watcher):
        sock.disconnect()
