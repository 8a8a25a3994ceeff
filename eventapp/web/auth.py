"""Who is calling an HTTP endpoint: a crew page by the cookie its link was exchanged for, an API call by its
Bearer token. Tokens never travel in a URL query (docs/security.md, "Where tokens travel")."""

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from eventapp.access import Caller, hash_token, identify, token_of
from eventapp.errors import BadInput, Forbidden
from eventapp.extensions import db
from eventapp.models import AccessToken, Event, Role, Site
from eventapp.web.security import https

#: How long a browser keeps a page's cookie: a screen's computer restarted overnight keeps its page; a replaced
#: link (controller.access.rotate_token, the rotate-links command) ends it at the next page load.
PAGE_COOKIE_MAX_AGE = 7 * 24 * 3600


class LinkNeeded(Forbidden):
    """A crew page was opened without a valid cookie: the reply is the loader, which exchanges the link's token
    (in the URL fragment) for one, or says why the page does not open. It is served with 200, not 403: it is a
    page that may still open, and a browser reports every 4xx page as an error."""


def surface_name(role: Role) -> str:
    """What a role's link opens, in words."""
    return {Role.CHAIR: _("the control panel"), Role.HOST: _("the host panel"),
            Role.SCREEN: _("the screen"), Role.SPEAKER: _("the speaker view")}.get(role, role.value)


def page_caller(event: Event, role: Role, site: Site | None = None) -> tuple[Caller, str]:
    """The caller of a crew page by its cookie, with the link's token for the page's scripts (Socket.IO, API);
    without a valid cookie (none, forged, or its link replaced since) LinkNeeded."""
    caller, token = cookie_caller(event, role)
    if caller is None:
        raise LinkNeeded(_invalid_link(event, (role,), site))
    return _require(caller, event, (role,), site), token


def download_caller(event: Event, role: Role) -> Caller:
    """The caller of a download a page links to, by the page's cookie; else Forbidden (no loader: the link to a
    download holds no token)."""
    caller, _token = cookie_caller(event, role)
    return _require(caller, event, (role,), None)


def cookie_caller(event: Event, role: Role) -> tuple[Caller | None, str]:
    """The caller this request's cookie for a role stands for within this event, and its token; (None, "") when
    the cookie is missing, forged, or its link was replaced (the cookie holds the hash of the token it was made
    for, and the database no longer does)."""
    try:
        data = _serializer().loads(request.cookies.get(cookie_name(role), ""))
    except BadSignature:
        return None, ""
    row = db.session.scalar(select(AccessToken).where(AccessToken.token_hash == str(data.get("h"))))
    if row is None or row.event_id != event.id or row.role != role:
        return None, ""
    return Caller(role=row.role, event=row.event, site=row.site), token_of(row)


def exchange_link(event: Event, role: Role, site: Site | None) -> Response:
    """The loader's exchange: the link's token, posted in the form body, for the page's cookie (204; the loader
    then loads the page). A wrong token gets 403 with the reason (not valid, or whose link it is)."""
    token = request.form.get("token")
    caller = _require(identify(event, token), event, (role,), site)
    response = Response(status=204)
    response.set_cookie(cookie_name(role), _serializer().dumps({"h": hash_token(token)}),
                        max_age=PAGE_COOKIE_MAX_AGE, path=cookie_path(event, role, caller.site),
                        secure=https(), httponly=True, samesite="Strict")
    return response


def cookie_name(role: Role) -> str:
    """The cookie of a role's pages (one per role: a browser may hold the chair's and a host's at once)."""
    return f"access_{role.value}"


def cookie_path(event: Event, role: Role, site: Site | None) -> str:
    """Where a cookie is sent: the chair's to every page of the event, a host's or screen's to its own page."""
    if role == Role.CHAIR:
        return request.script_root + f"/e/{event.slug}/"
    page = {Role.HOST: "pages.host", Role.SCREEN: "pages.screen", Role.SPEAKER: "pages.speaker"}[role]
    return url_for(page, slug=event.slug, site_key=site.key)


def refuse_token_in_query() -> None:
    """An old-style link (?token=) is refused: its token has already reached the server's and proxies' logs."""
    if "token" in request.args:
        raise BadInput(_("Links with ?token= in the address are no longer accepted, because the address is "
                         "stored in logs and browser history. Ask the chair for the current link (it holds "
                         "#token=)."))


def api_caller(event: Event, roles: tuple[Role, ...], site: Site | None = None) -> Caller:
    """The caller of an API endpoint, by its Authorization: Bearer token; else Forbidden."""
    return _require(identify(event, bearer_token()), event, roles, site)


def bearer_token() -> str | None:
    """The token of the request's `Authorization: Bearer TOKEN` header, if it has one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="page-cookie")


def _what(event: Event, roles: tuple[Role, ...], site: Site | None) -> str:
    what = surface_name(roles[0]) if len(roles) == 1 else _("this action")
    if site is not None:
        what = _("%(surface)s of %(site)s", surface=what, site=site.name)
    return what


def _invalid_link(event: Event, roles: tuple[Role, ...], site: Site | None) -> str:
    return _("This link is not valid for %(what)s of '%(event)s'. It may be mistyped or replaced by a new one: "
             "ask the chair for the current link.", what=_what(event, roles, site), event=event.title)


def _require(caller: Caller | None, event: Event, roles: tuple[Role, ...], site: Site | None) -> Caller:
    if caller is None:
        raise Forbidden(_invalid_link(event, roles, site))
    wrong_site = site is not None and caller.site is not None and caller.site.id != site.id
    if caller.role not in roles or wrong_site:
        owner = surface_name(caller.role)
        if caller.site is not None:
            owner = _("%(surface)s of %(site)s", surface=owner, site=caller.site.name)
        raise Forbidden(_("This link belongs to %(owner)s, not to %(what)s.", owner=owner,
                          what=_what(event, roles, site)))
    return caller
