"""Request and response bodies of the HTTP API (they are also its OpenAPI schema)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eventapp.models import Role
from eventapp.programme.schema import EventSpec, HandoffObjectSpec, Programme, SegmentSpec, SiteSpec
from eventapp.views.results import PollResults
from eventapp.views.state import PollView


class Body(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    """Every refusal: a message in plain words, and details (for example each invalid field)."""

    error: str
    details: list = []


class SegmentOut(BaseModel):
    """A segment with its id and position, as the editor lists it."""

    id: int
    position: int
    segment: SegmentSpec


class ProgrammeOut(BaseModel):
    """The whole programme, with the ids of its segments."""

    version: int
    programme: dict
    segments: list[SegmentOut]


class NewSegment(Body):
    """A segment to insert, at `position` (default: the end)."""

    segment: SegmentSpec
    position: int | None = Field(default=None, ge=0)


class UpdateSegment(Body):
    """A segment's new content."""

    segment: SegmentSpec


class MoveSegment(Body):
    """Where to move a segment."""

    position: int = Field(ge=0)


class UpdateEvent(Body):
    """The event's new title, date, time zone, language and notes (its slug stays as it is)."""

    event: EventSpec


class SiteOut(BaseModel):
    """A site with its position, as the editor lists it; `join_code` is what its participants type."""

    position: int
    join_code: str
    site: SiteSpec


class NewSite(Body):
    """A site to add, at `position` (default: the end)."""

    site: SiteSpec
    position: int | None = Field(default=None, ge=0)


class UpdateSite(Body):
    """A site's new name, venue and kind (its key stays as it is)."""

    site: SiteSpec


class MoveSite(Body):
    """Where to move a site in the panels' order."""

    position: int = Field(ge=0)


class HandoffObject(Body):
    """The object a hand-off segment passes on the magic wall: its title and an optional image (URL or path)."""

    object: HandoffObjectSpec


class Link(BaseModel):
    """One access link."""

    url: str
    token: str


class JoinLink(BaseModel):
    """A site's join link and code."""

    url: str
    code: str


class SiteLinks(BaseModel):
    """The links of one site."""

    host: Link
    screen: Link
    #: The site's speaker view (what the person on stage sees).
    speaker: Link
    join: JoinLink


class Links(BaseModel):
    """Every link of an event (the shape of `flask links --json`)."""

    event: str
    chair: Link
    sites: dict[str, SiteLinks]


class NewEvent(Body):
    """A new event: a whole programme, in the programme file's form (docs/programme-format.md)."""

    programme: Programme


class EventCreated(BaseModel):
    """The new event and its links: its own chair link (a new token) among them."""

    event: str
    links: Links


class RotateToken(Body):
    """Which link to replace."""

    role: Literal[Role.CHAIR, Role.HOST, Role.SCREEN, Role.SPEAKER]
    site: str | None = None


class ActionDone(BaseModel):
    """A live action was done; the state is now at `version`."""

    ok: Literal[True] = True
    version: int


class Ok(BaseModel):
    """An action that was done."""

    ok: Literal[True] = True


class JoinIn(Body):
    """Joining a site: its code (from the screen) and an optional display name."""

    code: str = Field(min_length=1, max_length=20)
    name: str = Field(default="", max_length=200)


class Joined(BaseModel):
    """A new participant: keep the token (it identifies you when the phone reconnects)."""

    token: str
    participant: str
    name: str
    event: str
    site: str
    site_name: str


class SiteName(BaseModel):
    """A site whose results are shown."""

    key: str
    name: str


class PollResultsOut(BaseModel):
    """A poll's results (export): the public get them once revealed, the chair always.

    `results` has the shape of the `poll:results` message (docs/PROTOCOL.md): `total` and `sites` (per site key),
    each with `voters` and the kind's figures; the chair's adds `pending` open answers. `complete` is false while
    a site-by-site reveal runs: the public then see only the sites shown so far (`sites`), with their total.
    """

    event: str
    title: str
    status: str
    mode: str
    poll: PollView
    #: The poll keeps its results off the screens until the chair reveals them.
    hide_results: bool
    public: bool
    complete: bool
    sites: list[SiteName]
    results: PollResults
    generated_at: datetime


class ReportEvent(BaseModel):
    """The event the report is of."""

    slug: str
    title: str
    date: str
    timezone: str
    status: str


class ReportSite(BaseModel):
    """A site of the event."""

    key: str
    name: str
    venue: str
    kind: str


class ReportSegment(BaseModel):
    """A segment's plan against what happened (times ISO 8601; null: not run)."""

    id: int
    position: int
    kind: str
    title: str
    origin: str | None
    site: str | None
    planned_start: str
    planned_minutes: int
    #: When it first went on, and when it went off the last time.
    actual_start: str | None
    actual_end: str | None
    #: Time on, summed over every time it was on (a segment gone back to counts twice).
    actual_seconds: int | None
    running: bool
    times_on: int
    #: actual_start minus planned_start (positive: late).
    drift_seconds: int | None
    #: actual_seconds minus the planned length (positive: longer than planned).
    overrun_seconds: int | None


class Attendance(BaseModel):
    """Who took part at a site, or in total.

    `joined`: participants who joined on a phone since the last rehearsal ended; `voted`: participants who answered
    at least one poll in the real run (the total counts a person once); `questions`: questions asked;
    `connected_now`: phones connected when the report was made (the peak is not recorded).
    """

    joined: int
    voted: int
    questions: int
    connected_now: int


class ReportAttendance(BaseModel):
    """Attendance per site key, and in total."""

    sites: dict[str, Attendance]
    total: Attendance
    peak_recorded: bool


class ReportPoll(BaseModel):
    """A poll with its real-run results: `results` has the shape of the `poll:results` message."""

    poll: PollView
    segment_id: int | None
    #: Opened at least once, or answered.
    asked: bool
    opened_at: str | None
    closed_at: str | None
    sites: list[SiteName]
    results: dict


class ReportLearnings(BaseModel):
    """A site's learnings, in order, and when it had its turn in the closing round."""

    site: str
    name: str
    closing_at: str | None
    items: list[str]


class ReportQuestion(BaseModel):
    """An answered question from the audience."""

    id: int
    site: str
    text: str
    upvotes: int
    asked_at: str | None
    answered_at: str | None


class HandoffStep(BaseModel):
    """One step of the magic wall, from the log: passed (from, to), caught, taken-back or reset (site)."""

    at: str
    action: str
    actor: str
    #: Set for `passed`.
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    #: Set for `caught`, `taken-back` and `reset`.
    site: str | None = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class HandoffPass(BaseModel):
    """One pass of the object: `outcome` caught, taken_back or reset; null while in flight."""

    passed_at: str
    from_: str | None = Field(alias="from")
    to: str | None
    caught_by: str | None
    caught_at: str | None
    outcome: str | None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ReportHandoffs(BaseModel):
    """The hand-off timeline: each pass, and every step."""

    passes: list[HandoffPass]
    steps: list[HandoffStep]


class ReportOut(BaseModel):
    """The report of the event (the white book), from the real run only (no rehearsal).

    `complete` is false while the event has not ended: the report is then partial. Times are ISO 8601.
    """

    format: str
    event: ReportEvent
    generated_at: str
    complete: bool
    rehearsal_on: bool
    started_at: str | None
    ended_at: str | None
    #: Participants and questions from before this moment (the end of the last rehearsal) are left out.
    real_since: str | None
    sites: list[ReportSite]
    programme: list[ReportSegment]
    attendance: ReportAttendance
    polls: list[ReportPoll]
    learnings: list[ReportLearnings]
    questions: list[ReportQuestion]
    handoffs: ReportHandoffs
