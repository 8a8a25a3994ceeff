"""What people see: the control panel, a room screen, a host panel and the phone page in headless Chromium,
with a screenshot of each in the artifacts folder."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import RealServer

pytestmark = pytest.mark.browser

#: The demo's segment titles, in programme order (config/demo_programme.yaml).
DEMO_SEGMENTS = [
    "Centrale aftrap", "Terugblik op Perspectief op Werk", "Vraag aan iedereen",
    "We schakelen nu live door naar Enschede", "Haardvuursessies in de regio's",
    "Pauze, daarna de gezamenlijke afsluiting", "Gezamenlijke afsluiting", "Rondje langs de velden",
    "Videoboodschap van staatssecretaris Dennis Wiersma",
    "Magic wall: het witboek gaat van Den Haag via Enschede naar Eindhoven", "Afsluiting en dank",
]
EVENT_TITLE = "Landelijke bijeenkomst Perspectief op Werk"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server for this module's tests: they look, and change nothing."""
    started = RealServer(tmp_path_factory.mktemp("browser-server") / "instance").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def server_links(server):
    """The demo's links, from the CLI."""
    return server.links()


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing sticks out sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def inside_viewport(page, locator) -> bool:
    """Whether the element is entirely within the window, not cut off at an edge."""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["x"] >= 0 and box["y"] >= 0 \
        and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]


def text_right_edge(page, selector: str) -> float:
    """Where the rightmost line of an element's text ends (its box may be wider than its text)."""
    return page.evaluate("""selector => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector(selector));
        return Math.max(...[...range.getClientRects()].map(rect => rect.right));
    }""", selector)


def test_the_control_panel_shows_the_run_sheet(page, server_links, artifacts):
    page.goto(server_links["chair"]["url"])
    runsheet = page.get_by_test_id("runsheet")
    expect(runsheet).to_be_visible()
    for title in DEMO_SEGMENTS:  # the title cells: in Dutch, the kind "Rondje langs de velden" is also a title
        expect(runsheet.locator(".row-title").filter(has_text=re.compile(f"^{re.escape(title)}$"))).to_be_visible()
    expect(page.get_by_text(EVENT_TITLE).first).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_text(re.compile("live"), timeout=10_000)
    page.screenshot(path=artifacts / "control.png", full_page=True)
    assert horizontal_overflow(page) <= 0


def test_the_enschede_screen_shows_the_title_and_the_join_qr_code(page, server_links, artifacts):
    page.goto(server_links["sites"]["enschede"]["screen"]["url"])
    code = server_links["sites"]["enschede"]["join"]["code"]
    expect(page.get_by_text(EVENT_TITLE).first).to_be_visible()
    expect(page.get_by_test_id("screen-site")).to_contain_text("Enschede")
    join = page.get_by_test_id("screen-join")
    expect(join).to_be_visible()
    expect(join.get_by_test_id("join-code")).to_have_text(f"{code[:3]} {code[3:]}")
    qr = join.locator("svg").first
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 200 and abs(box["width"] - box["height"]) < 2, box  # big and square: scannable
    assert inside_viewport(page, qr)
    assert inside_viewport(page, join.get_by_test_id("join-code"))
    assert text_right_edge(page, "[data-testid=screen-now] h1") < join.bounding_box()["x"]  # clear of the card
    page.screenshot(path=artifacts / "screen-enschede.png")
    assert horizontal_overflow(page) <= 0
    assert page.evaluate("document.documentElement.scrollHeight - window.innerHeight") <= 0  # a projector: no scrolling


def test_a_host_panel_shows_the_sites_own_part(page, server_links, artifacts):
    page.goto(server_links["sites"]["enschede"]["host"]["url"])
    expect(page.get_by_text("Host · Enschede").or_(page.get_by_text("Enschede").first).first).to_be_visible()
    expect(page.get_by_text("Drie podia in de Grolsch Veste").first).to_be_visible()
    expect(page.get_by_text("Podium 1: De beroepsgroepenketen", exact=False).first).to_be_visible()
    expect(page.get_by_text("We schakelen nu live door naar Enschede").first).to_be_visible()
    expect(page.get_by_text("Statements", exact=True)).to_have_count(0)  # Eindhoven's part is not Enschede's
    expect(page.get_by_text("Perspectief op Werk is nog lang niet klaar.")).to_have_count(0)
    page.screenshot(path=artifacts / "host-enschede.png", full_page=True)
    assert horizontal_overflow(page) <= 0


def test_the_phone_page_fits_a_phone(browser, server_links, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    errors = []
    try:
        phone = context.new_page()
        phone.on("pageerror", lambda error: errors.append(str(error)))
        phone.goto(server_links["sites"]["enschede"]["join"]["url"])
        expect(phone.get_by_text(EVENT_TITLE).first).to_be_visible()
        expect(phone.get_by_text("Enschede").first).to_be_visible()
        title = phone.get_by_role("heading", name=EVENT_TITLE)
        assert inside_viewport(phone, title)
        font_size = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font_size >= 16  # readable without zooming
        phone.screenshot(path=artifacts / "phone.png", full_page=True)
        assert horizontal_overflow(phone) <= 0
    finally:
        context.close()
    assert not errors, errors


def test_the_front_door_takes_a_typed_code_to_the_phone_page(browser, server, server_links):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(server.base_url + "/")
        code = server_links["sites"]["eindhoven"]["join"]["code"]
        phone.locator("input").first.fill(f"{code[:3]} {code[3:]}")
        phone.locator("input").first.press("Enter")
        expect(phone).to_have_url(server_links["sites"]["eindhoven"]["join"]["url"])
        expect(phone.get_by_text("Eindhoven").first).to_be_visible()
        assert horizontal_overflow(phone) <= 0
    finally:
        context.close()


def test_no_page_warns_about_its_permissions_policy(browser, server, server_links):
    site = server_links["sites"]["enschede"]
    context = browser.new_context()
    page = context.new_page()
    warnings = []
    page.on("console", lambda message: "Permissions-Policy" in message.text and warnings.append(message.text))
    for url in (server.base_url + "/", server_links["chair"]["url"], site["host"]["url"], site["screen"]["url"],
                site["join"]["url"]):
        page.goto(url)
    context.close()
    assert warnings == []
