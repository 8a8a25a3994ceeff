"""The Dutch catalogue: complete, faithful to every placeholder, up to date with the sources; pages and API
errors in Dutch by default and in English with ?lang=en (remembered in a cookie)."""

import re
import subprocess
import sys
from collections import Counter

import pytest
from babel.messages.pofile import read_po

from tests.conftest import DEMO_SLUG, PROJECT_ROOT, local_path, open_link

NL_CATALOGUE = PROJECT_ROOT / "eventapp" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
# %(name)s for Python's gettext(..., name=...), {name} for the texts that the pages' JavaScript fills in.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def read_catalogue(path):
    with path.open("rb") as po_file:
        return read_po(po_file)


def placeholders(text: str) -> Counter:
    return Counter(match.group(0) for match in PLACEHOLDER.finditer(text))


def bare_percent_signs(text: str) -> int:
    """Percent signs that are no placeholder: templates %-format every text, so these must match the id's."""
    return PLACEHOLDER.sub("", text).replace("%%", "").count("%")


@pytest.fixture(scope="module")
def nl():
    return read_catalogue(NL_CATALOGUE)


def entries(catalogue):
    return [message for message in catalogue if message.id]


def test_every_text_has_a_dutch_translation_and_none_is_fuzzy(nl):
    assert entries(nl), "the Dutch catalogue is empty"
    untranslated = [message.id for message in entries(nl)
                    if not (message.string if isinstance(message.string, str) else all(message.string))]
    assert untranslated == [], f"{len(untranslated)} texts without a Dutch translation: {untranslated[:20]}"
    fuzzy = [message.id for message in entries(nl) if message.fuzzy]
    assert fuzzy == [], f"fuzzy (unchecked) translations: {fuzzy[:20]}"


def test_every_translation_keeps_the_placeholders_of_its_text(nl):
    wrong = []
    for message in entries(nl):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, string in enumerate(strings):  # Dutch, like English: form 0 is the singular, form 1 the plural
            source = ids[min(form, len(ids) - 1)]
            if (placeholders(string), bare_percent_signs(string)) != (placeholders(source), bare_percent_signs(source)):
                wrong.append((ids[0], string))
    assert wrong == []


def test_the_catalogue_is_up_to_date_with_the_sources(tmp_path, nl):
    """Extract as `make translations` does: every text of the code and the templates is in the catalogue."""
    pot = tmp_path / "messages.pot"
    done = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "--no-location",
                           "--omit-header", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    extracted = {message.id for message in entries(read_catalogue(pot))}
    assert len(extracted) > 100, "the extraction found almost nothing: is babel.cfg right?"
    missing = sorted(str(text) for text in extracted - {message.id for message in entries(nl)})
    assert missing == [], (f"{len(missing)} texts are not in {NL_CATALOGUE.relative_to(PROJECT_ROOT)}: run "
                           f"`make translations` and translate them: {missing[:20]}")


def test_a_page_is_dutch_by_default_english_with_lang_en_and_the_choice_is_remembered(client, links):
    page = open_link(client, links["chair"]["url"]).get_data(as_text=True)
    control = local_path(links["chair"]["url"]).split("#")[0]
    assert '<html lang="nl">' in page
    assert "Regiepaneel" in page and "Draaiboek" in page and "Evenement starten" in page
    assert "Run sheet" not in page

    response = client.get(control + "?lang=en")
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Control panel" in page and "Run sheet" in page and "Start event" in page
    assert "Draaiboek" not in page
    assert "lang=en" in response.headers["Set-Cookie"]

    page = client.get(control).get_data(as_text=True)  # no ?lang= now: the cookie remembers English
    assert '<html lang="en">' in page and "Run sheet" in page

    page = client.get(control + "?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in page and "Draaiboek" in page


def test_the_texts_for_the_pages_javascript_are_translated_too(client, links):
    page = open_link(client, links["chair"]["url"]).get_data(as_text=True)
    strings = re.search(r'<script type="application/json" id="strings">(.*?)</script>', page, re.S).group(1)
    assert '"Live naar {site}"' in strings and '"Rondje langs de velden"' in strings
    assert "Go live to" not in strings


def test_an_api_error_is_dutch_by_default_and_english_with_lang_en(client):
    reply = client.get(f"/api/v1/events/{DEMO_SLUG}/state")
    assert reply.status_code == 403
    assert "Deze link is niet geldig" in reply.get_json()["error"]

    reply = client.get(f"/api/v1/events/{DEMO_SLUG}/state?lang=en")
    assert reply.status_code == 403
    assert "This link is not valid" in reply.get_json()["error"]


def test_the_error_page_for_an_unknown_address_is_dutch(client):
    reply = client.get("/no-such-page")
    assert reply.status_code == 404
    page = reply.get_data(as_text=True)
    assert "Niet gevonden" in page and "Controleer de link" in page
    assert "requested URL" not in page
