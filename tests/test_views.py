"""The read side: the scene rule (what each site's screen and phones show) and what each receiver may see of the
results, over real Socket.IO test clients and through the controller (eventapp/views/)."""

import pytest
from sqlalchemy import select

from eventapp.access import Caller
from eventapp.controller import audience, live, polls
from eventapp.errors import Conflict
from eventapp.extensions import db, socketio
from eventapp.models import Poll, QuestionState, Role, SegmentKind
from eventapp.programme.schema import PollSpec
from eventapp.realtime import pump
from eventapp.views.scene import SceneFacts, Show, decide
from eventapp.views.state import crew_snapshot, public_snapshot

BASE = dict(status="live", segment_kind="central", split=False, on_air="den-haag", site="enschede", holding=False,
            has_own_part=False, featured_question=False)


@pytest.mark.parametrize(("facts", "show"), [
    ({"status": "ended", "holding": True, "poll_key": "p"}, Show.ENDED),
    ({"holding": True, "featured_question": True, "poll_key": "p"}, Show.HOLDING),
    ({"segment_kind": "closing_round", "featured_question": True, "poll_key": "p"}, Show.CLOSING_ROUND),
    ({"segment_kind": "handoff", "featured_question": True, "poll_key": "p"}, Show.MAGIC_WALL),
    ({"featured_question": True, "poll_key": "p"}, Show.QUESTION),
    ({"poll_key": "p", "poll_state": "open"}, Show.POLL),
    ({"segment_kind": "regional", "split": True, "has_own_part": True}, Show.OWN_PART),
    ({"segment_kind": "regional", "split": True}, Show.OTHER_PART),
    ({}, Show.SEGMENT),
    ({"status": "planned", "segment_kind": None}, Show.WELCOME),
])
def test_the_scene_rule_lets_the_first_row_that_applies_win(facts, show):
    assert decide(SceneFacts(**{**BASE, **facts})).show == show


def test_the_scene_rule_asks_for_a_vote_only_while_an_open_poll_is_shown():
    assert decide(SceneFacts(**BASE, poll_key="p", poll_state="open")).vote
    assert not decide(SceneFacts(**BASE, poll_key="p", poll_state="closed")).vote
    covered = decide(SceneFacts(**{**BASE, "segment_kind": "closing_round"}, poll_key="p", poll_state="open"))
    assert not covered.vote and covered.covered == ["poll"]


def test_the_scene_rule_puts_the_site_revealed_last_on_air_while_its_poll_is_shown():
    view = decide(SceneFacts(**BASE, poll_key="p", poll_state="closed", reveal_site="enschede"))
    assert (view.air, view.air_site) == ("on_air", "enschede")
    view = decide(SceneFacts(**BASE, reveal_site="online"))  # the poll is gone: the programme's site again
    assert (view.air, view.air_site) == ("live_from", "den-haag")


def chair_of(demo) -> Caller:
    return Caller(role=Role.CHAIR, event=demo)


def host_of(demo, key: str) -> Caller:
    return Caller(role=Role.HOST, event=demo, site=demo.site(key))


def phone_of(demo, key: str) -> Caller:
    participant = audience.join(demo.site(key), "")
    return Caller(role=Role.PARTICIPANT, event=demo, site=demo.site(key), participant=participant)


def poll_by_key(key: str) -> Poll:
    return db.session.scalar(select(Poll).where(Poll.key == key))


def jump_to(demo, kind: SegmentKind) -> None:
    segment = next(s for s in demo.segments if s.kind == kind)
    live.jump_to_segment(chair_of(demo), segment.id)


def screens(demo) -> dict:
    """What each site's screen shows, from the public snapshot."""
    return {site.key: site.screen for site in public_snapshot(demo).sites}


def test_a_site_poll_left_open_leaves_the_screens_when_the_programme_moves_to_the_closing_round(demo):
    chair = chair_of(demo)
    live.start_event(chair)
    jump_to(demo, SegmentKind.REGIONAL)
    statement = poll_by_key("eindhoven-stelling-1")
    polls.open_poll(host_of(demo, "eindhoven"), statement.id)
    assert screens(demo)["eindhoven"].show == Show.POLL and screens(demo)["eindhoven"].vote
    jump_to(demo, SegmentKind.CLOSING_ROUND)
    shown = screens(demo)
    assert {key: view.show for key, view in shown.items()} == dict.fromkeys(shown, Show.CLOSING_ROUND)
    assert not any(view.vote for view in shown.values())
    jump_to(demo, SegmentKind.HANDOFF)
    assert {view.show for view in screens(demo).values()} == {Show.MAGIC_WALL}


def test_a_pinned_poll_stays_when_the_programme_moves_on_and_an_unpinned_one_leaves(demo):
    chair = chair_of(demo)
    live.start_event(chair)
    vraag3 = poll_by_key("vraag-3")
    polls.open_poll(chair, vraag3.id)
    live.next_segment(chair)
    assert {view.show for view in screens(demo).values()} == {Show.SEGMENT}
    polls.show_poll(chair, vraag3.id, pinned=True)
    live.next_segment(chair)
    assert {view.show for view in screens(demo).values()} == {Show.POLL}
    crew = crew_snapshot(demo)
    assert all(site.poll_pinned for site in crew.sites)


def test_the_featured_question_leaves_the_screens_with_the_segment_unless_pinned(demo):
    chair = chair_of(demo)
    live.start_event(chair)
    asked = audience.ask_question(phone_of(demo, "enschede"), "Hoe nu verder?")
    question_id = asked["question"]
    polls.moderate_question(chair, question_id, QuestionState.APPROVED)
    polls.feature_question(chair, question_id)
    assert {view.show for view in screens(demo).values()} == {Show.QUESTION}
    live.next_segment(chair)
    assert public_snapshot(demo).featured_question is None
    polls.feature_question(chair, question_id, pinned=True)
    live.next_segment(chair)
    assert public_snapshot(demo).featured_question.id == question_id


@pytest.mark.usefixtures("english")
def test_a_host_cannot_put_its_own_poll_over_a_central_segment(demo):
    live.start_event(chair_of(demo))
    statement = poll_by_key("eindhoven-stelling-1")
    with pytest.raises(Conflict, match="central"):
        polls.open_poll(host_of(demo, "eindhoven"), statement.id)
    assert screens(demo)["eindhoven"].show == Show.SEGMENT and poll_by_key("eindhoven-stelling-1").state == "draft"


def test_one_click_clears_a_sites_screen_back_to_the_programme(demo):
    chair = chair_of(demo)
    live.start_event(chair)
    polls.open_poll(chair, poll_by_key("vraag-3").id)
    live.show_message(chair, "Nog 2 minuten", "enschede")
    live.clear_screen(chair, "enschede")
    site = next(site for site in public_snapshot(demo).sites if site.key == "enschede")
    assert (site.screen.show, site.message, site.poll) == (Show.SEGMENT, "", None)
    assert screens(demo)["eindhoven"].show == Show.POLL  # only the site named


def test_after_a_site_by_site_reveal_no_site_stays_live_on_the_screens_when_the_programme_moves_on(demo):
    chair = chair_of(demo)
    live.start_event(chair)
    vraag3 = poll_by_key("vraag-3")
    polls.open_poll(chair, vraag3.id)
    polls.close_poll(chair, vraag3.id)
    for _ in demo.sites:
        polls.reveal_next_site(chair, vraag3.id)
    assert screens(demo)["online"].air == "on_air"  # the site revealed last
    live.next_segment(chair)
    assert {view.air_site for view in screens(demo).values()} == {"den-haag"}  # the central segment's origin
    jump_to(demo, SegmentKind.LIVE)
    assert {view.air_site for view in screens(demo).values()} == {"enschede"}


@pytest.mark.usefixtures("reveal_at_once")
def test_during_a_site_by_site_reveal_the_audience_receives_only_the_revealed_sites(app, demo, links):
    chair = chair_of(demo)
    vraag3 = poll_by_key("vraag-3")
    vraag3.hide_results = True
    polls.open_poll(chair, vraag3.id)
    for number, key in enumerate(("enschede", "enschede", "eindhoven", "online")):
        audience.cast_vote(phone_of(demo, key), vraag3.id, {"option": vraag3.options[0].id}, f"reveal-key-{number}")
    phone = socketio.test_client(app, auth={"code": links["sites"]["online"]["join"]["code"]})
    screen = socketio.test_client(app, auth={"token": links["sites"]["den-haag"]["screen"]["token"]})
    crew = socketio.test_client(app, auth={"token": links["chair"]["token"]})
    for client in (phone, screen, crew):
        client.get_received()
    polls.close_poll(chair, vraag3.id)
    pump.flush()
    assert not [m for m in phone.get_received() + screen.get_received() if m["name"] == "poll:results"]
    polls.reveal_next_site(chair, vraag3.id)  # den-haag: no votes there
    polls.reveal_next_site(chair, vraag3.id)  # enschede: two
    pump.flush()
    for client in (phone, screen):
        results = [m["args"][0] for m in client.get_received() if m["name"] == "poll:results"][-1]
        assert results["shown"] == ["den-haag", "enschede"] and set(results["sites"]) == {"den-haag", "enschede"}
        assert results["total"]["voters"] == 2 and results["step"] == 2
    crew_results = [m["args"][0] for m in crew.get_received() if m["name"] == "poll:results"][-1]
    assert crew_results["total"]["voters"] == 4 and len(crew_results["sites"]) == 4


def test_a_host_receives_only_its_own_sites_crew_data_over_socket_io(app, demo, links):
    """Cues, polls, presence, questions and pending open answers of another site never reach a host's panel."""
    chair = chair_of(demo)
    enschede = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["host"]["token"]})
    chair_client = socketio.test_client(app, auth={"token": links["chair"]["token"]})
    live.start_event(chair)
    live.send_cue(chair, "Eindhoven, klaar?", "eindhoven")
    live.send_cue(chair, "Iedereen, nog 5 minuten", None)
    open_answers = polls.create_poll(chair, PollSpec(key="open-1", kind="open", question="Wat neemt u mee?"),
                                     None, None)
    polls.open_poll(chair, open_answers.id)
    polls.create_poll(chair, PollSpec(key="eindhoven-eigen", kind="single", question="Koffie?",
                                      options=["Ja", "Nee"]), "eindhoven", None)
    audience.cast_vote(phone_of(demo, "eindhoven"), open_answers.id, {"text": "Samen"}, "host-key-0001")
    audience.cast_vote(phone_of(demo, "enschede"), open_answers.id, {"text": "Verder"}, "host-key-0002")
    audience.ask_question(phone_of(demo, "eindhoven"), "Vraag uit Eindhoven")
    audience.ask_question(phone_of(demo, "enschede"), "Vraag uit Enschede")
    pump.flush()

    received = enschede.get_received()
    state = [m["args"][0] for m in received if m["name"] == "state:changed"][-1]
    assert [cue["text"] for cue in state["cues"]] == ["Iedereen, nog 5 minuten"]
    assert "eindhoven-eigen" not in [poll["key"] for poll in state["polls"]] and set(state["presence"]) <= {"enschede"}
    questions = [m["args"][0] for m in received if m["name"] == "questions:changed"][-1]["questions"]
    assert [question["text"] for question in questions] == ["Vraag uit Enschede"]
    results = [m["args"][0] for m in received if m["name"] == "poll:results" and m["args"][0]["key"] == "open-1"][-1]
    assert [answer["text"] for answer in results["pending"]] == ["Verder"]
    chair_state = [m["args"][0] for m in chair_client.get_received() if m["name"] == "state:changed"][-1]
    assert len(chair_state["cues"]) == 2 and "eindhoven-eigen" in [poll["key"] for poll in chair_state["polls"]]


def test_the_crews_polls_say_which_segment_of_the_run_sheet_each_belongs_to(demo):
    """The control panel's "now" card offers a poll segment's own polls: the crew's poll list names their segment
    (null for a poll made outside the run sheet)."""
    poll_segment = next(s for s in demo.segments if s.kind == SegmentKind.POLL)
    polls.create_poll(chair_of(demo), PollSpec(key="los", kind="single", question="Nu?", options=["Ja", "Nee"]),
                      None, None)
    by_key = {poll.key: poll.segment_id for poll in crew_snapshot(demo).polls}
    assert by_key["vraag-3"] == poll_segment.id
    assert by_key["los"] is None
