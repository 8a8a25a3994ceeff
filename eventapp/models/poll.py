"""Polls, their options and the votes cast on them."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.extensions import db
from eventapp.models.base import Timestamp, enum_column, utcnow
from eventapp.models.live import RunMode
from eventapp.poll_kinds import PollKind  # the kinds are defined with their rules

__all__ = ["Poll", "PollKind", "PollOption", "PollState", "Vote"]


class PollState(enum.StrEnum):
    """A poll is drafted, open for votes, or closed."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Poll(db.Model):
    """A question to the whole event or to one site."""

    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The segment the poll belongs to in the programme (None: created ad hoc during the event).
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"), index=True)
    #: None: the whole event; otherwise only this site's participants vote.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    #: Stable key within the event, e.g. "vraag-1"; used in links to the results.
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[PollKind] = mapped_column(enum_column(PollKind))
    question: Mapped[str] = mapped_column(String(500))
    #: Scale polls: the range and the labels of its ends.
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    scale_min_label: Mapped[str | None] = mapped_column(String(60))
    scale_max_label: Mapped[str | None] = mapped_column(String(60))
    #: Keep results off the screens until the chair reveals them.
    hide_results: Mapped[bool] = mapped_column(default=True)
    #: Whether a participant may change a vote (quizzes: never).
    allow_change: Mapped[bool] = mapped_column(default=True)
    state: Mapped[PollState] = mapped_column(enum_column(PollState), default=PollState.DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(Timestamp)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    results_visible: Mapped[bool] = mapped_column(default=False)
    #: When revealed: the server time at which every screen shows the results at once.
    reveal_at: Mapped[datetime | None] = mapped_column(Timestamp)
    #: A "Eurovision" reveal shows the sites in this order, one at a time...
    reveal_order: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ...and this many of them so far (None: all at once).
    reveal_step: Mapped[int | None]

    segment: Mapped["Segment | None"] = relationship(back_populates="polls")  # noqa: F821
    site: Mapped["Site | None"] = relationship()  # noqa: F821
    options: Mapped[list["PollOption"]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollOption.position")


class PollOption(db.Model):
    """One answer option of a choice, ranking or quiz poll."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    #: Quiz polls: whether this option is a right answer.
    correct: Mapped[bool] = mapped_column(default=False)

    poll: Mapped[Poll] = relationship(back_populates="options")


class Vote(db.Model):
    """One participant's answer to one poll; the database allows one per participant per poll."""

    __table_args__ = (UniqueConstraint("poll_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    #: The participant's site when voting, for the per-site breakdown.
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    #: The answer, shaped by the poll kind (option ids, a number, texts, an order).
    answer: Mapped[Any] = mapped_column(JSON)
    #: Votes cast during a rehearsal are kept apart from the real run's, and removed by its reset.
    mode: Mapped[RunMode] = mapped_column(enum_column(RunMode), default=RunMode.REAL)
    #: Made by the client, so that a retried vote counts once.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: The phone's number for this answer, growing with each answer it makes: a late retry of an older answer
    #: (a lower number) changes nothing. None: the client sent none.
    seq: Mapped[int | None]
    #: Open answers wait for moderation before they reach the screens: "pending", "approved" or "hidden".
    moderation: Mapped[str] = mapped_column(String(16), default="approved")
    #: Quiz polls: the points this answer scored.
    score: Mapped[int] = mapped_column(default=0)
    cast_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
