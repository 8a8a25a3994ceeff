"""Issue 19's live controls in the crew's panels and on the stage, in a real browser against the real server: the
real start asks first in a dialog (with the rehearsal beside it), the now card runs the poll segment's polls, the
site timers take a minute more or less and pause, what waits for moderation is counted and approved at once, and
the speaker view shows the time left, what is next and the chair's message. Screenshots under test-artifacts/."""

import re
import uuid
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import with_query
from tests.crew import Phone, wait_live

pytestmark = pytest.mark.browser

def open_panel(page, links, lang="en"):
    page.goto(with_query(links["chair"]["url"], f"lang={lang}"))
    expect(page.get_by_test_id("connection")).to_have_text("live" if lang == "en" else "live")
    expect(page.locator("[data-testid=runsheet-rows] tr").first).to_be_visible()


def site_timer(live_chair, key: str) -> dict:
    site = next(site for site in live_chair.state()["sites"] if site["key"] == key)
    return {"ends_at": site["timer_ends_at"], "paused_left": site["timer_paused_left"]}


def test_the_real_start_asks_in_a_dialog_and_afterwards_no_rehearsal_is_offered(real_server, live_chair, page,
                                                                                 artifacts):
    open_panel(page, live_chair.links)
    dialog = page.get_by_test_id("start-dialog")
    expect(page.get_by_test_id("rehearsal-start")).to_be_visible()  # beside the start

    page.get_by_role("button", name="Start event").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("votes")
    expect(dialog).to_contain_text("cannot be undone")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()  # Enter alone starts nothing
    page.screenshot(path=str(artifacts / "control-start-dialog.png"))
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert live_chair.state()["status"] == "planned"

    page.get_by_role("button", name="Start event").click()
    dialog.get_by_role("button", name="Start for real").click()
    expect(page.get_by_test_id("event-status")).to_have_text("live")
    expect(page.get_by_test_id("mode")).to_have_text("Real run")
    state = live_chair.state()
    assert (state["status"], state["mode"]) == ("live", "real")
    expect(page.get_by_test_id("rehearsal-start")).to_be_hidden()
    expect(page.get_by_test_id("rehearsal-why")).to_contain_text("only possible before the real start")
    page.get_by_test_id("rehearsal-why").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "control-after-real-start.png"))


def test_the_rehearsal_beside_the_start_runs_at_once_and_the_dialog_offers_it_too(real_server, live_chair, page):
    open_panel(page, live_chair.links)
    page.get_by_role("button", name="Start event").click()
    page.get_by_test_id("start-dialog").get_by_role("button", name="Start a rehearsal instead").click()
    expect(page.get_by_test_id("rehearsal-band")).to_be_visible()
    expect(page.get_by_test_id("now-title")).to_have_text("Centrale aftrap")
    state = live_chair.state()
    assert (state["status"], state["mode"]) == ("live", "rehearsal")


def test_the_now_card_runs_the_poll_segments_polls_and_keeps_the_keyboard_focus(real_server, live_chair, page,
                                                                                 artifacts):
    live_chair.start_at_the_polls()
    open_panel(page, live_chair.links)
    polls = page.get_by_test_id("now-poll")
    expect(polls).to_have_count(3)
    poll = polls.filter(has_text=live_chair.poll("vraag-3")["question"])
    poll_id = live_chair.poll("vraag-3")["id"]

    poll.get_by_role("button", name="Open").focus()
    page.keyboard.press("Enter")
    expect(poll.get_by_test_id("now-poll-state")).to_have_text("open")
    expect(poll.get_by_test_id("now-poll-on-screen")).to_be_visible()
    expect(poll.get_by_role("button", name="Open")).to_be_disabled()
    expect(poll.get_by_role("button", name="Close")).to_be_focused()  # the next control of the same poll
    assert live_chair.poll("vraag-3")["state"] == "open"

    page.keyboard.press("Enter")  # Close, where the focus is
    expect(poll.get_by_test_id("now-poll-state")).to_have_text("closed")
    poll.get_by_role("button", name="Next site").focus()
    page.keyboard.press("Enter")
    expect(poll.get_by_test_id("now-poll-visibility")).to_have_text("shown: 1 of 4 sites")
    expect(poll.get_by_role("button", name="Next site")).to_be_focused()
    assert live_chair.poll("vraag-3")["reveal_step"] == 1
    page.get_by_test_id("now-polls").screenshot(path=str(artifacts / "control-now-polls.png"))

    poll.get_by_role("button", name="Reveal").click()
    expect(poll.get_by_test_id("now-poll-visibility")).to_have_text("results shown")
    poll.get_by_role("button", name="Off the screens").click()
    expect(poll.get_by_test_id("now-poll-on-screen")).to_be_hidden()
    assert all(site["poll"] is None or site["poll"]["id"] != poll_id for site in live_chair.state()["sites"])


def test_the_chair_gives_a_site_timer_a_minute_more_or_less_and_pauses_it(real_server, live_chair, page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("regional")})
    live_chair.do("site:timer", {"seconds": 300, "site": "enschede"})
    open_panel(page, live_chair.links)
    card = page.locator("[data-testid=site-card][data-site=enschede]")
    before = datetime.fromisoformat(site_timer(live_chair, "enschede")["ends_at"])

    card.get_by_role("button", name="One minute more on Enschede's timer").click()
    expect(page.get_by_test_id("action-status")).to_contain_text("The timer was changed.")
    after = datetime.fromisoformat(site_timer(live_chair, "enschede")["ends_at"])
    assert (after - before).total_seconds() == 60
    card.get_by_role("button", name="One minute less on Enschede's timer").click()
    expect(card.get_by_test_id("site-timer-left")).to_have_text(re.compile(r"^4:[0-5]\d$"))
    card.get_by_role("button", name="Pause Enschede's timer").click()
    expect(card.get_by_test_id("site-timer-paused")).to_be_visible()
    paused = site_timer(live_chair, "enschede")
    assert paused["ends_at"] is None and 290 <= paused["paused_left"] <= 300
    expect(card.get_by_role("button", name="Resume Enschede's timer")).to_be_focused()  # same place, what it does now
    card.get_by_test_id("site-timer").screenshot(path=str(artifacts / "control-site-timer.png"))
    card.get_by_role("button", name="Resume Enschede's timer").click()
    expect(card.get_by_test_id("site-timer-paused")).to_be_hidden()
    assert site_timer(live_chair, "enschede")["paused_left"] is None


def test_the_host_gives_its_timer_a_minute_more_and_pauses_it(real_server, live_chair, page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("regional")})
    page.goto(with_query(live_chair.links["sites"]["enschede"]["host"]["url"], "lang=en"))
    wait_live(page)
    expect(page.get_by_test_id("timer-plus")).to_be_hidden()  # no timer yet
    page.get_by_role("button", name="5 min", exact=True).click()
    expect(page.get_by_test_id("timer-plus")).to_be_visible()
    start = datetime.fromisoformat(site_timer(live_chair, "enschede")["ends_at"])

    page.get_by_test_id("timer-plus").click()
    expect(page.get_by_test_id("timer-display")).to_have_text(re.compile(r"^(6:00|5:5\d)$"))
    assert (datetime.fromisoformat(site_timer(live_chair, "enschede")["ends_at"]) - start).total_seconds() == 60
    page.get_by_test_id("timer-pause").click()
    expect(page.get_by_test_id("timer-display")).to_have_text(re.compile(r"^Paused: (6:00|5:5\d)$"))
    expect(page.get_by_test_id("timer-pause")).to_have_text("Resume")
    assert site_timer(live_chair, "enschede")["ends_at"] is None
    page.get_by_test_id("part-timer").screenshot(path=str(artifacts / "host-timer-paused.png"))
    page.get_by_test_id("timer-pause").click()
    expect(page.get_by_test_id("timer-pause")).to_have_text("Pause")
    assert site_timer(live_chair, "enschede")["paused_left"] is None


def test_what_waits_is_counted_for_chair_and_host_and_the_host_approves_all_of_its_site(
        real_server, live_chair, page, browser, artifacts):
    links = live_chair.links
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("poll:create", {"poll": {"key": "open-vraag", "kind": "open", "question": "Wat neemt u mee?"},
                             "site": None, "segment_id": live_chair.segment_id("poll")})
    live_chair.open("open-vraag")
    poll_id = live_chair.poll("open-vraag")["id"]
    phones = [Phone(real_server, links["sites"][site]["join"]["code"]) for site in ("enschede", "enschede", "den-haag")]
    try:
        for phone, text in zip(phones, ("Meer structuur", "Energie", "Rust"), strict=True):
            phone.send("poll:vote", {"poll_id": poll_id, "answer": {"text": text}, "key": uuid.uuid4().hex})
        phones[0].send("question:ask", {"text": "Hoe houden we de energie vast?"})
        phones[2].send("question:ask", {"text": "Wat is de volgende stap?"})

        open_panel(page, links)
        waiting = page.get_by_test_id("moderation-waiting")
        expect(waiting).to_have_text("5 waiting")
        expect(waiting).to_have_attribute("title", "answers: 3 waiting, questions: 2 waiting")
        page.get_by_test_id("strip").screenshot(path=str(artifacts / "control-moderation-waiting.png"))

        host = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        host.goto(with_query(links["sites"]["enschede"]["host"]["url"], "lang=en"))
        wait_live(host)
        answers = host.get_by_test_id("answers-waiting")
        expect(answers.get_by_test_id("answers-waiting-count")).to_have_text("2 waiting")
        expect(host.get_by_test_id("questions-waiting-text")).to_have_text("1 waiting")
        host.get_by_test_id("host-polls").screenshot(path=str(artifacts / "host-answers-approve-all.png"))
        answers.get_by_role("button", name="Approve all").click()
        expect(answers).to_have_count(0)
        host.get_by_test_id("questions-approve-all").click()
        expect(host.get_by_test_id("questions-waiting")).to_be_hidden()
        expect(host.get_by_test_id("host-question").first).to_have_attribute("data-state", "approved")

        # Den Haag's answer and question still wait: the chair's count says so.
        expect(waiting).to_have_text("2 waiting")
        expect(waiting).to_have_attribute("title", "answers: 1 waiting, questions: 1 waiting")
        host.context.close()
    finally:
        for phone in phones:
            phone.close()


def test_the_speaker_view_shows_the_time_left_the_next_segment_and_the_chairs_message(
        real_server, live_chair, page, browser, artifacts):
    links = live_chair.links
    live_chair.do("event:start", {"confirm": True})
    speaker = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    errors = []
    speaker.on("pageerror", lambda error: errors.append(str(error)))
    speaker.goto(with_query(links["sites"]["enschede"]["speaker"]["url"], "lang=en"))
    wait_live(speaker)
    expect(speaker.get_by_test_id("speaker-now")).to_have_text("Centrale aftrap")
    expect(speaker.get_by_test_id("speaker-next")).to_have_text("Terugblik op Perspectief op Werk")
    expect(speaker.get_by_test_id("speaker-time")).to_have_text(re.compile(r"^(10:00|9:[0-5]\d)$"))
    expect(speaker.get_by_test_id("speaker-connection")).to_be_hidden()
    expect(speaker.get_by_test_id("speaker-message")).to_be_hidden()

    # The chair writes to Enschede's stage from the control panel; only that stage shows it.
    open_panel(page, links)
    page.get_by_label("Stage", exact=True).select_option("enschede")
    page.get_by_label("Message to the speaker").fill("Nog één vraag, dan afronden")
    page.get_by_role("button", name="Send to the stage").click()
    expect(page.get_by_test_id("action-status")).to_contain_text("Message sent to the stage.")
    expect(speaker.get_by_test_id("speaker-message")).to_have_text("Nog één vraag, dan afronden")
    expect(page.get_by_test_id("stage-messages")).to_contain_text("Enschede: “Nog één vraag, dan afronden”")
    page.locator(".stage-card").screenshot(path=str(artifacts / "control-stage-message.png"))
    size = speaker.get_by_test_id("speaker-time").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 150, size  # readable from the stage
    speaker.screenshot(path=str(artifacts / "speaker-view.png"))

    page.get_by_test_id("stage-clear").click()
    expect(speaker.get_by_test_id("speaker-message")).to_be_hidden()
    assert errors == []
    speaker.context.close()
