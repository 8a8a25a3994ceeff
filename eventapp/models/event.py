"""The event, its sites and the access tokens of its chair, hosts and screens."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.extensions import db
from eventapp.models.base import Timestamp, enum_column, utcnow


class EventStatus(enum.StrEnum):
    """Where an event is in its life: planned, running, or over."""

    PLANNED = "planned"
    LIVE = "live"
    ENDED = "ended"


class SiteKind(enum.StrEnum):
    """A site is a room somewhere, or the online audience."""

    PHYSICAL = "physical"
    ONLINE = "online"


class Role(enum.StrEnum):
    """Who is calling: the roles of docs/architecture.md, "Roles and access"."""

    CHAIR = "chair"
    HOST = "host"
    SCREEN = "screen"
    #: The speaker view of a site: what the person on stage sees (time left, what is next, the chair's message).
    SPEAKER = "speaker"
    PARTICIPANT = "participant"


class Event(db.Model):
    """One meeting, held at several sites at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[date]
    #: IANA time zone of the planned times, e.g. "Europe/Amsterdam".
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    #: Language of the event's own texts and the default of its pages ("nl" or "en").
    language: Mapped[str] = mapped_column(String(8), default="nl")
    #: Free text for the chair's run sheet (not shown to the audience).
    notes: Mapped[str] = mapped_column(String(4000), default="")
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.PLANNED)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    sites: Mapped[list["Site"]] = relationship(
        back_populates="event", order_by="Site.position", cascade="all, delete-orphan")
    segments: Mapped[list["Segment"]] = relationship(  # noqa: F821
        back_populates="event", order_by="Segment.position", cascade="all, delete-orphan")

    def site(self, key: str) -> "Site | None":
        """The site with this key, or None."""
        return next((s for s in self.sites if s.key == key), None)


class Site(db.Model):
    """A location of the event: a room with a host and a screen, or the online audience."""

    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Stable key used in links and the API, e.g. "enschede".
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    venue: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[SiteKind] = mapped_column(enum_column(SiteKind), default=SiteKind.PHYSICAL)
    position: Mapped[int] = mapped_column(default=0)
    #: Short code participants type to join at this site; unique over all events.
    join_code: Mapped[str] = mapped_column(String(12), unique=True)

    event: Mapped[Event] = relationship(back_populates="sites")


class AccessToken(db.Model):
    """The secret of one access link (chair, or a site's host or screen), stored only as a hash.

    The token itself is HMAC(secret key, nonce): the database alone does not give it away, and the
    links command can print it again from the instance's secret.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: The site a host or screen token belongs to; None for the chair.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    #: Random value the token is derived from (hex).
    nonce: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the token (hex): what a request's token is looked up by.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    event: Mapped[Event] = relationship()
    site: Mapped[Site | None] = relationship()
