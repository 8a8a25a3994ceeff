"""The report (white book) in a real browser against the real server, after a rehearsed and run event: the page
shows the JSON's figures with the results pages' charts, downloads the JSON and the programme template, and prints
to A4 without the navigation, each section on a page of its own. Screenshots and the PDF under test-artifacts/."""

import json
import re

import pytest
import requests
from playwright.sync_api import expect

from eventapp.extensions import db
from eventapp.programme.yamlfile import read_programme
from tests.conftest import DEMO_SLUG, RealServer
from tests.test_report import run_the_event

pytestmark = [pytest.mark.browser, pytest.mark.own_database]  # the real server reads the database the test wrote


@pytest.fixture
def ran_server(app, demo, tmp_path):
    """The real server on a database where the demo event was rehearsed and run (written before it starts)."""
    run_the_event(demo)
    db.session.remove()
    db.engine.dispose()
    server = RealServer(tmp_path / "instance").start()
    yield server
    server.stop()


def test_the_report_page_shows_the_report_and_prints_to_a4(page, ran_server, artifacts):
    links = ran_server.links()
    token = links["chair"]["token"]
    report = requests.get(f"{ran_server.base_url}/api/v1/events/{DEMO_SLUG}/report",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    asked = [item for item in report["polls"] if item["asked"]]

    page.goto(f"{ran_server.base_url}/e/{DEMO_SLUG}/report?lang=en#token={token}")
    expect(page.get_by_test_id("report")).to_be_visible()
    expect(page.locator("nav.tabs [aria-current=page]")).to_have_text("Report")
    # Every asked poll is drawn by the results view (a chart or the word cloud), none of the others.
    for item in asked:
        body = page.locator(f"[data-poll='{item['poll']['key']}'] .results-body")
        expect(body.locator("canvas").first).to_be_visible()
    expect(page.locator(".report-poll.not-asked .results-body")).to_have_count(0)
    # The figures on the page are the JSON's.
    for key, figures in report["attendance"]["sites"].items():
        expect(page.locator(f"[data-figure='attendance.{key}.joined']")).to_have_text(str(figures["joined"]))
        expect(page.locator(f"[data-figure='attendance.{key}.voted']")).to_have_text(str(figures["voted"]))
    for item in report["polls"]:
        expect(page.locator(f"[data-figure='poll.{item['poll']['key']}.voters']")) \
            .to_have_text(str(item["results"]["total"]["voters"]))
    table = page.locator("[data-poll='vraag-3'] .rv-table tbody")
    vraag3 = next(item for item in report["polls"] if item["poll"]["key"] == "vraag-3")
    for option in vraag3["results"]["total"]["options"]:
        expect(table.locator("tr", has_text=option["label"]).locator("td").first).to_contain_text(str(option["count"]))
    expect(page.get_by_test_id("report-learnings")).to_contain_text("<script>alert(1)</script>")  # as text
    expect(page.get_by_test_id("report-handoffs").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("report-partial")).to_have_count(0)
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("report-json").click()
    downloaded = json.loads(download.value.path().read_text())
    for document in (downloaded, report):
        document.pop("generated_at")
    assert downloaded == report

    with page.expect_download() as download:
        page.get_by_test_id("report-template").click()
    template = read_programme(download.value.path().read_text(encoding="utf-8"))
    assert template.event.slug == f"{DEMO_SLUG}-template" and len(template.segments) == len(report["programme"])

    # Print: no navigation or buttons, each section on its own A4 page, charts within the page width.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 688, "height": 1123})  # A4 at 96 dpi within the page's 14 mm margins
    for hidden in ("nav.tabs", ".topbar", ".report-actions"):
        assert page.locator(hidden).evaluate("e => getComputedStyle(e).display") == "none", hidden
    assert page.locator("#attendance").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    page.wait_for_timeout(500)  # the charts resize to the narrower page
    widths = page.locator(".report-poll canvas").evaluate_all("cs => cs.map(c => c.getBoundingClientRect().right)")
    assert widths and max(widths) <= 688
    page.screenshot(path=str(artifacts / "report-print.png"), full_page=True)
    pdf = page.pdf(path=str(artifacts / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 6, pages  # the cover with the programme, then five sections, each starting a page
