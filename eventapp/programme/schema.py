"""The schema of a programme (docs/programme-format.md): one place for every rule a programme obeys.

The file importer, the export and the chair's programme editor all validate through these models.
"""

import re
from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_serializer,
    field_validator,
    model_validator,
)

from eventapp.models import PartFormat, PollKind, SegmentKind, SiteKind
from eventapp.poll_kinds import definition_problems

FORMAT = "eventapp-programme/1"

KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _key_rule(example: str) -> BeforeValidator:
    """Say in words what a key or slug may contain (the pattern alone tells a chair nothing)."""

    def check(value):
        if isinstance(value, str) and not re.match(KEY_PATTERN, value):
            raise ValueError(f"use lowercase letters, digits and single hyphens, such as '{example}', "
                             f"not {value!r}")
        return value

    return BeforeValidator(check)


Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=40), _key_rule("den-haag")]
Slug = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=80), _key_rule("pow-2021-11-01")]


class LocatedProblems(ValueError):  # noqa: N818  (pydantic turns ValueErrors into validation errors)
    """Problems found by a model's own validator, each at a path relative to that model.

    Pydantic keeps the exception in the error's context, so the file reader can name each problem's line.
    """

    def __init__(self, problems: list[tuple[tuple, str]]):
        self.problems = problems
        super().__init__("; ".join(reason for _, reason in problems))
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500,
                                       pattern=r"^(https?://|/)\S+$")]


class Spec(BaseModel):
    """Base of every part of a programme: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class EventSpec(Spec):
    """The event itself."""

    slug: Slug
    title: Title
    date: date
    timezone: str = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"
    notes: Notes = ""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Amsterdam)")
        return value


class SiteSpec(Spec):
    """A site of the event."""

    key: Key
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    venue: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    kind: SiteKind = SiteKind.PHYSICAL


class OptionSpec(Spec):
    """An answer option; written as a plain string unless it is a quiz's correct answer."""

    label: Title
    correct: bool = False


class ScaleSpec(Spec):
    """The range of a scale poll, with optional labels for its ends."""

    min: int = Field(ge=0, le=10)
    max: int = Field(ge=1, le=10)
    min_label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    max_label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""

    @model_validator(mode="after")
    def _ordered(self):
        if self.min >= self.max:
            raise ValueError(f"scale min ({self.min}) must be below max ({self.max})")
        return self


class PollSpec(Spec):
    """A poll, to the whole event (in a segment) or to one site (in a regional part)."""

    key: Key
    kind: PollKind
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    options: list[OptionSpec] = []
    scale: ScaleSpec | None = None
    #: Results stay off the screens and phones until the chair reveals them; false: live from the moment it opens.
    hide_results: bool = True
    #: The time to answer in seconds (a quiz question's, mostly): the poll closes by itself when it is up; none:
    #: open until the crew closes it.
    answer_seconds: int | None = None

    @field_validator("options", mode="before")
    @classmethod
    def _plain_string_options(cls, value):
        if isinstance(value, list):
            return [{"label": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _kind_rules(self):
        problems = definition_problems(self.kind, [o.label for o in self.options],
                                       [o.correct for o in self.options], self.scale is not None,
                                       self.answer_seconds)
        if problems:
            raise ValueError("; ".join(problems))
        return self


class LoosePollSpec(PollSpec):
    """A poll made during the event outside the run sheet: for the whole event, or for one `site`."""

    site: Key | None = None


class HandoffObjectSpec(Spec):
    """The object passed on the magic wall."""

    title: Title
    image: Url | None = None


class PartSpec(Spec):
    """One site's part of a regional segment."""

    site: Key
    format: PartFormat
    title: Title
    items: list[Title] = []
    polls: list[PollSpec] = []
    notes: Notes = ""


#: The fields each segment kind may use besides kind, title, start, duration and notes.
KIND_FIELDS: dict[SegmentKind, set[str]] = {
    SegmentKind.CENTRAL: {"origin"},
    SegmentKind.REGIONAL: {"parts"},
    SegmentKind.LIVE: {"site"},
    SegmentKind.VIDEO: {"origin", "video"},
    SegmentKind.POLL: {"origin", "polls"},
    SegmentKind.CLOSING_ROUND: {"origin", "order"},
    SegmentKind.HANDOFF: {"origin", "order", "object"},
    SegmentKind.BREAK: set(),
}
#: Fields a kind must have.
KIND_REQUIRED: dict[SegmentKind, set[str]] = {
    SegmentKind.REGIONAL: {"parts"},
    SegmentKind.LIVE: {"site"},
    SegmentKind.POLL: {"polls"},
    SegmentKind.HANDOFF: {"order", "object"},
}
OPTIONAL_FIELDS = ("origin", "site", "video", "order", "object", "polls", "parts")


class SegmentSpec(Spec):
    """One segment of the run sheet."""

    kind: SegmentKind
    title: Title
    #: Planned local start ("HH:MM"); left out, the segment follows the previous one.
    start: time | None = None
    #: Planned length in minutes.
    duration: int = Field(ge=1, le=24 * 60)
    notes: Notes = ""
    origin: Key | None = None
    site: Key | None = None
    video: Url | None = None
    order: list[Key] = []
    object: HandoffObjectSpec | None = None
    polls: list[PollSpec] = []
    parts: list[PartSpec] = []

    @field_validator("start", mode="before")
    @classmethod
    def _hours_and_minutes(cls, value):
        if isinstance(value, str):
            if not _is_hh_mm(value):
                raise ValueError(f"start must be a time as HH:MM, not {value!r}")
            return value.zfill(5)  # 9:05 -> 09:05, the form pydantic reads
        return value

    @field_serializer("start", when_used="json")
    def _start_as_hh_mm(self, value: time | None) -> str | None:
        """Written as it is read (HH:MM), so that what the API returns can be sent back unchanged."""
        return value.strftime("%H:%M") if value is not None else None

    @model_validator(mode="after")
    def _fields_fit_the_kind(self):
        allowed, required = KIND_FIELDS[self.kind], KIND_REQUIRED.get(self.kind, set())
        for name in OPTIONAL_FIELDS:
            present = bool(getattr(self, name))
            if present and name not in allowed:
                raise LocatedProblems([((name,), f"a {self.kind} segment has no '{name}'")])
            if not present and name in required:
                raise LocatedProblems([((), f"a {self.kind} segment needs '{name}'")])
        if self.kind == SegmentKind.HANDOFF and len(self.order) < 2:
            raise LocatedProblems([(("order",), "a hand-off needs at least two sites in 'order'")])
        if len(set(self.order)) != len(self.order):
            raise LocatedProblems([(("order",), "'order' names a site twice")])
        if len({p.site for p in self.parts}) != len(self.parts):
            raise LocatedProblems([(("parts",), "a regional segment has one part per site")])
        return self


class Programme(Spec):
    """A whole programme file."""

    format: Literal["eventapp-programme/1"]
    event: EventSpec
    sites: list[SiteSpec] = Field(min_length=1, max_length=50)
    segments: list[SegmentSpec] = Field(max_length=500)
    #: Polls that belong to no segment (made live, during the event), so that an export keeps them.
    polls: list[LoosePollSpec] = Field(default=[], max_length=500)

    @model_validator(mode="after")
    def _consistent(self):
        keys = [s.key for s in self.sites]
        if len(set(keys)) != len(keys):
            second = next(i for i, key in enumerate(keys) if key in keys[:i])
            raise LocatedProblems([(("sites", second, "key"), f"two sites have the same key '{keys[second]}'")])
        problems: list[tuple[tuple, str]] = []
        poll_keys: set[str] = set()
        previous_start: time | None = None
        for index, segment in enumerate(self.segments):
            where = f"segment {index + 1} ({segment.title!r})"
            named = [(("origin",), segment.origin), (("site",), segment.site)]
            named += [(("order", i), key) for i, key in enumerate(segment.order)]
            named += [(("parts", i, "site"), part.site) for i, part in enumerate(segment.parts)]
            problems += [(("segments", index, *path), f"{where}: unknown site '{key}'")
                         for path, key in named if key and key not in keys]
            polls = [(("polls", i), poll) for i, poll in enumerate(segment.polls)]
            polls += [(("parts", p, "polls", i), poll) for p, part in enumerate(segment.parts)
                      for i, poll in enumerate(part.polls)]
            poll_keys |= _duplicate_keys(polls, poll_keys, ("segments", index), where, problems)
            if index == 0 and segment.start is None:
                problems.append((("segments", index), f"{where}: the first segment needs a start time"))
            if segment.start is not None:
                if previous_start is not None and segment.start < previous_start:
                    problems.append((("segments", index, "start"), f"{where}: starts at {segment.start:%H:%M}, "
                                     f"before the segment above it ({previous_start:%H:%M})"))
                previous_start = segment.start
        loose = [((i,), poll) for i, poll in enumerate(self.polls)]
        problems += [(("polls", i, "site"), f"poll '{poll.key}': unknown site '{poll.site}'")
                     for (i,), poll in loose if poll.site and poll.site not in keys]
        _duplicate_keys(loose, poll_keys, ("polls",), "polls", problems)
        if problems:
            raise LocatedProblems(problems)
        return self


def _duplicate_keys(polls: list[tuple[tuple, PollSpec]], seen: set[str], at: tuple, where: str,
                    problems: list[tuple[tuple, str]]) -> set[str]:
    """Note each poll whose key is in `seen` or earlier in `polls`; returns the keys of `polls`."""
    keys: set[str] = set()
    for path, poll in polls:
        if poll.key in seen or poll.key in keys:
            problems.append(((*at, *path, "key"), f"{where}: poll key '{poll.key}' is used twice"))
        keys.add(poll.key)
    return keys


def _is_hh_mm(value: str) -> bool:
    hours, _, minutes = value.partition(":")
    return (len(hours) in (1, 2) and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()
            and int(hours) < 24 and int(minutes) < 60)
