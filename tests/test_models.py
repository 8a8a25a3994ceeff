"""The models: the demo's shape, the rules the database itself enforces, cascades, and how enums are stored."""

import secrets
from datetime import date

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from eventapp.database import DEMO_PROGRAMME
from eventapp.extensions import db
from eventapp.models import (
    AccessToken,
    Event,
    EventLogEntry,
    LiveState,
    Participant,
    Poll,
    PollKind,
    PollOption,
    Role,
    Segment,
    SegmentKind,
    SegmentPart,
    Site,
    Vote,
)
from eventapp.programme.store import import_programme
from eventapp.programme.yamlfile import read_programme

#: Every table whose rows belong to one event, with the column that leads to it.
EVENT_TABLES = {
    Site: Site.event_id, Segment: Segment.event_id, Poll: Poll.event_id, AccessToken: AccessToken.event_id,
    LiveState: LiveState.event_id, Participant: Participant.event_id, EventLogEntry: EventLogEntry.event_id,
}


@pytest.fixture
def make_participant(demo):
    """Factory: a participant who joined the demo at a site."""

    def make(site_key: str = "enschede") -> Participant:
        participant = Participant(event_id=demo.id, site_id=demo.site(site_key).id, public_id=secrets.token_hex(8))
        db.session.add(participant)
        db.session.flush()
        return participant

    return make


@pytest.fixture
def make_vote():
    """Factory: a participant's vote on a poll, added and flushed (so the database checks it at once)."""

    def make(poll: Poll, participant: Participant, answer=None) -> Vote:
        vote = Vote(poll_id=poll.id, participant_id=participant.id, site_id=participant.site_id,
                    answer=answer if answer is not None else [poll.options[0].id] if poll.options else "ja",
                    idempotency_key=secrets.token_hex(16))
        db.session.add(vote)
        db.session.flush()
        return vote

    return make


def demo_poll(key: str) -> Poll:
    """A poll of the demo by its key."""
    return db.session.scalar(select(Poll).where(Poll.key == key))


def rows_of_event(event_id: int) -> dict[str, int]:
    """How many rows each event table holds for one event (and its segments' parts and polls' options)."""
    counts = {model.__tablename__: db.session.scalar(select(func.count()).where(column == event_id))
              for model, column in EVENT_TABLES.items()}
    counts["segment_part"] = db.session.scalar(
        select(func.count(SegmentPart.id)).join(Segment).where(Segment.event_id == event_id))
    counts["poll_option"] = db.session.scalar(
        select(func.count(PollOption.id)).join(Poll).where(Poll.event_id == event_id))
    counts["vote"] = db.session.scalar(select(func.count(Vote.id)).join(Poll).where(Poll.event_id == event_id))
    return counts


def test_the_demo_has_four_sites_in_programme_order(demo):
    assert [site.key for site in demo.sites] == ["den-haag", "enschede", "eindhoven", "online"]
    assert [site.name for site in demo.sites] == ["Den Haag", "Enschede", "Eindhoven", "Online"]


def test_the_demo_has_a_live_state_and_a_chair_host_screen_and_speaker_token_per_site(demo):
    assert db.session.get(LiveState, demo.id).version == 0
    roles = sorted((row.role.value, row.site.key if row.site else None)
                   for row in db.session.scalars(select(AccessToken).where(AccessToken.event_id == demo.id)))
    expected = [("chair", None)] + [(role, key) for key in ("den-haag", "eindhoven", "enschede", "online")
                                    for role in ("host", "screen", "speaker")]
    assert roles == sorted(expected)


def test_two_sites_of_one_event_cannot_share_a_key(demo):
    db.session.add(Site(event_id=demo.id, key="enschede", name="Enschede 2", join_code="999999"))
    with pytest.raises(IntegrityError, match="UNIQUE constraint failed: site.event_id, site.key"):
        db.session.flush()


def test_two_events_may_each_have_a_site_with_the_same_key(demo):
    other = Event(slug="other", title="Other", date=date(2022, 1, 1))
    other.sites.append(Site(key="enschede", name="Enschede", join_code="999999"))
    db.session.add(other)
    db.session.flush()
    assert db.session.scalar(select(func.count()).where(Site.key == "enschede")) == 2


def test_two_sites_cannot_share_a_join_code(demo):
    db.session.add(Site(event_id=demo.id, key="utrecht", name="Utrecht", join_code=demo.site("enschede").join_code))
    with pytest.raises(IntegrityError, match="join_code"):
        db.session.flush()


def test_a_participant_votes_once_per_poll(make_participant, make_vote):
    poll = demo_poll("vraag-3")
    participant = make_participant()
    make_vote(poll, participant)
    with pytest.raises(IntegrityError, match="vote.poll_id, vote.participant_id"):
        make_vote(poll, participant, answer=[poll.options[1].id])


def test_a_participant_votes_on_several_polls_and_several_participants_on_one(make_participant, make_vote):
    first, second = make_participant("enschede"), make_participant("den-haag")
    make_vote(demo_poll("vraag-3"), first)
    make_vote(demo_poll("vraag-1"), first)
    make_vote(demo_poll("vraag-3"), second)
    assert db.session.scalar(select(func.count(Vote.id))) == 3


def test_two_access_tokens_cannot_share_a_hash(demo):
    existing = db.session.scalar(select(AccessToken).where(AccessToken.role == Role.CHAIR))
    db.session.add(AccessToken(event_id=demo.id, role=Role.HOST, site_id=demo.site("online").id,
                               nonce="00" * 16, token_hash=existing.token_hash))
    with pytest.raises(IntegrityError, match="token_hash"):
        db.session.flush()


def test_foreign_keys_are_enforced(demo):
    db.session.add(Segment(event_id=demo.id, position=99, kind=SegmentKind.BREAK, title="x", planned_minutes=5,
                           origin_site_id=987654))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        db.session.flush()


def add_ad_hoc_poll_with_a_vote(event: Event, make_participant, make_vote) -> None:
    """An ad hoc poll (no segment), a participant, a vote and a log entry: rows the ORM cascade does not reach."""
    poll = Poll(event_id=event.id, key="ad-hoc", kind=PollKind.SINGLE, question="Koffie?",
                options=[PollOption(position=0, label="Ja"), PollOption(position=1, label="Nee")])
    db.session.add(poll)
    db.session.add(EventLogEntry(event_id=event.id, actor="cli", action="test"))
    db.session.flush()
    make_vote(poll, make_participant())
    make_vote(demo_poll("vraag-3"), make_participant("eindhoven"))


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_an_event_deletes_everything_of_it(demo, make_participant, make_vote, how):
    add_ad_hoc_poll_with_a_vote(demo, make_participant, make_vote)
    db.session.commit()
    event_id = demo.id
    before = rows_of_event(event_id)
    assert all(before.values()), before
    if how == "orm":
        db.session.delete(demo)
    else:
        db.session.execute(delete(Event).where(Event.id == event_id))
    db.session.commit()
    db.session.expunge_all()
    assert rows_of_event(event_id) == dict.fromkeys(before, 0)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_deleting_an_event_leaves_other_events_alone(demo):
    text_ = DEMO_PROGRAMME.read_text(encoding="utf-8").replace("slug: pow-2021-11-01", "slug: copy")
    other = import_programme(read_programme(text_))
    before = rows_of_event(other.id)
    db.session.delete(demo)
    db.session.commit()
    assert rows_of_event(other.id) == before


@pytest.mark.parametrize(("table", "column", "where", "expected"), [
    ("site", "kind", "key = 'online'", "online"),
    ("site", "kind", "key = 'enschede'", "physical"),
    ("segment", "kind", "position = 7", "closing_round"),
    ("segment", "kind", "position = 4", "regional"),
    ("segment_part", "format", "title = 'Drie podia in de Grolsch Veste'", "stages"),
    ("poll", "kind", "key = 'vraag-1'", "wordcloud"),
    ("poll", "state", "key = 'vraag-1'", "draft"),
    ("access_token", "role", "site_id IS NULL", "chair"),
    ("event", "status", "slug = 'pow-2021-11-01'", "planned"),
    ("live_state", "mode", "1 = 1", "real"),
])
def test_enums_are_stored_as_their_values(demo, table, column, where, expected):
    stored = db.session.execute(text(f"SELECT {column} FROM {table} WHERE {where}")).scalar_one()
    assert stored == expected


def test_stored_enum_values_read_back_as_enums(demo):
    db.session.expunge_all()
    segment = db.session.scalar(select(Segment).where(Segment.position == 7))
    assert segment.kind is SegmentKind.CLOSING_ROUND
