"""Web blueprints: the pages of every surface, the JSON API, vendor files, and error replies."""

from urllib.parse import urlencode

from flask import Flask, jsonify, render_template, request
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from eventapp.errors import AppError
from eventapp.extensions import db
from eventapp.web.security import https


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint and the error handlers to the app."""
    from eventapp import poll_kinds
    from eventapp.web import api, auth, labels, pages, security, vendor

    security.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(api.bp)
    api.spec.register(app)
    app.register_error_handler(auth.LinkNeeded, _link_needed)
    app.register_error_handler(AppError, _app_error)
    app.register_error_handler(HTTPException, _http_error)
    # Each request chooses its language (?lang=, cookie, default) anew, also when requests share one app context
    # (as they do in the test client inside an app context): Flask-Babel would keep the first request's choice.
    app.before_request(refresh)
    app.after_request(_remember_language)
    app.add_template_global(query_with)
    app.add_template_global(get_locale)
    app.add_template_global(labels.kind_label)
    app.add_template_global(labels.status_label)
    app.add_template_global(poll_kinds.kind_label, "poll_kind_label")
    app.add_template_global(poll_kinds.ui_strings, "poll_kind_strings")
    app.add_template_global(poll_kinds.kinds_needing, "poll_kinds_needing")
    app.add_template_global(poll_kinds.kind_labels, "poll_kind_labels")


def query_with(**changes) -> str:
    """The current query string with some values replaced (for links such as the language switch)."""
    return urlencode({**{k: v for k, v in request.args.items() if k != "token"}, **changes})


def _wants_json() -> bool:
    """API calls, and the loader's exchange of a link (it asks for JSON), get their errors as JSON."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _app_error(error: AppError):
    """A refused request: nothing it did is kept, and the reply says why."""
    db.session.rollback()
    if _wants_json():
        retry = {"retry": True} if error.retry else {}
        return jsonify(error=error.message, details=error.details, **retry), error.status
    return render_template("error.html", status=error.status, message=error.message), error.status


def _link_needed(error):
    """A crew page without its cookie: the loader, which opens the page with the link's token (URL fragment), or
    shows why not (see auth.LinkNeeded for its status 200)."""
    db.session.rollback()
    return render_template("loader.html", status=error.status, message=error.message), 200


def _http_error(error: HTTPException):
    message = error.description
    if message == type(error).description:  # Werkzeug's own words, in English: say it in the page's language
        message = _generic_message(error.code)
    if _wants_json():
        return jsonify(error=message or error.name, details=[]), error.code
    return render_template("error.html", status=error.code, message=message), error.code


def _generic_message(status: int) -> str:
    """What an HTTP error means, for errors raised without a message of their own."""
    return {
        404: _("There is no page at this address. Check the link."),
        405: _("This address does not accept this kind of request."),
    }.get(status, _("The server could not handle this request."))


def _remember_language(response):
    """A language chosen with ?lang= sticks for the next pages (cookie)."""
    chosen = request.args.get("lang")
    if chosen in ("nl", "en"):
        response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True, secure=https())
    return response
