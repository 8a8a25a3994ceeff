"""Poll results, quiz leaderboards and question lists, computed from the database when they are sent."""

from sqlalchemy import bindparam, func, select

from eventapp.extensions import db
from eventapp.models import (
    Event,
    LiveState,
    Participant,
    Poll,
    PollKind,
    PollState,
    Question,
    QuestionState,
    RunMode,
    Site,
    Vote,
)
from eventapp.poll_kinds import tally

#: Open answers shown on screens: the newest approved ones.
OPEN_ANSWERS_SHOWN = 30
LEADERBOARD_SIZE = 10
_votes, _sites = Vote.__table__, Site.__table__
#: Every counted answer of a poll in a run mode, with its site's key (hidden open answers left out).
_COUNTED_ANSWERS = (
    select(_sites.c.key, _votes.c.answer).join(_sites, _sites.c.id == _votes.c.site_id)
    .where(_votes.c.poll_id == bindparam("poll_id"), _votes.c.mode == bindparam("mode"),
           _votes.c.moderation != "hidden"))


def counted_answers(poll: Poll, mode: RunMode | None = None) -> list[tuple[str, object]]:
    """Every counted answer of the poll as (site key, stored answer): the current run's votes, or `mode`'s; hidden
    open answers left out."""
    mode = mode or db.session.get(LiveState, poll.event_id).mode
    # Plain rows through the connection: the ORM's row loading cost more than the counting, at every push.
    rows = db.session.connection().execute(_COUNTED_ANSWERS, {"poll_id": poll.id, "mode": mode})
    return [(key, answer) for key, answer in rows]


def poll_results(poll: Poll, mode: RunMode | None = None) -> dict:
    """A poll's results in total and per site, every figure (the report and the crew's exports; what a receiver
    may see of them is eventapp/views/results.py's to say)."""
    event = db.session.get(Event, poll.event_id)
    site_keys = [site.key for site in event.sites] if poll.site_id is None else \
        [site.key for site in event.sites if site.id == poll.site_id]
    results = {"poll_id": poll.id, "key": poll.key, **tally(poll, counted_answers(poll, mode), site_keys)}
    if poll.kind == PollKind.OPEN:
        results["approved"] = open_answers(poll, mode)
    if poll.kind == PollKind.QUIZ:
        results["leaderboard"] = quiz_leaderboard(poll.event_id, mode)
    return results


def open_answers(poll: Poll, mode: RunMode | None = None) -> list[dict]:
    """The newest approved open answers (at most OPEN_ANSWERS_SHOWN)."""
    mode = mode or db.session.get(LiveState, poll.event_id).mode
    approved = db.session.execute(
        select(Site.key, Vote.answer, Vote.id).join(Site, Site.id == Vote.site_id)
        .where(Vote.poll_id == poll.id, Vote.mode == mode, Vote.moderation == "approved")
        .order_by(Vote.changed_at.desc()).limit(OPEN_ANSWERS_SHOWN))
    return [{"id": vote_id, "site": key, "text": text} for key, text, vote_id in approved]


def pending_open_answers(poll: Poll) -> list[dict]:
    """Open answers waiting for moderation (chair and hosts only)."""
    mode = db.session.get(LiveState, poll.event_id).mode
    rows = db.session.execute(
        select(Vote.id, Site.key, Vote.answer).join(Site, Site.id == Vote.site_id)
        .where(Vote.poll_id == poll.id, Vote.mode == mode, Vote.moderation == "pending").order_by(Vote.id))
    return [{"id": vote_id, "site": key, "text": text} for vote_id, key, text in rows]


def waiting_open_answers(poll: Poll) -> dict[str, int]:
    """How many open answers wait for moderation, per site key (a count only: the texts are the crew's)."""
    mode = db.session.get(LiveState, poll.event_id).mode
    rows = db.session.execute(
        select(Site.key, func.count()).select_from(Vote).join(Site, Site.id == Vote.site_id)
        .where(Vote.poll_id == poll.id, Vote.mode == mode, Vote.moderation == "pending").group_by(Site.key))
    return dict(rows.all())


def quiz_points(event_id: int, mode: RunMode | None = None) -> dict[int, int]:
    """Every quiz player's points by participant id, over the closed quiz polls of the current run (or `mode`'s), as
    the leaderboard counts them; a player who answered only wrongly has 0."""
    mode = mode or db.session.get(LiveState, event_id).mode
    rows = db.session.execute(
        select(Vote.participant_id, func.sum(Vote.score)).join(Poll, Poll.id == Vote.poll_id)
        .where(Poll.event_id == event_id, Poll.kind == PollKind.QUIZ, Poll.state == PollState.CLOSED,
               Vote.mode == mode)
        .group_by(Vote.participant_id))
    return {participant_id: int(points or 0) for participant_id, points in rows}


def quiz_leaderboard(event_id: int, mode: RunMode | None = None) -> dict:
    """The best quiz players overall and per site: points summed over the closed quiz polls of the current run (or
    of `mode`'s), so that no score moves while a question is open. Players with no points are left out."""
    mode = mode or db.session.get(LiveState, event_id).mode
    totals = (select(Vote.participant_id, func.sum(Vote.score).label("points"))
              .join(Poll, Poll.id == Vote.poll_id)
              .where(Poll.event_id == event_id, Poll.kind == PollKind.QUIZ, Poll.state == PollState.CLOSED,
                     Vote.mode == mode)
              .group_by(Vote.participant_id).subquery())
    rows = db.session.execute(
        select(Participant.name, Site.key, totals.c.points)
        .join(totals, totals.c.participant_id == Participant.id).join(Site, Site.id == Participant.site_id)
        .order_by(totals.c.points.desc(), Participant.id))
    players = [{"name": name or None, "site": key, "points": int(points)} for name, key, points in rows if points]
    sites: dict[str, list] = {}
    for player in players:
        sites.setdefault(player["site"], [])
        if len(sites[player["site"]]) < LEADERBOARD_SIZE:
            sites[player["site"]].append(player)
    return {"overall": players[:LEADERBOARD_SIZE], "sites": sites}


def question_list(event: Event, approved_only: bool) -> list[dict]:
    """The event's questions, most upvoted first: every one for the crew, the approved ones for the audience."""
    query = select(Question, Site.key).join(Site, Site.id == Question.site_id).where(Question.event_id == event.id)
    if approved_only:
        query = query.where(Question.state.in_([QuestionState.APPROVED, QuestionState.ANSWERED]))
    query = query.order_by(Question.upvotes.desc(), Question.id)
    return [{"id": q.id, "site": key, "text": q.text, "state": q.state.value, "upvotes": q.upvotes,
             "asked_at": q.asked_at.isoformat()} for q, key in db.session.execute(query)]


def my_votes(participant: Participant) -> list[dict]:
    """A participant's own answers in the current run, so that a reloaded phone shows what it voted."""
    mode = db.session.get(LiveState, participant.event_id).mode
    rows = db.session.scalars(select(Vote).where(Vote.participant_id == participant.id, Vote.mode == mode))
    return [{"poll_id": vote.poll_id, "answer": vote.answer} for vote in rows]
