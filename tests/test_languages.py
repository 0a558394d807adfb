"""Languages: every word people read is in every catalogue, and each reader gets theirs.

The catalogues (app/translations/) must translate every message marked in the code and the templates, keep
their placeholders, and the templates must show no words that nobody marked. Then, through HTTP and the
websocket: who reads which language (app/i18n.py), remembered on the device, for the room on the board, in
two languages on a bilingual board, and English for the API unless its request asks.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from jinja2 import Environment

from app import i18n
from tests.factories import Factory
from tests.i18n_sources import ROOT, marked_messages, unmarked_words

TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]
TEMPLATES = sorted((ROOT / "app" / "templates").rglob("*.html"))


def _catalogue(language: str):
    with (i18n.TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def said(language: str, message: str, **params: object) -> str:
    with i18n.speaking(language):
        return i18n.gettext(message, **params)


@pytest.fixture(scope="module")
def marked():
    return marked_messages()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_message_is_translated(language: str, marked) -> None:
    catalogue = _catalogue(language)
    missing = []
    for message in marked:
        entry = catalogue.get(message.msgid)
        strings = entry.string if entry is not None else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(forms):
            missing.append(f"{message.where}: {message.msgid!r}")
    coverage = 1 - len(missing) / max(len(marked), 1)
    print(f"{language}: {coverage:.1%} of {len({m.msgid for m in marked})} messages")
    assert missing == [], f"{len(missing)} messages have no {language} translation (run `make messages`)"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders_and_plural_forms(language: str) -> None:
    catalogue = _catalogue(language)
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    broken = []
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = {a or b for a, b in placeholder.findall(ids[-1])}
        if isinstance(entry.id, tuple):
            wanted -= {"num", "count"}  # a plural form may spell out "one" instead of the number
            if len(strings) != catalogue.num_plurals:
                broken.append(f"{entry.id!r}: {len(strings)} plural forms, {language} has {catalogue.num_plurals}")
        for string in strings:
            found = {a or b for a, b in placeholder.findall(string or "")}
            if string and not wanted <= found | ({"num", "count"} & found) | (wanted & {"num", "count"}):
                broken.append(f"{entry.id!r} -> {string!r}: needs {sorted(wanted)}")
            if string and found - {a or b for i in ids for a, b in placeholder.findall(i)}:
                broken.append(f"{entry.id!r} -> {string!r}: unknown {sorted(found)}")
    assert broken == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "app" / "templates")))
def test_templates_show_no_unmarked_words(template: Path) -> None:
    assert unmarked_words(template, Environment(extensions=["jinja2.ext.i18n"])) == []


def test_a_page_speaks_the_language_asked_and_the_device_remembers_it(client: TestClient, factory: Factory) -> None:
    event = factory.event(slug="meadow")

    asked = client.get(f"/e/{event.slug}?lang=es")
    later = client.get(f"/e/{event.slug}")

    assert '<html lang="es">' in asked.text and said("es", "Language") in asked.text
    assert "hallway_lang=es" in asked.headers["set-cookie"]
    assert '<html lang="es">' in later.text  # remembered, no parameter needed any more
    assert '<option value="es" lang="es" selected>Español</option>' in later.text


def test_the_browser_language_is_the_first_guess(client: TestClient, factory: Factory) -> None:
    event = factory.event(slug="meadow")

    german = client.get(f"/e/{event.slug}", headers={"Accept-Language": "fr-FR,fr;q=0.9,de;q=0.8,en;q=0.5"})

    assert '<html lang="de">' in german.text and said("de", "Language") in german.text


def test_an_unknown_language_falls_back_to_the_events_then_english(client: TestClient, factory: Factory) -> None:
    welsh = factory.event(slug="eisteddfod")
    client.patch(f"/api/events/{welsh.slug}", json={"language": "cy"}, headers=welsh.auth)
    english = factory.event(slug="meadow")
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}

    on_welsh = client.get(f"/e/{welsh.slug}?lang=fr", headers=french)
    on_english = client.get(f"/e/{english.slug}?lang=xx-hostile", headers=french)

    assert on_welsh.status_code == on_english.status_code == 200
    assert '<html lang="cy">' in on_welsh.text and "hallway_lang" not in on_welsh.headers.get("set-cookie", "")
    assert '<html lang="en">' in on_english.text


def test_the_facilitator_sets_the_events_language_and_a_bad_one_is_refused(
    client: TestClient, factory: Factory
) -> None:
    event = factory.event(slug="meadow")

    refused = client.patch(f"/api/events/{event.slug}", json={"language": "xx"}, headers=event.auth)
    set_ = client.patch(
        f"/api/events/{event.slug}", json={"language": "es", "board_second_language": "en"}, headers=event.auth
    )

    assert refused.status_code == 422 and "'xx'" in refused.json()["detail"]
    assert set_.status_code == 200
    assert set_.json()["language"] == "es" and set_.json()["board_second_language"] == "en"
    cleared = client.patch(f"/api/events/{event.slug}", json={"board_second_language": None}, headers=event.auth)
    assert cleared.json()["board_second_language"] is None


def test_the_api_answers_in_english_unless_its_request_asks(client: TestClient, factory: Factory) -> None:
    event = factory.event(slug="meadow")
    client.get(f"/e/{event.slug}?lang=de")  # the device chose German for the pages: the API doesn't follow
    url = f"/api/events/{event.slug}/topics"

    english = client.post(url, json={"title": "   "}, headers=factory.attendee(event).auth)
    spanish = client.post(
        url, json={"title": "   "}, headers={**factory.attendee(event, name="Eva").auth, "Accept-Language": "es"}
    )

    assert english.status_code == spanish.status_code == 422
    assert english.json()["detail"] == "The title can't be empty."
    assert spanish.json()["detail"] == said("es", "{label} can't be empty.", label=said("es", "The title"))


def test_the_board_speaks_the_events_language_whoever_shows_it(client: TestClient, factory: Factory) -> None:
    event = factory.event(slug="meadow")
    client.patch(f"/api/events/{event.slug}", json={"language": "de"}, headers=event.auth)
    english_laptop = {"Accept-Language": "en-GB,en;q=0.9"}

    board = client.get(f"/e/{event.slug}/board", headers=english_laptop)
    asked = client.get(f"/e/{event.slug}/board?lang=es", headers=english_laptop)

    assert '<html lang="de" class="board-html">' in board.text
    assert '<html lang="es" class="board-html">' in asked.text


def test_a_bilingual_board_shows_both_languages(client: TestClient, factory: Factory) -> None:
    event = factory.event(slug="meadow")
    client.patch(
        f"/api/events/{event.slug}", json={"language": "cy", "board_second_language": "en"}, headers=event.auth
    )

    board = client.get(f"/e/{event.slug}/board").text

    assert '<span class="second-language" lang="en"> · Now &amp; next</span>' in board or (
        'class="second-language" lang="en"' in board and said("cy", "Now & next") in board
    )


def test_live_fragments_come_in_the_language_of_the_page(client: TestClient, factory: Factory) -> None:
    event = factory.event(slug="meadow")
    ada = factory.attendee(event)
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    with (
        client.websocket_connect(f"/ws/events/{event.slug}?view=market&since={since}&lang=es") as spanish,
        client.websocket_connect(f"/ws/events/{event.slug}?view=market&since={since}") as english,
    ):
        client.post(f"/api/events/{event.slug}/topics", json={"title": "Walking meetings"}, headers=ada.auth)
        in_spanish, in_english = spanish.receive_text(), english.receive_text()

    assert "Walking meetings" in in_spanish and "Walking meetings" in in_english
    assert "New topics were proposed." in in_english and "New topics were proposed." not in in_spanish
    assert said("es", "New topics were proposed.") in in_spanish


def test_times_and_days_are_written_the_readers_way() -> None:
    moment = dt.datetime(2026, 3, 7, 9, 30)

    with i18n.speaking("en"):
        assert (i18n.hour_minute(moment), i18n.day_name(moment)) == ("09:30", "Saturday 7 March")
    with i18n.speaking("es"):
        assert i18n.day_name(moment) == "sábado, 7 de marzo"
    with i18n.speaking("de"):
        assert (i18n.hour_minute(moment), i18n.day_name(moment)) == ("09:30", "Samstag, 7. März")
    with i18n.speaking("cy"):
        assert "Sadwrn" in i18n.day_name(moment)


def test_accept_language_is_read_by_quality_and_hostile_headers_are_cut_short() -> None:
    assert i18n.from_accept_language("fr;q=1, de;q=0.5, es;q=0.9, cy;q=0") == ["es", "de"]
    assert i18n.from_accept_language("es-MX,es;q=0.9") == ["es"]
    assert i18n.from_accept_language("de;q=abc, " * 5000) == []
    assert i18n.from_accept_language(None) == []
