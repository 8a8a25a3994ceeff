"""Every live action, for every role: only the allowed callers succeed, and a refusal changes nothing.

The actions are called over the Socket.IO wiring (Flask-SocketIO's test client), the state is prepared by
calling the controller directly as the chair.
"""

import pytest

from eventapp import authorization
from eventapp.access import Caller, participant_token
from eventapp.controller import audience, closing, live, polls
from eventapp.controller.actions import ACTIONS
from eventapp.extensions import db, socketio
from eventapp.lookup import event_by_slug
from eventapp.models import (
    Cue,
    CueState,
    LiveState,
    Participant,
    Poll,
    Presence,
    Question,
    QuestionState,
    Role,
    Segment,
    SegmentKind,
    Vote,
)
from eventapp.programme.schema import PollSpec

SLUG = "pow-2021-11-01"


def chair_of(demo) -> Caller:
    """The demo's chair, for preparing state through the controller."""
    return Caller(role=Role.CHAIR, event=demo)


def segment_of_kind(demo, kind: SegmentKind) -> Segment:
    return next(s for s in demo.segments if s.kind == kind)


def started(demo):
    live.start_event(chair_of(demo))


def at_kind(kind: SegmentKind):
    def prepare(demo):
        started(demo)
        live.jump_to_segment(chair_of(demo), segment_of_kind(demo, kind).id)
    return prepare


def video_playing(demo):
    at_kind(SegmentKind.VIDEO)(demo)
    live.play_video(chair_of(demo))


def split_started(demo):
    started(demo)
    live.split_to_regions(chair_of(demo))


def cue_to_enschede(demo):
    started(demo)
    live.send_cue(chair_of(demo), "Klaar voor de overgang?", "enschede")


def second_segment(demo):
    started(demo)
    live.next_segment(chair_of(demo))


def with_timer(demo):
    started(demo)
    live.set_site_timer(chair_of(demo), 300, "enschede")


def with_paused_timer(demo):
    with_timer(demo)
    live.pause_site_timer(chair_of(demo), "enschede")


def rehearsing(demo):
    live.start_rehearsal(chair_of(demo))


def nothing(demo):
    pass


def host_of(demo, key: str) -> Caller:
    """A site's host, for preparing state through the controller."""
    return Caller(role=Role.HOST, event=demo, site=demo.site(key))


def flying_to_enschede(demo):
    at_kind(SegmentKind.HANDOFF)(demo)
    closing.pass_object(host_of(demo, "den-haag"), "enschede")


def enschede_holds(demo):
    flying_to_enschede(demo)
    closing.catch_object(host_of(demo, "enschede"))


def last_cue_id(demo) -> int:
    return db.session.scalars(db.select(Cue.id).order_by(Cue.id.desc())).first()


SITE_POLL = {"key": "enschede-koffie", "kind": "single", "question": "Koffie of thee?", "options": ["Koffie", "Thee"]}
OPEN_POLL = {"key": "enschede-open", "kind": "open", "question": "Wat neemt u mee?"}


def enschede_poll(demo, spec=SITE_POLL) -> Poll:
    return polls.create_poll(chair_of(demo), PollSpec(**spec), "enschede", None)


def with_poll(demo):
    enschede_poll(demo)


def with_open_poll(demo):
    polls.open_poll(chair_of(demo), enschede_poll(demo).id)


def with_revealed_open_poll(demo):
    poll = enschede_poll(demo)
    polls.open_poll(chair_of(demo), poll.id)
    polls.reveal_results(chair_of(demo), poll.id)


def with_poll_on_a_screen(demo):
    started(demo)
    polls.show_poll(chair_of(demo), enschede_poll(demo).id)


def with_revealed_event_poll(demo):
    poll = db.session.scalar(db.select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair_of(demo), poll.id)


def enschede_participant(demo) -> Participant:
    return audience.join(demo.site("enschede"), "Fenna")


def with_open_answer(demo):
    poll = enschede_poll(demo, OPEN_POLL)
    polls.open_poll(chair_of(demo), poll.id)
    voter = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site("enschede"),
                   participant=enschede_participant(demo))
    audience.cast_vote(voter, poll.id, {"text": "Meer structuur"}, "answer-key-1")


def with_question(demo):
    asker = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site("enschede"),
                   participant=enschede_participant(demo))
    audience.ask_question(asker, "Hoe houden we de energie vast?")


def with_approved_question(demo):
    with_question(demo)
    polls.moderate_question(chair_of(demo), last_id(Question), QuestionState.APPROVED)


def last_id(model) -> int:
    return db.session.scalars(db.select(model.id).order_by(model.id.desc())).first()


def poll_id_of(key: str) -> int:
    return db.session.scalar(db.select(Poll.id).where(Poll.key == key))


def first_option_of(key: str) -> int:
    return db.session.scalar(db.select(Poll).where(Poll.key == key)).options[0].id


#: action -> (how to prepare the state, a valid payload (a function of the demo event))
CASES = {
    "event:start": (nothing, lambda d: {"confirm": True}),
    "event:end": (started, lambda d: {}),
    "programme:next": (started, lambda d: {}),
    "programme:previous": (second_segment, lambda d: {}),
    "programme:jump": (started, lambda d: {"segment_id": d.segments[4].id}),
    "live:split": (started, lambda d: {}),
    "live:central": (split_started, lambda d: {}),
    "live:on-air": (started, lambda d: {"site": "enschede"}),
    "cue:send": (started, lambda d: {"text": "Nog twee minuten", "site": "enschede"}),
    "cue:answer": (cue_to_enschede, lambda d: {"cue_id": last_cue_id(d), "state": "ready"}),
    "host:status": (started, lambda d: {"status": "ready"}),
    "site:item": (at_kind(SegmentKind.REGIONAL), lambda d: {"index": 1, "site": "enschede"}),
    "site:timer": (started, lambda d: {"seconds": 300, "site": "enschede"}),
    "site:timer-adjust": (with_timer, lambda d: {"seconds": 60, "site": "enschede"}),
    "site:timer-pause": (with_timer, lambda d: {"site": "enschede"}),
    "site:timer-resume": (with_paused_timer, lambda d: {"site": "enschede"}),
    "screen:message": (started, lambda d: {"text": "Nog 2 minuten"}),
    "stage:message": (started, lambda d: {"text": "Afronden graag", "site": "enschede"}),
    "screen:scene": (started, lambda d: {"scene": "holding", "text": "Welkom"}),
    "screen:clear": (with_poll_on_a_screen, lambda d: {"site": "enschede"}),
    "video:play": (at_kind(SegmentKind.VIDEO), lambda d: {}),
    "video:pause": (video_playing, lambda d: {}),
    "video:seek": (at_kind(SegmentKind.VIDEO), lambda d: {"position": 42.5}),
    "rehearsal:start": (nothing, lambda d: {}),
    "rehearsal:reset": (rehearsing, lambda d: {}),
    "learnings:write": (at_kind(SegmentKind.REGIONAL), lambda d: {"learnings": ["Samen leren werkt"],
                                                                   "site": "enschede"}),
    "closing:next": (at_kind(SegmentKind.CLOSING_ROUND), lambda d: {}),
    "closing:previous": (lambda d: (at_kind(SegmentKind.CLOSING_ROUND)(d), closing.next_closing_site(chair_of(d)),
                                    closing.next_closing_site(chair_of(d))), lambda d: {}),
    "handoff:pass": (enschede_holds, lambda d: {}),
    "handoff:catch": (flying_to_enschede, lambda d: {}),
    "handoff:take-back": (flying_to_enschede, lambda d: {}),
    "handoff:reset": (enschede_holds, lambda d: {}),
    "poll:create": (nothing, lambda d: {"poll": {**SITE_POLL, "key": "nieuw"}, "site": "enschede"}),
    "poll:update": (with_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie"),
                                          "poll": {**SITE_POLL, "question": "Koffie, thee?"}}),
    "poll:delete": (with_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie")}),
    "poll:open": (with_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie")}),
    "poll:close": (with_open_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie")}),
    "poll:reveal": (with_open_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie")}),
    "poll:reveal-site": (with_revealed_event_poll, lambda d: {"poll_id": poll_id_of("vraag-3")}),
    "poll:hide": (with_revealed_open_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie")}),
    "poll:show": (with_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie")}),
    "poll:dismiss": (with_open_poll, lambda d: {"site": "enschede"}),
    "answer:moderate": (with_open_answer, lambda d: {"vote_id": last_id(Vote), "decision": "approved"}),
    "question:moderate": (with_question, lambda d: {"question_id": last_id(Question), "state": "approved"}),
    "answer:approve-all": (with_open_answer, lambda d: {"poll_id": poll_id_of("enschede-open")}),
    "question:approve-all": (with_question, lambda d: {"site": "enschede"}),
    "question:feature": (with_approved_question, lambda d: {"question_id": last_id(Question)}),
    "poll:vote": (with_open_poll, lambda d: {"poll_id": poll_id_of("enschede-koffie"),
                                             "answer": {"option": first_option_of("enschede-koffie")},
                                             "key": "vote-key-0001"}),
    "question:ask": (nothing, lambda d: {"text": "Hoe nu verder?"}),
    "question:upvote": (with_approved_question, lambda d: {"question_id": last_id(Question)}),
    "reaction:send": (nothing, lambda d: {"kind": "applause"}),
}

#: The callers of the matrix (the kinds of eventapp/authorization.py), about Enschede's things: how each connects.
CALLERS = {
    "anonymous": lambda links: {"code": links["sites"]["enschede"]["join"]["code"]},  # a phone that did not join
    "participant": lambda links: {"participant": participant_token(
        audience.join(event_by_slug(SLUG).site("enschede"), "Daan"))},
    "screen": lambda links: {"token": links["sites"]["enschede"]["screen"]["token"]},
    "other host": lambda links: {"token": links["sites"]["den-haag"]["host"]["token"]},
    "host": lambda links: {"token": links["sites"]["enschede"]["host"]["token"]},
    "chair": lambda links: {"token": links["chair"]["token"]},
}
ALLOWED = {entry.call: entry.allowed for entry in authorization.entries() if entry.channel == "Socket.IO"}
STATE_CHANGES = {action.name for action in ACTIONS if action.changes_state}


def test_every_action_has_a_case():
    assert set(CASES) == {action.name for action in ACTIONS}
    assert tuple(CALLERS) == authorization.CALLERS


def connect(app, auth):
    client = socketio.test_client(app, auth=auth, query_string="lang=en")
    assert client.is_connected()
    client.get_received()
    return client


def state_of(demo) -> tuple:
    """What a refused action must leave alone: the version and the live state's columns."""
    db.session.expire_all()
    live_state = db.session.get(LiveState, demo.id)
    return live_state.version, live_state.current_segment_id, live_state.on_air_site_id, live_state.split, \
        live_state.mode, live_state.video_state, demo.status


@pytest.mark.usefixtures("english")  # the refusals are matched in English
@pytest.mark.parametrize("who", list(CALLERS))
@pytest.mark.parametrize("name", list(CASES))
def test_only_the_allowed_callers_may_call_an_action(app, demo, links, name, who):
    """The Socket.IO half of the authorization table (docs/security.md)."""
    prepare, payload = CASES[name]
    prepare(demo)
    client = connect(app, CALLERS[who](links))
    data = payload(demo)
    if who in ("host", "other host") and "site" in data:
        data = {**data, "site": "enschede"}
    before = state_of(demo)

    reply = client.emit(name, data, callback=True)

    if who == "anonymous":
        assert reply == {"ok": False, "error": "join the event first to take part"}
        assert state_of(demo) == before
    elif who in ALLOWED[name]:
        assert reply["ok"] is True, reply
        assert reply.get("version", before[0]) == state_of(demo)[0]
        assert ("version" in reply) == (name in STATE_CHANGES)
        assert state_of(demo)[0] == before[0] + (name in STATE_CHANGES)
    else:
        assert reply["ok"] is False, reply
        if who != "other host":  # refused by role; another site's host passes the role check, not the site's
            assert f"may not do '{name}'" in reply["error"]
        assert state_of(demo) == before


def test_an_allowed_action_reaches_every_screen_and_panel_with_its_version(app, demo, links):
    started(demo)
    chair = connect(app, CALLERS["chair"](links))
    screen = connect(app, CALLERS["screen"](links))
    phone = connect(app, CALLERS["anonymous"](links))

    reply = chair.emit("live:on-air", {"site": "enschede"}, callback=True)

    for client, kind in ((chair, "crew"), (screen, "public"), (phone, "public")):
        states = [m["args"][0] for m in client.get_received() if m["name"] == "state:changed"]
        assert states[-1]["version"] == reply["version"]
        assert states[-1]["on_air"] == "enschede"
        assert ("runsheet" in states[-1]) == (kind == "crew")


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_host_acts_only_for_its_own_site(app, demo, links):
    at_kind(SegmentKind.REGIONAL)(demo)
    host = connect(app, CALLERS["host"](links))
    before = state_of(demo)

    reply = host.emit("site:item", {"index": 0, "site": "den-haag"}, callback=True)
    assert reply == {"ok": False, "error": "a host acts only for its own site", "details": []}
    reply = host.emit("site:timer", {"seconds": 60, "site": "eindhoven"}, callback=True)
    assert reply["ok"] is False and "own site" in reply["error"]
    assert state_of(demo) == before

    reply = host.emit("site:item", {"index": 2}, callback=True)
    assert reply["ok"] is True


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_host_cannot_answer_another_sites_cue(app, demo, links):
    started(demo)
    cue = live.send_cue(chair_of(demo), "Den Haag, klaar?", "den-haag")
    host = connect(app, CALLERS["host"](links))
    before = state_of(demo)

    reply = host.emit("cue:answer", {"cue_id": cue.id, "state": "ready"}, callback=True)

    assert reply["ok"] is False and "another site" in reply["error"]
    assert state_of(demo) == before
    assert db.session.get(Cue, cue.id).state == CueState.SENT


def test_a_cue_to_all_hosts_is_answered_by_each_for_its_own_site(app, demo, links):
    started(demo)
    cue = live.send_cue(chair_of(demo), "Iedereen klaar?", None)
    host = connect(app, CALLERS["host"](links))

    assert host.emit("cue:answer", {"cue_id": cue.id, "state": "needs_time"}, callback=True)["ok"] is True

    answers = db.session.scalars(db.select(Cue).where(Cue.text == "Iedereen klaar?", Cue.site_id.is_not(None))).all()
    assert [(a.site_id, a.state) for a in answers] == [(demo.site("enschede").id, CueState.NEEDS_TIME)]


@pytest.mark.usefixtures("english")  # the refusals are matched in English
@pytest.mark.parametrize(("prepare", "name", "payload", "message"), [
    (nothing, "programme:next", {}, "not running"),
    (nothing, "live:on-air", {"site": "enschede"}, "not running"),
    (started, "event:start", {"confirm": True}, "running already"),
    (nothing, "event:start", {}, "confirm it"),
    (started, "programme:previous", {}, "first segment"),
    (started, "live:on-air", {"site": "utrecht"}, "no site 'utrecht'"),
    (started, "live:on-air", {}, "Field required"),
    (started, "live:on-air", {"site": 12}, "valid string"),
    (started, "live:on-air", {"site": "enschede", "extra": 1}, "Extra inputs"),
    (started, "programme:jump", {"segment_id": 99999}, "does not exist"),
    (started, "programme:jump", {"segment_id": "three"}, "valid integer"),
    (started, "cue:send", {"text": "   "}, "needs text"),
    (started, "cue:send", {"text": "x" * 301}, "at most 300"),
    (started, "screen:message", {"text": "x" * 201}, "at most 200"),
    (started, "screen:scene", {"scene": "disco"}, "holding"),
    (started, "site:timer", {"seconds": -5, "site": "enschede"}, "greater than 0"),
    (started, "site:timer", {"seconds": 10**6, "site": "enschede"}, "4 hours"),
    (started, "site:item", {"index": 0, "site": "enschede"}, "no own part"),
    (at_kind(SegmentKind.REGIONAL), "site:item", {"index": 9, "site": "enschede"}, "between 0 and 2"),
    (started, "video:play", {}, "not a video"),
    (at_kind(SegmentKind.VIDEO), "video:pause", {}, "not playing"),
    (at_kind(SegmentKind.VIDEO), "video:seek", {"position": -1}, "greater than or equal to 0"),
    (started, "live:central", {}, "central programme already"),
    (started, "rehearsal:start", {}, "started for real"),
    (nothing, "rehearsal:reset", {}, "no rehearsal"),
    (started, "programme:next", "not an object", "valid dictionary"),
])
def test_bad_input_and_actions_out_of_order_are_refused_and_change_nothing(app, demo, links, prepare, name,
                                                                            payload, message):
    prepare(demo)
    chair = connect(app, CALLERS["chair"](links))
    before = state_of(demo)

    reply = chair.emit(name, payload, callback=True)

    assert reply["ok"] is False
    assert message in reply["error"] + " ".join(d["reason"] for d in reply.get("details", [])), reply
    assert state_of(demo) == before


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_next_after_the_last_segment_is_refused(app, demo, links):
    started(demo)
    live.jump_to_segment(chair_of(demo), demo.segments[-1].id)
    chair = connect(app, CALLERS["chair"](links))
    before = state_of(demo)

    reply = chair.emit("programme:next", {}, callback=True)

    assert reply["ok"] is False and "last segment" in reply["error"]
    assert state_of(demo) == before


def test_an_unknown_event_gets_a_clear_refusal(app, links):
    chair = connect(app, CALLERS["chair"](links))
    assert chair.emit("programme:launch", {}, callback=True) == {"ok": False,
                                                                  "error": "unknown event 'programme:launch'"}


@pytest.mark.parametrize("auth", [None, {}, {"token": "not-a-token"}, {"code": "000000"}, {"token": 5},
                                  "a string"])
def test_a_connection_without_a_valid_token_or_code_is_refused(app, auth):
    client = socketio.test_client(app, auth=auth)
    assert not client.is_connected()


def test_a_phone_that_has_not_joined_gets_the_public_state_but_may_not_act(app, demo, links):
    phone = connect(app, CALLERS["anonymous"](links))
    reply = phone.emit("event:start", {}, callback=True)
    assert reply["ok"] is False
    assert db.session.get(LiveState, demo.id).version == 0


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_an_action_sent_with_more_than_one_argument_is_refused_and_changes_nothing(app, demo, links):
    started(demo)
    chair = connect(app, CALLERS["chair"](links))
    before = state_of(demo)

    reply = chair.emit("live:on-air", {"site": "enschede"}, {"site": "den-haag"}, callback=True)

    assert reply == {"ok": False, "error": "send one payload (an object) with the event, not 2"}
    assert state_of(demo) == before
    assert chair.emit("clock:ping", {}, "extra", callback=True)["server_time"] > 0
    assert chair.emit("programme:launch", {}, "extra", callback=True)["ok"] is False


@pytest.mark.usefixtures("english")  # the refusals are matched in English
@pytest.mark.parametrize("name", ["connect", "disconnect"])
def test_connect_or_disconnect_sent_as_an_event_is_refused_and_the_client_stays_connected(app, demo, links, name):
    started(demo)
    phone = connect(app, CALLERS["anonymous"](links))

    reply = phone.emit(name, {"token": links["chair"]["token"]}, callback=True)

    assert reply["ok"] is False
    chair_only = db.session.scalar(db.select(db.func.count()).select_from(Presence).where(Presence.role == "chair"))
    assert chair_only == 0
    assert phone.emit("presence:heartbeat", {}, callback=True)["ok"] is True
    assert phone.emit("event:end", {}, callback=True) == {"ok": False, "error": "join the event first to take part"}


@pytest.mark.usefixtures("english")  # the refusals are matched in English
@pytest.mark.parametrize(("name", "payload"), [
    ("poll:open", {"poll_id": 2**63}),
    ("programme:jump", {"segment_id": 10**30}),
    ("question:feature", {"question_id": 2**31}),
])
def test_an_id_larger_than_any_row_can_have_is_refused_as_invalid(app, demo, links, name, payload):
    started(demo)
    chair = connect(app, CALLERS["chair"](links))
    before = state_of(demo)

    reply = chair.emit(name, payload, callback=True)

    assert reply["ok"] is False and reply["error"] == "the request is not valid", reply
    assert "less than or equal to 2147483647" in reply["details"][0]["reason"]
    assert state_of(demo) == before
