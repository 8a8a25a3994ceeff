"""The closing in a real browser against the real server: a host writes its learnings in its panel, the closing
round shows each site's learnings on every screen, and the white book flies over the magic wall from Den Haag to
Enschede to Eindhoven, passed and caught in the host panels. Screenshots of the three screens during the hand-off
are left under test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.crew import url, wait_live
from tests.test_browser_screens import LAPTOP, PROJECTOR, assert_fits, shot

pytestmark = pytest.mark.browser
SITES = ("den-haag", "enschede", "eindhoven")


def flying_book_animation(page) -> str:
    return page.evaluate("() => getComputedStyle(document.querySelector('.wall-book')).animationName")


def test_learnings_the_closing_round_and_the_white_book_over_the_magic_wall(live_chair, server_links, open_page,
                                                                            browser, artifacts):
    screens = {key: open_page(url(server_links, key, "screen")) for key in SITES}
    hosts = {key: open_page(url(server_links, key, "host"), LAPTOP) for key in SITES}
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("regional")})

    # Den Haag's host writes the learnings in the panel; markup is refused with a clear message.
    den_haag = hosts["den-haag"]
    editor = den_haag.get_by_test_id("learnings-text")
    expect(editor).to_be_visible()
    editor.fill("Durf de confrontatie aan\n<b>Een heldere missie</b>")
    den_haag.get_by_test_id("learnings-save").click()
    expect(den_haag.get_by_test_id("host-alert")).to_contain_text("learning 2 contains markup")
    editor.fill("Durf de confrontatie met elkaar aan te gaan\n\nEen heldere missie om projecten aan te toetsen\n"
                "Ruimte om te experimenteren")
    expect(den_haag.get_by_test_id("learnings-count")).to_have_text("3 of at most 10")
    den_haag.get_by_test_id("learnings-save").click()
    expect(den_haag.get_by_test_id("learnings-status")).to_have_text("Saved.")
    expect(den_haag.get_by_test_id("host-alert")).to_be_empty()
    shot(den_haag, artifacts, "host-den-haag-learnings")
    live_chair.do("learnings:write", {"site": "eindhoven", "learnings": [
        "Stel elkaar de vragen die nieuwe invalshoeken opleveren", "De werkvloer is de beste leerplek",
        "Eigenaarschap op bestuurlijk niveau"]})

    # The closing round: every screen shows the site whose turn it is and its learnings; the editor is closed.
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("closing_round")})
    live_chair.do("closing:next")
    for page in screens.values():
        expect(page.get_by_test_id("now-title")).to_have_text("Learnings from Eindhoven")
        expect(page.get_by_test_id("learnings").locator("li")).to_have_count(3)
    live_chair.do("closing:next")
    live_chair.do("closing:next")
    for key, page in screens.items():
        expect(page.get_by_test_id("learnings").locator("li")).to_have_text([
            "Durf de confrontatie met elkaar aan te gaan", "Een heldere missie om projecten aan te toetsen",
            "Ruimte om te experimenteren"])
        wait_live(page)
        assert_fits(page)
        shot(page, artifacts, f"screen-{key}-closing-round-den-haag")
    expect(den_haag.get_by_test_id("learnings-final")).to_be_visible()
    expect(den_haag.get_by_test_id("learnings-form")).to_be_hidden()

    # The magic wall: Den Haag holds the white book.
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("handoff")})
    for key, page in screens.items():
        wall = page.get_by_test_id("magic-wall")
        expect(wall).to_have_attribute("data-holder", "den-haag")
        expect(wall).to_have_attribute("data-state", "held")
        expect(page.get_by_test_id("wall-status")).to_have_text("Den Haag has it")
        assert_fits(page)
        shot(page, artifacts, f"screen-{key}-1-den-haag-holds")
    expect(hosts["enschede"].get_by_test_id("wall-pass")).to_be_hidden()
    expect(den_haag.get_by_test_id("wall-to")).to_have_value("enschede")
    shot(den_haag, artifacts, "host-den-haag-pass")

    # Den Haag passes it on: every screen sees it leave Den Haag's wall and fly to Enschede's.
    den_haag.get_by_test_id("wall-pass-button").click()
    for page in screens.values():
        expect(page.get_by_test_id("magic-wall")).to_have_attribute("data-state", "in_flight")
    for key, page in screens.items():
        page.screenshot(path=str(artifacts / f"screen-{key}-2-flying-to-enschede.png"))
    for page in screens.values():
        expect(page.get_by_test_id("wall-status")).to_have_text("On its way from Den Haag to Enschede")
        assert flying_book_animation(page).startswith("wall-fly")
    for key, page in screens.items():
        expect(page.get_by_test_id("wall-status")).to_have_text("Enschede, catch it!", timeout=6000)
        shot(page, artifacts, f"screen-{key}-3-waiting-for-enschede")

    # A screen that reloads in mid-flight shows the same flight, with one object and one sender.
    screens["eindhoven"].reload()
    wall = screens["eindhoven"].get_by_test_id("magic-wall")
    expect(wall).to_have_attribute("data-to", "enschede")
    expect(wall).to_have_attribute("data-holder", "den-haag")
    expect(screens["eindhoven"].locator(".wall-book")).to_have_count(1)
    expect(screens["eindhoven"].get_by_test_id("wall-status")).to_have_text("Enschede, catch it!")

    # Reduced motion: the same flight as a cross-fade.
    context = browser.new_context(viewport=PROJECTOR, reduced_motion="reduce")
    try:
        calm = context.new_page()
        calm.goto(url(server_links, "den-haag", "screen"))
        expect(calm.get_by_test_id("magic-wall")).to_have_attribute("data-state", "in_flight")
        assert flying_book_animation(calm).startswith("wall-fade")
    finally:
        context.close()

    # Enschede catches it and passes it on to Eindhoven, which catches it.
    enschede = hosts["enschede"]
    expect(enschede.get_by_test_id("wall-state")).to_have_text("On its way from Den Haag to you: catch it!")
    shot(enschede, artifacts, "host-enschede-catch")
    enschede.get_by_test_id("wall-catch").click()
    for key, page in screens.items():
        expect(page.get_by_test_id("magic-wall")).to_have_attribute("data-holder", "enschede")
        expect(page.get_by_test_id("wall-status")).to_have_text("Enschede has it")
        shot(page, artifacts, f"screen-{key}-4-enschede-holds")
    expect(enschede.get_by_test_id("wall-to")).to_have_value("eindhoven")
    enschede.get_by_test_id("wall-pass-button").click()
    for page in screens.values():
        expect(page.get_by_test_id("magic-wall")).to_have_attribute("data-to", "eindhoven")
    page = screens["den-haag"]
    page.wait_for_timeout(1400)  # halfway
    for key, page in screens.items():
        page.screenshot(path=str(artifacts / f"screen-{key}-5-flying-to-eindhoven.png"))
    expect(hosts["eindhoven"].get_by_test_id("wall-catch")).to_be_visible()
    hosts["eindhoven"].get_by_test_id("wall-catch").click()
    for key, page in screens.items():
        expect(page.get_by_test_id("magic-wall")).to_have_attribute("data-holder", "eindhoven")
        expect(page.get_by_test_id("magic-wall")).to_have_attribute("data-state", "held")
        expect(page.locator(".wall-panel.is-holder")).to_have_count(1)
        shot(page, artifacts, f"screen-{key}-6-eindhoven-holds")
    expect(hosts["eindhoven"].get_by_test_id("wall-state")).to_have_text(
        "You have it. Pass it on when the chair gives the sign.")
