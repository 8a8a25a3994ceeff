"""Finding events and sites by the keys in URLs, with a clear 404 when they do not exist."""

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from eventapp import ratelimit
from eventapp.errors import NotFound, TooMany
from eventapp.extensions import db
from eventapp.models import Event, Site


def event_by_slug(slug: str) -> Event:
    """The event with this slug, or NotFound."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(_("There is no event '%(slug)s'.", slug=slug[:80]))
    return event


def site_by_key(event: Event, key: str) -> Site:
    """The event's site with this key, or NotFound."""
    site = event.site(key)
    if site is None:
        known = ", ".join(s.key for s in event.sites)
        raise NotFound(_("Event '%(slug)s' has no site '%(key)s' (its sites: %(known)s).",
                         slug=event.slug, key=key[:40], known=known))
    return site


def site_by_join_code(code: str) -> Site:
    """The site whose join code this is (spaces ignored), or NotFound."""
    cleaned = "".join(code.split())
    site = db.session.scalar(select(Site).where(Site.join_code == cleaned)) if cleaned.isdigit() else None
    if site is None:
        raise NotFound(_("No event has the code '%(code)s'. Check the code on the screen.", code=code.strip()[:20]))
    return site


def site_by_join_code_from_address(code: str) -> Site:
    """The site of a join code a client sent (phone page, typed code, API join, socket connect), throttled per
    address against guessing: only codes looked up in vain count ("wrong-code"). An address over that limit may
    still use the codes it found before ("known-code"), so a room behind one NAT keeps joining beside a guesser,
    who can no longer test new codes (TooMany, for right and wrong codes alike, until the window has passed)."""
    address = f"address:{request.remote_addr}"
    throttled = ratelimit.used_up("wrong-code", address)
    try:
        site = site_by_join_code(code)
    except NotFound:
        ratelimit.allowed("wrong-code", address)
        if throttled:
            raise TooMany(_("Too many wrong codes from this address; wait a minute and try again.")) from None
        raise
    known = f"{address}:{site.join_code}"
    if throttled and not ratelimit.used_up("known-code", known):
        raise TooMany(_("Too many wrong codes from this address; wait a minute and try again."))
    ratelimit.allowed("known-code", known)
    return site
