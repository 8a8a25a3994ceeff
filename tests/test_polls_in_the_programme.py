"""A poll made or removed during the event keeps the programme valid: the programme (GET /programme, the export,
the editor) must always read back as a programme file would (found by fuzzing the HTTP API)."""

import pytest

from eventapp.controller import polls
from eventapp.errors import BadInput, Conflict
from eventapp.extensions import db
from eventapp.models import Poll, SegmentKind
from eventapp.programme.schema import PollSpec
from eventapp.programme.store import export_programme

NEW_POLL = PollSpec(key="nieuw", kind="single", question="Ja of nee?", options=["Ja", "Nee"])


def segment_of_kind(demo, kind):
    return next(s for s in demo.segments if s.kind == kind)


@pytest.mark.usefixtures("english")
def test_deleting_the_only_poll_of_a_poll_segment_is_refused_and_the_programme_stays_valid(demo, chair, client,
                                                                                            bearer):
    segment = segment_of_kind(demo, SegmentKind.POLL)
    *others, last = [p.id for p in segment.polls]
    for poll_id in others:
        polls.delete_poll(chair, poll_id)

    with pytest.raises(Conflict, match="only poll of its poll segment"):
        polls.delete_poll(chair, last)

    assert db.session.get(Poll, last) is not None
    export_programme(demo)  # raised a ValidationError (a 500 on GET /programme) once the last poll was gone
    assert client.get(f"/api/v1/events/{demo.slug}/programme", headers=bearer).status_code == 200


def test_a_sites_poll_of_a_poll_segment_may_go_and_an_event_poll_elsewhere_may_go(demo, chair):
    poll = polls.create_poll(chair, NEW_POLL, None, None)  # in no segment
    polls.delete_poll(chair, poll.id)
    assert db.session.get(Poll, poll.id) is None


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(("kind", "site", "message"), [
    (SegmentKind.CENTRAL, None, "belongs to a poll segment"),
    (SegmentKind.REGIONAL, None, "belongs to a poll segment"),
    (SegmentKind.POLL, "enschede", "has no part for enschede"),
    (SegmentKind.BREAK, "enschede", "has no part for enschede"),
])
def test_a_poll_created_in_a_segment_that_cannot_hold_it_is_refused(demo, chair, kind, site, message):
    segment = segment_of_kind(demo, kind)

    with pytest.raises(BadInput, match=message):
        polls.create_poll(chair, NEW_POLL, site, segment.id)

    db.session.rollback()
    assert db.session.query(Poll).filter_by(key="nieuw").count() == 0
    export_programme(demo)


@pytest.mark.parametrize(("kind", "site"), [(SegmentKind.POLL, None), (SegmentKind.REGIONAL, "enschede")])
def test_a_poll_created_where_the_programme_can_hold_it_shows_in_the_programme(demo, chair, kind, site):
    segment = segment_of_kind(demo, kind)

    polls.create_poll(chair, NEW_POLL, site, segment.id)

    exported = export_programme(demo).segments[demo.segments.index(segment)]
    keys = [p.key for p in exported.polls] + [p.key for part in exported.parts for p in part.polls]
    assert "nieuw" in keys
