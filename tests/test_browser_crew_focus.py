"""Issue 19: on the host panel and the control panel, an action pressed with the keyboard leaves the keyboard focus
where it was (or on the next control of its group when the state disabled it), not at the top of the page."""

import pytest
from playwright.sync_api import expect

from tests.conftest import with_query
from tests.crew import Chair

pytestmark = pytest.mark.browser

FOCUSED = "() => { const e = document.activeElement; return e === document.body ? null : e.outerHTML; }"


def press_enter_on(page, locator):
    """Focus a control and press Enter on it, as a keyboard user does."""
    locator.focus()
    page.keyboard.press("Enter")


def test_the_host_panel_keeps_the_focus_on_the_button_pressed_after_the_push(real_server, page):
    links = real_server.links()
    chair = Chair(real_server, links)
    try:
        chair.do("event:start", {"confirm": True})
        chair.do("poll:create", {"poll": {"key": "enschede-q", "kind": "single", "question": "Welk podium?",
                                          "options": ["Podium 1", "Podium 2"]}, "site": "enschede", "segment_id": None})
        chair.do("cue:send", {"text": "Klaar?", "site": "enschede"})
        chair.do("programme:jump", {"segment_id": chair.segment_id("regional")})
        page.goto(with_query(links["sites"]["enschede"]["host"]["url"], "lang=en"))
        expect(page.get_by_test_id("connection")).to_have_text("Live")

        cue = page.get_by_test_id("cue").first
        press_enter_on(page, cue.get_by_role("button", name="Ready"))
        expect(cue).to_have_attribute("data-state", "ready")
        expect(cue.get_by_role("button", name="Ready")).to_be_focused()

        poll = page.get_by_test_id("own-poll").filter(has_text="Welk podium?")
        press_enter_on(page, poll.get_by_role("button", name="Open"))
        expect(poll.get_by_test_id("poll-state")).to_have_text("Open")
        expect(poll.get_by_role("button", name="Close")).to_be_focused()  # the same button, for what it does now

        item = page.get_by_test_id("item-button").nth(1)
        press_enter_on(page, item)
        expect(item).to_have_attribute("aria-pressed", "true")
        expect(item).to_be_focused()
        assert page.evaluate(FOCUSED) is not None
    finally:
        chair.close()


def test_the_control_panel_moves_the_focus_to_the_next_jump_when_the_row_jumped_to_is_on(real_server, page):
    links = real_server.links()
    chair = Chair(real_server, links)
    try:
        chair.do("event:start", {"confirm": True})
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(with_query(links["chair"]["url"], "lang=en"))
        expect(page.get_by_test_id("connection")).to_have_text("live")
        rows = page.locator("[data-testid=runsheet-rows] tr")
        press_enter_on(page, rows.nth(6).get_by_role("button"))
        expect(rows.nth(6)).to_have_attribute("aria-current", "step")
        expect(rows.nth(6).get_by_role("button")).to_be_disabled()
        expect(rows.nth(7).get_by_role("button")).to_be_focused()
    finally:
        chair.close()
