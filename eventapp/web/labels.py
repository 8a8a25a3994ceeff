"""Words for the domain's enums in the page language (one place, so that extraction finds them)."""

from flask_babel import gettext as _

from eventapp.models import EventStatus, PollKind, SegmentKind


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


def poll_kind_labels() -> dict[str, str]:
    """Every poll kind in words: the one source for every page (host panel, chair, screen, results, report), so that
    a kind has one name everywhere ("Meerkeuze" meant single choice on one page and several answers on another)."""
    return {
        PollKind.SINGLE.value: _("Single choice"),
        PollKind.MULTIPLE.value: _("Multiple answers"),
        PollKind.SCALE.value: _("Scale"),
        PollKind.WORDCLOUD.value: _("Word cloud"),
        PollKind.OPEN.value: _("Open question"),
        PollKind.STATEMENT.value: _("Statement"),
        PollKind.RANKING.value: _("Ranking"),
        PollKind.QUIZ.value: _("Quiz"),
    }


def poll_kind_label(kind: PollKind | str) -> str:
    """A poll kind in words."""
    return poll_kind_labels()[PollKind(kind).value]


def status_label(status: EventStatus) -> str:
    """An event status in words."""
    return {EventStatus.PLANNED: _("planned"), EventStatus.LIVE: _("live"), EventStatus.ENDED: _("ended")}[status]
