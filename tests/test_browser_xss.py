"""XSS in a real browser against the real server: a participant's name, a question, an open answer and word-cloud
entries holding HTML and script show as literal text on every surface, and none of them runs. The pages are opened
with the CSP bypassed, so that the escaping itself is tested, not only the policy. Screenshots under
test-artifacts/."""

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import with_query
from tests.crew import Phone
from tests.test_browser_chair_audience import SLUG
from tests.test_browser_phone import join

pytestmark = pytest.mark.browser

NAME = '<img src=x onerror="window.__xss=1">'
QUESTION = '<script>window.__xss=2</script> Vraag <img src=x onerror="window.__xss=3">'
ANSWER = '<img src=x onerror="window.__xss=4"><b>vet</b>'
WORDS = ["<script>x</script>", "<img src=x>"]


def chair_do(server, token: str, action: str, payload: dict | None = None) -> dict:
    """A chair's action through the HTTP API."""
    reply = requests.post(f"{server.base_url}/api/v1/events/{SLUG}/{action.replace(':', '/')}", json=payload or {},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert reply.status_code == 200, (action, reply.text)
    return reply.json()


def crew_state(server, token: str) -> dict:
    """The crew snapshot, through the HTTP API."""
    return requests.get(f"{server.base_url}/api/v1/events/{SLUG}/state",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10).json()


@pytest.fixture
def unsafe_page(browser):
    """A browser page with the CSP bypassed, that records dialogs and page errors."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.dialogs = []
    page.errors = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_user_text_with_html_and_script_shows_as_text_on_every_surface(real_server, unsafe_page, artifacts):
    links = real_server.links()
    token = links["chair"]["token"]
    code = links["sites"]["enschede"]["join"]["code"]
    phone = Phone(real_server, code, NAME)
    try:
        chair_do(real_server, token, "event:start", {"confirm": True})
        chair_do(real_server, token, "poll:create", {"poll": {"key": "xss-open", "kind": "open",
                                                              "question": "Wat is uw les?"}})
        polls = {poll["key"]: poll for poll in crew_state(real_server, token)["polls"]}
        for key in ("xss-open", "vraag-1"):
            chair_do(real_server, token, "poll:open", {"poll_id": polls[key]["id"]})
        phone.vote(polls["xss-open"]["id"], {"text": ANSWER})
        phone.vote(polls["vraag-1"]["id"], {"words": WORDS})
        asked = phone.send("question:ask", {"text": QUESTION})
        question_id = asked["question"]
        chair_do(real_server, token, "question:moderate", {"question_id": question_id, "state": "approved"})
        chair_do(real_server, token, "question:feature", {"question_id": question_id})

        page = unsafe_page
        audience = with_query(links["chair"]["url"].replace("/control#", "/audience#"), "lang=en")
        page.goto(audience)
        expect(page.get_by_test_id("connection")).to_have_text("live")
        page.locator("[data-testid=poll-item][data-key='xss-open']").click()
        pending = page.get_by_test_id("pending-answers").get_by_test_id("answer")
        expect(pending.filter(has_text=ANSWER)).to_have_count(1)
        pending.filter(has_text="vet").get_by_role("button", name="Approve").click()
        expect(page.get_by_test_id("approved-answers").get_by_test_id("answer")).to_contain_text(ANSWER)
        for key in ("xss-open", "vraag-1"):
            chair_do(real_server, token, "poll:close", {"poll_id": polls[key]["id"]})
            chair_do(real_server, token, "poll:reveal", {"poll_id": polls[key]["id"]})

        # The screen shows one thing at a time (the scene rule): the featured question, then the word cloud.
        surfaces = {
            "screen": (with_query(links["sites"]["enschede"]["screen"]["url"], "lang=en"), [QUESTION]),
            "screen-results": (with_query(links["sites"]["enschede"]["screen"]["url"], "lang=en"), WORDS),
            "phone": (links["sites"]["enschede"]["join"]["url"] + "?lang=en", [QUESTION, NAME, *WORDS]),
            "host": (with_query(links["sites"]["enschede"]["host"]["url"], "lang=en"), [QUESTION]),
            "control": (with_query(links["chair"]["url"], "lang=en"), []),
            "audience": (audience, [QUESTION]),
            "results-open": (f"{real_server.base_url}/e/{SLUG}/results/xss-open?lang=en", [ANSWER]),
            "results-cloud": (f"{real_server.base_url}/e/{SLUG}/results/vraag-1?lang=en", WORDS),
            "report": (f"{real_server.base_url}/e/{SLUG}/report?lang=en#token={token}", [ANSWER, *WORDS]),
        }
        seen = {}
        for name, (url, expected) in surfaces.items():
            if name == "screen-results":  # showing the poll again takes the featured question off the screens
                chair_do(real_server, token, "poll:show", {"poll_id": polls["vraag-1"]["id"]})
            page.goto(url)
            if name == "phone":
                join(page, NAME)
            page.wait_for_timeout(1500)
            text = page.locator("body").inner_text()
            for payload in expected:
                assert " ".join(payload.split()) in " ".join(text.split()), f"{name} does not show {payload!r}"
            seen[name] = [p for p in (NAME, QUESTION, ANSWER, *WORDS) if " ".join(p.split()) in " ".join(text.split())]
            # (the control panel shows none of them: it has no audience text; the name shows on the phone only)
            assert page.evaluate("() => window.__xss") is None, f"a payload ran on the {name}"
            assert page.locator("img[src=x]").count() == 0, f"the {name} made an element of a payload"
            page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        assert not page.dialogs and not page.errors, (page.dialogs, page.errors)
        (artifacts / "seen.txt").write_text("\n".join(f"{k}: {v}" for k, v in seen.items()))
    finally:
        phone.close()
