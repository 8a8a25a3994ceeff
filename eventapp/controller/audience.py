"""What participants do from their phones: join, vote, ask and upvote questions, send reactions.

Votes are not changes of the live state (no version is raised): each is committed with the others that arrive
within a few milliseconds (vote_writer), acknowledged after that commit, and its poll's results are pushed at a
bounded rate. What participants do is audience-paced: it reaches the pushes as taps (eventapp/outbox.py), never
as a database write of its own.
"""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, delete, or_, select
from sqlalchemy.exc import SQLAlchemyError

from eventapp import outbox
from eventapp.access import Caller
from eventapp.controller import commit_change, require_role, vote_writer
from eventapp.errors import BadInput, Conflict, Forbidden, NotFound
from eventapp.extensions import db
from eventapp.models import (
    LiveState,
    Participant,
    Poll,
    PollKind,
    PollOption,
    PollState,
    Question,
    QuestionState,
    Role,
    RunMode,
    Site,
    Vote,
)
from eventapp.models.base import MAX_ID, utcnow
from eventapp.moderation import is_offensive
from eventapp.poll_kinds import AnswerError, normalize_answer, quiz_score
from eventapp.ratelimit import allowed

NAME_MAX = 40
QUESTION_MAX = 300
REACTIONS = ("applause", "heart", "laugh", "wow")


def join(site: Site, name: str) -> Participant:
    """A new participant at a site, with an optional display name (shown as text, never as markup)."""
    name = clean_text(name)
    if len(name) > NAME_MAX:
        raise BadInput(_("a name is at most %(max)d characters", max=NAME_MAX))
    if name and is_offensive(name):
        raise BadInput(_("please choose another name"))
    participant = Participant(event_id=site.event_id, site_id=site.id, public_id=secrets.token_urlsafe(16),
                              name=name)
    db.session.add(participant)
    db.session.commit()
    return participant


@dataclass(frozen=True)
class _BallotOption:
    id: int
    correct: bool


@dataclass(frozen=True)
class BallotPoll:
    """What a vote needs of its poll (the rules of poll_kinds read the same names as on Poll), read as plain rows:
    loading ORM objects was most of a vote's CPU."""

    id: int
    event_id: int
    site_id: int | None
    kind: PollKind
    state: PollState
    allow_change: bool
    scale_min: int | None
    scale_max: int | None
    opened_at: datetime | None
    #: While open with a time to answer: when that time is up (the loop closes it within a moment).
    closes_at: datetime | None
    options: tuple[_BallotOption, ...]
    #: The run mode of the poll's event (rehearsal or real), stored with the vote.
    mode: RunMode


_votes, _participants, _polls, _options = (Vote.__table__, Participant.__table__, Poll.__table__,
                                           PollOption.__table__)
#: The phone's vote with this key (of anyone: a key is unique) and its earlier vote on the poll, beside its
#: participant row (no row: the participant was deleted; vote_id None: no such vote).
_MY_VOTES = (
    select(_participants.c.id.label("participant_row"), _votes.c.id.label("vote_id"), _votes.c.poll_id,
           _votes.c.participant_id, _votes.c.idempotency_key, _votes.c.seq, _votes.c.answer, _votes.c.changed_at)
    .select_from(_participants.outerjoin(_votes, or_(
        _votes.c.idempotency_key == bindparam("key"),
        and_(_votes.c.poll_id == bindparam("poll_id"), _votes.c.participant_id == _participants.c.id))))
    .where(_participants.c.id == bindparam("participant_id")))
#: The poll with its options and its event's run mode, one row per option.
_BALLOT_POLL = (
    select(_polls.c.id, _polls.c.event_id, _polls.c.site_id, _polls.c.kind, _polls.c.state, _polls.c.allow_change,
           _polls.c.scale_min, _polls.c.scale_max, _polls.c.opened_at, _polls.c.closes_at, LiveState.__table__.c.mode,
           _options.c.id.label("option_id"), _options.c.correct)
    .join(LiveState.__table__, LiveState.__table__.c.event_id == _polls.c.event_id)
    .outerjoin(_options, _options.c.poll_id == _polls.c.id)
    .where(_polls.c.id == bindparam("poll_id"))
    .order_by(_options.c.position))


def cast_vote(caller: Caller, poll_id: int, answer, key: str, seq: int | None = None) -> dict:
    """Record a participant's answer; a retry with the same key counts once, a new answer replaces the old.

    `seq` (optional) numbers the phone's answers: a late retry of an older answer that arrives after a newer
    one was stored (a lower number) is acknowledged as superseded and changes nothing; so is an answer without
    `seq` once the stored vote has one, as it cannot be ordered against it. Once admitted (at most
    vote_writer.MAX_IN_FLIGHT votes at a time; beyond that it is refused as busy): two reads as plain rows (the
    key and the earlier vote beside the participant; the poll with its options and the run mode), then the write
    in the next group commit (vote_writer), after which it is acknowledged; the reply is made from the values at
    hand. The caller's event, site and participant are used by id only: none is loaded. When the database fails
    (a read or the write) the vote is refused as not stored yet (NotStored, `retry`): the phone sends it again.
    """
    require_role(caller, Role.PARTICIPANT)
    if not isinstance(key, str) or not 8 <= len(key) <= 64:
        raise BadInput(_("a vote needs a key of 8 to 64 characters, made by the phone"))
    if seq is not None and (type(seq) is not int or not 0 <= seq <= MAX_ID):
        raise BadInput(_("a vote's sequence number is a whole number from 0 to %(max)d", max=MAX_ID))
    poll_id = poll_id if type(poll_id) is int else None
    with vote_writer.admitted():  # before the first query: an overload is refused busy, not queued for the pool
        try:
            return _record_vote(caller, poll_id, answer, key, seq)
        except SQLAlchemyError as error:  # the database failed: nothing was stored, the phone sends it again
            raise vote_writer.not_stored(error) from None


def _record_vote(caller: Caller, poll_id: int | None, answer, key: str, seq: int | None) -> dict:
    """cast_vote's reads and write, once the vote is admitted (a participant votes at its own site)."""
    participant_id, site_id = caller.participant_id, caller.site_id
    connection = db.session.connection()
    found = connection.execute(_MY_VOTES, {"key": key, "poll_id": poll_id, "participant_id": participant_id}).all()
    if not found:
        raise Forbidden(_("this phone's sign-in is not valid (anymore): join again"))
    votes = [row for row in found if row.vote_id is not None]
    repeated = next((vote for vote in votes if vote.idempotency_key == key), None)
    if repeated is not None:
        if repeated.participant_id != participant_id:
            raise Conflict(_("this vote key is used already"))
        return {"vote": _vote_view(repeated), "repeated": True}
    earlier = next((vote for vote in votes if vote.poll_id == poll_id), None)
    if earlier is not None and earlier.seq is not None and (seq is None or seq < earlier.seq):
        return {"vote": _vote_view(earlier), "repeated": True, "superseded": True}
    if not allowed("vote", f"participant:{participant_id}"):
        raise Conflict(_("too many votes at once; wait a moment"))
    poll = _ballot_poll(connection, poll_id) if poll_id else None
    if poll is None or poll.event_id != caller.event_id:
        raise NotFound(_("poll %(id)s does not exist in this event", id=str(poll_id)[:20]))
    if poll.state != PollState.OPEN:
        raise Conflict(_("this poll is not open"))
    now = utcnow()
    if poll.closes_at is not None and now >= poll.closes_at:
        raise Conflict(_("the time to answer is up"))
    if poll.site_id is not None and poll.site_id != site_id:
        raise Conflict(_("this poll is for another site"))
    try:
        stored = normalize_answer(poll, answer)
    except AnswerError as error:
        raise BadInput(str(error)) from None
    _refuse_offensive(poll, stored)
    if earlier is not None and not poll.allow_change:
        raise Conflict(_("you have answered this poll already"))
    values = {"answer": stored, "idempotency_key": key, "seq": seq, "mode": poll.mode, "changed_at": now,
              "moderation": "pending" if poll.kind == PollKind.OPEN else "approved",
              "score": quiz_score(poll, stored, (now - poll.opened_at).total_seconds())
              if poll.kind == PollKind.QUIZ and poll.opened_at else 0}
    if earlier is None:
        values |= {"poll_id": poll.id, "participant_id": participant_id, "site_id": site_id, "cast_at": now}
    reply = {"vote": {"poll_id": poll.id, "answer": stored, "changed_at": now.isoformat()}, "repeated": False}
    if not vote_writer.write(values, earlier.vote_id if earlier is not None else None):
        # Refused by a constraint: a retry of this key that was in the same group, or another vote of the
        # same participant at the same moment (that one won).
        if db.session.scalar(select(Vote.participant_id).where(Vote.idempotency_key == key)) == participant_id:
            return {**reply, "repeated": True}
        raise Conflict(_("your vote crossed another one; try again"))
    outbox.tap(caller.event_id, outbox.VOTE, poll=poll.id)
    return reply


def _ballot_poll(connection, poll_id: int) -> BallotPoll | None:
    rows = connection.execute(_BALLOT_POLL, {"poll_id": poll_id}).all()
    if not rows:
        return None
    first = rows[0]
    return BallotPoll(id=first.id, event_id=first.event_id, site_id=first.site_id, kind=first.kind,
                      state=first.state, allow_change=first.allow_change, scale_min=first.scale_min,
                      scale_max=first.scale_max, opened_at=first.opened_at, closes_at=first.closes_at,
                      mode=first.mode,
                      options=tuple(_BallotOption(row.option_id, row.correct) for row in rows
                                    if row.option_id is not None))


def ask_question(caller: Caller, text: str) -> dict:
    """A participant asks a question; hosts and the chair see it at once, the rest after approval."""
    require_role(caller, Role.PARTICIPANT)
    text = clean_text(text)
    if not text:
        raise BadInput(_("write a question"))
    if len(text) > QUESTION_MAX:
        raise BadInput(_("a question is at most %(max)d characters", max=QUESTION_MAX))
    if is_offensive(text):
        raise BadInput(_("please rephrase your question"))
    if not allowed("question", f"participant:{caller.participant.id}"):
        raise Conflict(_("you have asked several questions just now; wait a moment"))
    question = Question(event_id=caller.event.id, site_id=caller.participant.site_id,
                        participant_id=caller.participant.id, text=text, state=QuestionState.PENDING)
    db.session.add(question)
    db.session.commit()
    outbox.tap(caller.event.id, outbox.QUESTIONS)
    return {"question": question.id}


#: An upvotable question's event, and whether the participant still exists, read as one plain row.
_UPVOTABLE = (select(Question.event_id,
                     select(_participants.c.id).where(_participants.c.id == bindparam("participant_id"))
                     .scalar_subquery().label("participant"))
              .where(Question.id == bindparam("question_id"), Question.state == QuestionState.APPROVED))


def upvote_question(caller: Caller, question_id: int) -> dict:
    """A participant upvotes an approved question, once. The upvote is written in the vote writer's next group
    commit (a burst of upvotes is a few commits, not one each); refused busy or "not stored yet" like a vote."""
    require_role(caller, Role.PARTICIPANT)
    with vote_writer.admitted():
        try:
            return _record_upvote(caller, question_id)
        except SQLAlchemyError as error:
            raise vote_writer.not_stored(error) from None


def _record_upvote(caller: Caller, question_id: int) -> dict:
    """upvote_question's read and write, once admitted."""
    found = db.session.execute(_UPVOTABLE, {"question_id": question_id, "participant_id": caller.participant_id}
                               ).first() if type(question_id) is int else None
    if found is None or found.event_id != caller.event_id:
        raise NotFound(_("question %(id)s cannot be upvoted", id=str(question_id)[:20]))
    if found.participant is None:
        raise Forbidden(_("this phone's sign-in is not valid (anymore): join again"))
    if not allowed("upvote", f"participant:{caller.participant_id}"):
        raise Conflict(_("too many upvotes at once; wait a moment"))
    if not vote_writer.write_upvote(question_id, caller.participant_id):
        raise Conflict(_("you have upvoted this question already"))
    outbox.tap(caller.event_id, outbox.QUESTIONS)
    return {"question": question_id}


def send_reaction(caller: Caller, kind: str) -> dict:
    """Applause, a heart...: shown on the screens in bursts; not stored. Reads nothing: the caller comes from its
    connection and the rate limit is counted in memory (or Redis), so a burst of taps costs no database time."""
    require_role(caller, Role.PARTICIPANT)
    if kind not in REACTIONS:
        raise BadInput(_("a reaction is one of: %(kinds)s", kinds=", ".join(REACTIONS)))
    if not allowed("reaction", f"participant:{caller.participant_id}"):
        raise Conflict(_("easy on the applause; wait a moment"))
    outbox.tap(caller.event_id, outbox.REACTION, site=caller.site_key, reaction=kind)
    return {}


def forget_participants(caller: Caller, name: str | None = None) -> int:
    """Delete participants with everything they sent: votes, questions, upvotes (a person's right to be
    forgotten, and the end of an event's retention period). `name`: only those with that display name.

    The database's cascades remove the rows that belong to them; the log records how many, never who.
    Returns how many participants were deleted.
    """
    require_role(caller, Role.CHAIR)
    query = delete(Participant).where(Participant.event_id == caller.event.id)
    if name is not None:
        query = query.where(Participant.name == clean_text(name))
    count = db.session.execute(query).rowcount
    for poll_id in db.session.scalars(select(Poll.id).where(Poll.event_id == caller.event.id)):
        outbox.record(caller.event.id, outbox.POLL, poll=poll_id)
    outbox.record(caller.event.id, outbox.QUESTIONS)
    commit_change(caller, "participants:forgotten", {"count": count, "by_name": name is not None})
    return count


def clean_text(text) -> str:
    """Text from a phone: single spaces, no control characters. (Markup stays text: pages never render it.)"""
    if not isinstance(text, str):
        raise BadInput(_("text expected"))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return " ".join(text.split())


def _refuse_offensive(poll: Poll, stored) -> None:
    texts = stored if poll.kind == PollKind.WORDCLOUD else [stored] if poll.kind == PollKind.OPEN else []
    if any(is_offensive(text) for text in texts):
        raise BadInput(_("please choose other words"))


def _vote_view(vote) -> dict:
    """A stored vote, as read by cast_vote (`_MY_VOTES`), for its reply."""
    return {"poll_id": vote.poll_id, "answer": vote.answer, "changed_at": vote.changed_at.isoformat()}
