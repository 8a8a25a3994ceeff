"""Socket.IO handlers: connect (who is it, which rooms), presence, the clock, resync, and every live action.

Handlers are thin: identify the caller from its connection, hand the payload to the controller, reply with an
acknowledgement: {"ok": true, "version": N} or {"ok": false, "error": "...", "details": [...]}.
"""

import logging
import time

from flask import request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room

from eventapp.access import Caller, identify_any, identify_participant
from eventapp.connections import GATE
from eventapp.controller.actions import ACTIONS, Action, perform
from eventapp.errors import AppError
from eventapp.extensions import db, socketio
from eventapp.faults import safe_rollback
from eventapp.lookup import site_by_join_code_from_address
from eventapp.models import Event, LiveState, Participant, Role, Site
from eventapp.realtime import presence, publish
from eventapp.realtime.rooms import (
    audience_room,
    crew_room,
    host_room,
    participant_room,
    role_room,
    site_room,
    speaker_room,
)

log = logging.getLogger(__name__)
CREW_ROLES = (Role.CHAIR.value, Role.HOST.value)
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
    if role == Role.PARTICIPANT.value and GATE.in_reserve(request.environ):  # the reserve is the crew's
        db.session.rollback()
        raise ConnectionRefusedError(_("The server is full right now; try again in a minute."))
    rooms = [site_room(event.id, site.key) if site else None, role_room(event.id, role),
             speaker_room(event.id, site.key) if role == Role.SPEAKER.value else
             crew_room(event.id) if role in CREW_ROLES else audience_room(event.id),
             host_room(event.id, site.key) if role == Role.HOST.value else None,
             participant_room(event.id, participant.id) if participant is not None else None]
    for room in filter(None, rooms):
        join_room(room)
    presence.arrive(presence.Connection(sid=request.sid, role=role, event_id=event.id,
                                        site_id=site.id if site else None,
                                        participant_id=participant.id if participant else None,
                                        site_key=site.key if site else None))
    publish.on_connect(request.sid, event, role, site.key if site else None, participant)


def on_disconnect(reason=None, *extra):
    """Forget the connection's presence."""
    if _sent_as_an_event():
        return {"ok": False, "error": _("to disconnect, close the connection")}
    presence.leave(request.sid)


def on_clock_ping(data=None, *extra):
    """The server's clock, so that clients can estimate their offset and all countdowns agree."""
    return {"server_time": time.time() * 1000}


def on_heartbeat(data=None, *extra):
    """A panel or screen is still there; the chair sees its last heartbeat."""
    connection = presence.connection(request.sid)
    if connection is None:
        return {"ok": False, "error": _("not connected to an event")}
    presence.seen(connection)
    return {"ok": True, "server_time": time.time() * 1000}


def on_state_sync(data=None, *extra):
    """A client that reconnected or saw a gap asks for the state; it gets a snapshot when it is behind."""
    connection = presence.connection(request.sid)
    if connection is None:
        return {"ok": False, "error": _("not connected to an event")}
    known = data.get("version") if isinstance(data, dict) else None
    live = db.session.get(LiveState, connection.event_id)
    if isinstance(known, int) and known == live.version:
        return {"ok": True, "version": live.version}
    state = publish.state_for(db.session.get(Event, connection.event_id), connection.role, connection.site_key,
                              live.version)
    return {"ok": True, "version": state["version"], "snapshot": state}


def on_unknown_event(event_name, *args):
    """An event this server does not know gets a clear refusal instead of silence."""
    return {"ok": False, "error": f"unknown event '{str(event_name)[:60]}'"}


def on_error(error):
    """A failure in a handler: roll back; a refusal (e.g. the database is busy) says why, anything unexpected is
    logged and told to the client without details."""
    safe_rollback()  # the failure may be the database's: then the rollback can fail too
    if isinstance(error, AppError):
        return refusal(error)
    log.exception("socket handler failed", exc_info=error)
    return {"ok": False, "error": _("internal error")}


def refusal(error: AppError) -> dict:
    """The acknowledgement of a refused event: what is wrong, and whether to send it again (busy, not stored)."""
    reply = {"ok": False, "error": error.message, "details": error.details}
    return {**reply, "retry": True} if error.retry else reply


def _action_handler(action: Action):
    def handle(data=None, *extra):
        if extra:  # a client that sent more than one argument: say so rather than guess which one counts
            return {"ok": False, "error": _("send one payload (an object) with the event, not %(count)s",
                                            count=1 + len(extra))}
        caller = _caller()
        if caller is None:
            if presence.connection(request.sid) is not None:  # a phone that connected with the site's code only
                return {"ok": False, "error": _("join the event first to take part")}
            return {"ok": False, "error": _("not connected to an event")}
        try:
            reply = perform(action, caller, data)
        except AppError as error:
            return refusal(error)
        return {"ok": True, **reply}

    handle.__name__ = "on_" + action.name.replace(":", "_").replace("-", "_")
    handle.__doc__ = action.summary
    return handle


def _sent_as_an_event() -> bool:
    """Whether a connected client sent 'connect' or 'disconnect' as an ordinary event (python-socketio passes it
    to the same handler): during a real connect or disconnect the session is pending, not connected."""
    return socketio.server.manager.is_connected(request.sid, request.namespace or "/")


def _caller() -> Caller | None:
    """The caller of this connection, from this worker's memory (a connection lives on one worker): no query;
    the controller reads the event, site or participant when it needs them.

    A phone that has not joined (it connected with the site's code only) watches but cannot act.
    """
    connection = presence.connection(request.sid)
    if connection is None or (connection.role == Role.PARTICIPANT.value and connection.participant_id is None):
        return None
    return Caller.of_connection(Role(connection.role), connection.event_id, connection.site_id,
                                connection.participant_id, connection.site_key)


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
        site = site_by_join_code_from_address(str(auth["code"]))
        return Role.PARTICIPANT.value, site.event, site, None
    raise ValueError(usage)
