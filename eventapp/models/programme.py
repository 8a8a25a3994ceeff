"""The programme: the ordered segments of an event and, for regional segments, each site's part."""

import enum
from datetime import time

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.extensions import db
from eventapp.models.base import enum_column


class SegmentKind(enum.StrEnum):
    """The kinds of segment the programme knows (docs/architecture.md, "Domain")."""

    CENTRAL = "central"  # one origin site broadcasts to all
    REGIONAL = "regional"  # every site runs its own part in parallel
    LIVE = "live"  # "we now switch live to <site>"
    VIDEO = "video"  # played in sync on all screens
    POLL = "poll"  # a question to everyone
    CLOSING_ROUND = "closing_round"  # site by site, each with its learnings
    HANDOFF = "handoff"  # the magic wall passes an object from site to site
    BREAK = "break"


class PartFormat(enum.StrEnum):
    """How a site runs its part of a regional segment."""

    STATEMENTS = "statements"  # statements to discuss (Eindhoven)
    STAGES = "stages"  # stages one after another (Enschede)
    GROUPS = "groups"  # groups in parallel (Den Haag)
    FREE = "free"


class Segment(db.Model):
    """One item of the run sheet."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Order in the programme, 0-based and without gaps.
    position: Mapped[int]
    kind: Mapped[SegmentKind] = mapped_column(enum_column(SegmentKind))
    title: Mapped[str] = mapped_column(String(200))
    #: Planned local start; None means "right after the previous segment".
    planned_start: Mapped[time | None]
    planned_minutes: Mapped[int]
    #: The site that broadcasts this segment (central, poll, video, closing round, hand-off).
    origin_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    #: The site a live switch goes to.
    target_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    #: Run-sheet notes for the chair and crew; not shown to the audience.
    notes: Mapped[str] = mapped_column(String(4000), default="")
    #: Video segments: address of the video file (served by the app or the venue network).
    video_url: Mapped[str | None] = mapped_column(String(500))
    #: Closing round and hand-off: the site keys in their order.
    site_order: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Hand-off: the object passed on the magic wall.
    object_title: Mapped[str | None] = mapped_column(String(200))
    object_image: Mapped[str | None] = mapped_column(String(500))

    event: Mapped["Event"] = relationship(back_populates="segments")  # noqa: F821
    origin_site: Mapped["Site | None"] = relationship(foreign_keys=[origin_site_id])  # noqa: F821
    target_site: Mapped["Site | None"] = relationship(foreign_keys=[target_site_id])  # noqa: F821
    parts: Mapped[list["SegmentPart"]] = relationship(
        back_populates="segment", cascade="all, delete-orphan", order_by="SegmentPart.position")
    polls: Mapped[list["Poll"]] = relationship(  # noqa: F821
        back_populates="segment", cascade="all, delete-orphan", order_by="Poll.position")


class SegmentPart(db.Model):
    """A site's own part of a regional segment: its format and the items its host steps through."""

    __table_args__ = (UniqueConstraint("segment_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    format: Mapped[PartFormat] = mapped_column(enum_column(PartFormat))
    title: Mapped[str] = mapped_column(String(200))
    #: The stages, groups or statements, in order (plain strings).
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(String(4000), default="")

    segment: Mapped[Segment] = relationship(back_populates="parts")
    site: Mapped["Site"] = relationship()  # noqa: F821
