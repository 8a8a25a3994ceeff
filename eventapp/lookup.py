"""Finding events and sites by the keys in URLs, with a clear 404 when they do not exist."""

from flask_babel import gettext as _
from sqlalchemy import select

from eventapp.errors import NotFound
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
