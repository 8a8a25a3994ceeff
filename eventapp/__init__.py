"""The event orchestration app: one controller, many sites, every screen a live view of it."""

import warnings

from flask import Flask, request

from eventapp import sqlite
from eventapp.extensions import babel, db, migrate, socketio
from eventapp.models.base import render_migration_type
from eventapp.settings import PROJECT_ROOT, instance_path, load_settings

LANGUAGES = ("nl", "en")


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, CLI commands.

    `config` overrides settings (tests). The database is migrated here when MIGRATE_ON_START is set,
    and the demo event is loaded into an empty database when LOAD_DEMO is set.
    """
    app = Flask(__name__, instance_path=instance_path(), instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static"))
    load_settings(app, config)

    # eventlet is in maintenance mode and says so on import; the choice is deliberate (README, "Async mode").
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    db.init_app(app)
    with app.app_context():
        sqlite.configure(app, db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "eventapp" / "migrations"),
                     render_as_batch=True, compare_type=True, render_item=render_migration_type)
    babel.init_app(app, locale_selector=select_language)
    from eventapp.connections import mark_reserve
    from eventapp.controller import vote_writer
    from eventapp.realtime import handlers, relay
    from eventapp.web.security import socketio_origin_check, without_cors_headers

    handlers.register()
    relay.init_app(app)  # the controller's commits hand their changes to it; the pump's state
    vote_writer.init_app(app)
    socketio.init_app(app, async_mode=app.config["ASYNC_MODE"],
                      message_queue=app.config.get("MESSAGE_QUEUE_URL"),
                      channel=app.config["MESSAGE_QUEUE_CHANNEL"],
                      cors_allowed_origins=socketio_origin_check(app), cors_credentials=False,
                      max_http_buffer_size=int(app.config["MAX_MESSAGE_BYTES"]),
                      logger=False, engineio_logger=False)
    app.wsgi_app = mark_reserve(without_cors_headers(app.wsgi_app))  # around Socket.IO's: its handshakes too
    if app.config["PROXY_COUNT"]:  # outside Socket.IO's middleware, so that its handshakes get the client's address
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from eventapp import cli, i18n, models  # noqa: F401  (models: registers the tables)
    from eventapp.web import register_blueprints

    i18n.compile_translations()
    register_blueprints(app)
    cli.register(app)

    if app.config["MIGRATE_ON_START"]:
        from eventapp.database import prepare_database

        prepare_database(app)
    return app


def select_language() -> str:
    """The page language: ?lang=, then the person's earlier choice (cookie), then the app's default."""
    from flask import current_app, has_request_context

    if not has_request_context():  # the CLI, background tasks
        return current_app.config["DEFAULT_LANGUAGE"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else current_app.config["DEFAULT_LANGUAGE"]

