"""The closing: learnings, the closing round site by site, and the magic wall's hand-off state machine.

The controller is called directly (as the chair or a host); what the state machine refuses changes nothing,
and every step is in the event log with the names and data the report builds on.
"""

import pytest
import sqlalchemy
from sqlalchemy import select

from eventapp.controller import closing, live
from eventapp.controller.actions import BY_NAME, perform
from eventapp.errors import AppError, BadInput, Conflict, Forbidden, NotFound
from eventapp.extensions import db
from eventapp.models import (
    EventLogEntry,
    Handoff,
    HandoffState,
    Learning,
    LiveState,
    RunMode,
    SegmentKind,
)
from eventapp.views.state import crew_snapshot, public_snapshot
from tests.conftest import chair_of, host_of

pytestmark = pytest.mark.usefixtures("english")  # refusals are matched in English


def at_kind(demo, kind: SegmentKind) -> None:
    if demo.status.value != "live":
        live.start_event(chair_of(demo))
    live.jump_to_segment(chair_of(demo), next(s for s in demo.segments if s.kind == kind).id)


def handoff_state(demo) -> tuple:
    """The hand-off row as (state, holder, receiver), read fresh from the database."""
    db.session.expire_all()
    row = db.session.scalar(select(Handoff).where(Handoff.event_id == demo.id))
    key = {site.id: site.key for site in demo.sites}
    return row.state.value, key[row.from_site_id], key.get(row.to_site_id)


def version(demo) -> int:
    db.session.expire_all()
    return db.session.get(LiveState, demo.id).version


def log(demo, prefix: str) -> list[tuple[str, dict]]:
    entries = db.session.scalars(select(EventLogEntry).where(EventLogEntry.event_id == demo.id,
                                                             EventLogEntry.action.startswith(prefix))
                                 .order_by(EventLogEntry.id))
    return [(entry.action, entry.data) for entry in entries]


def refused(demo, error: type[AppError], text: str, call, *args) -> None:
    """The call is refused with `error` whose message holds `text`, and neither the version nor the hand-off
    nor the learnings change."""
    before = version(demo), handoff_state(demo), learnings_of(demo)
    with pytest.raises(error) as caught:
        call(*args)
    db.session.rollback()
    assert text in caught.value.message, caught.value.message
    assert (version(demo), handoff_state(demo), learnings_of(demo)) == before


def learnings_of(demo) -> dict[str, list[str]]:
    rows = db.session.execute(select(Learning.site_id, Learning.text).order_by(Learning.site_id, Learning.position))
    key = {site.id: site.key for site in demo.sites}
    out: dict[str, list[str]] = {}
    for site_id, text in rows:
        out.setdefault(key[site_id], []).append(text)
    return out


# --- learnings -------------------------------------------------------------------------------------------------

EINDHOVEN = ["Stel elkaar de vragen die nieuwe invalshoeken opleveren",
             "De werkvloer is de beste leerplek", "Eigenaarschap op bestuurlijk niveau"]


def test_a_host_writes_its_sites_learnings_in_order_and_can_change_them(app, demo):
    at_kind(demo, SegmentKind.REGIONAL)
    closing.write_learnings(host_of(demo, "eindhoven"), EINDHOVEN)
    closing.write_learnings(host_of(demo, "eindhoven"), ["  Eerst  dit \n", *reversed(EINDHOVEN)])

    assert learnings_of(demo) == {"eindhoven": ["Eerst dit", *reversed(EINDHOVEN)]}
    rows = db.session.scalars(select(Learning).order_by(Learning.position)).all()
    assert [row.position for row in rows] == [0, 1, 2, 3]
    assert log(demo, "learnings:")[-1] == ("learnings:written", {"site": "eindhoven",
                                                                 "learnings": ["Eerst dit", *reversed(EINDHOVEN)]})
    assert crew_snapshot(demo).closing.learnings["eindhoven"][0] == "Eerst dit"
    assert public_snapshot(demo).closing.learnings == {}  # drafts stay with the crew until the round starts


@pytest.mark.parametrize(("texts", "message"), [
    (["x" * 301], "longer than 300 characters"),
    (["Goed", "<b>vet</b>"], "learning 2 contains markup"),
    (["<script>alert(1)</script>"], "contains markup"),
    (["a &amp; b"], "contains markup"),
    (["Goed", "   "], "learning 2 is empty"),
    ([f"les {n}" for n in range(11)], "at most 10 learnings"),
])
def test_learnings_over_the_limits_or_with_markup_are_refused_and_change_nothing(app, demo, texts, message):
    at_kind(demo, SegmentKind.REGIONAL)
    closing.write_learnings(host_of(demo, "enschede"), ["Bestaand"])
    refused(demo, BadInput, message, closing.write_learnings, host_of(demo, "enschede"), texts)
    assert learnings_of(demo) == {"enschede": ["Bestaand"]}


def test_a_host_writes_only_its_own_sites_learnings(app, demo):
    at_kind(demo, SegmentKind.REGIONAL)
    refused(demo, Forbidden, "own site", closing.write_learnings, host_of(demo, "enschede"), ["Van een ander"],
            "den-haag")


def test_the_learnings_are_final_once_the_closing_round_starts(app, demo):
    at_kind(demo, SegmentKind.REGIONAL)
    closing.write_learnings(host_of(demo, "den-haag"), ["Durf de confrontatie aan"])
    at_kind(demo, SegmentKind.CLOSING_ROUND)

    refused(demo, Conflict, "closing round has started", closing.write_learnings, host_of(demo, "den-haag"), ["Later"])
    live.previous_segment(chair_of(demo))  # going back does not reopen them
    refused(demo, Conflict, "closing round has started", closing.write_learnings, host_of(demo, "den-haag"), ["Later"])
    assert public_snapshot(demo).closing.learnings["den-haag"] == ["Durf de confrontatie aan"]


def test_a_bad_learnings_payload_is_refused_by_the_action(app, demo):
    at_kind(demo, SegmentKind.REGIONAL)
    with pytest.raises(BadInput):
        perform(BY_NAME["learnings:write"], host_of(demo, "enschede"), {"learnings": "geen lijst"})
    with pytest.raises(BadInput):
        perform(BY_NAME["learnings:write"], host_of(demo, "enschede"), {"learnings": [1, 2]})
    assert learnings_of(demo) == {}


# --- the closing round -----------------------------------------------------------------------------------------

def test_the_closing_round_goes_site_by_site_with_each_site_on_air(app, demo):
    at_kind(demo, SegmentKind.REGIONAL)
    closing.write_learnings(host_of(demo, "enschede"), ["Drie podia, een verhaal"])
    at_kind(demo, SegmentKind.CLOSING_ROUND)
    assert public_snapshot(demo).closing.site is None

    seen = []
    for _ in range(3):
        closing.next_closing_site(chair_of(demo))
        snapshot = public_snapshot(demo)
        seen.append((snapshot.closing.site, snapshot.on_air))
    assert seen == [("eindhoven", "eindhoven"), ("enschede", "enschede"), ("den-haag", "den-haag")]
    refused(demo, Conflict, "last site", closing.next_closing_site, chair_of(demo))

    closing.previous_closing_site(chair_of(demo))
    assert public_snapshot(demo).closing.site == "enschede"
    assert public_snapshot(demo).closing.learnings["enschede"] == ["Drie podia, een verhaal"]
    assert [data for action, data in log(demo, "closing:")] == [
        {"site": "eindhoven"}, {"site": "enschede"}, {"site": "den-haag"}, {"site": "enschede"}]


def test_the_closing_round_steps_only_in_its_segment_and_not_before_its_first_site(app, demo):
    at_kind(demo, SegmentKind.REGIONAL)
    refused(demo, Conflict, "not the closing round", closing.next_closing_site, chair_of(demo))
    at_kind(demo, SegmentKind.CLOSING_ROUND)
    refused(demo, Conflict, "first site", closing.previous_closing_site, chair_of(demo))
    refused(demo, Forbidden, "may not", closing.next_closing_site, host_of(demo, "enschede"))


# --- the magic wall --------------------------------------------------------------------------------------------

def test_the_white_book_goes_from_den_haag_via_enschede_to_eindhoven(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    assert handoff_state(demo) == ("held", "den-haag", None)

    closing.pass_object(host_of(demo, "den-haag"))  # to the next site of the order
    assert handoff_state(demo) == ("in_flight", "den-haag", "enschede")
    view = public_snapshot(demo).handoff
    assert (view.state, view.holder, view.to, view.title) == ("in_flight", "den-haag", "enschede",
                                                              "Witboek Perspectief op Werk")
    closing.catch_object(host_of(demo, "enschede"))
    assert handoff_state(demo) == ("held", "enschede", None)
    closing.pass_object(host_of(demo, "enschede"), "eindhoven")
    closing.catch_object(host_of(demo, "eindhoven"))
    assert handoff_state(demo) == ("held", "eindhoven", None)

    assert log(demo, "handoff:") == [
        ("handoff:passed", {"from": "den-haag", "to": "enschede"}), ("handoff:caught", {"site": "enschede"}),
        ("handoff:passed", {"from": "enschede", "to": "eindhoven"}), ("handoff:caught", {"site": "eindhoven"})]
    # The last site names where it goes next; there is no next in the order.
    refused(demo, BadInput, "name the site", closing.pass_object, host_of(demo, "eindhoven"))


def test_a_double_pass_and_a_pass_while_in_flight_are_refused(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    den_haag = host_of(demo, "den-haag")
    closing.pass_object(den_haag, "enschede")
    refused(demo, Conflict, "on its way to Enschede already", closing.pass_object, den_haag, "enschede")
    refused(demo, Conflict, "on its way to Enschede already", closing.pass_object, den_haag, "eindhoven")
    refused(demo, Conflict, "on its way", closing.pass_object, host_of(demo, "enschede"), "eindhoven")


def test_only_the_holders_host_passes_and_only_the_receivers_host_catches(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    refused(demo, Forbidden, "Den Haag holds the object", closing.pass_object, host_of(demo, "enschede"), "eindhoven")
    refused(demo, Conflict, "nothing is on its way", closing.catch_object, host_of(demo, "enschede"))
    closing.pass_object(host_of(demo, "den-haag"), "enschede")
    refused(demo, Forbidden, "only its host can catch it", closing.catch_object, host_of(demo, "eindhoven"))
    refused(demo, Forbidden, "only its host can catch it", closing.catch_object, host_of(demo, "den-haag"))
    refused(demo, Forbidden, "may not", closing.catch_object, chair_of(demo))
    closing.catch_object(host_of(demo, "enschede"))
    refused(demo, Conflict, "nothing is on its way", closing.catch_object, host_of(demo, "enschede"))


def test_a_pass_to_an_unknown_site_or_to_itself_is_refused(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    refused(demo, NotFound, "no site 'utrecht'", closing.pass_object, host_of(demo, "den-haag"), "utrecht")
    refused(demo, BadInput, "holds the object already", closing.pass_object, host_of(demo, "den-haag"), "den-haag")


def test_the_magic_wall_works_only_in_its_segment(app, demo):
    at_kind(demo, SegmentKind.CLOSING_ROUND)
    refused(demo, Conflict, "magic wall is not on", closing.pass_object, host_of(demo, "den-haag"), "enschede")


def test_the_chair_takes_back_an_object_in_flight_and_resets_it(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    refused(demo, Conflict, "nothing is on its way", closing.take_back, chair_of(demo))
    refused(demo, Conflict, "nothing to reset", closing.reset_handoff, chair_of(demo))
    closing.pass_object(host_of(demo, "den-haag"), "enschede")
    closing.take_back(chair_of(demo))
    assert handoff_state(demo) == ("held", "den-haag", None)
    closing.pass_object(host_of(demo, "den-haag"), "enschede")
    closing.catch_object(host_of(demo, "enschede"))
    closing.pass_object(host_of(demo, "enschede"), "eindhoven")
    closing.reset_handoff(chair_of(demo))
    assert handoff_state(demo) == ("held", "den-haag", None)
    refused(demo, Forbidden, "may not", closing.take_back, host_of(demo, "den-haag"))
    assert log(demo, "handoff:")[1] == ("handoff:taken-back", {"site": "den-haag"})
    assert log(demo, "handoff:")[-1] == ("handoff:reset", {"site": "den-haag"})


def test_an_object_in_flight_is_still_in_flight_after_a_restart(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    closing.pass_object(host_of(demo, "den-haag"), "enschede")
    sent_at = public_snapshot(demo).handoff.changed_at

    db.session.remove()  # what a restart keeps: the database only
    db.engine.dispose()
    from eventapp.lookup import event_by_slug
    demo = event_by_slug(demo.slug)
    view = public_snapshot(demo).handoff
    assert (view.state, view.holder, view.to, view.changed_at) == ("in_flight", "den-haag", "enschede", sent_at)
    closing.catch_object(host_of(demo, "enschede"))
    assert handoff_state(demo) == ("held", "enschede", None)


def test_the_database_allows_one_hand_off_per_event_held_or_flying(app, demo):
    at_kind(demo, SegmentKind.HANDOFF)
    row = db.session.scalar(select(Handoff))
    db.session.add(Handoff(event_id=demo.id, object_title="Tweede", from_site_id=row.from_site_id))
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    row = db.session.scalar(select(Handoff))
    row.state = HandoffState.IN_FLIGHT  # in flight without a receiver
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- rehearsal -------------------------------------------------------------------------------------------------

def test_a_rehearsal_reset_puts_the_book_back_and_the_real_learnings_back(app, demo):
    closing.write_learnings(host_of(demo, "den-haag"), ["Echt geschreven"])  # before the event, for real
    live.start_rehearsal(chair_of(demo))
    at_kind(demo, SegmentKind.REGIONAL)
    closing.write_learnings(host_of(demo, "den-haag"), ["Geoefend"])
    closing.write_learnings(host_of(demo, "enschede"), ["Ook geoefend"])
    at_kind(demo, SegmentKind.HANDOFF)
    closing.pass_object(host_of(demo, "den-haag"), "enschede")

    live.reset_rehearsal(chair_of(demo))

    assert handoff_state(demo) == ("held", "den-haag", None)
    assert learnings_of(demo) == {"den-haag": ["Echt geschreven"]}
    assert db.session.get(LiveState, demo.id).mode == RunMode.REAL
    assert not crew_snapshot(demo).closing.locked
    real = db.session.scalars(select(EventLogEntry.action).where(EventLogEntry.mode == RunMode.REAL)).all()
    assert "handoff:passed" not in real


def test_a_programme_without_its_magic_wall_refuses_hand_off_actions_clearly(app, demo):
    from eventapp.controller import programme

    live.start_event(chair_of(demo))  # the object's row exists from the start
    handoff_segment = next(s for s in demo.segments if s.kind == SegmentKind.HANDOFF)
    programme.delete_segment(chair_of(demo), handoff_segment.id)

    assert public_snapshot(demo).handoff is None
    refused(demo, Conflict, "no magic wall", closing.reset_handoff, chair_of(demo))
    refused(demo, Conflict, "nothing is on its way", closing.take_back, chair_of(demo))
