"""The pages of the four surfaces: control panel, host panel, room screen and phone page.

Pages only check the caller and render; what they show live comes from the API and the socket. A crew link holds
its token in the URL fragment: the page's loader posts it to the page's address once, for a cookie (auth.py).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from eventapp.errors import NotFound
from eventapp.exports import is_public, poll_by_key, results_document
from eventapp.extensions import db
from eventapp.links import event_links, join_link
from eventapp.lookup import event_by_slug, site_by_join_code_from_address, site_by_key
from eventapp.models import LiveState, Poll, Role, Segment
from eventapp.models.base import utcnow
from eventapp.programme.schema import KIND_FIELDS, KIND_REQUIRED
from eventapp.report import build_report, programme_template_yaml
from eventapp.schedule import planned_slots
from eventapp.settings import public_base_url
from eventapp.web.auth import cookie_caller, download_caller, exchange_link, page_caller, refuse_token_in_query
from eventapp.web.qr import qr_svg

bp = Blueprint("pages", __name__)
bp.before_request(refuse_token_in_query)


@bp.get("/")
def index():
    """The front door for participants: type the code shown on the screen."""
    return render_template("phone/enter_code.html", code=request.args.get("code", ""))


@bp.get("/join")
def join_by_code():
    """A typed join code leads to its site's phone page."""
    code = request.args.get("code", "")
    try:
        site = site_by_join_code_from_address(code)
    except NotFound as error:
        return render_template("phone/enter_code.html", code=code, error=error.message), 404
    return redirect(url_for("pages.phone", code=site.join_code))


@bp.get("/j/<code>")
def phone(code: str):
    """A participant's phone page for the site of this join code."""
    site = site_by_join_code_from_address(code)
    return render_template("phone/phone.html", event=site.event, site=site)


@bp.get("/e/<slug>/control")
def control(slug: str):
    """The chair's control panel."""
    event = event_by_slug(slug)
    caller, token = page_caller(event, Role.CHAIR)
    return render_template("chair/control.html", event=event, caller=caller, slots=planned_slots(event),
                           token=token)


@bp.get("/e/<slug>/programme")
def programme_editor(slug: str):
    """The chair's programme editor: add, edit, reorder and delete segments."""
    event = event_by_slug(slug)
    caller, token = page_caller(event, Role.CHAIR)
    return render_template("chair/programme.html", event=event, caller=caller, token=token,
                           kind_fields=KIND_FIELDS, kind_required=KIND_REQUIRED,
                           kind_fields_json={kind.value: sorted(fields) for kind, fields in KIND_FIELDS.items()},
                           kind_required_json={kind.value: sorted(fields) for kind, fields in KIND_REQUIRED.items()})


@bp.get("/e/<slug>/audience")
def audience(slug: str):
    """The chair's polls and Q&A: run every poll, see its results per site, moderate answers and questions."""
    event = event_by_slug(slug)
    caller, token = page_caller(event, Role.CHAIR)
    return render_template("chair/audience.html", event=event, caller=caller, token=token,
                           results_url=results_url(event.slug, "__key__"))


@bp.get("/e/<slug>/results/<poll_key>")
def poll_results_page(slug: str, poll_key: str):
    """A poll's public results page (the "vraag 1" link shared afterwards): only once the results are revealed;
    the chair (by the cookie of the chair's pages) previews it before."""
    event = event_by_slug(slug)
    poll = poll_by_key(event, poll_key)
    caller, token = cookie_caller(event, Role.CHAIR)
    chair = caller is not None
    if not chair and not is_public(poll):
        return render_template("results/not_yet.html", event=event, poll=poll), 403
    return render_template("results/poll.html", event=event, poll=poll, preview=chair and not is_public(poll),
                           token=token if chair else "", document=results_document(event, poll, crew=chair),
                           qr=qr_svg(results_url(event.slug, poll.key)), url=results_url(event.slug, poll.key))


@bp.get("/e/<slug>/results/<poll_key>/qr.svg")
def poll_results_qr(slug: str, poll_key: str):
    """The QR code of a poll's public results link (public: it opens nothing before the reveal)."""
    event = event_by_slug(slug)
    poll = poll_by_key(event, poll_key)
    return Response(str(qr_svg(results_url(event.slug, poll.key))), mimetype="image/svg+xml")


def results_url(slug: str, poll_key: str) -> str:
    """The public results link of a poll, as printed and shared."""
    return public_base_url(current_app.config) + url_for("pages.poll_results_page", slug=slug, poll_key=poll_key)


@bp.get("/e/<slug>/report")
def report(slug: str):
    """The report of the event (the white book), for the chair: readable during the event (partial), printable
    to PDF afterwards. It renders the same document as the JSON export."""
    event = event_by_slug(slug)
    caller, token = page_caller(event, Role.CHAIR)
    document = build_report(event)
    zone = ZoneInfo(event.timezone)

    def at(iso: str | None, pattern: str = "%H:%M") -> str:
        """An ISO time of the report as the event's local time of day ("" for none)."""
        return datetime.fromisoformat(iso).astimezone(zone).strftime(pattern) if iso else ""

    return render_template("chair/report.html", event=event, caller=caller, token=token,
                           report=document, site_names={site["key"]: site["name"] for site in document["sites"]},
                           kinds={segment.id: segment.kind for segment in event.segments}, at=at)


@bp.get("/e/<slug>/report/programme-template.yaml")
def programme_template_download(slug: str):
    """The programme as a template for the next event (a programme file that `flask programme import` takes)."""
    event = event_by_slug(slug)
    download_caller(event, Role.CHAIR)
    today = utcnow().astimezone(ZoneInfo(event.timezone)).date()
    return Response(programme_template_yaml(event, today), mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-template.yaml"', "Cache-Control": "no-store"})


@bp.get("/e/<slug>/links")
def links(slug: str):
    """Every access link with its QR code, to print into the run sheet (chair only)."""
    event = event_by_slug(slug)
    caller, token = page_caller(event, Role.CHAIR)
    all_links = event_links(event)
    polls = db.session.scalars(select(Poll).where(Poll.event_id == event.id)
                               .order_by(Poll.segment_id, Poll.position, Poll.id)).all()
    return render_template("chair/links.html", event=event, caller=caller, links=all_links, qr_svg=qr_svg,
                           token=token,
                           poll_links=[(poll, results_url(event.slug, poll.key)) for poll in polls])


@bp.get("/e/<slug>/host/<site_key>")
def host(slug: str, site_key: str):
    """A site host's panel."""
    event = event_by_slug(slug)
    site = site_by_key(event, site_key)
    caller, token = page_caller(event, Role.HOST, site)
    return render_template("host/panel.html", event=event, site=site, caller=caller, slots=planned_slots(event),
                           token=token)


@bp.get("/e/<slug>/screen/<site_key>")
def screen(slug: str, site_key: str):
    """A site's room screen (add ?overlay=1 for a transparent broadcast overlay)."""
    event = event_by_slug(slug)
    site = site_by_key(event, site_key)
    caller, token = page_caller(event, Role.SCREEN, site)
    join = join_link(site)
    live = db.session.get(LiveState, event.id)
    now = db.session.get(Segment, live.current_segment_id) if live.current_segment_id else None
    slots = planned_slots(event)
    return render_template("screen/screen.html", event=event, site=site, caller=caller, join=join,
                           qr=qr_svg(join["url"]), overlay=request.args.get("overlay") == "1", now=now,
                           first_start=slots[0].start.strftime("%H:%M") if slots else None,
                           token=token)


@bp.get("/e/<slug>/speaker/<site_key>")
def speaker(slug: str, site_key: str):
    """A site's speaker view: what the person on stage sees (time left, what is next, the chair's message)."""
    event = event_by_slug(slug)
    site = site_by_key(event, site_key)
    caller, token = page_caller(event, Role.SPEAKER, site)
    return render_template("speaker/speaker.html", event=event, site=site, caller=caller, token=token)


@bp.post("/e/<slug>/control")
@bp.post("/e/<slug>/programme")
@bp.post("/e/<slug>/audience")
@bp.post("/e/<slug>/links")
@bp.post("/e/<slug>/report")
def open_chair_link(slug: str):
    """The loader of a chair page exchanges the link's token for the cookie of the chair's pages."""
    return exchange_link(event_by_slug(slug), Role.CHAIR, None)


@bp.post("/e/<slug>/host/<site_key>")
def open_host_link(slug: str, site_key: str):
    """The loader of a host panel exchanges the link's token for the panel's cookie."""
    event = event_by_slug(slug)
    return exchange_link(event, Role.HOST, site_by_key(event, site_key))


@bp.post("/e/<slug>/screen/<site_key>")
def open_screen_link(slug: str, site_key: str):
    """The loader of a room screen exchanges the link's token for the screen's cookie."""
    event = event_by_slug(slug)
    return exchange_link(event, Role.SCREEN, site_by_key(event, site_key))


@bp.post("/e/<slug>/speaker/<site_key>")
def open_speaker_link(slug: str, site_key: str):
    """The loader of a speaker view exchanges the link's token for the view's cookie."""
    event = event_by_slug(slug)
    return exchange_link(event, Role.SPEAKER, site_by_key(event, site_key))


@bp.get("/e/<slug>/sites/<site_key>/join-qr.svg")
def join_qr(slug: str, site_key: str):
    """The QR code of a site's join link (public: the join code is on the screen anyway)."""
    site = site_by_key(event_by_slug(slug), site_key)
    return Response(str(qr_svg(join_link(site)["url"])), mimetype="image/svg+xml")
