"""What the audience sees of issue 19's live controls, in a real browser against the real server: a quiz question's
time to answer counted down on the phone and the room screen (the phone's ballot locks at 0; the server closes it),
the player's own quiz score and rank on its phone after the reveal, the participant told when its open answer or
its question is approved, "N waiting for moderation" instead of "no votes yet", and room screens that ask for votes
only while a poll is open. Screenshots go to test-artifacts/ (phones 390x844, screens 1920x1080)."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.crew import Chair, Phones, join, url, wait_live

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
QUIZ = {"kind": "quiz", "question": "In welk jaar begon Perspectief op Werk?",
        "options": ["2019", {"label": "2020", "correct": True}, "2021"]}


def dutch(page) -> None:
    """The same page in Dutch (the default language)."""
    page.goto(page.url.replace("lang=en", "lang=nl"))


def create_poll(live_chair: Chair, key: str, spec: dict) -> dict:
    """A poll for every site, made by the chair."""
    live_chair.do("poll:create", {"poll": {"key": key, **spec}, "site": None, "segment_id": None})
    return live_chair.poll(key)


def at_the_polls(live_chair: Chair, phones: Phones, server_links: dict, open_page):
    """The event at its polls segment, a phone joined at Den Haag and Den Haag's screen, live."""
    live_chair.start_at_the_polls()
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    join(phone, "Anouk")
    screen = open_page(url(server_links, "den-haag", "screen"), viewport=PROJECTOR)
    wait_live(screen)
    return phone, screen


def shot(page, path) -> None:
    page.wait_for_timeout(700)  # the entrance animations and the bars
    page.screenshot(path=str(path))


# ---- 1. a quiz question's time to answer ----

def test_a_quiz_question_counts_down_on_phone_and_screen_and_the_phone_locks_when_the_time_is_up(
        live_chair, phones, server_links, open_page, artifacts):
    phone, screen = at_the_polls(live_chair, phones, server_links, open_page)
    screen_nl = open_page(url(server_links, "den-haag", "screen").replace("lang=en", "lang=nl"), viewport=PROJECTOR)
    wait_live(screen_nl)
    quiz = create_poll(live_chair, "quiz-tijd", {**QUIZ, "answer_seconds": 8})
    live_chair.do("poll:open", {"poll_id": quiz["id"]})

    timer = phone.get_by_test_id("answer-timer")
    expect(timer).to_have_text(re.compile(r"^0:0[1-8] left to answer$"))
    screen_timer = screen.get_by_test_id("poll-timer")
    expect(screen_timer).to_contain_text("Time to answer")
    expect(screen_timer).to_contain_text(re.compile(r"0:0[1-8]"))
    expect(screen_nl.get_by_test_id("poll-timer")).to_contain_text("Tijd om te antwoorden")
    # It counts down by the server's clock: a second later it says less.
    first = phone.evaluate("document.getElementById('answer-timer').textContent")
    phone.wait_for_timeout(1300)
    assert phone.evaluate("document.getElementById('answer-timer').textContent") < first
    phone.get_by_role("button", name="2020").click()  # picked, not sent
    phone.screenshot(path=str(artifacts / "phone-quiz-timer.png"))
    screen.screenshot(path=str(artifacts / "screen-quiz-timer.png"))

    # At 0: the ballot locks and says so, before and after the server closes the question.
    expect(timer).to_have_text("Time is up.", timeout=10000)
    expect(screen_timer).to_contain_text("Time is up")
    expect(screen_nl.get_by_test_id("poll-timer")).to_contain_text("De tijd is om")
    for option in ("2019", "2020", "2021"):
        expect(phone.get_by_role("button", name=option)).to_be_disabled()
    expect(phone.get_by_role("button", name="Send answer")).to_be_hidden()
    expect(phone.locator("#answer-hint")).to_have_text("Time is up. You did not answer this one.")
    expect(phone.get_by_role("button", name="2020")).to_have_attribute("aria-pressed", "false")  # picked, never sent
    phone.screenshot(path=str(artifacts / "phone-quiz-time-up.png"))
    deadline = time.monotonic() + 5
    while live_chair.poll("quiz-tijd")["state"] != "closed" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert live_chair.poll("quiz-tijd")["state"] == "closed"  # the server closed it by itself
    assert live_chair.poll("quiz-tijd")["voters"] == 0
    expect(screen.get_by_test_id("poll-label")).to_contain_text("Voting is closed")
    expect(screen_timer).to_contain_text("Time is up")  # until the results come
    expect(screen_nl.get_by_test_id("poll-label")).to_contain_text("stemmen is gesloten")
    screen.screenshot(path=str(artifacts / "screen-quiz-time-up.png"))
    live_chair.do("poll:reveal", {"poll_id": quiz["id"]})
    expect(screen.get_by_test_id("poll-results")).to_be_visible(timeout=5000)
    expect(screen_timer).to_be_hidden()
    expect(timer).to_have_text("Time is up.")  # the phone saw the time run out


def test_a_quiz_without_a_time_to_answer_shows_no_countdown(live_chair, phones, server_links, open_page):
    phone, screen = at_the_polls(live_chair, phones, server_links, open_page)
    quiz = create_poll(live_chair, "quiz-vrij", QUIZ)
    live_chair.do("poll:open", {"poll_id": quiz["id"]})
    expect(phone.get_by_role("button", name="2020")).to_be_enabled()
    expect(screen.get_by_test_id("poll-question")).to_have_text(QUIZ["question"])
    expect(phone.get_by_test_id("answer-timer")).to_be_hidden()
    expect(screen.get_by_test_id("poll-timer")).to_be_hidden()


# ---- 2. the player's own score ----

def test_each_phone_shows_its_own_quiz_score_and_rank_after_the_reveal(
        live_chair, phones, live_phones, server_links, artifacts):
    live_chair.start_at_the_polls()
    right = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    join(right, "Anouk")
    wrong = phones.new(server_links["sites"]["enschede"]["join"]["url"])
    dutch(wrong)
    expect(wrong.locator("body")).to_have_attribute("data-connection", "live")  # the page's module is running
    wrong.get_by_role("button", name="Doe mee").click()
    expect(wrong.locator("body")).to_have_attribute("data-joined", "yes")
    quiz = create_poll(live_chair, "quiz-1", QUIZ)
    live_chair.do("poll:open", {"poll_id": quiz["id"]})
    by_label = {option["label"]: option["id"] for option in quiz["options"]}
    live_phones("online", "Cas").vote(quiz["id"], {"option": by_label["2020"]})

    right.get_by_role("button", name="2020").click()
    right.get_by_role("button", name="Send answer").click()
    expect(right.get_by_test_id("vote-status")).to_have_text("Your answer is in")
    wrong.get_by_role("button", name="2019").click()
    wrong.get_by_role("button", name="Antwoord versturen").click()
    expect(wrong.get_by_test_id("vote-status")).to_have_text("Je antwoord is binnen")
    expect(right.get_by_test_id("quiz-score")).to_be_hidden()  # nothing before the reveal

    live_chair.do("poll:close", {"poll_id": quiz["id"]})
    live_chair.do("poll:reveal", {"poll_id": quiz["id"]})
    score = right.get_by_test_id("quiz-score")
    expect(score).to_have_text(re.compile(r"^You: [\d,]+ points? · place [12] of 2$"), timeout=8000)
    expect(wrong.get_by_test_id("quiz-score")).to_have_text("Jij: 0 punten")  # no rank without points
    score.scroll_into_view_if_needed()
    right.screenshot(path=str(artifacts / "phone-quiz-score.png"))
    wrong.get_by_test_id("quiz-score").scroll_into_view_if_needed()
    wrong.screenshot(path=str(artifacts / "phone-quiz-score-zero-nl.png"))


# ---- 3 and 4. moderation: the participant told, the waiting counted ----

def test_the_participant_is_told_when_its_answer_and_its_question_are_approved_and_waiting_answers_are_counted(
        live_chair, phones, server_links, open_page, artifacts):
    phone, screen = at_the_polls(live_chair, phones, server_links, open_page)
    poll = create_poll(live_chair, "mee-naar-huis", {"kind": "open", "question": "Wat neemt u mee naar huis?",
                                                "hide_results": False})
    live_chair.do("poll:open", {"poll_id": poll["id"]})
    phone.get_by_label("Your answer").fill("Energie om door te gaan")
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Your answer is in")

    # Waiting for the moderator: counted, not "no votes yet".
    expect(screen.get_by_test_id("waiting")).to_have_text("1 waiting for moderation", timeout=8000)
    expect(screen.get_by_test_id("poll-results")).not_to_contain_text("No votes yet")
    expect(phone.get_by_test_id("waiting")).to_have_text("1 waiting for moderation", timeout=8000)
    shot(screen, artifacts / "screen-open-waiting.png")
    phone.screenshot(path=str(artifacts / "phone-open-waiting.png"), full_page=True)
    notice = phone.get_by_test_id("approved-notice")
    expect(notice).to_have_text("")

    live_chair.do("answer:approve-all", {"poll_id": poll["id"], "site": None})
    approved = "Your answer has been approved and can now appear on the screen."
    expect(notice).to_have_text(approved)
    expect(notice).to_have_attribute("aria-live", "polite")
    expect(phone.locator("#answer-hint")).to_have_text(approved)
    expect(screen.get_by_test_id("answer-card")).to_have_text(re.compile("Energie om door te gaan"))
    expect(screen.get_by_test_id("waiting")).to_have_count(0)
    expect(phone.get_by_test_id("waiting")).to_have_count(0, timeout=8000)
    phone.screenshot(path=str(artifacts / "phone-answer-approved.png"))

    phone.get_by_label("Ask a question").fill("Hoe houden we de regio betrokken?")
    phone.get_by_role("button", name="Send question").click()
    expect(phone.locator("#ask-status")).to_contain_text("Thanks!")
    live_chair.question_id("Hoe houden we")
    live_chair.do("question:approve-all", {"site": None})
    expect(notice).to_have_text("Your question has been approved. Thank you!")
    phone.screenshot(path=str(artifacts / "phone-question-approved.png"))


def test_an_open_question_with_nothing_waiting_still_says_no_votes_yet(live_chair, server_links, open_page):
    live_chair.start_at_the_polls()
    screen = open_page(url(server_links, "den-haag", "screen"), viewport=PROJECTOR)
    wait_live(screen)
    poll = create_poll(live_chair, "leeg", {"kind": "open", "question": "Nog iets?", "hide_results": False})
    live_chair.do("poll:open", {"poll_id": poll["id"]})
    expect(screen.get_by_test_id("poll-results")).to_contain_text("No votes yet.", timeout=8000)
    expect(screen.get_by_test_id("waiting")).to_have_count(0)


# ---- 5. screens ask for votes only while a poll is open ----

#: What a screen says when it asks for votes, in English and Dutch.
VOTE_WORDS = re.compile(r"vote now|keep voting|stem nu|stem mee|blijf stemmen", re.IGNORECASE)


def test_the_screen_asks_for_votes_only_while_a_poll_is_open(live_chair, server_links, open_page, artifacts):
    link = url(server_links, "den-haag", "screen")
    screens = {"en": open_page(link, viewport=PROJECTOR),
               "nl": open_page(link.replace("lang=en", "lang=nl"), viewport=PROJECTOR)}
    for page in screens.values():
        wait_live(page)

    def scene(name: str, asks_for_votes: bool) -> None:
        for language, page in screens.items():
            expect(page.locator("body")).to_have_attribute("data-show", name.split("-")[0])
            page.wait_for_timeout(600)
            text = page.locator("#stage").inner_text()
            assert bool(VOTE_WORDS.search(text)) is asks_for_votes, (name, language, text)
            page.screenshot(path=str(artifacts / f"screen-scene-{name}-{language}.png"))

    scene("welcome", False)
    live_chair.do("event:start", {"confirm": True})
    scene("segment", False)
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("regional")})
    scene("own_part", False)
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("poll")})
    poll = live_chair.open("vraag-3")
    scene("poll-open", True)
    live_chair.do("poll:close", {"poll_id": poll["id"]})
    scene("poll-closed", False)
    live_chair.do("screen:scene", {"scene": "holding", "text": "Zo verder", "site": None})
    scene("holding", False)
    live_chair.do("screen:clear", {"site": None})
    live_chair.do("event:end")
    scene("ended", False)
