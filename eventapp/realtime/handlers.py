"""Socket.IO handlers: connect (who is it, which rooms), presence, the clock, resync, and every live action.

Handlers are thin: identify the caller from its connection, hand the payload to the controller, reply with an
acknowledgement: {"ok": true, "version": N} or {"ok": false, "error": "...", "details": [...]}.
"""

import logging
import time

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import delete

from eventapp.access import Caller, identify_any, identify_participant
from eventapp.controller.actions import ACTIONS, Action, perform
from eventapp.errors import AppError
from eventapp.extensions import db, socketio
from eventapp.lookup import site_by_join_code
from eventapp.models import Event, LiveState, Participant, Presence, Role, Site
from eventapp.models.base import utcnow
from eventapp.ratelimit import address_allowed
from eventapp.realtime import publish
from eventapp.realtime.rooms import audience_room, crew_room, role_room, site_room
from eventapp.results import my_votes, question_list
from eventapp.snapshot import crew_snapshot, public_snapshot

log = logging.getLogger(__name__)
CREW_ROLES = (Role.CHAIR.value, Role.HOST.value)
#: Presence updates to the crew are sent at most this often per event (a thousand phones joining is one update).
PRESENCE_INTERVAL = 1.0
_presence_pending: set[int] = set()
_registered = False


def register() -> None:
    """Attach every handler to the Socket.IO server (once per process; create_app may run more often)."""
    global _registered
    if _registered:
        return
    _registered = True
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    socketio.on_event("clock:ping", on_clock_ping)
    socketio.on_event("presence:heartbeat", on_heartbeat)
    socketio.on_event("state:sync", on_state_sync)
    for action in ACTIONS:
        socketio.on_event(action.name, _action_handler(action))
    socketio.on_event("*", on_unknown_event)
    socketio.on_error_default(on_error)


def on_connect(auth=None, *extra):
    """Accept a chair, host or screen by its token, or a phone by its site's join code; refuse anyone else."""
    if _sent_as_an_event():
        return {"ok": False, "error": _("connected already")}
    try:
        role, event, site, participant = _authenticate(auth)
    except (AppError, TypeError, ValueError) as error:
        db.session.rollback()
        # Our own refusals say what is wrong (a ValueError's text is written for people); anything else does not.
        reason = getattr(error, "message", None) or (str(error) if isinstance(error, ValueError) else "invalid auth")
        raise ConnectionRefusedError(reason) from None
    rooms = [site_room(event.id, site.key) if site else None, role_room(event.id, role),
             crew_room(event.id) if role in CREW_ROLES else audience_room(event.id)]
    for room in filter(None, rooms):
        join_room(room)
    db.session.merge(Presence(sid=request.sid, event_id=event.id, site_id=site.id if site else None, role=role,
                              participant_id=participant.id if participant else None,
                              connected_at=utcnow(), last_seen=utcnow()))
    db.session.commit()
    crew = role in CREW_ROLES
    snapshot = crew_snapshot(event) if crew else public_snapshot(event)
    socketio.emit("state:changed", snapshot.model_dump(mode="json"), to=request.sid)
    for results in publish.results_on_screens(event, crew=crew):
        socketio.emit("poll:results", results, to=request.sid)
    socketio.emit("questions:changed", {"questions": question_list(event, approved_only=not crew)}, to=request.sid)
    if role == Role.SCREEN.value:
        publish.poll_voters(event, to=request.sid)
    if participant is not None:
        socketio.emit("participant:votes", {"votes": my_votes(participant)}, to=request.sid)
    _schedule_presence(event.id)


def on_disconnect(reason=None, *extra):
    """Forget the connection's presence."""
    if _sent_as_an_event():
        return {"ok": False, "error": _("to disconnect, close the connection")}
    presence = db.session.get(Presence, request.sid)
    if presence is not None:
        event_id = presence.event_id
        db.session.execute(delete(Presence).where(Presence.sid == request.sid))
        db.session.commit()
        _schedule_presence(event_id)


def on_clock_ping(data=None, *extra):
    """The server's clock, so that clients can estimate their offset and all countdowns agree."""
    return {"server_time": time.time() * 1000}


def on_heartbeat(data=None, *extra):
    """A panel or screen is still there; the chair sees its last heartbeat."""
    presence = db.session.get(Presence, request.sid)
    if presence is None:
        return {"ok": False, "error": _("not connected to an event")}
    presence.last_seen = utcnow()
    event_id, is_screen = presence.event_id, presence.role == Role.SCREEN.value
    db.session.commit()
    if is_screen:  # the chair shows each screen's last heartbeat; phones' heartbeats change nothing it shows
        _schedule_presence(event_id)
    return {"ok": True, "server_time": time.time() * 1000}


def on_state_sync(data=None, *extra):
    """A client that reconnected or saw a gap asks for the state; it gets a snapshot when it is behind."""
    presence = db.session.get(Presence, request.sid)
    if presence is None:
        return {"ok": False, "error": _("not connected to an event")}
    known = data.get("version") if isinstance(data, dict) else None
    live = db.session.get(LiveState, presence.event_id)
    if isinstance(known, int) and known == live.version:
        return {"ok": True, "version": live.version}
    event = db.session.get(Event, presence.event_id)
    snapshot = crew_snapshot(event) if presence.role in CREW_ROLES else public_snapshot(event)
    return {"ok": True, "version": live.version, "snapshot": snapshot.model_dump(mode="json")}


def on_unknown_event(event_name, *args):
    """An event this server does not know gets a clear refusal instead of silence."""
    return {"ok": False, "error": f"unknown event '{str(event_name)[:60]}'"}


def on_error(error):
    """An unexpected failure in a handler: roll back, log, and tell the client without details."""
    db.session.rollback()
    log.exception("socket handler failed", exc_info=error)
    return {"ok": False, "error": _("internal error")}


def _action_handler(action: Action):
    def handle(data=None, *extra):
        if extra:  # a client that sent more than one argument: say so rather than guess which one counts
            return {"ok": False, "error": _("send one payload (an object) with the event, not %(count)s",
                                            count=1 + len(extra))}
        caller = _caller()
        if caller is None:
            presence = db.session.get(Presence, request.sid)
            if presence is not None:  # a phone that connected with the site's code only
                return {"ok": False, "error": _("join the event first to take part")}
            return {"ok": False, "error": _("not connected to an event")}
        try:
            reply = perform(action, caller, data)
        except AppError as error:
            return {"ok": False, "error": error.message, "details": error.details}
        return {"ok": True, **reply}

    handle.__name__ = "on_" + action.name.replace(":", "_").replace("-", "_")
    handle.__doc__ = action.summary
    return handle


def _sent_as_an_event() -> bool:
    """Whether a connected client sent 'connect' or 'disconnect' as an ordinary event (python-socketio passes it
    to the same handler): during a real connect or disconnect the session is pending, not connected."""
    return socketio.server.manager.is_connected(request.sid, request.namespace or "/")


def _caller() -> Caller | None:
    """The caller of this connection, from its presence row (shared by every worker).

    A phone that has not joined (it connected with the site's code only) watches but cannot act.
    """
    presence = db.session.get(Presence, request.sid)
    if presence is None or (presence.role == Role.PARTICIPANT.value and presence.participant_id is None):
        return None
    event = db.session.get(Event, presence.event_id)
    site = db.session.get(Site, presence.site_id) if presence.site_id else None
    participant = db.session.get(Participant, presence.participant_id) if presence.participant_id else None
    return Caller(role=Role(presence.role), event=event, site=site, participant=participant)


def _authenticate(auth) -> tuple[str, Event, Site | None, Participant | None]:
    usage = "send {token} (chair, host, screen), {participant} (a phone that joined) or {code} (a phone) as auth"
    if not isinstance(auth, dict):
        raise ValueError(usage)
    if auth.get("token") is not None:
        caller = identify_any(auth.get("token"))
        if caller is None:
            raise ValueError("this link is not valid (anymore): ask the chair for the current one")
        return caller.role.value, caller.event, caller.site, None
    if auth.get("participant") is not None:
        caller = identify_participant(auth.get("participant"))
        if caller is None:
            raise ValueError("this phone's sign-in is not valid (anymore): join again")
        return Role.PARTICIPANT.value, caller.event, caller.site, caller.participant
    if auth.get("code") is not None:
        if not address_allowed("code"):
            raise ValueError("too many connections from this address; wait a minute")
        site = site_by_join_code(str(auth["code"]))
        return Role.PARTICIPANT.value, site.event, site, None
    raise ValueError(usage)


def _schedule_presence(event_id: int) -> None:
    """Tell the crew who is connected, soon, once for every burst of connects and disconnects."""
    if event_id in _presence_pending:
        return
    _presence_pending.add(event_id)
    app = current_app._get_current_object()

    def send_later():
        socketio.sleep(PRESENCE_INTERVAL)
        _presence_pending.discard(event_id)
        with app.app_context():
            publish.presence_changed(event_id)
            db.session.remove()

    socketio.start_background_task(send_later)


def clear_presence() -> None:
    """Forget every connection (at server start: connections do not survive a restart, clients reconnect)."""
    db.session.execute(delete(Presence))
    db.session.commit()

