"""Behind a proxy (config/nginx/eventapp.conf) every request comes from the proxy's address: with PROXY_COUNT
the app takes the client's from X-Forwarded-For, so that one rate limit per address is one per client."""

import pytest
from limits import parse

from eventapp import create_app, ratelimit
from tests.conftest import TEST_SETTINGS


@pytest.fixture
def join_once_a_minute(monkeypatch):
    monkeypatch.setitem(ratelimit.LIMITS, "join", parse("1/minute"))


@pytest.fixture
def join_code(app, links):
    return links["sites"]["enschede"]["join"]["code"]


def join_from(client, code: str, address: str) -> int:
    """Join as a phone whose address the proxy forwards; the HTTP status."""
    return client.post("/api/v1/join", json={"code": code}, headers={"X-Forwarded-For": address},
                       environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code


@pytest.mark.own_database  # a second app on the same instance folder
def test_behind_one_proxy_two_phones_are_two_addresses(app, join_code, join_once_a_minute):
    behind_proxy = create_app({**TEST_SETTINGS, "PROXY_COUNT": 1})
    client = behind_proxy.test_client()
    assert join_from(client, join_code, "203.0.113.7") == 201
    assert join_from(client, join_code, "203.0.113.8") == 201
    assert join_from(client, join_code, "203.0.113.8") == 429


def test_without_a_proxy_setting_a_forwarded_address_is_not_believed(client, join_code, join_once_a_minute):
    assert join_from(client, join_code, "203.0.113.7") == 201
    assert join_from(client, join_code, "203.0.113.8") == 429
