"""Every page opens with its own link, and refuses a wrong, missing or other site's link."""

import pytest

from tests.conftest import local_path


def test_every_page_opens_with_its_link(client, links):
    urls = [links["chair"]["url"], links["chair"]["url"].replace("/control?", "/programme?"),
            links["chair"]["url"].replace("/control?", "/links?")]
    for site in links["sites"].values():
        urls += [site["host"]["url"], site["screen"]["url"], site["join"]["url"]]
    for url in urls:
        assert client.get(local_path(url)).status_code == 200, url


@pytest.mark.parametrize("surface", ["control", "programme", "links"])
@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 200])
def test_chair_pages_refuse_a_wrong_or_missing_token(client, links, surface, token):
    path = f"/e/pow-2021-11-01/{surface}" + ("" if token is None else f"?token={token}")
    response = client.get(path)
    assert response.status_code == 403
    text = response.get_data(as_text=True).lower()
    assert "ask the chair" in text or "vraag" in text


@pytest.mark.parametrize("surface", ["host", "screen"])
def test_site_pages_refuse_another_sites_token(client, links, surface):
    enschede_token = links["sites"]["enschede"][surface]["token"]
    response = client.get(f"/e/pow-2021-11-01/{surface}/den-haag?token={enschede_token}")
    assert response.status_code == 403


def test_a_host_token_does_not_open_the_screen_or_the_control_panel(client, links):
    host_token = links["sites"]["enschede"]["host"]["token"]
    assert client.get(f"/e/pow-2021-11-01/screen/enschede?token={host_token}").status_code == 403
    assert client.get(f"/e/pow-2021-11-01/control?token={host_token}").status_code == 403


def test_unknown_event_and_site_give_404_with_a_clear_message(client, links):
    response = client.get("/e/no-such-event/control?token=x")
    assert response.status_code == 404
    assert "no-such-event" in response.get_data(as_text=True)
    response = client.get(f"/e/pow-2021-11-01/screen/utrecht?token={links['chair']['token']}")
    assert response.status_code == 404
    assert "utrecht" in response.get_data(as_text=True)
