"""People's names said as one list ("Ada and Sam", "Ada, Sam and Kim"), in the language of whoever reads it.

A topic with co-conveners is "by Ada and Sam": the "and" is the reader's, so the list is joined when it is shown,
like `app.i18n.Text`. Below the services and the exporters, which both make such lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel import Locale
from babel.core import UnknownLocaleError
from babel.lists import format_list
from markupsafe import Markup, escape

from app.i18n import SOURCE_LANGUAGE, current_language


class NameList(str):
    """Two or more names. The string itself is the English list, for logs, files and tests; a template shows
    it in the reader's language (Jinja escapes through `__html__`)."""

    names: tuple[str, ...]

    def __new__(cls, names: Iterable[str]) -> NameList:
        listed = tuple(names)
        made = super().__new__(cls, _joined(listed, SOURCE_LANGUAGE))
        made.names = listed
        return made

    def translated(self) -> str:
        return _joined(self.names, current_language())

    def __html__(self) -> Markup:
        return escape(self.translated())

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the names, not only the English
        return (NameList, (self.names,))


def name_list(names: Iterable[str | None]) -> str | None:
    """What a list shows for these people: None for nobody, the name itself for one, a `NameList` for more."""
    present = [name for name in names if name]
    if not present:
        return None
    return present[0] if len(present) == 1 else NameList(present)


def _joined(names: tuple[str, ...], language: str) -> str:
    if len(names) < 2:
        return names[0] if names else ""
    return format_list(list(names), locale=_list_locale(language))


def _list_locale(language: str) -> Locale:
    # English lists as British English writes them ("Ada, Sam and Kim"), as app/i18n.py writes its dates.
    try:
        return Locale.parse("en_GB" if language == SOURCE_LANGUAGE else language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")
