"""Who may call what: every HTTP route and every Socket.IO event, against six kinds of caller.

The live actions' roles come from their table (eventapp/controller/actions.py); the other routes are listed
here. docs/security.md shows this table (`markdown()`), and tests/test_authorization_matrix.py and
tests/test_live_actions.py call every entry as every kind of caller and hold the app to it.

The kinds, as the tests play them, about Enschede's things (its host panel, its polls, its cues):
anonymous (no link; on Socket.IO a phone connected with the site's code that has not joined), participant
(joined Enschede), screen (Enschede's), other host (Den Haag's host), host (Enschede's), chair.
"""

from dataclasses import dataclass

from eventapp.controller.actions import ACTIONS, Action
from eventapp.models import Role

CALLERS = ("anonymous", "participant", "screen", "other host", "host", "chair")
EVERYONE = frozenset(CALLERS)
CHAIR = frozenset({"chair"})
#: None of the six kinds: a route for a link of its own (the speaker view's).
NOBODY: frozenset[str] = frozenset()

#: Host actions that are about the host's own site whatever it names (a host signals for itself).
HOST_ACTS_FOR_ITSELF = {"host:status"}


@dataclass(frozen=True)
class Entry:
    """One way in: the HTTP route or Socket.IO event, and the kinds of caller it lets through."""

    channel: str  # "HTTP" or "Socket.IO"
    call: str  # "GET /e/<slug>/control", "poll:vote"
    allowed: frozenset[str]
    note: str = ""


#: Every HTTP route that is not a live action (those are in ACTIONS), with who may call it.
ROUTES: list[Entry] = [
    Entry("HTTP", "GET /", EVERYONE, "start page"),
    Entry("HTTP", "GET /join", EVERYONE, "type a code"),
    Entry("HTTP", "GET /j/<code>", EVERYONE, "the phone page of a site"),
    Entry("HTTP", "GET /e/<slug>/control", CHAIR),
    Entry("HTTP", "GET /e/<slug>/programme", CHAIR, "programme editor"),
    Entry("HTTP", "GET /e/<slug>/audience", CHAIR, "polls and Q&A"),
    Entry("HTTP", "GET /e/<slug>/links", CHAIR, "links and QR codes"),
    Entry("HTTP", "GET /e/<slug>/report", CHAIR),
    Entry("HTTP", "GET /e/<slug>/report/programme-template.yaml", CHAIR),
    Entry("HTTP", "GET /e/<slug>/host/<site_key>", frozenset({"host"}), "the site's own host only"),
    Entry("HTTP", "GET /e/<slug>/screen/<site_key>", frozenset({"screen"}), "the site's own screen only"),
    Entry("HTTP", "GET /e/<slug>/speaker/<site_key>", NOBODY, "the site's own speaker link only"),
    Entry("HTTP", "POST /e/<slug>/control", CHAIR, "a link's token for the pages' cookie (the loader)"),
    Entry("HTTP", "POST /e/<slug>/programme", CHAIR, "the same"),
    Entry("HTTP", "POST /e/<slug>/audience", CHAIR, "the same"),
    Entry("HTTP", "POST /e/<slug>/links", CHAIR, "the same"),
    Entry("HTTP", "POST /e/<slug>/report", CHAIR, "the same"),
    Entry("HTTP", "POST /e/<slug>/host/<site_key>", frozenset({"host"}), "the same, the site's own host only"),
    Entry("HTTP", "POST /e/<slug>/screen/<site_key>", frozenset({"screen"}), "the same, the site's own screen only"),
    Entry("HTTP", "POST /e/<slug>/speaker/<site_key>", NOBODY, "the same, the site's own speaker link only"),
    Entry("HTTP", "GET /e/<slug>/sites/<site_key>/join-qr.svg", EVERYONE, "the join code is public"),
    Entry("HTTP", "GET /e/<slug>/results/<poll_key>", EVERYONE, "once revealed; the chair before"),
    Entry("HTTP", "GET /e/<slug>/results/<poll_key>/qr.svg", EVERYONE),
    Entry("HTTP", "GET /api/v1/openapi.json", EVERYONE),
    Entry("HTTP", "GET /api/v1/doc/openapi.json", EVERYONE),
    Entry("HTTP", "POST /api/v1/join", EVERYONE, "rate limited per address"),
    Entry("HTTP", "GET /api/v1/events/<slug>/state", frozenset({"screen", "other host", "host", "chair"}),
          "a screen gets the public part"),
    Entry("HTTP", "GET /api/v1/events/<slug>/programme", CHAIR),
    Entry("HTTP", "POST /api/v1/events/<slug>/segments", CHAIR),
    Entry("HTTP", "PUT /api/v1/events/<slug>/segments/<int:segment_id>", CHAIR),
    Entry("HTTP", "POST /api/v1/events/<slug>/segments/<int:segment_id>/move", CHAIR),
    Entry("HTTP", "DELETE /api/v1/events/<slug>/segments/<int:segment_id>", CHAIR),
    Entry("HTTP", "PUT /api/v1/events/<slug>/segments/<int:segment_id>/object", CHAIR),
    Entry("HTTP", "POST /api/v1/events", CHAIR, "the chair of any event on this server"),
    Entry("HTTP", "PUT /api/v1/events/<slug>", CHAIR),
    Entry("HTTP", "POST /api/v1/events/<slug>/sites", CHAIR),
    Entry("HTTP", "PUT /api/v1/events/<slug>/sites/<site_key>", CHAIR),
    Entry("HTTP", "POST /api/v1/events/<slug>/sites/<site_key>/move", CHAIR),
    Entry("HTTP", "DELETE /api/v1/events/<slug>/sites/<site_key>", CHAIR),
    Entry("HTTP", "GET /api/v1/events/<slug>/links", CHAIR),
    Entry("HTTP", "POST /api/v1/events/<slug>/links/rotate", CHAIR),
    Entry("HTTP", "GET /api/v1/events/<slug>/polls/<poll_key>/results", EVERYONE, "once revealed; the chair before"),
    Entry("HTTP", "GET /api/v1/events/<slug>/polls/<poll_key>/results.csv", EVERYONE,
          "once revealed; the chair before"),
    Entry("HTTP", "GET /api/v1/events/<slug>/polls/<poll_key>/votes.csv", CHAIR, "names where given"),
    Entry("HTTP", "GET /api/v1/events/<slug>/report", CHAIR),
    Entry("HTTP", "GET /static/<path:filename>", EVERYONE),
    Entry("HTTP", "GET /vendor/<path:name>", EVERYONE, "front-end libraries"),
]

#: Socket.IO events that are not live actions: every connected client may send them.
SOCKET_EVENTS: list[Entry] = [
    Entry("Socket.IO", "connect", EVERYONE, "with a link's token, a participant token or a site's code"),
    Entry("Socket.IO", "clock:ping", EVERYONE),
    Entry("Socket.IO", "presence:heartbeat", EVERYONE),
    Entry("Socket.IO", "state:sync", EVERYONE, "a public snapshot, or the crew's for chair and hosts"),
]


def action_callers(action: Action) -> frozenset[str]:
    """The kinds of caller a live action lets through, from its roles."""
    kinds = {"chair"} if Role.CHAIR in action.roles else set()
    if Role.HOST in action.roles:
        kinds.add("host")
        if action.name in HOST_ACTS_FOR_ITSELF:
            kinds.add("other host")
    if Role.PARTICIPANT in action.roles:
        kinds.add("participant")
    return frozenset(kinds)


def action_route(action: Action) -> str:
    """The HTTP route of a live action."""
    return f"POST /api/v1/events/<slug>/{action.name.replace(':', '/')}"


def entries() -> list[Entry]:
    """The whole table: every Socket.IO event, every live action on HTTP, every other route."""
    table = list(SOCKET_EVENTS)
    table += [Entry("Socket.IO", action.name, action_callers(action), action.summary) for action in ACTIONS]
    table += [Entry("HTTP", action_route(action), action_callers(action), action.summary)
              for action in ACTIONS if action.changes_state]
    return table + ROUTES


def markdown() -> str:
    """The table as docs/security.md shows it."""
    lines = ["| channel | call | " + " | ".join(CALLERS) + " | note |",
             "|---|---|" + "---|" * len(CALLERS) + "---|"]
    for entry in entries():
        marks = " | ".join("yes" if kind in entry.allowed else "-" for kind in CALLERS)
        lines.append(f"| {entry.channel} | `{entry.call}` | {marks} | {entry.note} |")
    return "\n".join(lines) + "\n"
