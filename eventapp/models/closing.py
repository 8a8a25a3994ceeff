"""The closing: each site's learnings and the magic wall hand-offs."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.extensions import db
from eventapp.models.base import Timestamp, enum_column, utcnow


class Learning(db.Model):
    """One lesson learned at a site, in the site's order (positions 0, 1, 2, ... without gaps)."""

    __table_args__ = (UniqueConstraint("site_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(1000))


class HandoffState(enum.StrEnum):
    """A hand-off is held by a site, or in flight to the next."""

    HELD = "held"
    IN_FLIGHT = "in_flight"


class Handoff(db.Model):
    """The object on the magic wall (the white book): who holds it, or where it is flying to.

    One row per event (unique event_id), so exactly one site holds the object or sends it: never two.
    """

    __table_args__ = (
        CheckConstraint("(state = 'held' AND to_site_id IS NULL) OR (state = 'in_flight' AND to_site_id IS NOT NULL "
                        "AND to_site_id != from_site_id)", name="held_or_flying"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"))
    object_title: Mapped[str] = mapped_column(String(200))
    object_image: Mapped[str | None] = mapped_column(String(500))
    #: The site that holds the object, or that sent it while in flight.
    from_site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    #: The receiving site while in flight; None while held.
    to_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    state: Mapped[HandoffState] = mapped_column(enum_column(HandoffState), default=HandoffState.HELD)
    changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
