"""Export and import keep everything the chair made, also the polls made live during the event (before, a poll
made outside the run sheet was missing from `programme export`)."""

import pytest

from eventapp import create_app
from eventapp.access import Caller
from eventapp.controller import polls
from eventapp.database import DEMO_PROGRAMME
from eventapp.extensions import db
from eventapp.lookup import event_by_slug
from eventapp.models import Poll, Role, SegmentKind
from eventapp.programme.schema import PollSpec
from eventapp.programme.yamlfile import ProgrammeError, read_programme
from tests.conftest import DEMO_SLUG, TEST_SETTINGS


def fresh_app(folder, monkeypatch):
    """An app on a new, empty database in `folder`."""
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(folder))
    return create_app({**TEST_SETTINGS, "LOAD_DEMO": False})


def cli(app, *args) -> str:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def make_polls_live(app) -> None:
    """The chair makes polls during the event: one for everyone, one for a site, one in the poll segment."""
    with app.app_context():
        event = event_by_slug(DEMO_SLUG)
        chair = Caller(role=Role.CHAIR, event=event)
        poll_segment = next(s for s in event.segments if s.kind == SegmentKind.POLL)
        polls.create_poll(chair, PollSpec(key="snel-1", kind="single", question="Koffie of thee?",
                                          options=["Koffie", "Thee"], hide_results=False), None, None)
        polls.create_poll(chair, PollSpec(key="snel-2", kind="scale", question="Hoe was de zaal?",
                                          scale={"min": 1, "max": 5, "max_label": "top"}), "enschede", None)
        polls.create_poll(chair, PollSpec(key="snel-3", kind="quiz", question="Hoeveel sites?",
                                          options=["3", {"label": "4", "correct": True}]), None, poll_segment.id)
        db.session.remove()


def test_polls_made_live_survive_export_and_import_into_a_fresh_database(tmp_path, monkeypatch):
    first = fresh_app(tmp_path / "first", monkeypatch)
    cli(first, "programme", "import", str(DEMO_PROGRAMME))
    make_polls_live(first)
    exported = cli(first, "programme", "export", DEMO_SLUG)

    programme_file = tmp_path / "exported.yaml"
    programme_file.write_text(exported, encoding="utf-8")
    second = fresh_app(tmp_path / "second", monkeypatch)
    cli(second, "programme", "import", str(programme_file))
    again = cli(second, "programme", "export", DEMO_SLUG)

    assert again == exported
    loose = {p.key: p for p in read_programme(exported).polls}
    assert set(loose) == {"snel-1", "snel-2"}
    assert loose["snel-2"].site == "enschede" and loose["snel-2"].scale.max_label == "top"
    assert loose["snel-1"].hide_results is False
    assert "snel-3" in [p.key for s in read_programme(exported).segments for p in s.polls]
    with second.app_context():
        stored = {p.key: p for p in db.session.query(Poll).filter(Poll.key.like("snel-%"))}
        assert stored["snel-1"].segment_id is None and stored["snel-1"].site_id is None
        assert stored["snel-2"].site.key == "enschede"
        assert [o.correct for o in stored["snel-3"].options] == [False, True]
        db.session.remove()
        db.engine.dispose()
    with first.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(("extra", "reason"), [
    ("polls:\n- {key: vraag-1, kind: open, question: Nog iets}\n", "poll key 'vraag-1' is used twice"),
    ("polls:\n- {key: los, kind: open, question: Nog iets, site: utrecht}\n", "unknown site 'utrecht'"),
    ("polls:\n- {key: los, kind: single, question: Een optie, options: [Ja]}\n", "options"),
])
def test_a_programme_file_with_a_wrong_loose_poll_is_refused_with_the_reason(extra, reason):
    text = DEMO_PROGRAMME.read_text(encoding="utf-8") + extra
    with pytest.raises(ProgrammeError) as refused:
        read_programme(text, "x.yaml")
    assert reason in str(refused.value)
    assert "polls[0]" in str(refused.value)
