"""Who is calling an HTTP endpoint: the token of a page link (?token=) or of an API call (Bearer)."""

from flask import request
from flask_babel import gettext as _

from eventapp.access import Caller, identify
from eventapp.errors import Forbidden
from eventapp.models import Event, Role, Site


def surface_name(role: Role) -> str:
    """What a role's link opens, in words."""
    return {Role.CHAIR: _("the control panel"), Role.HOST: _("the host panel"),
            Role.SCREEN: _("the screen")}.get(role, role.value)


def page_caller(event: Event, role: Role, site: Site | None = None) -> Caller:
    """The caller of a page, whose ?token= must be this role's (and this site's) link; else Forbidden."""
    return _require(identify(event, request.args.get("token")), event, (role,), site)


def api_caller(event: Event, roles: tuple[Role, ...], site: Site | None = None) -> Caller:
    """The caller of an API endpoint, by its Authorization: Bearer token; else Forbidden."""
    return _require(identify(event, bearer_token()), event, roles, site)


def bearer_token() -> str | None:
    """The token of the request's `Authorization: Bearer TOKEN` header, if it has one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _require(caller: Caller | None, event: Event, roles: tuple[Role, ...], site: Site | None) -> Caller:
    what = surface_name(roles[0]) if len(roles) == 1 else _("this action")
    if site is not None:
        what = _("%(surface)s of %(site)s", surface=what, site=site.name)
    if caller is None:
        raise Forbidden(_("This link is not valid for %(what)s of '%(event)s'. It may be mistyped or replaced "
                          "by a new one: ask the chair for the current link.", what=what, event=event.title))
    wrong_site = site is not None and caller.site is not None and caller.site.id != site.id
    if caller.role not in roles or wrong_site:
        owner = surface_name(caller.role)
        if caller.site is not None:
            owner = _("%(surface)s of %(site)s", surface=owner, site=caller.site.name)
        raise Forbidden(_("This link belongs to %(owner)s, not to %(what)s.", owner=owner, what=what))
    return caller
