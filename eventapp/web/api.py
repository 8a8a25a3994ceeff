"""The HTTP JSON API under /api/v1: every panel action, for scripts and Stream Deck-style controllers.

Each endpoint identifies the caller by its bearer token, lets spectree validate the body, and calls one
controller function. The OpenAPI document is generated from these declarations (/api/v1/openapi.json).
"""

import json

from flask import Blueprint, jsonify, request
from flask import Response as FlaskResponse
from flask_babel import gettext as _
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from eventapp.access import identify, identify_any, participant_token
from eventapp.controller import access as access_actions
from eventapp.controller import audience
from eventapp.controller import programme as programme_actions
from eventapp.controller.actions import ACTIONS, Action, NoPayload, perform
from eventapp.errors import Forbidden, TooMany
from eventapp.exports import is_public, poll_by_key, results_csv, results_document, votes_csv
from eventapp.extensions import db
from eventapp.links import event_links
from eventapp.lookup import event_by_slug, site_by_join_code_from_address
from eventapp.models import LiveState, Role
from eventapp.models.base import MAX_ID
from eventapp.programme.schema import SiteSpec
from eventapp.programme.store import export_programme, segment_spec
from eventapp.ratelimit import address_allowed
from eventapp.report import build_report
from eventapp.views.state import Snapshot, crew_snapshot, host_snapshot, public_snapshot
from eventapp.web.api_models import (
    ActionDone,
    Error,
    EventCreated,
    HandoffObject,
    Joined,
    JoinIn,
    Links,
    MoveSegment,
    MoveSite,
    NewEvent,
    NewSegment,
    NewSite,
    Ok,
    PollResultsOut,
    ProgrammeOut,
    ReportOut,
    RotateToken,
    SegmentOut,
    SiteOut,
    UpdateEvent,
    UpdateSegment,
    UpdateSite,
)
from eventapp.web.auth import api_caller, bearer_token


def _validation_reply(req, resp, error, instance, adapter):
    """spectree's refusal of an invalid body, reshaped into the API's one error form.

    The reasons are worded as the programme file's reader words them (eventapp/programme/yamlfile.py), so the
    editor and the file import say the same thing about the same mistake.
    """
    if error is not None:
        details = []
        for item in error.errors():
            path = tuple(item["loc"])
            located = getattr(item.get("ctx", {}).get("error"), "problems", None)  # schema.LocatedProblems
            if located:
                found = [(path + tuple(where), reason) for where, reason in located]
            elif item["type"] == "extra_forbidden":
                found = [(path, f"unknown field '{path[-1]}'")]
            else:
                found = [(path, item["msg"].removeprefix("Value error, "))]
            details += [{"path": ".".join(str(p) for p in where), "reason": reason} for where, reason in found]
        resp.set_data(json.dumps({"error": _("the request is not valid"), "details": details}))


class OnceSpecTree(SpecTree):
    """spectree builds a model's JSON schema again at every endpoint that names it (the error models: at each of
    fifty); building each once saves about 0.3 s of CPU at the server's start, which reconnecting phones wait for
    (docs/performance.md, 3)."""

    def _add_model(self, model, mode="validation"):
        added = self.__dict__.setdefault("_added_models", {})
        if (model, mode) not in added:
            added[(model, mode)] = super()._add_model(model, mode)
        return added[(model, mode)]


spec = OnceSpecTree(
    "flask", title="Event orchestration API", version="1", path="api/v1/doc", filename="openapi.json",
    page_templates={}, mode="strict", validation_error_status=400, before=_validation_reply,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))],
    security={"bearer": []},
)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: 503: SQLite's write lock was not had within the busy timeout (eventapp/sqlite.py); nothing was done.
ERRORS = {"HTTP_400": Error, "HTTP_403": Error, "HTTP_404": Error, "HTTP_503": Error}


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI document of this API, generated from the routes below."""
    return jsonify(spec.spec)


@bp.get("/events/<slug>/state")
@spec.validate(resp=Response(HTTP_200=Snapshot, **ERRORS), tags=["state"])
def get_state(slug: str):
    """The snapshot of the event's live state: a screen token gets the public part, the chair all of it, a host
    the crew's with only its own site's crew-only parts."""
    event = event_by_slug(slug)
    caller = api_caller(event, (Role.CHAIR, Role.HOST, Role.SCREEN))
    if caller.role == Role.SCREEN:
        return public_snapshot(event)
    if caller.role == Role.HOST:
        return host_snapshot(crew_snapshot(event), caller.site.key)
    return crew_snapshot(event)


def _add_action_route(action: Action) -> None:
    """One POST endpoint per live action: /events/SLUG/NOUN/VERB, with the action's payload as JSON body."""
    takes_payload = action.payload is not NoPayload

    def view(slug: str):
        caller = api_caller(event_by_slug(slug), action.roles)
        data = request.context.json if takes_payload else (request.get_json(silent=True) or {})
        return ActionDone(**perform(action, caller, data))

    view.__name__ = "action_" + action.name.replace(":", "_").replace("-", "_")
    view.__doc__ = f"{action.summary} ({' or '.join(role.value for role in action.roles)})."
    validated = spec.validate(json=action.payload if takes_payload else None,
                              resp=Response(HTTP_200=ActionDone, HTTP_409=Error, **ERRORS), tags=["live"])(view)
    bp.add_url_rule(f"/events/<slug>/{action.name.replace(':', '/')}", endpoint=view.__name__,
                    view_func=validated, methods=["POST"])


for _action in ACTIONS:
    if _action.changes_state:  # the panels' actions; phones vote and ask over their socket
        _add_action_route(_action)


@bp.post("/join")
@spec.validate(json=JoinIn,
               resp=Response(HTTP_201=Joined, HTTP_400=Error, HTTP_404=Error, HTTP_409=Error, HTTP_429=Error),
               tags=["audience"], security={})
def join(json: JoinIn):
    """Join a site with its code (no account): the reply's token identifies the participant from now on."""
    site = site_by_join_code_from_address(json.code)
    if not address_allowed("join"):
        raise TooMany(_("too many joins from this address; wait a minute"))
    participant = audience.join(site, json.name)
    return Joined(token=participant_token(participant), participant=participant.public_id, name=participant.name,
                  event=site.event.slug, site=site.key, site_name=site.name), 201


@bp.get("/events/<slug>/programme")
@spec.validate(resp=Response(HTTP_200=ProgrammeOut, **ERRORS), tags=["programme"])
def get_programme(slug: str):
    """The programme, in the programme file's form, with the ids of its segments (chair)."""
    event = event_by_slug(slug)
    api_caller(event, (Role.CHAIR,))
    return _programme_out(event)


@bp.post("/events/<slug>/segments")
@spec.validate(json=NewSegment, resp=Response(HTTP_201=SegmentOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def add_segment(slug: str, json: NewSegment):
    """Insert a segment (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    segment = programme_actions.add_segment(caller, json.segment, json.position)
    return _segment_out(segment), 201


@bp.put(f"/events/<slug>/segments/<int(max={MAX_ID}):segment_id>")
@spec.validate(json=UpdateSegment, resp=Response(HTTP_200=SegmentOut, HTTP_409=Error, **ERRORS),
               tags=["programme"])
def update_segment(slug: str, segment_id: int, json: UpdateSegment):
    """Replace a segment's content (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    return _segment_out(programme_actions.update_segment(caller, segment_id, json.segment))


@bp.post(f"/events/<slug>/segments/<int(max={MAX_ID}):segment_id>/move")
@spec.validate(json=MoveSegment, resp=Response(HTTP_200=SegmentOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def move_segment(slug: str, segment_id: int, json: MoveSegment):
    """Move a segment to another position (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    return _segment_out(programme_actions.move_segment(caller, segment_id, json.position))


@bp.delete(f"/events/<slug>/segments/<int(max={MAX_ID}):segment_id>")
@spec.validate(resp=Response(HTTP_200=Ok, HTTP_409=Error, **ERRORS), tags=["programme"])
def delete_segment(slug: str, segment_id: int):
    """Delete a segment (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    programme_actions.delete_segment(caller, segment_id)
    return Ok()


@bp.put(f"/events/<slug>/segments/<int(max={MAX_ID}):segment_id>/object")
@spec.validate(json=HandoffObject, resp=Response(HTTP_200=SegmentOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def set_handoff_object(slug: str, segment_id: int, json: HandoffObject):
    """Set the object a hand-off segment passes on the magic wall, and its image (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    return _segment_out(programme_actions.set_handoff_object(caller, segment_id, json.object))


@bp.post("/events")
@spec.validate(json=NewEvent, resp=Response(HTTP_201=EventCreated, HTTP_409=Error, **ERRORS), tags=["programme"])
def create_event(json: NewEvent):
    """Make a new event from a whole programme, with its own links and join codes (the chair of any event on this
    server, as `flask programme import` does)."""
    caller = identify_any(bearer_token())
    if caller is None or caller.role != Role.CHAIR:
        raise Forbidden(_("Only the chair of an event on this server may make a new event: send a chair's token."))
    event = programme_actions.create_event(caller, json.programme)
    return EventCreated(event=event.slug, links=Links(**event_links(event))), 201


@bp.put("/events/<slug>")
@spec.validate(json=UpdateEvent, resp=Response(HTTP_200=ProgrammeOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def update_event(slug: str, json: UpdateEvent):
    """Change the event's title, date, time zone, language and notes; the slug cannot change (chair)."""
    event = event_by_slug(slug)
    programme_actions.update_event(api_caller(event, (Role.CHAIR,)), json.event)
    return _programme_out(event)


@bp.post("/events/<slug>/sites")
@spec.validate(json=NewSite, resp=Response(HTTP_201=SiteOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def add_site(slug: str, json: NewSite):
    """Add a site, with its join code and its host and screen links (GET /links) (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    return _site_out(programme_actions.add_site(caller, json.site, json.position)), 201


SITE_KEY = "<site_key>"


@bp.put(f"/events/<slug>/sites/{SITE_KEY}")
@spec.validate(json=UpdateSite, resp=Response(HTTP_200=SiteOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def update_site(slug: str, site_key: str, json: UpdateSite):
    """Change a site's name, venue and kind; its key cannot change (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    return _site_out(programme_actions.update_site(caller, site_key, json.site))


@bp.post(f"/events/<slug>/sites/{SITE_KEY}/move")
@spec.validate(json=MoveSite, resp=Response(HTTP_200=SiteOut, HTTP_409=Error, **ERRORS), tags=["programme"])
def move_site(slug: str, site_key: str, json: MoveSite):
    """Move a site to another place in the panels' order (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    return _site_out(programme_actions.move_site(caller, site_key, json.position))


@bp.delete(f"/events/<slug>/sites/{SITE_KEY}")
@spec.validate(resp=Response(HTTP_200=Ok, HTTP_409=Error, **ERRORS), tags=["programme"])
def delete_site(slug: str, site_key: str):
    """Delete a site that no segment names, while the event is not running and nobody joined there (chair)."""
    caller = api_caller(event_by_slug(slug), (Role.CHAIR,))
    programme_actions.delete_site(caller, site_key)
    return Ok()


@bp.get("/events/<slug>/links")
@spec.validate(resp=Response(HTTP_200=Links, **ERRORS), tags=["access"])
def get_links(slug: str):
    """Every access link of the event (chair)."""
    event = event_by_slug(slug)
    api_caller(event, (Role.CHAIR,))
    return Links(**event_links(event))


@bp.post("/events/<slug>/links/rotate")
@spec.validate(json=RotateToken, resp=Response(HTTP_200=Links, **ERRORS), tags=["access"])
def rotate_link(slug: str, json: RotateToken):
    """Replace one link with a new one; the old one stops working at once (chair)."""
    event = event_by_slug(slug)
    caller = api_caller(event, (Role.CHAIR,))
    access_actions.rotate_token(caller, json.role, json.site)
    return Links(**event_links(event))


#: Results are public once revealed: no token needed then, the chair's bearer token always works.
PUBLIC_OR_CHAIR = [{}, {"bearer": []}]


@bp.get("/events/<slug>/polls/<poll_key>/results")
@spec.validate(resp=Response(HTTP_200=PollResultsOut, **ERRORS), tags=["results"], security=PUBLIC_OR_CHAIR)
def get_poll_results(slug: str, poll_key: str):
    """A poll's results in total and per site (the public once revealed; the chair always, with pending answers)."""
    event, poll, crew = _results_reader(slug, poll_key)
    return results_document(event, poll, crew)  # validated against PollResultsOut, sent with the kind's fields only


@bp.get("/events/<slug>/polls/<poll_key>/results.csv")
@spec.validate(resp=Response(HTTP_200=(None, "CSV (text/csv): one row per option, value, choice or word, for the "
                                              "total (site `total`) and per site, with the number of voters"),
                             **ERRORS), tags=["results"], security=PUBLIC_OR_CHAIR)
def get_poll_results_csv(slug: str, poll_key: str):
    """A poll's results as CSV, total and per site (the public once revealed; the chair always)."""
    event, poll, crew = _results_reader(slug, poll_key)
    return _csv(results_csv(event, poll, crew), f"{event.slug}-{poll.key}-results.csv")


@bp.get("/events/<slug>/polls/<poll_key>/votes.csv")
@spec.validate(resp=Response(HTTP_200=(None, "CSV (text/csv): one row per vote of the current run: its site, the "
                                              "answer in words, when; a name only where the participant gave one"),
                             **ERRORS), tags=["results"])
def get_poll_votes_csv(slug: str, poll_key: str):
    """Every vote on a poll as CSV (chair)."""
    event = event_by_slug(slug)
    poll = poll_by_key(event, poll_key)
    api_caller(event, (Role.CHAIR,))
    return _csv(votes_csv(event, poll), f"{event.slug}-{poll.key}-votes.csv")


@bp.get("/events/<slug>/report")
@spec.validate(resp=Response(HTTP_200=ReportOut, **ERRORS), tags=["results"])
def get_report(slug: str):
    """The report of the event (the white book): programme as run, attendance, polls, learnings, answered
    questions and hand-offs, from the real run only; partial (`complete` false) until the event has ended (chair)."""
    event = event_by_slug(slug)
    api_caller(event, (Role.CHAIR,))
    return ReportOut.model_validate(build_report(event))


def _results_reader(slug: str, poll_key: str):
    """The event, the poll and whether the caller is the chair (who reads them at any time, with what is still
    pending); anyone else, whatever token they bring, reads the results once they are public."""
    event = event_by_slug(slug)
    poll = poll_by_key(event, poll_key)
    caller = identify(event, bearer_token())
    if caller is not None and caller.role == Role.CHAIR:
        return event, poll, True
    if not is_public(poll):
        raise Forbidden(_("The results of poll '%(key)s' are not public yet: they are once the chair reveals them.",
                          key=poll.key))
    return event, poll, False


def _csv(text: str, filename: str) -> FlaskResponse:
    return FlaskResponse(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _programme_out(event) -> ProgrammeOut:
    programme = export_programme(event)
    return ProgrammeOut(
        version=db.session.get(LiveState, event.id).version,
        programme=programme.model_dump(mode="json", exclude={"segments"}),
        segments=[_segment_out(segment) for segment in event.segments],
    )


def _site_out(site) -> SiteOut:
    return SiteOut(position=site.position, join_code=site.join_code,
                   site=SiteSpec(key=site.key, name=site.name, venue=site.venue, kind=site.kind))


def _segment_out(segment) -> SegmentOut:
    return SegmentOut(id=segment.id, position=segment.position, segment=segment_spec(segment))
