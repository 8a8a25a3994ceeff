"""The event editor of the chair's programme page (issue 19) in a real browser against the real server: the event,
its sites, the kind's fields and polls of a segment, a new event, each refusal shown at the field it names, and a
programme edited in the browser that exports and imports to the same programme."""

from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.test_browser_programme_editor import Editor, page  # noqa: F401  (page: lets the provoked refusals pass)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
KINDS = ["single", "multiple", "ranking", "quiz", "scale", "statement", "wordcloud", "open", "points"]


@pytest.fixture
def editor(real_server, page):  # noqa: F811
    """The editor page of the demo event on a laptop screen, opened in English."""
    page.set_viewport_size({"width": 1366, "height": 900})
    editor = Editor(page, real_server, real_server.links())
    editor.open()
    return editor


def api(editor, method: str, path: str = "", **kwargs):
    return requests.request(method, f"{editor.server.base_url}/api/v1/events/{editor.links['event']}{path}",
                            headers={"Authorization": f"Bearer {editor.token}"}, timeout=10, **kwargs)


def test_the_chair_edits_the_event_and_a_refused_time_zone_is_shown_at_its_field(editor):
    section = editor.page.get_by_test_id("event-section")
    zone = section.get_by_label("Time zone")
    before = editor.api_programme()
    zone.fill("Mars/Olympus")
    section.get_by_role("button", name="Save event").click()
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(section.get_by_test_id("field-problem")).to_contain_text("unknown time zone")
    assert editor.api_programme() == before
    section.screenshot(path=str(SCREENSHOTS / "editor-event-refused.png"))

    zone.fill("Europe/London")
    section.get_by_label("Title").fill("Nationale dag")
    section.get_by_label("Language").select_option("en")
    section.get_by_label("Notes").fill("Zaal open om 9:00")
    section.get_by_role("button", name="Save event").click()
    expect(section.get_by_test_id("event-status")).to_have_text("Event saved.")
    expect(zone).to_have_attribute("aria-invalid", "false")
    event = editor.api_programme()["programme"]["event"]
    assert (event["title"], event["timezone"], event["language"], event["notes"]) == (
        "Nationale dag", "Europe/London", "en", "Zaal open om 9:00")


def test_the_chair_adds_edits_moves_and_deletes_a_site_with_the_refusal_at_its_field(editor):
    tab = editor.page
    section = tab.get_by_test_id("sites-section")
    sites = section.get_by_test_id("site")
    expect(sites).to_have_count(4)
    section.get_by_role("button", name="Add site").click()
    form = section.get_by_test_id("site-form")
    expect(form.get_by_label("Key")).to_be_focused()
    form.get_by_label("Key").fill("Utrecht!")
    form.get_by_label("Name").fill("Utrecht")
    form.get_by_label("Venue").fill("Jaarbeurs")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_label("Key")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_test_id("field-problem")).to_contain_text("lowercase letters")
    section.screenshot(path=str(SCREENSHOTS / "editor-sites-refused.png"))

    form.get_by_label("Key").fill("utrecht")
    form.get_by_role("button", name="Save").click()
    expect(section.get_by_test_id("sites-status")).to_have_text("Site added.")
    expect(sites).to_have_count(5)
    expect(sites.last).to_contain_text("Jaarbeurs")
    expect(section.get_by_role("button", name="Add site")).to_be_focused()

    # Edit with the keyboard: the form opens with the focus in it, Enter saves.
    sites.last.get_by_role("button", name="Edit").focus()
    tab.keyboard.press("Enter")
    expect(form.get_by_label("Name")).to_be_focused()
    form.get_by_label("Name").fill("Utrecht Centraal")
    tab.keyboard.press("Enter")
    expect(section.get_by_test_id("sites-status")).to_have_text("Site saved.")
    sites.last.get_by_role("button", name="Move up").click()
    expect(section.get_by_test_id("sites-status")).to_have_text("Site moved.")
    expect(sites.nth(3)).to_contain_text("Utrecht Centraal")
    keys = [site["key"] for site in editor.api_programme()["programme"]["sites"]]
    assert keys == ["den-haag", "enschede", "eindhoven", "utrecht", "online"]

    # The new site is a choice in the segment dialog at once.
    editor.rows.first.get_by_role("button", name="Edit").click()
    expect(editor.dialog.get_by_label("From site").locator("option", has_text="Utrecht Centraal")).to_have_count(1)
    tab.keyboard.press("Escape")

    # A site the programme names is refused, above the list; an unused one is deleted.
    tab.once("dialog", lambda dialog: dialog.accept())
    sites.first.get_by_role("button", name="Delete").click()
    expect(section.get_by_test_id("sites-problems")).not_to_be_empty()
    tab.once("dialog", lambda dialog: dialog.accept())
    sites.nth(3).get_by_role("button", name="Delete").click()
    expect(section.get_by_test_id("sites-status")).to_have_text("Site deleted.")
    expect(sites).to_have_count(4)


def fill_poll(form, kind: str, number: int):
    """Fill one poll form of the dialog as its kind needs, the way a chair would."""
    form.get_by_label("Poll kind").select_option(kind)
    form.get_by_label("Question").fill(f"Vraag {number} ({kind})?")
    rows = form.get_by_test_id("option-row")
    if rows.count():
        rows.nth(0).get_by_role("textbox").fill("Ja")
        rows.nth(1).get_by_role("textbox").fill("Nee")
    if kind == "quiz":
        rows.nth(1).get_by_label("Correct answer").check()
        form.get_by_label("Seconds to answer").fill("20")
    if kind == "scale":
        form.get_by_label("Scale from").fill("1")
        form.get_by_label("Scale to").fill("7")


def test_the_chair_adds_a_poll_segment_with_a_poll_of_each_kind(editor):
    tab = editor.page
    tab.get_by_role("button", name="Add segment").click()
    dialog = editor.dialog
    dialog.get_by_role("combobox", name="Kind", exact=True).select_option("poll")
    dialog.get_by_role("textbox", name="Title", exact=True).fill("Alle soorten vragen")
    dialog.get_by_label("Duration (minutes)").fill("15")
    forms = dialog.get_by_test_id("poll-form")
    for number, kind in enumerate(KINDS):
        dialog.get_by_role("button", name="Add poll").click()
        expect(forms).to_have_count(number + 1)
        expect(forms.nth(number).get_by_label("Poll kind")).to_be_focused()
        fill_poll(forms.nth(number), kind, number + 1)
    expect(dialog.locator(".field-problem")).to_have_count(0)
    dialog.screenshot(path=str(SCREENSHOTS / "editor-polls.png"))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(editor.status).to_have_text("Segment added.")

    added = next(item["segment"] for item in editor.api_programme()["segments"]
                 if item["segment"]["title"] == "Alle soorten vragen")
    assert [poll["kind"] for poll in added["polls"]] == KINDS
    quiz = added["polls"][KINDS.index("quiz")]
    assert [(o["label"], o["correct"]) for o in quiz["options"]] == [("Ja", False), ("Nee", True)]
    assert quiz["answer_seconds"] == 20
    assert added["polls"][KINDS.index("scale")]["scale"]["max"] == 7
    assert added["polls"][KINDS.index("open")]["options"] == []


def test_the_poll_form_checks_while_typing_and_the_server_refusal_is_shown_at_its_field(editor):
    editor.row("Vraag aan iedereen").get_by_role("button", name="Edit").click()
    dialog = editor.dialog
    dialog.get_by_role("button", name="Add poll").click()
    form = dialog.get_by_test_id("poll-form").last
    expect(form.get_by_test_id("field-problem").first).to_have_text("Write the question.")
    expect(form).to_contain_text("Give at least 2 options.")
    form.get_by_label("Question").fill("Welke dag?")
    expect(form).not_to_contain_text("Write the question.")
    rows = form.get_by_test_id("option-row")
    rows.nth(0).get_by_role("textbox").fill("Dinsdag")
    rows.nth(1).get_by_role("textbox").fill("dinsdag")
    expect(rows.nth(1).get_by_test_id("field-problem")).to_have_text("This option is there twice.")
    form.get_by_label("Poll kind").select_option("quiz")
    expect(form).to_contain_text("Mark the correct answer.")
    form.get_by_role("button", name="Add option").click()
    expect(rows).to_have_count(3)
    expect(rows.nth(2).get_by_role("textbox")).to_be_focused()
    rows.nth(2).get_by_role("textbox").fill("Woensdag")
    dialog.screenshot(path=str(SCREENSHOTS / "editor-poll-checks.png"))

    # The server is the judge: it refuses what the page only warned about, at the same field.
    before = editor.api_programme()
    dialog.get_by_role("button", name="Save").click()
    refused = dialog.locator(".field-problem.refused")
    expect(refused.first).to_be_visible()
    expect(dialog.get_by_test_id("dialog-problems")).to_contain_text("Not saved")
    assert editor.api_programme() == before

    rows.nth(1).get_by_role("button", name="Remove").click()
    expect(rows).to_have_count(2)
    expect(form.get_by_role("button", name="Add option")).to_be_focused()
    rows.nth(1).get_by_label("Correct answer").check()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    polls = next(item["segment"]["polls"] for item in editor.api_programme()["segments"]
                 if item["segment"]["title"] == "Vraag aan iedereen")
    assert polls[-1]["kind"] == "quiz" and [o["label"] for o in polls[-1]["options"]] == ["Dinsdag", "Woensdag"]


def test_regional_parts_the_magic_wall_object_and_a_video_have_their_own_fields(editor):
    tab = editor.page
    dialog = editor.dialog
    tab.get_by_role("button", name="Add segment").click()
    dialog.get_by_role("combobox", name="Kind", exact=True).select_option("regional")
    dialog.get_by_role("textbox", name="Title", exact=True).fill("Werkgroepen")
    dialog.get_by_label("Duration (minutes)").fill("30")
    parts = dialog.get_by_test_id("part-form")
    for site, title in (("enschede", "Podia"), ("den-haag", "Groepen")):
        dialog.get_by_role("button", name="Add a site's part").click()
        part = parts.last
        part.get_by_label("Site", exact=True).select_option(site)
        part.get_by_label("Format").select_option("groups")
        part.get_by_label("Title of its part").fill(title)
        for item in ("Groep 1", "Groep 2"):
            part.get_by_role("button", name="Add item").click()
            expect(part.get_by_role("textbox", name=f"Item {part.locator('.items .option-row').count()}",
                                    exact=True)).to_be_focused()
            tab.keyboard.type(item)
    parts.last.get_by_role("button", name="Add poll").click()
    fill_poll(parts.last.get_by_test_id("poll-form"), "single", 1)
    dialog.screenshot(path=str(SCREENSHOTS / "editor-regional.png"))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()

    editor.row("Magic wall").get_by_role("button", name="Edit").click()
    dialog.get_by_label("Object on the magic wall").fill("Het groenboek")
    dialog.get_by_label("Image of the object").fill("/static/img/groenboek.png")
    dialog.screenshot(path=str(SCREENSHOTS / "editor-magic-wall.png"))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()

    editor.row("Videoboodschap").get_by_role("button", name="Edit").click()
    dialog.get_by_label("Video file").fill("/static/video/groet.mp4")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()

    segments = {item["segment"]["title"]: item["segment"] for item in editor.api_programme()["segments"]}
    regional = segments["Werkgroepen"]
    assert [(p["site"], p["format"], p["title"], p["items"]) for p in regional["parts"]] == [
        ("enschede", "groups", "Podia", ["Groep 1", "Groep 2"]),
        ("den-haag", "groups", "Groepen", ["Groep 1", "Groep 2"])]
    assert regional["parts"][1]["polls"][0]["question"] == "Vraag 1 (single)?"
    wall = next(s for title, s in segments.items() if title.startswith("Magic wall"))
    assert wall["object"] == {"title": "Het groenboek", "image": "/static/img/groenboek.png"}
    video = next(s for title, s in segments.items() if title.startswith("Videoboodschap"))
    assert video["video"] == "/static/video/groet.mp4"


def test_a_new_event_is_made_in_the_browser_and_its_programme_page_opens(editor):
    tab = editor.page
    section = tab.get_by_test_id("new-event-section")
    section.get_by_label("Title").fill("Terugkomdag")
    section.get_by_label("Date").fill("2027-03-04")
    section.get_by_label("Site name").fill("Zwolle")
    expect(section.get_by_label("Short name in the links")).to_have_value("terugkomdag-2027-03-04")
    expect(section.get_by_label("Site key")).to_have_value("zwolle")
    section.get_by_label("Short name in the links").fill(editor.links["event"])  # taken
    section.get_by_role("button", name="Create event").click()
    expect(section.get_by_test_id("form-problems")).to_be_visible()
    section.screenshot(path=str(SCREENSHOTS / "editor-new-event-refused.png"))

    section.get_by_label("Short name in the links").fill("terugkomdag-2027")
    section.get_by_role("button", name="Create event").click()
    tab.wait_for_url("**/e/terugkomdag-2027/programme#token=*")
    expect(tab.get_by_test_id("event-section").get_by_label("Title")).to_have_value("Terugkomdag")
    expect(tab.get_by_test_id("site")).to_have_count(1)
    expect(tab.get_by_test_id("site")).to_contain_text("Zwolle")
    tab.screenshot(path=str(SCREENSHOTS / "editor-new-event.png"), full_page=True)


def test_a_programme_edited_in_the_browser_exports_and_imports_unchanged(editor):
    tab = editor.page
    section = tab.get_by_test_id("sites-section")
    section.get_by_role("button", name="Add site").click()
    form = section.get_by_test_id("site-form")
    form.get_by_label("Key").fill("utrecht")
    form.get_by_label("Name").fill("Utrecht")
    form.get_by_role("button", name="Save").click()
    expect(section.get_by_test_id("site")).to_have_count(5)
    tab.get_by_role("button", name="Add segment").click()
    editor.dialog.get_by_role("combobox", name="Kind", exact=True).select_option("poll")
    editor.dialog.get_by_role("textbox", name="Title", exact=True).fill("Stemronde")
    editor.dialog.get_by_label("Duration (minutes)").fill("5")
    editor.dialog.get_by_label("From site").select_option("utrecht")
    for number, kind in enumerate(("quiz", "scale", "ranking")):
        editor.dialog.get_by_role("button", name="Add poll").click()
        fill_poll(editor.dialog.get_by_test_id("poll-form").nth(number), kind, number + 1)
    editor.dialog.get_by_role("button", name="Save").click()
    expect(editor.dialog).to_be_hidden()

    reply = editor.api_programme()
    exported = {**reply["programme"], "segments": [item["segment"] for item in reply["segments"]]}
    copy = {**exported, "event": {**exported["event"], "slug": "kopie"}}
    created = requests.post(f"{editor.server.base_url}/api/v1/events", json={"programme": copy}, timeout=10,
                            headers={"Authorization": f"Bearer {editor.token}"})
    assert created.status_code == 201, created.text
    token = created.json()["links"]["chair"]["token"]
    reply = requests.get(f"{editor.server.base_url}/api/v1/events/kopie/programme", timeout=10,
                         headers={"Authorization": f"Bearer {token}"}).json()
    again = {**reply["programme"], "segments": [item["segment"] for item in reply["segments"]]}
    assert again == copy
    assert any(segment["title"] == "Stemronde" for segment in again["segments"])


def test_a_new_event_is_made_rehearsed_and_run_from_the_browser_alone(editor):
    """Issue 19's whole day without a terminal: the chair makes an event, gives it a programme, rehearses it, resets
    the rehearsal and starts it for real, every step a click in the browser."""
    tab = editor.page
    tab.on("dialog", lambda dialog: dialog.accept())  # the reset's "are you sure?"
    section = tab.get_by_test_id("new-event-section")
    section.get_by_label("Title").fill("Terugkomdag Zwolle")
    section.get_by_label("Date").fill("2027-03-04")
    section.get_by_label("Site name").fill("Zwolle")
    section.get_by_role("button", name="Create event").click()
    tab.wait_for_url("**/e/terugkomdag-zwolle-2027-03-04/programme#token=*")
    expect(tab.get_by_test_id("event-section").get_by_label("Title")).to_have_value("Terugkomdag Zwolle")
    for title in ("Opening", "Afsluiting"):
        tab.get_by_role("button", name="Add segment").click()
        editor.dialog.get_by_role("combobox", name="Kind", exact=True).select_option("central")
        editor.dialog.get_by_role("textbox", name="Title", exact=True).fill(title)
        editor.dialog.get_by_label("Duration (minutes)").fill("10")
        editor.dialog.get_by_label("From site").select_option("zwolle")
        if title == "Opening":  # the first segment needs a start time (the server says so otherwise)
            editor.dialog.get_by_label("Start (HH:MM)").fill("13:00")
        editor.dialog.get_by_role("button", name="Save").click()
        expect(editor.dialog).to_be_hidden()
    expect(tab.get_by_test_id("segment")).to_have_count(2)

    tab.get_by_role("link", name="Control panel").click()
    tab.wait_for_url("**/e/terugkomdag-zwolle-2027-03-04/control*")
    tab.get_by_test_id("rehearsal-start").click()
    expect(tab.get_by_test_id("rehearsal-band")).to_be_visible()
    expect(tab.get_by_test_id("now-title")).to_have_text("Opening")
    tab.get_by_role("button", name="Next").click()
    expect(tab.get_by_test_id("now-title")).to_have_text("Afsluiting")
    tab.get_by_test_id("rehearsal-reset").click()
    expect(tab.get_by_test_id("event-status")).to_have_text("planned")

    tab.get_by_role("button", name="Start event").click()
    tab.get_by_test_id("start-dialog").get_by_role("button", name="Start for real").click()
    expect(tab.get_by_test_id("event-status")).to_have_text("live")
    expect(tab.get_by_test_id("mode")).to_have_text("Real run")
    expect(tab.get_by_test_id("now-title")).to_have_text("Opening")
    tab.screenshot(path=str(SCREENSHOTS / "editor-new-event-running.png"))
