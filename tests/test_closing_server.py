"""The closing on the real server (python run.py, eventlet) with real Socket.IO clients: three hosts write their
learnings, the chair goes round the sites, and the white book goes Den Haag -> Enschede -> Eindhoven, with a
kill -9 of the server while it is in flight. Every screen sees every step, and never two holders.
"""

import pytest

from tests.conftest import RealServer
from tests.test_realtime_server import SITES, Client

pytestmark = pytest.mark.server

LEARNINGS = {
    "eindhoven": ["Vragen aan elkaar leveren nieuwe invalshoeken op", "De werkvloer is de beste leerplek",
                  "Eigenaarschap op bestuurlijk niveau"],
    "enschede": ["Ketens van beroepsgroepen werken", "Vraag en aanbod samen aan tafel", "Regio in beeld helpt"],
    "den-haag": ["Durf de confrontatie aan", "Een heldere missie", "Ruimte om te experimenteren",
                 "Samen leren door te doen", "Blijf elkaar opzoeken"],
}


@pytest.fixture
def crew(real_server):
    """The chair, three hosts and three screens, connected to the real server."""
    links = real_server.links()
    url = real_server.base_url + "?lang=en"  # refusals are matched in English
    clients = {"chair": Client(url, {"token": links["chair"]["token"]}, "chair")}
    for key in SITES:
        for role in ("host", "screen"):
            clients[f"{role}:{key}"] = Client(url, {"token": links["sites"][key][role]["token"]},
                                              f"{role}:{key}")
    yield clients
    for client in clients.values():
        client.close()


def screens(clients) -> list[Client]:
    return [clients[f"screen:{key}"] for key in SITES]


def every_screen_sees(clients, predicate) -> list[dict]:
    return [screen.wait_for(predicate) for screen in screens(clients)]


def holder(state: dict) -> tuple:
    wall = state["handoff"]
    return wall["state"], wall["holder"], wall["to"]


def segment_id(state: dict, kind: str) -> int:
    return next(row["id"] for row in state["runsheet"] if row["kind"] == kind)


def refused(client: Client, name: str, payload: dict | None = None) -> str:
    reply = client.sio.call(name, payload or {}, timeout=10)
    assert reply["ok"] is False, reply
    return reply["error"]


def test_learnings_the_closing_round_and_the_white_book_from_den_haag_via_enschede_to_eindhoven(real_server, crew):
    clients = crew
    chair = clients["chair"]
    chair.act("event:start", {"confirm": True})
    chair.act("programme:jump", {"segment_id": segment_id(chair.states[-1], "regional")})

    # Learnings: each host its own site's, in order; markup is refused, nothing changes.
    for key, texts in LEARNINGS.items():
        clients[f"host:{key}"].act("learnings:write", {"learnings": texts})
    assert "markup" in refused(clients["host:enschede"], "learnings:write", {"learnings": ["<i>schuin</i>"]})
    chair.wait_for(lambda s: s["closing"]["learnings"]["den-haag"] == LEARNINGS["den-haag"])
    assert screens(clients)[0].states[-1]["closing"]["learnings"] == {}  # drafts stay with the crew

    # The closing round: every screen shows the site on air and its learnings.
    chair.act("programme:jump", {"segment_id": segment_id(chair.states[-1], "closing_round")})
    for key in ("eindhoven", "enschede", "den-haag"):
        version = chair.act("closing:next")["version"]
        for state in every_screen_sees(clients, lambda s, v=version: s["version"] == v):
            assert (state["closing"]["site"], state["on_air"]) == (key, key)
            assert state["closing"]["learnings"][key] == LEARNINGS[key]
    assert "closing round has started" in refused(clients["host:den-haag"], "learnings:write",
                                                  {"learnings": ["Te laat"]})

    # The magic wall: Den Haag holds the book; Enschede's host cannot pass it, Den Haag's passes it on.
    version = chair.act("programme:jump", {"segment_id": segment_id(chair.states[-1], "handoff")})["version"]
    for state in every_screen_sees(clients, lambda s: s["version"] == version):
        assert holder(state) == ("held", "den-haag", None)
        assert state["handoff"]["title"] == "Witboek Perspectief op Werk"
    refused(clients["host:enschede"], "handoff:pass", {"to": "eindhoven"})
    version = clients["host:den-haag"].act("handoff:pass")["version"]
    flying = every_screen_sees(clients, lambda s: s["version"] == version)
    assert {holder(state) for state in flying} == {("in_flight", "den-haag", "enschede")}
    assert "on its way" in refused(clients["host:den-haag"], "handoff:pass", {"to": "enschede"})  # a double pass
    assert "only its host can catch" in refused(clients["host:eindhoven"], "handoff:catch")
    sent_at = flying[0]["handoff"]["changed_at"]

    # kill -9 in mid-flight: after the restart every screen shows the same flight, from the same moment.
    seen = {name: len(client.states) for name, client in clients.items()}
    real_server.kill()
    restarted = RealServer(real_server.instance, port=real_server.port).start()
    try:
        for name, client in clients.items():
            state = client.wait_for(lambda s, c=client, n=name: len(c.states) > seen[n], timeout=20)
            assert holder(state) == ("in_flight", "den-haag", "enschede"), name
            assert state["handoff"]["changed_at"] == sent_at and state["version"] == version, name

        # Enschede catches it, passes it on to Eindhoven, which catches it.
        version = clients["host:enschede"].act("handoff:catch")["version"]
        for state in every_screen_sees(clients, lambda s, v=version: s["version"] == v):
            assert holder(state) == ("held", "enschede", None)
        clients["host:enschede"].act("handoff:pass", {"to": "eindhoven"})
        assert "only its host can catch" in refused(clients["host:den-haag"], "handoff:catch")
        version = clients["host:eindhoven"].act("handoff:catch")["version"]
        for state in every_screen_sees(clients, lambda s, v=version: s["version"] == v):
            assert holder(state) == ("held", "eindhoven", None)

        # Every screen saw every step (no version skipped) and never anything but one holder.
        for screen in screens(clients):
            states = [s for s in screen.states if s["segment"] and s["segment"]["kind"] == "handoff"]
            steps = [holder(s) for i, s in enumerate(states) if i == 0 or holder(s) != holder(states[i - 1])]
            assert steps == [("held", "den-haag", None), ("in_flight", "den-haag", "enschede"),
                             ("held", "enschede", None), ("in_flight", "enschede", "eindhoven"),
                             ("held", "eindhoven", None)], screen.name
            assert all(s["handoff"]["holder"] in SITES for s in states)

        # The chair resets it: back with Den Haag.
        version = chair.act("handoff:reset")["version"]
        for state in every_screen_sees(clients, lambda s, v=version: s["version"] == v):
            assert holder(state) == ("held", "den-haag", None)
    finally:
        restarted.stop()
