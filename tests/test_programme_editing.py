"""Editing the programme through the API (the chair's programme editor uses it): every change is checked
with the programme file's rules, logged and versioned, and a refused change leaves the programme as it was."""

import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import EventLogEntry, LiveState, Participant, Poll, Vote
from eventapp.programme.schema import Programme
from eventapp.programme.store import export_programme, import_programme
from eventapp.programme.yamlfile import ProgrammeError, dump_programme, read_programme

SLUG = "pow-2021-11-01"
DEMO_SEGMENTS = 11
POLL_POSITION = 2  # "Vraag aan iedereen", with polls vraag-1 .. vraag-3


class ProgrammeApi:
    """Calls the programme endpoints with one token; reads the programme back with the chair's."""

    def __init__(self, client, token: str | None, reader_token: str | None = None):
        self.client = client
        self.token = token
        self.reader_token = reader_token or token

    def call(self, method: str, path: str, body: dict | None = None, slug: str = SLUG):
        """One API call; returns the response."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.open(f"/api/v1/events/{slug}{path}?lang=en", method=method, json=body, headers=headers)

    def programme(self) -> dict:
        """The programme as GET /programme returns it (read with the reader token: the chair's)."""
        response = self.client.get(f"/api/v1/events/{SLUG}/programme",
                                   headers={"Authorization": f"Bearer {self.reader_token}"})
        assert response.status_code == 200, response.json
        return response.json

    def segment_id(self, position: int) -> int:
        """The id of the segment at a position."""
        return self.programme()["segments"][position]["id"]

    def add(self, segment: dict, position: int | None = None, slug: str = SLUG):
        body = {"segment": segment} if position is None else {"segment": segment, "position": position}
        return self.call("POST", "/segments", body, slug)

    def update(self, segment_id: int, segment: dict, slug: str = SLUG):
        return self.call("PUT", f"/segments/{segment_id}", {"segment": segment}, slug)

    def move(self, segment_id: int, position: int, slug: str = SLUG):
        return self.call("POST", f"/segments/{segment_id}/move", {"position": position}, slug)

    def delete(self, segment_id: int, slug: str = SLUG):
        return self.call("DELETE", f"/segments/{segment_id}", None, slug)


@pytest.fixture
def api(client, links):
    """The API, called with the chair's token."""
    return ProgrammeApi(client, links["chair"]["token"])


def version(demo) -> int:
    """The live state's version, read from the database (not from this session's cache)."""
    return db.session.scalar(select(LiveState.version).where(LiveState.event_id == demo.id))


def log_entries(demo) -> list[EventLogEntry]:
    """The event log, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(EventLogEntry).where(EventLogEntry.event_id == demo.id)
                                   .order_by(EventLogEntry.id)))


def titles(programme: dict) -> list[str]:
    """The segments' titles, in order."""
    return [item["segment"]["title"] for item in programme["segments"]]


def problem_text(response) -> str:
    """The refusal's message with every detail, as the editor shows it."""
    body = response.json
    return " | ".join([body["error"]] + [f"{d['path']}: {d['reason']}" for d in body["details"]])


# ---- changes that are accepted ----

def test_adding_a_segment_inserts_it_at_the_position_logs_it_and_raises_the_version(api, demo):
    before = version(demo)
    response = api.add({"kind": "break", "title": "Koffie", "duration": 5}, position=2)
    assert response.status_code == 201, response.json
    assert response.json["position"] == 2
    programme = api.programme()
    assert titles(programme)[1:4] == ["Terugblik op Perspectief op Werk", "Koffie", "Vraag aan iedereen"]
    assert [item["position"] for item in programme["segments"]] == list(range(DEMO_SEGMENTS + 1))
    assert programme["segments"][2]["id"] == response.json["id"]
    assert programme["version"] == version(demo) == before + 1
    entry = log_entries(demo)[-1]
    assert (entry.actor, entry.action) == ("chair", "programme:segment-added")
    assert entry.data == {"segment": response.json["id"], "position": 2, "title": "Koffie"}


def test_adding_a_segment_without_a_position_puts_it_at_the_end(api):
    response = api.add({"kind": "central", "title": "Napraten", "duration": 15, "origin": "enschede"})
    assert response.status_code == 201, response.json
    programme = api.programme()
    assert response.json["position"] == DEMO_SEGMENTS
    assert programme["segments"][-1]["segment"]["origin"] == "enschede"
    assert programme["segments"][-1]["segment"]["start"] is None


def test_adding_a_poll_segment_creates_its_polls(api, demo):
    segment = {"kind": "poll", "title": "Nog een vraag", "duration": 5, "origin": "den-haag",
               "polls": [{"key": "vraag-4", "kind": "single", "question": "Weer zo?", "options": ["Ja", "Nee"]}]}
    assert api.add(segment).status_code == 201
    poll = db.session.scalar(select(Poll).where(Poll.event_id == demo.id, Poll.key == "vraag-4"))
    assert [option.label for option in poll.options] == ["Ja", "Nee"]


def test_updating_a_segment_replaces_its_content_logs_it_and_raises_the_version(api, demo):
    before_programme = api.programme()
    segment_id = before_programme["segments"][1]["id"]
    new = {"kind": "central", "title": "Terugblik", "start": "13:12", "duration": 8, "origin": "enschede",
           "notes": "Korter dan gepland."}
    response = api.update(segment_id, new)
    assert response.status_code == 200, response.json
    after = api.programme()
    changed = after["segments"][1]
    assert changed["id"] == segment_id
    assert changed["segment"] | {"start": changed["segment"]["start"][:5]} == {
        **before_programme["segments"][1]["segment"], **new}
    assert after["segments"][:1] + after["segments"][2:] == before_programme["segments"][:1] + \
        before_programme["segments"][2:]
    assert after["version"] == before_programme["version"] + 1
    entry = log_entries(demo)[-1]
    assert (entry.actor, entry.action, entry.data) == ("chair", "programme:segment-updated",
                                                       {"segment": segment_id, "title": "Terugblik"})


def test_updating_a_poll_question_keeps_the_poll_so_its_votes_stay_with_it(api, demo):
    poll_id = db.session.scalar(select(Poll.id).where(Poll.event_id == demo.id, Poll.key == "vraag-1"))
    item = api.programme()["segments"][POLL_POSITION]
    item["segment"]["polls"][0]["question"] = "Welk woord past bij uw regio?"
    assert api.update(item["id"], item["segment"]).status_code == 200
    db.session.expire_all()
    poll = db.session.get(Poll, poll_id)
    assert (poll.key, poll.question) == ("vraag-1", "Welk woord past bij uw regio?")


@pytest.mark.parametrize("position", range(DEMO_SEGMENTS))
def test_a_segment_sent_back_as_the_api_returned_it_is_accepted_unchanged(api, position):
    """What GET /programme returns can be PUT back as it is (start times, parts, polls, objects)."""
    before = api.programme()
    item = before["segments"][position]
    response = api.update(item["id"], item["segment"])
    assert response.status_code == 200, response.json
    after = api.programme()
    assert after["segments"] == before["segments"]
    assert after["version"] == before["version"] + 1


def test_updating_a_regional_segment_can_reorder_drop_and_add_site_parts(api):
    item = api.programme()["segments"][4]
    parts = item["segment"]["parts"]
    assert [part["site"] for part in parts] == ["eindhoven", "enschede", "den-haag", "online"]
    new_parts = [parts[3], parts[1], {**parts[2], "title": "Andere workshop"}]
    response = api.update(item["id"], {**item["segment"], "parts": new_parts})
    assert response.status_code == 200, response.json
    assert api.programme()["segments"][4]["segment"]["parts"] == new_parts
    response = api.update(item["id"], {**item["segment"], "parts": new_parts + [parts[0]]})
    assert response.status_code == 200, response.json
    assert api.programme()["segments"][4]["segment"]["parts"] == new_parts + [parts[0]]


def test_moving_a_segment_reorders_the_programme_logs_it_and_raises_the_version(api, demo):
    added = api.add({"kind": "break", "title": "Even stretchen", "duration": 2}).json  # no start: it can move
    before = api.programme()
    response = api.move(added["id"], 3)
    assert response.status_code == 200, response.json
    after = api.programme()
    expected = titles(before)[:-1]
    expected.insert(3, "Even stretchen")
    assert titles(after) == expected
    assert [item["position"] for item in after["segments"]] == list(range(DEMO_SEGMENTS + 1))
    assert after["version"] == before["version"] + 1
    entry = log_entries(demo)[-1]
    assert (entry.action, entry.data) == ("programme:segment-moved", {"segment": added["id"], "position": 3})


def test_deleting_a_segment_removes_it_logs_it_and_raises_the_version(api, demo):
    before = api.programme()
    gone = before["segments"][5]
    response = api.delete(gone["id"])
    assert response.status_code == 200, response.json
    after = api.programme()
    assert titles(after) == titles(before)[:5] + titles(before)[6:]
    assert [item["position"] for item in after["segments"]] == list(range(DEMO_SEGMENTS - 1))
    assert after["version"] == before["version"] + 1
    entry = log_entries(demo)[-1]
    assert (entry.action, entry.data) == ("programme:segment-deleted",
                                          {"segment": gone["id"], "title": gone["segment"]["title"]})


# ---- changes that are refused, and change nothing ----

BAD_NEW_SEGMENTS = [
    ({"kind": "central", "title": "Uit Utrecht", "duration": 5, "origin": "utrecht"}, 1,
     "segments[1].origin: segment 2 ('Uit Utrecht'): unknown site 'utrecht'"),
    ({"kind": "break", "title": "Pauze", "duration": 5, "origin": "den-haag"}, 1,
     "segment.origin: a break segment has no 'origin'"),
    ({"kind": "central", "title": "Te vroeg", "start": "12:00", "duration": 5}, 1,
     "segments[1].start: segment 2 ('Te vroeg'): starts at 12:00, before the segment above it (13:00)"),
    ({"kind": "central", "title": "Lang", "duration": "vijf"}, 1, "segment.duration: Input should be a valid integer"),
    ({"kind": "central", "title": "Kort", "duration": 0}, 1, "segment.duration: Input should be greater than or equal"),
    ({"kind": "central", "duration": 5}, 1, "segment.title: Field required"),
    ({"kind": "central", "title": "   ", "duration": 5}, 1, "segment.title: String should have at least 1 character"),
    ({"kind": "central", "title": "Laat", "start": "25:00", "duration": 5}, 1,
     "segment.start: start must be a time as HH:MM, not '25:00'"),
    ({"kind": "live", "title": "Live", "duration": 3}, 1, "segment: a live segment needs 'site'"),
    ({"kind": "concert", "title": "Muziek", "duration": 3}, 1, "segment.kind: Input should be"),
    ({"kind": "central", "title": "Extra", "duration": 3, "speaker": "Maduro"}, 1,
     "segment.speaker: unknown field 'speaker'"),
    ({"kind": "poll", "title": "Dubbel", "duration": 5,
      "polls": [{"key": "vraag-1", "kind": "open", "question": "Nog een keer?"}]}, None,
     f"segments[{DEMO_SEGMENTS}].polls[0].key: segment {DEMO_SEGMENTS + 1} ('Dubbel'): "
     "poll key 'vraag-1' is used twice"),
    ({"kind": "poll", "title": "Keuze", "duration": 5,
      "polls": [{"key": "vraag-9", "kind": "single", "question": "Ja?", "options": []}]}, None,
     "segment.polls.0: a single poll needs 2 to 20 options, not 0"),
    ({"kind": "poll", "title": "Sleutel", "duration": 5,
      "polls": [{"key": "Vraag 9", "kind": "open", "question": "Ja?"}]}, None,
     "segment.polls.0.key: use lowercase letters, digits and single hyphens"),
    ({"kind": "central", "title": "Ver weg", "duration": 5}, DEMO_SEGMENTS + 1,
     f"position must be between 0 and {DEMO_SEGMENTS}"),
    ({"kind": "central", "title": "Ervoor", "duration": 5}, -1, "position: Input should be greater than or equal to 0"),
]


@pytest.mark.parametrize(("segment", "position", "message"), BAD_NEW_SEGMENTS)
def test_adding_an_invalid_segment_is_refused_with_the_reason_and_changes_nothing(api, segment, position, message):
    before = api.programme()
    response = api.add(segment, position)
    assert response.status_code == 400
    assert message in problem_text(response)
    assert api.programme() == before


BAD_UPDATES = [
    (1, {"kind": "central", "title": "X", "duration": 5, "origin": "utrecht"}, "segments[1].origin: segment 2 ('X'): "
     "unknown site 'utrecht'"),
    (1, {"kind": "central", "title": "X", "duration": 5, "video": "/v.mp4"},
     "segment.video: a central segment has no 'video'"),
    (3, {"kind": "live", "title": "X", "start": "12:00", "duration": 3, "site": "enschede"},
     "segments[3].start: segment 4 ('X'): starts at 12:00, before the segment above it (13:20)"),
    (3, {"kind": "live", "title": "X", "start": "13:30", "duration": "drie", "site": "enschede"},
     "segment.duration: Input should be a valid integer"),
    (3, {"kind": "live", "start": "13:30", "duration": 3, "site": "enschede"}, "segment.title: Field required"),
    (9, {"kind": "handoff", "title": "X", "start": "15:35", "duration": 10, "order": ["den-haag"],
         "object": {"title": "Witboek"}}, "segment.order: a hand-off needs at least two sites in 'order'"),
    (4, {"kind": "regional", "title": "X", "start": "13:35", "duration": 80,
         "parts": [{"site": "tilburg", "format": "free", "title": "Tafel"}]},
     "segments[4].parts[0].site: segment 5 ('X'): unknown site 'tilburg'"),
]


@pytest.mark.parametrize(("position", "segment", "message"), BAD_UPDATES)
def test_an_invalid_update_is_refused_with_the_reason_and_changes_nothing(api, position, segment, message):
    before = api.programme()
    response = api.update(before["segments"][position]["id"], segment)
    assert response.status_code == 400
    assert message in problem_text(response)
    assert api.programme() == before


@pytest.mark.parametrize(("from_position", "to_position", "message"), [
    (0, DEMO_SEGMENTS - 1, "starts at 13:00, before the segment above it (15:45)"),
    (5, 0, "starts at 13:00, before the segment above it (14:55)"),
    (0, DEMO_SEGMENTS, f"position must be between 0 and {DEMO_SEGMENTS - 1}"),
    (0, -1, "position: Input should be greater than or equal to 0"),
])
def test_an_invalid_move_is_refused_with_the_reason_and_changes_nothing(api, from_position, to_position, message):
    before = api.programme()
    response = api.move(before["segments"][from_position]["id"], to_position)
    assert response.status_code == 400
    assert message in problem_text(response)
    assert api.programme() == before


def test_removing_the_first_start_time_is_refused(api):
    before = api.programme()
    first = before["segments"][0]
    response = api.update(first["id"], {**first["segment"], "start": None})
    assert response.status_code == 400
    assert "the first segment needs a start time" in problem_text(response)
    assert api.programme() == before


UNKNOWN_SEGMENT = 999_999


@pytest.mark.parametrize("action", ["update", "move", "delete"])
def test_an_unknown_segment_gives_404_naming_it(api, action):
    before = api.programme()
    response = {
        "update": lambda: api.update(UNKNOWN_SEGMENT, {"kind": "break", "title": "X", "duration": 5}),
        "move": lambda: api.move(UNKNOWN_SEGMENT, 0),
        "delete": lambda: api.delete(UNKNOWN_SEGMENT),
    }[action]()
    assert response.status_code == 404
    assert f"segment {UNKNOWN_SEGMENT} does not exist" in problem_text(response)
    assert api.programme() == before


def test_a_segment_of_another_event_is_not_found(api, demo):
    """Segment ids are global: an id must belong to the event in the URL."""
    data = export_programme(demo).model_dump()
    data["event"]["slug"] = "andere-dag"
    other = import_programme(Programme.model_validate(data))
    other_id = other.segments[5].id
    before = api.programme()
    for response in (api.update(other_id, {"kind": "break", "title": "X", "duration": 5}), api.move(other_id, 0),
                     api.delete(other_id)):
        assert response.status_code == 404
        assert f"segment {other_id} does not exist in this event" in problem_text(response)
    assert api.programme() == before


@pytest.mark.parametrize("action", ["add", "update", "move", "delete"])
def test_an_unknown_event_gives_404_naming_it(api, action):
    segment_id = api.segment_id(5)
    segment = {"kind": "break", "title": "X", "duration": 5}
    before = api.programme()
    response = {
        "add": lambda: api.add(segment, slug="geen-event"),
        "update": lambda: api.update(segment_id, segment, slug="geen-event"),
        "move": lambda: api.move(segment_id, 0, slug="geen-event"),
        "delete": lambda: api.delete(segment_id, slug="geen-event"),
    }[action]()
    assert response.status_code == 404
    assert "geen-event" in problem_text(response)
    assert api.programme() == before


@pytest.mark.parametrize("who", ["host", "screen", "none", "wrong"])
@pytest.mark.parametrize("action", ["read", "add", "update", "move", "delete"])
def test_only_the_chair_may_read_or_edit_the_programme(api, client, links, demo, who, action):
    token = {"host": links["sites"]["enschede"]["host"]["token"],
             "screen": links["sites"]["den-haag"]["screen"]["token"], "none": None, "wrong": "not-a-token"}[who]
    other = ProgrammeApi(client, token, reader_token=links["chair"]["token"])
    segment_id = api.segment_id(5)
    before, before_log = api.programme(), len(log_entries(demo))
    response = {
        "read": lambda: other.call("GET", "/programme"),
        "add": lambda: other.add({"kind": "break", "title": "X", "duration": 5}),
        "update": lambda: other.update(segment_id, {"kind": "break", "title": "X", "duration": 5}),
        "move": lambda: other.move(segment_id, 6),
        "delete": lambda: other.delete(segment_id),
    }[action]()
    assert response.status_code == 403
    assert response.json["error"]
    assert api.programme() == before
    assert len(log_entries(demo)) == before_log


def test_deleting_the_segment_that_is_on_now_is_refused(api, demo):
    before = api.programme()
    on_now = before["segments"][1]
    db.session.get(LiveState, demo.id).current_segment_id = on_now["id"]
    db.session.commit()
    before = api.programme()
    response = api.delete(on_now["id"])
    assert response.status_code == 409
    assert "'Terugblik op Perspectief op Werk' is on now" in problem_text(response)
    assert api.programme() == before


def test_a_segment_that_is_on_now_can_still_be_edited(api, demo):
    on_now = api.programme()["segments"][1]
    db.session.get(LiveState, demo.id).current_segment_id = on_now["id"]
    db.session.commit()
    response = api.update(on_now["id"], {**on_now["segment"], "duration": 12})
    assert response.status_code == 200, response.json
    assert api.programme()["segments"][1]["segment"]["duration"] == 12


@pytest.fixture
def voted(api, demo):
    """A vote on poll vraag-3 (of the poll segment), cast by an Enschede participant."""
    poll = db.session.scalar(select(Poll).where(Poll.event_id == demo.id, Poll.key == "vraag-3"))
    site = demo.site("enschede")
    participant = Participant(event_id=demo.id, site_id=site.id, public_id="p-editing-test")
    db.session.add(participant)
    db.session.flush()
    db.session.add(Vote(poll_id=poll.id, participant_id=participant.id, site_id=site.id,
                        answer=[poll.options[1].id], idempotency_key="vote-editing-test"))
    db.session.commit()
    return poll


def poll_segment_without(item: dict, key: str) -> dict:
    """The poll segment's spec without one of its polls."""
    return {**item["segment"], "polls": [p for p in item["segment"]["polls"] if p["key"] != key]}


def test_removing_a_poll_that_has_votes_is_refused(api, voted):
    before = api.programme()
    item = before["segments"][POLL_POSITION]
    response = api.update(item["id"], poll_segment_without(item, "vraag-3"))
    assert response.status_code == 409
    assert "poll 'vraag-3' has votes" in problem_text(response)
    assert api.programme() == before


def test_changing_the_options_of_a_poll_that_has_votes_is_refused(api, voted):
    before = api.programme()
    item = before["segments"][POLL_POSITION]
    changed = {**item["segment"], "polls": [dict(p) for p in item["segment"]["polls"]]}
    changed["polls"][2]["options"] = [{"label": "Ja"}, {"label": "Nee"}]
    response = api.update(item["id"], changed)
    assert response.status_code == 409
    assert "poll 'vraag-3' has votes; its kind and options cannot change" in problem_text(response)
    assert api.programme() == before


def test_deleting_a_segment_whose_poll_has_votes_is_refused(api, voted):
    before = api.programme()
    response = api.delete(before["segments"][POLL_POSITION]["id"])
    assert response.status_code == 409
    assert "vraag-3 have votes" in problem_text(response)
    assert api.programme() == before


def test_polls_without_votes_can_still_be_removed_beside_a_voted_one(api, voted, demo):
    item = api.programme()["segments"][POLL_POSITION]
    response = api.update(item["id"], poll_segment_without(item, "vraag-1"))
    assert response.status_code == 200, response.json
    keys = db.session.scalars(select(Poll.key).where(Poll.event_id == demo.id, Poll.segment_id == item["id"]))
    assert sorted(keys) == ["vraag-2", "vraag-3"]
    assert db.session.scalar(select(Vote.id).where(Vote.poll_id == voted.id)) is not None


def test_the_editor_refuses_what_a_programme_file_refuses_with_the_same_reason(api, demo):
    """One set of rules: the reason the API gives is the reason the file importer gives."""
    programme = export_programme(demo)
    with pytest.raises(ProgrammeError) as refused:
        read_programme(dump_programme(programme).replace(programme.event.slug, "kopie", 1)
                       .replace("segments:\n", "segments:\n- kind: central\n  title: Eerst\n  start: '12:00'\n"
                                "  duration: 5\n  origin: utrecht\n", 1))
    file_reasons = [p.reason for p in refused.value.problems]
    response = api.add({"kind": "central", "title": "Eerst", "start": "12:00", "duration": 5, "origin": "utrecht"},
                       position=0)
    assert response.status_code == 400
    assert [d["reason"] for d in response.json["details"]] == file_reasons
