"""The phone page when the server cannot store a vote (issue 16, point 3): during a PostgreSQL outage the server
refuses the vote as "not stored yet" (`retry`); the page keeps it pending, sends it again with backoff (same key
and seq), and it is stored once the database is back. Skipped when PostgreSQL does not answer."""

import pytest
import sqlalchemy
from playwright.sync_api import expect

from tests.conftest import POSTGRES_ADMIN_URL, RealServer
from tests.crew import Chair, Phones, join
from tests.test_browser_phone import wait_for_voters
from tests.test_faults_server import set_connections

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def test_a_vote_made_while_the_database_is_away_stays_pending_and_is_stored_once_it_is_back(
        browser, tmp_path, postgres_url):
    name = postgres_url.rsplit("/", 1)[1]
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    server = RealServer(tmp_path / "instance", env={"EVENTAPP_DATABASE_URL": postgres_url}).start()
    phones, chair = Phones(browser), None
    try:
        links = server.links()
        chair = Chair(server, links)
        chair.start_at_the_polls()
        chair.open("vraag-3")
        phone = phones.new(links["sites"]["den-haag"]["join"]["url"])
        join(phone)
        button = phone.get_by_test_id("poll").get_by_role("button", name="Van elkaar geleerd")
        expect(button).to_be_enabled()

        set_connections(admin, name, allowed=False)
        button.click()
        phone.wait_for_timeout(4000)  # several tries, each refused "not stored yet"
        status = phone.get_by_test_id("vote-status")
        expect(status).to_have_attribute("data-state", "sending")  # not "error": nothing was dropped
        assert status.text_content() in ("Sending…", "No reply from the server yet; trying again…")
        assert phone.evaluate("Object.keys(localStorage).filter(k => k.endsWith('.pending'))") != []

        set_connections(admin, name, allowed=True)
        expect(status).to_have_text("Your answer is in", timeout=20000)
        assert phone.evaluate("Object.keys(localStorage).filter(k => k.endsWith('.pending'))") == []
        wait_for_voters(chair, "vraag-3", 1)
    finally:
        set_connections(admin, name, allowed=True)
        if chair is not None:
            chair.close()
        phones.close()
        server.stop()
        admin.dispose()
    assert not phones.errors, f"the phone page reported errors: {phones.errors}"
