"""Editing the programme (chair only), before and during the event, with the programme file's own rules."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventapp import outbox
from eventapp.access import Caller
from eventapp.controller import require_role
from eventapp.errors import BadInput, Conflict, NotFound
from eventapp.eventlog import record
from eventapp.extensions import db
from eventapp.models import LiveState, Poll, Role, Segment, Vote
from eventapp.programme.schema import Programme, SegmentSpec
from eventapp.programme.store import export_programme, write_segment
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
    if db.session.get(LiveState, caller.event.id).current_segment_id == segment.id:
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


def _segment(caller: Caller, segment_id: int) -> Segment:
    segment = db.session.get(Segment, segment_id)
    if segment is None or segment.event_id != caller.event.id:
        raise NotFound(_("segment %(id)s does not exist in this event", id=segment_id))
    return segment


def _current_specs(caller: Caller) -> list[SegmentSpec]:
    return list(export_programme(caller.event).segments)


def _validate(caller: Caller, specs: list[SegmentSpec]) -> Programme:
    """Check the whole programme as it would be after the change, with the programme file's rules."""
    current = export_programme(caller.event)
    data = current.model_dump(exclude={"segments"})
    data["segments"] = [spec.model_dump() for spec in specs]
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
