"""The live state of a running event, the cues to hosts and the append-only event log."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.extensions import db
from eventapp.models.base import Timestamp, enum_column, utcnow


class RunMode(enum.StrEnum):
    """A rehearsal's votes and log never mix with the real run's."""

    REAL = "real"
    REHEARSAL = "rehearsal"


class VideoState(enum.StrEnum):
    """The video of a video segment, played in sync on every screen."""

    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class LiveState(db.Model):
    """The one truth of a running event; every change raises the version."""

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    mode: Mapped[RunMode] = mapped_column(enum_column(RunMode), default=RunMode.REAL)
    current_segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"))
    on_air_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    #: True while the sites run their own regional parts; False when everyone follows the central programme.
    split: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)
    segment_started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    video_state: Mapped[VideoState] = mapped_column(enum_column(VideoState), default=VideoState.STOPPED)
    #: Seconds into the video at video_changed_at; while playing, the position grows with server time.
    video_position: Mapped[float] = mapped_column(default=0.0)
    video_changed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    #: The question the chair puts on every screen, or None.
    featured_question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"))
    #: The chair pinned the featured question: it stays on the screens when the programme moves on.
    featured_pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The closing round's site on now (its learnings on every screen); None before the round's first site.
    closing_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))


class Scene(enum.StrEnum):
    """What a site's screen shows: the programme, or a holding scene (welcome, break)."""

    PROGRAMME = "programme"
    HOLDING = "holding"


class HostStatus(enum.StrEnum):
    """A host's signal to the chair; the tally shows it per site."""

    STANDBY = "standby"
    READY = "ready"
    NEEDS_TIME = "needs_time"


class SiteScene(db.Model):
    """What one site shows now, its host's signal, and the item and timer of its regional part."""

    __table_args__ = (UniqueConstraint("event_id", "site_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    scene: Mapped[Scene] = mapped_column(enum_column(Scene), default=Scene.PROGRAMME)
    #: Text of the holding scene ("Welkom", "Pauze tot 15:05").
    holding_text: Mapped[str] = mapped_column(String(200), default="")
    #: A message from the chair over whatever the screen shows ("nog 2 minuten"); empty: none.
    message: Mapped[str] = mapped_column(String(200), default="")
    host_status: Mapped[HostStatus] = mapped_column(enum_column(HostStatus), default=HostStatus.STANDBY)
    #: The regional part's item (stage, group, statement) that is on, 0-based; None: not started.
    item_index: Mapped[int | None]
    #: The site's own countdown (regional part), in server time; None: no timer.
    timer_ends_at: Mapped[datetime | None] = mapped_column(Timestamp)
    #: The countdown is paused with this many seconds left (timer_ends_at is None meanwhile); None: not paused.
    timer_paused_left: Mapped[float | None]
    #: The chair's message to the person on stage (the speaker view only, never the audience); empty: none.
    stage_message: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: The poll on this site's screen and phones (the event's, or the site's own), or None.
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    #: The chair pinned the poll: it stays on this site's screen when the programme moves on.
    poll_pinned: Mapped[bool] = mapped_column(default=False, server_default=false())


class CueState(enum.StrEnum):
    """A cue waits for its host, who answers ready or needs time."""

    SENT = "sent"
    READY = "ready"
    NEEDS_TIME = "needs_time"


class Cue(db.Model):
    """A message from the chair to one host (or all), which the host acknowledges."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: None: to every host.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    state: Mapped[CueState] = mapped_column(enum_column(CueState), default=CueState.SENT)
    sent_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(Timestamp)


class SegmentRun(db.Model):
    """When a segment actually ran (one row each time it was on): the "as run" times against the plan."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"), index=True)
    mode: Mapped[RunMode] = mapped_column(enum_column(RunMode), default=RunMode.REAL)
    started_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)


class Presence(db.Model):
    """One connected client (Socket.IO session), so that every worker can count who is there."""

    #: The Socket.IO session id.
    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The worker process holding the connection (Worker.id): a worker that starts clears only its own rows.
    worker: Mapped[str] = mapped_column(String(120), index=True, server_default="")
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    #: Phones that joined: the participant behind the connection.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    connected_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    #: Updated by the client's heartbeat (panels and screens).
    last_seen: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class Worker(db.Model):
    """A server process that holds connections; its heartbeat tells whether its Presence rows still count."""

    #: WORKER_ID: host name and port unless configured, the same across restarts.
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class EventLogEntry(db.Model):
    """One action, as it happened: the append-only log and the "as run" record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    mode: Mapped[RunMode] = mapped_column(enum_column(RunMode), default=RunMode.REAL)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    #: "chair", "host:enschede", "cli", ...
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxChange(db.Model):
    """A change to push (the outbox, eventapp/outbox.py): written in the transaction of the change, deleted once
    pushed, so that a change made by another process (the CLI) still reaches the server's connections."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    #: What changed: "state", "programme", "poll", "questions", "drop" or "approved" (outbox.CHANGES).
    kind: Mapped[str] = mapped_column(String(24))
    #: What the push needs besides the event: {"poll": ID}, {"version": N}, {"sids": [...]}.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: When the change was written; a server claims the rows another process left once they are older than a grace.
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
