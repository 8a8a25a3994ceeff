"""Group commit of votes: the votes that arrive together are committed in one transaction, each acknowledged
after it; a vote the database refuses fails alone; an overload is refused as busy before it queues for a pooled
connection."""

import threading

import pytest
from sqlalchemy import event, func, select

from eventapp.access import Caller
from eventapp.controller import audience, polls, vote_writer
from eventapp.errors import AppError, Busy, Conflict
from eventapp.extensions import db
from eventapp.models import Poll, Role, Vote

pytestmark = pytest.mark.own_database  # votes from several threads, each committing its own
VOTERS = 6


@pytest.fixture
def open_vraag3(chair):
    poll = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair, poll.id)
    return poll


@pytest.fixture
def commits(app):
    """The number of transactions committed on the database while the test runs."""
    counted = []
    listener = lambda connection: counted.append(1)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    yield counted
    event.remove(db.engine, "commit", listener)


def join(demo, count: int) -> list[tuple[int, int]]:
    """New participants at Enschede: (participant id, site id) each."""
    return [(audience.join(demo.site("enschede"), "").id, demo.site("enschede").id) for _ in range(count)]


def vote_together(app, demo, poll: Poll, ids: list[tuple[int, int]], keys: list[str]) -> list:
    """Each key voted by its participant, all at once from threads; the replies (or the errors) in order."""
    option = poll.options[0].id
    poll_id = poll.id
    replies: list = [None] * len(keys)
    start = threading.Barrier(len(keys))

    def vote(index: int) -> None:
        with app.app_context():
            from eventapp.models import Event, Participant, Site

            participant_id, site_id = ids[index]
            caller = Caller(role=Role.PARTICIPANT, event=db.session.get(Event, demo.id),
                            site=db.session.get(Site, site_id), participant=db.session.get(Participant, participant_id))
            start.wait()
            try:
                replies[index] = audience.cast_vote(caller, poll_id, {"option": option}, keys[index])
            except AppError as error:
                replies[index] = error

    threads = [threading.Thread(target=vote, args=(index,)) for index in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return replies


def test_votes_that_arrive_together_are_committed_in_one_transaction(app, demo, open_vraag3, commits, monkeypatch):
    monkeypatch.setattr(vote_writer, "WINDOW", 0.5)  # long enough for every thread to join the first group
    ids = join(demo, VOTERS)
    commits.clear()
    replies = vote_together(app, demo, open_vraag3, ids, [f"group-key-{index}" for index in range(VOTERS)])
    assert all(reply["repeated"] is False for reply in replies), replies
    assert len(commits) == 1
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == open_vraag3.id)) == VOTERS


def test_a_vote_the_database_refuses_fails_alone_and_the_rest_of_its_group_is_stored(
        app, demo, open_vraag3, monkeypatch):
    monkeypatch.setattr(vote_writer, "WINDOW", 0.5)
    keys = [f"group-key-{index}" for index in range(VOTERS - 1)] + ["group-key-0"]  # two phones, one key
    replies = vote_together(app, demo, open_vraag3, join(demo, VOTERS), keys)
    refused = [reply for reply in replies if isinstance(reply, AppError)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)  # "your vote crossed another one"
    stored = db.session.scalars(select(Vote.idempotency_key).where(Vote.poll_id == open_vraag3.id)).all()
    assert sorted(stored) == sorted(set(keys))


def test_votes_beyond_the_in_flight_limit_are_refused_as_busy_and_nothing_is_stored(app, demo, open_vraag3,
                                                                                     monkeypatch):
    monkeypatch.setattr(vote_writer.state(app), "in_flight", vote_writer.MAX_IN_FLIGHT)
    voter = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site("online"),
                   participant=audience.join(demo.site("online"), ""))
    with pytest.raises(Busy):
        audience.cast_vote(voter, open_vraag3.id, {"option": open_vraag3.options[0].id}, "busy-key-99")
    assert db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == open_vraag3.id)) == 0


def test_a_vote_refused_as_busy_takes_no_pooled_connection(app, demo, open_vraag3, monkeypatch):
    """The refusal comes before the first query: an overload must not queue at the pool (where it once waited
    30 s, with the group commits queued behind it)."""
    voter = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site("online"),
                   participant=audience.join(demo.site("online"), ""))
    poll_id, option = open_vraag3.id, open_vraag3.options[0].id
    db.session.commit()  # the session gives its connection back, as at the start of a socket event
    checkouts = []
    listener = lambda *args: checkouts.append(1)  # noqa: E731
    event.listen(db.engine.pool, "checkout", listener)
    monkeypatch.setattr(vote_writer.state(app), "in_flight", vote_writer.MAX_IN_FLIGHT)
    try:
        with pytest.raises(Busy):
            audience.cast_vote(voter, poll_id, {"option": option}, "busy-key-98")
    finally:
        event.remove(db.engine.pool, "checkout", listener)
    assert checkouts == []


def test_a_vote_is_in_flight_from_its_first_query_so_others_are_refused_meanwhile(app, demo, open_vraag3,
                                                                                  monkeypatch):
    """One vote held at its first query (as if waiting for a pooled connection) fills a limit of one: a second
    vote is refused at once; the first is stored once it goes on, and the count is back to zero."""
    monkeypatch.setattr(vote_writer, "MAX_IN_FLIGHT", 1)
    ids = join(demo, 2)
    event_id, poll_id, option = demo.id, open_vraag3.id, open_vraag3.options[0].id
    at_first_query, go_on = threading.Event(), threading.Event()
    first_thread = None

    def hold_the_first_vote(*args):
        if threading.get_ident() == first_thread and not at_first_query.is_set():
            at_first_query.set()
            go_on.wait(10)

    replies: list = []

    def vote() -> None:
        nonlocal first_thread
        first_thread = threading.get_ident()
        with app.app_context():
            caller = Caller.of_connection(Role.PARTICIPANT, event_id, ids[0][1], ids[0][0])
            replies.append(audience.cast_vote(caller, poll_id, {"option": option}, "first-key-1"))

    event.listen(db.engine, "before_cursor_execute", hold_the_first_vote)
    try:
        thread = threading.Thread(target=vote)
        thread.start()
        assert at_first_query.wait(10)
        second = Caller.of_connection(Role.PARTICIPANT, event_id, ids[1][1], ids[1][0])
        with pytest.raises(Busy):
            audience.cast_vote(second, poll_id, {"option": option}, "second-key-2")
        go_on.set()
        thread.join(10)
    finally:
        go_on.set()
        event.remove(db.engine, "before_cursor_execute", hold_the_first_vote)
    assert [reply["repeated"] for reply in replies] == [False]
    assert vote_writer.state(app).in_flight == 0
    stored = db.session.scalars(select(Vote.idempotency_key).where(Vote.poll_id == open_vraag3.id)).all()
    assert stored == ["first-key-1"]
