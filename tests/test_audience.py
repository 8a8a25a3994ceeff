"""Participants: joining, voting (once, idempotent, replaced, refused when closed), questions, reactions, and
results pushed at a bounded rate, never once per vote."""

import math
import time

import pytest
from sqlalchemy import func, select

from eventapp.access import Caller, identify_participant, participant_token
from eventapp.controller import audience, polls, vote_writer
from eventapp.errors import AppError, BadInput, Conflict
from eventapp.extensions import db, socketio
from eventapp.models import Participant, Poll, PollState, Question, QuestionState, Role, Vote
from eventapp.programme.schema import PollSpec
from eventapp.realtime import pump
from eventapp.results import poll_results

SLUG = "pow-2021-11-01"



def poll_by_key(key: str) -> Poll:
    return db.session.scalar(select(Poll).where(Poll.key == key))


def phone(demo, site_key: str, name: str = "") -> Caller:
    participant = audience.join(demo.site(site_key), name)
    return Caller(role=Role.PARTICIPANT, event=demo, site=demo.site(site_key), participant=participant)


def votes_of(poll: Poll) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll.id))


@pytest.fixture
def pushes_by_hand(app, monkeypatch):
    """The pump's loop stays off (one started by the test's fixtures stops within a round), so that the test
    alone decides when results are pushed and how late the pump is; what it leaves pending is sent at the end."""
    monkeypatch.setattr(pump, "_ensure_running", lambda: None)
    monkeypatch.setattr(pump, "IDLE_ROUNDS", 0)
    deadline = time.monotonic() + 5
    while pump.state(app).running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pump.state(app).running
    yield
    pump.flush()


@pytest.fixture
def open_vraag3(chair):
    poll = poll_by_key("vraag-3")
    polls.open_poll(chair, poll.id)
    return poll


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"code": "000000"}, 404, "No event has the code"),
    ({"code": ""}, 400, "the request is not valid"),
    ({"name": "Fenna"}, 400, "the request is not valid"),
])
def test_joining_with_a_wrong_code_is_refused_clearly(client, body, status, message):
    reply = client.post("/api/v1/join?lang=en", json=body)
    assert reply.status_code == status and message in reply.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_joining_gives_a_signed_token_that_identifies_the_participant_again(client, demo):
    site = demo.site("enschede")
    reply = client.post("/api/v1/join", json={"code": site.join_code, "name": "  <b>Fenna</b>  "})
    assert reply.status_code == 201, reply.get_json()
    body = reply.get_json()
    assert (body["site"], body["name"]) == ("enschede", "<b>Fenna</b>")
    caller = identify_participant(body["token"])
    assert caller.participant.public_id == body["participant"] and caller.site.key == "enschede"
    assert identify_participant(body["token"][:-2] + "xx") is None


def test_a_vote_is_counted_once_per_participant_and_a_new_answer_replaces_it(demo, open_vraag3):
    voter = phone(demo, "enschede")
    first, second = open_vraag3.options[0].id, open_vraag3.options[1].id
    audience.cast_vote(voter, open_vraag3.id, {"option": first}, "key-aaaa-1")
    audience.cast_vote(voter, open_vraag3.id, {"option": second}, "key-aaaa-2")
    assert votes_of(open_vraag3) == 1
    assert db.session.scalar(select(Vote.answer).where(Vote.poll_id == open_vraag3.id)) == [second]


def test_a_late_retry_of_an_older_answer_is_acknowledged_as_superseded_and_changes_nothing(demo, open_vraag3):
    voter = phone(demo, "den-haag")
    older, newer = open_vraag3.options[0].id, open_vraag3.options[1].id
    audience.cast_vote(voter, open_vraag3.id, {"option": older}, "order-key-1", seq=1)
    audience.cast_vote(voter, open_vraag3.id, {"option": newer}, "order-key-2", seq=2)
    late = audience.cast_vote(voter, open_vraag3.id, {"option": older}, "order-key-1", seq=1)
    assert (late["repeated"], late["superseded"], late["vote"]["answer"]) == (True, True, [newer])
    stored = db.session.scalars(select(Vote).where(Vote.poll_id == open_vraag3.id)).one()
    assert (stored.answer, stored.idempotency_key, stored.seq) == ([newer], "order-key-2", 2)


def test_a_retry_without_sequence_number_after_a_change_is_superseded_and_changes_nothing(demo, open_vraag3):
    voter = phone(demo, "den-haag")
    older, newer = open_vraag3.options[0].id, open_vraag3.options[1].id
    audience.cast_vote(voter, open_vraag3.id, {"option": older}, "plain-key-1", seq=1)
    audience.cast_vote(voter, open_vraag3.id, {"option": newer}, "plain-key-2", seq=2)
    late = audience.cast_vote(voter, open_vraag3.id, {"option": older}, "plain-key-1")
    assert (late["repeated"], late["superseded"], late["vote"]["answer"]) == (True, True, [newer])
    stored = db.session.scalars(select(Vote).where(Vote.poll_id == open_vraag3.id)).one()
    assert (stored.answer, stored.idempotency_key, stored.seq) == ([newer], "plain-key-2", 2)


def test_a_newer_answer_with_a_higher_sequence_number_still_replaces_the_vote(demo, open_vraag3):
    voter = phone(demo, "den-haag")
    first, second = open_vraag3.options[0].id, open_vraag3.options[1].id
    audience.cast_vote(voter, open_vraag3.id, {"option": first}, "order-key-3", seq=7)
    reply = audience.cast_vote(voter, open_vraag3.id, {"option": second}, "order-key-4", seq=8)
    assert reply["repeated"] is False and "superseded" not in reply
    assert db.session.scalar(select(Vote.answer).where(Vote.poll_id == open_vraag3.id)) == [second]


def test_a_retried_vote_with_the_same_key_counts_once_and_is_acknowledged_again(demo, open_vraag3):
    voter = phone(demo, "online")
    option = open_vraag3.options[2].id
    first = audience.cast_vote(voter, open_vraag3.id, {"option": option}, "retry-key-1")
    again = audience.cast_vote(voter, open_vraag3.id, {"option": option}, "retry-key-1")
    assert (first["repeated"], again["repeated"]) == (False, True)
    assert votes_of(open_vraag3) == 1


def test_the_database_allows_one_vote_per_participant_per_poll(demo, open_vraag3):
    voter = phone(demo, "online")
    audience.cast_vote(voter, open_vraag3.id, {"option": open_vraag3.options[0].id}, "db-key-1")
    db.session.add(Vote(poll_id=open_vraag3.id, participant_id=voter.participant.id, site_id=voter.site.id,
                        answer=[open_vraag3.options[1].id], idempotency_key="db-key-2"))
    with pytest.raises(Exception, match="UNIQUE"):
        db.session.commit()
    db.session.rollback()


@pytest.mark.usefixtures("english")  # the refusals are matched in English
@pytest.mark.parametrize(("answer", "message"), [
    ({"option": 999999}, "one of the poll's options"),
    ({"option": "1"}, "one of the poll's options"),
    ({"options": [1]}, "one of the poll's options"),
    ({}, "one of the poll's options"),
])
def test_an_answer_that_does_not_fit_is_refused_and_nothing_is_stored(demo, open_vraag3, answer, message):
    voter = phone(demo, "den-haag")
    with pytest.raises(BadInput, match=message):
        audience.cast_vote(voter, open_vraag3.id, answer, "bad-key-001")
    assert votes_of(open_vraag3) == 0


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_closed_or_draft_poll_refuses_votes(demo, chair, open_vraag3):
    voter = phone(demo, "den-haag")
    polls.close_poll(chair, open_vraag3.id)
    with pytest.raises(Conflict, match="not open"):
        audience.cast_vote(voter, open_vraag3.id, {"option": open_vraag3.options[0].id}, "closed-key-1")
    with pytest.raises(Conflict, match="not open"):
        audience.cast_vote(voter, poll_by_key("vraag-2").id, {"value": 3}, "draft-key-01")
    assert votes_of(open_vraag3) == 0


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_sites_own_poll_takes_votes_only_from_that_site(demo, chair):
    statement = poll_by_key("eindhoven-stelling-1")
    polls.open_poll(chair, statement.id)
    with pytest.raises(Conflict, match="another site"):
        audience.cast_vote(phone(demo, "enschede"), statement.id, {"choice": "agree"}, "site-key-01")
    audience.cast_vote(phone(demo, "eindhoven"), statement.id, {"choice": "agree"}, "site-key-02")
    results = poll_results(statement)
    assert list(results["sites"]) == ["eindhoven"]
    assert results["total"]["choices"][0] == {"choice": "agree", "count": 1}


def test_results_break_down_per_site_beside_the_total(demo, open_vraag3):
    options = [o.id for o in open_vraag3.options]
    for index, (site, option) in enumerate([("den-haag", 0), ("den-haag", 1), ("enschede", 0), ("online", 3)]):
        audience.cast_vote(phone(demo, site), open_vraag3.id, {"option": options[option]}, f"site-vote-{index}")
    results = poll_results(open_vraag3)
    assert [o["count"] for o in results["total"]["options"]] == [2, 1, 0, 1]
    assert [o["count"] for o in results["sites"]["den-haag"]["options"]] == [1, 1, 0, 0]
    assert results["sites"]["eindhoven"]["voters"] == 0
    assert sum(results["sites"][key]["voters"] for key in results["sites"]) == results["total"]["voters"] == 4


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_quiz_answer_cannot_be_changed_and_scores_points(demo, chair):
    spec = PollSpec(key="quiz-1", kind="quiz", question="In welk jaar begon PoW?",
                    options=[{"label": "2019", "correct": True}, "2020"])
    quiz = polls.create_poll(chair, spec, None, None)
    polls.open_poll(chair, quiz.id)
    voter = phone(demo, "enschede", "Anouk")
    audience.cast_vote(voter, quiz.id, {"option": quiz.options[0].id}, "quiz-key-01")
    with pytest.raises(Conflict, match="answered this poll already"):
        audience.cast_vote(voter, quiz.id, {"option": quiz.options[1].id}, "quiz-key-02")
    assert poll_results(quiz)["leaderboard"]["overall"] == []  # no score moves while the question is open
    polls.close_poll(chair, quiz.id)
    board = poll_results(quiz)["leaderboard"]
    assert board["overall"][0]["name"] == "Anouk" and board["overall"][0]["points"] >= 1000
    assert board["sites"]["enschede"][0]["name"] == "Anouk"


def test_open_answers_wait_for_moderation_before_they_reach_the_screens(demo, chair):
    poll = polls.create_poll(chair, PollSpec(key="open-1", kind="open", question="Wat neemt u mee?"), None, None)
    polls.open_poll(chair, poll.id)
    audience.cast_vote(phone(demo, "online"), poll.id, {"text": "<script>alert(1)</script> Meer lef"}, "open-key-1")
    assert poll_results(poll)["approved"] == []
    vote_id = db.session.scalar(select(Vote.id).where(Vote.poll_id == poll.id))
    polls.moderate_answer(chair, vote_id, "approved")
    assert poll_results(poll)["approved"][0]["text"] == "<script>alert(1)</script> Meer lef"


@pytest.mark.usefixtures("english")  # the refusals are matched in English
@pytest.mark.parametrize(("kind", "answer"), [
    ("wordcloud", {"words": ["klootzak"]}),
    ("open", {"text": "wat een kut idee"}),
])
def test_the_profanity_filter_refuses_offensive_words_and_can_be_switched_off(app, demo, chair, kind, answer):
    poll = polls.create_poll(chair, PollSpec(key=f"p-{kind}", kind=kind, question="Zeg het maar"), None, None)
    polls.open_poll(chair, poll.id)
    voter = phone(demo, "den-haag")
    with pytest.raises(BadInput, match="other words"):
        audience.cast_vote(voter, poll.id, answer, "profane-key-1")
    app.config["PROFANITY_FILTER"] = False
    audience.cast_vote(voter, poll.id, answer, "profane-key-2")
    assert votes_of(poll) == 1


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_flood_of_votes_from_one_participant_is_rate_limited(demo, open_vraag3):
    voter = phone(demo, "enschede")
    options = [o.id for o in open_vraag3.options]
    refused = 0
    for attempt in range(30):
        try:
            audience.cast_vote(voter, open_vraag3.id, {"option": options[attempt % 4]}, f"flood-key-{attempt:04d}")
        except Conflict as error:
            assert "too many votes" in error.message
            refused += 1
    assert refused == 10 and votes_of(open_vraag3) == 1


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_questions_are_moderated_upvoted_once_and_can_be_put_on_every_screen(demo, chair):
    asker, voter = phone(demo, "eindhoven"), phone(demo, "den-haag")
    question_id = audience.ask_question(asker, "  Hoe houden we   de energie vast? ")["question"]
    assert db.session.get(Question, question_id).text == "Hoe houden we de energie vast?"
    with pytest.raises(AppError, match="cannot be upvoted"):
        audience.upvote_question(voter, question_id)
    polls.moderate_question(chair, question_id, QuestionState.APPROVED)
    audience.upvote_question(voter, question_id)
    with pytest.raises(Conflict, match="already"):
        audience.upvote_question(voter, question_id)
    assert db.session.get(Question, question_id).upvotes == 1
    polls.feature_question(chair, question_id)
    from eventapp.views.state import public_snapshot

    featured = public_snapshot(demo).featured_question
    assert (featured.text, featured.site) == ("Hoe houden we de energie vast?", "eindhoven")


def test_results_are_pushed_at_a_bounded_rate_not_once_per_vote(app, demo, links, open_vraag3):
    chair_client = socketio.test_client(app, auth={"token": links["chair"]["token"]})
    chair_client.get_received()
    options = [o.id for o in open_vraag3.options]
    started = time.monotonic()
    for index in range(40):
        audience.cast_vote(phone(demo, "online"), open_vraag3.id, {"option": options[index % 4]}, f"burst-{index:03d}")
    pump.flush()
    elapsed = time.monotonic() - started
    pushes = [m["args"][0] for m in chair_client.get_received() if m["name"] == "poll:results"]
    assert 1 <= len(pushes) <= 1 + math.ceil(elapsed / pump.INTERVAL) < 40
    assert pushes[-1]["total"]["voters"] == 40


def test_votes_reach_the_screens_with_every_push_and_the_phones_at_most_once_per_phone_interval(
        app, demo, links, open_vraag3, pushes_by_hand):
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    token = participant_token(audience.join(demo.site("enschede"), ""))
    watcher = socketio.test_client(app, auth={"participant": token})
    option = open_vraag3.options[0].id
    pump.flush()
    screen.get_received(), watcher.get_received()
    for index in range(3):  # three pushes within one phone interval, each with a new vote
        audience.cast_vote(phone(demo, "enschede"), open_vraag3.id, {"option": option}, f"paced-key-{index}")
        pump.flush(phones_due=index == 0)

    def voters(client) -> list[int]:
        return [m["args"][0]["total"]["voters"] for m in client.get_received() if m["name"] == "poll:results"]

    assert (voters(screen), voters(watcher)) == ([1, 2, 3], [1])
    pump.flush()  # the phone interval has passed: the phones catch up, the screens have nothing new
    assert (voters(screen), voters(watcher)) == ([], [3])


def test_a_vote_refused_as_busy_while_too_many_are_in_flight_counts_when_sent_again(
        app, demo, open_vraag3, monkeypatch, pushes_by_hand):
    token = participant_token(audience.join(demo.site("eindhoven"), ""))
    phone_client = socketio.test_client(app, auth={"participant": token})
    vote = {"poll_id": open_vraag3.id, "answer": {"option": open_vraag3.options[0].id}, "key": "busy-key-1"}
    monkeypatch.setattr(vote_writer.state(app), "in_flight", vote_writer.MAX_IN_FLIGHT)  # as many in flight as may
    reply = phone_client.emit("poll:vote", vote, callback=True)
    assert reply["ok"] is False and reply["details"] == [{"path": "", "reason": "busy"}]
    assert votes_of(open_vraag3) == 0
    monkeypatch.setattr(vote_writer.state(app), "in_flight", 0)
    assert phone_client.emit("poll:vote", vote, callback=True)["ok"] is True
    assert votes_of(open_vraag3) == 1


def test_hidden_results_reach_the_crew_but_not_the_screens_until_revealed(app, demo, links, chair, monkeypatch):
    poll = poll_by_key("vraag-1")
    poll.hide_results = True
    db.session.commit()
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    crew = socketio.test_client(app, auth={"token": links["chair"]["token"]})
    polls.open_poll(chair, poll.id)
    audience.cast_vote(phone(demo, "enschede"), poll.id, {"words": ["Samen"]}, "hidden-key-1")
    screen.get_received(), crew.get_received()
    pump.flush()
    before = screen.get_received()
    assert [m["name"] for m in before] == ["poll:voters"]  # how many voted, nothing of what they answered
    count = before[0]["args"][0]
    assert {key: count[key] for key in ("poll_id", "voters", "sites")} == {
        "poll_id": poll.id, "voters": 1, "sites": {"den-haag": 0, "enschede": 1, "eindhoven": 0, "online": 0}}
    assert any(m["name"] == "poll:results" for m in crew.get_received())
    polls.reveal_results(chair, poll.id)
    pump.flush()
    received = screen.get_received()
    states = [m["args"][0] for m in received if m["name"] == "state:changed"]
    shown = next(s["poll"] for s in states[-1]["sites"] if s["key"] == "enschede")
    assert shown["results_visible"] and shown["reveal_at"] > states[-1]["server_time"]
    assert not [m for m in received if m["name"] == "poll:results"]  # no figure before the reveal's moment
    monkeypatch.setattr(pump, "utcnow", lambda: poll.reveal_at)
    monkeypatch.setattr("eventapp.views.results.utcnow", lambda: poll.reveal_at)
    pump.flush()  # the first push from the reveal's moment on
    results = [m["args"][0] for m in screen.get_received() if m["name"] == "poll:results"]
    assert results[-1]["total"]["words"] == [{"word": "samen", "count": 1}]


def test_a_participant_votes_over_the_socket_and_gets_the_ack_after_the_commit(app, demo, links, open_vraag3):
    token = participant_token(audience.join(demo.site("den-haag"), ""))
    phone_client = socketio.test_client(app, auth={"participant": token})
    received = phone_client.get_received()
    assert any(m["name"] == "participant:votes" for m in received)
    reply = phone_client.emit("poll:vote", {"poll_id": open_vraag3.id, "answer": {"option": open_vraag3.options[0].id},
                                            "key": "socket-vote-1"}, callback=True)
    assert reply["ok"] is True and reply["repeated"] is False
    assert votes_of(open_vraag3) == 1
    reply = phone_client.emit("poll:vote", {"poll_id": open_vraag3.id, "answer": {"option": 0}, "key": "x"},
                              callback=True)
    assert reply["ok"] is False and "at least 8 characters" in str(reply["details"])


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_a_poll_with_votes_keeps_its_kind_and_options_and_cannot_be_deleted(demo, chair, open_vraag3):
    audience.cast_vote(phone(demo, "online"), open_vraag3.id, {"option": open_vraag3.options[0].id}, "keep-key-1")
    spec = PollSpec(key="vraag-3", kind="single", question=open_vraag3.question, options=["Ja", "Nee"])
    with pytest.raises(Conflict, match="has votes"):
        polls.update_poll(chair, open_vraag3.id, spec)
    with pytest.raises(Conflict, match="has votes"):
        polls.delete_poll(chair, open_vraag3.id)
    assert poll_by_key("vraag-3").state == PollState.OPEN


@pytest.mark.usefixtures("english")  # the refusals are matched in English
def test_reactions_are_rate_limited_and_unknown_kinds_refused(demo):
    voter = phone(demo, "enschede")
    with pytest.raises(BadInput, match="one of"):
        audience.send_reaction(voter, "<img src=x>")
    accepted = 0
    for _ in range(15):
        try:
            audience.send_reaction(voter, "applause")
            accepted += 1
        except Conflict:
            pass
    assert accepted == 10


@pytest.mark.usefixtures("reveal_at_once", "english")
def test_screens_and_phones_learn_a_quizs_right_answer_only_once_it_is_closed(app, demo, links, chair):
    quiz = polls.create_poll(chair, PollSpec(key="quiz-2", kind="quiz", question="Waar staat de Grolsch Veste?",
                                             options=[{"label": "Enschede", "correct": True}, "Eindhoven"]),
                             None, None)
    quiz.hide_results = False  # even a quiz whose results would be live shows nothing while it is open
    polls.open_poll(chair, quiz.id)
    screen = socketio.test_client(app, auth={"token": links["sites"]["enschede"]["screen"]["token"]})
    screen.get_received()
    audience.cast_vote(phone(demo, "enschede"), quiz.id, {"option": quiz.options[1].id}, "quiz-open-01")
    pump.flush()
    assert not [m for m in screen.get_received() if m["name"] == "poll:results"]
    with pytest.raises(Conflict, match="close the quiz"):
        polls.reveal_results(chair, quiz.id)
    polls.close_poll(chair, quiz.id)
    polls.reveal_results(chair, quiz.id)
    pump.flush()
    shown = [m["args"][0] for m in screen.get_received() if m["name"] == "poll:results"][-1]
    assert [option["correct"] for option in shown["total"]["options"]] == [True, False]
