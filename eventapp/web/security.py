"""Limits and headers of every HTTP reply: the content security policy and its companions, the origins that may
talk to the app (HTTP API and Socket.IO handshake), cookie flags, and tokens kept out of logs (docs/security.md).
"""

import logging
import re
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, request
from flask_babel import gettext as _

from eventapp.connections import GATE
from eventapp.errors import BadInput, Busy, Forbidden
from eventapp.payload import check_payload
from eventapp.settings import public_base_url

#: Browser features no page of the app uses; only features Chromium knows, or it warns on every page ("bluetooth"
#: is not one of them).
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), midi=(), serial=(), "
                      "hid=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), "
                      "interest-cohort=()")
#: Replies that hold no token and no live state, which browsers and proxies may keep: the app's own files.
CACHEABLE_ENDPOINTS = ("static", "vendor.vendor_file")
#: Tokens travel in headers (and in old links' query strings, which are refused: docs/security.md, "Where tokens
#: travel"); these are their names wherever they may be logged.
_SECRET_QUERY = re.compile(r"(?i)\b(token|participant)=[^&\s\"']+")
_BEARER = re.compile(r"(?i)\b(Bearer)\s+[A-Za-z0-9._~+/=-]+")


def register(app: Flask) -> None:
    """Check the Origin of every request and add the security headers to every reply."""
    app.before_request(_refuse_foreign_origin)
    app.before_request(_keep_the_reserve_for_the_crew)
    app.before_request(_check_input)
    app.after_request(_security_headers)


def content_security_policy(host: str) -> str:
    """The page policy: scripts, styles and fonts only from the app's own files (no inline script or style
    attribute), images also as data: URLs, videos from anywhere, connections to its own origin over HTTP(S) and
    WebSocket, no frames."""
    sockets = " ".join(f"{scheme}://{origin}" for origin in own_hosts(host) for scheme in ("ws", "wss"))
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' http: https:",  # a video segment's file may be on another server (the chair's choice)
        "font-src 'self'",
        f"connect-src 'self' {sockets}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def own_hosts(host: str | None) -> list[str]:
    """The host[:port] names the app is reached at: the public base URL's and the one this request used."""
    hosts = [urlsplit(public_base_url(current_app.config)).netloc]
    if host and host not in hosts:
        hosts.append(host)
    return hosts


def origin_allowed(config, origin: str | None, host: str | None) -> bool:
    """Whether a browser page at `origin` may call the app: only pages of the app itself, that is the public
    base URL's origin or the host the request was sent to (http or https: a TLS proxy may sit in front)."""
    if not origin:
        return True  # not a browser's cross-origin request (scripts, Stream Deck, same-origin GET)
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/"):
        return False  # "null" (sandboxed frames, file://) and anything odd
    return origin.rstrip("/") == public_base_url(config) or parts.netloc == host


def socketio_origin_check(app: Flask):
    """The Origin check of a Socket.IO handshake, as python-engineio's `cors_allowed_origins` callable (an empty
    list there would switch the check off entirely)."""

    def allowed(origin: str | None, environ: dict) -> bool:
        return origin_allowed(app.config, origin, environ.get("HTTP_HOST"))

    return allowed


def without_cors_headers(wsgi_app):
    """The WSGI app `wsgi_app` with every Access-Control-* header taken out of its replies.

    python-engineio answers a Socket.IO handshake it accepts with Access-Control-Allow-Origin (the origin echoed,
    also a foreign page's whose Host header matched), -Methods and -Headers (whatever was asked). The app's pages
    talk to their own origin and need no CORS; no reply of the app grants any to anyone (docs/security.md).
    """

    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
            return start_response(status, kept, exc_info)

        return wsgi_app(environ, start)

    return app


def _refuse_foreign_origin():
    """A request from another site's page is refused before it does anything (the API answers no CORS either)."""
    if not origin_allowed(current_app.config, request.headers.get("Origin"), request.host):
        raise Forbidden(_("Requests from other web sites are not accepted."))


def _keep_the_reserve_for_the_crew():
    """Over a connection of the crew's reserve (the server has MAX_CONNECTIONS open already) only the crew's
    requests are served (a wrong token is refused by the pages and the API as usual)."""
    if GATE.in_reserve(request.environ) and not _a_crew_request():
        raise Busy(_("The server is full right now; try again in a minute."))


def _a_crew_request() -> bool:
    """A request of the crew: an API call with a bearer token, a page with a link's cookie, the crew pages'
    loader and its token exchange (docs/security.md, "Where tokens travel"), and the files those pages load."""
    if request.headers.get("Authorization") or any(name.startswith("access_") for name in request.cookies):
        return True
    crew_page = request.path.startswith("/e/") and "/results/" not in request.path
    return crew_page or request.endpoint in CACHEABLE_ENDPOINTS


def _check_input():
    """Every request's path, query and body pass `check_payload` before any endpoint reads them; a body sent to
    the API must be JSON. Refused with 400 and a clear message; nothing has been read or changed yet."""
    check_payload(request.path)
    check_payload(request.args.to_dict(flat=False))
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.path.startswith("/api/"):
        return
    if not request.get_data(cache=True):
        return  # an action without payload (`curl -X POST`)
    if not request.is_json:
        raise BadInput(_("send the request's body as JSON, with Content-Type: application/json"))
    try:
        body = request.get_json()
    except RecursionError:
        raise BadInput(_("the request is nested too deeply")) from None
    check_payload(body)


def _security_headers(response):
    """The security headers, on every reply (pages, API, files, errors)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(request.host))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")  # no page needs to tell another where it came from
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if https():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        headers.setdefault("Cache-Control", "no-store")  # pages and API replies may hold tokens (links, join)
    return response


def https() -> bool:
    """Whether the app is served over https (its public base URL says so, or this request came over TLS)."""
    return public_base_url(current_app.config).startswith("https://") or request.is_secure


def redact(text: str) -> str:
    """`text` with every access or participant token replaced by "[redacted]", after percent-decoding it as the
    app decodes a query (`?t%6Fken=` is `?token=` to Flask, so it must be to the redaction too)."""
    decoded = unquote(text)
    return _BEARER.sub(r"\1 [redacted]", _SECRET_QUERY.sub(r"\1=[redacted]", decoded))


class RedactTokens(logging.Filter):
    """A logging filter that takes tokens out of log lines (an old link's request line holds ?token=...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without tokens; always keep the record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
