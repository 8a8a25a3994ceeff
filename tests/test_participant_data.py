"""A participant's data can be deleted: on a person's request (by display name) or for a whole event when its
retention period ends. Votes, questions and upvotes go with them; the log keeps how many, never who."""

from sqlalchemy import func, select

from eventapp.access import Caller
from eventapp.controller import audience, polls
from eventapp.extensions import db
from eventapp.models import EventLogEntry, Participant, Poll, Question, QuestionState, QuestionUpvote, Role, Vote
from eventapp.results import poll_results


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def crowd(demo, chair):
    """Fenna (Enschede) and Bram (Eindhoven) vote, ask and upvote each other."""
    vraag3 = db.session.scalar(select(Poll).where(Poll.key == "vraag-3"))
    polls.open_poll(chair, vraag3.id)
    people = {}
    for name, site in (("Fenna", "enschede"), ("Bram", "eindhoven")):
        participant = audience.join(demo.site(site), name)
        people[name] = Caller(role=Role.PARTICIPANT, event=demo, site=demo.site(site), participant=participant)
        audience.cast_vote(people[name], vraag3.id, {"option": vraag3.options[0].id}, f"key-of-{name}")
        question = audience.ask_question(people[name], f"Een vraag van {name}?")["question"]
        polls.moderate_question(chair, question, QuestionState.APPROVED)
    for voter, author in (("Fenna", "Bram"), ("Bram", "Fenna")):
        question = db.session.scalar(select(Question.id).where(Question.text == f"Een vraag van {author}?"))
        audience.upvote_question(people[voter], question)
    return vraag3


def test_forgetting_a_person_by_name_deletes_them_and_everything_they_sent(demo, chair):
    vraag3 = crowd(demo, chair)
    assert poll_results(vraag3)["total"]["voters"] == 2

    assert audience.forget_participants(chair, "Fenna") == 1

    assert db.session.scalars(select(Participant.name)).all() == ["Bram"]
    assert db.session.scalars(select(Question.text)).all() == ["Een vraag van Bram?"]
    assert count(Vote) == 1 and count(QuestionUpvote) == 0
    assert poll_results(vraag3)["total"]["voters"] == 1
    entry = db.session.scalars(select(EventLogEntry).order_by(EventLogEntry.id.desc())).first()
    assert (entry.action, entry.data) == ("participants:forgotten", {"count": 1, "by_name": True})
    assert "Fenna" not in str(entry.data)


def test_the_cli_forgets_every_participant_of_an_event_after_confirmation(runner, demo, chair):
    crowd(demo, chair)
    refused = runner.invoke(args=["participants", "forget", demo.slug, "--all"], input="n\n")
    assert refused.exit_code == 1 and count(Participant) == 2

    done = runner.invoke(args=["participants", "forget", demo.slug, "--all"], input="y\n")
    assert done.exit_code == 0, done.output
    assert "Deleted 2 participant(s)" in done.output
    assert (count(Participant), count(Vote), count(Question), count(QuestionUpvote)) == (0, 0, 0, 0)


def test_the_cli_needs_a_name_or_all_and_a_known_event(runner, demo, chair):
    crowd(demo, chair)
    neither = runner.invoke(args=["participants", "forget", demo.slug, "--yes"])
    assert neither.exit_code == 2 and "give either --name NAME or --all" in neither.output
    both = runner.invoke(args=["participants", "forget", demo.slug, "--all", "--name", "Bram", "--yes"])
    assert both.exit_code == 2
    unknown = runner.invoke(args=["participants", "forget", "no-such-event", "--all", "--yes"])
    assert unknown.exit_code == 1 and "Known events: pow-2021-11-01" in unknown.output
    assert count(Participant) == 2
