"""Crew links in a real browser against the real server: the token travels in the URL fragment only. No URL the
server receives holds it (its access log, every request Chromium sent), the address bar loses it on load, the page
opens from the cookie the loader exchanged it for, a replaced link's cookie is refused at the next load, and an old
`?token=` link gets a 400 page that says what to do."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import DEMO_SLUG, RealServer, logged_real_server, with_query

pytestmark = pytest.mark.browser

CHAIR_PAGES = ("control", "programme", "audience", "links", "report")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server for this module, with its access log on (it logs every request line)."""
    yield from logged_real_server(tmp_path_factory, "links-server")


@pytest.fixture(scope="module")
def server_links(server):
    return server.links()


@pytest.fixture
def context(browser):
    """A fresh browser context (no cookies); the test fails on a script error in its pages."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert not errors, errors


def crew_links(links: dict) -> list[str]:
    """Every crew link of the event: the chair's pages, and every site's host panel and screen."""
    urls = [links["chair"]["url"].replace("/control#", f"/{page}#") for page in CHAIR_PAGES]
    return urls + [site[role]["url"] for site in links["sites"].values() for role in ("host", "screen")]


def all_tokens(links: dict) -> list[str]:
    return [links["chair"]["token"]] + [site[role]["token"] for site in links["sites"].values()
                                         for role in ("host", "screen")]


def open_crew_page(page, url: str) -> None:
    """Open a crew link and wait until the page itself (not its loader) is there."""
    page.goto(url)
    expect(page.locator("body[data-slug]")).to_have_count(1, timeout=15000)


def test_no_token_is_in_any_url_the_server_receives(server, server_links, browser, context):
    tokens = all_tokens(server_links)
    sent = []  # every request Chromium sent: its URL and Referer
    for url in crew_links(server_links):
        page = context.new_page()
        page.on("request", lambda request: sent.append((request.url, request.headers.get("referer", ""))))
        open_crew_page(page, url)
        assert page.url == url.split("#")[0]
        page.close()
        context.clear_cookies()  # the next link opens through its loader too
    requested = " ".join(url + " " + referer for url, referer in sent)
    for token in tokens:
        assert token not in requested
    assert "token" not in requested
    assert any(url.endswith(f"/e/{DEMO_SLUG}/screen/online") for url, _ in sent)

    log = server.log()
    assert f'"POST /e/{DEMO_SLUG}/screen/online HTTP/1.1" 204' in log, "the access log shows the exchanges"
    assert f'"GET /e/{DEMO_SLUG}/screen/online HTTP/1.1" 200' in log
    for token in tokens:
        assert token not in log
    assert "token=" not in log, "not even redacted: no URL held a token"


def test_the_token_is_gone_from_the_address_bar_after_load(server, server_links, context):
    page = context.new_page()
    url = server_links["sites"]["enschede"]["host"]["url"]
    open_crew_page(page, url)
    assert page.url == url.split("#")[0]
    assert page.evaluate("window.location.hash") == ""
    assert page.evaluate("document.body.dataset.token") == server_links["sites"]["enschede"]["host"]["token"]
    cookie, = [c for c in context.cookies() if c["name"] == "access_host"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == f"/e/{DEMO_SLUG}/host/enschede"
    assert page.evaluate("document.cookie") == "", "a page's script cannot read the cookie"

    # With the cookie the page opens at once; the link's token still leaves the address bar.
    open_crew_page(page, url)
    assert page.url == url.split("#")[0]


def test_a_replaced_links_cookie_is_refused_at_the_next_page_load(server, server_links, context):
    page = context.new_page()
    open_crew_page(page, with_query(server_links["sites"]["den-haag"]["screen"]["url"], "lang=en"))
    assert page.url.endswith("/screen/den-haag?lang=en")
    reply = requests.post(f"{server.base_url}/api/v1/events/{DEMO_SLUG}/links/rotate",
                          json={"role": "screen", "site": "den-haag"}, timeout=10,
                          headers={"Authorization": f"Bearer {server_links['chair']['token']}"})
    assert reply.status_code == 200, reply.text

    page.reload()
    refused = page.get_by_test_id("link-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("replaced by a new one")
    expect(page.locator("body[data-slug]")).to_have_count(0)

    open_crew_page(page, reply.json()["sites"]["den-haag"]["screen"]["url"])
    assert page.url.endswith("/screen/den-haag"), "the new link opens the page in the same browser"


def test_a_wrong_token_in_the_fragment_gets_the_reason_on_the_page(server, server_links, context):
    page = context.new_page()
    page.goto(f"{server.base_url}/e/{DEMO_SLUG}/screen/enschede?lang=en"
              f"#token={server_links['sites']['enschede']['host']['token']}")
    refused = page.get_by_test_id("link-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("This link belongs to the host panel of Enschede, not to the screen of Enschede.")
    expect(page.get_by_test_id("link-status")).to_have_text("403")
    assert "#" not in page.url


def test_a_page_without_a_token_or_cookie_says_so(server, context):
    page = context.new_page()
    page.goto(f"{server.base_url}/e/{DEMO_SLUG}/control?lang=en")
    expect(page.get_by_test_id("link-refused")).to_contain_text("This link is not valid for the control panel")
    expect(page.get_by_test_id("link-opening")).to_be_hidden()


def test_an_old_link_with_the_token_in_its_query_gets_a_400_page(server, server_links, context):
    page = context.new_page()
    response = page.goto(f"{server.base_url}/e/{DEMO_SLUG}/control?token={server_links['chair']['token']}&lang=en")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("no longer accepted")
    expect(page.get_by_role("alert")).to_contain_text("#token=")
    expect(page.locator("body[data-slug]")).to_have_count(0)


def test_the_chair_replacing_its_own_link_moves_the_links_page_to_the_new_one(tmp_path, browser, context):
    server = RealServer(tmp_path / "instance", env={"EVENTAPP_PRINT_LINKS": "false"}).start()
    try:
        links = server.links()
        page = context.new_page()
        open_crew_page(page, links["chair"]["url"].replace("/control#", "/links?lang=en#"))
        page.on("dialog", lambda dialog: dialog.accept())
        page.locator("[data-action=rotate][data-link-role=chair]").click()
        new = server.links()["chair"]["token"]
        assert new != links["chair"]["token"]
        expect(page.locator("body")).to_have_attribute("data-token", new, timeout=15000)
        assert re.fullmatch(rf"{re.escape(server.base_url)}/e/{DEMO_SLUG}/links(\?lang=en)?", page.url)
    finally:
        server.stop()


def test_a_page_opened_from_another_sites_link_still_finds_its_cookie(server, server_links, context):
    page = context.new_page()
    open_crew_page(page, server_links["chair"]["url"])
    clean = server_links["chair"]["url"].split("#")[0]
    other_site = server.base_url.replace("127.0.0.1", "localhost") + "/"  # another site for the browser
    page.goto(other_site)
    page.evaluate("""url => { const a = document.createElement("a"); a.href = url; a.textContent = "the panel";
                                document.body.append(a); }""", clean)
    page.get_by_text("the panel").click()  # a SameSite=Strict cookie is not sent with this request
    expect(page.locator("body[data-slug]")).to_have_count(1, timeout=15000)
    assert page.url == clean
