"""The closing: each site's learnings, the closing round site by site, and the magic wall hand-offs.

Every function is one state change: it checks the caller's role (a host acts for its own site), takes the
live state's row lock first (the one eventlog.record takes), checks the transition against the current
state, changes the database, and ends with commit_change (log, outbox, commit). A refused change raises
an AppError and changes nothing.

The magic wall's object has one Handoff row per event (unique in the database): HELD by `from_site`, or
IN_FLIGHT from `from_site` to `to_site`. So at every moment exactly one site holds it (while in flight, the
sender still does, until the receiver catches it).
"""

import re

from flask_babel import gettext as _
from sqlalchemy import delete, select

from eventapp.access import Caller
from eventapp.controller import commit_change, require_role
from eventapp.controller.live import _acting_site, _current, _live, _running, put_on_air
from eventapp.errors import BadInput, Conflict, Forbidden
from eventapp.extensions import db
from eventapp.lookup import site_by_key
from eventapp.models import (
    EventLogEntry,
    Handoff,
    HandoffState,
    Learning,
    LiveState,
    Role,
    RunMode,
    Segment,
    SegmentKind,
    SegmentRun,
    Site,
)
from eventapp.models.base import utcnow

MAX_LEARNINGS = 10
MAX_LEARNING_CHARS = 300
#: Anything that looks like markup: a tag (`<b>`, `</p>`, `<!--`, `<?`) or a character reference (`&lt;`).
MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- learnings -------------------------------------------------------------------------------------------------

def write_learnings(caller: Caller, texts: list[str], site_key: str | None = None) -> None:
    """Set a site's whole ordered list of learnings (a host: its own site's), until the closing round starts."""
    require_role(caller, Role.HOST, Role.CHAIR)
    site = _acting_site(caller, site_key)
    live = _live(caller)
    cleaned = clean_learnings(texts)
    if learnings_locked(caller.event, live):
        raise Conflict(_("the closing round has started: the learnings can no longer be changed"))
    if cleaned == site_learnings(site):
        raise Conflict(_("these learnings are saved already"))
    _replace_learnings(site, cleaned)
    commit_change(caller, "learnings:written", {"site": site.key, "learnings": cleaned})


def clean_learnings(texts: list[str]) -> list[str]:
    """The learnings as they are stored: trimmed, each plain text of 1 to 300 characters, at most 10; else BadInput."""
    if len(texts) > MAX_LEARNINGS:
        raise BadInput(_("a site has at most %(n)d learnings", n=MAX_LEARNINGS))
    cleaned = []
    for number, text in enumerate(texts, start=1):
        text = " ".join(text.split())  # one line: line breaks and runs of spaces become one space
        if not text:
            raise BadInput(_("learning %(n)d is empty", n=number))
        if len(text) > MAX_LEARNING_CHARS:
            raise BadInput(_("learning %(n)d is longer than %(limit)d characters", n=number, limit=MAX_LEARNING_CHARS))
        if MARKUP.search(text) or CONTROL.search(text):
            raise BadInput(_("learning %(n)d contains markup; write plain text", n=number))
        cleaned.append(text)
    return cleaned


def site_learnings(site: Site) -> list[str]:
    """A site's learnings, in order."""
    return list(db.session.scalars(select(Learning.text).where(Learning.site_id == site.id)
                                   .order_by(Learning.position)))


def learnings_locked(event, live: LiveState) -> bool:
    """True once a closing round segment has been on in this run (real or rehearsal): the learnings are final."""
    return db.session.scalar(
        select(SegmentRun.id).join(Segment, Segment.id == SegmentRun.segment_id)
        .where(SegmentRun.event_id == event.id, SegmentRun.mode == live.mode,
               Segment.kind == SegmentKind.CLOSING_ROUND).limit(1)) is not None


def restore_real_learnings(event) -> None:
    """After a rehearsal: every site's learnings as the real run last wrote them (none if it never did).

    Called by live.reset_rehearsal, in its transaction. The event log is append-only and marks each entry with its
    mode, so the real run's last "learnings:written" per site is the truth to go back to.
    """
    entries = db.session.scalars(select(EventLogEntry).where(
        EventLogEntry.event_id == event.id, EventLogEntry.mode == RunMode.REAL,
        EventLogEntry.action == "learnings:written").order_by(EventLogEntry.id))
    last = {entry.data.get("site"): entry.data.get("learnings") or [] for entry in entries}
    for site in event.sites:
        _replace_learnings(site, last.get(site.key, []))


def _replace_learnings(site: Site, texts: list[str]) -> None:
    db.session.execute(delete(Learning).where(Learning.site_id == site.id))
    db.session.add_all(Learning(site_id=site.id, position=i, text=text) for i, text in enumerate(texts))


# --- the closing round -----------------------------------------------------------------------------------------

def next_closing_site(caller: Caller) -> None:
    """"Rondje langs de velden": the next site of the round goes on air, its learnings on every screen."""
    _step_closing_round(caller, +1)


def previous_closing_site(caller: Caller) -> None:
    """Back to the site before in the closing round."""
    _step_closing_round(caller, -1)


def _step_closing_round(caller: Caller, step: int) -> None:
    require_role(caller, Role.CHAIR)
    live = _running(caller)
    segment = _current(caller, live)
    if segment.kind != SegmentKind.CLOSING_ROUND:
        raise Conflict(_("the segment on now is not the closing round"))
    order = [key for key in segment.site_order if caller.event.site(key) is not None]
    if not order:
        raise Conflict(_("the closing round has no sites"))
    current = next((s.key for s in caller.event.sites if s.id == live.closing_site_id), None)
    index = order.index(current) if current in order else -1
    target = index + step
    if step > 0 and target >= len(order):
        raise Conflict(_("this is the last site of the closing round"))
    if step < 0 and target < 0:
        raise Conflict(_("this is the first site of the closing round"))
    site = caller.event.site(order[target])
    live.closing_site_id = site.id
    put_on_air(live, site)
    commit_change(caller, "closing:site", {"site": site.key})


# --- the magic wall --------------------------------------------------------------------------------------------

def pass_object(caller: Caller, to_key: str | None = None) -> None:
    """The holder's host passes the object on: to `to_key`, or to the next site of the magic wall's order."""
    require_role(caller, Role.HOST)
    live = _running(caller)
    segment = _current(caller, live)
    if segment.kind != SegmentKind.HANDOFF:
        raise Conflict(_("the magic wall is not on now"))
    handoff = _handoff(caller)
    holder = db.session.get(Site, handoff.from_site_id)
    if handoff.state == HandoffState.IN_FLIGHT:
        receiver = db.session.get(Site, handoff.to_site_id)
        raise Conflict(_("the object is on its way to %(site)s already", site=receiver.name))
    if holder.id != caller.site.id:
        raise Forbidden(_("%(site)s holds the object: only its host can pass it on", site=holder.name))
    if to_key is None:
        to_key = _next_in_order(segment, holder)
        if to_key is None:
            raise BadInput(_("%(site)s is the last site of the magic wall: name the site to pass to", site=holder.name))
    receiver = site_by_key(caller.event, to_key)
    if receiver.id == holder.id:
        raise BadInput(_("%(site)s holds the object already: pass it to another site", site=holder.name))
    handoff.state, handoff.to_site_id, handoff.changed_at = HandoffState.IN_FLIGHT, receiver.id, utcnow()
    commit_change(caller, "handoff:passed", {"from": holder.key, "to": receiver.key})


def catch_object(caller: Caller) -> None:
    """The receiver's host catches the object in flight: the receiver holds it now."""
    require_role(caller, Role.HOST)
    live = _running(caller)
    if _current(caller, live).kind != SegmentKind.HANDOFF:
        raise Conflict(_("the magic wall is not on now"))
    handoff = _handoff(caller)
    if handoff.state != HandoffState.IN_FLIGHT:
        holder = db.session.get(Site, handoff.from_site_id)
        raise Conflict(_("nothing is on its way: %(site)s holds the object", site=holder.name))
    receiver = db.session.get(Site, handoff.to_site_id)
    if receiver.id != caller.site.id:
        raise Forbidden(_("the object is on its way to %(site)s: only its host can catch it", site=receiver.name))
    handoff.state, handoff.from_site_id, handoff.to_site_id, handoff.changed_at = \
        HandoffState.HELD, receiver.id, None, utcnow()
    commit_change(caller, "handoff:caught", {"site": receiver.key})


def take_back(caller: Caller) -> None:
    """The chair calls the object in flight back: the sender holds it again."""
    require_role(caller, Role.CHAIR)
    _live(caller)
    handoff = _handoff(caller)
    if handoff.state != HandoffState.IN_FLIGHT:
        raise Conflict(_("nothing is on its way to take back"))
    handoff.state, handoff.to_site_id, handoff.changed_at = HandoffState.HELD, None, utcnow()
    commit_change(caller, "handoff:taken-back", {"site": db.session.get(Site, handoff.from_site_id).key})


def reset_handoff(caller: Caller) -> None:
    """The chair puts the object back with the magic wall's first site (Den Haag in the demo)."""
    require_role(caller, Role.CHAIR)
    _live(caller)
    handoff = _handoff(caller)
    segment = _handoff_segment(caller.event)
    if segment is None:
        raise Conflict(_("the programme has no magic wall"))
    first = _first_holder(caller.event, segment)
    if handoff.state == HandoffState.HELD and handoff.from_site_id == first.id:
        raise Conflict(_("%(site)s holds the object already: nothing to reset", site=first.name))
    reset_to_first_holder(caller.event, handoff)
    commit_change(caller, "handoff:reset", {"site": first.key})


def reset_to_first_holder(event, handoff: Handoff | None = None) -> None:
    """Put the object (its row made if missing) with the first site of the magic wall's order; no commit, no log.

    Also used by live.reset_rehearsal and live.start_event, in their transactions.
    """
    segment = _handoff_segment(event)
    if segment is None:
        return
    handoff = handoff or _existing_handoff(event)
    first = _first_holder(event, segment)
    if handoff is None:
        handoff = Handoff(event_id=event.id)
        db.session.add(handoff)
    handoff.segment_id = segment.id
    handoff.object_title = segment.object_title or segment.title
    handoff.object_image = segment.object_image
    handoff.state, handoff.from_site_id, handoff.to_site_id, handoff.changed_at = \
        HandoffState.HELD, first.id, None, utcnow()


def _handoff(caller: Caller) -> Handoff:
    """The event's hand-off row, read after the live state's lock was taken (made if the event has none yet)."""
    handoff = _existing_handoff(caller.event)
    if handoff is None:
        if _handoff_segment(caller.event) is None:
            raise Conflict(_("the programme has no magic wall"))
        reset_to_first_holder(caller.event)
        db.session.flush()
        handoff = _existing_handoff(caller.event)
    return handoff


def _existing_handoff(event) -> Handoff | None:
    return db.session.scalar(select(Handoff).where(Handoff.event_id == event.id)
                             .execution_options(populate_existing=True))


def _handoff_segment(event) -> Segment | None:
    """The magic wall segment of the programme (the first, if it has several)."""
    return next((s for s in event.segments if s.kind == SegmentKind.HANDOFF), None)


def _first_holder(event, segment: Segment) -> Site:
    order = [key for key in segment.site_order if event.site(key) is not None]
    if order:
        return event.site(order[0])
    origin = next((s for s in event.sites if s.id == segment.origin_site_id), None)
    return origin or event.sites[0]


def _next_in_order(segment: Segment, holder: Site) -> str | None:
    order = segment.site_order
    if holder.key in order and order.index(holder.key) + 1 < len(order):
        return order[order.index(holder.key) + 1]
    return None
