"""The planned schedule: every segment's start and end, filling in starts the programme leaves out."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from eventapp.models import Event, Segment


@dataclass(frozen=True)
class PlannedSlot:
    """When a segment is planned, in the event's local time."""

    segment: Segment
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        """Planned length in minutes."""
        return self.segment.planned_minutes


def planned_slots(event: Event, run_date: date | None = None) -> list[PlannedSlot]:
    """Each segment with its planned start and end; a segment without a start follows the previous one.

    The plan's times are times of day: a run on another day than the event's date (a rehearsal, the demo)
    is measured against the same times on `run_date`.
    """
    zone = ZoneInfo(event.timezone)
    day = run_date or event.date
    slots: list[PlannedSlot] = []
    cursor = None
    for segment in event.segments:
        if segment.planned_start is not None:
            start = datetime.combine(day, segment.planned_start, tzinfo=zone)
        else:
            start = cursor or datetime.combine(day, datetime.min.time(), tzinfo=zone)
        end = start + timedelta(minutes=segment.planned_minutes)
        slots.append(PlannedSlot(segment, start, end))
        cursor = end
    return slots


def run_date(event: Event, started_at: datetime | None) -> date:
    """The local day an event runs on: the day it started, or its planned date before it starts."""
    return started_at.astimezone(ZoneInfo(event.timezone)).date() if started_at else event.date
