"""The access links of an event: one place that builds them, for the CLI, the links page and the API.

A crew link carries its token in the URL fragment (`/e/SLUG/control#token=...`), which browsers never send to a
server; the page's loader exchanges it for a cookie (docs/security.md, "Where tokens travel").
"""

from urllib.parse import urlencode

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from eventapp.access import token_of
from eventapp.extensions import db
from eventapp.models import AccessToken, Event, Role, Site
from eventapp.settings import public_base_url


def event_links(event: Event) -> dict:
    """Every link of an event, in the shape of docs/architecture.md ("The public contract")."""
    base = public_base_url(current_app.config)
    tokens = {(row.role, row.site_id): token_of(row)
              for row in db.session.scalars(select(AccessToken).where(AccessToken.event_id == event.id))}

    def link(endpoint: str, role: Role, site=None) -> dict:
        token = tokens[(role, site.id if site else None)]
        values = {"slug": event.slug} | ({"site_key": site.key} if site else {})
        return {"url": base + _path(endpoint, **values) + "#" + urlencode({"token": token}), "token": token}

    return {
        "event": event.slug,
        "chair": link("pages.control", Role.CHAIR),
        "sites": {
            site.key: {
                "host": link("pages.host", Role.HOST, site),
                "screen": link("pages.screen", Role.SCREEN, site),
                "speaker": link("pages.speaker", Role.SPEAKER, site),
                "join": join_link(site),
            }
            for site in event.sites
        },
    }


def join_link(site: Site) -> dict:
    """The link and code by which participants join at a site."""
    base = public_base_url(current_app.config)
    return {"url": base + _path("pages.phone", code=site.join_code), "code": site.join_code}


def _path(endpoint: str, **values) -> str:
    """The path of an endpoint, also outside a request (the CLI)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)
