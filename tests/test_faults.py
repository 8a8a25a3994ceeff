"""Faults in the vote path, the pump and bursts (issue 16), in one process: a background loop survives any
failure and clears its running flag; the vote writer always closes its group, answers every vote and releases
every slot; a vote the database failed to store is refused "not stored yet" (retryable), never "crossed"; a
reaction reads no row; upvotes are committed in groups like the votes. The same faults against the real server:
tests/test_faults_server.py."""

import logging
import threading
import time

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from eventapp import faults
from eventapp.access import Caller
from eventapp.controller import audience, polls, vote_writer
from eventapp.errors import AppError, Conflict, Forbidden, NotStored
from eventapp.extensions import db
from eventapp.models import Poll, Question, QuestionState, Role, Vote
from eventapp.realtime import publish, pump

DATABASE_GONE = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def open_vraag3(chair):
    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair, poll.id)
    return poll


def participants(demo, count: int) -> list[Caller]:
    """New participants at Enschede, as their connections know them."""
    site = demo.site("enschede")
    return [Caller.of_connection(Role.PARTICIPANT, demo.id, site.id, audience.join(site, "").id, site.key)
            for _ in range(count)]


def together(app, calls) -> list:
    """Run each call at once from its own thread (in an app context); the replies or the AppErrors, in order."""
    replies: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int) -> None:
        with app.app_context():
            start.wait()
            try:
                replies[index] = calls[index]()
            except AppError as error:
                replies[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert not any(thread.is_alive() for thread in threads), "a vote is still waiting"
    return replies


def wait_until(condition, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.own_database  # the pump's own loop, a background task, runs only on a database of its own
def test_the_pump_survives_a_failed_push_sends_it_again_and_clears_its_running_flag(app, demo, monkeypatch):
    monkeypatch.setattr(pump, "BACKOFF", 0.05, raising=False)
    monkeypatch.setattr(pump, "IDLE_ROUNDS", 3)
    sent = []

    def push_once_the_database_is_back(event_id, poll_id, screens, phones):
        if not sent:
            sent.append("failed")
            raise DATABASE_GONE
        sent.append((event_id, poll_id))

    monkeypatch.setattr(publish, "poll_results", push_once_the_database_is_back)
    pump.poll_changed(demo.id, 7)
    assert wait_until(lambda: (demo.id, 7) in sent), sent
    assert wait_until(lambda: not pump.state(app).running), "the loop ended with its running flag set"
    monkeypatch.setattr(publish, "questions", lambda event_id: sent.append(("questions", event_id)))
    pump.questions_changed(demo.id)  # a new change starts a new loop
    assert wait_until(lambda: ("questions", demo.id) in sent), sent
    assert wait_until(lambda: not pump.state(app).running)  # and that loop ends too, before the next test


def test_a_failed_round_of_a_background_loop_is_logged_once_per_kind_and_never_raises(app, caplog):
    loop = faults.Faults("a test loop")

    def fail():
        db.session.execute(select(1))
        raise DATABASE_GONE

    with caplog.at_level(logging.INFO, logger="eventapp.faults"):
        assert [faults.run_round(app, loop, fail) for _ in range(3)] == [False, False, False]
        assert faults.run_round(app, loop, lambda: db.session.execute(select(1)))
    assert [record.levelname for record in caplog.records] == ["ERROR", "WARNING"]
    assert "OperationalError" in caplog.records[0].getMessage()


@pytest.mark.own_database  # votes from several threads
def test_a_rollback_that_raises_leaves_no_group_open_and_no_slot_taken(app, demo, open_vraag3, monkeypatch):
    first, second = participants(demo, 2)
    option = open_vraag3.options[0].id
    session_class = type(db.session())
    real_rollback = session_class.rollback
    failed = []

    def rollback_failing_once(session):
        if not failed:
            failed.append(1)
            raise DATABASE_GONE
        real_rollback(session)

    monkeypatch.setattr(session_class, "rollback", rollback_failing_once)
    replies = together(app, [lambda: audience.cast_vote(first, open_vraag3.id, {"option": option}, "rollback-1")])
    monkeypatch.setattr(session_class, "rollback", real_rollback)
    assert failed
    assert vote_writer.state(app).group is None
    assert vote_writer.state(app).in_flight == 0
    replies += together(app, [lambda: audience.cast_vote(second, open_vraag3.id, {"option": option}, "rollback-2")])
    assert [reply["repeated"] for reply in replies] == [False, False], replies


@pytest.mark.own_database  # votes from several threads
def test_a_group_the_database_fails_to_store_is_refused_retryable_and_stored_when_sent_again(
        app, demo, open_vraag3, monkeypatch):
    monkeypatch.setattr(vote_writer, "WINDOW", 0.3)  # every vote joins the first group
    callers = participants(demo, 4)
    option = open_vraag3.options[0].id
    votes = [lambda caller=caller, index=index: audience.cast_vote(caller, open_vraag3.id, {"option": option},
                                                                    f"failed-group-{index}", 1)
             for index, caller in enumerate(callers)]

    def disk_full(ballots):
        raise OperationalError("INSERT INTO vote", {}, Exception("database or disk is full"))

    real_write = vote_writer._write
    monkeypatch.setattr(vote_writer, "_write", disk_full)
    replies = together(app, votes)
    assert all(isinstance(reply, NotStored) for reply in replies), replies
    assert all(reply.retry and reply.details == [{"path": "", "reason": "retry"}] for reply in replies)
    assert vote_writer.state(app).in_flight == 0
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == open_vraag3.id)) == 0

    monkeypatch.setattr(vote_writer, "_write", real_write)
    replies = together(app, votes)  # the phones send the same votes again: same keys, same seq
    assert [reply["repeated"] for reply in replies] == [False] * 4, replies
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == open_vraag3.id)) == 4


def test_a_vote_whose_read_fails_is_refused_retryable_not_internal_error(app, demo, open_vraag3, monkeypatch):
    (caller,) = participants(demo, 1)

    def database_gone(*args, **kwargs):
        raise DATABASE_GONE

    monkeypatch.setattr(audience, "_ballot_poll", database_gone)
    with pytest.raises(NotStored):
        audience.cast_vote(caller, open_vraag3.id, {"option": open_vraag3.options[0].id}, "read-fails-1")
    assert vote_writer.state(app).in_flight == 0


def test_a_reaction_reads_and_writes_no_row(app, demo):
    (caller,) = participants(demo, 1)
    event_id = demo.id
    db.session.remove()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        caller = Caller.of_connection(Role.PARTICIPANT, caller.event_id, caller.site_id, caller.participant_id,
                                      "enschede")
        assert audience.send_reaction(caller, "applause") == {}
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
    assert pump.state(app).reactions[event_id][("enschede", "applause")] == 1


@pytest.mark.own_database  # votes from several threads
def test_upvotes_that_arrive_together_are_committed_in_one_transaction_and_a_repeat_is_refused(
        app, demo, chair, monkeypatch):
    monkeypatch.setattr(vote_writer, "WINDOW", 0.3)
    asker, *voters = participants(demo, 5)
    question_id = audience.ask_question(asker, "Wat kost een tweede locatie?")["question"]
    polls.moderate_question(chair, question_id, QuestionState.APPROVED)
    commits = []
    listener = lambda connection: commits.append(1)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        replies = together(app, [lambda voter=voter: audience.upvote_question(voter, question_id) for voter in voters])
    finally:
        event.remove(db.engine, "commit", listener)
    assert replies == [{"question": question_id}] * 4, replies
    assert len(commits) == 1
    with pytest.raises(Conflict, match="al gesteund"):  # "you have upvoted this question already"
        audience.upvote_question(voters[0], question_id)
    db.session.expire_all()
    assert db.session.get(Question, question_id).upvotes == 4


def test_an_upvote_from_a_forgotten_participant_is_told_to_join_again(app, demo, chair):
    (asker,) = participants(demo, 1)
    site = demo.site("enschede")
    gone = audience.join(site, "Weg")
    voter = Caller.of_connection(Role.PARTICIPANT, demo.id, site.id, gone.id, site.key)
    question_id = audience.ask_question(asker, "Blijft de data bewaard?")["question"]
    polls.moderate_question(chair, question_id, QuestionState.APPROVED)
    audience.forget_participants(chair, "Weg")
    with pytest.raises(Forbidden, match="opnieuw"):  # "... join again"
        audience.upvote_question(voter, question_id)


class StopLoop(BaseException):
    """Ends a background loop in a test (its sleep raises it), as killing the server would."""


def run_loop_inline(monkeypatch, rounds: int) -> None:
    """Background tasks run in the calling thread, and end at their sleep number `rounds`."""
    from eventapp.extensions import socketio

    slept, real_sleep, test_thread = [], socketio.sleep, threading.get_ident()

    def sleep(seconds):
        if threading.get_ident() != test_thread:  # another test's pump loop, still winding down
            return real_sleep(seconds)
        slept.append(seconds)
        if len(slept) >= rounds:
            raise StopLoop

    monkeypatch.setattr(socketio, "sleep", sleep)
    monkeypatch.setattr(socketio, "start_background_task", lambda task, *args: task(*args))


def test_the_relay_keeps_claiming_when_the_database_fails_and_even_its_rollback_does(app, monkeypatch):
    from eventapp.realtime import relay

    tries = []

    def claim_while_the_database_is_away():
        tries.append(1)
        raise DATABASE_GONE

    session_class = type(db.session())

    def rollback_fails(session):
        raise DATABASE_GONE

    monkeypatch.setattr(relay, "push_left_changes", claim_while_the_database_is_away)
    monkeypatch.setattr(session_class, "rollback", rollback_fails)
    run_loop_inline(monkeypatch, rounds=8)
    with pytest.raises(StopLoop):
        relay.start(app)
    assert len(tries) >= 3


def test_the_presence_heartbeat_logs_a_failing_database_once_and_keeps_beating(app, monkeypatch, caplog):
    from eventapp.realtime import presence

    tries = []

    def beat_while_the_database_is_away(worker, now):
        tries.append(1)
        raise DATABASE_GONE

    monkeypatch.setattr(presence, "forget_earlier_run", lambda app: None)
    monkeypatch.setattr(presence, "_beat", beat_while_the_database_is_away)
    run_loop_inline(monkeypatch, rounds=8)
    with caplog.at_level(logging.INFO), pytest.raises(StopLoop):
        presence.start_worker(app)
    assert len(tries) >= 3
    assert len([record for record in caplog.records if record.levelno >= logging.ERROR]) == 1
