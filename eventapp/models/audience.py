"""Participants and their questions."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.extensions import db
from eventapp.models.base import Timestamp, enum_column, utcnow


class Participant(db.Model):
    """Somebody who joined on a phone at one site; no account, an optional display name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    #: Random public id carried in the participant's signed token.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    joined_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class QuestionState(enum.StrEnum):
    """Moderation state of a question."""

    PENDING = "pending"
    APPROVED = "approved"
    HIDDEN = "hidden"
    ANSWERED = "answered"


class Question(db.Model):
    """A participant's question for the Q&A."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(500))
    state: Mapped[QuestionState] = mapped_column(enum_column(QuestionState), default=QuestionState.PENDING)
    #: Kept equal to the number of QuestionUpvote rows, in the same transaction, to sort by it cheaply.
    upvotes: Mapped[int] = mapped_column(default=0)
    asked_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(Timestamp)


class QuestionUpvote(db.Model):
    """One participant's upvote of a question; at most one each."""

    __table_args__ = (UniqueConstraint("question_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
