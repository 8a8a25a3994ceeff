"""What the person on stage at a site sees: the speaker view's payload (`speaker:changed`).

Small and for one site only: the time left (the site's own countdown when it has one, running or paused, else the
segment's planned end), what is on and what comes next, and the chair's message to the stage, which no screen or
phone ever gets. It is built from the public snapshot (eventapp/views/state.py) and the sites' stage messages, so it
shows the same truth as the room screen beside it.
"""

from datetime import datetime

from pydantic import BaseModel

from eventapp.models import Event
from eventapp.views.state import Snapshot, stage_messages


class SpeakerSegment(BaseModel):
    """The segment on now or next, as the stage needs it."""

    title: str
    kind: str
    planned_minutes: int
    started_at: datetime | None = None
    #: When the segment's countdown reaches zero (the segment on now only).
    planned_end: datetime | None = None


class SpeakerView(BaseModel):
    """The speaker view of one site."""

    event: str
    title: str
    timezone: str
    status: str
    mode: str
    version: int
    server_time: datetime
    site: str
    site_name: str
    #: This site is on air (everyone sees it), or: the site on air now (null while split).
    on_air: bool
    on_air_site: str | None
    on_air_site_name: str | None = None
    segment: SpeakerSegment | None
    next: SpeakerSegment | None
    #: In the site's own regional part: the item on now and the one after it (null: none).
    item: str | None = None
    next_item: str | None = None
    #: The site's own countdown: its end (server time), or while paused the seconds it has left.
    timer_ends_at: datetime | None = None
    timer_paused_left: float | None = None
    #: The chair's message to the stage (empty: none).
    message: str = ""


def speaker_views(event: Event, public: Snapshot) -> dict[str, SpeakerView]:
    """Every site's speaker view, from the public snapshot just made and the sites' stage messages (one query)."""
    messages = stage_messages(event)
    return {site.key: _view(public, site.key, site.name, messages.get(site.key, "")) for site in public.sites}


def _view(public: Snapshot, key: str, name: str, message: str) -> SpeakerView:
    site = next(s for s in public.sites if s.key == key)
    segment = public.segment
    item = next_item = None
    if segment is not None and key in segment.parts and site.item_index is not None:
        items = segment.parts[key].items
        item = items[site.item_index] if site.item_index < len(items) else None
        next_item = items[site.item_index + 1] if site.item_index + 1 < len(items) else None
    return SpeakerView(
        event=public.event, title=public.title, timezone=public.timezone, status=public.status, mode=public.mode,
        version=public.version, server_time=public.server_time, site=key, site_name=name,
        on_air=public.on_air == key and not public.split, on_air_site=public.on_air,
        on_air_site_name=next((s.name for s in public.sites if s.key == public.on_air), None),
        segment=_segment(segment), next=_segment(public.next), item=item, next_item=next_item,
        timer_ends_at=site.timer_ends_at, timer_paused_left=site.timer_paused_left, message=message)


def _segment(segment) -> SpeakerSegment | None:
    if segment is None:
        return None
    return SpeakerSegment(title=segment.title, kind=segment.kind, planned_minutes=segment.planned_minutes,
                          started_at=segment.started_at, planned_end=segment.planned_end)
