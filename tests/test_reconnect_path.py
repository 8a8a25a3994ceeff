"""The connection path under a reconnect storm: the public snapshot is built once per version for every phone
that connects, and a phone that connects after a change always gets the new state (docs/performance.md, 3)."""

from eventapp.controller import live
from eventapp.eventlog import record
from eventapp.extensions import db, socketio
from eventapp.models import LiveState
from eventapp.views import state as snapshot
from tests.test_live_actions import CALLERS, chair_of, started


def state_received(client) -> dict:
    """The last snapshot the server pushed to this client."""
    states = [message["args"][0] for message in client.get_received() if message["name"] == "state:changed"]
    assert states, "no state:changed received"
    return states[-1]


def phone(app, links):
    """A phone watching Enschede with its site's code (what a reconnecting phone does)."""
    client = socketio.test_client(app, auth=CALLERS["anonymous"](links), query_string="lang=en")
    assert client.is_connected()
    return client


def test_phones_connecting_at_one_version_share_one_build_of_the_public_snapshot(app, demo, links, monkeypatch):
    started(demo)
    record(demo.id, "test", "test:new-version")  # a version whose snapshot no push has built yet
    db.session.commit()
    builds = []
    build = snapshot.public_snapshot
    monkeypatch.setattr(snapshot, "public_snapshot", lambda event: builds.append(event.id) or build(event))

    states = [state_received(phone(app, links)) for _ in range(5)]

    assert len(builds) == 1
    assert len({state["version"] for state in states}) == 1


def test_a_phone_that_connects_after_a_change_gets_the_new_state(app, demo, links):
    started(demo)
    before = state_received(phone(app, links))

    live.go_live(chair_of(demo), "enschede")
    after = state_received(phone(app, links))

    assert before["on_air"] != "enschede"
    assert (after["version"], after["on_air"]) == (before["version"] + 1, "enschede")


def test_a_change_that_was_not_pushed_is_still_never_served_stale(app, demo, links):
    """The cache is keyed by the version in the database, not only filled by the push after a change (another
    worker's change reaches this worker's database, not its memory)."""
    started(demo)
    before = state_received(phone(app, links))
    live_state = db.session.get(LiveState, demo.id)
    live_state.on_air_site_id = demo.site("eindhoven").id
    record(demo.id, "test", "live:on-air", {"site": "eindhoven"})
    db.session.commit()

    after = state_received(phone(app, links))

    assert before["on_air"] != "eindhoven"
    assert (after["version"], after["on_air"]) == (before["version"] + 1, "eindhoven")


def test_a_phone_that_asks_for_the_state_after_a_change_gets_the_new_snapshot(app, demo, links):
    started(demo)
    client = phone(app, links)
    known = state_received(client)["version"]
    client.emit("state:sync", {"version": known}, callback=True)

    live.go_live(chair_of(demo), "eindhoven")
    reply = client.emit("state:sync", {"version": known}, callback=True)

    assert reply["version"] == known + 1
    assert (reply["snapshot"]["version"], reply["snapshot"]["on_air"]) == (known + 1, "eindhoven")


def test_every_connecting_phone_gets_the_server_time_of_its_own_connect(app, demo, links):
    started(demo)
    first = state_received(phone(app, links))

    second = state_received(phone(app, links))

    assert second["version"] == first["version"]
    assert second["server_time"] >= first["server_time"]


def test_the_crew_is_not_served_the_public_snapshot(app, demo, links):
    started(demo)
    phone(app, links)

    chair = state_received(socketio.test_client(app, auth=CALLERS["chair"](links), query_string="lang=en"))

    assert "runsheet" in chair and "presence" in chair
