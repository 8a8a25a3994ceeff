"""Every page opens with its own link, and refuses a wrong, missing or other site's link.

A crew link holds its token in the URL fragment; the page's loader posts it to the page's address for a cookie
(`open_link` does what the loader does). The browser side: tests/test_browser_links.py.
"""

import pytest

from eventapp.access import issue_token
from eventapp.extensions import db
from eventapp.models import Role
from tests.conftest import is_loader, local_path, open_link


def chair_link(links, page: str) -> str:
    """The chair's link to one of the chair's pages."""
    return links["chair"]["url"].replace("/control#", f"/{page}#")


def test_every_page_opens_with_its_link(client, links):
    urls = [links["chair"]["url"], chair_link(links, "programme"), chair_link(links, "links")]
    for site in links["sites"].values():
        urls += [site["host"]["url"], site["screen"]["url"]]
    for url in urls:
        assert open_link(client, url).status_code == 200, url
    for site in links["sites"].values():
        assert client.get(local_path(site["join"]["url"])).status_code == 200


def test_a_crew_link_holds_its_token_in_the_fragment_only(links):
    urls = [links["chair"]["url"]] + [site[surface]["url"] for site in links["sites"].values()
                                       for surface in ("host", "screen")]
    for url in urls:
        address, fragment = url.split("#")
        assert "token" not in address and fragment.startswith("token=")


@pytest.mark.parametrize("surface", ["control", "programme", "audience", "links", "report"])
def test_a_chair_page_without_its_cookie_is_the_loader_with_the_message_it_shows_without_a_token(client, surface):
    response = client.get(f"/e/pow-2021-11-01/{surface}?lang=en")
    assert is_loader(response)
    text = response.get_data(as_text=True)
    assert "/static/js/core/access.js" in text and 'data-testid="link-refused" hidden' in text
    assert "ask the chair for the current link" in text
    assert "data-token" not in text


@pytest.mark.parametrize("surface", ["control", "programme", "links"])
@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 200])
def test_chair_pages_refuse_a_wrong_or_missing_token(client, links, surface, token):
    response = client.post(f"/e/pow-2021-11-01/{surface}", data={} if token is None else {"token": token})
    assert response.status_code == 403
    text = response.get_data(as_text=True).lower()
    assert "ask the chair" in text or "vraag" in text
    assert "Set-Cookie" not in response.headers


def test_the_loaders_exchange_gets_its_refusal_as_json(client, links):
    response = client.post("/e/pow-2021-11-01/host/enschede?lang=en", data={"token": links["chair"]["token"]},
                           headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.get_json()["error"] == "This link belongs to the control panel, not to the host panel of Enschede."


@pytest.mark.parametrize("surface", ["host", "screen"])
def test_site_pages_refuse_another_sites_token(client, links, surface):
    enschede_token = links["sites"]["enschede"][surface]["token"]
    response = client.post(f"/e/pow-2021-11-01/{surface}/den-haag", data={"token": enschede_token})
    assert response.status_code == 403
    open_link(client, links["sites"]["enschede"][surface]["url"])
    assert is_loader(client.get(f"/e/pow-2021-11-01/{surface}/den-haag")), "a cookie is for its own site"


def test_a_host_token_does_not_open_the_screen_or_the_control_panel(client, links):
    host_token = links["sites"]["enschede"]["host"]["token"]
    assert client.post("/e/pow-2021-11-01/screen/enschede", data={"token": host_token}).status_code == 403
    assert client.post("/e/pow-2021-11-01/control", data={"token": host_token}).status_code == 403
    open_link(client, links["sites"]["enschede"]["host"]["url"])
    assert is_loader(client.get("/e/pow-2021-11-01/screen/enschede"))
    assert is_loader(client.get("/e/pow-2021-11-01/control"))


def test_the_cookie_of_a_link_is_httponly_strict_and_scoped_to_its_pages(client, links):
    chair = client.post(local_path(links["chair"]["url"]).split("#")[0], data={"token": links["chair"]["token"]})
    assert chair.status_code == 204
    cookie = chair.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/e/pow-2021-11-01/;" in cookie
    assert links["chair"]["token"] not in cookie, "the cookie holds the token's hash, signed"
    host = client.post("/e/pow-2021-11-01/host/enschede", data={"token": links["sites"]["enschede"]["host"]["token"]})
    assert "Path=/e/pow-2021-11-01/host/enschede;" in host.headers["Set-Cookie"]
    assert "Secure" not in cookie, "over plain http the browser would drop a Secure cookie"


def test_the_cookie_is_secure_when_the_app_is_served_over_https(client, links, app):
    app.config["PUBLIC_BASE_URL"] = "https://test.local"
    response = client.post("/e/pow-2021-11-01/control", data={"token": links["chair"]["token"]})
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_page_renders_the_links_token_for_its_scripts_from_the_cookie(client, links):
    page = open_link(client, links["sites"]["enschede"]["host"]["url"]).get_data(as_text=True)
    assert f'data-token="{links["sites"]["enschede"]["host"]["token"]}"' in page


def test_a_rotated_links_cookie_is_refused_at_the_next_page_load(client, links, demo):
    assert open_link(client, links["sites"]["enschede"]["host"]["url"]).status_code == 200
    assert open_link(client, links["chair"]["url"]).status_code == 200
    issue_token(demo, Role.HOST, demo.site("enschede"))
    db.session.commit()
    refused = client.get("/e/pow-2021-11-01/host/enschede?lang=en")
    assert is_loader(refused)
    assert "replaced by a new one" in refused.get_data(as_text=True)
    assert links["sites"]["enschede"]["host"]["token"] not in refused.get_data(as_text=True)
    assert client.get("/e/pow-2021-11-01/control").status_code == 200, "the chair's link was not replaced"


def test_a_forged_cookie_opens_nothing(client, links):
    open_link(client, links["chair"]["url"])
    value = client.get_cookie("access_chair", path="/e/pow-2021-11-01/").value
    client.set_cookie("access_chair", value[:-3] + "abc", path="/e/pow-2021-11-01/")
    assert is_loader(client.get("/e/pow-2021-11-01/control"))


@pytest.mark.parametrize("path", ["/e/pow-2021-11-01/control", "/e/pow-2021-11-01/host/enschede",
                                  "/e/pow-2021-11-01/screen/enschede", "/e/pow-2021-11-01/results/vraag-3",
                                  "/e/pow-2021-11-01/report/programme-template.yaml", "/"])
def test_an_old_link_with_the_token_in_its_query_is_refused_with_a_400_that_says_what_to_do(client, links, path):
    token = links["chair"]["token"]
    open_link(client, links["chair"]["url"])  # also with a valid cookie: the query's token has leaked already
    response = client.get(f"{path}?token={token}&lang=en")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "no longer accepted" in text and "#token=" in text
    assert token not in text, "not even in the language links"
    assert "access_" not in response.headers.get("Set-Cookie", "")


def test_unknown_event_and_site_give_404_with_a_clear_message(client, links):
    response = client.get("/e/no-such-event/control")
    assert response.status_code == 404
    assert "no-such-event" in response.get_data(as_text=True)
    response = client.post("/e/pow-2021-11-01/screen/utrecht", data={"token": links["chair"]["token"]})
    assert response.status_code == 404
    assert "utrecht" in response.get_data(as_text=True)
