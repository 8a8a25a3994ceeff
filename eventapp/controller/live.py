"""The live actions of the programme: every change of an event's live state is one function here.

Each checks the caller's role (and a host's site), validates against the current state, changes the
database in one transaction, appends to the event log (raising the version), records the new state in the
outbox and commits (commit_change); the new state is pushed after the commit. A refused action raises an
AppError and changes nothing.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from eventapp import outbox
from eventapp.access import Caller
from eventapp.controller import commit_change, require_role, site_scene
from eventapp.errors import BadInput, Conflict, Forbidden, NotFound
from eventapp.eventlog import record
from eventapp.extensions import db
from eventapp.lookup import site_by_key
from eventapp.models import (
    Cue,
    CueState,
    EventStatus,
    Handoff,
    HostStatus,
    LiveState,
    Poll,
    PollState,
    Role,
    RunMode,
    Scene,
    Segment,
    SegmentKind,
    SegmentRun,
    Site,
    SiteScene,
    VideoState,
    Vote,
)
from eventapp.models.base import utcnow

MAX_TIMER_SECONDS = 4 * 3600


# --- the programme -------------------------------------------------------------------------------------------

def start_run(caller: Caller, confirm: bool) -> None:
    """The chair's start button (`event:start`): the rehearsal's run starts at once, the real run only when the chair
    confirmed it (`confirm`): a real start cannot be undone, and after it no rehearsal can be held."""
    require_role(caller, Role.CHAIR)
    if _live(caller).mode == RunMode.REAL and not confirm and caller.event.status == EventStatus.PLANNED:
        raise BadInput(_("starting the event for real cannot be undone: confirm it (confirm: true), or start a "
                         "rehearsal first"), details=[{"path": "confirm", "reason": "required for the real start"}])
    start_event(caller)


def start_event(caller: Caller) -> None:
    """Start the event (or the rehearsal): the first segment goes on. Callers of the chair go through start_run."""
    require_role(caller, Role.CHAIR)
    event, live = caller.event, _live(caller)
    if event.status == EventStatus.LIVE:
        raise Conflict(_("the event is running already"))
    if not event.segments:
        raise Conflict(_("the programme is empty: add a segment first"))
    if event.status == EventStatus.ENDED and live.mode == RunMode.REAL:
        raise Conflict(_("the event has ended; it cannot start again"))
    now = utcnow()
    event.status = EventStatus.LIVE
    live.started_at, live.ended_at = now, None
    _enter_segment(caller, live, event.segments[0], now)
    if db.session.scalar(select(Handoff.id).where(Handoff.event_id == event.id)) is None:
        from eventapp.controller import closing  # closing builds on this module's helpers

        closing.reset_to_first_holder(event)  # the magic wall's object exists from the start: one holder
    commit_change(caller, "event:started", {"segment": event.segments[0].id})


def end_event(caller: Caller) -> None:
    """End the event: the segment on now ends, screens show the end."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    now = utcnow()
    _leave_segment(caller, live, now)
    caller.event.status = EventStatus.ENDED
    live.ended_at = now
    live.current_segment_id = None
    live.on_air_site_id = live.closing_site_id = None
    live.split = False
    commit_change(caller, "event:ended", {})


def next_segment(caller: Caller) -> None:
    """Go to the next segment of the run sheet."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    position = _current(caller, live).position + 1
    if position >= len(caller.event.segments):
        raise Conflict(_("this is the last segment; end the event instead"))
    _go_to(caller, live, caller.event.segments[position], "programme:next")


def previous_segment(caller: Caller) -> None:
    """Go back to the segment before the current one."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    position = _current(caller, live).position - 1
    if position < 0:
        raise Conflict(_("this is the first segment"))
    _go_to(caller, live, caller.event.segments[position], "programme:previous")


def jump_to_segment(caller: Caller, segment_id: int) -> None:
    """Go to any segment of the run sheet."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    segment = db.session.get(Segment, segment_id)
    if segment is None or segment.event_id != caller.event.id:
        raise NotFound(_("segment %(id)s does not exist in this event", id=segment_id))
    if segment.id == live.current_segment_id:
        raise Conflict(_("'%(title)s' is on already", title=segment.title))
    _go_to(caller, live, segment, "programme:jump")


def split_to_regions(caller: Caller) -> None:
    """Let every site run its own part (the regional sessions), also outside a regional segment."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    if live.split:
        raise Conflict(_("the sites run their own parts already"))
    live.split = True
    live.on_air_site_id = None
    commit_change(caller, "live:split", {})


def back_to_central(caller: Caller) -> None:
    """Bring every site back to the central programme, with the origin site on air."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    if not live.split:
        raise Conflict(_("the sites follow the central programme already"))
    live.split = False
    segment = _current(caller, live)
    live.on_air_site_id = segment.origin_site_id or _first_physical_site_id(caller)
    commit_change(caller, "live:central", {})


def go_live(caller: Caller, site_key: str) -> None:
    """"We now switch live to Enschede": that site goes on air on every screen."""
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    site = site_by_key(caller.event, site_key)
    if live.on_air_site_id == site.id and not live.split:
        raise Conflict(_("%(site)s is on air already", site=site.name))
    put_on_air(live, site)
    commit_change(caller, "live:on-air", {"site": site.key})


def put_on_air(live: LiveState, site: Site) -> None:
    """Put a site on air on every screen, everyone following the central programme (go_live, the closing round)."""
    live.on_air_site_id = site.id
    live.split = False


# --- cues and the hosts' signals -----------------------------------------------------------------------------

def send_cue(caller: Caller, text: str, site_key: str | None) -> Cue:
    """Send a cue to one host, or to all hosts when no site is given."""
    require_role(caller, Role.CHAIR)
    text = _text(text, 300, _("cue"))
    site = site_by_key(caller.event, site_key) if site_key else None
    cue = Cue(event_id=caller.event.id, site_id=site.id if site else None, text=text)
    db.session.add(cue)
    db.session.flush()
    commit_change(caller, "cue:sent", {"cue": cue.id, "site": site_key, "text": text})
    return cue


def answer_cue(caller: Caller, cue_id: int, state: CueState) -> None:
    """A host answers a cue: ready, or needs time. A cue to all hosts is answered by each for its site."""
    require_role(caller, Role.HOST)
    if state not in (CueState.READY, CueState.NEEDS_TIME):
        raise BadInput(_("answer 'ready' or 'needs_time'"))
    cue = db.session.get(Cue, cue_id)
    if cue is None or cue.event_id != caller.event.id:
        raise NotFound(_("cue %(id)s does not exist in this event", id=cue_id))
    if cue.site_id is not None and cue.site_id != caller.site.id:
        raise Forbidden(_("this cue is for another site"))
    if cue.site_id is None:
        cue = Cue(event_id=caller.event.id, site_id=caller.site.id, text=cue.text, sent_at=cue.sent_at)
        db.session.add(cue)
    cue.state = state
    cue.answered_at = utcnow()
    site_scene(caller, caller.site).host_status = HostStatus(state.value)
    db.session.flush()
    commit_change(caller, "cue:answered", {"cue": cue_id, "site": caller.site.key, "state": state.value})


def set_host_status(caller: Caller, status: HostStatus) -> None:
    """A host tells the chair the site is ready, needs time, or stands by."""
    require_role(caller, Role.HOST)
    site_scene(caller, caller.site).host_status = status
    commit_change(caller, "host:status", {"site": caller.site.key, "status": status.value})


# --- a site's own regional part ------------------------------------------------------------------------------

def set_site_item(caller: Caller, index: int | None, site_key: str | None = None) -> None:
    """Put a stage, group or statement of the site's regional part on (None: none)."""
    require_role(caller, Role.HOST, Role.CHAIR)
    site = _acting_site(caller, site_key)
    live = _running(caller)
    part = next((p for p in _current(caller, live).parts if p.site_id == site.id), None)
    if part is None:
        raise Conflict(_("%(site)s has no own part in the segment on now", site=site.name))
    if index is not None and not 0 <= index < len(part.items):
        raise BadInput(_("item must be between 0 and %(last)d", last=len(part.items) - 1))
    site_scene(caller, site).item_index = index
    commit_change(caller, "site:item", {"site": site.key, "index": index})


def set_site_timer(caller: Caller, seconds: int | None, site_key: str | None = None) -> None:
    """Start the site's own countdown (seconds from now), or stop it (None)."""
    require_role(caller, Role.HOST, Role.CHAIR)
    site = _acting_site(caller, site_key)
    _running(caller)
    if seconds is not None and not 0 < seconds <= MAX_TIMER_SECONDS:
        raise BadInput(_("a timer runs 1 second to 4 hours"))
    scene = site_scene(caller, site)
    scene.timer_ends_at = utcnow() + timedelta(seconds=seconds) if seconds else None
    scene.timer_paused_left = None
    commit_change(caller, "site:timer", {"site": site.key, "seconds": seconds})


def adjust_site_timer(caller: Caller, seconds: int, site_key: str | None = None) -> None:
    """Give the site's countdown more time or less ("+1 minute", "-1 minute"), running or paused. Less time than is
    left brings it to zero (its end is now), never below; more than 4 hours in all is refused."""
    require_role(caller, Role.HOST, Role.CHAIR)
    site = _acting_site(caller, site_key)
    _running(caller)
    if seconds == 0 or abs(seconds) > MAX_TIMER_SECONDS:
        raise BadInput(_("add or take off 1 second to 4 hours"))
    scene, now = _timer_of(caller, site), utcnow()
    left = scene.timer_paused_left if scene.timer_paused_left is not None else \
        max(0.0, (scene.timer_ends_at - now).total_seconds())
    left = max(0.0, left + seconds)
    if left > MAX_TIMER_SECONDS:
        raise BadInput(_("a timer runs 1 second to 4 hours"))
    if scene.timer_paused_left is not None:
        scene.timer_paused_left = left
    else:
        scene.timer_ends_at = now + timedelta(seconds=left)
    commit_change(caller, "site:timer-adjusted", {"site": site.key, "seconds": seconds, "left": round(left)})


def pause_site_timer(caller: Caller, site_key: str | None = None) -> None:
    """Hold the site's countdown where it is (a speaker is interrupted); the time left is kept in the database."""
    require_role(caller, Role.HOST, Role.CHAIR)
    site = _acting_site(caller, site_key)
    _running(caller)
    scene = _timer_of(caller, site)
    if scene.timer_paused_left is not None:
        raise Conflict(_("the timer is paused already"))
    scene.timer_paused_left = max(0.0, (scene.timer_ends_at - utcnow()).total_seconds())
    scene.timer_ends_at = None
    commit_change(caller, "site:timer-paused", {"site": site.key, "left": round(scene.timer_paused_left)})


def resume_site_timer(caller: Caller, site_key: str | None = None) -> None:
    """Let a paused countdown run on from the time it had left."""
    require_role(caller, Role.HOST, Role.CHAIR)
    site = _acting_site(caller, site_key)
    _running(caller)
    scene = _timer_of(caller, site)
    if scene.timer_paused_left is None:
        raise Conflict(_("the timer is not paused"))
    scene.timer_ends_at = utcnow() + timedelta(seconds=scene.timer_paused_left)
    scene.timer_paused_left = None
    commit_change(caller, "site:timer-resumed", {"site": site.key})


def _timer_of(caller: Caller, site: Site) -> SiteScene:
    """The site's scene with a countdown, running or paused; refused when it has none."""
    scene = site_scene(caller, site)
    if scene.timer_ends_at is None and scene.timer_paused_left is None:
        raise Conflict(_("%(site)s has no timer running; start one first", site=site.name))
    return scene


# --- screens -------------------------------------------------------------------------------------------------

def show_message(caller: Caller, text: str, site_key: str | None) -> None:
    """Show a message from the chair on one screen or all ("nog 2 minuten"); empty text clears it."""
    require_role(caller, Role.CHAIR)
    text = _message_text(text)
    for site in _target_sites(caller, site_key):
        site_scene(caller, site).message = text
    commit_change(caller, "screen:message", {"site": site_key, "text": text})


def set_stage_message(caller: Caller, text: str, site_key: str | None) -> None:
    """The chair's message to the person on stage at one site or all ("wrap up", "one more question"): on the speaker
    view only, never on a screen or phone; empty text clears it."""
    require_role(caller, Role.CHAIR)
    text = _message_text(text)
    for site in _target_sites(caller, site_key):
        site_scene(caller, site).stage_message = text
    commit_change(caller, "stage:message", {"site": site_key, "text": text})


def _message_text(text: str) -> str:
    """A message of the chair's (to the screens or to the stage), trimmed; at most 200 characters."""
    text = text.strip()
    if len(text) > 200:
        raise BadInput(_("a message is at most 200 characters"))
    return text


def set_scene(caller: Caller, scene: Scene, text: str, site_key: str | None) -> None:
    """Put one screen or all on a holding scene (welcome, break) or back on the programme."""
    require_role(caller, Role.CHAIR)
    text = text.strip()
    if len(text) > 200:
        raise BadInput(_("a holding text is at most 200 characters"))
    for site in _target_sites(caller, site_key):
        row = site_scene(caller, site)
        row.scene = scene
        row.holding_text = text if scene == Scene.HOLDING else ""
    commit_change(caller, "screen:scene", {"site": site_key, "scene": scene.value, "text": text})


def clear_screen(caller: Caller, site_key: str | None) -> None:
    """One click back to the programme on one screen or all: the site's poll, holding scene and message go, and the
    featured question (one for every screen) too. The poll stays open; only the screen stops showing it."""
    require_role(caller, Role.CHAIR)
    for site in _target_sites(caller, site_key):
        row = site_scene(caller, site)
        row.poll_id, row.poll_pinned = None, False
        row.scene, row.holding_text, row.message = Scene.PROGRAMME, "", ""
    live = _live(caller)
    live.featured_question_id, live.featured_pinned = None, False
    commit_change(caller, "screen:cleared", {"site": site_key})


# --- the video -----------------------------------------------------------------------------------------------

def play_video(caller: Caller) -> None:
    """Play the video of the video segment on every screen, from where it is."""
    require_role(caller, Role.CHAIR)
    live = _video_segment_live(caller)
    if live.video_state == VideoState.PLAYING:
        raise Conflict(_("the video is playing already"))
    live.video_position = _video_position_now(live)
    live.video_state = VideoState.PLAYING
    live.video_changed_at = utcnow()
    commit_change(caller, "video:play", {"position": live.video_position})


def pause_video(caller: Caller) -> None:
    """Pause the video on every screen."""
    require_role(caller, Role.CHAIR)
    live = _video_segment_live(caller)
    if live.video_state != VideoState.PLAYING:
        raise Conflict(_("the video is not playing"))
    live.video_position = _video_position_now(live)
    live.video_state = VideoState.PAUSED
    live.video_changed_at = utcnow()
    commit_change(caller, "video:pause", {"position": live.video_position})


def seek_video(caller: Caller, position: float) -> None:
    """Move the video on every screen to `position` seconds."""
    require_role(caller, Role.CHAIR)
    live = _video_segment_live(caller)
    if not 0 <= position <= 24 * 3600:
        raise BadInput(_("position must be between 0 and 86400 seconds"))
    live.video_position = float(position)
    live.video_changed_at = utcnow()
    commit_change(caller, "video:seek", {"position": live.video_position})


# --- rehearsal -----------------------------------------------------------------------------------------------

def start_rehearsal(caller: Caller, run: bool = False) -> None:
    """Rehearse the programme: actions, votes and log entries are marked as the rehearsal's. `run`: its first
    segment goes on at once (one click for "start the rehearsal"); else the chair starts it with event:start.

    Only before the real start: the real run's screens, polls and run sheet are the audience's from then on, and the
    rehearsal's reset (polls back to draft, scenes and cues cleared, status planned) would undo them. Votes are never
    touched either way: a rehearsal's votes are its own (RunMode) and only they are removed by its reset.
    """
    require_role(caller, Role.CHAIR)
    live = _live(caller)
    if live.mode == RunMode.REHEARSAL:
        raise Conflict(_("the rehearsal is on already"))
    if caller.event.status != EventStatus.PLANNED:
        raise Conflict(_("the event has started for real; a rehearsal is only possible before the real start"))
    live.mode = RunMode.REHEARSAL
    if not run:
        commit_change(caller, "rehearsal:started", {})
        return
    record(caller.event.id, caller.label, "rehearsal:started", {})  # logged before the run it starts
    start_event(caller)


def reset_rehearsal(caller: Caller) -> None:
    """End the rehearsal and reset to the start: its votes and runs are removed, the real run is untouched."""
    require_role(caller, Role.CHAIR)
    live = _live(caller)
    if live.mode != RunMode.REHEARSAL:
        raise Conflict(_("no rehearsal is on"))
    event_id = caller.event.id
    poll_ids = select(Poll.id).where(Poll.event_id == event_id)
    db.session.execute(delete(Vote).where(Vote.poll_id.in_(poll_ids), Vote.mode == RunMode.REHEARSAL))
    db.session.execute(update(Poll).where(Poll.event_id == event_id)
                       .values(state=PollState.DRAFT, results_visible=False, closes_at=None))
    db.session.execute(delete(SegmentRun).where(SegmentRun.event_id == event_id,
                                                SegmentRun.mode == RunMode.REHEARSAL))
    db.session.execute(delete(Cue).where(Cue.event_id == event_id))
    db.session.execute(delete(SiteScene).where(SiteScene.event_id == event_id))
    from eventapp.controller import closing  # closing builds on this module's helpers

    closing.restore_real_learnings(caller.event)  # the rehearsal's learnings go, the real run's come back
    closing.reset_to_first_holder(caller.event)   # the magic wall's object is back with its first holder
    caller.event.status = EventStatus.PLANNED
    live.current_segment_id = live.on_air_site_id = live.closing_site_id = None
    live.split = False
    live.started_at = live.ended_at = live.segment_started_at = live.video_changed_at = None
    live.video_state, live.video_position = VideoState.STOPPED, 0.0
    record(event_id, caller.label, "rehearsal:reset", {})  # logged as the rehearsal's last entry
    live.mode = RunMode.REAL
    outbox.record(event_id, outbox.STATE)
    outbox.commit()


# --- helpers -------------------------------------------------------------------------------------------------

def _live(caller: Caller) -> LiveState:
    return db.session.get(LiveState, caller.event.id, with_for_update=True)


def _running(caller: Caller) -> LiveState:
    live = _live(caller)
    if caller.event.status != EventStatus.LIVE or live.current_segment_id is None:
        raise Conflict(_("the event is not running; start it first"))
    return live


def _current(caller: Caller, live: LiveState) -> Segment:
    return db.session.get(Segment, live.current_segment_id)


def _go_to(caller: Caller, live: LiveState, segment: Segment, action: str) -> None:
    now = utcnow()
    _leave_segment(caller, live, now)
    _enter_segment(caller, live, segment, now)
    commit_change(caller, action, {"segment": segment.id, "title": segment.title})


def _enter_segment(caller: Caller, live: LiveState, segment: Segment, now) -> None:
    """Make a segment current: who is on air follows its kind, site parts and the video start afresh."""
    live.current_segment_id = segment.id
    live.segment_started_at = now
    live.closing_site_id = None  # a closing round starts before its first site
    live.split = segment.kind == SegmentKind.REGIONAL
    if segment.kind == SegmentKind.REGIONAL:
        live.on_air_site_id = None
    elif segment.kind == SegmentKind.LIVE:
        live.on_air_site_id = segment.target_site_id
    else:
        live.on_air_site_id = segment.origin_site_id or live.on_air_site_id or _first_physical_site_id(caller)
    live.video_state, live.video_position, live.video_changed_at = VideoState.STOPPED, 0.0, now
    if not live.featured_pinned:  # the programme moves on: what the chair did not pin leaves the screens
        live.featured_question_id = None
    for site in caller.event.sites:
        scene = site_scene(caller, site)
        scene.item_index = None
        scene.timer_ends_at = scene.timer_paused_left = None
        scene.host_status = HostStatus.STANDBY
        scene.scene, scene.holding_text = Scene.PROGRAMME, ""
        if not scene.poll_pinned:
            scene.poll_id = None
    db.session.add(SegmentRun(event_id=caller.event.id, segment_id=segment.id, mode=live.mode, started_at=now))


def _leave_segment(caller: Caller, live: LiveState, now) -> None:
    run = db.session.scalar(select(SegmentRun).where(SegmentRun.event_id == caller.event.id,
                                                     SegmentRun.ended_at.is_(None)))
    if run is not None:
        run.ended_at = now


def _first_physical_site_id(caller: Caller) -> int | None:
    return caller.event.sites[0].id if caller.event.sites else None


def _acting_site(caller: Caller, site_key: str | None) -> Site:
    """The site a host acts for (its own, always), or the site the chair names."""
    if caller.role == Role.HOST:
        if site_key is not None and site_key != caller.site.key:
            raise Forbidden(_("a host acts only for its own site"))
        return caller.site
    if not site_key:
        raise BadInput(_("name the site"))
    return site_by_key(caller.event, site_key)


def _target_sites(caller: Caller, site_key: str | None) -> list[Site]:
    return [site_by_key(caller.event, site_key)] if site_key else list(caller.event.sites)


def _video_segment_live(caller: Caller) -> LiveState:
    live = _running(caller)
    if _current(caller, live).kind != SegmentKind.VIDEO:
        raise Conflict(_("the segment on now is not a video"))
    return live


def _video_position_now(live: LiveState) -> float:
    if live.video_state == VideoState.PLAYING and live.video_changed_at is not None:
        return live.video_position + (utcnow() - live.video_changed_at).total_seconds()
    return live.video_position


def _text(value: str, limit: int, what: str) -> str:
    value = value.strip()
    if not value:
        raise BadInput(_("the %(what)s needs text", what=what))
    if len(value) > limit:
        raise BadInput(_("the %(what)s is at most %(limit)d characters", what=what, limit=limit))
    return value
