"""The "100 points" poll kind on the real server: phones spread their points over Socket.IO and every screen and
the chair get the points per option and per site; a spread that is not exactly 100 is refused with its reason and
counts nothing. And on the phone page in a real browser: the ballot counts down the points left and sends them."""

import time
import uuid

import pytest
import requests
import socketio
from playwright.sync_api import expect

from tests.conftest import PROJECT_ROOT
from tests.crew import Chair, join

SPEC = {"key": "test-points", "kind": "points", "question": "Waar gaat het budget naartoe?",
        "options": ["Scholing", "Matching", "Begeleiding"], "hide_results": False}


@pytest.fixture
def points_chair(real_server, server_links):
    """The chair, connected, with the event started at its polls and a 100 points poll created and opened."""
    chair = Chair(real_server, server_links)
    chair.start_at_the_polls()
    chair.do("poll:create", {"poll": SPEC, "site": None, "segment_id": None})
    chair.open(SPEC["key"])
    yield chair
    chair.close()


def phone_socket(server, links: dict, site: str) -> socketio.Client:
    joined = requests.post(f"{server.base_url}/api/v1/join", json={"code": links["sites"][site]["join"]["code"]},
                           timeout=10).json()
    client = socketio.Client(reconnection=False)
    client.connect(server.base_url, auth={"participant": joined["token"]}, wait_timeout=10)
    return client


def chair_results(points_chair: Chair, poll_id: int, voters: int, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with points_chair.lock:
            results = points_chair.results.get(poll_id)
        if results and results["total"]["voters"] == voters:
            return results
        time.sleep(0.1)
    raise AssertionError(f"the chair has {points_chair.results.get(poll_id)}, not {voters} voters")


@pytest.mark.server
def test_phones_spread_100_points_and_the_chair_gets_the_points_per_option_and_site(real_server, server_links,
                                                                                   points_chair):
    poll = points_chair.poll(SPEC["key"])
    ids = [str(option["id"]) for option in poll["options"]]
    den_haag = phone_socket(real_server, server_links, "den-haag")
    enschede = phone_socket(real_server, server_links, "enschede")
    try:
        def vote(client, points):
            return client.call("poll:vote", {"poll_id": poll["id"], "answer": {"points": points},
                                             "key": uuid.uuid4().hex}, timeout=10)

        refused = vote(den_haag, {ids[0]: 60, ids[1]: 60})
        assert not refused["ok"], refused
        assert refused["error"] == "verdeel precies 100 punten, niet 120"  # in Dutch, the default language
        assert vote(den_haag, {ids[0]: 70, ids[2]: 30})["ok"]
        assert vote(enschede, {ids[1]: 100})["ok"]
        results = chair_results(points_chair, poll["id"], 2)
    finally:
        den_haag.disconnect()
        enschede.disconnect()
    assert [(o["label"], o["points"], o["mean"]) for o in results["total"]["options"]] == [
        ("Scholing", 70, 35.0), ("Matching", 100, 50.0), ("Begeleiding", 30, 15.0)]
    assert [o["points"] for o in results["sites"]["den-haag"]["options"]] == [70, 0, 30]
    assert [o["points"] for o in results["sites"]["enschede"]["options"]] == [0, 100, 0]
    assert points_chair.poll(SPEC["key"])["voters"] == 2  # the refused spread counted nothing


# The phone page draws its ballot with kinds.ballot() once it is a page module (static/js/pages/phone.js): until
# then the old phone page has no ballot for this kind.
PHONE_ON_KINDS = (PROJECT_ROOT / "static/js/pages/phone.js").exists()


@pytest.mark.browser
@pytest.mark.skipif(not PHONE_ON_KINDS, reason="the phone page does not draw its ballots with static/js/kinds/ yet")
def test_a_phone_spreads_its_100_points_with_the_points_left_counted_down(phones, points_chair, server_links,  # noqa: F811
                                                                          artifacts):
    phone = phones.new(server_links["sites"]["den-haag"]["join"]["url"])
    join(phone)
    card = phone.get_by_test_id("poll")
    left = card.locator(".points-left")
    expect(left).to_have_text("100 points left")
    card.get_by_label("Points for “Scholing”").fill("60")
    card.get_by_label("Points for “Scholing”").blur()
    expect(left).to_have_text("40 points left")
    card.get_by_role("button", name="Send answer").click()
    expect(phone.get_by_test_id("vote-status")).to_have_text("Spread exactly 100 points: 40 left.")
    for _ in range(4):
        card.get_by_role("button", name="10 points more for “Begeleiding”").click()
    expect(left).to_have_text("All 100 points spread")
    card.get_by_role("button", name="Send answer").click()
    expect(phone.get_by_test_id("your-answer")).to_contain_text("Scholing 60, Begeleiding 40")
    phone.screenshot(path=artifacts / "phone-points.png", full_page=True)
    results = chair_results(points_chair, points_chair.poll(SPEC["key"])["id"], 1)
    assert [o["points"] for o in results["total"]["options"]] == [60, 0, 40]
