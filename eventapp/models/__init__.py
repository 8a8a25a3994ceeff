"""The domain models (docs/architecture.md, "Domain"), one module per aggregate."""

from eventapp.models.audience import Participant, Question, QuestionState, QuestionUpvote
from eventapp.models.closing import Handoff, HandoffState, Learning
from eventapp.models.event import AccessToken, Event, EventStatus, Role, Site, SiteKind
from eventapp.models.live import (
    Cue,
    CueState,
    EventLogEntry,
    HostStatus,
    LiveState,
    OutboxChange,
    Presence,
    RunMode,
    Scene,
    SegmentRun,
    SiteScene,
    VideoState,
    Worker,
)
from eventapp.models.poll import Poll, PollKind, PollOption, PollState, Vote
from eventapp.models.programme import PartFormat, Segment, SegmentKind, SegmentPart

__all__ = [
    "AccessToken", "Cue", "CueState", "Event", "EventLogEntry", "EventStatus", "Handoff", "HandoffState",
    "HostStatus", "Learning", "LiveState", "OutboxChange", "PartFormat", "Participant", "Poll", "PollKind",
    "PollOption", "PollState", "Presence", "Question", "QuestionState", "QuestionUpvote", "Role", "RunMode", "Scene",
    "Segment", "SegmentKind", "SegmentPart", "SegmentRun", "Site", "SiteKind", "SiteScene", "VideoState",
    "Vote", "Worker",
]
