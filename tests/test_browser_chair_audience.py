"""The chair's "Polls and Q&A" page in a real browser against the real server: open vraag-3, phones vote from
every site, the live results show the total and the per-site breakdown, the chair reveals them (at once, then site
by site), the public results page shows them; a poll is created during the event (and a refused one says why), an
open answer and a question are moderated and a question is put on every screen. Screenshots under test-artifacts/."""

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import with_query

pytestmark = pytest.mark.browser

SLUG = "pow-2021-11-01"
SITES = ("den-haag", "enschede", "eindhoven", "online")


class Desk:
    """The chair's polls and Q&A page, as the chair sees and uses it."""

    def __init__(self, page, server, links):
        self.page = page
        self.server = server
        self.links = links
        self.token = links["chair"]["token"]
        self.error = page.get_by_test_id("action-error")
        self.ok = page.get_by_test_id("action-status")

    def open(self):
        """Open the page (English) and wait until it is live."""
        url = with_query(self.links["chair"]["url"].replace("/control#", "/audience#"), "lang=en")
        self.page.goto(url)
        expect(self.page.get_by_test_id("connection")).to_have_text("live")
        expect(self.poll_item("vraag-1")).to_be_visible()

    def poll_item(self, key: str):
        """A poll in the list on the left."""
        return self.page.locator(f"[data-testid=poll-item][data-key='{key}']")

    def state(self) -> dict:
        """The crew snapshot, through the HTTP API."""
        reply = requests.get(f"{self.server.base_url}/api/v1/events/{SLUG}/state",
                             headers={"Authorization": f"Bearer {self.token}"}, timeout=10)
        reply.raise_for_status()
        return reply.json()

    def poll(self, key: str) -> dict:
        """A poll as the crew snapshot has it."""
        return next(poll for poll in self.state()["polls"] if poll["key"] == key)


def cell(table, row_label: str, column: int):
    """A cell of the per-site table: the row of an answer, the column (1: total, 2...: the sites)."""
    row = table.locator("tbody tr").filter(has=table.page.locator("th", has_text=row_label))
    return row.locator("td").nth(column - 1)


def test_the_chair_runs_a_poll_and_sees_every_sites_results_live(real_server, server_links, page, live_phones,
                                                                  artifacts):
    desk = Desk(page, real_server, server_links)
    desk.open()
    page.on("dialog", lambda dialog: dialog.accept())

    # The polls are grouped as the run sheet groups them: the whole event's, then each site's own.
    groups = page.get_by_test_id("poll-groups")
    expect(groups.locator("[data-group=event] [data-testid=poll-item]")).to_have_count(3)
    expect(groups.locator("[data-group=eindhoven] [data-testid=poll-item]")).to_have_count(3)

    # Before vraag-3 is opened, its public results page says that they are not public yet (to someone else: the
    # chair's own browser has the cookie of the chair's pages, and sees the preview).
    public = page.context.browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    public.goto(f"{real_server.base_url}/e/{SLUG}/results/vraag-3?lang=en")
    expect(public.get_by_test_id("results-not-yet")).to_contain_text("not public yet")

    # Open vraag-3: the phones of every site vote.
    desk.poll_item("vraag-3").locator("button").click()
    expect(page.get_by_test_id("poll-question")).to_have_text(desk.poll("vraag-3")["question"])
    expect(page.get_by_test_id("poll-visibility")).to_have_text("results live once opened")  # hide_results: false
    page.get_by_test_id("poll-open").click()
    expect(page.get_by_test_id("poll-state")).to_have_text("open")
    expect(desk.ok).to_contain_text("vraag-3")
    poll = desk.poll("vraag-3")
    options = [option["id"] for option in poll["options"]]
    votes = {"den-haag": [0, 0, 1, 2], "enschede": [1, 1, 2], "eindhoven": [2, 3], "online": [0, 1, 1, 1, 2]}
    for site, picks in votes.items():
        for pick in picks:
            live_phones(site).vote(poll["id"], {"option": options[pick]})

    # The live results: the total and every site's figures, without reloading.
    voters = sum(len(picks) for picks in votes.values())
    expect(page.get_by_test_id("poll-voters")).to_have_text(f"{voters} voted")
    table = page.get_by_test_id("rv-table")
    expect(table.locator("thead th")).to_have_text(["Answer", "Total", "Den Haag", "Enschede", "Eindhoven", "Online"])
    label = poll["options"][1]["label"]
    expect(cell(table, label, 1)).to_have_text("6 43%")  # 1 + 2 + 0 + 3 of 14
    expect(cell(table, label, 3)).to_have_text("2 67%")  # Enschede: 2 of 3
    expect(cell(table, label, 5)).to_have_text("3 60%")  # Online: 3 of 5
    expect(table.locator(".rv-voters-row td")).to_have_text([str(voters), "4", "3", "2", "5"])

    # vraag-3 shows its results from the start (it does not hide them), so the waiting page shows them by itself.
    expect(public.get_by_test_id("results-question")).to_have_text(poll["question"], timeout=15000)
    public_table = public.get_by_test_id("rv-table")
    expect(cell(public_table, label, 1)).to_have_text("6 43%")
    expect(public_table.locator(".rv-voters-row td")).to_have_text([str(voters), "4", "3", "2", "5"])

    # The chair hides the results (the public page goes back to waiting), then reveals them: every screen at once.
    page.get_by_test_id("poll-hide").click()
    expect(page.get_by_test_id("poll-visibility")).to_have_text("hidden until revealed")
    expect(public.get_by_test_id("results-not-yet")).to_be_visible(timeout=15000)
    page.wait_for_timeout(600)  # the bars' animation
    page.screenshot(path=str(artifacts / "chair-polls.png"))
    page.get_by_test_id("poll-reveal").click()
    expect(page.get_by_test_id("poll-visibility")).to_have_text("results shown", timeout=5000)
    assert desk.poll("vraag-3")["results_visible"] is True
    expect(public.get_by_test_id("results-question")).to_have_text(poll["question"], timeout=15000)

    # Votes keep coming in; the public page follows within seconds.
    live_phones("eindhoven").vote(poll["id"], {"option": options[1]})
    expect(page.get_by_test_id("poll-voters")).to_have_text(f"{voters + 1} voted")
    expect(public.get_by_test_id("results-voters")).to_have_text(f"{voters + 1} voted", timeout=12000)
    page.get_by_test_id("poll-close").click()
    expect(page.get_by_test_id("poll-state")).to_have_text("closed")
    public.wait_for_timeout(600)
    public.screenshot(path=str(artifacts / "results-page.png"), full_page=True)

    # The Eurovision reveal: site by site, each with its name on the button before it goes.
    reveal_site = page.get_by_test_id("poll-reveal-site")
    expect(reveal_site).to_have_text("Reveal next site: Den Haag")
    reveal_site.click()
    expect(reveal_site).to_have_text("Reveal next site: Enschede")
    expect(page.get_by_test_id("reveal-site-note")).to_contain_text("Den Haag (1 of 4)")
    public.reload()  # not public for the moment before the reveal; then the page shows what is revealed so far
    expect(public.get_by_test_id("results-partial")).to_contain_text("Den Haag", timeout=15000)
    expect(public.get_by_test_id("rv-table").locator("thead th")).to_have_text(["Answer", "Total", "Den Haag"])
    public.context.close()

    # Off the screens and back.
    page.get_by_test_id("poll-dismiss").click()
    expect(page.get_by_test_id("poll-screens")).to_have_text("not on the screens")
    assert all(site["poll"] is None for site in desk.state()["sites"])
    page.get_by_test_id("poll-show").click()
    expect(page.get_by_test_id("poll-screens")).to_have_text("on every screen")


def test_the_chair_creates_edits_and_deletes_a_poll_and_sees_refusals(real_server, server_links, page, live_phones,
                                                                      artifacts):
    desk = Desk(page, real_server, server_links)
    desk.open()
    confirmations = []

    def accept(dialog):
        confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)

    # A key that is taken: the server refuses, the form says why and stays open.
    page.get_by_test_id("new-poll").click()
    form = page.get_by_test_id("poll-form")
    expect(page.get_by_test_id("f-key")).to_have_value("vraag-4")
    page.get_by_test_id("f-question").fill("Wat neemt u mee naar huis?")
    page.get_by_test_id("f-key").fill("vraag-1")
    page.get_by_test_id("f-kind").select_option("single")
    page.get_by_test_id("f-options").fill("Inspiratie\nContacten\nEen witboek")
    page.get_by_test_id("poll-submit").click()
    expect(page.get_by_test_id("poll-form-error")).to_contain_text("vraag-1")
    expect(desk.error).to_contain_text("vraag-1")

    # A quiz for Enschede only, with its right answer ticked.
    page.get_by_test_id("f-key").fill("quiz-enschede")
    page.get_by_test_id("f-site").select_option("enschede")
    page.get_by_test_id("f-kind").select_option("quiz")
    page.get_by_test_id("f-question").fill("In welk stadion zit Enschede vandaag?")
    page.get_by_test_id("f-options").fill("De Grolsch Veste\nPhilips Stadion\nDe Kuip")
    form.get_by_test_id("f-correct-1").check()
    page.get_by_test_id("poll-submit").click()
    expect(page.get_by_test_id("poll-dialog")).to_be_hidden()
    item = desk.poll_item("quiz-enschede")
    expect(page.locator("[data-group=enschede]").locator("[data-key=quiz-enschede]")).to_be_visible()
    expect(item.locator("button")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("poll-scope")).to_have_text("Enschede")
    created = desk.poll("quiz-enschede")
    assert created["site"] == "enschede" and created["kind"] == "quiz"

    # Edit it: the question changes.
    page.get_by_test_id("poll-edit").click()
    expect(page.get_by_test_id("f-key")).to_have_value("quiz-enschede")
    expect(form.get_by_test_id("f-correct-1")).to_be_checked()
    page.get_by_test_id("f-question").fill("In welk stadion zijn de Enschedese gasten vandaag?")
    page.get_by_test_id("poll-submit").click()
    expect(page.get_by_test_id("poll-question")).to_have_text("In welk stadion zijn de Enschedese gasten vandaag?")

    # Votes: the quiz shows its right answer and the leaderboard; a voted poll cannot be deleted.
    page.get_by_test_id("poll-open").click()
    expect(page.get_by_test_id("poll-state")).to_have_text("open")
    right = created["options"][0]["id"]
    live_phones("enschede", "Annelies").vote(created["id"], {"option": right})
    live_phones("enschede", "Bram").vote(created["id"], {"option": created["options"][2]["id"]})
    expect(page.get_by_test_id("poll-voters")).to_have_text("2 voted")
    page.get_by_test_id("poll-close").click()  # the leaderboard counts closed quiz questions only
    expect(page.get_by_test_id("poll-state")).to_have_text("closed")
    expect(page.get_by_test_id("rv-leaderboard")).to_contain_text("Annelies")
    expect(page.get_by_test_id("rv-table").locator("tbody th").first).to_have_text("✓ De Grolsch Veste")
    page.get_by_test_id("poll-delete").click()
    expect(desk.error).to_contain_text("has votes")
    page.screenshot(path=str(artifacts / "chair-quiz.png"))

    # A new poll without votes is deleted after a confirmation.
    page.get_by_test_id("new-poll").click()
    page.get_by_test_id("f-kind").select_option("scale")
    page.get_by_test_id("f-question").fill("Hoe tevreden bent u over vandaag?")
    page.get_by_test_id("poll-submit").click()
    expect(desk.poll_item("vraag-4")).to_be_visible()
    page.get_by_test_id("poll-delete").click()
    expect(desk.poll_item("vraag-4")).to_have_count(0)
    assert any("vraag-4" in message for message in confirmations)
    assert all(poll["key"] != "vraag-4" for poll in desk.state()["polls"])


def test_the_chair_moderates_open_answers_and_questions(real_server, server_links, page, live_phones, artifacts):
    desk = Desk(page, real_server, server_links)
    desk.open()

    # An open question: answers wait for the chair before they reach the screens.
    page.get_by_test_id("new-poll").click()
    page.get_by_test_id("f-kind").select_option("open")
    page.get_by_test_id("f-key").fill("open-vraag")
    page.get_by_test_id("f-question").fill("Wat is uw belangrijkste les?")
    page.get_by_test_id("poll-submit").click()
    expect(page.get_by_test_id("poll-key")).to_have_text("open-vraag")
    page.get_by_test_id("poll-open").click()
    expect(page.get_by_test_id("poll-state")).to_have_text("open")
    poll = desk.poll("open-vraag")
    live_phones("eindhoven").vote(poll["id"], {"text": "Samen leren werkt"})
    live_phones("online").vote(poll["id"], {"text": "<b>Niet</b> vet"})
    pending = page.get_by_test_id("pending-answers").get_by_test_id("answer")
    expect(pending).to_have_count(2)
    expect(pending.filter(has_text="<b>Niet</b> vet")).to_have_count(1)  # markup stays text
    pending.filter(has_text="Samen leren werkt").get_by_role("button", name="Approve").click()
    approved = page.get_by_test_id("approved-answers").get_by_test_id("answer")
    expect(approved).to_have_count(1)
    expect(approved).to_contain_text("Samen leren werkt")
    pending.filter(has_text="Niet").get_by_role("button", name="Hide").click()
    expect(pending).to_have_count(0)

    # Questions from the sites: approve, put on every screen, mark answered, hide.
    live_phones("enschede").send("question:ask", {"text": "Hoe gaan we verder na 2022?"})
    asker = live_phones("den-haag")
    asker.send("question:ask", {"text": "Komt er een vervolg op de haardvuursessies?"})
    questions = page.get_by_test_id("questions").get_by_test_id("question")
    expect(questions).to_have_count(2)
    question = questions.filter(has_text="Hoe gaan we verder na 2022?")
    expect(question).to_contain_text("Enschede")
    expect(question).to_contain_text("waiting")
    question.get_by_test_id("question-approve").click()
    expect(question).to_have_attribute("data-state", "approved")
    question.get_by_test_id("question-feature").click()
    expect(page.get_by_test_id("featured-text")).to_have_text("Hoe gaan we verder na 2022?")
    assert desk.state()["featured_question"]["text"] == "Hoe gaan we verder na 2022?"
    other = questions.filter(has_text="haardvuursessies")
    other.get_by_test_id("question-approve").click()
    expect(other).to_have_attribute("data-state", "approved")
    asker.send("question:upvote", {"question_id": int(other.get_attribute("data-question-id"))})
    expect(other).to_contain_text("▲ 1")
    expect(questions.first).to_contain_text("haardvuursessies")  # most upvoted first
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "chair-qa.png"))
    page.get_by_test_id("unfeature").click()
    expect(page.get_by_test_id("featured-text")).to_have_text("No question on the screens.")
    question.get_by_test_id("question-answered").click()
    expect(question).to_have_attribute("data-state", "answered")
    other.get_by_test_id("question-hide").click()
    expect(other).to_have_attribute("data-state", "hidden")
    page.locator("[data-filter=hidden]").click()
    expect(questions).to_have_count(1)


def test_the_chair_approves_every_waiting_answer_and_question_at_once(real_server, server_links, page, live_phones):
    desk = Desk(page, real_server, server_links)
    desk.open()
    page.get_by_test_id("new-poll").click()
    page.get_by_test_id("f-kind").select_option("open")
    page.get_by_test_id("f-key").fill("open-alles")
    page.get_by_test_id("f-question").fill("Wat neemt u mee?")
    page.get_by_test_id("poll-submit").click()
    expect(page.get_by_test_id("poll-key")).to_have_text("open-alles")
    page.get_by_test_id("poll-open").click()
    expect(page.get_by_test_id("poll-state")).to_have_text("open")
    approve_answers = page.get_by_test_id("approve-all-answers")
    expect(approve_answers).to_be_hidden()  # nothing waits yet
    poll = desk.poll("open-alles")
    for site, text in (("eindhoven", "Energie"), ("online", "Rust"), ("enschede", "Structuur")):
        live_phones(site).vote(poll["id"], {"text": text})
    expect(page.get_by_test_id("pending-answers").get_by_test_id("answer")).to_have_count(3)
    approve_answers.click()
    expect(page.get_by_test_id("approved-answers").get_by_test_id("answer")).to_have_count(3)
    expect(approve_answers).to_be_hidden()

    approve_questions = page.get_by_test_id("approve-all-questions")
    expect(approve_questions).to_be_hidden()
    live_phones("enschede").send("question:ask", {"text": "Hoe gaan we verder?"})
    live_phones("den-haag").send("question:ask", {"text": "Komt er een vervolg?"})
    questions = page.get_by_test_id("questions").get_by_test_id("question")
    expect(questions).to_have_count(2)
    approve_questions.click()
    expect(questions.and_(page.locator("[data-state=approved]"))).to_have_count(2)
    expect(approve_questions).to_be_hidden()
