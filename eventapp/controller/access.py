"""Rotating access links (chair only): the old link stops working at once, also for a panel or screen that is
connected with it (a leaked link in use is cut off, not only refused at its next connect)."""

from flask_babel import gettext as _
from sqlalchemy import delete, select

from eventapp import outbox
from eventapp.access import SITE_ROLES, Caller, issue_token
from eventapp.controller import require_role
from eventapp.errors import BadInput
from eventapp.eventlog import record
from eventapp.extensions import db
from eventapp.lookup import site_by_key
from eventapp.models import Presence, Role, Site


def rotate_token(caller: Caller, role: Role, site_key: str | None) -> None:
    """Replace the link of the chair, or of a site's host, screen or speaker view, with a new one."""
    require_role(caller, Role.CHAIR)
    if role == Role.CHAIR:
        if site_key:
            raise BadInput(_("the chair's link belongs to no site; leave 'site' out"))
        site = None
    elif role in SITE_ROLES:
        if not site_key:
            raise BadInput(_("a %(role)s link belongs to a site; give 'site'", role=role.value))
        site = site_by_key(caller.event, site_key)
    else:
        raise BadInput(_("participants have no link to rotate"))
    old_connections = _replace(caller, role, site)
    record(caller.event.id, caller.label, "access:rotated", {"role": role.value, "site": site_key})
    outbox.record(caller.event.id, outbox.DROP, sids=old_connections)
    outbox.commit()


def rotate_all_tokens(caller: Caller) -> None:
    """Replace every link of the event (the chair's, and every site's host, screen and speaker view) in one change."""
    require_role(caller, Role.CHAIR)
    old_connections = _replace(caller, Role.CHAIR, None)
    for site in caller.event.sites:
        for role in SITE_ROLES:
            old_connections += _replace(caller, role, site)
    record(caller.event.id, caller.label, "access:rotated", {"role": "all", "site": None})
    outbox.record(caller.event.id, outbox.DROP, sids=old_connections)
    outbox.commit()


def _replace(caller: Caller, role: Role, site: Site | None) -> list[str]:
    """Issue the new token of a role (and site), and forget the connections made with the old one: their
    session ids, to drop after the commit."""
    issue_token(caller.event, role, site)
    connected = select(Presence.sid).where(Presence.event_id == caller.event.id, Presence.role == role.value,
                                           Presence.site_id == (site.id if site else None))
    old_connections = list(db.session.scalars(connected))
    db.session.execute(delete(Presence).where(Presence.sid.in_(old_connections)))
    return old_connections
