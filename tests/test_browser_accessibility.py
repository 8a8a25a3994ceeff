"""Accessibility: axe-core (from npm, node_modules/axe-core) checks every page in Dutch, the default language, in
headless Chromium against the real server, with the event under way (segments done, a poll open): the
chair's five pages, a poll's results page, a host panel, a room screen (also as the overlay) and the phone page
before and after joining. A violation of impact "serious" or "critical" fails the test, listed with its nodes."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PROJECT_ROOT, RealServer
from tests.crew import Chair, wait_live

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHAIR_PAGES = ("control", "programme", "audience", "links", "report")
SITE = "enschede"
OPEN_POLL = "vraag-3"

#: axe's script is injected into the page as an inline <script>, which the app's Content-Security-Policy
#: ("script-src 'self'") blocks, rightly. These contexts bypass the CSP for that reason only; the CSP itself is
#: tested elsewhere (test_security_headers, test_browser_xss).
BYPASS_CSP_FOR_AXE = {"bypass_csp": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server for this module: the event is moved on once, then the tests only look."""
    started = RealServer(tmp_path_factory.mktemp("a11y-server") / "instance").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def links(server):
    """The demo's links, with the event under way: segments done (the programme ran to the magic wall and went back),
    the polls for everyone on now with one open (so that the phone, the screen and the host panel show its form and
    results)."""
    links = server.links()
    chair = Chair(server, links)
    try:
        chair.do("event:start", {"confirm": True})
        chair.do("programme:jump", {"segment_id": chair.segment_id("handoff")})
        chair.do("programme:jump", {"segment_id": chair.segment_id("poll")})
        chair.open(OPEN_POLL)
    finally:
        chair.close()
    return links


def serious_violations(page) -> list[str]:
    """axe's violations of impact serious or critical on the page as it is now, one line per rule with its
    nodes (selector and why)."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' '))}))""")
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in violations if v["impact"] in BLOCKING]


def assert_no_serious_violations(page) -> None:
    """Fail with axe's serious and critical violations on the page, listed one rule a paragraph."""
    violations = serious_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


@pytest.fixture
def context(browser):
    """A fresh desktop context (1920x1080) that lets axe in; the test fails on a script error in its pages."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, **BYPASS_CSP_FOR_AXE)
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert not errors, errors


def open_crew_page(context, url: str):
    """Open a crew link and wait until the page is live on the socket."""
    page = context.new_page()
    page.goto(url)
    expect(page.locator("body[data-slug]")).to_have_count(1, timeout=15000)
    return page


@pytest.mark.parametrize("name", CHAIR_PAGES)
def test_the_chairs_pages_have_no_serious_accessibility_violations(context, links, name):
    page = open_crew_page(context, links["chair"]["url"].replace("/control#", f"/{name}#"))
    page.wait_for_load_state("networkidle")
    assert_no_serious_violations(page)


def test_a_polls_results_page_has_no_serious_accessibility_violations(context, server, links):
    open_crew_page(context, links["chair"]["url"]).close()  # the chair's cookie: the results page before the reveal
    page = context.new_page()
    page.goto(f"{server.base_url}/e/{links['event']}/results/{OPEN_POLL}")
    page.wait_for_load_state("networkidle")
    assert_no_serious_violations(page)


def test_the_host_panel_has_no_serious_accessibility_violations(context, links):
    page = open_crew_page(context, links["sites"][SITE]["host"]["url"])
    wait_live(page)
    assert_no_serious_violations(page)


@pytest.mark.parametrize("query", ["", "?overlay=1"], ids=["screen", "overlay"])
def test_the_room_screen_has_no_serious_accessibility_violations(context, links, query):
    address, _, fragment = links["sites"][SITE]["screen"]["url"].partition("#")
    page = open_crew_page(context, f"{address}{query}#{fragment}")
    wait_live(page)
    assert_no_serious_violations(page)


def test_the_phone_page_has_no_serious_accessibility_violations_before_and_after_joining(browser, links):
    context = browser.new_context(**PHONE, **BYPASS_CSP_FOR_AXE)
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        phone = context.new_page()
        phone.goto(links["sites"][SITE]["join"]["url"])
        wait_live(phone)
        before = serious_violations(phone)
        assert not before, "before joining:\n" + "\n".join(before)
        phone.get_by_role("button", name="Doe mee").click()
        expect(phone.locator("body")).to_have_attribute("data-joined", "yes")
        expect(phone.get_by_test_id("poll").get_by_role("button").first).to_be_visible()  # the poll's answers
        assert phone.get_by_role("heading", level=1).count() == 1  # the page keeps its title after joining
        assert_no_serious_violations(phone)
    finally:
        context.close()
    assert not errors, errors
