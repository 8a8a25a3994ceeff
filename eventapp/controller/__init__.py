"""The controller: every change of an event goes through a function here.

Each checks the caller's role, changes the database in one transaction, appends to the event log
(raising the state version), records what changed in the outbox, and commits through `outbox.commit()`,
which then hands the changes to the app's relay (docs/architecture.md, "Changes and the outbox").
"""

from sqlalchemy import select

from eventapp import outbox
from eventapp.access import Caller
from eventapp.errors import Forbidden
from eventapp.eventlog import record
from eventapp.extensions import db
from eventapp.models import HostStatus, Role, Scene, Site, SiteScene


def require_role(caller: Caller, *roles: Role) -> None:
    """Refuse a caller whose role is not one of `roles`."""
    if caller.role not in roles:
        raise Forbidden(f"a {caller.role.value} may not do this")


def commit_change(caller: Caller, action: str, data: dict) -> None:
    """The last step of every live action: log it (raising the version), record the new state in the outbox,
    commit; the new state is pushed after the commit."""
    record(caller.event.id, caller.label, action, data)
    outbox.record(caller.event.id, outbox.STATE)
    outbox.commit()


def site_scene(caller: Caller, site: Site) -> SiteScene:
    """A site's scene row (what its screen shows, its host's signal), created on first use."""
    scene = db.session.scalar(select(SiteScene).where(SiteScene.event_id == caller.event.id,
                                                      SiteScene.site_id == site.id))
    if scene is None:
        scene = SiteScene(event_id=caller.event.id, site_id=site.id, scene=Scene.PROGRAMME, holding_text="",
                          message="", host_status=HostStatus.STANDBY)
        db.session.add(scene)
    return scene
