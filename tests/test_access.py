"""Access links: long random tokens stored only as hashes, rotation, the links command and the links page."""

import hashlib
import json
import re

import pytest
from sqlalchemy import select, text

from eventapp import create_app
from eventapp.access import identify
from eventapp.database import DEMO_PROGRAMME
from eventapp.extensions import db
from eventapp.links import event_links
from eventapp.lookup import event_by_slug
from eventapp.models import EventLogEntry, Role
from eventapp.programme.store import import_programme
from eventapp.programme.yamlfile import read_programme
from tests.conftest import DEMO_SLUG, is_loader, local_path, open_link

SITE_KEYS = ["den-haag", "enschede", "eindhoven", "online"]


def all_tokens(links: dict) -> dict[str, str]:
    """Every token of an event's links, by a name such as 'chair' or 'enschede host'."""
    tokens = {"chair": links["chair"]["token"]}
    for key, site in links["sites"].items():
        tokens[f"{key} host"] = site["host"]["token"]
        tokens[f"{key} screen"] = site["screen"]["token"]
        tokens[f"{key} speaker"] = site["speaker"]["token"]
    return tokens


@pytest.fixture
def make_event(app):
    """Factory: a copy of the demo under another slug, with its own links."""

    def make(slug: str):
        text_ = DEMO_PROGRAMME.read_text(encoding="utf-8").replace(f"slug: {DEMO_SLUG}", f"slug: {slug}")
        return import_programme(read_programme(text_))

    return make


@pytest.fixture
def chair_api(client, links):
    """POST to the API with the chair's bearer token."""

    def post(path: str, body: dict, token: str | None = None):
        return client.post(f"/api/v1/events/{DEMO_SLUG}{path}?lang=en", json=body,
                           headers={"Authorization": f"Bearer {token or links['chair']['token']}"})

    return post


def test_tokens_have_at_least_128_bits_and_differ_per_role_and_site(links):
    tokens = all_tokens(links)
    assert len(tokens) == 1 + 3 * len(SITE_KEYS)
    for name, token in tokens.items():
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", token), name  # 22 base64 characters carry 132 bits
    assert len(set(tokens.values())) == len(tokens)


def test_join_codes_differ_per_site(links):
    codes = [site["join"]["code"] for site in links["sites"].values()]
    assert all(re.fullmatch(r"[1-9][0-9]{5}", code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_the_database_holds_no_token_in_clear(links):
    tokens = all_tokens(links).values()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            stored = " ".join(str(value) for value in row)
            assert not [token for token in tokens if token in stored], f"a token is stored in {table.name}"


def test_the_access_token_table_holds_hashes_of_the_tokens(links):
    stored = {row.token_hash for row in db.session.execute(text("SELECT token_hash FROM access_token"))}
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in all_tokens(links).values()}


@pytest.mark.parametrize(("name", "role", "site"), [
    ("chair", Role.CHAIR, None),
    ("enschede host", Role.HOST, "enschede"),
    ("online screen", Role.SCREEN, "online"),
])
def test_identify_knows_the_caller_of_a_token(demo, links, name, role, site):
    caller = identify(demo, all_tokens(links)[name])
    assert caller.role is role
    assert (caller.site.key if caller.site else None) == site
    assert caller.event.id == demo.id


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 200, "A" * 22])
def test_identify_refuses_a_wrong_token(demo, token):
    assert identify(demo, token) is None


def test_identify_refuses_a_token_of_another_event(demo, links, make_event):
    other = make_event("other-event")
    other_chair = event_links(other)["chair"]["token"]
    assert identify(other, other_chair).role is Role.CHAIR
    assert identify(demo, other_chair) is None
    assert identify(other, links["chair"]["token"]) is None


def test_identify_refuses_a_changed_character(demo, links):
    token = links["chair"]["token"]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert identify(demo, changed) is None


@pytest.mark.parametrize(("body", "page"), [
    ({"role": "host", "site": "enschede"}, "/e/pow-2021-11-01/host/enschede"),
    ({"role": "screen", "site": "online"}, "/e/pow-2021-11-01/screen/online"),
    ({"role": "chair"}, "/e/pow-2021-11-01/control"),
])
def test_rotating_a_link_through_the_api_replaces_its_token(client, links, chair_api, body, page):
    which = "chair" if body["role"] == "chair" else f"{body['site']} {body['role']}"
    old = all_tokens(links)[which]
    assert client.post(page, data={"token": old}).status_code == 204

    response = chair_api("/links/rotate", body)
    assert response.status_code == 200, response.get_json()
    new = all_tokens(response.get_json())[which]

    assert new != old
    assert is_loader(client.get(page)), "the old link's cookie is refused"
    refused = client.post(f"{page}?lang=en", data={"token": old})
    assert refused.status_code == 403
    assert "ask the chair for the current link" in refused.get_data(as_text=True).lower()
    assert client.post(page, data={"token": new}).status_code == 204
    others = {name: token for name, token in all_tokens(links).items() if name != which}
    assert {name: token for name, token in all_tokens(response.get_json()).items() if name != which} == others


@pytest.mark.parametrize("who", ["enschede host", "enschede screen"])
def test_only_the_chair_rotates_links(links, chair_api, who):
    response = chair_api("/links/rotate", {"role": "host", "site": "enschede"}, token=all_tokens(links)[who])
    assert response.status_code == 403
    assert response.get_json()["error"]


def test_a_rotation_with_a_wrong_token_or_none_is_refused(client, links):
    response = client.post(f"/api/v1/events/{DEMO_SLUG}/links/rotate", json={"role": "chair"})
    assert response.status_code == 403
    response = client.post(f"/api/v1/events/{DEMO_SLUG}/links/rotate", json={"role": "chair"},
                           headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403


@pytest.mark.parametrize(("body", "reason"), [
    ({"role": "host"}, "give 'site'"),
    ({"role": "chair", "site": "enschede"}, "belongs to no site"),
    ({"role": "host", "site": "utrecht"}, "utrecht"),
    ({"role": "participant"}, "role"),
    ({}, "role"),
])
def test_a_bad_rotation_request_is_refused_and_changes_nothing(links, chair_api, body, reason):
    response = chair_api("/links/rotate", body)
    assert response.status_code in (400, 404)
    assert reason in json.dumps(response.get_json())
    assert event_links(event_by_slug(DEMO_SLUG)) == links


@pytest.mark.parametrize(("args", "changed"), [
    (["--all"], ["chair"] + [f"{key} {role}" for key in SITE_KEYS for role in ("host", "screen", "speaker")]),
    (["--role", "chair"], ["chair"]),
    (["--role", "host", "--site", "eindhoven"], ["eindhoven host"]),
    (["--role", "screen", "--site", "den-haag"], ["den-haag screen"]),
    (["--role", "speaker", "--site", "enschede"], ["enschede speaker"]),
])
def test_rotating_links_on_the_command_line_replaces_them(client, runner, links, args, changed):
    result = runner.invoke(args=["rotate-links", DEMO_SLUG, *args])
    assert result.exit_code == 0, result.output
    old, new = all_tokens(links), all_tokens(event_links(event_by_slug(DEMO_SLUG)))
    assert sorted(name for name in old if old[name] != new[name]) == sorted(changed)
    for name in changed:
        assert new[name] in result.output
    chair = new["chair"]
    for name in changed:
        page = "/e/pow-2021-11-01/control" if name == "chair" else \
            "/e/pow-2021-11-01/{1}/{0}".format(*name.split())
        assert client.post(page, data={"token": old[name]}).status_code == 403
        assert client.post(page, data={"token": new[name]}).status_code == 204
    assert client.get(f"/api/v1/events/{DEMO_SLUG}/state", headers={"Authorization": f"Bearer {chair}"}).status_code \
        == 200


@pytest.mark.parametrize(("args", "message"), [
    ([], "give --all"),
    (["--role", "host"], "give --all"),
    (["--role", "host", "--site", "utrecht"], "utrecht"),
])
def test_rotate_links_refuses_an_incomplete_request(runner, links, args, message):
    result = runner.invoke(args=["rotate-links", DEMO_SLUG, *args])
    assert result.exit_code != 0
    assert message in result.output
    assert event_links(event_by_slug(DEMO_SLUG)) == links


def test_links_refuses_to_print_links_made_under_another_secret_key(app, runner, links):
    app.config["SECRET_KEY"] = "a key that is not the one the links were made with"
    result = runner.invoke(args=["links", DEMO_SLUG, "--json"])
    assert result.exit_code != 0
    assert "secret key has changed" in result.output
    assert "rotate-links" in result.output
    assert links["chair"]["token"] not in result.output


def test_links_json_has_exactly_the_documented_shape(runner, demo):
    result = runner.invoke(args=["links", "--json"])
    assert result.exit_code == 0, result.output
    links = json.loads(result.output)
    assert set(links) == {"event", "chair", "sites"}
    assert links["event"] == DEMO_SLUG
    assert set(links["chair"]) == {"url", "token"}
    assert list(links["sites"]) == SITE_KEYS
    for key, site in links["sites"].items():
        assert set(site) == {"host", "screen", "speaker", "join"}
        assert set(site["host"]) == set(site["screen"]) == set(site["speaker"]) == {"url", "token"}
        assert set(site["join"]) == {"url", "code"}
        assert site["host"]["url"] == f"http://test.local/e/{DEMO_SLUG}/host/{key}#token={site['host']['token']}"
        assert site["screen"]["url"] == \
            f"http://test.local/e/{DEMO_SLUG}/screen/{key}#token={site['screen']['token']}"
        assert site["speaker"]["url"] == \
            f"http://test.local/e/{DEMO_SLUG}/speaker/{key}#token={site['speaker']['token']}"
        assert site["join"]["url"] == f"http://test.local/j/{site['join']['code']}"
        assert site["join"]["code"] == demo.site(key).join_code
    assert links["chair"]["url"] == f"http://test.local/e/{DEMO_SLUG}/control#token={links['chair']['token']}"


def test_every_link_of_links_json_opens_its_page(client, runner):
    links = json.loads(runner.invoke(args=["links", DEMO_SLUG, "--json"]).output)
    urls = [links["chair"]["url"]] + [site[surface]["url"] for site in links["sites"].values()
                                      for surface in ("host", "screen", "speaker")]
    for url in urls:
        assert open_link(client, url).status_code == 200, url
    for site in links["sites"].values():
        assert client.get(local_path(site["join"]["url"])).status_code == 200


def test_links_without_json_prints_a_readable_table(runner, links):
    result = runner.invoke(args=["links"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert DEMO_SLUG in lines[0]
    assert re.fullmatch(rf"\s+chair\s+{re.escape(links['chair']['url'])}", lines[1])
    for key, site in links["sites"].items():
        assert re.search(rf"^\s+{key} host\s+{re.escape(site['host']['url'])}$", result.output, re.M)
        assert re.search(rf"^\s+{key} screen\s+{re.escape(site['screen']['url'])}$", result.output, re.M)
        assert re.search(rf"^\s+{key} speaker\s+{re.escape(site['speaker']['url'])}$", result.output, re.M)
        assert re.search(rf"^\s+{key} join \(code {site['join']['code']}\)\s+{re.escape(site['join']['url'])}$",
                         result.output, re.M)
    assert not result.output.lstrip().startswith("{")


@pytest.mark.parametrize("how", ["environment", "config"])
def test_links_use_the_configured_public_base_url(monkeypatch, how):
    base = "https://event.example.org:8443"
    if how == "environment":
        monkeypatch.setenv("EVENTAPP_PUBLIC_BASE_URL", base + "/")
        app = create_app({"TESTING": True, "ASYNC_MODE": "threading"})
    else:
        app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "PUBLIC_BASE_URL": base})
    with app.app_context():
        links = json.loads(app.test_cli_runner().invoke(args=["links", "--json"]).output)
        db.session.remove()
    urls = [links["chair"]["url"]] + [site[s]["url"] for site in links["sites"].values()
                                      for s in ("host", "screen", "join")]
    assert all(url.startswith(base + "/") for url in urls), urls
    assert not any("127.0.0.1" in url for url in urls)


def test_links_without_a_public_base_url_use_the_host_and_port():
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "PORT": 5123})
    with app.app_context():
        links = json.loads(app.test_cli_runner().invoke(args=["links", "--json"]).output)
        db.session.remove()
    assert links["chair"]["url"].startswith("http://127.0.0.1:5123/e/")


def test_links_of_an_unknown_event_name_the_known_ones(runner, make_event):
    make_event("second-event")
    result = runner.invoke(args=["links", "no-such-event"])
    assert result.exit_code != 0
    assert "'no-such-event'" in result.output
    assert f"Known events: {DEMO_SLUG}, second-event" in result.output


def test_the_links_page_shows_a_qr_code_per_link(client, links):
    response = open_link(client, links["chair"]["url"].replace("/control#", "/links#"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    cards = re.findall(r'<article class="card link-card".*?</article>', page, re.S)
    assert len(cards) == 1 + 4 * len(SITE_KEYS)
    for card in cards:
        assert re.search(r'<div class="qr"[^>]*>\s*<svg', card), card[:200]
    urls = [links["chair"]["url"]] + [site[s]["url"] for site in links["sites"].values()
                                      for s in ("host", "screen", "speaker", "join")]
    for url in urls:
        assert url.replace("&", "&amp;") in page


@pytest.mark.parametrize("who", ["enschede host", "enschede screen"])
def test_the_links_page_refuses_other_tokens_than_the_chairs(client, links, who):
    response = client.post(f"/e/{DEMO_SLUG}/links", data={"token": all_tokens(links)[who]})
    assert response.status_code == 403
    assert links["chair"]["token"] not in response.get_data(as_text=True)


def test_the_links_api_gives_the_same_links_as_the_command(client, runner, links):
    response = client.get(f"/api/v1/events/{DEMO_SLUG}/links",
                          headers={"Authorization": f"Bearer {links['chair']['token']}"})
    assert response.status_code == 200
    assert response.get_json() == json.loads(runner.invoke(args=["links", "--json"]).output)


def test_a_rotation_is_logged_without_the_token(links, chair_api):
    chair_api("/links/rotate", {"role": "host", "site": "enschede"})
    rows = db.session.scalars(select(EventLogEntry)).all()
    assert ("chair", "access:rotated") in [(row.actor, row.action) for row in rows]
    new = all_tokens(event_links(event_by_slug(DEMO_SLUG)))["enschede host"]
    assert all(new not in json.dumps(row.data) for row in rows)


def test_a_host_reads_only_its_own_sites_crew_data_over_the_api(client, links):
    def call(token: str, path: str, body: dict | None = None):
        reply = client.post(f"/api/v1/events/{DEMO_SLUG}/{path}", json=body,
                            headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 200, reply.get_json()
        return reply

    chair, den_haag = links["chair"]["token"], links["sites"]["den-haag"]["host"]["token"]
    enschede = links["sites"]["enschede"]["host"]["token"]
    call(chair, "event/start", {"confirm": True})
    call(chair, "cue/send", {"text": "Den Haag, nog twee minuten", "site": "den-haag"})
    call(chair, "cue/send", {"text": "Iedereen klaar?"})
    call(den_haag, "poll/create", {"poll": {"key": "dh-eigen", "kind": "open", "question": "Wat leeft er?"},
                                   "site": "den-haag"})
    call(den_haag, "learnings/write", {"learnings": ["Samen sterker"]})
    call(enschede, "learnings/write", {"learnings": ["Meer lef"]})

    def state(token: str) -> dict:
        return client.get(f"/api/v1/events/{DEMO_SLUG}/state", headers={"Authorization": f"Bearer {token}"}).get_json()

    mine = state(enschede)
    assert [cue["text"] for cue in mine["cues"]] == ["Iedereen klaar?"]
    assert "dh-eigen" not in [poll["key"] for poll in mine["polls"]]
    assert all(poll["site"] in (None, "enschede") for poll in mine["polls"])
    assert mine["closing"]["learnings"] == {"enschede": ["Meer lef"]}
    assert set(mine["presence"]) == {"enschede"}
    everything = state(chair)
    assert len(everything["cues"]) == 2 and "dh-eigen" in [poll["key"] for poll in everything["polls"]]
    assert everything["closing"]["learnings"]["den-haag"] == ["Samen sterker"]
    assert "dh-eigen" in [poll["key"] for poll in state(den_haag)["polls"]]
