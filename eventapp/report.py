"""The report of an event (the white book): the programme as run, attendance, polls, learnings, answered questions
and the hand-off timeline, as one plain dict built from the database.

The JSON export (`GET /api/v1/events/SLUG/report`) is this dict, and the chair's report page renders this same
dict, so the two cannot disagree. Only the real run counts: rehearsal votes, segment runs and log entries are left
out, and so are participants and questions from before the end of the last rehearsal (the crew's test phones).
During the event the report is partial, and says so (`complete` is false).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select

from eventapp.extensions import db
from eventapp.models import (
    Event,
    EventLogEntry,
    EventStatus,
    Learning,
    LiveState,
    Participant,
    Poll,
    PollKind,
    PollState,
    Question,
    QuestionState,
    RunMode,
    Segment,
    SegmentRun,
    Site,
    Vote,
)
from eventapp.models.base import utcnow
from eventapp.programme.schema import Programme
from eventapp.programme.store import export_programme
from eventapp.programme.yamlfile import dump_programme
from eventapp.results import poll_results
from eventapp.schedule import planned_slots
from eventapp.views.state import poll_view, presence_by_site

#: The version of the report's shape, for scripts that read the JSON.
FORMAT = "eventapp-report/1"
HANDOFF_ACTIONS = ("handoff:passed", "handoff:caught", "handoff:taken-back", "handoff:reset")


def build_report(event: Event) -> dict:
    """The whole report of an event, from the database: plain JSON-ready values only."""
    live = db.session.get(LiveState, event.id)
    now = utcnow()
    real_since = _real_since(event, live, now)
    log = _real_log(event)
    runs = db.session.scalars(select(SegmentRun).where(SegmentRun.event_id == event.id,
                                                       SegmentRun.mode == RunMode.REAL)
                              .order_by(SegmentRun.started_at, SegmentRun.id)).all()
    started_at = _first(log, "event:started") or (runs[0].started_at if runs else None)
    ended_at = _last(log, "event:ended")
    complete = event.status == EventStatus.ENDED and live.mode == RunMode.REAL and ended_at is not None
    return {
        "format": FORMAT,
        "event": {"slug": event.slug, "title": event.title, "date": event.date.isoformat(),
                  "timezone": event.timezone, "status": event.status.value},
        "generated_at": _iso(now),
        "complete": complete,
        "rehearsal_on": live.mode == RunMode.REHEARSAL,
        "started_at": _iso(started_at),
        "ended_at": _iso(ended_at),
        #: Participants and questions from before this moment (the end of the last rehearsal) are left out.
        "real_since": _iso(real_since),
        "sites": [{"key": s.key, "name": s.name, "venue": s.venue, "kind": s.kind.value} for s in event.sites],
        "programme": _programme(event, runs, started_at, now),
        "attendance": _attendance(event, real_since),
        "polls": _polls(event),
        "learnings": _learnings(event, log),
        "questions": _answered_questions(event, real_since),
        "handoffs": _handoffs(event, log),
    }


def _real_since(event: Event, live: LiveState, now: datetime) -> datetime | None:
    """From when participants and questions belong to the real run: the end of the last rehearsal (None: always).

    While a rehearsal is on, nothing of the real run has happened yet."""
    if live.mode == RunMode.REHEARSAL:
        return now
    return db.session.scalar(select(EventLogEntry.at).where(  # not max(): aggregates lose the column's zone
        EventLogEntry.event_id == event.id, EventLogEntry.mode == RunMode.REHEARSAL,
        EventLogEntry.action == "rehearsal:reset").order_by(EventLogEntry.at.desc()).limit(1))


def _real_log(event: Event) -> list[EventLogEntry]:
    return db.session.scalars(select(EventLogEntry).where(EventLogEntry.event_id == event.id,
                                                          EventLogEntry.mode == RunMode.REAL)
                              .order_by(EventLogEntry.at, EventLogEntry.id)).all()


def _first(log: list[EventLogEntry], action: str) -> datetime | None:
    return next((entry.at for entry in log if entry.action == action), None)


def _last(log: list[EventLogEntry], action: str) -> datetime | None:
    return next((entry.at for entry in reversed(log) if entry.action == action), None)


# --- the programme as run ------------------------------------------------------------------------------------

def _programme(event: Event, runs: list[SegmentRun], started_at: datetime | None, now: datetime) -> list[dict]:
    """Each segment's plan against what happened: first start, last end, time on (summed over every time it was
    on) and drift (actual start minus planned start; positive: late)."""
    zone = ZoneInfo(event.timezone)
    day = started_at.astimezone(zone).date() if started_at else event.date
    key_of = {site.id: site.key for site in event.sites}
    by_segment: dict[int, list[SegmentRun]] = {}
    for run in runs:
        by_segment.setdefault(run.segment_id, []).append(run)
    rows = []
    for slot in planned_slots(event, day):
        segment = slot.segment
        ran = by_segment.get(segment.id, [])
        actual_start = ran[0].started_at if ran else None
        seconds = sum(int(((run.ended_at or now) - run.started_at).total_seconds()) for run in ran)
        rows.append({
            "id": segment.id, "position": segment.position, "kind": segment.kind.value, "title": segment.title,
            "origin": key_of.get(segment.origin_site_id), "site": key_of.get(segment.target_site_id),
            "planned_start": _iso(slot.start), "planned_minutes": segment.planned_minutes,
            "actual_start": _iso(actual_start), "actual_end": _iso(ran[-1].ended_at) if ran else None,
            "actual_seconds": seconds if ran else None,
            "running": bool(ran) and ran[-1].ended_at is None,
            "times_on": len(ran),
            "drift_seconds": int((actual_start - slot.start).total_seconds()) if actual_start else None,
            "overrun_seconds": seconds - 60 * segment.planned_minutes if ran else None,
        })
    return rows


# --- attendance ----------------------------------------------------------------------------------------------

def _attendance(event: Event, real_since: datetime | None) -> dict:
    """Per site: participants who joined (since the last rehearsal), participants who voted in the real run,
    questions asked, and phones connected at the moment the report is made (the peak is not recorded)."""
    joined_query = select(Participant.site_id, func.count()).where(Participant.event_id == event.id)
    questions_query = select(Question.site_id, func.count()).where(Question.event_id == event.id)
    if real_since is not None:
        joined_query = joined_query.where(Participant.joined_at >= real_since)
        questions_query = questions_query.where(Question.asked_at >= real_since)
    joined = dict(db.session.execute(joined_query.group_by(Participant.site_id)).all())
    asked = dict(db.session.execute(questions_query.group_by(Question.site_id)).all())
    voted = dict(db.session.execute(
        select(Vote.site_id, func.count(distinct(Vote.participant_id))).join(Poll, Poll.id == Vote.poll_id)
        .where(Poll.event_id == event.id, Vote.mode == RunMode.REAL).group_by(Vote.site_id)).all())
    voted_total = db.session.scalar(
        select(func.count(distinct(Vote.participant_id))).join(Poll, Poll.id == Vote.poll_id)
        .where(Poll.event_id == event.id, Vote.mode == RunMode.REAL)) or 0
    presence = presence_by_site(event)
    sites = {site.key: {"joined": joined.get(site.id, 0), "voted": voted.get(site.id, 0),
                        "questions": asked.get(site.id, 0), "connected_now": presence[site.key].participants}
             for site in event.sites}
    total = {name: sum(figures[name] for figures in sites.values())
             for name in ("joined", "questions", "connected_now")}
    # Someone who moved to another site votes there: the total counts each person once.
    total["voted"] = voted_total
    return {"sites": sites, "total": total, "peak_recorded": False}


# --- polls ---------------------------------------------------------------------------------------------------

def _polls(event: Event) -> list[dict]:
    """Every poll in programme order with its real-run results in total and per site (the results code's own
    figures, the shape of `poll:results`), and whether it was asked at all."""
    polls = db.session.scalars(
        select(Poll).outerjoin(Segment, Segment.id == Poll.segment_id).where(Poll.event_id == event.id)
        .order_by(Segment.position.is_(None), Segment.position, Poll.position, Poll.id)).all()
    out = []
    for poll in polls:
        results = poll_results(poll, RunMode.REAL)
        view = poll_view(event, poll, results["total"]["voters"]).model_dump(mode="json")
        if poll.kind == PollKind.QUIZ:  # the report is the chair's: the right answers are told
            view["options"] = [{"id": o.id, "label": o.label, "correct": o.correct} for o in poll.options]
        sites = [{"key": s.key, "name": s.name} for s in event.sites if poll.site_id in (None, s.id)]
        out.append({
            "poll": view, "segment_id": poll.segment_id,
            "asked": poll.state != PollState.DRAFT or results["total"]["voters"] > 0,
            "opened_at": _iso(poll.opened_at), "closed_at": _iso(poll.closed_at),
            "sites": sites, "results": results,
        })
    return out


# --- learnings, questions, hand-offs -------------------------------------------------------------------------

def _learnings(event: Event, log: list[EventLogEntry]) -> list[dict]:
    """Each site's learnings in their order, with when the site had its turn in the closing round."""
    rows = db.session.scalars(select(Learning).join(Site, Site.id == Learning.site_id)
                              .where(Site.event_id == event.id).order_by(Learning.position, Learning.id)).all()
    turns: dict[str, datetime] = {}
    for entry in log:
        if entry.action == "closing:site" and isinstance(entry.data, dict) and entry.data.get("site"):
            turns.setdefault(entry.data["site"], entry.at)
    return [{"site": site.key, "name": site.name, "closing_at": _iso(turns.get(site.key)),
             "items": [learning.text for learning in rows if learning.site_id == site.id]}
            for site in event.sites]


def _answered_questions(event: Event, real_since: datetime | None) -> list[dict]:
    """The questions marked answered, most upvoted first."""
    query = (select(Question, Site.key).join(Site, Site.id == Question.site_id)
             .where(Question.event_id == event.id, Question.state == QuestionState.ANSWERED))
    if real_since is not None:
        query = query.where(Question.asked_at >= real_since)
    rows = db.session.execute(query.order_by(Question.upvotes.desc(), Question.id))
    return [{"id": q.id, "site": key, "text": q.text, "upvotes": q.upvotes, "asked_at": _iso(q.asked_at),
             "answered_at": _iso(q.answered_at)} for q, key in rows]


def _handoffs(event: Event, log: list[EventLogEntry]) -> dict:
    """The magic wall's hand-offs from the real run's log: every step, and each pass with who caught it.

    A pass ends caught (by the site it went to), taken back (by the site that sent it), or reset; one still in
    flight has no outcome yet."""
    steps, passes = [], []
    open_pass: dict | None = None
    for entry in log:
        if entry.action not in HANDOFF_ACTIONS or not isinstance(entry.data, dict):
            continue
        data = entry.data
        step = {"at": _iso(entry.at), "action": entry.action.split(":", 1)[1], "actor": entry.actor,
                "from": data.get("from"), "to": data.get("to"), "site": data.get("site")}
        steps.append(step)
        if entry.action == "handoff:passed":
            open_pass = {"passed_at": step["at"], "from": data.get("from"), "to": data.get("to"),
                         "caught_by": None, "caught_at": None, "outcome": None}
            passes.append(open_pass)
        elif open_pass is not None:
            if entry.action == "handoff:caught":
                open_pass.update(caught_by=data.get("site"), caught_at=step["at"], outcome="caught")
            else:
                open_pass["outcome"] = "taken_back" if entry.action == "handoff:taken-back" else "reset"
            open_pass = None
    return {"passes": passes, "steps": steps}


# --- the programme as a template for the next event ----------------------------------------------------------

def programme_template(event: Event, today: date) -> Programme:
    """The event's programme as a blueprint for the next event: the same sites, segments, parts and polls, but
    a slug and date of its own (the next event is another event), and nothing of this event's run.

    The programme format holds no join codes, links, votes, questions or learnings: the import makes new codes
    and links. The slug becomes SLUG-template (the import refuses a slug that is taken, so it cannot overwrite
    this event); the date becomes the day of the download, to be set to the next event's date.
    """
    programme = export_programme(event)
    slug = (event.slug[:80 - len("-template")].rstrip("-") + "-template")
    return programme.model_copy(update={"event": programme.event.model_copy(update={"slug": slug, "date": today})})


def programme_template_yaml(event: Event, today: date) -> str:
    """The template as a programme file, with a header that says what to change before importing it."""
    header = (f"# A programme template made from '{event.title}' ({event.slug}, {event.date.isoformat()}).\n"
              "# Before importing it for the next event, set event.slug, event.title and event.date;\n"
              "# then: flask --app eventapp programme import THIS-FILE (new join codes and links are made).\n")
    return header + dump_programme(programme_template(event, today))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
