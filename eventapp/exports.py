"""A poll's results outside the live views: the public results page, the JSON and the CSV exports.

The chair sees every poll's results at any time. Everyone else sees a poll's results once they are revealed
(from `reveal_at` on, the moment the screens show them), and during a site-by-site reveal only the sites shown
so far, with a total over those sites: a results link opened early does not spoil the reveal.
"""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from eventapp import poll_kinds
from eventapp.errors import Forbidden, NotFound
from eventapp.extensions import db
from eventapp.models import Event, LiveState, Participant, Poll, PollKind, Site, Vote
from eventapp.models.base import utcnow
from eventapp.views.results import audience_results, crew_results, is_public, results_message
from eventapp.views.state import poll_view

#: The row key of the whole event's figures in the CSV ("site" column).
TOTAL = "total"
#: Cells a spreadsheet would take for a formula; text from phones that starts so gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def poll_by_key(event: Event, key: str) -> Poll:
    """The event's poll with this key (as in its results link), or NotFound."""
    poll = db.session.scalar(select(Poll).where(Poll.event_id == event.id, Poll.key == key[:60]))
    if poll is None:
        raise NotFound(_("Event '%(slug)s' has no poll '%(key)s'.", slug=event.slug, key=key[:60]))
    return poll


def results_document(event: Event, poll: Poll, crew: bool) -> dict:
    """The results export (JSON): the event, the poll, the sites shown and the figures in total and per site.

    `results` is the `poll:results` message (eventapp/views/results.py, docs/PROTOCOL.md) of the chair, or of the
    public: once revealed, during a site-by-site reveal only the sites shown so far. Callers let the public read
    only a public poll (`is_public`).
    """
    mode = db.session.get(LiveState, event.id).mode
    results = crew_results(poll) if crew else audience_results(poll)
    if results is None:
        raise Forbidden(_("The results of poll '%(key)s' are not public yet: they are once the chair reveals them.",
                          key=poll.key))
    names = {site.key: site.name for site in event.sites}
    view = poll_view(event, poll, results.total.voters).model_dump(mode="json")
    if crew and poll.kind == PollKind.QUIZ:
        view["options"] = [{"id": o.id, "label": o.label, "correct": o.correct} for o in poll.options]
    partial = poll.reveal_step is not None and poll.reveal_step < len(poll.reveal_order)
    return {
        "event": event.slug, "title": event.title, "status": event.status.value, "mode": mode.value,
        "poll": view, "hide_results": poll.hide_results, "public": is_public(poll), "complete": crew or not partial,
        "sites": [{"key": key, "name": names[key]} for key in results.shown],
        "results": results_message(results), "generated_at": utcnow().isoformat(),
    }


# --- CSV -----------------------------------------------------------------------------------------------------

def results_csv(event: Event, poll: Poll, crew: bool) -> str:
    """The results as CSV: one row per option, value, choice or word, for the whole event first (site `total`)
    and then per site, each with the number of voters. Open polls: one row per approved answer."""
    document = results_document(event, poll, crew)
    results = document["results"]
    names = {site["key"]: site["name"] for site in document["sites"]}
    groups = [(TOTAL, _("Total"), results["total"])] + [(key, names[key], results["sites"][key]) for key in names]
    table = poll_kinds.results_table(poll.kind, groups, _cell)
    if table is not None:
        header, rows = table
    else:  # open: the approved answers, per site; the total row counts them all
        header = ["site", "site_name", "answer", "voters"]
        approved = _approved_answers(event, poll, list(names))
        rows = [[TOTAL, _("Total"), "", results["total"]["voters"]]]
        rows += [[key, name, _cell(text), results["sites"][key]["voters"]]
                 for key, name in names.items() for site_key, text in approved if site_key == key]
    return _write_csv(header, rows)


def votes_csv(event: Event, poll: Poll) -> str:
    """Every vote of the current run (the chair's export): its site, the answer in words and when it was given.
    A participant's name is only there when they gave one on joining."""
    mode = db.session.get(LiveState, event.id).mode
    zone = ZoneInfo(event.timezone)
    labels = {option.id: option.label for option in poll.options}
    rows = db.session.execute(
        select(Vote, Site.key, Site.name, Participant.name).join(Site, Site.id == Vote.site_id)
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Vote.poll_id == poll.id, Vote.mode == mode).order_by(Vote.cast_at, Vote.id))
    header = ["vote", "site", "site_name", "answer", "time", "first_answered", "moderation", "score", "name"]
    out = [[vote.id, key, site_name, _cell(poll_kinds.answer_text(poll.kind, vote.answer, labels)),
            _local(vote.changed_at, zone), _local(vote.cast_at, zone),
            vote.moderation if poll.kind == PollKind.OPEN else "",
            vote.score if poll.kind == PollKind.QUIZ else "", _cell(name or "")]
           for vote, key, site_name, name in rows]
    return _write_csv(header, out)


def _approved_answers(event: Event, poll: Poll, site_keys: list[str]) -> list[tuple[str, str]]:
    mode = db.session.get(LiveState, event.id).mode
    rows = db.session.execute(
        select(Site.key, Vote.answer).join(Site, Site.id == Vote.site_id)
        .where(Vote.poll_id == poll.id, Vote.mode == mode, Vote.moderation == "approved", Site.key.in_(site_keys))
        .order_by(Vote.changed_at, Vote.id))
    return [(key, text) for key, text in rows]


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


def _cell(text: str) -> str:
    """Text from a phone, safe to open in a spreadsheet (no formula)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _write_csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
