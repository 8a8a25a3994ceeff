"""The table of live actions: one entry per action, shared by the Socket.IO handlers and the HTTP API.

An action's name is its Socket.IO event (`programme:next`) and, with the colon made a slash, its HTTP path
(`POST /api/v1/events/SLUG/programme/next`). Its payload model validates the input of both.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from eventapp.access import Caller
from eventapp.controller import audience, closing, live, polls
from eventapp.errors import AppError, BadInput, Forbidden
from eventapp.extensions import db
from eventapp.faults import safe_rollback
from eventapp.models import CueState, HostStatus, LiveState, QuestionState, Role, Scene
from eventapp.models.base import MAX_ID
from eventapp.payload import check_payload
from eventapp.programme.schema import PollSpec

SiteKey = Annotated[str, StringConstraints(min_length=1, max_length=40)]
#: A row's id: a larger number than a row can have is refused as invalid, never sent to the database.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]


class Payload(BaseModel):
    """Base of action payloads: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class NoPayload(Payload):
    """The action takes no data."""


class StartIn(Payload):
    """The chair's start: the real run needs `confirm: true` (it cannot be undone); a rehearsal's run does not."""

    confirm: bool = False


class RehearsalIn(Payload):
    """Start a rehearsal; `run: true` also puts its first segment on at once."""

    run: bool = False


class SegmentTarget(Payload):
    """A segment to go to."""

    segment_id: Id


class SiteTarget(Payload):
    """The site to go live to."""

    site: SiteKey


class CueIn(Payload):
    """A cue for one host (`site`) or all (`site` left out)."""

    text: Annotated[str, StringConstraints(max_length=300)]
    site: SiteKey | None = None


class CueAnswer(Payload):
    """A host's answer to a cue."""

    cue_id: Id
    state: Literal[CueState.READY, CueState.NEEDS_TIME]


class HostStatusIn(Payload):
    """A host's signal to the chair."""

    status: HostStatus


class SiteItem(Payload):
    """The item of the site's regional part that is on (null: none). The chair names the site; a host need not."""

    index: int | None = Field(default=None, ge=0)
    site: SiteKey | None = None


class SiteTimer(Payload):
    """A site's own countdown in seconds from now (null: stop it)."""

    seconds: int | None = Field(default=None, gt=0)
    site: SiteKey | None = None


class TimerChange(Payload):
    """More time (positive seconds) or less (negative) on a site's countdown; the chair names the site."""

    seconds: int = Field(ge=-14400, le=14400)
    site: SiteKey | None = None


class MessageIn(Payload):
    """A message on one screen (`site`) or all; empty text clears it."""

    text: Annotated[str, StringConstraints(max_length=200)]
    site: SiteKey | None = None


class SceneIn(Payload):
    """A holding scene (with its text) or the programme, on one screen or all."""

    scene: Scene
    text: Annotated[str, StringConstraints(max_length=200)] = ""
    site: SiteKey | None = None


class SeekIn(Payload):
    """Where to move the video, in seconds."""

    position: float = Field(ge=0, le=86400)


class PollTarget(Payload):
    """The poll to act on."""

    poll_id: Id


class PollShown(Payload):
    """A poll to put on its sites' screens; `pinned`: it stays there when the programme moves on."""

    poll_id: Id
    pinned: bool = False


class PollIn(Payload):
    """A new poll: for the whole event, or for one site (`site`; a host's polls are its own site's)."""

    poll: PollSpec
    site: SiteKey | None = None
    segment_id: Id | None = None


class PollChange(Payload):
    """A poll's new definition (its key stays)."""

    poll_id: Id
    poll: PollSpec


class SiteChoice(Payload):
    """One site, or (left out) every site."""

    site: SiteKey | None = None


class AnswerModeration(Payload):
    """Approve or hide an open answer."""

    vote_id: Id
    decision: Literal["approved", "hidden"]


class WaitingAnswers(Payload):
    """The open poll whose waiting answers to approve: one site's (a host: its own) or, left out, every site's."""

    poll_id: Id
    site: SiteKey | None = None


class QuestionModeration(Payload):
    """Approve, hide or mark answered a question."""

    question_id: Id
    state: Literal[QuestionState.APPROVED, QuestionState.HIDDEN, QuestionState.ANSWERED]


class QuestionChoice(Payload):
    """The question for every screen, or null to take it off."""

    question_id: Id | None = None
    pinned: bool = False


class VoteIn(Payload):
    """A participant's answer to a poll, with a key the phone made so that a retry counts once."""

    poll_id: Id
    answer: dict
    key: Annotated[str, StringConstraints(min_length=8, max_length=64)]
    #: Grows with each answer the phone makes, so that a late retry of an older answer changes nothing.
    seq: Id | None = None


class QuestionIn(Payload):
    """A participant's question."""

    text: Annotated[str, StringConstraints(max_length=1000)]


class QuestionTarget(Payload):
    """The question to upvote."""

    question_id: Id


class ReactionIn(Payload):
    """A reaction from a phone."""

    kind: Annotated[str, StringConstraints(max_length=20)]


class LearningsIn(Payload):
    """A site's whole ordered list of learnings (a host's: its own site's; the chair names the site).

    The controller checks the rules (at most 10, each 1 to 300 characters of plain text) with clear messages.
    """

    learnings: Annotated[list[Annotated[str, StringConstraints(max_length=2000)]], Field(max_length=100)]
    site: SiteKey | None = None


class PassIn(Payload):
    """Where the holder passes the object: a site's key, or (left out) the next site of the magic wall."""

    to: SiteKey | None = None


@dataclass(frozen=True)
class Action:
    """One action: its name, who may call it, what it takes, and the controller function it runs.

    A live action changes the state (its reply is the new version); a participant's action (a vote, a
    question) does not: its reply is what the controller returns.
    """

    name: str
    roles: tuple[Role, ...]
    payload: type[Payload]
    run: Callable[[Caller, Payload], object]
    summary: str
    changes_state: bool = True


CHAIR = (Role.CHAIR,)
HOST = (Role.HOST,)
CREW = (Role.CHAIR, Role.HOST)
PARTICIPANT = (Role.PARTICIPANT,)

ACTIONS: list[Action] = [
    Action("event:start", CHAIR, StartIn, lambda c, p: live.start_run(c, p.confirm),
           "Start the event: for real only with confirm: true; during a rehearsal, the rehearsal's run"),
    Action("event:end", CHAIR, NoPayload, lambda c, p: live.end_event(c), "End the event"),
    Action("programme:next", CHAIR, NoPayload, lambda c, p: live.next_segment(c), "Go to the next segment"),
    Action("programme:previous", CHAIR, NoPayload, lambda c, p: live.previous_segment(c),
           "Go back to the previous segment"),
    Action("programme:jump", CHAIR, SegmentTarget, lambda c, p: live.jump_to_segment(c, p.segment_id),
           "Go to any segment"),
    Action("live:split", CHAIR, NoPayload, lambda c, p: live.split_to_regions(c),
           "Let every site run its own regional part"),
    Action("live:central", CHAIR, NoPayload, lambda c, p: live.back_to_central(c),
           "Bring every site back to the central programme"),
    Action("live:on-air", CHAIR, SiteTarget, lambda c, p: live.go_live(c, p.site),
           "Switch live to a site: it goes on air on every screen"),
    Action("cue:send", CHAIR, CueIn, lambda c, p: live.send_cue(c, p.text, p.site), "Send a cue to one host or all"),
    Action("cue:answer", HOST, CueAnswer, lambda c, p: live.answer_cue(c, p.cue_id, p.state),
           "Answer a cue: ready or needs time"),
    Action("host:status", HOST, HostStatusIn, lambda c, p: live.set_host_status(c, p.status),
           "Signal the chair: standby, ready or needs time"),
    Action("site:item", CREW, SiteItem, lambda c, p: live.set_site_item(c, p.index, p.site),
           "Put an item of the site's regional part on"),
    Action("site:timer", CREW, SiteTimer, lambda c, p: live.set_site_timer(c, p.seconds, p.site),
           "Start or stop the site's own countdown"),
    Action("site:timer-adjust", CREW, TimerChange, lambda c, p: live.adjust_site_timer(c, p.seconds, p.site),
           "Give the site's countdown more or less time (+60 / -60 seconds), running or paused"),
    Action("site:timer-pause", CREW, SiteChoice, lambda c, p: live.pause_site_timer(c, p.site),
           "Pause the site's countdown with the time it has left"),
    Action("site:timer-resume", CREW, SiteChoice, lambda c, p: live.resume_site_timer(c, p.site),
           "Let the site's paused countdown run on"),
    Action("screen:message", CHAIR, MessageIn, lambda c, p: live.show_message(c, p.text, p.site),
           "Show (or clear) a message on one screen or all"),
    Action("stage:message", CHAIR, MessageIn, lambda c, p: live.set_stage_message(c, p.text, p.site),
           "Show (or clear) a message to the person on stage, on one site's speaker view or all"),
    Action("screen:scene", CHAIR, SceneIn, lambda c, p: live.set_scene(c, p.scene, p.text, p.site),
           "Put one screen or all on a holding scene, or back on the programme"),
    Action("screen:clear", CHAIR, SiteChoice, lambda c, p: live.clear_screen(c, p.site),
           "Back to the programme on one screen or all: its poll, holding scene and message off, and the featured "
           "question off every screen"),
    Action("video:play", CHAIR, NoPayload, lambda c, p: live.play_video(c), "Play the video on every screen"),
    Action("video:pause", CHAIR, NoPayload, lambda c, p: live.pause_video(c), "Pause the video on every screen"),
    Action("video:seek", CHAIR, SeekIn, lambda c, p: live.seek_video(c, p.position),
           "Move the video on every screen"),
    Action("rehearsal:start", CHAIR, RehearsalIn, lambda c, p: live.start_rehearsal(c, p.run),
           "Start a rehearsal (run: true also starts its first segment); only before the real start"),
    Action("rehearsal:reset", CHAIR, NoPayload, lambda c, p: live.reset_rehearsal(c),
           "End the rehearsal and reset to the start"),
    Action("learnings:write", CREW, LearningsIn, lambda c, p: closing.write_learnings(c, p.learnings, p.site),
           "Set a site's learnings, in order (until the closing round starts)"),
    Action("closing:next", CHAIR, NoPayload, lambda c, p: closing.next_closing_site(c),
           "Closing round: the next site goes on air with its learnings"),
    Action("closing:previous", CHAIR, NoPayload, lambda c, p: closing.previous_closing_site(c),
           "Closing round: back to the site before"),
    Action("handoff:pass", HOST, PassIn, lambda c, p: closing.pass_object(c, p.to),
           "Magic wall: the holder's host passes the object on (to the next site, or the one named)"),
    Action("handoff:catch", HOST, NoPayload, lambda c, p: closing.catch_object(c),
           "Magic wall: the receiver's host catches the object in flight"),
    Action("handoff:take-back", CHAIR, NoPayload, lambda c, p: closing.take_back(c),
           "Magic wall: call the object in flight back to its sender"),
    Action("handoff:reset", CHAIR, NoPayload, lambda c, p: closing.reset_handoff(c),
           "Magic wall: put the object back with the first site"),
    Action("poll:create", CREW, PollIn, lambda c, p: polls.create_poll(c, p.poll, p.site, p.segment_id),
           "Create a poll for the whole event or one site"),
    Action("poll:update", CREW, PollChange, lambda c, p: polls.update_poll(c, p.poll_id, p.poll),
           "Change a poll (kind and options only before the first vote)"),
    Action("poll:delete", CREW, PollTarget, lambda c, p: polls.delete_poll(c, p.poll_id),
           "Delete a poll nobody voted on"),
    Action("poll:open", CREW, PollTarget, lambda c, p: polls.open_poll(c, p.poll_id),
           "Open a poll and put it on its sites' screens and phones"),
    Action("poll:close", CREW, PollTarget, lambda c, p: polls.close_poll(c, p.poll_id), "Stop a poll's votes"),
    Action("poll:reveal", CREW, PollTarget, lambda c, p: polls.reveal_results(c, p.poll_id),
           "Show a poll's results on every screen at the same moment"),
    Action("poll:reveal-site", CHAIR, PollTarget, lambda c, p: polls.reveal_next_site(c, p.poll_id),
           "Reveal the next site's results, with that site on air (the Eurovision reveal)"),
    Action("poll:hide", CREW, PollTarget, lambda c, p: polls.hide_results(c, p.poll_id),
           "Take a poll's results off the screens"),
    Action("poll:show", CREW, PollShown, lambda c, p: polls.show_poll(c, p.poll_id, p.pinned),
           "Put a poll on its sites' screens"),
    Action("poll:dismiss", CREW, SiteChoice, lambda c, p: polls.dismiss_poll(c, p.site),
           "Take the poll off one site's screen or every screen"),
    Action("answer:moderate", CREW, AnswerModeration, lambda c, p: polls.moderate_answer(c, p.vote_id, p.decision),
           "Approve or hide an open answer"),
    Action("question:moderate", CREW, QuestionModeration,
           lambda c, p: polls.moderate_question(c, p.question_id, p.state),
           "Approve, hide or mark answered a question"),
    Action("answer:approve-all", CREW, WaitingAnswers,
           lambda c, p: polls.approve_waiting_answers(c, p.poll_id, p.site),
           "Approve every answer of an open poll that waits for moderation (a host: its own site's)"),
    Action("question:approve-all", CREW, SiteChoice, lambda c, p: polls.approve_waiting_questions(c, p.site),
           "Approve every question that waits for moderation (a host: its own site's)"),
    Action("question:feature", CHAIR, QuestionChoice,
           lambda c, p: polls.feature_question(c, p.question_id, p.pinned),
           "Put one question on every screen"),
    Action("poll:vote", PARTICIPANT, VoteIn, lambda c, p: audience.cast_vote(c, p.poll_id, p.answer, p.key, p.seq),
           "Vote (a participant)", changes_state=False),
    Action("question:ask", PARTICIPANT, QuestionIn, lambda c, p: audience.ask_question(c, p.text),
           "Ask a question (a participant)", changes_state=False),
    Action("question:upvote", PARTICIPANT, QuestionTarget,
           lambda c, p: audience.upvote_question(c, p.question_id), "Upvote a question (a participant)",
           changes_state=False),
    Action("reaction:send", PARTICIPANT, ReactionIn, lambda c, p: audience.send_reaction(c, p.kind),
           "Send applause or a heart to the screens (a participant)", changes_state=False),
]

BY_NAME: dict[str, Action] = {action.name: action for action in ACTIONS}


def perform(action: Action, caller: Caller, data) -> dict:
    """Validate the payload, run the action, and return the reply: the new version, or the action's result.

    Whatever is refused (a bad payload, a wrong role, an action out of order) raises an AppError after the
    session is rolled back, so nothing of it stays.
    """
    try:
        check_payload(data)
        payload = action.payload.model_validate({} if data is None else data)
        if caller.role not in action.roles:
            raise Forbidden(_("a %(role)s may not do '%(action)s'", role=caller.role.value, action=action.name))
        result = action.run(caller, payload)
    except ValidationError as error:
        safe_rollback()
        raise BadInput(_("the request is not valid"), details=validation_details(error)) from None
    except AppError:
        safe_rollback()  # a refusal for a failed database (NotStored) must reach the client, not a second failure
        raise
    if not action.changes_state:
        return result or {}
    return {"version": db.session.get(LiveState, caller.event.id).version}


def validation_details(error: ValidationError) -> list[dict]:
    """A pydantic error as the API's details: the field's path and what is wrong with it."""
    return [{"path": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in error.errors()]
