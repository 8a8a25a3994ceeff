"""What each receiver may see of a poll's results: the one place where results visibility lives.

- The crew (chair, hosts) sees every figure at any time, and the open answers that wait for moderation.
- Screens, phones and the public HTTP API see a poll's figures only once the chair revealed them and the reveal's
  moment has come (`reveal_at`: every screen flips together). During a site-by-site reveal they see only the
  sites revealed so far, with a total over just those sites, counted here: no page adds figures up.
- A quiz's figures (its answer spread and right answer) reach the audience only once the quiz is closed and
  revealed; its leaderboard counts closed quiz questions only, so no score moves while a question is open, and it
  names players without their internal ids.

`PollResults` is the `poll:results` message and the `results` of the HTTP results export (docs/PROTOCOL.md).
"""

from datetime import datetime

from pydantic import BaseModel

from eventapp.extensions import db
from eventapp.models import Event, Poll, PollKind, PollState
from eventapp.models.base import utcnow
from eventapp.poll_kinds import Figures, tally
from eventapp.results import (
    counted_answers,
    open_answers,
    pending_open_answers,
    quiz_leaderboard,
    waiting_open_answers,
)


class OpenAnswer(BaseModel):
    """An open answer: approved ones for everyone, pending ones for the crew."""

    id: int
    site: str
    text: str


class Player(BaseModel):
    """A quiz player on the leaderboard: their chosen name (None: they gave none), their site and points."""

    name: str | None
    site: str
    points: int


class Leaderboard(BaseModel):
    """The best quiz players over the closed quiz questions, overall and per site."""

    overall: list[Player]
    sites: dict[str, list[Player]]


class PollResults(BaseModel):
    """A poll's results as one receiver may see them (the `poll:results` message)."""

    poll_id: int
    key: str
    kind: str
    total: Figures
    sites: dict[str, Figures]
    #: The sites in `sites`: every site of the poll, or during a site-by-site reveal those revealed so far, in the
    #: reveal's order (the newest last).
    shown: list[str]
    #: The site-by-site reveal's step these figures belong to; None: not revealed site by site.
    step: int | None = None
    #: The newest approved open answers of the shown sites (open polls).
    approved: list[OpenAnswer] | None = None
    #: Quiz polls.
    leaderboard: Leaderboard | None = None
    #: The crew's only: open answers waiting for moderation.
    pending: list[OpenAnswer] | None = None
    #: Open polls: how many answers wait for moderation (the crew: all, a host: its site's, the audience: of the
    #: shown sites), so a page can say "3 waiting for moderation" instead of "no votes yet".
    waiting: int | None = None


def crew_results(poll: Poll) -> PollResults:
    """Every figure of the poll, now: the chair and the hosts."""
    event = db.session.get(Event, poll.event_id)
    keys = _poll_sites(event, poll)
    figures = tally(poll, counted_answers(poll), keys)
    results = _results(poll, figures, keys, step=None, correct=True)
    if poll.kind == PollKind.OPEN:
        results.approved = [OpenAnswer(**answer) for answer in open_answers(poll)]
        results.pending = [OpenAnswer(**answer) for answer in pending_open_answers(poll)]
        results.waiting = len(results.pending)
    if poll.kind == PollKind.QUIZ:
        results.leaderboard = Leaderboard(**quiz_leaderboard(poll.event_id))
    return results


def host_results(crew: PollResults, poll_site: str | None, site: str) -> PollResults | None:
    """What a host reads of the crew's results: the whole event's polls and its own site's, with only its own site's
    open answers waiting for moderation; None for another site's poll."""
    if poll_site not in (None, site):
        return None
    if crew.pending is None:
        return crew
    pending = [answer for answer in crew.pending if answer.site == site]
    return crew.model_copy(update={"pending": pending, "waiting": len(pending)})


def audience_results(poll: Poll, now: datetime | None = None) -> PollResults | None:
    """What screens, phones and the public may see of the poll now; None when they may see nothing yet."""
    step = shown_step(poll, now or utcnow())
    if step is False:
        return None
    event = db.session.get(Event, poll.event_id)
    keys = _poll_sites(event, poll)
    if step is not None:
        keys = [key for key in poll.reveal_order[:step] if key in keys]
    answers = [(key, answer) for key, answer in counted_answers(poll) if key in keys]
    closed_quiz = poll.kind == PollKind.QUIZ  # shown_step lets a quiz through only once it is closed
    results = _results(poll, tally(poll, answers, keys), keys, step=step, correct=closed_quiz)
    if poll.kind == PollKind.OPEN:
        results.approved = [OpenAnswer(**answer) for answer in open_answers(poll) if answer["site"] in keys]
        waiting = waiting_open_answers(poll)
        results.waiting = sum(waiting.get(key, 0) for key in keys)
    if poll.kind == PollKind.QUIZ:
        board = quiz_leaderboard(poll.event_id)
        results.leaderboard = Leaderboard(
            overall=[player for player in board["overall"] if player["site"] in keys],
            sites={key: players for key, players in board["sites"].items() if key in keys})
    return results


def shown_step(poll: Poll, now: datetime) -> int | None | bool:
    """How much of the poll's results the audience may see at `now`: False nothing, None everything, or the
    number of sites of a site-by-site reveal (the newest one only from its reveal moment on)."""
    if not poll.results_visible:
        return False
    if poll.kind == PollKind.QUIZ and poll.state != PollState.CLOSED:
        return False
    arrived = poll.reveal_at is None or poll.reveal_at <= now
    if poll.reveal_step is None:
        return None if arrived else False
    step = poll.reveal_step if arrived else poll.reveal_step - 1
    return step if step > 0 else False


def is_public(poll: Poll, now: datetime | None = None) -> bool:
    """Whether the audience may see any of the poll's figures now."""
    return shown_step(poll, now or utcnow()) is not False


def results_message(results: PollResults) -> dict:
    """The results as sent (JSON-ready), with only the fields the poll's kind has (over Socket.IO and HTTP)."""
    return results.model_dump(mode="json", exclude_unset=True)


def _poll_sites(event: Event, poll: Poll) -> list[str]:
    return [site.key for site in event.sites if poll.site_id is None or site.id == poll.site_id]


def _results(poll: Poll, figures: dict, keys: list[str], step: int | None, correct: bool) -> PollResults:
    def typed(counted: dict) -> Figures:
        if not correct and counted.get("options"):
            counted = {**counted, "options": [{k: v for k, v in o.items() if k != "correct"}
                                              for o in counted["options"]]}
        return Figures(**counted)

    return PollResults(poll_id=poll.id, key=poll.key, kind=figures["kind"], total=typed(figures["total"]),
                       sites={key: typed(figures["sites"][key]) for key in keys}, shown=keys, step=step)
