"""The snapshot of an event's live state: everything a view needs to show the truth after (re)connecting.

Two views of one state: the public snapshot goes to screens and phones; the crew snapshot (chair, hosts) adds
the run sheet with its timing, the cues and who is connected. Every state message is a whole snapshot with
its version, so a client that missed one simply takes the next.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import distinct, func, select

from eventapp.extensions import db
from eventapp.models import (
    Cue,
    Event,
    Handoff,
    Learning,
    LiveState,
    Poll,
    PollState,
    Presence,
    Question,
    Role,
    Scene,
    Segment,
    SegmentKind,
    SegmentRun,
    Site,
    SiteScene,
    Vote,
    Worker,
)
from eventapp.models.base import utcnow
from eventapp.schedule import planned_slots, run_date
from eventapp.views.scene import SceneFacts, SceneView, Show, decide

#: A screen or panel whose heartbeat is older than this counts as gone.
PRESENCE_TIMEOUT = timedelta(seconds=45)
RECENT_CUES = 30
#: A worker not seen for this long died (its heartbeat is every few seconds): its connections no longer count.
WORKER_TIMEOUT = timedelta(seconds=30)
#: Seconds a public snapshot is served again at the same version: what it shows without raising the version (the
#: featured question's upvotes) is never older than this.
SNAPSHOT_MAX_AGE = 1.0
_TIME = TypeAdapter(datetime)


class PartView(BaseModel):
    """A site's own part of the regional segment on now."""

    format: str
    title: str
    items: list[str]


class SegmentView(BaseModel):
    """The segment on now (or next), as screens show it."""

    id: int
    position: int
    kind: str
    title: str
    planned_minutes: int
    started_at: datetime | None = None
    #: started_at plus the planned length: when the countdown reaches zero.
    planned_end: datetime | None = None
    origin: str | None = None
    site: str | None = None
    order: list[str] = []
    object_title: str | None = None
    object_image: str | None = None
    video_url: str | None = None
    parts: dict[str, PartView] = {}


class OptionView(BaseModel):
    """An answer option; a quiz's right answers are only told once its results are revealed and it is closed."""

    id: int
    label: str
    correct: bool | None = None


class ScaleView(BaseModel):
    """A scale poll's range and end labels."""

    min: int
    max: int
    min_label: str
    max_label: str


class PollView(BaseModel):
    """A poll as screens, phones and panels show it (its results come separately, in `poll:results`)."""

    id: int
    key: str
    kind: str
    question: str
    #: The site a site's own poll belongs to; None for the whole event.
    site: str | None
    #: The segment of the run sheet the poll belongs to; None for a poll made outside it (live, for any moment).
    segment_id: int | None = None
    options: list[OptionView]
    scale: ScaleView | None
    state: str
    allow_change: bool
    #: The poll's results wait for the chair's reveal (False: they show live from the moment it opens).
    hide_results: bool
    results_visible: bool
    reveal_at: datetime | None
    reveal_order: list[str]
    reveal_step: int | None
    #: The time to answer in seconds (null: none): an open poll with one closes by itself at `closes_at`.
    answer_seconds: int | None = None
    #: While open with a time to answer: when it closes (server time), for the phones' and screens' countdowns.
    closes_at: datetime | None = None
    #: The crew's view only: how many have voted.
    voters: int | None = None


class QuestionView(BaseModel):
    """A question from the audience."""

    id: int
    site: str
    text: str
    upvotes: int


class SiteView(BaseModel):
    """One site: what its screen shows and what its host signals."""

    key: str
    name: str
    venue: str
    kind: str
    scene: str = "programme"
    holding_text: str = ""
    message: str = ""
    host_status: str = "standby"
    item_index: int | None = None
    timer_ends_at: datetime | None = None
    #: The site's countdown is paused with this many seconds left (`timer_ends_at` is null meanwhile); null: not.
    timer_paused_left: float | None = None
    #: The poll on this site's screen and phones (shown when `screen.show` is "poll").
    poll: PollView | None = None
    #: The chair pinned the poll: it stays when the programme moves on.
    poll_pinned: bool = False
    #: What this site's screen and phones show now: the scene rule's answer (eventapp/views/scene.py).
    screen: SceneView = SceneView(show=Show.WELCOME)


class VideoView(BaseModel):
    """The video: playing from `position` seconds at `changed_at`, or paused/stopped there."""

    state: str
    position: float
    changed_at: datetime | None


class ClosingView(BaseModel):
    """The closing round: the site on now and every site's learnings.

    Screens and phones get the learnings once the closing round has started (`locked`: final); the crew always.
    """

    site: str | None = None
    locked: bool = False
    learnings: dict[str, list[str]] = {}


class HandoffView(BaseModel):
    """The magic wall's object: `holder` holds it; while `state` is in_flight it is on its way to `to` since
    `changed_at` (server time), until the receiver's host catches it. Exactly one holder, always."""

    title: str
    image: str | None
    state: str
    holder: str
    to: str | None = None
    changed_at: datetime | None = None
    #: The sites of the magic wall, in the programme's order.
    order: list[str] = []


class Snapshot(BaseModel):
    """The public snapshot (screens and phones)."""

    event: str
    title: str
    #: IANA time zone of the event: clocks on screens show local time there.
    timezone: str
    status: str
    mode: str
    version: int
    server_time: datetime
    started_at: datetime | None
    ended_at: datetime | None
    segment: SegmentView | None
    next: SegmentView | None
    on_air: str | None
    split: bool
    video: VideoView
    sites: list[SiteView]
    featured_question: QuestionView | None = None
    #: The chair pinned the featured question: it stays when the programme moves on.
    featured_pinned: bool = False
    closing: ClosingView = ClosingView()
    handoff: HandoffView | None = None


class CueView(BaseModel):
    """A cue and its answer."""

    id: int
    site: str | None
    text: str
    state: str
    sent_at: datetime
    answered_at: datetime | None


class PresenceView(BaseModel):
    """Who is connected at a site."""

    hosts: int = 0
    screens: int = 0
    #: Connected speaker views.
    speakers: int = 0
    participants: int = 0
    screen_last_seen: datetime | None = None


class RunsheetRow(BaseModel):
    """A segment's plan against what happened."""

    id: int
    position: int
    kind: str
    title: str
    planned_start: datetime
    planned_end: datetime
    planned_minutes: int
    actual_start: datetime | None
    actual_end: datetime | None
    #: actual_start minus planned_start, in seconds (positive: late).
    drift_seconds: int | None


class CrewSnapshot(Snapshot):
    """The chair's and hosts' snapshot: the public one plus run sheet, cues and presence."""

    runsheet: list[RunsheetRow]
    planned_end: datetime | None
    projected_end: datetime | None
    cues: list[CueView]
    presence: dict[str, PresenceView]
    chairs: int
    #: Every poll of the event, with its number of voters.
    polls: list[PollView]
    #: The chair's message to each site's stage (the speaker view; sites without one left out).
    stage_messages: dict[str, str] = {}


def public_snapshot(event: Event) -> Snapshot:
    """The public view of the event's live state."""
    return Snapshot(**_public_fields(event, db.session.get(LiveState, event.id)))


def public_state(event: Event, version: int) -> dict:
    """The public snapshot as sent (JSON-ready), built once per `version` (the live state's, read by the caller) for
    every phone and screen that connects or resyncs: a storm of 2,000 reconnecting phones needs one, not 2,000.
    Its server_time is now."""
    state = recent(("public", event.id), lambda: public_snapshot(event).model_dump(mode="json"), SNAPSHOT_MAX_AGE,
                   version=version)
    return {**state, "server_time": _TIME.dump_python(utcnow(), mode="json")}


def remember_public_state(event_id: int, state: dict) -> None:
    """Keep the public snapshot just sent after a change (JSON-ready) for the phones that connect next."""
    remember(("public", event_id), state, version=state["version"])


def recent(key: tuple, build: Callable[[], Any], max_age: float, version: int | None = None) -> Any:
    """The value built for `key` at most `max_age` seconds ago at this `version`, or a new one.

    For what every connecting client gets alike; the value is shared, so callers must not change it. Kept per app
    (tests make a new app and database each)."""
    store = current_app.extensions.setdefault("eventapp.recent", {})
    kept = store.get(key)
    if kept is not None and kept[0] == version and time.monotonic() - kept[1] < max_age:
        return kept[2]
    value = build()
    store[key] = (version, time.monotonic(), value)
    return value


def remember(key: tuple, value: Any, version: int | None = None) -> None:
    """Keep `value` for `recent` (built elsewhere, for this version)."""
    current_app.extensions.setdefault("eventapp.recent", {})[key] = (version, time.monotonic(), value)


def crew_snapshot(event: Event, public: Snapshot | None = None) -> CrewSnapshot:
    """The crew's view of the event's live state (built on `public` when the caller has it already)."""
    live = db.session.get(LiveState, event.id)
    fields = dict(public) if public is not None else _public_fields(event, live)
    if not fields["closing"].locked:  # the crew sees the learnings while they are being written
        fields["closing"] = _closing_view(event, live, crew=True)
    runsheet = _runsheet(event, live)
    now = utcnow()
    return CrewSnapshot(
        **fields, runsheet=runsheet, planned_end=runsheet[-1].planned_end if runsheet else None,
        projected_end=_projected_end(runsheet, live, now), cues=_cues(event),
        presence=presence_by_site(event), chairs=_count_present(event, Role.CHAIR), polls=_all_polls(event, live),
        stage_messages=stage_messages(event),
    )


def host_snapshot(crew: CrewSnapshot, site: str) -> CrewSnapshot:
    """A host's crew snapshot: of the crew-only parts, its own site's and the whole event's, none of another site's
    (cues, polls, learnings still being written, presence; docs/security.md, "What a host reads")."""
    closing = crew.closing
    if not closing.locked:
        closing = closing.model_copy(update={"learnings": {k: v for k, v in closing.learnings.items() if k == site}})
    return crew.model_copy(update={
        "cues": [cue for cue in crew.cues if cue.site in (None, site)],
        "polls": [poll for poll in crew.polls if poll.site in (None, site)],
        "presence": {key: view for key, view in crew.presence.items() if key == site},
        "stage_messages": {key: text for key, text in crew.stage_messages.items() if key == site},
        "closing": closing,
    })


def stage_messages(event: Event) -> dict[str, str]:
    """The chair's message to each site's stage (sites without one are left out): for the crew and the speakers."""
    keys = {site.id: site.key for site in event.sites}
    rows = db.session.execute(select(SiteScene.site_id, SiteScene.stage_message)
                              .where(SiteScene.event_id == event.id, SiteScene.stage_message != ""))
    return {keys[site_id]: text for site_id, text in rows if site_id in keys}


def host_questions(questions: list[dict], site: str) -> list[dict]:
    """Of the crew's question list, what a host reads: its own site's questions, in every state."""
    return [question for question in questions if question["site"] == site]


def crew_questions_message(questions: list[dict]) -> dict:
    """The `questions:changed` message of the chair (every question) or a host (`host_questions`): the list and how
    many of it wait for moderation."""
    return {"questions": questions, "waiting": sum(question["state"] == "pending" for question in questions)}


def quiz_standings(event_id: int, participant_id: int | None = None) -> dict[int, dict]:
    """Each quiz player's own standing, by participant id, for their own phones only (`participant:score`): their
    `points` over the closed quiz questions (as the leaderboard counts them), their `rank` among the players with
    points (1 is the best; players with equal points share a rank; null while they have none) and how many `players`
    have points. Only `participant_id`'s when given. No other player's name or token is in it."""
    from eventapp.results import quiz_points

    points = quiz_points(event_id)
    scored = sorted((p for p in points.values() if p > 0), reverse=True)
    better = {}
    for position, value in enumerate(scored):
        better.setdefault(value, position)  # how many players have more points than this
    chosen = points if participant_id is None else {k: v for k, v in points.items() if k == participant_id}
    return {player: {"points": value, "rank": better[value] + 1 if value > 0 else None, "players": len(scored)}
            for player, value in chosen.items()}


def approval_notices(answers: list, questions: list) -> list[tuple[int, dict]]:
    """What each participant whose answer or question was approved is told on their own phone, as (participant id,
    `participant:approved` message): only the id of their own answer's poll or of their question."""
    return [(participant, {"kind": "answer", "poll_id": poll}) for participant, poll in answers] + \
        [(participant, {"kind": "question", "question_id": question}) for participant, question in questions]


def _public_fields(event: Event, live: LiveState) -> dict:
    segment = db.session.get(Segment, live.current_segment_id) if live.current_segment_id else None
    following = None
    if segment is not None and segment.position + 1 < len(event.segments):
        following = event.segments[segment.position + 1]
    elif segment is None and event.segments and event.status.value == "planned":
        following = event.segments[0]
    scenes = {s.site_id: s for s in db.session.scalars(select(SiteScene).where(SiteScene.event_id == event.id))}
    shown = {s.poll_id for s in scenes.values() if s.poll_id}
    polls = {poll.id: poll_view(event, poll) for poll in db.session.scalars(select(Poll).where(Poll.id.in_(shown)))}
    featured = db.session.get(Question, live.featured_question_id) if live.featured_question_id else None
    return dict(
        event=event.slug, title=event.title, timezone=event.timezone, status=event.status.value, mode=live.mode.value,
        version=live.version, server_time=utcnow(), started_at=live.started_at, ended_at=live.ended_at,
        segment=_segment_view(event, segment, live.segment_started_at) if segment else None,
        next=_segment_view(event, following, None) if following else None,
        on_air=_site_key(event, live.on_air_site_id), split=live.split,
        video=VideoView(state=live.video_state.value, position=live.video_position, changed_at=live.video_changed_at),
        sites=[_site_view(event, live, segment, site, scenes.get(site.id), polls, featured is not None)
               for site in event.sites],
        featured_question=QuestionView(id=featured.id, site=_site_key(event, featured.site_id), text=featured.text,
                                       upvotes=featured.upvotes) if featured else None,
        featured_pinned=live.featured_pinned,
        closing=_closing_view(event, live, crew=False), handoff=_handoff_view(event),
    )


def _closing_view(event: Event, live: LiveState, crew: bool) -> ClosingView:
    from eventapp.controller.closing import learnings_locked

    locked = learnings_locked(event, live)
    view = ClosingView(site=_site_key(event, live.closing_site_id), locked=locked)
    if locked or crew:
        key = {site.id: site.key for site in event.sites}
        view.learnings = {site.key: [] for site in event.sites}
        rows = db.session.execute(select(Learning.site_id, Learning.text).where(Learning.site_id.in_(key))
                                  .order_by(Learning.site_id, Learning.position))
        for site_id, text in rows:
            view.learnings[key[site_id]].append(text)
    return view


def _handoff_view(event: Event) -> HandoffView | None:
    segment = next((s for s in event.segments if s.kind == SegmentKind.HANDOFF), None)
    if segment is None:
        return None
    order = [key for key in segment.site_order if event.site(key) is not None]
    row = db.session.scalar(select(Handoff).where(Handoff.event_id == event.id))
    if row is None:  # before the event starts: where the programme puts it
        first = order[0] if order else _site_key(event, segment.origin_site_id) or event.sites[0].key
        return HandoffView(title=segment.object_title or segment.title, image=segment.object_image, state="held",
                           holder=first, order=order)
    return HandoffView(title=segment.object_title or row.object_title, image=segment.object_image or row.object_image,
                       state=row.state.value, holder=_site_key(event, row.from_site_id),
                       to=_site_key(event, row.to_site_id), changed_at=row.changed_at, order=order)


def _segment_view(event: Event, segment: Segment, started_at: datetime | None) -> SegmentView:
    key = {site.id: site.key for site in event.sites}
    return SegmentView(
        id=segment.id, position=segment.position, kind=segment.kind.value, title=segment.title,
        planned_minutes=segment.planned_minutes, started_at=started_at,
        planned_end=started_at + timedelta(minutes=segment.planned_minutes) if started_at else None,
        origin=key.get(segment.origin_site_id), site=key.get(segment.target_site_id), order=segment.site_order,
        object_title=segment.object_title, object_image=segment.object_image, video_url=segment.video_url,
        parts={key[p.site_id]: PartView(format=p.format.value, title=p.title, items=p.items) for p in segment.parts}
        if segment.kind == SegmentKind.REGIONAL else {},
    )


def _site_view(event: Event, live: LiveState, segment: Segment | None, site: Site, scene: SiteScene | None,
               polls: dict[int, PollView], featured: bool) -> SiteView:
    view = SiteView(key=site.key, name=site.name, venue=site.venue, kind=site.kind.value)
    if scene is not None:
        view.scene, view.holding_text, view.message = scene.scene.value, scene.holding_text, scene.message
        view.host_status, view.item_index = scene.host_status.value, scene.item_index
        view.timer_ends_at, view.timer_paused_left = scene.timer_ends_at, scene.timer_paused_left
        view.poll, view.poll_pinned = polls.get(scene.poll_id), scene.poll_pinned
    poll = view.poll
    view.screen = decide(SceneFacts(
        status=event.status.value, segment_kind=segment.kind.value if segment else None, split=live.split,
        on_air=_site_key(event, live.on_air_site_id), site=site.key, holding=view.scene == Scene.HOLDING.value,
        has_own_part=segment is not None and any(part.site_id == site.id for part in segment.parts),
        featured_question=featured, poll_key=poll.key if poll else None, poll_state=poll.state if poll else None,
        reveal_site=poll.reveal_order[poll.reveal_step - 1] if poll and poll.results_visible and poll.reveal_step
        else None))
    return view


def poll_view(event: Event, poll: Poll, voters: int | None = None) -> PollView:
    """A poll's definition and state, as every view shows it."""
    tell_correct = poll.results_visible and poll.state == PollState.CLOSED
    scale = None
    if poll.scale_min is not None and poll.scale_max is not None:
        scale = ScaleView(min=poll.scale_min, max=poll.scale_max, min_label=poll.scale_min_label or "",
                          max_label=poll.scale_max_label or "")
    return PollView(
        id=poll.id, key=poll.key, kind=poll.kind.value, question=poll.question,
        site=_site_key(event, poll.site_id), segment_id=poll.segment_id, scale=scale, state=poll.state.value,
        allow_change=poll.allow_change,
        hide_results=poll.hide_results,
        options=[OptionView(id=o.id, label=o.label, correct=o.correct if tell_correct else None)
                 for o in poll.options],
        results_visible=poll.results_visible, reveal_at=poll.reveal_at, reveal_order=poll.reveal_order,
        reveal_step=poll.reveal_step, answer_seconds=poll.answer_seconds, closes_at=poll.closes_at, voters=voters,
    )


def _all_polls(event: Event, live: LiveState) -> list[PollView]:
    counts = dict(db.session.execute(
        select(Vote.poll_id, func.count()).join(Poll, Poll.id == Vote.poll_id)
        .where(Poll.event_id == event.id, Vote.mode == live.mode).group_by(Vote.poll_id)).all())
    polls = db.session.scalars(select(Poll).where(Poll.event_id == event.id).order_by(Poll.segment_id, Poll.position,
                                                                                        Poll.id))
    return [poll_view(event, poll, counts.get(poll.id, 0)) for poll in polls]


def _site_key(event: Event, site_id: int | None) -> str | None:
    return next((s.key for s in event.sites if s.id == site_id), None)


def _runsheet(event: Event, live: LiveState) -> list[RunsheetRow]:
    first_start: dict[int, datetime] = {}
    last_end: dict[int, datetime | None] = {}
    runs = db.session.scalars(select(SegmentRun).where(SegmentRun.event_id == event.id, SegmentRun.mode == live.mode)
                              .order_by(SegmentRun.started_at))
    for run in runs:
        first_start.setdefault(run.segment_id, run.started_at)  # the first time it went on is its start
        last_end[run.segment_id] = run.ended_at
    rows = []
    for slot in planned_slots(event, run_date(event, live.started_at)):
        started = first_start.get(slot.segment.id)
        rows.append(RunsheetRow(
            id=slot.segment.id, position=slot.segment.position, kind=slot.segment.kind.value,
            title=slot.segment.title, planned_start=slot.start, planned_end=slot.end, planned_minutes=slot.minutes,
            actual_start=started, actual_end=last_end.get(slot.segment.id),
            drift_seconds=int((started - slot.start).total_seconds()) if started else None,
        ))
    return rows


def _projected_end(runsheet: list[RunsheetRow], live: LiveState, now: datetime) -> datetime | None:
    """When the programme will end if every segment from now on takes its planned time."""
    if not runsheet:
        return None
    if live.current_segment_id is None:
        return live.ended_at or runsheet[-1].planned_end
    cursor = None
    for row in runsheet:
        if cursor is None:
            if row.id != live.current_segment_id:
                continue
            started = live.segment_started_at or now
            cursor = max(started + timedelta(minutes=row.planned_minutes), now)
            continue
        cursor = max(cursor, row.planned_start) + timedelta(minutes=row.planned_minutes)
    return cursor


def _cues(event: Event) -> list[CueView]:
    key = {site.id: site.key for site in event.sites}
    rows = db.session.scalars(select(Cue).where(Cue.event_id == event.id).order_by(Cue.id.desc()).limit(RECENT_CUES))
    return [CueView(id=c.id, site=key.get(c.site_id), text=c.text, state=c.state.value, sent_at=c.sent_at,
                    answered_at=c.answered_at) for c in reversed(list(rows))]


def presence_by_site(event: Event) -> dict[str, PresenceView]:
    """Who is connected at each site: hosts, screens (with their last heartbeat) and participants."""
    views = {site.key: PresenceView() for site in event.sites}
    key = {site.id: site.key for site in event.sites}
    fresh = utcnow() - PRESENCE_TIMEOUT
    # A participant counts once however many sockets their token opened; a phone that has not joined (no
    # participant yet), a host and a screen count per connection.
    people = func.count(distinct(Presence.participant_id)) + func.count() - func.count(Presence.participant_id)
    rows = db.session.execute(
        select(Presence.site_id, Presence.role, people, func.max(Presence.last_seen))
        .where(Presence.event_id == event.id, Presence.site_id.is_not(None), _alive())
        .group_by(Presence.site_id, Presence.role))
    for site_id, role, count, last_seen in rows:
        view = views[key[site_id]]
        if role == Role.HOST.value:
            view.hosts = count
        elif role == Role.SPEAKER.value:
            view.speakers = count
        elif role == Role.SCREEN.value:
            last_seen = _aware(last_seen)
            view.screens = count if last_seen and last_seen >= fresh else 0
            view.screen_last_seen = last_seen
        elif role == Role.PARTICIPANT.value:
            view.participants = count
    return views


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates (max) bypass the column type, so SQLite hands them back without a zone."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _count_present(event: Event, role: Role) -> int:
    return db.session.scalar(select(func.count()).select_from(Presence)
                             .where(Presence.event_id == event.id, Presence.role == role.value, _alive())) or 0


def _alive():
    """Presence rows of workers seen lately: a worker that died and never came back leaves no ghosts."""
    return Presence.worker.in_(select(Worker.id).where(Worker.seen_at >= utcnow() - WORKER_TIMEOUT))

