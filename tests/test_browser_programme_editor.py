"""The chair's programme editor in a real browser against the real server: add, edit, move and delete a
segment through the page, see a refusal in the dialog, and find each change in the API afterwards."""

import re

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def is_refusal_shown_by_the_page(message) -> bool:
    """Chromium logs every 4xx answer as a console error; the API's refusals these tests provoke (400, 404,
    409) are answers the page shows, not script errors."""
    return (message.text.startswith("Failed to load resource")
            and re.search(r"status of (400|404|409)\b", message.text) is not None
            and "/api/v1/" in message.location.get("url", ""))


@pytest.fixture
def page(browser):
    """Like conftest's page (1920x1080, fails on script errors), but lets the provoked API refusals pass."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and not is_refusal_shown_by_the_page(message)
            and errors.append(f"{message.text} ({message.location.get('url')})"))
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"


class Editor:
    """The programme editor page, as the chair sees and uses it."""

    def __init__(self, page, server, links):
        self.page = page
        self.server = server
        self.links = links
        self.token = links["chair"]["token"]
        self.rows = page.get_by_test_id("segment")
        self.dialog = page.get_by_test_id("segment-dialog")
        self.status = page.get_by_test_id("programme-status")

    def open(self, lang: str = "en"):
        """Open the editor and wait until the list has loaded."""
        self.page.goto(f"{self.server.base_url}/e/{self.links['event']}/programme?lang={lang}#token={self.token}")
        expect(self.rows.first).to_be_visible()

    def row(self, title: str):
        """The row of the segment with this title."""
        return self.rows.filter(has=self.page.locator(".segment-title", has_text=title))

    def titles(self) -> list[str]:
        """The titles the list shows, in order."""
        return self.page.locator("[data-testid=segment] .segment-title").all_text_contents()

    def api_programme(self) -> dict:
        """The programme as the API has it now."""
        response = requests.get(f"{self.server.base_url}/api/v1/events/{self.links['event']}/programme",
                                headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        response.raise_for_status()
        return response.json()

    def shot(self, folder, name: str):
        """A screenshot of the whole page."""
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def editor(real_server, page):
    """The editor page of the demo event, opened in English."""
    editor = Editor(page, real_server, real_server.links())
    editor.open()
    return editor


def api_titles(programme: dict) -> list[str]:
    return [item["segment"]["title"] for item in programme["segments"]]


def test_the_editor_lists_the_programme_with_planned_times_and_sites(editor, artifacts):
    programme = editor.api_programme()
    expect(editor.rows).to_have_count(len(programme["segments"]))
    assert editor.titles() == api_titles(programme)
    first = editor.rows.first
    expect(first.locator(".start")).to_have_text("13:00")
    expect(first.locator(".origin")).to_have_text("Den Haag")
    expect(editor.row("We schakelen nu live door naar Enschede").locator(".origin")).to_have_text("Enschede")
    expect(editor.row("Haardvuursessies").locator(".parts li")).to_have_count(7)  # 4 parts, 3 statements
    expect(first.get_by_role("button", name="Move up")).to_be_disabled()
    expect(editor.rows.last.get_by_role("button", name="Move down")).to_be_disabled()
    editor.shot(artifacts, "01-list-1920")
    editor.page.set_viewport_size({"width": 1366, "height": 768})
    editor.shot(artifacts, "02-list-1366")
    width = editor.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, "the list fits a laptop screen without sideways scrolling"


def test_the_chair_adds_edits_moves_and_deletes_a_segment(editor, artifacts):
    page = editor.page
    count = len(editor.api_programme()["segments"])

    # Add: a break after the third segment, without a start time (it follows the previous one).
    page.get_by_role("button", name="Add segment").click()
    expect(editor.dialog).to_be_visible()
    expect(editor.dialog.get_by_label("Kind")).to_be_focused()
    editor.dialog.get_by_label("Kind").select_option("break")
    expect(editor.dialog.get_by_label("From site")).to_be_disabled()
    editor.dialog.get_by_label("Title").fill("Koffie en thee")
    editor.dialog.get_by_label("Duration (minutes)").fill("5")
    editor.dialog.get_by_label("Place").select_option(label="After 3. Vraag aan iedereen")
    editor.shot(artifacts, "03-add-dialog")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(editor.dialog).to_be_hidden()
    expect(editor.status).to_have_text("Segment added.")
    expect(editor.rows).to_have_count(count + 1)
    added = editor.rows.nth(3)
    expect(added.locator(".segment-title")).to_have_text("Koffie en thee")
    expect(added.locator(".start")).to_contain_text("13:30")  # follows "Vraag aan iedereen", 13:20 + 10 minutes
    expect(added.get_by_role("button", name="Edit")).to_be_focused()
    item = editor.api_programme()["segments"][3]
    assert (item["segment"]["kind"], item["segment"]["title"], item["segment"]["start"]) == \
        ("break", "Koffie en thee", None)
    segment_id = item["id"]

    # Edit its title.
    added.get_by_role("button", name="Edit").click()
    expect(editor.dialog.get_by_label("Title")).to_be_focused()
    expect(editor.dialog.get_by_label("Title")).to_have_value("Koffie en thee")
    editor.dialog.get_by_label("Title").fill("Koffiepauze")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(editor.status).to_have_text("Segment saved.")
    expect(editor.rows.nth(3).locator(".segment-title")).to_have_text("Koffiepauze")
    assert editor.api_programme()["segments"][3]["segment"]["title"] == "Koffiepauze"

    # Move it down, once with the mouse and once with the keyboard (the focus stays on the button).
    editor.row("Koffiepauze").get_by_role("button", name="Move down").click()
    expect(editor.status).to_have_text("Segment moved.")
    expect(editor.rows.nth(4).locator(".segment-title")).to_have_text("Koffiepauze")
    expect(editor.rows.nth(4).get_by_role("button", name="Move down")).to_be_focused()
    page.keyboard.press("Enter")
    expect(editor.rows.nth(5).locator(".segment-title")).to_have_text("Koffiepauze")
    editor.shot(artifacts, "04-moved")
    moved = editor.api_programme()
    assert [item["id"] for item in moved["segments"]].index(segment_id) == 5
    assert editor.titles() == api_titles(moved)

    # Delete it, after confirming.
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    editor.row("Koffiepauze").get_by_role("button", name="Delete").click()
    expect(editor.status).to_have_text("Segment deleted.")
    expect(editor.rows).to_have_count(count)
    assert questions == ["Delete the segment “Koffiepauze”? This cannot be undone."]
    after = editor.api_programme()
    assert segment_id not in [item["id"] for item in after["segments"]]
    assert editor.titles() == api_titles(after)


def test_dismissing_the_delete_question_keeps_the_segment(editor):
    before = editor.api_programme()
    editor.page.once("dialog", lambda dialog: dialog.dismiss())
    editor.rows.last.get_by_role("button", name="Delete").click()
    expect(editor.rows).to_have_count(len(before["segments"]))
    assert editor.api_programme() == before


def test_invalid_advanced_yaml_is_shown_in_the_dialog_and_the_input_is_kept(editor, artifacts):
    """The order of sites has no form field yet: it is in the "Advanced (YAML)" box, checked like the rest."""
    page = editor.page
    before = editor.api_programme()
    editor.row("Rondje langs de velden").get_by_role("button", name="Edit").click()
    editor.dialog.locator("summary").click()
    details = editor.dialog.get_by_label("Details (YAML)")
    expect(details).to_have_value("order:\n  - eindhoven\n  - enschede\n  - den-haag\n")
    expect(editor.dialog.get_by_test_id("advanced")).to_contain_text("Fields without a form field yet, in YAML: order.")
    problems = editor.dialog.get_by_role("alert")

    # A YAML syntax error, found in the browser: the API is not called.
    requests_made = []
    page.on("request", lambda request: "/api/" in request.url and requests_made.append(request.method))
    details.fill("order: [enschede")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(problems).to_contain_text("The details are not valid YAML")
    expect(problems).to_contain_text("Details (YAML), line 2")
    assert requests_made == []

    # A field that has its own form field is refused in the box, still in the browser.
    details.fill("order: [enschede]\nvideo: /static/video/groet.mp4")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(problems).to_contain_text("video: set this in its own field above, not in the details")
    assert requests_made == []

    # A site the event does not have, refused by the server with the programme file's rule.
    details.fill("order: [enschede, utrecht]")
    editor.dialog.get_by_label("Title").fill("Rondje langs twee velden")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(problems).to_contain_text("unknown site 'utrecht'")
    assert requests_made == ["PUT"]
    editor.shot(artifacts, "05-refused-in-dialog")
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(editor.dialog.get_by_role("button", name="Save")).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "06-refused-in-dialog-1366.png"))
    expect(editor.dialog).to_be_visible()
    expect(details).to_have_value("order: [enschede, utrecht]")
    expect(editor.dialog.get_by_label("Title")).to_have_value("Rondje langs twee velden")
    assert editor.api_programme() == before

    # Fixed, it saves: the dialog closes and the list shows the change.
    details.fill("order: [enschede, eindhoven]")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(editor.dialog).to_be_hidden()
    expect(editor.row("Rondje langs twee velden").locator(".parts")).to_contain_text("Enschede → Eindhoven")
    closing = next(item for item in editor.api_programme()["segments"] if item["segment"]["kind"] == "closing_round")
    assert closing["segment"]["order"] == ["enschede", "eindhoven"]


def test_a_refusal_is_shown_at_the_field_it_names(editor, artifacts):
    """The live switch's site is a select; a title the server refuses is marked at the title field."""
    before = editor.api_programme()
    editor.row("We schakelen nu live").get_by_role("button", name="Edit").click()
    site = editor.dialog.get_by_label("Live from site")
    expect(site).to_have_value("enschede")
    editor.dialog.get_by_label("Title").fill("   ")
    editor.dialog.get_by_role("button", name="Save").click()
    title = editor.dialog.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    problem = editor.dialog.locator("#problem-title")
    expect(problem).to_contain_text("at least 1 character")
    expect(title).to_have_attribute("aria-errormessage", "problem-title")
    editor.shot(artifacts, "10-refused-at-field")
    assert editor.api_programme() == before

    editor.dialog.get_by_label("Title").fill("Groet uit Eindhoven")
    site.select_option("eindhoven")
    editor.dialog.get_by_role("button", name="Save").click()
    expect(editor.dialog).to_be_hidden()
    expect(editor.row("Groet uit Eindhoven").locator(".origin")).to_have_text("Eindhoven")
    live = next(item for item in editor.api_programme()["segments"] if item["segment"]["kind"] == "live")
    assert (live["segment"]["title"], live["segment"]["site"]) == ("Groet uit Eindhoven", "eindhoven")


def test_a_refused_move_is_explained_above_the_list(editor, artifacts):
    before = editor.api_programme()
    editor.rows.first.get_by_role("button", name="Move down").click()
    problems = editor.page.get_by_test_id("programme-problems")
    expect(problems).to_contain_text("starts at 13:00, before the segment above it (13:10)")
    editor.shot(artifacts, "07-refused-move")
    assert editor.api_programme() == before
    assert editor.titles() == api_titles(before)


def test_escape_closes_the_dialog_without_saving_and_returns_the_focus(editor):
    before = editor.api_programme()
    editor.rows.first.get_by_role("button", name="Edit").click()
    editor.dialog.get_by_label("Title").fill("Iets anders")
    editor.page.keyboard.press("Escape")
    expect(editor.dialog).to_be_hidden()
    expect(editor.rows.first.get_by_role("button", name="Edit")).to_be_focused()
    assert editor.api_programme() == before



def test_saving_a_segment_unchanged_keeps_its_details_exactly(editor, artifacts):
    """The form's fields give back what they were given: polls with a scale, parts with items, a hand-off's object
    and its order of sites (in the YAML box)."""
    before = editor.api_programme()
    editor.page.set_viewport_size({"width": 1366, "height": 768})
    shown = {"Vraag aan iedereen": "poll-form", "Haardvuursessies in de regio's": "part-form", "Magic wall": "advanced"}
    for number, (title, part) in enumerate(shown.items()):
        editor.row(title).get_by_role("button", name="Edit").click()
        expect(editor.dialog.get_by_test_id(part).first).to_be_visible()
        editor.page.screenshot(path=str(artifacts / f"09-edit-details-{number}-1366.png"))
        editor.dialog.get_by_role("button", name="Save").click()
        expect(editor.dialog).to_be_hidden()
        expect(editor.status).to_have_text("Segment saved.")
        editor.page.evaluate("document.querySelector('[data-testid=programme-status]').textContent = ''")
    after = editor.api_programme()
    assert after["segments"] == before["segments"]
    assert after["version"] == before["version"] + 3


def test_the_list_follows_the_event_and_changes_made_elsewhere(editor, artifacts):
    """During the event: the segment on now is marked (and refused for deletion), other changes appear live."""
    base = f"{editor.server.base_url}/api/v1/events/{editor.links['event']}"
    chair = {"Authorization": f"Bearer {editor.token}"}
    programme = editor.api_programme()
    on_now = programme["segments"][1]
    assert requests.post(f"{base}/event/start", json={"confirm": True}, headers=chair, timeout=10).status_code == 200
    jumped = requests.post(f"{base}/programme/jump", json={"segment_id": on_now["id"]}, headers=chair, timeout=10)
    assert jumped.status_code == 200, jumped.text

    row = editor.row(on_now["segment"]["title"])
    expect(row.locator(".on-now-badge")).to_be_visible()
    expect(row.locator(".on-now-badge")).to_have_text("On now")
    expect(editor.page.locator(".on-now-badge:visible")).to_have_count(1)

    editor.page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete").click()
    expect(editor.page.get_by_test_id("programme-problems")).to_contain_text("is on now")
    editor.shot(artifacts, "08-on-now")
    assert editor.api_programme()["segments"] == programme["segments"]

    last = programme["segments"][-1]
    changed = requests.put(f"{base}/segments/{last['id']}", headers=chair, timeout=10,
                           json={"segment": {**last["segment"], "title": "Afsluiting, borrel en dank"}})
    assert changed.status_code == 200, changed.text
    expect(editor.rows.last.locator(".segment-title")).to_have_text("Afsluiting, borrel en dank")
