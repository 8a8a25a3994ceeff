"""Polls on the room screens and host panels, in a real browser against the real server: a poll with its QR code
on two screens, votes from phones at two sites, results that flip on every screen at the same moment with the
right totals and per-site breakdown, the word cloud, the site-by-site ("Eurovision") reveal, a quiz and its
leaderboard, a host running its own site's statement poll (and refused for another site's), moderation, the
featured question, reactions, and typed HTML that stays text. Screenshots go to test-artifacts/ (1920x1080)."""

import itertools
import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.crew import Chair, Phone, url, wait_live

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
HTML = '<img src=x onerror="window.__pwned=1"><b>vet</b><script>window.__pwned=2</script>'


@pytest.fixture
def site_phones(live_phones):
    """Socket.IO phones at a site, each named after the site and a number: site_phones("enschede", 3)."""
    counter = itertools.count(1)

    def make(site: str, count: int = 1) -> list[Phone]:
        return [live_phones(site, f"{site.title()} {next(counter)}") for _ in range(count)]

    return make


def shot(page, folder, name: str, wait_ms: int = 1200) -> None:
    """A screenshot once the bars have grown."""
    page.wait_for_timeout(wait_ms)
    page.screenshot(path=str(folder / f"{name}.png"))


def assert_fits(page) -> None:
    """The screen never scrolls, and the poll fits its box."""
    sizes = page.evaluate("""() => {
        const root = document.documentElement, poll = document.getElementById('poll');
        return {width: root.scrollWidth, height: root.scrollHeight, viewWidth: innerWidth, viewHeight: innerHeight,
                pollScroll: poll.scrollHeight, pollBox: poll.clientHeight};
    }""")
    assert sizes["width"] <= sizes["viewWidth"] and sizes["height"] <= sizes["viewHeight"], sizes
    assert sizes["pollScroll"] <= sizes["pollBox"] + 1, sizes


def bar_counts(page) -> dict[str, int]:
    """What the total's bars say: option label -> count."""
    return page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('[data-testid=results-total] [data-testid=result-bar]'),
        bar => [bar.querySelector('.bar-text').textContent, Number(bar.dataset.count)]))""")


def site_voters(page) -> dict[str, str]:
    """What the per-site breakdown says: site key -> voters ('' for a site still to come)."""
    return page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('[data-testid=site-card]'), card => [card.dataset.site, card.dataset.voters]))""")


def hide_results_until_revealed(chair: Chair, poll: dict) -> None:
    """As a chair does in the programme: this poll's results wait for the reveal."""
    spec = {"key": poll["key"], "kind": poll["kind"], "question": poll["question"], "hide_results": True,
            "options": [option["label"] for option in poll["options"]]}
    if poll["scale"]:
        spec["scale"] = poll["scale"]
    chair.do("poll:update", {"poll_id": poll["id"], "poll": spec})


# ---- a poll on two screens, votes from two sites, one reveal moment ----

def test_a_poll_shows_its_qr_code_then_flips_to_the_results_on_every_screen_at_once(
        live_chair, server_links, site_phones, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    poll = live_chair.poll("vraag-3")
    hide_results_until_revealed(live_chair, poll)
    den_haag = open_page(url(server_links, "den-haag", "screen"))
    enschede = open_page(url(server_links, "enschede", "screen"))
    overlay = open_page(url(server_links, "enschede", "screen", "&overlay=1"))
    for page in (den_haag, enschede, overlay):
        wait_live(page)
    live_chair.do("poll:open", {"poll_id": poll["id"]})

    for page, site in ((den_haag, "den-haag"), (enschede, "enschede")):
        expect(page.get_by_test_id("poll-question")).to_have_text(poll["question"])
        expect(page.get_by_test_id("screen-now")).to_be_hidden()
        join = page.get_by_test_id("screen-join")
        expect(join.locator("svg")).to_be_visible()  # the QR code
        expect(join.get_by_test_id("join-code")).to_contain_text(server_links["sites"][site]["join"]["code"][:3])
        assert join.bounding_box()["height"] > 500  # large, beside the question: people vote now
        expect(page.get_by_test_id("poll-results")).to_be_hidden()

    options = {option["label"]: option["id"] for option in poll["options"]}
    labels = list(options)
    votes = {"den-haag": [labels[0], labels[0], labels[1]], "enschede": [labels[0], labels[2]]}
    for site, answers in votes.items():
        for phone, label in zip(site_phones(site, len(answers)), answers, strict=True):
            phone.vote(poll["id"], {"option": options[label]})
    for page in (den_haag, enschede):
        expect(page.get_by_test_id("poll-voters")).to_have_text("5")
        expect(page.get_by_test_id("poll-count")).to_contain_text("of 5 joined")
        expect(page.get_by_test_id("poll-site-voters")).to_contain_text("Den Haag3")
        assert_fits(page)
    # Nothing of the results reaches a screen before the reveal.
    assert den_haag.evaluate("document.querySelectorAll('[data-testid=result-bar]').length") == 0
    shot(den_haag, artifacts, "screen-poll-open", 300)

    # The overlay shows the poll as a lower third, without the QR code.
    expect(overlay.get_by_test_id("poll-question")).to_have_text(poll["question"])
    expect(overlay.locator("svg")).to_have_count(0)
    assert overlay.get_by_test_id("screen-poll").bounding_box()["y"] > 540
    expect(overlay.get_by_test_id("poll-label")).to_contain_text(server_links["sites"]["enschede"]["join"]["code"][3:])

    live_chair.do("poll:close", {"poll_id": poll["id"]})
    expect(den_haag.get_by_test_id("poll-label")).to_contain_text("Voting is closed")
    live_chair.do("poll:reveal", {"poll_id": poll["id"]})
    reveal_at = live_chair.poll("vraag-3")["reveal_at"]
    flips = []
    for page in (den_haag, enschede):
        expect(page.get_by_test_id("poll-results")).to_be_visible(timeout=5000)
        flips.append(int(page.get_by_test_id("screen-poll").get_attribute("data-revealed-at")))
    # Both flipped at the server's reveal moment, not when each got the news.
    at = datetime.fromisoformat(reveal_at).timestamp() * 1000
    assert abs(flips[0] - flips[1]) < 150, flips
    assert all(at - 100 <= flip <= at + 600 for flip in flips), (at, flips)

    expected = {label: sum(answers.count(label) for answers in votes.values()) for label in labels}
    for page in (den_haag, enschede):
        expect(page.get_by_test_id("poll-voters")).to_have_text("5")
        assert bar_counts(page) == expected
        assert site_voters(page) == {"den-haag": "3", "enschede": "2", "eindhoven": "0", "online": "0"}
        expect(page.get_by_test_id("site-card").filter(has_text="Den Haag")).to_contain_text("3 votes")
        assert page.get_by_test_id("screen-join").bounding_box()["height"] < 300  # small again: voting is over
        assert_fits(page)
    expect(overlay.get_by_test_id("result-bar")).to_have_count(len(labels))
    shot(den_haag, artifacts, "screen-poll-results")
    shot(overlay, artifacts, "screen-poll-overlay-results", 300)

    live_chair.do("poll:dismiss", {"site": None})
    expect(den_haag.get_by_test_id("screen-poll")).to_be_hidden()
    expect(den_haag.get_by_test_id("screen-now")).to_be_visible()


# ---- the word cloud, the scale and the site-by-site reveal ----

def test_the_word_cloud_grows_live_and_the_eurovision_reveal_shows_the_sites_in_turn(
        live_chair, server_links, site_phones, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("poll")})
    screen = open_page(url(server_links, "eindhoven", "screen"))
    wait_live(screen)
    cloud = live_chair.poll("vraag-1")
    live_chair.do("poll:open", {"poll_id": cloud["id"]})  # its results show live, while people vote
    words = {
        "den-haag": [["samen"], ["samen", "verbinding"], ["vertrouwen", "samen"]],
        "enschede": [["verbinding", "samen"], ["energie"]],
        "eindhoven": [["samen", "lef"], ["verbinding"], ["<i>html</i>"]],
    }
    for site, answers in words.items():
        for phone, answer in zip(site_phones(site, len(answers)), answers, strict=True):
            phone.vote(cloud["id"], {"words": answer})
    shown = screen.get_by_test_id("cloud-word")
    expect(shown.filter(has_text=re.compile("^samen$"))).to_have_attribute("data-count", "5")
    expect(shown.filter(has_text=re.compile("^verbinding$"))).to_have_attribute("data-count", "3")
    expect(shown).to_have_count(6)
    expect(shown.filter(has_text="<i>html</i>")).to_have_count(1)  # typed HTML is a word, not markup
    assert screen.evaluate("document.querySelectorAll('[data-testid=word-cloud] i').length") == 0
    sizes = screen.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll('[data-testid=cloud-word]'),
        word => [word.textContent, parseFloat(getComputedStyle(word).fontSize)]))""")
    assert sizes["samen"] > sizes["verbinding"] > sizes["energie"]
    assert sizes["energie"] >= 28  # readable from the back of the room
    expect(screen.get_by_test_id("site-card").filter(has_text="Enschede")).to_contain_text("verbinding · samen")
    assert_fits(screen)
    shot(screen, artifacts, "screen-wordcloud")

    # The scale, revealed site by site: each step adds one site to the running total, and says so.
    scale = live_chair.poll("vraag-2")
    live_chair.do("poll:open", {"poll_id": scale["id"]})
    values = {"den-haag": [4, 5, 3], "enschede": [5, 5], "eindhoven": [2], "online": [4, 3]}
    for site, answers in values.items():
        for phone, value in zip(site_phones(site, len(answers)), answers, strict=True):
            phone.vote(scale["id"], {"value": value})
    live_chair.do("poll:close", {"poll_id": scale["id"]})
    expected_order = [site["key"] for site in live_chair.state()["sites"]]
    names = {site["key"]: site["name"] for site in live_chair.state()["sites"]}
    running = []
    for step, site in enumerate(expected_order, start=1):
        live_chair.do("poll:reveal-site", {"poll_id": scale["id"]})
        running += values[site]
        announce = screen.get_by_test_id("poll-announce")
        expect(announce).to_contain_text(f"{names[site]}: ", timeout=5000)
        expect(screen.get_by_test_id("screen-poll")).to_have_attribute("data-step", str(step))
        expect(screen.get_by_test_id("poll-voters")).to_have_text(str(len(running)))
        mean = sum(running) / len(running)
        expect(screen.get_by_test_id("scale-mean")).to_have_text(f"{mean:.1f}".rstrip("0").rstrip("."))
        newest = screen.locator("[data-testid=site-card].is-newest")
        expect(newest).to_have_attribute("data-site", site)
        expect(screen.locator("[data-testid=site-card].is-pending")).to_have_count(len(expected_order) - step)
        expect(screen.get_by_test_id("live-from").or_(screen.get_by_test_id("on-air"))).to_be_visible()
        if step == 2:
            assert_fits(screen)
            shot(screen, artifacts, "screen-eurovision")
    expect(screen.get_by_test_id("poll-announce")).to_contain_text("Online: 2 votes · average 3.5")


def test_a_screen_in_a_site_by_site_reveal_draws_only_the_revealed_sites_and_the_total_the_server_sent(
        live_chair, server_links, site_phones, open_page):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("poll")})
    screen = open_page(url(server_links, "online", "screen"))
    wait_live(screen)
    poll = live_chair.poll("vraag-3")
    hide_results_until_revealed(live_chair, poll)
    live_chair.do("poll:open", {"poll_id": poll["id"]})
    labels = [option["label"] for option in poll["options"]]
    votes = {"den-haag": [labels[0], labels[0], labels[1]], "enschede": [labels[2], labels[2]],
             "eindhoven": [labels[1]]}
    for site, answers in votes.items():
        for phone, label in zip(site_phones(site, len(answers)), answers, strict=True):
            phone.vote(poll["id"], {"option": next(o["id"] for o in poll["options"] if o["label"] == label)})
    expect(screen.get_by_test_id("poll-voters")).to_have_text("6")
    live_chair.do("poll:close", {"poll_id": poll["id"]})
    for step, shown in enumerate((["den-haag"], ["den-haag", "enschede"]), start=1):
        live_chair.do("poll:reveal-site", {"poll_id": poll["id"]})
        expect(screen.get_by_test_id("screen-poll")).to_have_attribute("data-step", str(step), timeout=5000)
        answers = [answer for site in shown for answer in votes[site]]
        expect(screen.get_by_test_id("poll-voters")).to_have_text(str(len(answers)))
        assert bar_counts(screen) == {label: answers.count(label) for label in labels}
        assert site_voters(screen) == {**{site: "" for site in ("den-haag", "enschede", "eindhoven", "online")},
                                       **{site: str(len(votes[site])) for site in shown}}
        # Bars only in the revealed sites' cards; the others say they are still to come, with no figure.
        expect(screen.locator("[data-testid=site-card]:not(.is-pending) .stacked")).to_have_count(len(shown))
        expect(screen.locator("[data-testid=site-card].is-pending .stacked")).to_have_count(0)
        expect(screen.locator("[data-testid=site-card].is-newest")).to_have_attribute("data-site", shown[-1])


# ---- a quiz: the right answer, then the leaderboard ----

def test_a_quiz_marks_the_right_answer_and_shows_the_leaderboard(live_chair, server_links, site_phones, open_page,
                                                                  artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("poll:create", {"poll": {"key": "quiz-1", "kind": "quiz", "hide_results": True,
                                           "question": "In welk jaar begon Perspectief op Werk?",
                                           "options": ["2019", {"label": "2020", "correct": True}, "2021"]},
                                  "site": None, "segment_id": None})
    quiz = live_chair.poll("quiz-1")
    screen = open_page(url(server_links, "enschede", "screen"))
    wait_live(screen)
    live_chair.do("poll:open", {"poll_id": quiz["id"]})
    by_label = {option["label"]: option["id"] for option in quiz["options"]}
    for site, label in (("enschede", "2020"), ("enschede", "2019"), ("den-haag", "2020"), ("online", "2021")):
        site_phones(site)[0].vote(quiz["id"], {"option": by_label[label]})
    live_chair.do("poll:close", {"poll_id": quiz["id"]})
    live_chair.do("poll:reveal", {"poll_id": quiz["id"]})
    correct = screen.locator("[data-testid=result-bar].is-correct")
    expect(correct).to_have_count(1, timeout=5000)
    expect(correct).to_contain_text("2020")
    board = screen.get_by_test_id("leaderboard")
    expect(board).to_be_visible()
    # The players who scored overall (Enschede's and Den Haag's), then Enschede's one; no 0-point rows.
    expect(board.locator(".leader")).to_have_count(2 + 1)
    expect(board).to_contain_text("Best in Enschede")
    assert_fits(screen)
    shot(screen, artifacts, "screen-quiz-leaderboard")


# ---- a host runs its own site's poll ----

def test_the_eindhoven_host_runs_its_own_statement_poll_and_moderates_its_site(
        live_chair, server_links, site_phones, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("regional")})
    live_chair.do("poll:create", {"poll": {"key": "enschede-podium", "kind": "single", "question": "Welk podium?",
                                           "options": ["Podium 1", "Podium 2"]},
                                  "site": "enschede", "segment_id": None})
    enschede_poll = live_chair.poll("enschede-podium")
    host = open_page(url(server_links, "eindhoven", "host"))
    eindhoven = open_page(url(server_links, "eindhoven", "screen"))
    enschede = open_page(url(server_links, "enschede", "screen"))
    for page in (host, eindhoven, enschede):
        wait_live(page)

    own = host.get_by_test_id("own-poll")
    expect(own).to_have_count(3)
    expect(host.get_by_test_id("own-polls")).not_to_contain_text("Welk podium?")  # another site's poll
    event_polls = host.get_by_test_id("event-poll")
    expect(event_polls).to_have_count(3)
    expect(event_polls.first.get_by_role("button")).to_have_count(0)  # the chair's: read only
    expect(event_polls.first.get_by_test_id("poll-state")).to_have_text("Not opened")

    statement = own.filter(has_text="Perspectief op Werk is nog lang niet klaar.")
    statement.get_by_role("button", name="Open").click()
    expect(statement.get_by_test_id("poll-state")).to_have_text("Open")
    expect(statement.get_by_test_id("on-screen")).to_be_visible()
    expect(eindhoven.get_by_test_id("poll-question")).to_have_text("Perspectief op Werk is nog lang niet klaar.")
    expect(enschede.get_by_test_id("screen-poll")).to_be_hidden()  # only Eindhoven's screen
    voters = site_phones("eindhoven", 3)
    for phone, choice in zip(voters, ["agree", "agree", "disagree"], strict=True):
        phone.vote(int(statement.get_attribute("data-poll-id")), {"choice": choice})
    expect(statement.get_by_test_id("poll-voters")).to_have_text("3 voted")
    expect(statement.get_by_test_id("poll-results")).to_contain_text("Agree")
    statement.get_by_role("button", name="Close").click()
    expect(statement.get_by_test_id("poll-state")).to_have_text("Closed")
    statement.get_by_role("button", name="Hide results").click()
    expect(eindhoven.get_by_test_id("poll-results")).to_be_hidden()
    statement.get_by_role("button", name="Reveal results").click()
    expect(eindhoven.get_by_test_id("result-bar")).to_have_count(3, timeout=5000)
    expect(eindhoven.get_by_test_id("result-bar").first).to_contain_text("67%")
    expect(eindhoven.get_by_test_id("site-breakdown")).to_have_count(0)  # a site's own poll has one site
    expect(enschede.get_by_test_id("screen-poll")).to_be_hidden()
    shot(eindhoven, artifacts, "screen-eindhoven-statement")

    # A quick poll of its own: an open question; the answers wait for the host's approval.
    host.get_by_text("New quick poll for Eindhoven").click()
    expect(host.get_by_label("Kind")).to_have_value("statement")  # Eindhoven's format
    host.get_by_label("Kind").select_option("open")
    host.get_by_label("Question or statement").fill("Wat neemt u mee naar huis?")
    host.get_by_label("Keep the results hidden until I reveal them").uncheck()
    host.get_by_role("button", name="Create poll").click()
    expect(own).to_have_count(4)
    question = own.filter(has_text="Wat neemt u mee naar huis?")
    question.get_by_role("button", name="Open").click()
    expect(eindhoven.get_by_test_id("poll-question")).to_have_text("Wat neemt u mee naar huis?")
    poll_id = int(question.get_attribute("data-poll-id"))
    voters[0].vote(poll_id, {"text": HTML})
    voters[1].vote(poll_id, {"text": "Energie om door te gaan"})
    pending = question.get_by_test_id("pending-answer")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text('<img src=x onerror="window.__pwned=1">')  # as text
    # A question asked at Eindhoven waits for the host too.
    voters[2].call("question:ask", {"text": "Hoe houden we de <em>regio</em> betrokken?"})
    asked = host.get_by_test_id("host-question")
    expect(asked).to_have_count(1)
    expect(asked).to_have_attribute("data-state", "pending")
    question.scroll_into_view_if_needed()
    shot(host, artifacts, "host-polls", 300)
    host.screenshot(path=str(artifacts / "host-polls-full.png"), full_page=True)

    for answer in (HTML, "Energie om door te gaan"):
        pending.filter(has_text=answer).get_by_role("button", name="Approve").click()
    expect(pending).to_have_count(0)
    cards = eindhoven.get_by_test_id("answer-card")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="<b>vet</b>")).to_have_count(1)
    assert eindhoven.evaluate("document.querySelectorAll('#poll img, #poll b, #poll script').length") == 0

    asked.get_by_role("button", name="Approve").click()
    expect(asked).to_have_attribute("data-state", "approved")
    expect(asked).to_contain_text("<em>regio</em>")

    # Enschede's poll is not Eindhoven's to run: the server refuses, and the panel says so.
    button = question.get_by_role("button", name="Take off screen")
    button.evaluate("(element, id) => { element.dataset.action = 'poll:open'; element.dataset.poll = id; }",
                    str(enschede_poll["id"]))
    button.click()
    expect(host.get_by_test_id("host-alert")).to_contain_text("its own site")
    expect(enschede.get_by_test_id("screen-poll")).to_be_hidden()
    assert live_chair.poll("enschede-podium")["state"] == "draft"
    assert host.evaluate("window.__pwned") is None and eindhoven.evaluate("window.__pwned") is None


def test_the_host_panel_says_truthfully_when_each_polls_results_will_show(live_chair, server_links, open_page):
    live_chair.do("event:start", {"confirm": True})
    live_chair.do("poll:create", {"poll": {"key": "quiz-1", "kind": "quiz", "hide_results": True,
                                           "question": "Welk jaar?",
                                           "options": ["2019", {"label": "2020", "correct": True}]},
                                  "site": None, "segment_id": None})
    quiz = live_chair.poll("quiz-1")
    hide_results_until_revealed(live_chair, live_chair.poll("vraag-3"))
    host = open_page(url(server_links, "eindhoven", "host"))
    wait_live(host)

    def label(key: str):
        poll_id = live_chair.poll(key)["id"]
        return host.locator(f"[data-poll-id='{poll_id}'] [data-testid=poll-visibility]")

    expect(label("vraag-1")).to_have_text("Results live once opened")  # hide_results: false, not opened yet
    expect(label("eindhoven-stelling-1")).to_have_text("Results live once opened")
    expect(label("vraag-3")).to_have_text("Hidden until revealed")
    expect(label("quiz-1")).to_have_text("Hidden until the quiz is closed and revealed")
    live_chair.do("poll:open", {"poll_id": quiz["id"]})
    expect(label("quiz-1")).to_have_text("Hidden until the quiz is closed and revealed")
    live_chair.do("poll:close", {"poll_id": quiz["id"]})
    expect(label("quiz-1")).to_have_text("Hidden until revealed")
    live_chair.do("poll:reveal", {"poll_id": quiz["id"]})
    expect(label("quiz-1")).to_have_text("Results shown", timeout=5000)  # after "Results shown at the reveal"
    live_chair.do("poll:open", {"poll_id": live_chair.poll("vraag-1")["id"]})
    expect(label("vraag-1")).to_have_text("Results shown")  # live from the moment it opened
    flag = host.locator(f"[data-poll-id='{live_chair.poll('vraag-1')['id']}'] [data-testid=on-screen]")
    expect(flag).to_have_text("On your screen")
    live_chair.do("poll:show", {"poll_id": live_chair.poll("vraag-1")["id"], "pinned": True})
    live_chair.do("programme:jump", {"segment_id": live_chair.segment_id("closing_round")})
    expect(flag).to_have_text("Set on your screen, covered now")  # the closing round is on the screen


# ---- the featured question, reactions ----

def test_a_featured_question_shows_on_every_screen_as_text_and_reactions_rise(
        live_chair, server_links, site_phones, open_page, artifacts):
    live_chair.do("event:start", {"confirm": True})
    screens = {site: open_page(url(server_links, site, "screen")) for site in ("den-haag", "enschede", "eindhoven")}
    calm = open_page(url(server_links, "online", "screen"), reduced_motion="reduce")
    for page in (*screens.values(), calm):
        wait_live(page)
    asker = site_phones("enschede")[0]
    text = "Wat gebeurt er na 2021 met <script>window.__pwned=3</script><b>de regio's</b>?"
    question_id = asker.call("question:ask", {"text": text})["question"]
    live_chair.do("question:moderate", {"question_id": question_id, "state": "approved"})
    live_chair.do("question:feature", {"question_id": question_id})
    for page in (*screens.values(), calm):
        card = page.get_by_test_id("screen-featured")
        expect(card).to_be_visible()
        expect(card).to_contain_text("Question from Enschede")
        expect(page.get_by_test_id("featured-text")).to_have_text(text)
        assert page.evaluate("document.querySelectorAll('#featured b, #featured script').length") == 0
        assert page.evaluate("window.__pwned") is None

    # Reactions from the phones rise on the screens; no more than a handful at once.
    reacting = site_phones("den-haag", 3)
    for phone in reacting:
        for kind in ("applause", "heart", "laugh"):
            phone.call("reaction:send", {"kind": kind})
    screen = screens["den-haag"]
    floaters = screen.locator(".floater")
    expect(floaters.first).to_be_attached(timeout=5000)
    assert floaters.count() <= 36
    shot(screen, artifacts, "screen-featured-reactions", 700)
    # Under reduced motion nothing moves: a small counter says how many instead.
    counter = calm.get_by_test_id("reaction-counter")
    expect(counter).to_be_visible()
    expect(counter).to_contain_text("3")
    assert calm.locator(".floater").count() == 0

    live_chair.do("question:feature", {"question_id": None})
    expect(screen.get_by_test_id("screen-featured")).to_be_hidden()
