"""Editing the programme (chair only), before and during the event, with the programme file's own rules.

Every change is checked by validating the whole programme as it would be afterwards (eventapp/programme/schema.py,
the rules of a programme file): one place per rule, so the editor refuses what an import refuses, with the same
words. Changes that would break the running event (the segment on now, a site people joined at) are refused.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventapp import outbox
from eventapp.access import Caller, issue_token, new_join_code
from eventapp.controller import require_role
from eventapp.errors import BadInput, Conflict, NotFound
from eventapp.eventlog import record
from eventapp.extensions import db
from eventapp.lookup import site_by_key
from eventapp.models import (
    Event,
    EventStatus,
    Handoff,
    LiveState,
    Participant,
    Poll,
    Role,
    Segment,
    SegmentKind,
    Site,
    Vote,
)
from eventapp.programme.schema import EventSpec, HandoffObjectSpec, Programme, SegmentSpec, SiteSpec
from eventapp.programme.store import SlugTaken, export_programme, import_programme, write_segment
from eventapp.programme.yamlfile import ProgrammeError, validate_programme


def add_segment(caller: Caller, spec: SegmentSpec, position: int | None = None) -> Segment:
    """Insert a segment at `position` (default: at the end)."""
    require_role(caller, Role.CHAIR)
    event = caller.event
    count = len(event.segments)
    position = count if position is None else position
    if not 0 <= position <= count:
        raise BadInput(_("position must be between 0 and %(count)d", count=count))
    specs = _current_specs(caller)
    specs.insert(position, spec)
    _validate(caller, specs)
    segment = Segment(position=position)
    segments = list(event.segments)
    segments.insert(position, segment)
    event.segments = segments
    write_segment(segment, spec)
    _renumber(caller)
    db.session.flush()
    return _commit(caller, "programme:segment-added", {"segment": segment.id, "position": position,
                                                       "title": spec.title}, segment)


def update_segment(caller: Caller, segment_id: int, spec: SegmentSpec) -> Segment:
    """Replace a segment's fields, parts and polls; polls that have votes keep their kind and options."""
    require_role(caller, Role.CHAIR)
    segment = _segment(caller, segment_id)
    if spec.kind != segment.kind and _is_on_now(caller, segment):
        raise Conflict(_("'%(title)s' is on now; its kind cannot change until the programme moves on",
                         title=segment.title))
    specs = _current_specs(caller)
    specs[segment.position] = spec
    _validate(caller, specs)
    _guard_voted_polls(segment, spec)
    write_segment(segment, spec)
    return _commit(caller, "programme:segment-updated", {"segment": segment.id, "title": spec.title}, segment)


def delete_segment(caller: Caller, segment_id: int) -> None:
    """Delete a segment that is not on now and whose polls have no votes."""
    require_role(caller, Role.CHAIR)
    segment = _segment(caller, segment_id)
    if _is_on_now(caller, segment):
        raise Conflict(_("'%(title)s' is on now; move to another segment before deleting it", title=segment.title))
    specs = _current_specs(caller)
    del specs[segment.position]
    _validate(caller, specs)
    voted = _voted_poll_keys([p.id for p in segment.polls])
    if voted:
        raise Conflict(_("polls %(keys)s have votes; they cannot be deleted", keys=", ".join(sorted(voted))))
    caller.event.segments.remove(segment)
    _renumber(caller)
    _commit(caller, "programme:segment-deleted", {"segment": segment_id, "title": segment.title})


def move_segment(caller: Caller, segment_id: int, position: int) -> Segment:
    """Move a segment to another position in the run sheet."""
    require_role(caller, Role.CHAIR)
    segment = _segment(caller, segment_id)
    segments = list(caller.event.segments)
    if not 0 <= position < len(segments):
        raise BadInput(_("position must be between 0 and %(last)d", last=len(segments) - 1))
    specs = _current_specs(caller)
    specs.insert(position, specs.pop(segment.position))
    _validate(caller, specs)
    segments.insert(position, segments.pop(segment.position))
    caller.event.segments = segments
    _renumber(caller)
    return _commit(caller, "programme:segment-moved", {"segment": segment.id, "position": position}, segment)


def create_event(caller: Caller, programme: Programme) -> Event:
    """A new event from a whole programme, made by the chair of an event on this server (as `programme import`
    does from the command line), with its own links and join codes; logged in the new event as made by that chair."""
    require_role(caller, Role.CHAIR)
    try:
        event = import_programme(programme)
    except SlugTaken:
        raise Conflict(_("an event with slug '%(slug)s' exists already", slug=programme.event.slug),
                       details=[{"path": "programme.event.slug", "reason": "taken"}]) from None
    record(event.id, caller.label, "programme:event-created", {"by_event": caller.event.slug})
    outbox.commit()
    return event


def update_event(caller: Caller, spec: EventSpec) -> None:
    """Change the event's title, date, time zone, language and notes; its slug is in every link and stays."""
    require_role(caller, Role.CHAIR)
    event = caller.event
    if spec.slug != event.slug:
        raise BadInput(_("the event's slug cannot change: every link of the event contains it"),
                       details=[{"path": "event.slug", "reason": f"must stay '{event.slug}'"}])
    _check(caller, event=spec.model_dump())
    event.title, event.date, event.timezone = spec.title, spec.date, spec.timezone
    event.language, event.notes = spec.language, spec.notes
    _commit(caller, "programme:event-updated", {"title": spec.title})


def set_handoff_object(caller: Caller, segment_id: int, spec: HandoffObjectSpec) -> Segment:
    """Give a hand-off segment's object (the magic wall's) a new title and image: a segment update like any other."""
    require_role(caller, Role.CHAIR)
    segment = _segment(caller, segment_id)
    if segment.kind != SegmentKind.HANDOFF:
        raise BadInput(_("segment %(id)s is not a hand-off; only a hand-off has an object", id=segment_id))
    current = _current_specs(caller)[segment.position]
    return update_segment(caller, segment_id, current.model_copy(update={"object": spec}))


def add_site(caller: Caller, spec: SiteSpec, position: int | None = None) -> Site:
    """Add a site at `position` (default: the end), with its join code and its host and screen links."""
    require_role(caller, Role.CHAIR)
    event = caller.event
    sites = list(event.sites)
    position = len(sites) if position is None else position
    if not 0 <= position <= len(sites):
        raise BadInput(_("position must be between 0 and %(count)d", count=len(sites)))
    specs = _current_site_specs(caller)
    specs.insert(position, spec)
    _check(caller, sites=[site.model_dump() for site in specs])
    site = Site(key=spec.key, name=spec.name, venue=spec.venue, kind=spec.kind, join_code=new_join_code())
    sites.insert(position, site)
    event.sites = sites
    _renumber_sites(caller)
    db.session.flush()
    for role in Role:  # every link a site has (host, screen, ...); the chair's and the phones' are not a site's
        if role not in (Role.CHAIR, Role.PARTICIPANT):
            issue_token(event, role, site)
    return _commit(caller, "programme:site-added", {"site": site.key, "position": position}, site)


def update_site(caller: Caller, key: str, spec: SiteSpec) -> Site:
    """Change a site's name, venue and kind; its key is in its links and the programme, and stays."""
    require_role(caller, Role.CHAIR)
    site = site_by_key(caller.event, key)
    if spec.key != site.key:
        raise BadInput(_("a site's key cannot change: its links and the programme name it"),
                       details=[{"path": "site.key", "reason": f"must stay '{site.key}'"}])
    specs = _current_site_specs(caller)
    specs[[s.key for s in specs].index(site.key)] = spec
    _check(caller, sites=[s.model_dump() for s in specs])
    site.name, site.venue, site.kind = spec.name, spec.venue, spec.kind
    return _commit(caller, "programme:site-updated", {"site": site.key}, site)


def move_site(caller: Caller, key: str, position: int) -> Site:
    """Move a site to another place in the panels' order."""
    require_role(caller, Role.CHAIR)
    site = site_by_key(caller.event, key)
    sites = list(caller.event.sites)
    if not 0 <= position < len(sites):
        raise BadInput(_("position must be between 0 and %(last)d", last=len(sites) - 1))
    sites.insert(position, sites.pop(sites.index(site)))
    caller.event.sites = sites
    _renumber_sites(caller)
    return _commit(caller, "programme:site-moved", {"site": site.key, "position": position}, site)


def delete_site(caller: Caller, key: str) -> None:
    """Delete a site that the programme no longer names, while the event is not running and nobody joined there."""
    require_role(caller, Role.CHAIR)
    event = caller.event
    site = site_by_key(event, key)
    if event.status == EventStatus.LIVE:
        raise Conflict(_("the event is running: a site cannot be deleted now"))
    joined = db.session.scalar(select(func.count()).select_from(Participant).where(Participant.site_id == site.id))
    if joined:
        raise Conflict(_("%(count)d participant(s) joined at %(site)s; the site and their votes cannot be deleted",
                         count=joined, site=site.key))
    handed = db.session.scalar(select(func.count()).select_from(Handoff).where(
        (Handoff.from_site_id == site.id) | (Handoff.to_site_id == site.id)))
    if handed:
        raise Conflict(_("the magic wall's object is with %(site)s; reset the hand-off first", site=site.key))
    _check(caller, sites=[s.model_dump() for s in _current_site_specs(caller) if s.key != key])
    event.sites.remove(site)
    _renumber_sites(caller)
    _commit(caller, "programme:site-deleted", {"site": key})


def _current_site_specs(caller: Caller) -> list[SiteSpec]:
    return list(export_programme(caller.event).sites)


def _renumber_sites(caller: Caller) -> None:
    for position, site in enumerate(caller.event.sites):
        site.position = position


def _segment(caller: Caller, segment_id: int) -> Segment:
    segment = db.session.get(Segment, segment_id)
    if segment is None or segment.event_id != caller.event.id:
        raise NotFound(_("segment %(id)s does not exist in this event", id=segment_id))
    return segment


def _is_on_now(caller: Caller, segment: Segment) -> bool:
    return db.session.get(LiveState, caller.event.id).current_segment_id == segment.id


def _current_specs(caller: Caller) -> list[SegmentSpec]:
    return list(export_programme(caller.event).segments)


def _validate(caller: Caller, specs: list[SegmentSpec]) -> Programme:
    """Check the whole programme as it would be with these segments."""
    return _check(caller, segments=[spec.model_dump() for spec in specs])


def _check(caller: Caller, **changed) -> Programme:
    """Check the whole programme as it would be after the change (its event, sites or segments replaced by
    `changed`), with the programme file's rules."""
    data = export_programme(caller.event).model_dump() | changed
    try:
        return validate_programme(data)
    except ProgrammeError as error:
        raise BadInput(_("the programme would not be valid"),
                       details=[{"path": p.path, "reason": p.reason} for p in error.problems]) from None


def _guard_voted_polls(segment: Segment, spec: SegmentSpec) -> None:
    wanted = {p.key: p for p in spec.polls} | {p.key: p for part in spec.parts for p in part.polls}
    voted = _voted_poll_keys([p.id for p in segment.polls])
    for poll in segment.polls:
        if poll.key not in voted:
            continue
        new = wanted.get(poll.key)
        if new is None:
            raise Conflict(_("poll '%(key)s' has votes; it cannot be removed", key=poll.key))
        old_options = [(o.label, o.correct) for o in poll.options]
        if new.kind != poll.kind or [(o.label, o.correct) for o in new.options] != old_options:
            raise Conflict(_("poll '%(key)s' has votes; its kind and options cannot change", key=poll.key))


def _voted_poll_keys(poll_ids: list[int]) -> set[str]:
    if not poll_ids:
        return set()
    rows = db.session.execute(select(Poll.key).join(Vote, Vote.poll_id == Poll.id)
                              .where(Poll.id.in_(poll_ids)).group_by(Poll.key).having(func.count() > 0))
    return {key for (key,) in rows}


def _renumber(caller: Caller) -> None:
    for position, segment in enumerate(caller.event.segments):
        segment.position = position


def _commit(caller: Caller, action: str, data: dict, result=None):
    version = record(caller.event.id, caller.label, action, data)
    outbox.record(caller.event.id, outbox.PROGRAMME, version=version)
    outbox.commit()
    return result
