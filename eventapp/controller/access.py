"""Rotating access links (chair only): the old link stops working at once, also for a panel or screen that is
connected with it (a leaked link in use is cut off, not only refused at its next connect)."""

from flask_babel import gettext as _
from sqlalchemy import delete, select

from eventapp.access import Caller, issue_token
from eventapp.controller import require_role
from eventapp.errors import BadInput
from eventapp.eventlog import record
from eventapp.extensions import db
from eventapp.lookup import site_by_key
from eventapp.models import Presence, Role
from eventapp.realtime import publish


def rotate_token(caller: Caller, role: Role, site_key: str | None) -> None:
    """Replace the link of the chair, or of a site's host or screen, with a new one."""
    require_role(caller, Role.CHAIR)
    if role == Role.CHAIR:
        if site_key:
            raise BadInput(_("the chair's link belongs to no site; leave 'site' out"))
        site = None
    elif role in (Role.HOST, Role.SCREEN):
        if not site_key:
            raise BadInput(_("a %(role)s link belongs to a site; give 'site'", role=role.value))
        site = site_by_key(caller.event, site_key)
    else:
        raise BadInput(_("participants have no link to rotate"))
    issue_token(caller.event, role, site)
    connected = select(Presence.sid).where(Presence.event_id == caller.event.id, Presence.role == role.value,
                                           Presence.site_id == (site.id if site else None))
    old_connections = list(db.session.scalars(connected))
    db.session.execute(delete(Presence).where(Presence.sid.in_(old_connections)))
    record(caller.event.id, caller.label, "access:rotated", {"role": role.value, "site": site_key})
    db.session.commit()
    publish.drop_connections(old_connections)
