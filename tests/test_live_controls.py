"""The live controls of issue 19: a confirmed real start beside the rehearsal, the site timers' +1/-1 minute and
pause, the quiz's answer time, approving everything that waits, and what each phone is told of its own.

The actions are sent over the Socket.IO wiring (Flask-SocketIO's test client) where the protocol is the point;
the state is prepared through the controller as the chair.
"""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from eventapp.access import Caller, issue_missing_tokens, participant_token
from eventapp.controller import audience, live, polls
from eventapp.errors import Conflict
from eventapp.extensions import db, socketio
from eventapp.links import event_links
from eventapp.lookup import event_by_slug
from eventapp.models import (
    AccessToken,
    EventLogEntry,
    EventStatus,
    LiveState,
    Participant,
    Poll,
    Role,
    RunMode,
    SiteScene,
    Vote,
)
from eventapp.programme.schema import PollSpec
from eventapp.realtime import pump
from eventapp.views.results import crew_results
from eventapp.views.state import public_snapshot
from tests.conftest import is_loader, local_path, open_link


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


# --- moderation: approve everything that waits, the waiting counts, the participant told ------------------------

OPEN_POLL = {"key": "wat-neemt-u-mee", "kind": "open", "question": "Wat neemt u mee?"}


@pytest.fixture
def pushes_by_hand(app, monkeypatch):
    """The pump's loop stays off: the test decides when results are pushed (pump.flush)."""
    monkeypatch.setattr(pump, "_ensure_running", lambda: None)


def joined(app, demo, site_key: str, name: str):
    """A participant of a site, and a phone connected with their token."""
    participant = audience.join(demo.site(site_key), name)
    caller = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site(site_key), participant=participant)
    return caller, connect(app, {"participant": participant_token(participant)})


def open_answer_poll(demo):
    poll = polls.create_poll(chair_of(demo), PollSpec(**OPEN_POLL), None, None)
    polls.open_poll(chair_of(demo), poll.id)
    return poll


def moderation_of(poll_id: int) -> dict:
    db.session.expire_all()
    return {vote.answer: vote.moderation for vote in db.session.scalars(select(Vote).where(Vote.poll_id == poll_id))}


def test_a_host_approves_every_waiting_answer_of_its_own_site_and_only_those_participants_are_told(
        app, demo, links, pushes_by_hand):
    poll = open_answer_poll(demo)
    fenna, fenna_phone = joined(app, demo, "enschede", "Fenna")
    daan, daan_phone = joined(app, demo, "enschede", "Daan")
    ilse, ilse_phone = joined(app, demo, "den-haag", "Ilse")
    audience.cast_vote(fenna, poll.id, {"text": "Meer structuur"}, "answer-fenna")
    audience.cast_vote(daan, poll.id, {"text": "Energie"}, "answer-daan")
    audience.cast_vote(ilse, poll.id, {"text": "Rust"}, "answer-ilse")
    for phone in (fenna_phone, daan_phone, ilse_phone):
        phone.get_received()
    host = connect(app, {"token": links["sites"]["enschede"]["host"]["token"]})

    reply = host.emit("answer:approve-all", {"poll_id": poll.id}, callback=True)

    assert reply["ok"] is True
    assert moderation_of(poll.id) == {"Meer structuur": "approved", "Energie": "approved", "Rust": "pending"}
    assert received(fenna_phone, "participant:approved") == [{"kind": "answer", "poll_id": poll.id}]
    assert received(daan_phone, "participant:approved") == [{"kind": "answer", "poll_id": poll.id}]
    assert received(ilse_phone, "participant:approved") == []


def test_the_chair_approves_every_site_or_one_and_an_empty_queue_is_refused(app, demo, chair_socket):
    poll = open_answer_poll(demo)
    for site_key, text in (("enschede", "Meer structuur"), ("den-haag", "Rust")):
        caller, _phone = joined(app, demo, site_key, "")
        audience.cast_vote(caller, poll.id, {"text": text}, f"answer-{site_key}")

    assert chair_socket.emit("answer:approve-all", {"poll_id": poll.id, "site": "den-haag"}, callback=True)["ok"]
    assert moderation_of(poll.id) == {"Meer structuur": "pending", "Rust": "approved"}
    assert chair_socket.emit("answer:approve-all", {"poll_id": poll.id}, callback=True)["ok"]
    assert moderation_of(poll.id) == {"Meer structuur": "approved", "Rust": "approved"}
    version = db.session.get(LiveState, demo.id).version
    again = chair_socket.emit("answer:approve-all", {"poll_id": poll.id}, callback=True)
    assert again["ok"] is False and again["error"]
    assert db.session.get(LiveState, demo.id).version == version


def test_a_host_may_not_approve_another_sites_answers(app, demo, links):
    poll = open_answer_poll(demo)
    ilse, _phone = joined(app, demo, "den-haag", "Ilse")
    audience.cast_vote(ilse, poll.id, {"text": "Rust"}, "answer-ilse")
    host = connect(app, {"token": links["sites"]["enschede"]["host"]["token"]})

    reply = host.emit("answer:approve-all", {"poll_id": poll.id, "site": "den-haag"}, callback=True)

    assert reply["ok"] is False
    assert moderation_of(poll.id) == {"Rust": "pending"}


def test_the_waiting_count_reaches_the_chair_the_host_and_the_screens_without_the_texts(
        app, demo, links, pushes_by_hand):
    poll = open_answer_poll(demo)
    polls.reveal_results(chair_of(demo), poll.id)
    for site_key, text in (("enschede", "Meer structuur"), ("enschede", "Energie"), ("den-haag", "Rust")):
        caller, _phone = joined(app, demo, site_key, "")
        audience.cast_vote(caller, poll.id, {"text": text}, f"answer-{text[:4]}-{site_key}")
    db.session.get(Poll, poll.id).reveal_at = None  # shown from now, not 1.5 s later
    db.session.commit()
    chair = connect(app, {"token": links["chair"]["token"]})
    host = connect(app, {"token": links["sites"]["enschede"]["host"]["token"]})
    screen = connect(app, {"token": links["sites"]["den-haag"]["screen"]["token"]})

    pump.poll_changed(demo.id, poll.id)
    pump.flush()

    def results(client):
        return [r for r in received(client, "poll:results") if r["poll_id"] == poll.id][-1]

    to_chair, to_host = results(chair), results(host)
    assert to_chair["waiting"] == 3 and len(to_chair["pending"]) == 3
    assert to_host["waiting"] == 2 and {answer["site"] for answer in to_host["pending"]} == {"enschede"}
    on_screen = results(screen)
    assert on_screen["waiting"] == 3 and "pending" not in on_screen and on_screen["approved"] == []


def test_approving_every_waiting_question_tells_the_askers_and_the_crew_counts_what_waits(
        app, demo, links, pushes_by_hand):
    fenna, fenna_phone = joined(app, demo, "enschede", "Fenna")
    ilse, ilse_phone = joined(app, demo, "den-haag", "Ilse")
    asked = audience.ask_question(fenna, "Hoe houden we de energie vast?")["question"]
    audience.ask_question(ilse, "Wat is de volgende stap?")
    chair = connect(app, {"token": links["chair"]["token"]})
    host = connect(app, {"token": links["sites"]["enschede"]["host"]["token"]})
    pump.flush()
    assert received(chair, "questions:changed")[-1]["waiting"] == 2
    assert received(host, "questions:changed")[-1]["waiting"] == 1
    fenna_phone.get_received(), ilse_phone.get_received()

    assert host.emit("question:approve-all", {}, callback=True)["ok"] is True
    pump.flush()

    assert received(fenna_phone, "participant:approved") == [{"kind": "question", "question_id": asked}]
    assert received(ilse_phone, "participant:approved") == []
    assert received(chair, "questions:changed")[-1]["waiting"] == 1
    assert received(host, "questions:changed")[-1]["waiting"] == 0


def test_approving_one_answer_tells_its_participant_once(app, demo, chair_socket):
    poll = open_answer_poll(demo)
    fenna, fenna_phone = joined(app, demo, "enschede", "Fenna")
    audience.cast_vote(fenna, poll.id, {"text": "Meer structuur"}, "answer-fenna")
    vote_id = db.session.scalar(select(Vote.id).where(Vote.poll_id == poll.id))
    fenna_phone.get_received()

    for _ in range(2):  # approving an approved answer again tells nothing new
        chair_socket.emit("answer:moderate", {"vote_id": vote_id, "decision": "approved"}, callback=True)

    assert received(fenna_phone, "participant:approved") == [{"kind": "answer", "poll_id": poll.id}]


# --- the quiz: a time to answer, each phone's own score and rank ---------------------------------------------------

QUIZ = {"key": "quiz-tijd", "kind": "quiz", "question": "In welk jaar begon PoW?", "answer_seconds": 20,
        "options": [{"label": "2019", "correct": True}, "2020"]}


@pytest.fixture
def poll_clock(monkeypatch):
    """The clock of the polls, the votes and the views, moved by hand."""
    moment = {"now": live.utcnow()}
    for module in ("eventapp.controller.polls", "eventapp.controller.audience", "eventapp.views.state",
                   "eventapp.views.results"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: moment["now"])
    return moment


def quiz_of(demo, spec=QUIZ):
    return polls.create_poll(chair_of(demo), PollSpec(**spec), None, None)


@pytest.mark.parametrize("seconds", [0, 4, 3601])
def test_a_time_to_answer_out_of_range_is_refused_with_the_range(seconds):
    with pytest.raises(ValueError, match="answer_seconds is the time to answer: 5 to 3600 seconds"):
        PollSpec(**{**QUIZ, "answer_seconds": seconds})


@pytest.mark.usefixtures("english")
def test_a_poll_with_a_bad_time_to_answer_is_not_created(app, demo, chair_socket):
    reply = chair_socket.emit("poll:create", {"poll": {**QUIZ, "answer_seconds": 2}}, callback=True)

    assert reply["ok"] is False and "5 to 3600 seconds" in str(reply["details"])
    assert db.session.scalar(select(Poll).where(Poll.key == QUIZ["key"])) is None


def test_an_open_quiz_tells_phones_and_screens_when_it_closes(app, demo, poll_clock):
    live.start_event(chair_of(demo))
    quiz = quiz_of(demo)

    polls.open_poll(chair_of(demo), quiz.id)

    shown = {site.poll.closes_at for site in public_snapshot(demo).sites}
    assert shown == {poll_clock["now"] + timedelta(seconds=20)}
    assert {site.poll.answer_seconds for site in public_snapshot(demo).sites} == {20}


@pytest.mark.usefixtures("english")
def test_when_the_time_is_up_votes_are_refused_and_the_quiz_closes_by_itself_also_after_a_restart(
        app, demo, poll_clock):
    quiz = quiz_of(demo)
    polls.open_poll(chair_of(demo), quiz.id)
    deadline = poll_clock["now"] + timedelta(seconds=20)
    fenna, _phone = joined(app, demo, "enschede", "Fenna")
    assert polls.close_due_polls() == 0  # not yet

    poll_clock["now"] = deadline + timedelta(minutes=5)  # the server was down when the time ran out
    with pytest.raises(Conflict, match="time to answer is up"):
        audience.cast_vote(fenna, quiz.id, {"option": quiz.options[0].id}, "late-answer")
    slug = demo.slug
    db.session.remove()  # what the close needs is in the database: the deadline, not a countdown

    assert polls.close_due_polls() == 1

    demo = event_by_slug(slug)
    quiz = db.session.scalar(select(Poll).where(Poll.key == QUIZ["key"]))
    assert (quiz.state.value, quiz.closed_at, quiz.closes_at) == ("closed", deadline, None)
    entry = db.session.scalars(select(EventLogEntry).order_by(EventLogEntry.id.desc())).first()
    assert (entry.action, entry.actor, entry.data["by"]) == ("poll:closed", "timer", "timer")
    assert polls.close_due_polls() == 0  # closed once


def test_a_quiz_without_a_time_to_answer_stays_open(app, demo, poll_clock):
    quiz = quiz_of(demo, {**QUIZ, "answer_seconds": None})
    polls.open_poll(chair_of(demo), quiz.id)
    poll_clock["now"] += timedelta(hours=1)

    assert polls.close_due_polls() == 0
    db.session.expire_all()
    assert db.session.get(Poll, quiz.id).state.value == "open"


def test_each_phone_gets_its_own_score_and_rank_and_nobody_elses(app, demo, pushes_by_hand, reveal_at_once):
    quiz = quiz_of(demo)
    polls.open_poll(chair_of(demo), quiz.id)
    right, wrong = quiz.options[0].id, quiz.options[1].id
    phones = {}
    for name, option in (("Anouk", right), ("Bram", right), ("Cas", wrong)):
        caller, phones[name] = joined(app, demo, "enschede", name)
        audience.cast_vote(caller, quiz.id, {"option": option}, f"quiz-{name}-0001")
    for phone in phones.values():
        phone.get_received()
    polls.close_poll(chair_of(demo), quiz.id)
    pump.flush()
    assert all(received(phone, "participant:score") == [] for phone in phones.values())  # not before the reveal

    polls.reveal_results(chair_of(demo), quiz.id)
    pump.flush()

    scores = {name: received(phone, "participant:score") for name, phone in phones.items()}
    assert [len(got) for got in scores.values()] == [1, 1, 1]
    anouk, bram, cas = (scores[name][0] for name in ("Anouk", "Bram", "Cas"))
    assert set(anouk) == {"points", "rank", "players"}  # no names, no tokens, nobody else's points
    assert anouk["points"] >= 1000 and bram["points"] >= 1000
    assert sorted([anouk["rank"], bram["rank"]]) in ([1, 2], [1, 1]) and anouk["players"] == 2
    assert cas == {"points": 0, "rank": None, "players": 2}
    # A phone that reconnects gets its own standing at once.
    token = participant_token(db.session.scalar(select(Participant).where(Participant.name == "Cas")))
    again = socketio.test_client(app, auth={"participant": token})
    assert received(again, "participant:score") == [cas]


def test_the_leaderboard_never_lists_players_without_points(app, demo):
    quiz = quiz_of(demo)
    polls.open_poll(chair_of(demo), quiz.id)
    for name, option in (("Anouk", quiz.options[0].id), ("Cas", quiz.options[1].id)):
        caller, _phone = joined(app, demo, "enschede", name)
        audience.cast_vote(caller, quiz.id, {"option": option}, f"quiz-{name}-0001")
    polls.close_poll(chair_of(demo), quiz.id)

    board = crew_results(db.session.get(Poll, quiz.id)).leaderboard

    assert [player.name for player in board.overall] == ["Anouk"]
    assert [player.name for player in board.sites["enschede"]] == ["Anouk"]


# --- the speaker view ------------------------------------------------------------------------------------------------

def speaker_of(app, links, site_key: str = "enschede"):
    return connect_keeping(app, {"token": links["sites"][site_key]["speaker"]["token"]})


def connect_keeping(app, auth):
    """A connection whose first messages (on connect) are kept for the test."""
    client = socketio.test_client(app, auth=auth, query_string="lang=en")
    assert client.is_connected()
    return client


def test_the_speaker_view_gets_its_sites_time_next_and_the_chairs_stage_message_only(app, demo, links,
                                                                                       chair_socket):
    live.start_event(chair_of(demo))
    live.set_site_timer(chair_of(demo), 300, "enschede")
    speaker = speaker_of(app, links)
    first = received(speaker, "speaker:changed")
    assert len(first) == 1 and first[0]["site"] == "enschede"
    assert (first[0]["segment"]["title"], first[0]["next"]["title"]) == (demo.segments[0].title,
                                                                          demo.segments[1].title)
    assert first[0]["timer_ends_at"] is not None and first[0]["message"] == ""
    assert (first[0]["on_air"], first[0]["on_air_site"], first[0]["on_air_site_name"]) == \
        (False, "den-haag", "Den Haag")
    screen = connect(app, {"token": links["sites"]["enschede"]["screen"]["token"]})
    host = connect(app, {"token": links["sites"]["den-haag"]["host"]["token"]})

    reply = chair_socket.emit("stage:message", {"text": "Nog één vraag", "site": "enschede"}, callback=True)

    assert reply["ok"] is True
    view = received(speaker, "speaker:changed")[-1]
    assert (view["message"], view["version"]) == ("Nog één vraag", reply["version"])
    assert "Nog één vraag" not in str(screen.get_received())  # never on a screen or phone
    assert received(chair_socket, "state:changed")[-1]["stage_messages"] == {"enschede": "Nog één vraag"}
    assert received(host, "state:changed")[-1]["stage_messages"] == {}  # another site's host: not its own


def test_the_speaker_view_shows_a_paused_timer_and_another_sites_speaker_sees_nothing_of_it(app, demo, links):
    live.start_event(chair_of(demo))
    live.set_site_timer(chair_of(demo), 300, "enschede")
    enschede, den_haag = speaker_of(app, links), speaker_of(app, links, "den-haag")
    enschede.get_received(), den_haag.get_received()

    live.pause_site_timer(chair_of(demo), "enschede")

    view = received(enschede, "speaker:changed")[-1]
    assert view["timer_ends_at"] is None and 295 <= view["timer_paused_left"] <= 300
    other = received(den_haag, "speaker:changed")[-1]
    assert other["site"] == "den-haag" and other["timer_paused_left"] is None


@pytest.mark.usefixtures("english")
def test_a_speaker_view_may_not_act_and_gets_no_crew_or_audience_messages(app, demo, links):
    speaker = speaker_of(app, links)
    names = {message["name"] for message in speaker.get_received()}
    assert names == {"speaker:changed"}

    reply = speaker.emit("event:start", {"confirm": True}, callback=True)

    assert reply["ok"] is False and "may not do 'event:start'" in reply["error"]
    assert db.session.get(LiveState, demo.id).version == 0
    sync = speaker.emit("state:sync", {"version": -1}, callback=True)
    assert sync["snapshot"]["site"] == "enschede" and "runsheet" not in sync["snapshot"]


def test_the_speaker_page_opens_with_its_own_link_only(client, links):
    speaker = links["sites"]["enschede"]["speaker"]
    page = open_link(client, speaker["url"], query="lang=en")
    assert page.status_code == 200 and not is_loader(page)
    html = page.get_data(as_text=True)
    assert 'type="module"' in html and "js/pages/speaker.js" in html
    assert "Speaker view" in html

    address = local_path(speaker["url"]).split("#")[0]
    screen_token = links["sites"]["enschede"]["screen"]["token"]
    assert client.post(address, data={"token": screen_token}).status_code == 403
    other = local_path(links["sites"]["den-haag"]["speaker"]["url"]).split("#")[0]
    assert client.post(other, data={"token": speaker["token"]}).status_code == 403


def test_an_event_made_before_the_speaker_links_gets_them_and_keeps_its_other_links(app, demo, links):
    db.session.execute(delete(AccessToken).where(AccessToken.role == Role.SPEAKER))
    db.session.commit()

    assert issue_missing_tokens(demo) == len(demo.sites)
    db.session.commit()

    now = event_links(demo)
    assert {key: (site["host"], site["screen"]) for key, site in now["sites"].items()} == \
        {key: (site["host"], site["screen"]) for key, site in links["sites"].items()}
    assert all(site["speaker"]["token"] for site in now["sites"].values())
    assert issue_missing_tokens(demo) == 0
