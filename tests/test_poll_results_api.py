"""A poll's results outside the live views: the JSON and CSV exports and the public results page ("vraag 1,
vraag 2, vraag 3"). The chair sees them at any time; everyone else once they are revealed, and during a site-by-site
reveal only the sites shown so far. The figures are those of the database."""

import csv
import io
import json
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.access import Caller
from eventapp.controller import audience, polls
from eventapp.extensions import db
from eventapp.models import Poll, Role, Site, Vote
from eventapp.programme.schema import PollSpec
from tests.conftest import is_loader, open_link

SLUG = "pow-2021-11-01"
SITES = ["den-haag", "enschede", "eindhoven", "online"]
API = f"/api/v1/events/{SLUG}/polls"

pytestmark = pytest.mark.usefixtures("reveal_at_once")


def poll_by_key(key: str) -> Poll:
    """A demo poll by its key."""
    return db.session.scalar(select(Poll).where(Poll.key == key))


def vote(demo, site_key: str, poll: Poll, answer: dict, name: str = "") -> None:
    """A new participant at a site answers a poll, as a phone does."""
    site = demo.site(site_key)
    participant = audience.join(site, name)
    caller = Caller(role=Role.PARTICIPANT, event=demo, site=site, participant=participant)
    audience.cast_vote(caller, poll.id, answer, uuid.uuid4().hex)


def counted_from_the_database(poll: Poll) -> dict[str, Counter]:
    """Per site, how often each stored answer part (option id, value, word) occurs: a count made independently."""
    counts: dict[str, Counter] = {key: Counter() for key in SITES}
    for site_key, answer in db.session.execute(
            select(Site.key, Vote.answer).join(Site, Site.id == Vote.site_id).where(Vote.poll_id == poll.id)):
        counts[site_key].update(answer if isinstance(answer, list) else [answer])
    return counts


def voters_from_the_database(poll: Poll) -> Counter:
    """Per site, how many voted."""
    return Counter(key for (key,) in db.session.execute(
        select(Site.key).join(Vote, Vote.site_id == Site.id).where(Vote.poll_id == poll.id)))


def read_csv(response) -> list[dict]:
    """The rows of a CSV reply."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def vraag3(demo, chair) -> Poll:
    """vraag-3 (single choice), opened, with votes from every site: 4, 3, 2 and 5."""
    poll = poll_by_key("vraag-3")
    polls.open_poll(chair, poll.id)
    ids = [option.id for option in poll.options]
    for site_key, picks in {"den-haag": [0, 0, 1, 2], "enschede": [1, 1, 2], "eindhoven": [2, 3],
                            "online": [0, 1, 1, 1, 2]}.items():
        for pick in picks:
            vote(demo, site_key, poll, {"option": ids[pick]})
    return poll


def test_the_results_json_equals_a_count_made_from_the_database(client, bearer, vraag3):
    reply = client.get(f"{API}/vraag-3/results", headers=bearer)
    assert reply.status_code == 200
    document = reply.get_json()
    counts, voters = counted_from_the_database(vraag3), voters_from_the_database(vraag3)
    results = document["results"]
    assert results["total"]["voters"] == sum(voters.values()) == 14
    for site_key in SITES:
        figures = results["sites"][site_key]
        assert figures["voters"] == voters[site_key]
        expected = {o.id: counts[site_key][o.id] for o in vraag3.options}
        assert {o["id"]: o["count"] for o in figures["options"]} == expected
    assert {o["id"]: o["count"] for o in results["total"]["options"]} == \
        {o.id: sum(counts[key][o.id] for key in SITES) for o in vraag3.options}
    assert document["poll"]["question"] == vraag3.question and document["poll"]["key"] == "vraag-3"
    assert [site["key"] for site in document["sites"]] == SITES
    assert document["event"] == SLUG and document["complete"] is True


@pytest.mark.parametrize(("key", "answers"), [
    ("vraag-2", [("den-haag", {"value": 5}), ("den-haag", {"value": 4}), ("enschede", {"value": 2}),
                 ("online", {"value": 4})]),
    ("vraag-1", [("den-haag", {"words": ["Samen", "vertrouwen"]}), ("eindhoven", {"words": ["samen"]}),
                 ("online", {"words": ["Leren", "samen  "]})]),
])
def test_scales_and_word_clouds_count_as_the_database_does(client, bearer, demo, chair, key, answers):
    poll = poll_by_key(key)
    polls.open_poll(chair, poll.id)
    for site_key, answer in answers:
        vote(demo, site_key, poll, answer)
    results = client.get(f"{API}/{key}/results", headers=bearer).get_json()["results"]
    counts = counted_from_the_database(poll)
    for site_key in SITES:
        figures = results["sites"][site_key]
        if poll.kind.value == "scale":
            shown = {row["value"]: row["count"] for row in figures["distribution"] if row["count"]}
            assert shown == dict(counts[site_key])
            values = list(counts[site_key].elements())
            assert figures["mean"] == (round(sum(values) / len(values), 2) if values else None)
        else:
            assert {row["word"]: row["count"] for row in figures["words"]} == dict(counts[site_key])
    if poll.kind.value == "wordcloud":
        assert results["total"]["words"][0] == {"word": "samen", "count": 3}


def test_the_results_csv_has_a_row_per_option_per_site_and_the_totals(client, bearer, vraag3):
    rows = read_csv(client.get(f"{API}/vraag-3/results.csv", headers=bearer))
    assert list(rows[0]) == ["site", "site_name", "option", "count", "percent", "voters"]
    labels = [option.label for option in vraag3.options]
    assert [row["site"] for row in rows] == [key for key in ["total", *SITES] for _ in labels]
    assert [row["option"] for row in rows] == labels * 5
    counts, voters = counted_from_the_database(vraag3), voters_from_the_database(vraag3)
    by_site = {(row["site"], row["option"]): row for row in rows}
    for option in vraag3.options:
        total = by_site[("total", option.label)]
        assert int(total["count"]) == sum(int(by_site[(key, option.label)]["count"]) for key in SITES) \
            == sum(counts[key][option.id] for key in SITES)
        for key in SITES:
            row = by_site[(key, option.label)]
            assert int(row["count"]) == counts[key][option.id] and int(row["voters"]) == voters[key]
    second = by_site[("total", labels[1])]
    assert (second["count"], second["percent"], second["voters"]) == ("6", "42.9", "14")
    assert by_site[("online", labels[1])]["site_name"] == "Online"


def test_the_votes_csv_has_one_row_per_vote_with_site_answer_and_time_and_names_only_when_given(
        client, bearer, demo, chair, vraag3):
    vote(demo, "enschede", vraag3, {"option": vraag3.options[3].id}, name="Fenna")
    rows = read_csv(client.get(f"{API}/vraag-3/votes.csv", headers=bearer))
    assert len(rows) == 15
    assert Counter(row["site"] for row in rows) == {"den-haag": 4, "enschede": 4, "eindhoven": 2, "online": 5}
    labels = {option.label for option in vraag3.options}
    assert all(row["answer"] in labels and row["time"].startswith("20") for row in rows)
    assert [row["name"] for row in rows if row["name"]] == ["Fenna"]
    assert rows[-1]["answer"] == vraag3.options[3].label and rows[-1]["site_name"] == "Enschede"
    assert "participant" not in rows[0] and "token" not in rows[0]


def test_text_from_phones_cannot_become_a_spreadsheet_formula(client, bearer, demo, chair):
    poll = poll_by_key("vraag-1")
    polls.open_poll(chair, poll.id)
    vote(demo, "online", poll, {"words": ["=1+2", "samen"]})
    rows = read_csv(client.get(f"{API}/vraag-1/results.csv", headers=bearer))
    assert {row["word"] for row in rows} == {"'=1+2", "samen"}
    assert read_csv(client.get(f"{API}/vraag-1/votes.csv", headers=bearer))[0]["answer"] == "'=1+2 | samen"


def test_hidden_results_are_refused_to_the_public_and_shown_to_the_chair(client, bearer, links, chair, vraag3):
    polls.hide_results(chair, vraag3.id)
    for path in ("results", "results.csv", "votes.csv"):
        reply = client.get(f"{API}/vraag-3/{path}")
        assert reply.status_code == 403, path
        assert "vraag-3" in reply.get_json()["error"] or path == "votes.csv"
        assert client.get(f"{API}/vraag-3/{path}", headers=bearer).status_code == 200, path
    host = {"Authorization": f"Bearer {links['sites']['enschede']['host']['token']}"}
    assert client.get(f"{API}/vraag-3/results", headers=host).status_code == 403

    polls.reveal_results(chair, vraag3.id)
    public = client.get(f"{API}/vraag-3/results").get_json()
    assert public["public"] is True and public["results"]["total"]["voters"] == 14
    assert "pending" not in public["results"]
    assert len(read_csv(client.get(f"{API}/vraag-3/results.csv"))) == 20
    assert client.get(f"{API}/vraag-3/votes.csv").status_code == 403  # every single vote: the chair's only


def test_a_draft_poll_is_not_public_until_it_is_revealed(client, chair):
    assert client.get(f"{API}/vraag-2/results").status_code == 403
    polls.reveal_results(chair, poll_by_key("vraag-2").id)
    assert client.get(f"{API}/vraag-2/results").status_code == 200


def test_the_reveal_moment_is_the_same_for_the_public_as_for_the_screens(client, chair, monkeypatch, vraag3):
    polls.hide_results(chair, vraag3.id)
    monkeypatch.setattr(polls, "REVEAL_DELAY", timedelta(seconds=30))
    polls.reveal_results(chair, vraag3.id)
    assert client.get(f"{API}/vraag-3/results").status_code == 403  # the screens show them in 30 s, so do we


def test_a_site_by_site_reveal_shows_the_public_only_the_sites_revealed_so_far(client, bearer, chair, vraag3):
    polls.hide_results(chair, vraag3.id)
    polls.reveal_next_site(chair, vraag3.id)
    polls.reveal_next_site(chair, vraag3.id)
    public = client.get(f"{API}/vraag-3/results").get_json()
    assert [site["key"] for site in public["sites"]] == ["den-haag", "enschede"]
    assert set(public["results"]["sites"]) == {"den-haag", "enschede"}
    assert public["results"]["total"]["voters"] == 7 and public["complete"] is False
    assert sum(o["count"] for o in public["results"]["total"]["options"]) == 7
    rows = read_csv(client.get(f"{API}/vraag-3/results.csv"))
    assert {row["site"] for row in rows} == {"total", "den-haag", "enschede"}
    chair_view = client.get(f"{API}/vraag-3/results", headers=bearer).get_json()
    assert len(chair_view["sites"]) == 4 and chair_view["results"]["total"]["voters"] == 14
    polls.reveal_next_site(chair, vraag3.id)
    polls.reveal_next_site(chair, vraag3.id)
    public = client.get(f"{API}/vraag-3/results").get_json()
    assert public["complete"] is True and public["results"]["total"]["voters"] == 14


@pytest.mark.usefixtures("reveal_at_once")
def test_a_quiz_tells_the_public_its_right_answer_only_once_closed(client, bearer, demo, chair):
    spec = PollSpec(key="quiz-1", kind="quiz", question="Hoeveel arbeidsmarktregio's zijn er?",
                    options=[{"label": "35", "correct": True}, "12"], hide_results=False)
    poll = polls.create_poll(chair, spec, None, None)
    polls.open_poll(chair, poll.id)
    vote(demo, "enschede", poll, {"option": poll.options[0].id}, name="Fenna")
    assert client.get(f"{API}/quiz-1/results").status_code == 403  # nothing of an open quiz, not even its spread
    chair_view = client.get(f"{API}/quiz-1/results", headers=bearer).get_json()
    assert [o["correct"] for o in chair_view["poll"]["options"]] == [True, False]
    assert chair_view["results"]["leaderboard"]["overall"] == []  # no score moves while the question is open
    polls.close_poll(chair, poll.id)
    assert client.get(f"{API}/quiz-1/results").status_code == 403  # closed, not revealed yet
    chair_view = client.get(f"{API}/quiz-1/results", headers=bearer).get_json()
    assert chair_view["results"]["leaderboard"]["overall"][0]["name"] == "Fenna"
    polls.reveal_results(chair, poll.id)
    public = client.get(f"{API}/quiz-1/results").get_json()
    assert [o["correct"] for o in public["results"]["total"]["options"]] == [True, False]
    rows = read_csv(client.get(f"{API}/quiz-1/results.csv"))
    assert [(row["site"], row["option"], row["correct"], row["count"]) for row in rows[:2]] == \
        [("total", "35", "yes", "1"), ("total", "12", "no", "0")]


def test_open_answers_waiting_for_moderation_are_the_chairs_only(client, bearer, demo, chair):
    poll = polls.create_poll(chair, PollSpec(key="les", kind="open", question="Wat is uw les?", hide_results=False),
                             None, None)
    polls.open_poll(chair, poll.id)
    vote(demo, "eindhoven", poll, {"text": "Samen leren werkt"})
    vote(demo, "online", poll, {"text": "Nog even wachten"})
    first = db.session.scalar(select(Vote).where(Vote.poll_id == poll.id).order_by(Vote.id))
    polls.moderate_answer(chair, first.id, "approved")
    chair_view = client.get(f"{API}/les/results", headers=bearer).get_json()["results"]
    assert [answer["text"] for answer in chair_view["pending"]] == ["Nog even wachten"]
    public = client.get(f"{API}/les/results").get_json()["results"]
    assert "pending" not in public and [answer["text"] for answer in public["approved"]] == ["Samen leren werkt"]
    rows = read_csv(client.get(f"{API}/les/results.csv"))
    assert [(row["site"], row["answer"]) for row in rows] == [("total", ""), ("eindhoven", "Samen leren werkt")]


def test_unknown_polls_and_events_are_404(client, bearer):
    for path in ("results", "results.csv", "votes.csv"):
        reply = client.get(f"{API}/vraag-99/{path}", headers=bearer)
        assert reply.status_code == 404 and "vraag-99" in reply.get_json()["error"]
        assert client.get(f"/api/v1/events/no-such-event/polls/vraag-1/{path}").status_code == 404
    assert client.get(f"/e/{SLUG}/results/vraag-99").status_code == 404
    assert client.get(f"/e/{SLUG}/results/vraag-99/qr.svg").status_code == 404


def test_the_exports_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for suffix in ("results", "results.csv", "votes.csv"):
        operation = paths[f"/api/v1/events/{{slug}}/polls/{{poll_key}}/{suffix}"]["get"]
        assert {"200", "403", "404"} <= set(operation["responses"]) and operation["summary"]
    public = paths["/api/v1/events/{slug}/polls/{poll_key}/results"]["get"]
    assert {} in public["security"]  # no token needed once revealed
    assert "security" not in paths["/api/v1/events/{slug}/polls/{poll_key}/votes.csv"]["get"]  # the bearer token


def test_the_public_results_page_shows_the_question_only_once_revealed(client, links, chair, vraag3):
    polls.hide_results(chair, vraag3.id)
    waiting = client.get(f"/e/{SLUG}/results/vraag-3")
    assert waiting.status_code == 403
    page = waiting.get_data(as_text=True)
    assert 'data-testid="results-not-yet"' in page and vraag3.question in page  # opened: its question is known
    assert "results-data" not in page and "Obstakels" not in page  # no figures, no options

    polls.reveal_results(chair, vraag3.id)
    shown = client.get(f"/e/{SLUG}/results/vraag-3")
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert 'data-testid="results-question"' in page and vraag3.question in page
    assert "Landelijke bijeenkomst Perspectief op Werk" in page and "<svg" in page  # the event, the QR code
    start = page.index('id="results-data">') + len('id="results-data">')
    document = json.loads(page[start:page.index("</script>", start)])
    assert document["results"]["total"]["voters"] == 14 and len(document["sites"]) == 4
    assert "/vendor/chart.umd.min.js" in page and "<script>" not in page  # no inline scripts


def test_the_chair_previews_the_results_page_before_the_reveal(client, links, chair, vraag3):
    polls.hide_results(chair, vraag3.id)
    assert client.get(f"/e/{SLUG}/results/vraag-3").status_code == 403
    open_link(client, links["sites"]["enschede"]["screen"]["url"])
    assert client.get(f"/e/{SLUG}/results/vraag-3").status_code == 403, "a screen's cookie previews nothing"
    open_link(client, links["chair"]["url"])  # the chair's cookie goes with every page of the event
    page = client.get(f"/e/{SLUG}/results/vraag-3")
    assert page.status_code == 200 and 'data-testid="preview"' in page.get_data(as_text=True)


def test_the_polls_page_opens_with_the_chair_link_only(client, links):
    assert is_loader(client.get(f"/e/{SLUG}/audience"))
    host = links["sites"]["den-haag"]["host"]["token"]
    assert client.post(f"/e/{SLUG}/audience", data={"token": host}).status_code == 403
    page = open_link(client, links["chair"]["url"].replace("/control#", "/audience#"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="strings"' in text and "/vendor/chart.umd.min.js" in text and "<script>" not in text
    assert f'href="/e/{SLUG}/audience"' in client.get(f"/e/{SLUG}/control").get_data(as_text=True)


def test_the_links_page_lists_every_polls_results_link_with_its_qr_code(client, links):
    page = open_link(client, links["chair"]["url"].replace("/control#", "/links#")).get_data(as_text=True)
    section = page[page.index('data-testid="poll-result-links"'):]
    for key in ("vraag-1", "vraag-2", "vraag-3", "eindhoven-stelling-1"):
        assert f"http://test.local/e/{SLUG}/results/{key}" in section
    assert section.count("<svg") == 6  # the three event polls and Eindhoven's three statements
