"""Words for the domain's enums in the page language (one place, so that extraction finds them)."""

from flask_babel import gettext as _

from eventapp.models import EventStatus, SegmentKind


def kind_label(kind: SegmentKind) -> str:
    """A segment kind in words."""
    return {
        SegmentKind.CENTRAL: _("Central"),
        SegmentKind.REGIONAL: _("Regional"),
        SegmentKind.LIVE: _("Live switch"),
        SegmentKind.VIDEO: _("Video"),
        SegmentKind.POLL: _("Poll"),
        SegmentKind.CLOSING_ROUND: _("Closing round"),
        SegmentKind.HANDOFF: _("Magic wall"),
        SegmentKind.BREAK: _("Break"),
    }[kind]


def status_label(status: EventStatus) -> str:
    """An event status in words."""
    return {EventStatus.PLANNED: _("planned"), EventStatus.LIVE: _("live"), EventStatus.ENDED: _("ended")}[status]
