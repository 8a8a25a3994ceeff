"""The report of the event (the white book): its numbers are the database's, rehearsal data stays out, the JSON
and the chair's page show the same figures, only the chair reads it, and the programme downloads as a template
that `flask programme import` takes back."""

import json
import re
import uuid

import pytest
from sqlalchemy import text

from eventapp import eventlog
from eventapp.access import Caller
from eventapp.controller import audience, live, polls
from eventapp.extensions import db
from eventapp.models import EventLogEntry, Learning, Poll, QuestionState, Role, RunMode
from eventapp.programme.schema import PollSpec
from eventapp.programme.yamlfile import read_programme
from eventapp.report import build_report
from tests.conftest import DEMO_SLUG, is_loader, open_link

API = f"/api/v1/events/{DEMO_SLUG}/report"
SITES = ["den-haag", "enschede", "eindhoven", "online"]
#: Phones per site in the real run: (site, how many join).
CROWD = {"den-haag": 5, "enschede": 4, "eindhoven": 3, "online": 2}

pytestmark = pytest.mark.usefixtures("reveal_at_once")


def report_link(links: dict) -> str:
    """The chair's link to the report page."""
    return links["chair"]["url"].replace("/control#", "/report#")


def template_download(client, links: dict):
    """The programme template, downloaded as the report page's link does (with the chair's cookie)."""
    open_link(client, report_link(links))
    return client.get(f"/e/{DEMO_SLUG}/report/programme-template.yaml")


def poll(key: str) -> Poll:
    """A demo poll by its key."""
    return db.session.scalar(db.select(Poll).where(Poll.key == key))


def phone(demo, site_key: str, name: str = "") -> Caller:
    """A participant who joins at a site."""
    site = demo.site(site_key)
    return Caller(role=Role.PARTICIPANT, event=demo, site=site, participant=audience.join(site, name))


def vote(caller: Caller, key: str, answer) -> None:
    """A phone answers a poll."""
    audience.cast_vote(caller, poll(key).id, answer, uuid.uuid4().hex)


@pytest.fixture
def event_run(demo, chair):
    """The demo event rehearsed and run (see run_the_event)."""
    return run_the_event(demo)


def run_the_event(demo, end: bool = True) -> dict[str, list[Caller]]:
    """A rehearsal (phones, votes, a question, a hand-off), reset; then the real run with votes at every site,
    questions, learnings, the closing round and the magic wall; then the end. Returns the real phones."""
    chair = Caller(role=Role.CHAIR, event=demo)
    live.start_rehearsal(chair)
    live.start_event(chair)
    polls.open_poll(chair, poll("vraag-3").id)
    tester = phone(demo, "den-haag", "Crew test")
    vote(tester, "vraag-3", {"option": poll("vraag-3").options[0].id})
    audience.ask_question(tester, "Rehearsal question?")
    eventlog.record(demo.id, "host:den-haag", "handoff:passed", {"from": "den-haag", "to": "enschede"})
    db.session.commit()
    live.reset_rehearsal(chair)

    live.start_event(chair)
    phones = {key: [phone(demo, key, f"{key} {i}") for i in range(count)] for key, count in CROWD.items()}
    live.next_segment(chair)
    live.next_segment(chair)  # the poll segment
    for key in ("vraag-1", "vraag-2", "vraag-3"):
        polls.open_poll(chair, poll(key).id)
    options = [option.id for option in poll("vraag-3").options]
    for site_index, key in enumerate(SITES):
        for i, caller in enumerate(phones[key]):
            vote(caller, "vraag-3", {"option": options[(i + site_index) % len(options)]})
            vote(caller, "vraag-2", {"value": 1 + (i + site_index) % 5})
            if i % 2 == 0:
                vote(caller, "vraag-1", {"words": ["samen", "regio"] if i else ["samen"]})
    polls.close_poll(chair, poll("vraag-3").id)
    polls.reveal_results(chair, poll("vraag-3").id)
    polls.open_poll(chair, poll("eindhoven-stelling-1").id)
    for caller in phones["eindhoven"]:
        vote(caller, "eindhoven-stelling-1", {"choice": "agree"})

    asked = [audience.ask_question(phones["enschede"][0], "Wat doen we <b>morgen</b> anders?")["question"],
             audience.ask_question(phones["online"][0], "Hoe houden we contact?")["question"],
             audience.ask_question(phones["den-haag"][0], "Nog niet beantwoord")["question"]]
    for question in asked:
        polls.moderate_question(chair, question, QuestionState.APPROVED)
    for caller in phones["den-haag"][1:4]:
        audience.upvote_question(caller, asked[0])
    audience.upvote_question(phones["den-haag"][1], asked[1])
    polls.moderate_question(chair, asked[0], QuestionState.ANSWERED)
    polls.moderate_question(chair, asked[1], QuestionState.ANSWERED)

    learnings = {"eindhoven": ["Stellingen openen het gesprek", "Klein beginnen", "<script>alert(1)</script>"],
                 "den-haag": ["Samenwerken is doen"]}
    for key, items in learnings.items():
        db.session.add_all(Learning(site_id=demo.site(key).id, position=i, text=t) for i, t in enumerate(items))
    for key in ("eindhoven", "enschede", "den-haag"):
        eventlog.record(demo.id, "chair", "closing:site", {"site": key})
    for action, data in [("handoff:passed", {"from": "den-haag", "to": "enschede"}),
                         ("handoff:caught", {"site": "enschede"}),
                         ("handoff:passed", {"from": "enschede", "to": "eindhoven"}),
                         ("handoff:taken-back", {"site": "enschede"}),
                         ("handoff:passed", {"from": "enschede", "to": "eindhoven"}),
                         ("handoff:caught", {"site": "eindhoven"})]:
        eventlog.record(demo.id, f"host:{data.get('from', data.get('site'))}", action, data)
    # A rehearsal's hand-off logged late (as the contract allows any rehearsal entry): never in the report.
    db.session.add(EventLogEntry(event_id=demo.id, mode=RunMode.REHEARSAL, actor="host:online",
                                 action="handoff:passed", data={"from": "online", "to": "den-haag"}))
    db.session.commit()
    if end:
        live.end_event(chair)
    return phones


def count(sql: str, **params) -> int:
    """One number, straight from the database."""
    return db.session.execute(text(sql), params).scalar_one()


def report_json(client, bearer) -> dict:
    reply = client.get(API, headers=bearer)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def test_the_reports_numbers_are_the_databases(client, bearer, demo, event_run):
    report = report_json(client, bearer)
    assert report["complete"] is True and report["event"]["status"] == "ended"
    reset_at = count("SELECT max(at) FROM event_log_entry WHERE action = 'rehearsal:reset'")

    for key in SITES:
        site_id = demo.site(key).id
        figures = report["attendance"]["sites"][key]
        assert figures["joined"] == count("SELECT count(*) FROM participant WHERE site_id = :s AND joined_at >= :t",
                                          s=site_id, t=reset_at) == CROWD[key]
        assert figures["voted"] == count("SELECT count(DISTINCT participant_id) FROM vote WHERE site_id = :s "
                                         "AND mode = 'real'", s=site_id)
        assert figures["questions"] == count("SELECT count(*) FROM question WHERE site_id = :s AND asked_at >= :t",
                                             s=site_id, t=reset_at)
    assert report["attendance"]["total"]["joined"] == sum(CROWD.values())
    assert report["attendance"]["total"]["voted"] == count(
        "SELECT count(DISTINCT participant_id) FROM vote WHERE mode = 'real'")

    by_key = {item["poll"]["key"]: item for item in report["polls"]}
    assert len(by_key) == count("SELECT count(*) FROM poll WHERE event_id = :e", e=demo.id)
    for key, item in by_key.items():
        poll_id = item["poll"]["id"]
        assert item["results"]["total"]["voters"] == count(
            "SELECT count(*) FROM vote WHERE poll_id = :p AND mode = 'real'", p=poll_id)
        for site_key, figures in item["results"]["sites"].items():
            assert figures["voters"] == count("SELECT count(*) FROM vote JOIN site ON site.id = vote.site_id "
                                              "WHERE poll_id = :p AND mode = 'real' AND site.key = :k",
                                              p=poll_id, k=site_key), (key, site_key)
    for option in by_key["vraag-3"]["results"]["total"]["options"]:  # each option's votes, counted in SQL
        assert option["count"] == count("SELECT count(*) FROM vote WHERE poll_id = :p AND mode = 'real' "
                                        "AND answer LIKE :a", p=by_key["vraag-3"]["poll"]["id"],
                                        a=f"[{option['id']}]")
    assert by_key["vraag-2"]["results"]["total"]["mean"] == round(count(
        "SELECT avg(CAST(answer AS REAL)) FROM vote WHERE poll_id = :p AND mode = 'real'",
        p=by_key["vraag-2"]["poll"]["id"]), 2)
    assert by_key["eindhoven-stelling-1"]["sites"] == [{"key": "eindhoven", "name": "Eindhoven"}]
    assert by_key["eindhoven-stelling-2"]["asked"] is False

    answered = report["questions"]
    assert [q["id"] for q in answered] == [row[0] for row in db.session.execute(text(
        "SELECT id FROM question WHERE state = 'answered' AND asked_at >= :t ORDER BY upvotes DESC, id"),
        {"t": reset_at})]
    assert [(q["site"], q["upvotes"]) for q in answered] == [("enschede", 3), ("online", 1)]
    assert answered[0]["text"] == "Wat doen we <b>morgen</b> anders?"

    learnings = {site["site"]: site["items"] for site in report["learnings"]}
    assert learnings == {"den-haag": ["Samenwerken is doen"], "enschede": [], "online": [],
                         "eindhoven": ["Stellingen openen het gesprek", "Klein beginnen", "<script>alert(1)</script>"]}
    assert all(site["closing_at"] for site in report["learnings"] if site["site"] != "online")

    runs = count("SELECT count(*) FROM segment_run WHERE mode = 'real'")
    assert sum(row["times_on"] for row in report["programme"]) == runs == 3
    first = report["programme"][0]
    assert first["actual_start"] is not None and first["drift_seconds"] is not None
    assert first["actual_seconds"] >= 0 and not any(row["running"] for row in report["programme"])
    assert report["programme"][3]["actual_start"] is None  # never reached


def test_the_hand_off_timeline_says_who_caught_each_pass(client, bearer, event_run):
    handoffs = report_json(client, bearer)["handoffs"]
    assert [(p["from"], p["to"], p["caught_by"], p["outcome"]) for p in handoffs["passes"]] == [
        ("den-haag", "enschede", "enschede", "caught"),
        ("enschede", "eindhoven", None, "taken_back"),
        ("enschede", "eindhoven", "eindhoven", "caught"),
    ]
    assert [step["action"] for step in handoffs["steps"]] == ["passed", "caught", "passed", "taken-back", "passed",
                                                              "caught"]
    assert all(p["passed_at"] <= (p["caught_at"] or p["passed_at"]) for p in handoffs["passes"])


def test_rehearsal_data_stays_out_of_the_report(client, bearer, event_run):
    report = report_json(client, bearer)
    assert count("SELECT count(*) FROM participant WHERE name = 'Crew test'") == 1
    assert report["attendance"]["total"]["joined"] == sum(CROWD.values())  # not the crew's test phone
    assert "Rehearsal question?" not in json.dumps(report)
    assert ("online", "den-haag") not in [(p["from"], p["to"]) for p in report["handoffs"]["passes"]]
    assert report["real_since"].endswith("+00:00") and report["rehearsal_on"] is False


def test_during_a_rehearsal_the_report_shows_only_the_real_run(client, bearer, demo, chair):
    live.start_rehearsal(chair)
    live.start_event(chair)
    polls.open_poll(chair, poll("vraag-3").id)
    vote(phone(demo, "enschede"), "vraag-3", {"option": poll("vraag-3").options[0].id})

    report = report_json(client, bearer)
    assert report["rehearsal_on"] is True and report["complete"] is False
    assert all(item["results"]["total"]["voters"] == 0 for item in report["polls"])
    assert report["attendance"]["total"]["joined"] == 0
    assert all(row["actual_start"] is None for row in report["programme"])


def test_the_report_is_partial_while_the_event_runs(client, bearer, links, demo, chair):
    live.start_event(chair)
    report = report_json(client, bearer)
    assert report["complete"] is False and report["ended_at"] is None
    assert report["programme"][0]["running"] is True and report["programme"][0]["actual_end"] is None
    page = open_link(client, report_link(links), "lang=en").get_data(as_text=True)
    assert 'data-testid="report-partial"' in page


def test_the_json_is_the_report_of_the_database(client, bearer, demo, event_run):
    reply = report_json(client, bearer)
    built = build_report(demo)
    for report in (reply, built):
        report.pop("generated_at")
    assert reply == json.loads(json.dumps(built))


def page_figures(page: str) -> dict[str, str]:
    """Every figure the page marks with data-figure="NAME" (its text)."""
    return {name: value.strip() for name, value in re.findall(r'data-figure="([^"]+)"[^>]*>([^<]*)<', page)}


def test_the_page_shows_the_same_figures_as_the_json(client, bearer, links, event_run):
    report = report_json(client, bearer)
    page = open_link(client, report_link(links), "lang=en").get_data(as_text=True)
    figures = page_figures(page)
    for key, numbers in report["attendance"]["sites"].items():
        for name in ("joined", "voted", "questions"):
            assert figures[f"attendance.{key}.{name}"] == str(numbers[name])
    for name in ("joined", "voted", "questions"):
        assert figures[f"attendance.total.{name}"] == str(report["attendance"]["total"][name])
    for item in report["polls"]:
        assert figures[f"poll.{item['poll']['key']}.voters"] == str(item["results"]["total"]["voters"])
    for question in report["questions"]:
        assert figures[f"question.{question['id']}.upvotes"] == str(question["upvotes"])
    assert figures["handoffs.passes"] == str(len(report["handoffs"]["passes"]))
    # The charts draw from the very same document, embedded in the page.
    embedded = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(embedded)
    data.pop("generated_at"), report.pop("generated_at")
    assert data == report


def test_names_questions_and_learnings_are_text_not_html(client, links, event_run):
    page = open_link(client, report_link(links)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>morgen</b>" not in page.split('id="report-data"')[0]


@pytest.mark.parametrize("who", ["host", "screen", "participant", "none", "other-event"])
def test_only_the_chair_reads_the_report(client, app, links, demo, who):
    tokens = {"host": links["sites"]["enschede"]["host"]["token"],
              "screen": links["sites"]["enschede"]["screen"]["token"], "none": None, "other-event": "x" * 43}
    if who == "participant":
        from eventapp.access import participant_token
        tokens["participant"] = participant_token(audience.join(demo.site("online"), ""))
    token = tokens[who]
    reply = client.get(API + "?lang=en", headers={"Authorization": f"Bearer {token}"} if token else {})
    assert reply.status_code == 403 and "error" in reply.get_json()
    assert client.post(f"/e/{DEMO_SLUG}/report", data={"token": token} if token else {}).status_code == 403
    if who in ("host", "screen"):
        assert open_link(client, links["sites"]["enschede"][who]["url"]).status_code == 200
    assert is_loader(client.get(f"/e/{DEMO_SLUG}/report"))
    assert client.get(f"/e/{DEMO_SLUG}/report/programme-template.yaml").status_code == 403


def test_an_unknown_event_has_no_report(client, links):
    token = links["chair"]["token"]
    assert client.get("/api/v1/events/no-such-event/report", headers={"Authorization": f"Bearer {token}"}) \
        .status_code == 404
    assert client.get("/e/no-such-event/report").status_code == 404
    assert client.post("/e/no-such-event/report", data={"token": token}).status_code == 404
    assert client.get("/e/no-such-event/report/programme-template.yaml").status_code == 404


def test_the_chair_nav_leads_to_the_report(client, links):
    control = open_link(client, links["chair"]["url"], "lang=en").get_data(as_text=True)
    assert f'href="/e/{DEMO_SLUG}/report"' in control
    assert ">Report<" in control


def test_the_report_page_is_dutch_by_default(client, links, event_run):
    page = open_link(client, report_link(links)).get_data(as_text=True)
    assert "Verslag" in page and "Programma zoals uitgevoerd" in page


def test_the_programme_template_imports_back_as_a_new_event(client, links, runner, demo, event_run, tmp_path):
    reply = template_download(client, links)
    assert reply.status_code == 200
    assert "attachment" in reply.headers["Content-Disposition"]
    yaml_text = reply.get_data(as_text=True)
    codes = [site["join"]["code"] for site in links["sites"].values()]
    tokens = [links["chair"]["token"]] + [site[r]["token"] for site in links["sites"].values()
                                          for r in ("host", "screen")]
    for secret in codes + tokens:
        assert secret not in yaml_text
    template = read_programme(yaml_text)
    assert template.event.slug != DEMO_SLUG and template.event.date != demo.date
    for learning in ("Stellingen openen het gesprek", "Wat doen we"):  # this event's outcomes are not a plan
        assert learning not in yaml_text

    path = tmp_path / "next.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    result = runner.invoke(args=["programme", "import", str(path)])
    assert result.exit_code == 0, result.output
    slug = re.search(r"as (\S+):", result.output).group(1)
    exported = runner.invoke(args=["programme", "export", slug])
    original = runner.invoke(args=["programme", "export", DEMO_SLUG])
    # Same sites, segments and polls as the event it was made from; a new event of its own.
    strip = re.compile(r"^event:\n(  .*\n)+", re.M)
    assert strip.sub("", exported.output) == strip.sub("", original.output)
    new = count("SELECT id FROM event WHERE slug = :s", s=slug)
    assert count("SELECT count(*) FROM participant WHERE event_id = :e", e=new) == 0
    assert count("SELECT count(*) FROM vote JOIN poll ON poll.id = vote.poll_id WHERE poll.event_id = :e", e=new) == 0
    assert count("SELECT status FROM event WHERE id = :e", e=new) in ("planned", "PLANNED")
    # Importing the same file again is refused clearly: the chair gives the next event its own slug.
    again = runner.invoke(args=["programme", "import", str(path)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_the_template_is_there_before_the_event_too(client, links):
    reply = template_download(client, links)
    assert reply.status_code == 200 and reply.mimetype == "application/yaml"
    assert read_programme(reply.get_data(as_text=True)).segments


def test_before_the_event_the_report_shows_the_plan_and_says_so(client, bearer, links):
    report = report_json(client, bearer)
    assert report["complete"] is False and report["started_at"] is None
    assert all(row["actual_start"] is None for row in report["programme"])
    assert report["attendance"]["total"] == {"joined": 0, "voted": 0, "questions": 0, "connected_now": 0}
    assert report["handoffs"] == {"passes": [], "steps": []} and report["questions"] == []
    page = open_link(client, report_link(links), "lang=en").get_data(as_text=True)
    assert "The event has not started: this report shows the plan." in page
    assert "No poll has been asked yet." in page


def test_a_quiz_and_an_open_question_made_during_the_event_are_in_the_report(client, bearer, links, demo, chair):
    live.start_event(chair)
    quiz = polls.create_poll(chair, PollSpec(key="quiz-1", kind="quiz", question="Hoeveel regio's?",
                                             options=[{"label": "35", "correct": True}, {"label": "12"}]), None, None)
    open_question = polls.create_poll(chair, PollSpec(key="open-1", kind="open", question="Wat neemt u mee?"),
                                      "enschede", None)
    polls.open_poll(chair, quiz.id)
    polls.open_poll(chair, open_question.id)
    ann, bob = phone(demo, "enschede", "<i>Ann</i>"), phone(demo, "online", "Bob")
    vote(ann, "quiz-1", {"option": quiz.options[0].id})
    vote(bob, "quiz-1", {"option": quiz.options[1].id})
    vote(ann, "open-1", {"text": "Samen <b>verder</b>"})
    polls.close_poll(chair, quiz.id)  # the leaderboard counts closed questions

    report = report_json(client, bearer)
    by_key = {item["poll"]["key"]: item for item in report["polls"]}
    assert [item["poll"]["key"] for item in report["polls"]][-2:] == ["quiz-1", "open-1"]  # ad hoc: last
    assert [o["correct"] for o in by_key["quiz-1"]["poll"]["options"]] == [True, False]
    board = by_key["quiz-1"]["results"]["leaderboard"]["overall"]
    assert [(p["name"], p["site"]) for p in board] == [("<i>Ann</i>", "enschede")]  # Bob scored nothing: not listed
    assert by_key["open-1"]["sites"] == [{"key": "enschede", "name": "Enschede"}]
    assert by_key["open-1"]["results"]["total"]["voters"] == count(
        "SELECT count(*) FROM vote WHERE poll_id = :p AND mode = 'real' AND moderation != 'hidden'",
        p=open_question.id)
    page = open_link(client, report_link(links)).get_data(as_text=True)
    assert "<i>Ann</i>" not in page and "<b>verder</b>" not in page  # the embedded JSON escapes them too
