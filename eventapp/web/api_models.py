"""Request and response bodies of the HTTP API (they are also its OpenAPI schema)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eventapp.models import Role
from eventapp.programme.schema import SegmentSpec
from eventapp.snapshot import PollView


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
    join: JoinLink


class Links(BaseModel):
    """Every link of an event (the shape of `flask links --json`)."""

    event: str
    chair: Link
    sites: dict[str, SiteLinks]


class RotateToken(Body):
    """Which link to replace."""

    role: Literal[Role.CHAIR, Role.HOST, Role.SCREEN]
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
    results: dict
    generated_at: datetime
