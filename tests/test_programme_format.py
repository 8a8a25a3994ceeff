"""Programme files: the demo validates, import and export round-trip losslessly, and a malformed file is
refused with its name, the line and the reason, leaving the database exactly as it was."""

import textwrap
from datetime import time

import pytest
from sqlalchemy import func, select

from eventapp.database import DEMO_PROGRAMME
from eventapp.extensions import db
from eventapp.lookup import event_by_slug
from eventapp.models import Event
from eventapp.programme import store
from eventapp.programme.yamlfile import ProgrammeError, read_programme

#: A programme with every field the format has, none left at its default where it can be set.
FULL_PROGRAMME = """\
format: eventapp-programme/1
event:
  slug: full-programme
  title: Everything at once
  date: 2022-03-04
  timezone: America/New_York
  language: en
  notes: |-
    Two lines
    of notes.
sites:
  - key: north
    name: North
    venue: Hall A
  - key: south
    name: South
  - key: web
    name: On the web
    kind: online
segments:
  - kind: central
    title: Welcome
    start: "09:00"
    duration: 5
    origin: north
    notes: Opening words.
  - kind: poll
    title: Questions
    duration: 10
    origin: south
    polls:
      - key: quiz-1
        kind: quiz
        question: Which one is right?
        options:
          - Wrong
          - label: Right
            correct: true
          - Also wrong
      - key: rank-1
        kind: ranking
        question: Order these.
        hide_results: true
        options: [First, Second, Third]
      - key: scale-1
        kind: scale
        question: How much?
        scale: {min: 0, max: 10, min_label: None at all, max_label: Very much}
      - key: multi-1
        kind: multiple
        question: Pick some.
        options: [A, B, C]
      - key: open-1
        kind: open
        question: Anything else?
  - kind: live
    title: Over to South
    start: "09:20"
    duration: 2
    site: south
  - kind: regional
    title: In the regions
    duration: 30
    parts:
      - site: south
        format: statements
        title: Statements
        polls:
          - key: south-1
            kind: statement
            question: This is true.
      - site: north
        format: groups
        title: Groups
        items: [Group 1, Group 2]
        notes: Split the room.
  - kind: video
    title: A film
    start: "10:00"
    duration: 4
    origin: north
    video: https://example.org/film.mp4
  - kind: closing_round
    title: Round
    duration: 9
    order: [south, north, web]
  - kind: handoff
    title: Pass it on
    duration: 6
    origin: north
    order: [north, south]
    object:
      title: The book
      image: /static/img/witboek.svg
  - kind: break
    title: Lunch
    start: "12:00"
    duration: 45
"""

#: The skeleton the malformed programmes below change one thing of.
EVENT = """\
format: eventapp-programme/1
event:
  slug: mini
  title: Mini
  date: 2022-01-01
"""
SITES = """\
sites:
  - key: north
    name: North
  - key: south
    name: South
"""
SEGMENTS = """\
segments:
  - kind: central
    title: Opening
    start: "13:00"
    duration: 10
    origin: north
"""


def programme(event: str = EVENT, sites: str = SITES, segments: str = SEGMENTS) -> str:
    """A small programme with some of its blocks replaced (each given as YAML text, dedented)."""
    return textwrap.dedent(event) + textwrap.dedent(sites) + textwrap.dedent(segments)


def poll_segment(polls: str) -> str:
    """A segments block of one poll segment with these polls (YAML text, indented as list items)."""
    return SEGMENTS.replace("central", "poll").replace("    origin: north\n", "    polls:\n" + polls)


def marked_line(text: str) -> int | None:
    """The line number of the line marked `# <-`: where the test expects the problem to be reported."""
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if "# <-" in line]
    return numbers[0] if numbers else None


#: (name, programme text with the problem's line marked "# <-", what the reason must say)
MALFORMED = [
    ("invalid yaml", programme(segments=SEGMENTS.replace("title: Opening", "title: Opening: part 1  # <-")),
     "not valid YAML: mapping values are not allowed here"),
    ("tab indentation", programme(segments=SEGMENTS.replace("    title: Opening", "\ttitle: Opening  # <-")),
     "not valid YAML: found character '\\t' that cannot start any token"),
    ("unclosed quote", programme(segments=SEGMENTS.replace('"13:00"', '"13:00  # <-')),
     "not valid YAML: while scanning a quoted scalar, found unexpected end of stream"),
    ("empty file", "", "the file is empty"),
    ("only comments", "# a programme\n# to be written\n", "the file is empty"),
    ("a list instead of a programme", "- kind: central  # <-\n- kind: break\n", "valid dictionary"),
    ("duplicate key", programme(segments=SEGMENTS + "    title: Opening again  # <-\n"),
     "segments[0]: 'title' is given twice"),
    ("duplicate top-level key", programme() + "sites: []  # <-\n", "'sites' is given twice"),
    ("unknown field", programme(segments=SEGMENTS + "    colour: red  # <-\n"),
     "segments[0].colour: unknown field 'colour'"),
    ("unknown event field", programme(event=EVENT + "  place: Utrecht  # <-\n"),
     "event.place: unknown field 'place'"),
    ("missing format", programme(event=EVENT.replace("format: eventapp-programme/1\nevent:", "event:  # <-")),
     "format: Field required"),
    ("unknown format", programme(event=EVENT.replace("programme/1", "programme/2  # <-")),
     "format: Input should be 'eventapp-programme/1'"),
    ("unknown site in origin", programme(segments=SEGMENTS.replace("origin: north", "origin: utrecht  # <-")),
     "segments[0].origin: segment 1 ('Opening'): unknown site 'utrecht'"),
    ("unknown site of a live switch", programme(segments="""\
        segments:
          - kind: live
            title: Over to Utrecht
            start: "13:00"
            duration: 3
            site: utrecht  # <-
        """), "segments[0].site: segment 1 ('Over to Utrecht'): unknown site 'utrecht'"),
    ("unknown site in order", programme(segments="""\
        segments:
          - kind: closing_round
            title: Round
            start: "13:00"
            duration: 20
            order:
              - north
              - utrecht  # <-
        """), "segments[0].order[1]: segment 1 ('Round'): unknown site 'utrecht'"),
    ("unknown site in parts", programme(segments="""\
        segments:
          - kind: regional
            title: Regions
            start: "13:00"
            duration: 60
            parts:
              - site: north
                format: free
                title: North's own
              - site: utrecht  # <-
                format: free
                title: Utrecht's own
        """), "segments[0].parts[1].site: segment 1 ('Regions'): unknown site 'utrecht'"),
    ("poll with one option", programme(segments=poll_segment("""\
      - key: q1  # <-
        kind: single
        question: Which?
        options: [Only this]
""")), "segments[0].polls[0]: a single poll needs 2 to 20 options, not 1"),
    ("scale with min equal to max", programme(segments=poll_segment("""\
      - key: q1
        kind: scale
        question: How much?
        scale:
          min: 5  # <-
          max: 5
""")), "segments[0].polls[0].scale: scale min (5) must be below max (5)"),
    ("scale with min above max", programme(segments=poll_segment("""\
      - key: q1
        kind: scale
        question: How much?
        scale: {min: 7, max: 3}  # <-
""")), "scale min (7) must be below max (3)"),
    ("quiz without a correct option", programme(segments=poll_segment("""\
      - key: q1  # <-
        kind: quiz
        question: Which is right?
        options: [This, That]
""")), "segments[0].polls[0]: a quiz poll needs at least one option marked correct"),
    ("statement poll with options", programme(segments=poll_segment("""\
      - key: q1  # <-
        kind: statement
        question: We agree.
        options: [Yes, No]
""")), "segments[0].polls[0]: a statement poll has no options"),
    ("duplicate poll key", programme(segments=poll_segment("""\
      - key: q1
        kind: open
        question: First?
      - key: q1  # <-
        kind: open
        question: Second?
""")), "segments[0].polls[1].key: segment 1 ('Opening'): poll key 'q1' is used twice"),
    ("duplicate poll key across segments and parts", programme(segments=poll_segment("""\
      - key: q1
        kind: open
        question: First?
""") + """\
  - kind: regional
    title: Regions
    duration: 30
    parts:
      - site: north
        format: statements
        title: Statements
        polls:
          - key: q1  # <-
            kind: statement
            question: Again.
"""), "segments[1].parts[0].polls[0].key: segment 2 ('Regions'): poll key 'q1' is used twice"),
    ("start 25:00", programme(segments=SEGMENTS.replace('"13:00"', '"25:00"  # <-')),
     "segments[0].start: start must be a time as HH:MM, not '25:00'"),
    ("start 1pm", programme(segments=SEGMENTS.replace('"13:00"', "1pm  # <-")),
     "segments[0].start: start must be a time as HH:MM, not '1pm'"),
    ("start 13.00", programme(segments=SEGMENTS.replace('"13:00"', "13.00  # <-")),
     "start must be a time as HH:MM, not '13.00'"),
    ("start earlier than the segment above", programme(segments=SEGMENTS + """\
  - kind: break
    title: Coffee
    start: "12:30"  # <-
    duration: 10
"""), "segments[1].start: segment 2 ('Coffee'): starts at 12:30, before the segment above it (13:00)"),
    ("first segment without a start", programme(segments=SEGMENTS.replace('    start: "13:00"\n', "")
                                                .replace("  - kind: central", "  - kind: central  # <-")),
     "segments[0]: segment 1 ('Opening'): the first segment needs a start time"),
    ("duration 0", programme(segments=SEGMENTS.replace("duration: 10", "duration: 0  # <-")),
     "segments[0].duration: Input should be greater than or equal to 1"),
    ("duration as text", programme(segments=SEGMENTS.replace("duration: 10", "duration: ten minutes  # <-")),
     "segments[0].duration: Input should be a valid integer"),
    ("duration missing", programme(segments=SEGMENTS.replace("    duration: 10\n", "")
                                   .replace("  - kind: central", "  - kind: central  # <-")),
     "segments[0].duration: Field required"),
    ("duplicate site key", programme(sites=SITES + "  - key: north  # <-\n    name: North again\n"),
     "sites[2].key: two sites have the same key 'north'"),
    ("site key with capitals", programme(sites=SITES.replace("key: south", "key: South  # <-")),
     "sites[1].key: use lowercase letters, digits and single hyphens, such as 'den-haag', not 'South'"),
    ("unknown time zone", programme(event=EVENT + "  timezone: Europe/Atlantis  # <-\n"),
     "event.timezone: unknown time zone 'Europe/Atlantis'"),
    ("bad slug characters", programme(event=EVENT.replace("slug: mini", "slug: Mini event!  # <-")),
     "event.slug: use lowercase letters, digits and single hyphens, such as 'pow-2021-11-01', not 'Mini event!'"),
    ("bad date", programme(event=EVENT.replace("2022-01-01", "2022-13-01  # <-")),
     "event.date: Input should be a valid date"),
    ("unknown segment kind", programme(segments=SEGMENTS.replace("kind: central", "kind: concert  # <-")),
     "segments[0].kind: Input should be 'central', 'regional'"),
    ("a field that does not belong to the kind", programme(segments=SEGMENTS + "    site: south  # <-\n"),
     "segments[0].site: a central segment has no 'site'"),
    ("regional without parts", programme(segments="""\
        segments:
          - kind: regional  # <-
            title: Regions
            start: "13:00"
            duration: 60
        """), "segments[0]: a regional segment needs 'parts'"),
    ("an alias inside its own anchor", programme(segments="""\
        segments: &all
          - kind: break
            title: *all  # <-
            start: "13:00"
            duration: 60
        """), "not valid YAML: the alias *all refers to the anchor that contains it"),
]


MALFORMED_CASES = [pytest.param(text, reason, id=name) for name, text, reason in MALFORMED]


@pytest.fixture
def programme_file(tmp_path):
    """Factory: a programme file with this text, named after the case."""

    def make(text: str, name: str = "programme.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture
def empty_runner(empty_app):
    """The CLI runner of an app without any event."""
    return empty_app.test_cli_runner()


def table_counts() -> dict[str, int]:
    """The number of rows of every table."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def event_contents(event: Event) -> dict:
    """Everything the database holds of an event's programme, without ids and the slug."""
    key = {site.id: site.key for site in event.sites}

    def poll(p):
        return dict(key=p.key, kind=p.kind, question=p.question, site=key.get(p.site_id), position=p.position,
                    scale=(p.scale_min, p.scale_max, p.scale_min_label, p.scale_max_label),
                    hide_results=p.hide_results, state=p.state, results_visible=p.results_visible,
                    options=[(o.position, o.label, o.correct) for o in p.options])

    return dict(
        event=(event.title, event.date, event.timezone, event.language, event.notes, event.status),
        sites=[(s.key, s.name, s.venue, s.kind, s.position) for s in event.sites],
        segments=[dict(position=s.position, kind=s.kind, title=s.title, start=s.planned_start,
                       minutes=s.planned_minutes, origin=key.get(s.origin_site_id), target=key.get(s.target_site_id),
                       notes=s.notes, video=s.video_url, order=s.site_order, object=(s.object_title, s.object_image),
                       parts=[(key[p.site_id], p.position, p.format, p.title, p.items, p.notes) for p in s.parts],
                       polls=[poll(p) for p in s.polls])
                  for s in event.segments],
    )


def test_the_demo_programme_validates():
    demo = read_programme(DEMO_PROGRAMME.read_text(encoding="utf-8"), str(DEMO_PROGRAMME))
    assert demo.event.slug == "pow-2021-11-01"
    assert [site.key for site in demo.sites] == ["den-haag", "enschede", "eindhoven", "online"]
    assert {segment.kind.value for segment in demo.segments} == {
        "central", "regional", "live", "video", "poll", "closing_round", "handoff", "break"}


def test_the_full_programme_validates():
    full = read_programme(FULL_PROGRAMME)
    assert full.segments[1].polls[0].options[1].correct is True
    assert full.segments[1].start is None


@pytest.mark.parametrize("original", ["demo", "full"])
def test_import_and_export_round_trip_losslessly(empty_runner, programme_file, tmp_path, original):
    source = DEMO_PROGRAMME if original == "demo" else programme_file(FULL_PROGRAMME, "full.yaml")
    original_text = source.read_text(encoding="utf-8")
    slug = read_programme(original_text).event.slug

    imported = empty_runner.invoke(args=["programme", "import", str(source)])
    assert imported.exit_code == 0, imported.output
    first_export = tmp_path / "first-export.yaml"
    exported = empty_runner.invoke(args=["programme", "export", slug, "-o", str(first_export)])
    assert exported.exit_code == 0, exported.output

    first_text = first_export.read_text(encoding="utf-8")
    assert f"slug: {slug}\n" in first_text
    copy = programme_file(first_text.replace(f"slug: {slug}\n", "slug: the-copy\n"), "copy.yaml")
    assert empty_runner.invoke(args=["programme", "import", str(copy)]).exit_code == 0
    second = empty_runner.invoke(args=["programme", "export", "the-copy"])
    assert second.exit_code == 0, second.output

    assert second.output.replace("slug: the-copy\n", f"slug: {slug}\n") == first_text
    assert read_programme(first_text) == read_programme(original_text)
    assert event_contents(event_by_slug("the-copy")) == event_contents(event_by_slug(slug))


def test_export_writes_the_canonical_form(runner):
    result = runner.invoke(args=["programme", "export", "pow-2021-11-01"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("format: eventapp-programme/1\n")
    assert "kind: physical" not in text  # defaults are left out
    assert "start: '13:00'" in text  # quoted: stays a time for YAML 1.1 readers too
    assert "- Van elkaar geleerd" in text  # plain options as strings


def test_export_of_an_unknown_event_names_the_known_ones(runner):
    result = runner.invoke(args=["programme", "export", "no-such-event"])
    assert result.exit_code != 0
    assert "no-such-event" in result.output and "pow-2021-11-01" in result.output


@pytest.mark.parametrize(("text", "reason"), MALFORMED_CASES)
def test_a_malformed_programme_is_refused_with_file_line_and_reason(text, reason):
    with pytest.raises(ProgrammeError) as caught:
        read_programme(text, "events/mini.yaml")
    line = marked_line(text)
    message = str(caught.value)
    place = f"events/mini.yaml:{line}: " if line else "events/mini.yaml: "
    assert len(caught.value.problems) == 1, message
    assert message.startswith(place), message
    assert reason in message
    assert caught.value.problems[0].line == line


def test_every_problem_of_a_file_is_reported_at_once():
    text = programme(event=EVENT + "  timezone: Mars/Olympus  # 6\n",
                     segments=SEGMENTS.replace("duration: 10", "duration: 0  # 16").replace('"13:00"', "25:00  # 15"))
    with pytest.raises(ProgrammeError) as caught:
        read_programme(text, "x.yaml")
    lines = sorted(problem.line for problem in caught.value.problems)
    assert lines == [6, 15, 16]
    assert [f"# {n}" in text.splitlines()[n - 1] for n in lines] == [True] * 3


@pytest.mark.parametrize(("text", "reason"), MALFORMED_CASES)
def test_the_cli_refuses_a_malformed_file_and_changes_nothing(runner, programme_file, text, reason):
    path = programme_file(text)
    before = table_counts()
    result = runner.invoke(args=["programme", "import", str(path)])
    assert result.exit_code != 0
    line = marked_line(text)
    assert (f"{path}:{line}: " if line else f"{path}: ") in result.output
    assert reason in result.output
    assert "not imported" in result.output
    db.session.rollback()
    assert table_counts() == before


def test_importing_a_slug_that_exists_is_refused_and_changes_nothing(runner):
    before = table_counts()
    result = runner.invoke(args=["programme", "import", str(DEMO_PROGRAMME)])
    assert result.exit_code != 0
    assert "an event with slug 'pow-2021-11-01' exists already" in result.output
    db.session.rollback()
    assert table_counts() == before


def test_a_database_failure_halfway_through_an_import_leaves_nothing_behind(runner, programme_file, monkeypatch):
    """The third site gets a join code that is taken: the database refuses it after the event and two sites."""
    taken = db.session.scalar(select(Event)).sites[0].join_code
    codes = iter(["700001", "700002", taken, "700004"])
    monkeypatch.setattr(store, "new_join_code", lambda: next(codes))
    path = programme_file(FULL_PROGRAMME)
    before = table_counts()
    result = runner.invoke(args=["programme", "import", str(path)])
    assert result.exit_code != 0
    assert f"{path}: not imported" in result.output
    assert "Traceback" not in result.output
    db.session.rollback()
    assert table_counts() == before


def test_a_failure_after_the_programme_was_written_leaves_nothing_behind(runner, programme_file, monkeypatch):
    """Even the last step (the access tokens) failing undoes the event, its sites, segments and polls."""

    def broken(event):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "issue_all_tokens", broken)
    before = table_counts()
    result = runner.invoke(args=["programme", "import", str(programme_file(FULL_PROGRAMME))])
    assert result.exit_code != 0
    db.session.rollback()
    assert table_counts() == before


def test_unquoted_times_are_read_as_times_not_sexagesimal_numbers():
    text = programme(segments=SEGMENTS.replace('"13:00"', "9:05") + """\
  - kind: break
    title: Coffee
    start: 13:00
    duration: 5
""")
    assert [segment.start for segment in read_programme(text).segments] == [time(9, 5), time(13, 0)]


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "NO", "True", "1e3", "0x10", "010"])
def test_yaml_1_1_words_stay_text(word):
    text = programme(sites=SITES.replace("name: South", f"name: {word}"), segments=poll_segment(f"""\
      - key: q1
        kind: single
        question: {word}
        options: [{word}, other]
"""))
    read = read_programme(text)
    assert read.sites[1].name == word
    assert read.segments[0].polls[0].question == word
    assert read.segments[0].polls[0].options[0].label == word


def test_yes_and_no_survive_an_export(empty_runner, programme_file):
    text = programme(segments=poll_segment("""\
      - key: q1
        kind: single
        question: Agreed?
        options: [yes, no]
"""))
    assert empty_runner.invoke(args=["programme", "import", str(programme_file(text))]).exit_code == 0
    exported = empty_runner.invoke(args=["programme", "export", "mini"]).output
    assert read_programme(exported).segments[0].polls[0].options[0].label == "yes"
    assert read_programme(exported) == read_programme(text)


def test_an_imported_quiz_keeps_its_first_answer_like_one_made_live(empty_runner, programme_file):
    """The file and the live editor write a poll's definition through the same function."""
    imported = empty_runner.invoke(args=["programme", "import", str(programme_file(FULL_PROGRAMME, "full.yaml"))])
    assert imported.exit_code == 0, imported.output
    polls = {poll.key: poll for segment in event_by_slug("full-programme").segments for poll in segment.polls}
    assert polls["quiz-1"].allow_change is False
    assert all(poll.allow_change for key, poll in polls.items() if key != "quiz-1")
