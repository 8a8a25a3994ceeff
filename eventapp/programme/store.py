"""Programmes into the database and back: importing a file as a new event, exporting an event as a file."""

from sqlalchemy import select

from eventapp.access import issue_all_tokens, new_join_code
from eventapp.extensions import db
from eventapp.models import Event, LiveState, Poll, PollKind, PollOption, Segment, SegmentPart, Site
from eventapp.programme.schema import (
    FORMAT,
    EventSpec,
    HandoffObjectSpec,
    LoosePollSpec,
    OptionSpec,
    PartSpec,
    PollSpec,
    Programme,
    ScaleSpec,
    SegmentSpec,
    SiteSpec,
)


class SlugTaken(Exception):
    """An event with this slug exists already."""


def import_programme(programme: Programme) -> Event:
    """Create a new event from a validated programme, with its links and join codes; commits once.

    Nothing is written when anything fails: the whole import is one transaction.
    """
    if db.session.scalar(select(Event.id).where(Event.slug == programme.event.slug)) is not None:
        raise SlugTaken(f"an event with slug '{programme.event.slug}' exists already")
    try:
        spec = programme.event
        event = Event(slug=spec.slug, title=spec.title, date=spec.date, timezone=spec.timezone,
                      language=spec.language, notes=spec.notes)
        db.session.add(event)
        for position, site_spec in enumerate(programme.sites):
            event.sites.append(Site(key=site_spec.key, name=site_spec.name, venue=site_spec.venue,
                                    kind=site_spec.kind, position=position, join_code=new_join_code()))
            db.session.flush()  # so that the next join code is checked against this one
        for position, segment_spec in enumerate(programme.segments):
            segment = Segment(position=position)
            event.segments.append(segment)
            write_segment(segment, segment_spec)
        db.session.flush()
        site_id = {site.key: site.id for site in event.sites}
        for position, loose in enumerate(programme.polls):
            poll = Poll(event_id=event.id, key=loose.key, position=position,
                        site_id=site_id[loose.site] if loose.site else None)
            write_poll_definition(poll, loose)
            db.session.add(poll)
        db.session.add(LiveState(event_id=event.id))
        issue_all_tokens(event)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return event


def write_segment(segment: Segment, spec: SegmentSpec) -> None:
    """Set a segment's fields, parts and polls from its spec (the segment must belong to an event)."""
    event = segment.event
    site_id = {site.key: site.id for site in event.sites}
    segment.kind = spec.kind
    segment.title = spec.title
    segment.planned_start = spec.start
    segment.planned_minutes = spec.duration
    segment.notes = spec.notes
    segment.origin_site_id = site_id[spec.origin] if spec.origin else None
    segment.target_site_id = site_id[spec.site] if spec.site else None
    segment.video_url = spec.video
    segment.site_order = list(spec.order)
    segment.object_title = spec.object.title if spec.object else None
    segment.object_image = spec.object.image if spec.object else None
    # A site keeps its part row: a new row beside the old one would break the one-part-per-site constraint,
    # because the new rows are inserted before the replaced ones are deleted.
    existing_parts = {part.site_id: part for part in segment.parts}
    segment.parts = [
        _write_part(existing_parts.get(site_id[part_spec.site]) or SegmentPart(site_id=site_id[part_spec.site]),
                    part_spec, position)
        for position, part_spec in enumerate(spec.parts)
    ]
    wanted = [(poll, None) for poll in spec.polls]
    wanted += [(poll, site_id[part.site]) for part in spec.parts for poll in part.polls]
    existing = {poll.key: poll for poll in segment.polls}
    segment.polls = [
        _write_poll(existing.get(poll_spec.key) or Poll(event_id=event.id, key=poll_spec.key), poll_spec,
                    scope_site_id, position)
        for position, (poll_spec, scope_site_id) in enumerate(wanted)
    ]


def _write_part(part: SegmentPart, spec: PartSpec, position: int) -> SegmentPart:
    part.position = position
    part.format = spec.format
    part.title = spec.title
    part.items = list(spec.items)
    part.notes = spec.notes
    return part


def _write_poll(poll: Poll, spec: PollSpec, site_id: int | None, position: int) -> Poll:
    poll.site_id = site_id
    poll.position = position
    write_poll_definition(poll, spec)
    return poll


def write_poll_definition(poll: Poll, spec: PollSpec) -> None:
    """Put a poll's definition (kind, question, scale, options) on its row: for imports and the live editor alike.

    The options are replaced only when they changed, so that an unchanged poll keeps its option rows (and votes).
    A quiz never lets an answer change: the leaderboard counts the first one.
    """
    poll.kind, poll.question, poll.hide_results = spec.kind, spec.question, spec.hide_results
    poll.allow_change = spec.kind != PollKind.QUIZ
    poll.answer_seconds = spec.answer_seconds
    poll.scale_min = spec.scale.min if spec.scale else None
    poll.scale_max = spec.scale.max if spec.scale else None
    poll.scale_min_label = spec.scale.min_label if spec.scale else None
    poll.scale_max_label = spec.scale.max_label if spec.scale else None
    labels = [(o.label, o.correct) for o in spec.options]
    if [(o.label, o.correct) for o in poll.options] != labels:
        poll.options = [PollOption(position=i, label=label, correct=correct)
                        for i, (label, correct) in enumerate(labels)]


def export_programme(event: Event) -> Programme:
    """The event's programme, in the same form a programme file is read into."""
    return Programme(
        format=FORMAT,
        event=EventSpec(slug=event.slug, title=event.title, date=event.date, timezone=event.timezone,
                        language=event.language, notes=event.notes),
        sites=[SiteSpec(key=s.key, name=s.name, venue=s.venue, kind=s.kind) for s in event.sites],
        segments=[segment_spec(segment) for segment in event.segments],
        polls=loose_poll_specs(event),
    )


def loose_poll_specs(event: Event) -> list[LoosePollSpec]:
    """The polls of no segment (made during the event), in the order they were made."""
    key_of = {site.id: site.key for site in event.sites}
    polls = db.session.scalars(select(Poll).where(Poll.event_id == event.id, Poll.segment_id.is_(None))
                               .order_by(Poll.position, Poll.id))
    return [LoosePollSpec(**poll_spec(poll).model_dump(), site=key_of.get(poll.site_id)) for poll in polls]


def segment_spec(segment: Segment) -> SegmentSpec:
    """One segment as its spec: what the programme file and the editor show of it."""
    key_of = {site.id: site.key for site in segment.event.sites}
    event_polls = [poll_spec(p) for p in segment.polls if p.site_id is None]
    parts = [
        PartSpec(site=key_of[part.site_id], format=part.format, title=part.title, items=part.items,
                 polls=[poll_spec(p) for p in segment.polls if p.site_id == part.site_id], notes=part.notes)
        for part in segment.parts
    ]
    return SegmentSpec(
        kind=segment.kind, title=segment.title, start=segment.planned_start, duration=segment.planned_minutes,
        notes=segment.notes, origin=key_of.get(segment.origin_site_id), site=key_of.get(segment.target_site_id),
        video=segment.video_url, order=segment.site_order,
        object=HandoffObjectSpec(title=segment.object_title, image=segment.object_image)
        if segment.object_title else None,
        polls=event_polls, parts=parts,
    )


def poll_spec(poll: Poll) -> PollSpec:
    """One poll as its spec."""
    scale = None
    if poll.scale_min is not None and poll.scale_max is not None:
        scale = ScaleSpec(min=poll.scale_min, max=poll.scale_max, min_label=poll.scale_min_label or "",
                          max_label=poll.scale_max_label or "")
    return PollSpec(key=poll.key, kind=poll.kind, question=poll.question, hide_results=poll.hide_results,
                    answer_seconds=poll.answer_seconds,
                    options=[OptionSpec(label=o.label, correct=o.correct) for o in poll.options], scale=scale)
