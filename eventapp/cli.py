"""Flask CLI commands: print an event's links, rotate them, import and export programmes, forget participants.

A command that changes an event goes through the controller, as the chair ("cli" in the event log). This process
holds no connections: its changes stay in the outbox, and the running server's loop pushes them within a second
(docs/architecture.md, "Changes and the outbox").
"""

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from eventapp import outbox
from eventapp.access import Caller
from eventapp.controller.access import rotate_all_tokens, rotate_token
from eventapp.controller.audience import forget_participants
from eventapp.errors import AppError
from eventapp.extensions import db
from eventapp.links import event_links
from eventapp.lookup import event_by_slug
from eventapp.models import Event, Role
from eventapp.programme.store import SlugTaken, export_programme, import_programme
from eventapp.programme.yamlfile import ProgrammeError, dump_programme, read_programme
from eventapp.serving import served_base_url

DEMO_SLUG = "pow-2021-11-01"


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(links_command)
    app.cli.add_command(rotate_links_command)
    app.cli.add_command(programme_group)
    app.cli.add_command(participants_group)


def _event(slug: str) -> Event:
    try:
        return event_by_slug(slug)
    except AppError as error:
        known = ", ".join(db.session.scalars(select(Event.slug))) or "none"
        raise click.ClickException(f"{error.message} Known events: {known}.") from None


def _cli_caller(event: Event) -> Caller:
    """The command line acts as the chair, logged as "cli". It pushes nothing itself: its changes wait in the
    outbox, and the server that holds the connections pushes them (a relay here would reach none of them)."""
    outbox.set_relay(current_app, None)
    return Caller(role=Role.CHAIR, event=event, actor="cli")


@click.command("links")
@click.argument("slug", default=DEMO_SLUG)
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON (the shape of docs/architecture.md, 'The public contract') instead of a table.")
def links_command(slug: str, as_json: bool) -> None:
    """Print every access link of an event (the demo event when no SLUG is given), at the address the running
    server serves (`python run.py --port ...`), or EVENTAPP_PUBLIC_BASE_URL when it is set."""
    _use_served_address()
    try:
        links = event_links(_event(slug))
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(links, indent=2))
        return
    click.echo(f"Event {links['event']}")
    click.echo(f"  {'chair':<28} {links['chair']['url']}")
    for key, site in links["sites"].items():
        click.echo(f"  {key + ' host':<28} {site['host']['url']}")
        click.echo(f"  {key + ' screen':<28} {site['screen']['url']}")
        click.echo(f"  {key + ' speaker':<28} {site['speaker']['url']}")
        click.echo(f"  {key + ' join (code ' + site['join']['code'] + ')':<28} {site['join']['url']}")


def _use_served_address() -> None:
    """Links with the address the running server of this instance serves, not this process's HOST and PORT
    (which know nothing of run.py's --host and --port); an explicit PUBLIC_BASE_URL stays as it is."""
    if not current_app.config.get("PUBLIC_BASE_URL"):
        served = served_base_url(current_app)
        if served:
            current_app.config["PUBLIC_BASE_URL"] = served


@click.command("rotate-links")
@click.argument("slug")
@click.option("--all", "rotate_all", is_flag=True, help="Replace every link of the event.")
@click.option("--role", type=click.Choice(["chair", "host", "screen", "speaker"]), help="The link to replace.")
@click.option("--site", "site_key", help="The site of a host, screen or speaker link.")
def rotate_links_command(slug: str, rotate_all: bool, role: str | None, site_key: str | None) -> None:
    """Replace links with new ones; the old ones stop working at once."""
    if not (rotate_all or (role == "chair" and not site_key) or (role in ("host", "screen", "speaker") and site_key)):
        raise click.UsageError("give --all, --role chair, or --role host/screen/speaker with --site")
    caller = _cli_caller(_event(slug))
    try:
        if rotate_all:
            rotate_all_tokens(caller)
        else:
            rotate_token(caller, Role(role), site_key)
    except AppError as error:
        raise click.ClickException(error.message) from None
    click.echo("New links:")
    links_command.callback(slug, as_json=False)


@click.group("programme")
def programme_group() -> None:
    """Import and export programme files (docs/programme-format.md)."""


@programme_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import a programme file as a new event; nothing is kept when it has any problem."""
    try:
        programme = read_programme(path.read_text(encoding="utf-8"), str(path))
        event = import_programme(programme)
    except ProgrammeError as error:
        click.echo(f"{path}: not imported, {len(error.problems)} problem(s):", err=True)
        click.echo(str(error), err=True)
        sys.exit(1)
    except (SlugTaken, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: not imported: {error}") from None
    except SQLAlchemyError as error:  # import_programme rolled back: nothing of the file is kept
        reason = getattr(error, "orig", None) or error
        raise click.ClickException(f"{path}: not imported: the database refused it ({reason})") from None
    click.echo(f"Imported '{event.title}' as {event.slug}: {len(event.segments)} segments, "
               f"{len(event.sites)} sites. Its links: flask --app eventapp links {event.slug}")


@programme_group.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: stdout).")
def export_command(slug: str, output: Path | None) -> None:
    """Export an event's programme in the programme file format."""
    text = dump_programme(export_programme(_event(slug)))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


@click.group("participants")
def participants_group() -> None:
    """Participants' data: delete it on request, or when the event's retention period ends (docs/security.md)."""


@participants_group.command("forget")
@click.argument("slug")
@click.option("--name", help="Only the participants with this display name (a person's request).")
@click.option("--all", "forget_all", is_flag=True, help="Every participant of the event (after the event).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget_command(slug: str, name: str | None, forget_all: bool, yes: bool) -> None:
    """Delete participants with their votes, questions and upvotes; poll results change accordingly."""
    if forget_all == (name is not None):
        raise click.UsageError("give either --name NAME or --all")
    event = _event(slug)
    who = f"every participant of {event.slug}" if forget_all else f"the participants named {name!r} in {event.slug}"
    if not yes:
        click.confirm(f"Delete {who}, with their votes, questions and upvotes?", abort=True)
    count = forget_participants(_cli_caller(event), name)
    click.echo(f"Deleted {count} participant(s) with everything they sent.")
