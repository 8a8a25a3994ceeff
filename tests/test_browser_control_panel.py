"""The chair's live control panel in a real browser against the real server: start the event, go to the next
segment by keyboard, go live to Enschede, send a cue, put a message on the screens; see each on the panel and
in the API's state. Also: a refused action is shown, the panel says so when the server is away, a rehearsal."""

import re
import subprocess
import sys

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PROJECT_ROOT, with_query
from tests.crew import Chair

pytestmark = pytest.mark.browser


class Panel:
    """The control panel page, as the chair sees and uses it."""

    def __init__(self, page, server, links):
        self.page = page
        self.server = server
        self.links = links
        self.token = links["chair"]["token"]
        self.connection = page.get_by_test_id("connection")
        self.status = page.get_by_test_id("event-status")
        self.now = page.get_by_test_id("now-title")
        self.next = page.get_by_test_id("next-title")
        self.countdown = page.get_by_test_id("countdown")
        self.rows = page.locator("[data-testid=runsheet-rows] tr")
        self.error = page.get_by_test_id("action-error")
        self.ok = page.get_by_test_id("action-status")
        self.cues = page.get_by_test_id("cue")

    def open(self, lang: str = "en"):
        """Open the panel and wait until it is live."""
        self.page.goto(with_query(self.links["chair"]["url"], f"lang={lang}"))
        expect(self.connection).to_have_text("live")
        expect(self.rows.first).to_be_visible()

    def start(self):
        """Start the event for real: "Start event", then "Start for real" in the dialog that asks first."""
        self.page.get_by_role("button", name="Start event").click()
        self.page.get_by_test_id("start-dialog").get_by_role("button", name="Start for real").click()

    def site(self, key: str):
        """The tally card of a site."""
        return self.page.locator(f"[data-testid=site-card][data-site={key}]")

    def state(self) -> dict:
        """The snapshot as the API has it now (chair token: the crew snapshot)."""
        response = requests.get(f"{self.server.base_url}/api/v1/events/{self.links['event']}/state",
                                headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def shot(self, folder, name: str):
        """A screenshot of what the chair sees (the viewport, as on the desk's monitor)."""
        self.page.screenshot(path=str(folder / name))


@pytest.fixture
def panel(real_server, page):
    """The control panel of the demo event, opened in English."""
    panel = Panel(page, real_server, real_server.links())
    panel.open()
    return panel


def test_the_chair_runs_the_event_from_the_control_panel(panel, artifacts):
    page = panel.page
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)

    # Before the start: planned, the first segment is next, the run sheet is the API's.
    state = panel.state()
    expect(panel.status).to_have_text("planned")
    expect(panel.now).to_have_text("The event has not started.")
    expect(panel.next).to_have_text("Centrale aftrap")
    expect(panel.rows).to_have_count(len(state["runsheet"]))
    expect(panel.rows.nth(3)).to_contain_text("We schakelen nu live door naar Enschede")
    expect(panel.rows.nth(3)).to_contain_text("13:30")
    expect(page.get_by_test_id("planned-end")).to_have_text("16:00")
    expect(page.get_by_test_id("next")).to_be_disabled()
    expect(page.get_by_test_id("video")).to_be_hidden()

    # Start the event: the first segment is on, its countdown runs from its planned length.
    panel.start()
    expect(panel.status).to_have_text("live")
    expect(panel.now).to_have_text("Centrale aftrap")
    expect(panel.next).to_have_text("Terugblik op Perspectief op Werk")
    expect(panel.countdown).to_have_text(re.compile(r"^(10:00|9:[0-5]\d)$"))
    expect(panel.rows.first).to_have_attribute("aria-current", "step")
    expect(panel.rows.first.get_by_test_id("actual-start")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(panel.site("den-haag").get_by_test_id("tally")).to_contain_text("ON AIR")
    state = panel.state()
    assert (state["status"], state["segment"]["title"], state["on_air"]) == ("live", "Centrale aftrap", "den-haag")
    panel.shot(artifacts, "control-start.png")

    # Next by keyboard; back with the arrow key; once more back is refused and the panel says why.
    page.keyboard.press("n")
    expect(panel.now).to_have_text("Terugblik op Perspectief op Werk")
    assert panel.state()["segment"]["position"] == 1
    expect(panel.rows.nth(1)).to_have_attribute("aria-current", "step")
    expect(panel.rows.first.get_by_test_id("drift")).to_have_text(re.compile(r"^[+-]\d+:\d\d"))
    page.keyboard.press("ArrowLeft")
    expect(panel.now).to_have_text("Centrale aftrap")
    page.keyboard.press("ArrowLeft")
    expect(panel.error).to_contain_text("this is the first segment")
    page.keyboard.press("PageDown")
    expect(panel.now).to_have_text("Terugblik op Perspectief op Werk")
    expect(panel.error).to_be_empty()
    assert panel.state()["segment"]["position"] == 1

    # Go live to Enschede, after confirming.
    panel.site("enschede").get_by_role("button", name="Go live to Enschede").click()
    expect(panel.site("enschede").get_by_test_id("tally")).to_contain_text("ON AIR")
    expect(panel.site("den-haag").get_by_test_id("tally")).not_to_contain_text("ON AIR")
    expect(panel.site("enschede").get_by_role("button", name="Go live to Enschede")).to_be_disabled()
    assert questions == ["Go live to Enschede? Every screen switches to Enschede."]
    assert panel.state()["on_air"] == "enschede"

    # A cue to Enschede's host.
    page.get_by_label("To", exact=True).select_option("enschede")
    page.get_by_label("Cue", exact=True).fill("Klaar om live te gaan?")
    page.get_by_role("button", name="Send cue").click()
    expect(panel.ok).to_contain_text("Cue sent.")
    expect(panel.cues.first).to_contain_text("Klaar om live te gaan?")
    expect(panel.cues.first).to_contain_text("Enschede")
    expect(panel.cues.first.get_by_test_id("cue-state")).to_have_text("sent")
    cue = panel.state()["cues"][-1]
    assert (cue["text"], cue["site"], cue["state"]) == ("Klaar om live te gaan?", "enschede", "sent")

    # A message on every screen, typed key by key: the keys typed into a field are no shortcuts
    # ("n" would go to the next segment, "2" live to Enschede).
    page.get_by_label("Message on the screen").press_sequentially("nog 2 minuten")
    page.get_by_role("button", name="Show message").click()
    expect(panel.ok).to_contain_text("Message shown.")
    for key in ("den-haag", "enschede", "eindhoven", "online"):
        expect(panel.site(key).get_by_test_id("site-message")).to_have_text("message: nog 2 minuten")
    state = panel.state()
    assert [site["message"] for site in state["sites"]] == ["nog 2 minuten"] * 4
    assert (state["segment"]["position"], state["on_air"]) == (1, "enschede")
    expect(panel.now).to_have_text("Terugblik op Perspectief op Werk")
    panel.shot(artifacts, "control-live-enschede.png")

    # Clear it on Eindhoven's screen only.
    page.get_by_label("Screen", exact=True).select_option("eindhoven")
    page.get_by_role("button", name="Clear message").click()
    expect(panel.site("eindhoven").get_by_test_id("site-message")).to_have_count(0)
    expect(panel.site("enschede").get_by_test_id("site-message")).to_be_visible()
    assert [site["message"] for site in panel.state()["sites"]] == ["nog 2 minuten", "nog 2 minuten", "",
                                                                     "nog 2 minuten"]

    # On a laptop screen the panel still fits without sideways scrolling.
    page.set_viewport_size({"width": 1366, "height": 768})
    panel.shot(artifacts, "control-1366.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_a_site_card_shows_a_poll_left_open_in_eindhoven_covered_by_the_closing_round_and_clear_takes_it_off(
        real_server, panel, artifacts):
    chair = Chair(real_server, panel.links)
    try:
        chair.do("event:start", {"confirm": True})
        chair.do("poll:create", {"poll": {"key": "eindhoven-thema", "kind": "single",
                                          "question": "Welk thema pakken we op?", "options": ["Scholing", "Netwerk"]},
                                 "site": "eindhoven", "segment_id": None})
        poll = chair.poll("eindhoven-thema")
        chair.do("poll:open", {"poll_id": poll["id"]})
        chair.do("poll:show", {"poll_id": poll["id"], "pinned": True})
        eindhoven = panel.site("eindhoven")
        shown = eindhoven.get_by_test_id("site-poll")
        expect(eindhoven.get_by_test_id("site-shows")).to_have_text("poll")
        expect(shown).to_contain_text("poll eindhoven-thema: Welk thema pakken we op?")
        expect(shown.get_by_test_id("pinned")).to_have_text("pinned")
        expect(shown.get_by_test_id("covered")).to_have_count(0)

        # The closing round covers it: Eindhoven's screen shows the round, the card says the poll waits under it.
        chair.do("programme:jump", {"segment_id": chair.segment_id("closing_round")})
        expect(eindhoven.get_by_test_id("site-shows")).to_have_text("closing round")
        expect(shown.get_by_test_id("covered")).to_have_text("covered")
        expect(panel.site("enschede").get_by_test_id("site-poll")).to_have_count(0)
        expect(panel.site("enschede").get_by_test_id("site-clear")).to_be_disabled()  # nothing but the programme
        panel.shot(artifacts, "control-covered-poll.png")

        # One click takes it off Eindhoven's screen; the poll itself stays open.
        eindhoven.get_by_test_id("site-clear").click()
        expect(panel.ok).to_contain_text("Eindhoven: the screen is back on the programme.")
        expect(shown).to_have_count(0)
        expect(eindhoven.get_by_test_id("site-clear")).to_be_disabled()
        site = next(site for site in panel.state()["sites"] if site["key"] == "eindhoven")
        assert (site["poll"], site["screen"]["show"], site["screen"]["covered"]) == (None, "closing_round", [])
        assert chair.poll("eindhoven-thema")["state"] == "open"

        # A refusal is shown like the panel's other actions.
        eindhoven.get_by_test_id("site-clear").evaluate(
            "element => { element.disabled = false; element.dataset.site = 'atlantis'; }")
        eindhoven.get_by_test_id("site-clear").click()
        expect(panel.error).to_contain_text("Refused (screen:clear)")
    finally:
        chair.close()


def test_jumping_and_ending_ask_first_and_dismissing_changes_nothing(panel):
    page = panel.page
    panel.start()
    expect(panel.now).to_have_text("Centrale aftrap")
    before = panel.state()["version"]

    page.once("dialog", lambda dialog: dialog.dismiss())
    panel.rows.nth(8).get_by_role("button", name=re.compile("^Jump to")).click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.keyboard.press("3")  # go live to Eindhoven
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="End event").click()
    assert panel.state()["version"] == before
    expect(panel.now).to_have_text("Centrale aftrap")

    page.once("dialog", lambda dialog: dialog.accept())
    panel.rows.nth(8).get_by_role("button", name=re.compile("^Jump to")).click()
    expect(panel.now).to_have_text("Videoboodschap van staatssecretaris Dennis Wiersma")
    expect(page.get_by_test_id("video")).to_be_visible()
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_test_id("video-state")).to_have_text("playing")
    expect(page.get_by_role("button", name="Play")).to_be_disabled()
    assert panel.state()["video"]["state"] == "playing"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End event").click()
    expect(panel.status).to_have_text("ended")
    expect(panel.now).to_have_text("The event has ended.")
    expect(page.get_by_role("button", name="Start event")).to_be_disabled()
    assert panel.state()["status"] == "ended"


def test_a_rehearsal_is_unmistakable_and_its_reset_asks_first(panel, artifacts):
    page = panel.page
    band = page.get_by_test_id("rehearsal-band")
    expect(band).to_be_hidden()
    page.get_by_role("button", name="Start rehearsal").click()  # the rehearsal runs at once, asking nothing
    expect(band).to_be_visible()
    expect(page.get_by_test_id("mode")).to_have_text("REHEARSAL")
    expect(panel.now).to_have_text("Centrale aftrap")
    panel.shot(artifacts, "control-rehearsal.png")
    assert panel.state()["mode"] == "rehearsal"

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Reset rehearsal").click()
    expect(band).to_be_hidden()
    expect(panel.status).to_have_text("planned")
    assert "votes" in questions[0] and "real run" in questions[0]
    state = panel.state()
    assert (state["mode"], state["status"], state["segment"]) == ("real", "planned", None)


def test_the_panel_dims_and_says_so_while_the_server_is_away(real_server, browser, artifacts):
    # Its own browser context: the failed reconnects are console errors, which the `page` fixture refuses.
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        panel = Panel(page, real_server, real_server.links())
        panel.open()
        panel.start()
        expect(panel.now).to_have_text("Centrale aftrap")

        real_server.stop()
        banner = page.get_by_test_id("connection-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("reconnecting")
        expect(panel.connection).to_have_text("reconnecting…")
        expect(page.locator("body")).to_have_class(re.compile(r"\bis-offline\b"))
        assert page.evaluate("document.getElementById('panel').inert")
        page.keyboard.press("n")
        expect(panel.error).to_contain_text("Not sent")
        panel.shot(artifacts, "control-offline.png")

        real_server.start()  # the same port and database, as after a restart
        expect(panel.connection).to_have_text("live", timeout=20000)
        expect(banner).to_be_hidden()
        expect(panel.now).to_have_text("Centrale aftrap")  # the server resumed where the event was
    finally:
        context.close()


def test_a_replaced_chair_link_is_refused_with_the_reason(real_server, browser, artifacts):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        panel = Panel(page, real_server, real_server.links())
        panel.open()
        subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "rotate-links", panel.links["event"],
                        "--role", "chair"], cwd=PROJECT_ROOT, env=real_server.env, capture_output=True, check=True,
                       timeout=60)
        real_server.stop()
        real_server.start()  # the panel reconnects with its old link, which is no longer valid
        expect(panel.connection).to_have_text("refused", timeout=20000)
        banner = page.get_by_test_id("connection-banner")
        expect(banner).to_contain_text("this link is not valid (anymore)")
        expect(page.locator("body")).to_have_class(re.compile(r"\bis-offline\b"))
        panel.shot(artifacts, "control-refused.png")
    finally:
        context.close()
