"""A poll kind has one name on every page, in Dutch and in English: the host panel, the chair's polls page (its
texts and its "Kind" choice), the room screen, the public results page and the report all take it from
eventapp/poll_kinds.py ("Meerkeuze" meant a single choice on the host panel and several answers for the chair)."""

import html
import json
import re

import pytest
from flask_babel import force_locale

from eventapp.poll_kinds import kind_labels as poll_kind_labels
from tests.conftest import local_path, open_link

KIND_STRINGS = re.compile(r'<script type="application/json" id="kind-strings">(.*?)</script>', re.S)


def kind_names(page: str) -> dict:
    """The poll kinds' names a page hands the kinds' renderers (static/js/kinds/, kindLabel)."""
    return json.loads(KIND_STRINGS.search(page).group(1))["kinds"]


def kind_options(page: str, select_id: str) -> dict[str, str]:
    """The options of a <select> of poll kinds: value -> label."""
    select = re.search(rf'<select[^>]*(?:id|data-testid)="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return {value: html.unescape(label).strip()
            for value, label in re.findall(r'<option value="(\w+)"[^>]*>(.*?)</option>', select)}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_names_each_poll_kind_alike(app, client, links, lang):
    with force_locale(lang):
        names = poll_kind_labels()
    query = f"lang={lang}"
    chair = links["chair"]["url"]
    site = links["sites"]["enschede"]

    host = open_link(client, site["host"]["url"], query).get_data(as_text=True)
    assert kind_names(host) == names
    assert kind_options(host, "new-poll-kind") == names

    audience = open_link(client, chair.replace("/control#", "/audience#"), query).get_data(as_text=True)
    assert kind_names(audience) == names
    assert kind_options(audience, "f-kind") == names

    screen = open_link(client, site["screen"]["url"], query).get_data(as_text=True)
    assert kind_names(screen) == names

    results = client.get(local_path(chair).split("/control")[0] + f"/results/vraag-3?{query}").get_data(as_text=True)
    assert kind_names(results) == names
    assert f"<span>{html.escape(names['single'])}</span>" in results

    report = client.get(local_path(chair).split("/control")[0] + f"/report?{query}").get_data(as_text=True)
    assert html.escape(names["wordcloud"]) in report


def test_single_choice_and_multiple_answers_have_names_that_differ_in_dutch(app):
    with force_locale("nl"):
        names = poll_kind_labels()
    assert (names["single"], names["multiple"]) == ("Eén keuze", "Meerdere antwoorden")
    assert len(set(names.values())) == len(names)
