"""A small catalogue standing in for a language's real one (app/translations/ is filled later by translators):
its messages are looked up as the real ones will be, through app.i18n.translations."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations

from app import i18n

# msgid → translation, or (singular, plural) → the forms of the language.
Messages = dict[Any, Any]


def catalogue(language: str, messages: Messages) -> Translations:
    made = Catalog(locale=language, domain=i18n.DOMAIN)
    for msgid, string in messages.items():
        made.add(msgid, string)
    compiled = io.BytesIO()
    write_mo(compiled, made)
    compiled.seek(0)
    return Translations(compiled, domain=i18n.DOMAIN)


def stand_in(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Messages], None]:
    """For a test's fixture: `add("es", {...})` makes Spanish say those messages; every other message and
    language reads English, until the test ends."""
    made: dict[str, Translations] = {}

    def translations(language: str) -> NullTranslations:
        return made.get(language) or NullTranslations()

    monkeypatch.setattr(i18n, "translations", translations)

    def add(language: str, messages: Messages) -> None:
        made[language] = catalogue(language, messages)

    return add
