"""The live controls of issue 19: a confirmed real start beside the rehearsal, the site timers' +1/-1 minute and
pause, the quiz's answer time, approving everything that waits, and what each phone is told of its own.

The actions are sent over the Socket.IO wiring (Flask-SocketIO's test client) where the protocol is the point;
the state is prepared through the controller as the chair.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.access import Caller
from eventapp.controller import live
from eventapp.extensions import db, socketio
from eventapp.lookup import event_by_slug
from eventapp.models import EventLogEntry, EventStatus, LiveState, Role, RunMode, SiteScene, Vote
from eventapp.views.state import public_snapshot


def chair_of(demo) -> Caller:
    return Caller(role=Role.CHAIR, event=demo)


def connect(app, auth):
    client = socketio.test_client(app, auth=auth, query_string="lang=en")
    assert client.is_connected()
    client.get_received()
    return client


def received(client, name: str) -> list:
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


@pytest.fixture
def chair_socket(app, links):
    return connect(app, {"token": links["chair"]["token"]})


# --- the start: rehearsal or, confirmed, for real ----------------------------------------------------------------

@pytest.mark.usefixtures("english")
def test_the_real_start_without_confirmation_is_refused_and_changes_nothing(app, demo, chair_socket):
    reply = chair_socket.emit("event:start", {}, callback=True)

    assert reply["ok"] is False and "confirm it" in reply["error"]
    assert reply["details"] == [{"path": "confirm", "reason": "required for the real start"}]
    db.session.expire_all()
    assert (demo.status, db.session.get(LiveState, demo.id).version) == (EventStatus.PLANNED, 0)


def test_the_real_start_with_confirmation_starts_the_first_segment(app, demo, chair_socket):
    reply = chair_socket.emit("event:start", {"confirm": True}, callback=True)

    assert reply["ok"] is True
    state = received(chair_socket, "state:changed")[-1]
    assert (state["status"], state["mode"], state["segment"]["id"]) == ("live", "real", demo.segments[0].id)


def test_a_rehearsal_starts_with_one_action_and_its_run_needs_no_confirmation(app, demo, chair_socket):
    reply = chair_socket.emit("rehearsal:start", {"run": True}, callback=True)

    assert reply["ok"] is True
    state = received(chair_socket, "state:changed")[-1]
    assert (state["status"], state["mode"], state["segment"]["id"]) == ("live", "rehearsal", demo.segments[0].id)
    actions = [(e.action, e.mode) for e in db.session.scalars(select(EventLogEntry).order_by(EventLogEntry.id))]
    assert actions == [("rehearsal:started", RunMode.REHEARSAL), ("event:started", RunMode.REHEARSAL)]


def test_a_rehearsal_without_run_waits_for_the_start_which_then_needs_no_confirmation(app, demo, chair_socket):
    assert chair_socket.emit("rehearsal:start", {}, callback=True)["ok"] is True
    db.session.expire_all()
    assert demo.status == EventStatus.PLANNED

    assert chair_socket.emit("event:start", {}, callback=True)["ok"] is True
    db.session.expire_all()
    assert (demo.status, db.session.get(LiveState, demo.id).mode) == (EventStatus.LIVE, RunMode.REHEARSAL)


@pytest.mark.usefixtures("english")
def test_after_the_real_start_a_rehearsal_is_refused_and_the_real_run_keeps_its_votes(app, demo, chair_socket):
    assert chair_socket.emit("event:start", {"confirm": True}, callback=True)["ok"] is True
    votes_before = db.session.scalars(select(Vote.id)).all()

    reply = chair_socket.emit("rehearsal:start", {"run": True}, callback=True)

    assert reply["ok"] is False and "only possible before the real start" in reply["error"]
    db.session.expire_all()
    assert db.session.get(LiveState, demo.id).mode == RunMode.REAL
    assert db.session.scalars(select(Vote.id)).all() == votes_before


# --- the site timers: +1 / -1 minute, pause and resume ------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch, demo):
    """The controller's and the views' clock, moved by hand."""
    moment = {"now": live.utcnow()}
    for module in ("eventapp.controller.live", "eventapp.views.state"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: moment["now"])
    return moment


def scene_of(demo, key: str) -> SiteScene:
    db.session.expire_all()
    return db.session.scalar(select(SiteScene).where(SiteScene.site_id == demo.site(key).id))


def site_view(demo, key: str):
    return next(site for site in public_snapshot(demo).sites if site.key == key)


def test_a_minute_more_or_less_moves_the_running_timers_end(app, demo, links, clock):
    live.start_event(chair_of(demo))
    live.set_site_timer(chair_of(demo), 300, "enschede")
    host = connect(app, {"token": links["sites"]["enschede"]["host"]["token"]})
    start = clock["now"]

    assert host.emit("site:timer-adjust", {"seconds": 60}, callback=True)["ok"] is True
    assert scene_of(demo, "enschede").timer_ends_at == start + timedelta(seconds=360)
    assert host.emit("site:timer-adjust", {"seconds": -60}, callback=True)["ok"] is True
    assert host.emit("site:timer-adjust", {"seconds": -60}, callback=True)["ok"] is True
    assert scene_of(demo, "enschede").timer_ends_at == start + timedelta(seconds=240)
    assert site_view(demo, "enschede").timer_ends_at == start + timedelta(seconds=240)


def test_less_time_than_is_left_brings_the_timer_to_zero_not_below(app, demo, clock):
    live.start_event(chair_of(demo))
    live.set_site_timer(chair_of(demo), 30, "enschede")

    live.adjust_site_timer(chair_of(demo), -60, "enschede")

    assert scene_of(demo, "enschede").timer_ends_at == clock["now"]


def test_a_paused_timer_keeps_its_time_left_across_a_restart_and_runs_on_from_it(app, demo, clock):
    live.start_event(chair_of(demo))
    live.set_site_timer(chair_of(demo), 300, "enschede")
    clock["now"] += timedelta(seconds=100)

    live.pause_site_timer(chair_of(demo), "enschede")
    clock["now"] += timedelta(minutes=10)  # paused: nothing runs off, whatever happens to the server meanwhile
    slug = demo.slug
    db.session.remove()  # what is kept is in the database, not in this session
    demo = event_by_slug(slug)

    view = site_view(demo, "enschede")
    assert (view.timer_ends_at, view.timer_paused_left) == (None, 200)
    live.adjust_site_timer(chair_of(demo), 60, "enschede")
    assert scene_of(demo, "enschede").timer_paused_left == 260
    live.resume_site_timer(chair_of(demo), "enschede")
    scene = scene_of(demo, "enschede")
    assert (scene.timer_ends_at, scene.timer_paused_left) == (clock["now"] + timedelta(seconds=260), None)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(("prepare", "name", "payload", "message"), [
    ("started", "site:timer-pause", {"site": "enschede"}, "no timer running"),
    ("started", "site:timer-adjust", {"seconds": 60, "site": "enschede"}, "no timer running"),
    ("timer", "site:timer-resume", {"site": "enschede"}, "not paused"),
    ("paused", "site:timer-pause", {"site": "enschede"}, "paused already"),
    ("timer", "site:timer-adjust", {"seconds": 0, "site": "enschede"}, "1 second to 4 hours"),
    ("timer", "site:timer-adjust", {"seconds": 4 * 3600, "site": "enschede"}, "1 second to 4 hours"),
    ("timer", "site:timer-adjust", {"seconds": 60}, "name the site"),
])
def test_timer_changes_out_of_order_are_refused_and_change_nothing(app, demo, chair_socket, prepare, name, payload,
                                                                    message):
    live.start_event(chair_of(demo))
    if prepare in ("timer", "paused"):
        live.set_site_timer(chair_of(demo), 300, "enschede")
    if prepare == "paused":
        live.pause_site_timer(chair_of(demo), "enschede")
    before = scene_of(demo, "enschede")
    before = (before.timer_ends_at, before.timer_paused_left, db.session.get(LiveState, demo.id).version)

    reply = chair_socket.emit(name, payload, callback=True)

    assert reply["ok"] is False and message in reply["error"], reply
    after = scene_of(demo, "enschede")
    assert (after.timer_ends_at, after.timer_paused_left, db.session.get(LiveState, demo.id).version) == before


def test_a_host_may_not_pause_another_sites_timer(app, demo, links):
    live.start_event(chair_of(demo))
    live.set_site_timer(chair_of(demo), 300, "enschede")
    host = connect(app, {"token": links["sites"]["den-haag"]["host"]["token"]})

    reply = host.emit("site:timer-pause", {"site": "enschede"}, callback=True)

    assert reply["ok"] is False
    assert scene_of(demo, "enschede").timer_paused_left is None
