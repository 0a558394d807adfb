"""The attendee's pages in another language: their words, the scripts' words and the messages made in Python
are looked up when they are shown (or, for a flash kept across a redirect, when it is made).

The catalogues in app/translations/ are filled later by translators: here a small catalogue stands in for one."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations

from app import i18n
from tests.routes.pages_helpers import element, join

SPANISH = {
    "Marketplace": "Mercado",
    "Sent.": "Enviado.",
    # Spanish has three forms: one, many (a million) and other.
    ("%(count)s of %(total)s dots left", "%(count)s of %(total)s dots left"): (
        "Te queda %(count)s de %(total)s puntos",
        "Te quedan %(count)s de %(total)s puntos",
        "Te quedan %(count)s de %(total)s puntos",
    ),
    ("{count} new topic.", "{count} new topics."): (
        "{count} tema nuevo.",
        "{count} temas nuevos.",
        "{count} temas nuevos.",
    ),
    "Your topic “{title}” is on the marketplace.": "Tu tema «{title}» está en el mercado.",
    "Choose whether others see your name (yes) or “{participant}” (no).": "Elige si otros ven tu nombre.",
}
WELSH_TOPICS = ("{count} new topic.", "{count} new topics.")


def _catalogue(language: str, messages: dict) -> Translations:
    catalog = Catalog(locale=language, domain=i18n.DOMAIN)
    for msgid, string in messages.items():
        catalog.add(msgid, string)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=i18n.DOMAIN)


@pytest.fixture
def catalogues(monkeypatch) -> Callable[[str, dict], None]:
    """Stand-in catalogues, by language; every other language reads English."""
    made: dict[str, Translations] = {}

    def translations(language: str) -> NullTranslations:
        return made.get(language) or NullTranslations()

    monkeypatch.setattr(i18n, "translations", translations)

    def add(language: str, messages: dict) -> None:
        made[language] = _catalogue(language, messages)

    return add


def _script_words(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="script-words">(.*?)</script>', html, re.S)
    assert found, "no script words on the page"
    return json.loads(found.group(1))


def test_a_live_page_gives_its_scripts_their_words_in_english_by_default(client, factory, backend):
    event = factory.event()
    join(client, event.slug)

    words = _script_words(client.get(f"/e/{event.slug}").text)

    assert words["sent"] == "Sent."
    assert words["new_topics"] == {"one": "{count} new topic.", "other": "{count} new topics."}
    assert words["minutes_ago"] == {"one": "{count} minute ago", "other": "{count} minutes ago"}


def test_a_page_that_is_not_live_carries_no_script_words(client, backend):
    assert 'id="script-words"' not in client.get("/").text


def test_the_marketplace_and_its_scripts_speak_the_chosen_language(client, factory, backend, catalogues):
    catalogues("es", SPANISH)
    event = factory.event(votes_per_attendee=3)
    join(client, event.slug)

    html = client.get(f"/e/{event.slug}?lang=es").text

    assert '<html lang="es">' in html
    assert "<h1>Mercado</h1>" in html
    assert "Te quedan 3 de 3 puntos" in element(html, "dots-left")
    words = _script_words(html)
    assert words["sent"] == "Enviado."
    assert words["new_topics"] == {"one": "{count} tema nuevo.", "other": "{count} temas nuevos."}
    assert words["answered"] == "Sent, and answered: see the message on the page."  # not translated yet: English


def test_a_count_for_scripts_comes_in_every_form_its_language_has(catalogues):
    catalogues("cy", {WELSH_TOPICS: tuple(f"ffurf {n}: {{count}}" for n in range(6))})

    with i18n.speaking("cy"):
        forms = i18n.plural_forms(*WELSH_TOPICS)
        by_count = {n: i18n.translations("cy").ngettext(*WELSH_TOPICS, n) for n in (0, 1, 2, 3, 6, 4)}

    assert set(forms) == {"zero", "one", "two", "few", "many", "other"}
    assert [forms[c] for c in ("zero", "one", "two", "few", "many", "other")] == list(by_count.values())


def test_a_flash_is_said_in_the_language_of_whoever_made_it(client, factory, backend, catalogues):
    catalogues("es", SPANISH)
    event = factory.event()
    token = join(client, event.slug)
    client.get(f"/e/{event.slug}?lang=es")  # chosen on this device: remembered in a cookie

    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Huertos"}, follow_redirects=False)
    html = client.get(f"/e/{event.slug}?lang=en").text  # the flash was kept as words, when it was made

    assert "Tu tema «Huertos» está en el mercado." in html


def test_a_refusal_made_in_a_page_route_is_shown_in_the_readers_language(client, factory, backend, catalogues):
    catalogues("es", SPANISH)
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/privacy?lang=es", data={"csrf_token": token, "name_listed": "perhaps"}, follow_redirects=False
    )

    assert response.status_code == 422
    assert "Elige si otros ven tu nombre." in element(response.text, "privacy-name-error")
