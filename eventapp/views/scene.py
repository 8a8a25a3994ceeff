"""The scene rule: what one site's screen and phones show at this moment, and which thing wins.

Written once, here, and as a table in docs/PROTOCOL.md ("The scene rule"); the two must say the same. The first
row that applies wins:

| # | when | the site shows |
|---|---|---|
| 1 | the event has ended | `ended` |
| 2 | the site's holding scene is on (welcome, break) | `holding` |
| 3 | the closing round is on and the sites are not split | `closing_round` (never covered by a poll or question) |
| 4 | the magic wall is on and the sites are not split | `magic_wall` (never covered by a poll or question) |
| 5 | the chair features a question | `question` |
| 6 | a poll is on the site's screen | `poll` |
| 7 | the sites are split and this site has its own part | `own_part` |
| 8 | the sites are split and this site has no part | `other_part` |
| 9 | a segment is on | `segment` (central, live switch, video, poll segment, break) |
| 10 | otherwise (before the start) | `welcome` |

Over whatever is shown: the chair's `message` bar, and who is on air (`air`: this site is `on_air`, or another
one is and this site shows `live_from` it), while a segment is on and the sites are not split. During a
site-by-site reveal of the poll shown, the site whose results came last is the one on air.

The phones ask for a vote only while the site shows an open poll (`vote`). Moving to another segment takes the
polls, the featured question and the holding scenes off the screens unless the chair pinned them
(eventapp/controller/live.py). What is set but not shown is listed in `covered` for the crew.
"""

import enum

from pydantic import BaseModel


class Show(enum.StrEnum):
    """What fills a site's screen (rows of the table above)."""

    ENDED = "ended"
    HOLDING = "holding"
    CLOSING_ROUND = "closing_round"
    MAGIC_WALL = "magic_wall"
    QUESTION = "question"
    POLL = "poll"
    OWN_PART = "own_part"
    OTHER_PART = "other_part"
    SEGMENT = "segment"
    WELCOME = "welcome"


class Air(enum.StrEnum):
    """The on-air badge over the scene."""

    ON_AIR = "on_air"
    LIVE_FROM = "live_from"


class SceneFacts(BaseModel):
    """What the rule decides from, for one site (gathered by eventapp/views/state.py)."""

    status: str
    #: The kind of the segment on now; None before the start or between segments.
    segment_kind: str | None
    split: bool
    on_air: str | None
    site: str
    holding: bool
    has_own_part: bool
    featured_question: bool
    #: The key, state and reveal step of the poll on the site's screen, if any.
    poll_key: str | None = None
    poll_state: str | None = None
    reveal_site: str | None = None


class SceneView(BaseModel):
    """What a site's screen and phones show now, as the scene rule decides it."""

    show: Show
    #: The on-air badge and the site it names; None: no badge.
    air: Air | None = None
    air_site: str | None = None
    #: The phones ask for a vote: an open poll is shown.
    vote: bool = False
    #: Set for this site but not shown now, for the crew: "poll", "question", "holding".
    covered: list[str] = []


def decide(facts: SceneFacts) -> SceneView:
    """The scene rule (the table in this module's docstring): the first row that applies wins."""
    kind = facts.segment_kind
    together = kind is not None and not facts.split
    candidates = [
        (facts.status == "ended", Show.ENDED),
        (facts.holding, Show.HOLDING),
        (together and kind == "closing_round", Show.CLOSING_ROUND),
        (together and kind == "handoff", Show.MAGIC_WALL),
        (facts.featured_question, Show.QUESTION),
        (facts.poll_key is not None, Show.POLL),
        (kind is not None and facts.split and facts.has_own_part, Show.OWN_PART),
        (kind is not None and facts.split, Show.OTHER_PART),
        (kind is not None, Show.SEGMENT),
        (True, Show.WELCOME),
    ]
    show = next(shown for applies, shown in candidates if applies)
    view = SceneView(show=show, vote=show == Show.POLL and facts.poll_state == "open")
    view.covered = [name for name, is_set, shown in (("holding", facts.holding, Show.HOLDING),
                                                     ("question", facts.featured_question, Show.QUESTION),
                                                     ("poll", facts.poll_key is not None, Show.POLL))
                    if is_set and show != shown]
    air_site = facts.reveal_site if show == Show.POLL and facts.reveal_site else facts.on_air
    if together and facts.status == "live" and air_site and show not in (Show.ENDED, Show.HOLDING):
        view.air = Air.ON_AIR if air_site == facts.site else Air.LIVE_FROM
        view.air_site = air_site
    return view
