"""Rehearsal mode keeps its runs, votes and log apart from the real run; the run sheet's timing is right."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from eventapp.controller import live
from eventapp.extensions import db
from eventapp.models import (
    EventLogEntry,
    EventStatus,
    LiveState,
    Participant,
    Poll,
    RunMode,
    SegmentRun,
    Vote,
)
from eventapp.views.state import crew_snapshot
from tests.conftest import chair_of


def add_vote(demo, mode: RunMode, key: str) -> None:
    site = demo.site("enschede")
    participant = Participant(event_id=demo.id, site_id=site.id, public_id=f"p-{key}", name="")
    db.session.add(participant)
    db.session.flush()
    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    db.session.add(Vote(poll_id=poll.id, participant_id=participant.id, site_id=site.id,
                        answer=[poll.options[0].id], idempotency_key=key, mode=mode))
    db.session.commit()


def test_a_rehearsal_runs_the_programme_and_its_reset_leaves_no_trace_in_the_real_run(app, demo):
    add_vote(demo, RunMode.REAL, "real-vote")
    live.start_rehearsal(chair_of(demo))
    live.start_event(chair_of(demo))
    live.next_segment(chair_of(demo))
    live.go_live(chair_of(demo), "eindhoven")
    add_vote(demo, RunMode.REHEARSAL, "rehearsal-vote")
    assert crew_snapshot(demo).mode == "rehearsal"

    live.reset_rehearsal(chair_of(demo))

    state = db.session.get(LiveState, demo.id)
    assert (state.mode, demo.status, state.current_segment_id, state.on_air_site_id) == \
        (RunMode.REAL, EventStatus.PLANNED, None, None)
    assert [v.idempotency_key for v in db.session.scalars(select(Vote))] == ["real-vote"]
    assert db.session.scalars(select(SegmentRun)).all() == []
    modes = {e.action: e.mode for e in db.session.scalars(select(EventLogEntry))}
    assert modes["rehearsal:reset"] == RunMode.REHEARSAL and modes["live:on-air"] == RunMode.REHEARSAL
    snapshot = crew_snapshot(demo)
    assert snapshot.mode == "real" and all(row.actual_start is None for row in snapshot.runsheet)
    # The real run starts cleanly afterwards, and its log entries are the real run's.
    live.start_event(chair_of(demo))
    last = db.session.scalars(select(EventLogEntry).order_by(EventLogEntry.id.desc())).first()
    assert (last.action, last.mode) == ("event:started", RunMode.REAL)


def test_the_run_sheet_shows_drift_and_projects_the_end_from_an_overrunning_segment(app, demo, monkeypatch):
    planned_first = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam, the demo's first start
    clock = {"now": planned_first + timedelta(minutes=3)}
    for module in ("eventapp.controller.live", "eventapp.views.state"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: clock["now"])

    live.start_event(chair_of(demo))  # three minutes late
    clock["now"] += timedelta(minutes=25)  # the 10-minute opening runs 15 minutes over

    snapshot = crew_snapshot(demo)
    first, last = snapshot.runsheet[0], snapshot.runsheet[-1]
    assert first.drift_seconds == 180
    assert first.planned_start == planned_first
    # The opening should have ended at 13:13 (started 13:03); it is 13:28 now and it is still on.
    # The next segment starts 18 minutes late; later segments keep their planned starts where they can, so the
    # two minutes of slack after the 3-minute live switch (13:30, regional at 13:35) are used up: 16 minutes late.
    assert snapshot.planned_end == last.planned_end
    assert snapshot.projected_end - snapshot.planned_end == timedelta(minutes=16)
