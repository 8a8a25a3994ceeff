"""The participant's phone page in a real (mobile) browser against the real server: joining with a name, voting
on every poll kind, the results after the chair's reveal, a reload that keeps the phone joined, a vote made while
the server is down that is sent again on reconnecting and counts once, questions with upvotes, and reactions with
their rate limit. Screenshots go to test-artifacts/ (phone-join.png, phone-vote.png, phone-results.png,
phone-questions.png)."""

import json
import time
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import RealServer
from tests.crew import Chair, join

pytestmark = pytest.mark.browser

HOSTILE_NAME = "<b>Anouk</b><img src=x onerror=hacked=1>"  # a name is at most 40 characters
HOSTILE_QUESTION = '<b>Bold?</b> <img src=x onerror="window.hacked=3"> Hoe gaan we verder na 2021?'

def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing sticks out sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def small_targets(page) -> list[str]:
    """Visible buttons, inputs and links smaller than 44x44 CSS pixels (touch targets should be 48)."""
    return page.evaluate("""() => [...document.querySelectorAll('main button, main input, main textarea')]
        .filter(e => e.offsetParent !== null && !e.closest('label.choice'))
        .concat([...document.querySelectorAll('main label.choice')].filter(e => e.offsetParent !== null))
        .map(e => [e, e.getBoundingClientRect()])
        .filter(([e, r]) => r.width < 44 || r.height < 44)
        .map(([e, r]) => `${e.tagName} ${e.textContent.trim().slice(0, 20)} ${Math.round(r.width)}x${r.height}`)""")


def wait_for_voters(live_chair: Chair, key: str, expected: int, timeout: float = 10) -> None:
    """Until the database counts this many voters on the poll (it must not go above)."""
    deadline = time.monotonic() + timeout
    voters = None
    while time.monotonic() < deadline:
        voters = live_chair.poll(key)["voters"]
        if voters == expected:
            return
        assert voters < expected, f"{key}: {voters} voters, expected {expected}"
        time.sleep(0.2)
    raise AssertionError(f"{key}: {voters} voters after {timeout}s, expected {expected}")


def test_join_vote_and_see_the_results_after_the_reveal(phones, live_chair, server_links, artifacts):
    live_chair.start_at_the_polls()
    poll = live_chair.open("vraag-3")
    live_chair.do("poll:hide", {"poll_id": poll["id"]})  # the results wait for the chair's reveal
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])

    # Before joining: the event, the site and what is on now.
    expect(phone.get_by_role("heading", name="Landelijke bijeenkomst Perspectief op Werk")).to_be_visible()
    expect(phone.get_by_text("at Den Haag · Villa Ockenburgh")).to_be_visible()
    expect(phone.get_by_test_id("now")).to_contain_text("Vraag aan iedereen")
    expect(phone.get_by_test_id("now")).to_contain_text("LIVE from Den Haag")
    phone.screenshot(path=artifacts / "phone-join.png", full_page=True)
    assert horizontal_overflow(phone) <= 0

    join(phone, HOSTILE_NAME)
    expect(phone.get_by_test_id("whoami")).to_have_text(f"Taking part as {HOSTILE_NAME}")  # as text, not markup
    stored = phone.evaluate("Object.keys(localStorage)")
    assert any(key.endswith(".joined") for key in stored), stored

    # The open poll: big answer buttons in a group.
    poll_card = phone.get_by_test_id("poll")
    expect(poll_card.get_by_role("heading", name="Wat heeft Perspectief op Werk in uw regio vooral opgeleverd?")) \
        .to_be_visible()
    expect(poll_card.get_by_role("group", name="Tap your answer")).to_be_visible()
    assert small_targets(phone) == []
    poll_card.get_by_role("button", name="Van elkaar geleerd").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: Van elkaar geleerd")
    expect(poll_card.get_by_role("button", name="Van elkaar geleerd")).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_test_id("results")).to_contain_text("The results appear here once they are shown")
    wait_for_voters(live_chair, "vraag-3", 1)
    phone.screenshot(path=artifacts / "phone-vote.png", full_page=True)

    # The chair reveals: every phone shows the results at reveal_at, not before.
    live_chair.do("poll:reveal", {"poll_id": poll["id"]})
    reveal_at = datetime.fromisoformat(live_chair.poll("vraag-3")["reveal_at"]).timestamp()
    bars = phone.get_by_test_id("result-bars")
    if time.time() < reveal_at - 0.4:
        expect(bars).to_have_count(0)
    expect(bars).to_be_visible(timeout=10000)
    assert time.time() >= reveal_at - 0.3  # the phone's clock estimate may be a little off, not seconds
    mine = bars.locator("li.mine")
    expect(mine).to_contain_text("Van elkaar geleerd")
    expect(mine).to_contain_text("100% · 1")
    expect(mine).to_contain_text("Den Haag: 100% · 1")  # this site's figure beside the total
    expect(phone.get_by_test_id("results")).to_contain_text("All sites: 1 person answered")
    phone.get_by_test_id("results").scroll_into_view_if_needed()
    phone.wait_for_timeout(800)  # the bars grow in
    phone.screenshot(path=artifacts / "phone-results.png", full_page=True)
    assert horizontal_overflow(phone) <= 0

    # A reload: still joined, the answer still shown.
    phone.reload()
    expect(phone.locator("body")).to_have_attribute("data-connection", "live")
    expect(phone.get_by_test_id("join")).to_be_hidden()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: Van elkaar geleerd")
    expect(phone.get_by_test_id("result-bars")).to_be_visible()

    # Changing the answer replaces it: still one voter.
    phone.get_by_test_id("poll").get_by_role("button", name="Nog te vroeg om te zeggen").click()
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: Nog te vroeg om te zeggen")
    expect(phone.get_by_test_id("result-bars").locator("li.mine")).to_contain_text("Nog te vroeg om te zeggen")
    wait_for_voters(live_chair, "vraag-3", 1)

    # Closed: the buttons are off, the answer and results stay.
    live_chair.do("poll:close", {"poll_id": poll["id"]})
    expect(phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd")).to_be_disabled()
    expect(phone.get_by_test_id("poll")).to_contain_text("Voting has closed.")
    assert phone.evaluate("window.hacked") is None


def test_a_scale_and_a_word_cloud(phones, live_chair, server_links, artifacts):
    live_chair.start_at_the_polls()
    phone = phones.new(server_links["sites"]["enschede"]["join"]["url"])
    join(phone)
    expect(phone.get_by_test_id("whoami")).to_have_text("Taking part without a name")

    live_chair.open("vraag-2")
    poll_card = phone.get_by_test_id("poll")
    expect(poll_card.get_by_role("group", name="Tap a number from 1 to 5")).to_be_visible()
    expect(poll_card).to_contain_text("1 = Moeizaam")
    expect(poll_card).to_contain_text("5 = Uitstekend")
    poll_card.get_by_role("button", name="4", exact=True).click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: 4")
    # Its results are visible from the start: after answering, the phone shows them (distribution and mean).
    results = phone.get_by_test_id("results")
    expect(results.locator(".mean.total")).to_contain_text("All sites")
    expect(results.locator(".mean.site")).to_contain_text("Enschede")
    expect(results.get_by_test_id("result-columns").locator(".column.mine")).to_contain_text("100%")
    expect(results.locator(".mean.total strong")).to_have_text("4")
    expect(results.locator(".mean.site strong")).to_have_text("4")
    poll_card.get_by_role("button", name="5 (Uitstekend)").click()
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: 5 (Uitstekend)")
    expect(results.locator(".mean.total strong")).to_have_text("5")
    wait_for_voters(live_chair, "vraag-2", 1)
    phone.wait_for_timeout(800)
    phone.screenshot(path=artifacts / "phone-scale.png", full_page=True)

    live_chair.open("vraag-1")
    expect(poll_card.get_by_role("heading", name="Welk woord past bij de samenwerking")).to_be_visible()
    expect(poll_card.get_by_label("Word 1", exact=True)).to_have_attribute("maxlength", "30")
    poll_card.get_by_role("button", name="Send words").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Type at least one word.")
    poll_card.get_by_label("Word 1", exact=True).fill("Samen")
    poll_card.get_by_label("Word 2 (optional)").fill("Vertrouwen")
    poll_card.get_by_role("button", name="Send words").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: samen, vertrouwen")
    words = phone.get_by_test_id("word-results")
    expect(words).to_contain_text("samen")
    expect(words).to_contain_text("vertrouwen")
    # Changing the words: the form comes back with the answer in it.
    poll_card.get_by_role("button", name="Change my answer").click()
    expect(poll_card.get_by_label("Word 1", exact=True)).to_have_value("samen")
    poll_card.get_by_label("Word 3 (optional)").fill("lef")
    poll_card.get_by_role("button", name="Send words").click()
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: samen, vertrouwen, lef")
    expect(words).to_contain_text("lef")
    wait_for_voters(live_chair, "vraag-1", 1)
    phone.screenshot(path=artifacts / "phone-words.png", full_page=True)
    assert horizontal_overflow(phone) <= 0


def test_the_phone_asks_for_a_vote_only_while_its_sites_screen_shows_the_open_poll(phones, live_chair, server_links):
    live_chair.start_at_the_polls()
    live_chair.open("vraag-3")
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    join(phone)
    card = phone.get_by_test_id("poll")
    expect(card.get_by_role("group", name="Tap your answer")).to_be_visible()

    # The holding scene covers the poll on Den Haag's screen: the phone offers no vote either.
    live_chair.do("screen:scene", {"scene": "holding", "text": "Pauze", "site": "den-haag"})
    expect(card).to_contain_text("No question open right now")
    expect(card.get_by_role("group", name="Tap your answer")).to_have_count(0)
    expect(phone.get_by_test_id("now")).to_contain_text("Pauze")

    # Back on the programme: the poll, still open, asks for the vote again.
    live_chair.do("screen:scene", {"scene": "programme", "text": "", "site": "den-haag"})
    expect(card.get_by_role("group", name="Tap your answer")).to_be_visible()
    card.get_by_role("button", name="Van elkaar geleerd").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")


def test_a_statement_at_eindhoven_only(phones, live_chair, server_links, artifacts):
    live_chair.do("event:start", {"confirm": True})
    regional = next(row["id"] for row in live_chair.state()["runsheet"] if row["kind"] == "regional")
    live_chair.do("programme:jump", {"segment_id": regional})
    live_chair.open("eindhoven-stelling-1")
    eindhoven = phones.new(server_links["sites"]["eindhoven"]["join"]["url"])
    enschede = phones.new(server_links["sites"]["enschede"]["join"]["url"])
    join(eindhoven, "Fleur")
    join(enschede)

    expect(eindhoven.get_by_test_id("now")).to_contain_text("Own session at Eindhoven: In gesprek aan de hand van "
                                                            "stellingen")
    card = eindhoven.get_by_test_id("poll")
    expect(card.get_by_role("heading", name="Perspectief op Werk is nog lang niet klaar.")).to_be_visible()
    expect(card.get_by_role("group", name="Do you agree?")).to_be_visible()
    expect(enschede.get_by_test_id("poll")).to_contain_text("No question open right now")

    card.get_by_role("button", name="Agree", exact=True).click()
    expect(eindhoven.get_by_test_id("vote-status")).to_have_text("Your answer is in")
    expect(eindhoven.get_by_test_id("your-answer")).to_have_text("Your answer: Agree")
    bars = eindhoven.get_by_test_id("result-bars")
    expect(bars.locator("li.mine")).to_contain_text("100% · 1")
    expect(eindhoven.get_by_test_id("results")).to_contain_text("Eindhoven: 1 person answered")  # a site's own poll
    expect(bars.locator(".bar.site")).to_have_count(0)  # one site: no second figure
    wait_for_voters(live_chair, "eindhoven-stelling-1", 1)
    eindhoven.screenshot(path=artifacts / "phone-statement.png", full_page=True)


def test_a_vote_while_the_server_is_down_is_sent_on_reconnecting_and_counts_once(phones, live_chair, real_server,
                                                                              server_links, artifacts):
    live_chair.start_at_the_polls()
    live_chair.open("vraag-3")
    phone = phones.new(server_links["sites"]["online"]["join"]["url"])
    join(phone, "Sam")
    expect(phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd")).to_be_visible()

    live_chair.close()
    phones.noise_allowed = True
    real_server.stop()
    expect(phone.get_by_test_id("connection")).to_have_text("Offline — your answer will be sent when back")
    phone.get_by_test_id("poll").get_by_role("button", name="Regio's (verder) met elkaar verbonden").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Offline — your answer will be sent when back")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: Regio's (verder) met elkaar verbonden")
    pending = phone.evaluate("""() => Object.entries(localStorage).filter(([k]) => k.endsWith('.pending'))
        .map(([k, v]) => [k, v])[0]""")
    assert pending is not None
    entry = next(iter(json.loads(pending[1]).values()))
    assert len(entry["key"]) >= 8
    phone.screenshot(path=artifacts / "phone-offline.png", full_page=True)

    again = RealServer(real_server.instance, port=real_server.port).start()
    try:
        expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in", timeout=20000)
        expect(phone.get_by_test_id("connection")).to_have_text("")
        restarted_chair = Chair(again, server_links)
        try:
            wait_for_voters(restarted_chair, "vraag-3", 1)
            assert phone.evaluate("Object.keys(localStorage).filter(k => k.endsWith('.pending'))") == []

            # The same vote sent once more (its acknowledgement lost, say): the same key counts once.
            phone.evaluate("([key, value]) => localStorage.setItem(key, value)", pending)
            phone.reload()
            expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")
            expect(phone.get_by_test_id("your-answer")).to_have_text(
                "Your answer: Regio's (verder) met elkaar verbonden")
            phone.wait_for_function("() => !Object.keys(localStorage).some(k => k.endsWith('.pending'))")
            wait_for_voters(restarted_chair, "vraag-3", 1)
            time.sleep(0.5)
            wait_for_voters(restarted_chair, "vraag-3", 1)
        finally:
            restarted_chair.close()
    finally:
        again.stop()


def test_a_refused_vote_shows_the_servers_reason(phones, live_chair, server_links):
    live_chair.start_at_the_polls()
    poll = live_chair.open("vraag-3")
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    join(phone)
    expect(phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd")).to_be_enabled()
    # The poll closes in the moment between the phone's last state and its tap.
    live_chair.do("poll:close", {"poll_id": poll["id"]})
    expect(phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd")).to_be_disabled()
    # A stale page (made by hand) still sends: the server's refusal is shown, nothing is kept to send again.
    phone.evaluate("""() => document.querySelectorAll('#poll button[data-option]').forEach(b => b.disabled = false)""")
    phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("this poll is not open")
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.endsWith('.pending'))") == []
    wait_for_voters(live_chair, "vraag-3", 0)


def test_questions_upvotes_and_reactions(phones, live_chair, server_links, artifacts):
    live_chair.start_at_the_polls()
    asker = phones.new(server_links["sites"]["enschede"]["join"]["url"])
    join(asker, HOSTILE_NAME)
    questions = asker.get_by_test_id("questions")
    questions.get_by_role("button", name="Send question").click()
    expect(questions).to_contain_text("Write a question first.")
    expect(questions.get_by_label("Ask a question")).to_have_attribute("maxlength", "300")
    questions.get_by_label("Ask a question").fill(HOSTILE_QUESTION)
    questions.get_by_role("button", name="Send question").click()
    expect(questions).to_contain_text("Thanks! Your question appears here once the moderator approves it.")
    expect(questions.locator(".my-question")).to_contain_text("Waiting for approval")
    expect(questions.get_by_label("Ask a question")).to_have_value("")

    question_id = live_chair.question_id("<b>Bold?</b>")
    live_chair.do("question:moderate", {"question_id": question_id, "state": "approved"})
    listed = asker.get_by_test_id("question-list").locator("li.question")
    expect(listed).to_have_count(1)
    expect(listed.locator(".q-text")).to_have_text(HOSTILE_QUESTION)  # shown as typed, never as markup
    expect(listed.locator("img, b, script")).to_have_count(0)
    expect(listed).to_contain_text("from Enschede")
    expect(questions.locator(".my-question")).to_have_count(0)

    # Another phone upvotes it, once.
    voter = phones.new(server_links["sites"]["eindhoven"]["join"]["url"])
    join(voter)
    upvote = voter.get_by_test_id("question-list").get_by_role("button", name=f"Upvote: {HOSTILE_QUESTION}")
    expect(upvote).to_have_attribute("aria-pressed", "false")
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(upvote).to_be_disabled()
    expect(upvote).to_contain_text("1")
    expect(asker.get_by_test_id("question-list").locator(".upvote-count")).to_have_text("1")
    # A phone that forgot it upvoted (cleared storage) is refused "already" and marks it upvoted, calmly.
    voter.evaluate("() => Object.keys(localStorage).filter(k => k.endsWith('.upvoted'))"
                   ".forEach(k => localStorage.removeItem(k))")
    voter.reload()
    expect(upvote).to_be_enabled()
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(voter.get_by_test_id("questions").locator("#ask-status")).to_have_text("")
    expect(voter.get_by_test_id("question-list").locator(".upvote-count")).to_have_text("1")
    voter.reload()
    expect(upvote).to_have_attribute("aria-pressed", "true")

    # A second question; the first one answered: it goes to the end, marked.
    asker.get_by_test_id("questions").get_by_label("Ask a question").fill("Wie neemt het stokje over?")
    asker.get_by_test_id("questions").get_by_role("button", name="Send question").click()
    expect(asker.get_by_test_id("questions").locator("#ask-status")).to_contain_text("Thanks!")
    second = live_chair.question_id("Wie neemt")
    live_chair.do("question:moderate", {"question_id": second, "state": "approved"})
    live_chair.do("question:moderate", {"question_id": question_id, "state": "answered"})
    expect(listed).to_have_count(2)
    expect(listed.nth(0)).to_contain_text("Wie neemt het stokje over?")
    expect(listed.nth(1)).to_contain_text("Answered")
    expect(listed.nth(1).get_by_role("button")).to_be_disabled()
    asker.get_by_test_id("questions").scroll_into_view_if_needed()
    asker.screenshot(path=artifacts / "phone-questions.png", full_page=True)
    assert small_targets(asker) == []
    assert horizontal_overflow(asker) <= 0

    # Reactions: ten in ten seconds are fine; the eleventh gets a calm "easy…" and a short pause.
    applause = asker.get_by_role("button", name="Applause")
    for _ in range(12):
        if applause.is_disabled():
            break
        applause.click()
        asker.wait_for_timeout(60)
    expect(asker.locator("#reaction-status")).to_contain_text("Easy")
    expect(applause).to_be_disabled()
    expect(asker.get_by_role("button", name="Wow")).to_be_disabled()
    expect(applause).to_be_enabled(timeout=8000)
    expect(asker.locator("#reaction-status")).to_have_text("")
    assert asker.evaluate("window.hacked") is None and voter.evaluate("window.hacked") is None


def test_a_forgotten_sign_in_shows_the_join_form_again(phones, server_links):
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    code = server_links["sites"]["den-haag"]["join"]["code"]
    phone.evaluate("""code => localStorage.setItem('eventapp.phone.' + code + '.joined',
        JSON.stringify({token: 'not-a-valid-token', name: 'Ghost'}))""", code)
    phone.reload()
    expect(phone.get_by_test_id("join")).to_be_visible()
    expect(phone.get_by_role("alert")).to_have_text("This phone's sign-in has expired. Please join again.")
    assert phone.evaluate("code => localStorage.getItem('eventapp.phone.' + code + '.joined')", code) is None
    join(phone, "Nieuw")
    expect(phone.get_by_test_id("whoami")).to_have_text("Taking part as Nieuw")


def test_every_other_poll_kind_on_the_phone(phones, live_chair, server_links, artifacts):
    live_chair.start_at_the_polls()
    specs = [  # results live from the moment each opens (a poll's results wait for the reveal unless it says so)
        {"key": "test-multiple", "kind": "multiple", "question": "Welke regio's bezocht u?",
         "options": ["Twente", "Brabant", "Haaglanden"], "hide_results": False},
        {"key": "test-ranking", "kind": "ranking", "question": "Wat is het belangrijkst?",
         "options": ["Scholing", "Matching", "Begeleiding"], "hide_results": False},
        {"key": "test-open", "kind": "open", "question": "Wat neemt u mee?", "hide_results": False},
        {"key": "test-quiz", "kind": "quiz", "question": "In welk jaar startte Perspectief op Werk?",
         "options": ["2019", {"label": "2020", "correct": True}, "2021"]},
    ]
    for spec in specs:
        live_chair.do("poll:create", {"poll": spec, "site": None, "segment_id": None})
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    join(phone)
    card = phone.get_by_test_id("poll")
    status = phone.get_by_test_id("vote-status")

    live_chair.open("test-multiple")
    expect(card.get_by_role("group", name="Choose one or more")).to_be_visible()
    card.get_by_role("button", name="Send answer").click()
    expect(status).to_have_text("Choose at least one option.")
    card.get_by_role("checkbox", name="Twente").check()
    card.get_by_role("checkbox", name="Haaglanden").check()
    phone.screenshot(path=artifacts / "phone-multiple.png", full_page=True)
    assert small_targets(phone) == []
    card.get_by_role("button", name="Send answer").click()
    expect(status).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: Twente, Haaglanden")
    expect(phone.get_by_test_id("result-bars").locator("li.mine")).to_have_count(2)
    wait_for_voters(live_chair, "test-multiple", 1)

    live_chair.open("test-ranking")
    expect(card.locator(".rank-label")).to_have_text(["Scholing", "Matching", "Begeleiding"])
    card.get_by_role("button", name="Move “Begeleiding” up").click()
    expect(card.locator(".rank-label")).to_have_text(["Scholing", "Begeleiding", "Matching"])
    expect(card.get_by_role("button", name="Move “Begeleiding” up")).to_be_focused()  # the keyboard stays put
    card.get_by_role("button", name="Move “Begeleiding” up").click()
    expect(card.locator(".rank-label")).to_have_text(["Begeleiding", "Scholing", "Matching"])
    expect(card.get_by_role("button", name="Move “Begeleiding” up")).to_be_disabled()
    phone.screenshot(path=artifacts / "phone-ranking.png", full_page=True)
    assert small_targets(phone) == []
    card.get_by_role("button", name="Send this order").click()
    expect(status).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_contain_text("1. Begeleiding")
    expect(phone.get_by_test_id("results").locator(".ranking-results li").first).to_contain_text("Begeleiding")
    wait_for_voters(live_chair, "test-ranking", 1)

    live_chair.open("test-open")
    area = card.get_by_label("Your answer")
    expect(area).to_have_attribute("maxlength", "500")
    expect(card).to_contain_text("shown on the screen after moderation")
    area.fill("<i>Meer</i> samenwerking")
    phone.screenshot(path=artifacts / "phone-open.png", full_page=True)
    card.get_by_role("button", name="Send answer").click()
    expect(status).to_have_text("Your answer is in")
    expect(phone.get_by_test_id("your-answer")).to_have_text("Your answer: <i>Meer</i> samenwerking")
    expect(card).to_contain_text("once a moderator has approved it")
    wait_for_voters(live_chair, "test-open", 1)

    quiz = live_chair.open("test-quiz")
    expect(card.get_by_role("group", name="Choose your answer, then send it. You cannot change it afterwards.")) \
        .to_be_visible()
    card.get_by_role("button", name="2021").click()
    expect(card.get_by_role("button", name="2021")).to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Send answer").click()
    expect(status).to_have_text("Your answer is in")
    expect(card).to_contain_text("A quiz answer is final.")
    expect(card.get_by_role("button", name="2020")).to_be_disabled()
    live_chair.do("poll:close", {"poll_id": quiz["id"]})
    live_chair.do("poll:reveal", {"poll_id": quiz["id"]})
    correct = phone.get_by_test_id("result-bars").locator("li.correct")
    expect(correct).to_contain_text("2020", timeout=10000)
    expect(correct).to_contain_text("Correct")
    expect(phone.get_by_test_id("result-bars").locator("li.mine")).to_contain_text("2021")
    phone.screenshot(path=artifacts / "phone-quiz.png", full_page=True)
    assert horizontal_overflow(phone) <= 0


def test_a_vote_whose_acknowledgement_is_lost_is_sent_again_and_counts_once(phones, live_chair, server_links):
    live_chair.start_at_the_polls()
    live_chair.open("vraag-3")
    lost = []

    def relay(ws):
        """Pass every WebSocket frame on, except the server's first acknowledgement of a vote."""
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message))

        def to_phone(message):
            if not lost and isinstance(message, str) and message.startswith("43") and '"vote"' in message:
                lost.append(message)  # committed on the server, but the phone never hears of it
                return
            ws.send(message)

        server.on_message(to_phone)

    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    phone.route_web_socket("**/socket.io/**", relay)
    phone.reload()  # the connection now goes through the relay
    join(phone)
    button = phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd")
    expect(button).to_be_enabled()
    phone.wait_for_timeout(1500)  # Socket.IO has moved from long-polling to the WebSocket
    button.click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Sending…")
    wait_for_voters(live_chair, "vraag-3", 1)  # counted, though the phone does not know yet
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in", timeout=25000)
    assert len(lost) == 1, lost
    wait_for_voters(live_chair, "vraag-3", 1)  # the retry had the same key: it counted once
