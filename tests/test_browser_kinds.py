"""The poll-kind renderers (static/js/kinds/) in a real browser: every kind draws the results that
eventapp/poll_kinds.py counts, in every variant the pages use (phone, screen, host, and the results sheet of the
report and the chair's page), and every kind's ballot sends an answer that poll_kinds accepts as it is."""

from types import SimpleNamespace

import pytest

from eventapp import poll_kinds
from eventapp.models.poll import PollKind
from tests.conftest import DEMO_SLUG, RealServer

pytestmark = pytest.mark.browser

SITES = [{"key": "den-haag", "name": "Den Haag"}, {"key": "enschede", "name": "Enschede"}]
VARIANTS = ["phone", "screen", "host", "report", "control"]


def make_poll(kind: PollKind, labels=(), correct=(), scale=None):
    """A poll as poll_kinds sees it (model-like) and as the pages get it (the view's JSON)."""
    options = [SimpleNamespace(id=10 + i, label=label, correct=i in correct) for i, label in enumerate(labels)]
    model = SimpleNamespace(kind=kind, options=options, scale_min=scale[0] if scale else None,
                            scale_max=scale[1] if scale else None)
    view = {"id": 1, "key": f"test-{kind}", "kind": str(kind), "question": f"A {kind} question?", "site": None,
            "state": "closed", "options": [{"id": o.id, "label": o.label} for o in options],
            "scale": {"min": scale[0], "max": scale[1], "min_label": "low", "max_label": "high"} if scale else None}
    return model, view


def results_of(model, raw_answers):
    """The results the server would send: poll_kinds' own tally of answers given at the two sites."""
    answers = [(site, poll_kinds.normalize_answer(model, raw)) for site, raw in raw_answers]
    return poll_kinds.tally(model, answers, [site["key"] for site in SITES])


# kind -> (poll, answers at the sites, texts each variant must show, how to vote on its ballot)
CASES = {
    "single": (make_poll(PollKind.SINGLE, ["Appels", "Peren"]),
               [("den-haag", {"option": 10}), ("enschede", {"option": 10}), ("enschede", {"option": 11})],
               ["Appels", "Peren"], [("click", ".choice >> nth=1")]),
    "multiple": (make_poll(PollKind.MULTIPLE, ["Appels", "Peren", "Kiwi"]),
                 [("den-haag", {"options": [10, 12]}), ("enschede", {"options": [11]})],
                 ["Appels", "Kiwi"], [("check", "input[type=checkbox] >> nth=0"), ("click", "button[type=submit]")]),
    "quiz": (make_poll(PollKind.QUIZ, ["Rood", "Blauw"], correct=[1]),
             [("den-haag", {"option": 11}), ("enschede", {"option": 10})],
             ["Rood", "Blauw"], [("click", ".choice >> nth=0"), ("click", ".button.primary")]),
    "statement": (make_poll(PollKind.STATEMENT),
                  [("den-haag", {"choice": "agree"}), ("enschede", {"choice": "disagree"})],
                  ["Agree", "Disagree"], [("click", "[data-choice=neutral]")]),
    "scale": (make_poll(PollKind.SCALE, scale=(1, 5)),
              [("den-haag", {"value": 4}), ("enschede", {"value": 5})],
              ["4"], [("click", "[data-value='3']")]),
    "ranking": (make_poll(PollKind.RANKING, ["Scholing", "Matching", "Begeleiding"]),
                [("den-haag", {"order": [12, 10, 11]}), ("enschede", {"order": [12, 11, 10]})],
                ["Begeleiding", "Scholing"], [("click", "[data-move=up] >> nth=2"), ("click", "button[type=submit]")]),
    "wordcloud": (make_poll(PollKind.WORDCLOUD),
                  [("den-haag", {"words": ["samen", "regio"]}), ("enschede", {"words": ["Samen"]})],
                  ["samen", "regio"], [("fill", "input.word >> nth=0", "Netwerk"), ("click", "button[type=submit]")]),
    "open": (make_poll(PollKind.OPEN),
             [("den-haag", {"text": "Meer tijd"})],
             [], [("fill", "textarea", "Meer tijd voor elkaar"), ("click", "button[type=submit]")]),
}


@pytest.fixture(scope="module")
def kinds_server(tmp_path_factory):
    """One real server for this module's tests: they only draw in its pages and change nothing in it."""
    server = RealServer(tmp_path_factory.mktemp("kinds") / "instance").start()
    yield server, server.links()["chair"]["token"]
    server.stop()


@pytest.fixture
def kinds_page(page, kinds_server):
    """A crew page of the real server with Chart.js and wordcloud2 loaded (the report), to draw the kinds in."""
    server, token = kinds_server
    page.goto(f"{server.base_url}/e/{DEMO_SLUG}/report?lang=en#token={token}")
    page.wait_for_function("() => window.Chart && window.WordCloud")
    page.evaluate("""async () => {
        window.kinds = await import("/static/js/kinds/index.js");
        window.lit = await import("/vendor/lit-html/lit-html.js");
    }""")
    return page


@pytest.mark.parametrize("kind", CASES)
def test_every_kind_draws_the_counted_results_in_every_variant(kinds_page, kind):
    (model, poll), answers, texts, _ = CASES[kind]
    results = results_of(model, answers)
    drawn = kinds_page.evaluate("""([poll, results, sites, variants]) => {
        const out = {};
        variants.forEach((variant) => {
            const box = document.createElement("div");
            box.id = "drawn-" + variant;
            document.body.append(box);
            kinds.mountResults(box, poll, results, { variant: variant, sites: sites, site: "den-haag" });
            out[variant] = { text: box.innerText, canvases: box.querySelectorAll("canvas").length };
        });
        out.summary = kinds.summary(poll, results.total);
        return out;
    }""", [poll, results, SITES, VARIANTS])
    for variant in VARIANTS:
        if kind == "open" and variant == "host":  # the host panel moderates open answers itself
            continue
        for text in texts:
            assert text in drawn[variant]["text"], (variant, drawn[variant]["text"])
    # The sheet (report, chair) draws the total as a chart, except the kinds that draw words or answers.
    if kind not in ("open", "wordcloud"):
        assert drawn["report"]["canvases"] >= 1
    voters = results["total"]["voters"]
    assert str(voters) in drawn["report"]["text"]
    assert drawn["summary"]


@pytest.mark.parametrize("kind", CASES)
def test_every_kinds_ballot_sends_an_answer_the_server_accepts(kinds_page, kind):
    (model, poll), _, _, steps = CASES[kind]
    kinds_page.evaluate("""(poll) => {
        const box = document.createElement("div");
        box.id = "ballot";
        document.body.append(box);
        window.sent = null;
        const draw = () => lit.render(kinds.ballot(poll, null, {
            onSubmit: (answer) => { window.sent = answer; },
            onInvalid: (message) => { window.invalid = message; },
            redraw: () => draw(),
        }), box);
        draw();
    }""", poll)
    box = kinds_page.locator("#ballot")
    for action, selector, *value in steps:
        getattr(box.locator(selector), action)(*value)
    sent = kinds_page.evaluate("() => window.sent")
    assert sent is not None, kinds_page.evaluate("() => window.invalid")
    stored = poll_kinds.normalize_answer(model, sent)  # raises AnswerError when the ballot's answer does not fit
    # What the phone shows as "your answer" while the vote is on its way is the answer as the server stores it.
    assert kinds_page.evaluate("([poll, sent]) => kinds.storedAnswer(poll, sent)", [poll, sent]) == stored
