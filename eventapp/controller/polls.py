"""Running polls and moderating the audience: the chair for every poll, a host for its own site's polls.

Each action is a change of the live state: one transaction, a log entry, a new version, recorded in the outbox
(the new state, and the poll's results or the question list where they change), then pushed.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventapp import outbox
from eventapp.access import Caller
from eventapp.controller import commit_change, require_role, site_scene
from eventapp.errors import BadInput, Conflict, Forbidden, NotFound
from eventapp.extensions import db
from eventapp.lookup import site_by_key
from eventapp.models import (
    Event,
    EventStatus,
    LiveState,
    Poll,
    PollKind,
    PollState,
    Question,
    QuestionState,
    Role,
    Segment,
    SegmentKind,
    Site,
    Vote,
)
from eventapp.models.base import utcnow
from eventapp.programme.schema import PollSpec
from eventapp.programme.store import write_poll_definition

#: Every screen shows revealed results at the same moment: this long after the chair's click.
REVEAL_DELAY = timedelta(seconds=1.5)


def create_poll(caller: Caller, spec: PollSpec, site_key: str | None, segment_id: int | None) -> Poll:
    """A new poll during the event: for the whole event (chair), or for one site (its host, or the chair)."""
    require_role(caller, Role.CHAIR, Role.HOST)
    site = _poll_site(caller, site_key)
    if db.session.scalar(select(Poll.id).where(Poll.event_id == caller.event.id, Poll.key == spec.key)):
        raise Conflict(_("the event has a poll '%(key)s' already", key=spec.key))
    segment = None
    if segment_id is not None:
        segment = db.session.get(Segment, segment_id)
        if segment is None or segment.event_id != caller.event.id:
            raise NotFound(_("segment %(id)s does not exist in this event", id=segment_id))
        _check_segment_holds(segment, site)
    # Last of its segment (or of the polls outside the run sheet), as the export lists it.
    last = db.session.scalar(select(func.max(Poll.position)).where(
        Poll.event_id == caller.event.id,
        Poll.segment_id == segment.id if segment else Poll.segment_id.is_(None)))
    poll = Poll(event_id=caller.event.id, segment_id=segment.id if segment else None,
                site_id=site.id if site else None, key=spec.key, position=0 if last is None else last + 1)
    write_poll_definition(poll, spec)
    db.session.add(poll)
    db.session.flush()
    commit_change(caller, "poll:created", {"poll": poll.id, "key": poll.key})
    return poll


def _check_segment_holds(segment: Segment, site: Site | None) -> None:
    """A poll belongs in the programme where the programme file can hold it (eventapp/programme/schema.py): an
    event's poll in a poll segment, a site's poll in that site's part of a regional segment."""
    if site is None and segment.kind != SegmentKind.POLL:
        raise BadInput(_("an event's poll belongs to a poll segment; segment %(id)s is not one", id=segment.id))
    if site is not None and not any(part.site_id == site.id for part in segment.parts):
        raise BadInput(_("a site's poll belongs to its part of a regional segment; segment %(id)s has no part "
                         "for %(site)s", id=segment.id, site=site.key))


def update_poll(caller: Caller, poll_id: int, spec: PollSpec) -> None:
    """Change a poll's question and settings; its kind and options only while nobody has voted."""
    poll = _poll(caller, poll_id)
    if spec.key != poll.key:
        raise BadInput(_("a poll's key cannot change"))
    if _has_votes(poll) and (spec.kind != poll.kind or [(o.label, o.correct) for o in spec.options]
                             != [(o.label, o.correct) for o in poll.options]):
        raise Conflict(_("poll '%(key)s' has votes; its kind and options cannot change", key=poll.key))
    write_poll_definition(poll, spec)
    commit_change(caller, "poll:updated", {"poll": poll.id})


def delete_poll(caller: Caller, poll_id: int) -> None:
    """Delete a poll nobody has voted on."""
    poll = _poll(caller, poll_id)
    if _has_votes(poll):
        raise Conflict(_("poll '%(key)s' has votes; it cannot be deleted", key=poll.key))
    segment = db.session.get(Segment, poll.segment_id) if poll.segment_id else None
    if (segment is not None and segment.kind == SegmentKind.POLL and poll.site_id is None
            and not any(p.site_id is None and p.id != poll.id for p in segment.polls)):
        raise Conflict(_("poll '%(key)s' is the only poll of its poll segment; change or delete the segment "
                         "instead", key=poll.key))
    db.session.delete(poll)
    commit_change(caller, "poll:deleted", {"poll": poll_id, "key": poll.key})


def open_poll(caller: Caller, poll_id: int) -> None:
    """Open a poll for votes and put it on the screens and phones of its sites."""
    poll = _poll(caller, poll_id)
    if poll.state == PollState.OPEN:
        raise Conflict(_("the poll is open already"))
    _refuse_host_during_central(caller)
    poll.state = PollState.OPEN
    poll.opened_at, poll.closed_at = utcnow(), None
    # The deadline is stored, not a countdown: a restarted server still closes it on time (close_due_polls).
    poll.closes_at = poll.opened_at + timedelta(seconds=poll.answer_seconds) if poll.answer_seconds else None
    # A quiz's spread would give its answer away: it stays hidden until the quiz is closed and revealed.
    if poll.hide_results or poll.kind == PollKind.QUIZ:
        poll.results_visible, poll.reveal_at, poll.reveal_step = False, None, None
    else:
        poll.results_visible = True
    _put_on_screens(caller, poll, pinned=None)
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)
    commit_change(caller, "poll:opened", {"poll": poll.id, "key": poll.key})


def close_poll(caller: Caller, poll_id: int) -> None:
    """Stop the votes; the poll stays on the screens."""
    poll = _poll(caller, poll_id)
    if poll.state != PollState.OPEN:
        raise Conflict(_("the poll is not open"))
    poll.state, poll.closed_at, poll.closes_at = PollState.CLOSED, utcnow(), None
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)  # a closed quiz question counts on the leaderboard
    commit_change(caller, "poll:closed", {"poll": poll.id, "key": poll.key})


def close_due_polls() -> int:
    """Close every open poll whose time to answer is up (its stored `closes_at` has passed), in any event; returns
    how many. The server's loop calls it twice a second: after a restart it closes at once what came due meanwhile.
    Each poll is checked again under its event's live state lock, so two workers never close one twice."""
    due = list(db.session.execute(select(Poll.id, Poll.event_id).where(
        Poll.state == PollState.OPEN, Poll.closes_at.is_not(None), Poll.closes_at <= utcnow())))
    db.session.rollback()  # ends the read; each close is its own transaction
    closed = 0
    for poll_id, event_id in due:
        db.session.get(LiveState, event_id, with_for_update=True)
        poll = db.session.get(Poll, poll_id, populate_existing=True)
        if poll is None or poll.state != PollState.OPEN or poll.closes_at is None or poll.closes_at > utcnow():
            db.session.rollback()
            continue
        deadline = poll.closes_at
        poll.state, poll.closed_at, poll.closes_at = PollState.CLOSED, deadline, None
        caller = Caller(role=Role.CHAIR, event=db.session.get(Event, event_id), actor="timer")
        outbox.record(event_id, outbox.POLL, poll=poll.id)
        commit_change(caller, "poll:closed", {"poll": poll.id, "key": poll.key, "by": "timer"})
        closed += 1
    return closed


def reveal_results(caller: Caller, poll_id: int) -> None:
    """Show the results everywhere, at the same moment on every screen (a short moment from now)."""
    poll = _poll(caller, poll_id)
    _refuse_open_quiz(poll)
    poll.results_visible, poll.reveal_step = True, None
    poll.reveal_at = utcnow() + REVEAL_DELAY
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)
    commit_change(caller, "poll:revealed", {"poll": poll.id, "at": poll.reveal_at.isoformat()})


def reveal_next_site(caller: Caller, poll_id: int) -> None:
    """The "Eurovision" reveal: the next site's results join the total, with that site on air."""
    require_role(caller, Role.CHAIR)
    poll = _poll(caller, poll_id)
    if poll.site_id is not None:
        raise Conflict(_("a site's own poll has only one site to reveal"))
    _refuse_open_quiz(poll)
    if not poll.reveal_order:
        poll.reveal_order = [site.key for site in caller.event.sites]
    step = (poll.reveal_step or 0) + 1  # results shown all at once start the site-by-site reveal afresh
    if step > len(poll.reveal_order):
        raise Conflict(_("every site's results are shown already"))
    # The site revealed last is on air on the screens that show the poll (the scene rule derives it: nothing to
    # restore when the poll leaves the screens).
    poll.reveal_step, poll.results_visible = step, True
    poll.reveal_at = utcnow() + REVEAL_DELAY
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)
    commit_change(caller, "poll:revealed-site", {"poll": poll.id, "site": poll.reveal_order[step - 1]})


def hide_results(caller: Caller, poll_id: int) -> None:
    """Take the results off the screens and phones again."""
    poll = _poll(caller, poll_id)
    if not poll.results_visible:
        raise Conflict(_("the results are hidden already"))
    poll.results_visible, poll.reveal_at, poll.reveal_step = False, None, None
    commit_change(caller, "poll:hidden", {"poll": poll.id})


def show_poll(caller: Caller, poll_id: int, pinned: bool = False) -> None:
    """Put a poll on its sites' screens (to show a closed poll's results again, say); `pinned`: it stays there when
    the programme moves on."""
    poll = _poll(caller, poll_id)
    _refuse_host_during_central(caller)
    _put_on_screens(caller, poll, pinned=pinned)
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)  # the screens get its results and voter count again
    commit_change(caller, "poll:shown", {"poll": poll.id, "pinned": pinned})


def dismiss_poll(caller: Caller, site_key: str | None) -> None:
    """Take the poll off one site's screen (a host: its own), or off every screen (the chair)."""
    require_role(caller, Role.CHAIR, Role.HOST)
    sites = [_acting(caller, site_key)] if site_key or caller.role == Role.HOST else list(caller.event.sites)
    for site in sites:
        scene = site_scene(caller, site)
        scene.poll_id, scene.poll_pinned = None, False
    commit_change(caller, "poll:dismissed", {"site": site_key})


def moderate_answer(caller: Caller, vote_id: int, decision: str) -> None:
    """Approve or hide an open answer (a host: answers from its own site)."""
    require_role(caller, Role.CHAIR, Role.HOST)
    vote = db.session.get(Vote, vote_id)
    poll = db.session.get(Poll, vote.poll_id) if vote else None
    if vote is None or poll.event_id != caller.event.id or poll.kind != PollKind.OPEN:
        raise NotFound(_("open answer %(id)s does not exist in this event", id=vote_id))
    if caller.role == Role.HOST and vote.site_id != caller.site.id:
        raise Forbidden(_("a host moderates only its own site's answers"))
    if decision == "approved" and vote.moderation != "approved":
        outbox.record(caller.event.id, outbox.APPROVED, answers=[[vote.participant_id, poll.id]])
    vote.moderation = decision
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)
    commit_change(caller, "answer:moderated", {"vote": vote.id, "decision": decision})


def approve_waiting_answers(caller: Caller, poll_id: int, site_key: str | None = None) -> int:
    """Approve every open answer of the poll that waits for moderation: a host its own site's, the chair every site's
    or (`site_key`) one site's. Each participant whose answer is approved is told so on their phone."""
    require_role(caller, Role.CHAIR, Role.HOST)
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.event_id != caller.event.id or poll.kind != PollKind.OPEN:
        raise NotFound(_("open poll %(id)s does not exist in this event", id=poll_id))
    if caller.role == Role.HOST and poll.site_id not in (None, caller.site.id):
        raise Forbidden(_("a host runs only its own site's polls"))
    site = _moderated_site(caller, site_key)
    mode = db.session.get(LiveState, caller.event.id, with_for_update=True).mode
    query = select(Vote).where(Vote.poll_id == poll.id, Vote.mode == mode, Vote.moderation == "pending")
    waiting = list(db.session.scalars(query.where(Vote.site_id == site.id) if site else query))
    if not waiting:
        raise Conflict(_("no answers wait for moderation"))
    for vote in waiting:
        vote.moderation = "approved"
    outbox.record(caller.event.id, outbox.APPROVED, answers=[[vote.participant_id, poll.id] for vote in waiting])
    outbox.record(caller.event.id, outbox.POLL, poll=poll.id)
    commit_change(caller, "answer:approved-all", {"poll": poll.id, "site": site.key if site else None,
                                                   "count": len(waiting)})
    return len(waiting)


def approve_waiting_questions(caller: Caller, site_key: str | None = None) -> int:
    """Approve every question of the Q&A that waits for moderation: a host its own site's, the chair every site's or
    (`site_key`) one site's. Each participant whose question is approved is told so on their phone."""
    require_role(caller, Role.CHAIR, Role.HOST)
    site = _moderated_site(caller, site_key)
    db.session.get(LiveState, caller.event.id, with_for_update=True)
    query = select(Question).where(Question.event_id == caller.event.id, Question.state == QuestionState.PENDING)
    waiting = list(db.session.scalars(query.where(Question.site_id == site.id) if site else query))
    if not waiting:
        raise Conflict(_("no questions wait for moderation"))
    for question in waiting:
        question.state = QuestionState.APPROVED
    outbox.record(caller.event.id, outbox.APPROVED,
                  questions=[[question.participant_id, question.id] for question in waiting])
    outbox.record(caller.event.id, outbox.QUESTIONS)
    commit_change(caller, "question:approved-all", {"site": site.key if site else None, "count": len(waiting)})
    return len(waiting)


def _moderated_site(caller: Caller, site_key: str | None) -> Site | None:
    """The site whose waiting answers or questions are moderated: a host's own (always), the one the chair names, or
    None (the chair: every site)."""
    if caller.role == Role.HOST:
        if site_key is not None and site_key != caller.site.key:
            raise Forbidden(_("a host moderates only its own site's answers and questions"))
        return caller.site
    return site_by_key(caller.event, site_key) if site_key else None


def moderate_question(caller: Caller, question_id: int, state: QuestionState) -> None:
    """Approve, hide or mark answered a question (a host: its own site's questions)."""
    require_role(caller, Role.CHAIR, Role.HOST)
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != caller.event.id:
        raise NotFound(_("question %(id)s does not exist in this event", id=question_id))
    if caller.role == Role.HOST and question.site_id != caller.site.id:
        raise Forbidden(_("a host moderates only its own site's questions"))
    if state == QuestionState.APPROVED and question.state != QuestionState.APPROVED:
        outbox.record(caller.event.id, outbox.APPROVED, questions=[[question.participant_id, question.id]])
    question.state = state
    question.answered_at = utcnow() if state == QuestionState.ANSWERED else None
    live = db.session.get(LiveState, caller.event.id)
    if state == QuestionState.HIDDEN and live.featured_question_id == question.id:
        live.featured_question_id = None
    outbox.record(caller.event.id, outbox.QUESTIONS)
    commit_change(caller, "question:moderated", {"question": question.id, "state": state.value})


def feature_question(caller: Caller, question_id: int | None, pinned: bool = False) -> None:
    """Put one approved question on every screen, labelled with its site (None: take it off); `pinned`: it stays
    there when the programme moves on."""
    require_role(caller, Role.CHAIR)
    if question_id is not None:
        question = db.session.get(Question, question_id)
        if question is None or question.event_id != caller.event.id:
            raise NotFound(_("question %(id)s does not exist in this event", id=question_id))
        if question.state not in (QuestionState.APPROVED, QuestionState.ANSWERED):
            raise Conflict(_("approve the question before putting it on the screens"))
    live = db.session.get(LiveState, caller.event.id)
    live.featured_question_id, live.featured_pinned = question_id, pinned and question_id is not None
    commit_change(caller, "question:featured", {"question": question_id, "pinned": live.featured_pinned})


def _put_on_screens(caller: Caller, poll: Poll, pinned: bool | None) -> None:
    """The poll on the screens of its sites (`pinned` None: a pin there stays as it is). An event's poll takes the
    featured question off: the chair's newest choice is what the screens show."""
    for site in _sites_of(caller, poll):
        scene = site_scene(caller, site)
        if scene.poll_id != poll.id:
            scene.poll_pinned = False
        scene.poll_id = poll.id
        if pinned is not None:
            scene.poll_pinned = pinned
    if poll.site_id is None:
        live = db.session.get(LiveState, caller.event.id)
        live.featured_question_id, live.featured_pinned = None, False


def _refuse_host_during_central(caller: Caller) -> None:
    """During a central segment the chair runs every screen: a host puts its own poll up in its regional part."""
    if caller.role != Role.HOST or caller.event.status != EventStatus.LIVE:
        return
    if not db.session.get(LiveState, caller.event.id).split:
        raise Conflict(_("the programme is central now: the chair runs the screens; open your site's poll "
                         "during your regional part"))


def _refuse_open_quiz(poll: Poll) -> None:
    """A quiz's results would tell its answer while people still answer it."""
    if poll.kind == PollKind.QUIZ and poll.state == PollState.OPEN:
        raise Conflict(_("close the quiz question before revealing its answer"))


def _poll(caller: Caller, poll_id: int) -> Poll:
    require_role(caller, Role.CHAIR, Role.HOST)
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.event_id != caller.event.id:
        raise NotFound(_("poll %(id)s does not exist in this event", id=poll_id))
    if caller.role == Role.HOST and poll.site_id != caller.site.id:
        raise Forbidden(_("a host runs only its own site's polls"))
    return poll


def _poll_site(caller: Caller, site_key: str | None) -> Site | None:
    if caller.role == Role.HOST:
        if site_key is not None and site_key != caller.site.key:
            raise Forbidden(_("a host acts only for its own site"))
        return caller.site
    return site_by_key(caller.event, site_key) if site_key else None


def _acting(caller: Caller, site_key: str | None) -> Site:
    if caller.role == Role.HOST:
        if site_key is not None and site_key != caller.site.key:
            raise Forbidden(_("a host acts only for its own site"))
        return caller.site
    return site_by_key(caller.event, site_key)


def _sites_of(caller: Caller, poll: Poll) -> list[Site]:
    return [s for s in caller.event.sites if poll.site_id is None or s.id == poll.site_id]


def _has_votes(poll: Poll) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll.id)))
