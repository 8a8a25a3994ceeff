"""The outbox: the controller records what changed in the transaction of the change and hands it to the relay that
the realtime layer registers after the commit; taps stay in memory; rows another process left are claimed once;
the pump's and the vote writer's state belong to their app."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from eventapp import create_app, outbox
from eventapp.access import Caller
from eventapp.controller import audience, live, polls, vote_writer
from eventapp.extensions import db, socketio
from eventapp.models import OutboxChange, Poll, Role
from eventapp.models.base import utcnow
from eventapp.realtime import pump, relay
from tests.conftest import TEST_SETTINGS


@pytest.fixture
def handed_on(app):
    """A test relay in place of the realtime layer's: the changes handed on after each commit, and whether their
    rows were committed by then (seen from another connection)."""
    calls: list[dict] = []

    def capture(changes):
        with db.engine.connect() as other:
            committed = other.scalar(select(func.count()).select_from(OutboxChange))
        calls.append({"changes": changes, "committed_rows": committed})

    outbox.set_relay(app, capture)
    return calls


def stored_changes() -> list[tuple[str, dict]]:
    return [(row.kind, row.data) for row in db.session.scalars(select(OutboxChange).order_by(OutboxChange.id))]


@pytest.mark.own_database  # another connection sees the rows committed before the hand-on
def test_a_controller_action_records_its_change_and_hands_it_on_after_the_commit(chair, handed_on):
    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair, poll.id)
    assert len(handed_on) == 1
    changes = handed_on[0]["changes"]
    assert [(change.event_id, change.kind, change.data) for change in changes] == [
        (chair.event.id, outbox.POLL, {"poll": poll.id}), (chair.event.id, outbox.STATE, {})]
    assert all(change.row_id is not None for change in changes)
    assert handed_on[0]["committed_rows"] == 2  # in the transaction of the change, committed before the hand-on
    assert stored_changes() == [("poll", {"poll": poll.id}), ("state", {})]  # a test relay deletes nothing


def test_the_changes_of_a_rolled_back_transaction_are_never_handed_on(chair, handed_on):
    outbox.record(chair.event.id, outbox.QUESTIONS)
    db.session.rollback()  # as after a refused action
    live.start_event(chair)
    assert [[change.kind for change in call["changes"]] for call in handed_on] == [["state"]]
    assert stored_changes() == [("state", {})]


def test_taps_are_handed_on_at_once_and_write_no_row(app, demo, chair, handed_on):
    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair, poll.id)
    db.session.execute(OutboxChange.__table__.delete())
    db.session.commit()
    handed_on.clear()
    participant = audience.join(demo.site("enschede"), "")
    voter = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site("enschede"), participant=participant)
    audience.cast_vote(voter, poll.id, {"option": poll.options[0].id}, "tap-key-001")
    audience.send_reaction(voter, "applause")
    assert [(change.kind, change.data, change.row_id) for call in handed_on for change in call["changes"]] == [
        ("vote", {"poll": poll.id}, None), ("reaction", {"site": "enschede", "reaction": "applause"}, None)]
    assert stored_changes() == []


def test_the_relay_pushes_a_change_and_deletes_its_row(app, chair, links):
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    screen.get_received()
    live.start_event(chair)
    states = [m["args"][0] for m in screen.get_received() if m["name"] == "state:changed"]
    assert [state["segment"]["title"] for state in states] == [chair.event.segments[0].title]
    assert stored_changes() == []


def test_a_change_left_by_another_process_is_claimed_once_after_the_grace_and_pushed(app, chair, links):
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    outbox.set_relay(app, None)  # as in the CLI: the change stays in the outbox
    live.start_event(chair)
    outbox.set_relay(app, relay.deliver)
    screen.get_received()
    assert relay.push_left_changes() == 0  # younger than the grace: its writer may still push it
    assert screen.get_received() == []
    db.session.execute(update(OutboxChange).values(at=utcnow() - relay.GRACE - timedelta(seconds=0.1)))
    db.session.commit()
    assert relay.push_left_changes() == 1
    states = [m["args"][0] for m in screen.get_received() if m["name"] == "state:changed"]
    assert [state["segment"]["title"] for state in states] == [chair.event.segments[0].title]
    assert stored_changes() == []
    assert relay.push_left_changes() == 0


def test_a_push_that_fails_leaves_the_rows_for_the_servers_loop(app, chair, monkeypatch):
    def broken(event_id):
        raise RuntimeError("the push failed")

    monkeypatch.setattr(relay.publish, "state_changed", broken)
    live.start_event(chair)  # committed, though its push failed
    assert chair.event.status.value == "live"
    assert stored_changes() == [("state", {})]


def test_the_pump_and_vote_writer_state_of_two_apps_in_one_process_does_not_mix(app, demo, monkeypatch):
    monkeypatch.setattr(pump, "_ensure_running", lambda: None)
    other = create_app(dict(TEST_SETTINGS))
    pump.reaction(demo.id, "enschede", "applause")
    with vote_writer.admitted():
        with other.app_context():
            pump.flush()  # the other app has nothing pending: this app's reaction is not its to send
            assert vote_writer.state().in_flight == 0
            db.session.remove()
            db.engine.dispose()
        assert vote_writer.state().in_flight == 1
    assert pump.state(app).reactions == {demo.id: Counter({("enschede", "applause"): 1})}
    assert not pump.state(other).reactions
