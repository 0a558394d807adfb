"""Languages: which one a reader gets, the catalogues that say it, and dates and times in it.

Everything shown to people is written in English in the code and the templates and looked up in the
reader's language when it is shown (gettext catalogues under app/translations/, kept with `make messages`).

Who reads in which language (docs/languages.md):
- a page: the person's own choice (`?lang=` on any page, remembered on the device in a cookie), else the
  first language of their browser's `Accept-Language` that Hallway speaks, else the event's language,
  else English;
- the API: English, unless the request's `Accept-Language` asks for a language Hallway speaks (scripts
  parse messages less often than people read them, and a script's author reads the English docs);
- live fragments pushed over a websocket: the language the page was rendered in (the page says which).

The reader is kept in a context variable, set for each request by `LocaleMiddleware` and for each
rendering of live fragments by `speaking`: templates and `Text.__html__` read it when they render.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date, format_skeleton, match_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
# Each language in its own words: the picker shows these, so anyone finds theirs whatever is shown now.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "de": "Deutsch", "cy": "Cymraeg"}
LANGUAGE_COOKIE = "hallway_lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
LANGUAGE_PARAM = "lang"
# Dates and times: English is shown with British conventions (a 24-hour clock, "Saturday 7 March"),
# which every gathering reads without ambiguity; the other languages with their own.
_FORMAT_LOCALES = {"en": "en_GB"}


def supported(code: str | None) -> str | None:
    """The language Hallway speaks for `code` ("es", "es-MX", "ES_es"), or None."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> list[str]:
    """The languages of an Accept-Language header that Hallway speaks, the most wanted first."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):  # a hostile header is cut short
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        language = supported(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    seen: list[str] = []
    for _quality, _position, language in sorted(ranked):
        if language not in seen:
            seen.append(language)
    return seen


@dataclass
class Reader:
    """Who is reading: their own choice, their browser's languages, and the event's language once known."""

    chosen: str | None = None
    accepted: list[str] = field(default_factory=list)
    event_language: str | None = None
    # The API answers in English unless Accept-Language asks: a chosen or event language is not used.
    api: bool = False
    # Chosen in this very request (`?lang=`), not only remembered from an earlier one.
    asked: str | None = None
    # A page for the whole room (the venue screen): the event's language unless its address asks for another,
    # whatever the language of the laptop that shows it.
    room: bool = False

    @property
    def language(self) -> str:
        if self.room:
            return self.asked or supported(self.event_language) or SOURCE_LANGUAGE
        if self.api:
            return self.accepted[0] if self.accepted else SOURCE_LANGUAGE
        if self.chosen:
            return self.chosen
        if self.accepted:
            return self.accepted[0]
        return supported(self.event_language) or SOURCE_LANGUAGE


_reader: ContextVar[Reader | None] = ContextVar("hallway_reader", default=None)


def reader() -> Reader:
    """This request's reader (a default English one outside a request: the CLI, the exports' tests)."""
    current = _reader.get()
    if current is None:
        current = Reader()
        _reader.set(current)
    return current


def current_language() -> str:
    return reader().language


def for_the_room() -> None:
    """This page is read by a room, not by whoever opened it (the board): in the event's language."""
    reader().room = True


def event_language_is(language: str | None) -> None:
    """Called where a request's event is loaded: the event's language is the fallback for its pages."""
    reader().event_language = language


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Render in `language` (live fragments, exports, the board's second language), whoever asked."""
    token = _reader.set(Reader(chosen=supported(language) or SOURCE_LANGUAGE))
    try:
        yield
    finally:
        _reader.reset(token)


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of `language`, read from its .po file once (compiled in memory: nothing to build)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    po_file = TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(message: str, /, **params: Any) -> str:
    """`message` in the reader's language, with `{name}` params filled in."""
    said = translations(current_language()).gettext(message)
    return said.format(**params) if params else said


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> str:
    said = translations(current_language()).ngettext(singular, plural, count)
    return said.format(count=count, **params)


class Text(str):
    """Words for people made where the reader is not known yet (a domain error raised in a service).

    The string itself is the English, for logs and tests; a template shows it in the reader's language
    (Jinja escapes through `__html__`) and the error handlers call `translated()`.
    """

    msgid: str
    plural: str | None
    quantity: int | None
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, plural: str | None = None, count: int | None = None, **params: Any) -> Text:
        english = plural if plural is not None and count != 1 else msgid
        if count is not None:
            params = {"count": count, **params}
        made = super().__new__(cls, english.format(**params) if params else english)
        made.msgid, made.plural, made.quantity, made.params = msgid, plural, count, params
        return made

    def translated(self) -> str:
        catalogue = translations(current_language())
        if self.plural is not None and self.quantity is not None:
            said = catalogue.ngettext(self.msgid, self.plural, self.quantity)
        else:
            said = catalogue.gettext(self.msgid)
        # Words for people given as a value ("{label} can't be empty.") are said in the same language.
        return said.format(**{name: translated(value) for name, value in self.params.items()}) if self.params else said

    def __html__(self) -> Markup:
        return escape(self.translated())

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the msgid, not only the English
        return (_remade, (self.msgid, self.plural, self.quantity, self.params))


def _remade(msgid: str, plural: str | None, count: int | None, params: dict[str, Any]) -> Text:
    return Text(msgid, plural=plural, count=count, **{k: v for k, v in params.items() if k != "count"})


class Joined(Text):
    """Several messages said one after the other ("x; y; and 2 more"), each in the reader's language.
    The separator is punctuation, the same in every language Hallway speaks."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str = ", ") -> Joined:
        listed = tuple(parts)
        made = str.__new__(cls, separator.join(listed))
        made.msgid, made.plural, made.quantity, made.params = str(made), None, None, {}
        made.parts, made.separator = listed, separator
        return made

    def translated(self) -> str:
        return self.separator.join(translated(part) for part in self.parts)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.parts, self.separator))


class AtTime(Text):
    """A slot's time in a sentence ("placed “X” in Studio at {time}"), with its day on an event of several days
    ("Tue 8 10:00"): said the reader's way when the sentence is, whoever's language wrote it."""

    moment: dt.datetime
    with_day: bool

    def __new__(cls, moment: dt.datetime, with_day: bool = False) -> AtTime:
        with speaking(SOURCE_LANGUAGE):
            english = _time_words(moment, with_day)
        made = str.__new__(cls, english)
        made.msgid, made.plural, made.quantity, made.params = english, None, None, {}
        made.moment, made.with_day = moment, with_day
        return made

    def translated(self) -> str:
        return _time_words(self.moment, self.with_day)

    def __reduce__(self) -> tuple[Any, ...]:
        return (AtTime, (self.moment, self.with_day))


class Number(Text):
    """A number in a sentence ("900,000 characters", "195.3 KB"), written the reader's way: "900.000" and
    "195,3" in German. `pattern` is a CLDR number pattern (None: the locale's own, whole or as given)."""

    value: float
    pattern: str | None

    def __new__(cls, value: float, pattern: str | None = None) -> Number:
        english = format_decimal(value, format=pattern, locale=SOURCE_LANGUAGE)
        made = str.__new__(cls, english)
        made.msgid, made.plural, made.quantity, made.params = english, None, None, {}
        made.value, made.pattern = value, pattern
        return made

    def translated(self) -> str:
        return format_decimal(self.value, format=self.pattern, locale=_format_locale(current_language()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Number, (self.value, self.pattern))


def number(value: int) -> Text:
    """A count or a size as a sentence says it to the reader, with their grouping of thousands."""
    return Number(value)


def tenths(value: float) -> Text:
    """A measure to one decimal place ("195.3"), with the reader's decimal mark ("195,3" in German)."""
    return Number(value, "#,##0.0")


def at_time(moment: dt.datetime, *, with_day: bool = False) -> Text:
    """A slot's start as a sentence names it: "10:30", or "Tue 8 10:30" when the day must be said too."""
    return AtTime(moment, with_day)


def _time_words(moment: dt.datetime, with_day: bool) -> str:
    return day_and_time(moment) if with_day else hour_minute(moment)


def day_and_time(moment: dt.datetime) -> str:
    """A moment with its day, in few letters ("Wed 25 10:30"), never broken across two lines."""
    return f"{short_day(moment)}\u00a0{hour_minute(moment)}"


def joined(parts: Iterable[str], separator: str = ", ") -> Text:
    """`parts` (messages marked with `_`, or names) one after the other, each said in the reader's language."""
    return Joined(parts, separator)


def _(message: str, /, **params: Any) -> Text:
    """Mark words for people in Python: shown later, in the language of whoever reads them."""
    return Text(message, **params)


def _n(singular: str, plural: str, count: int, /, **params: Any) -> Text:
    """Like `_`, with a plural form chosen by `count` (available to the text as `{count}`)."""
    return Text(singular, plural=plural, count=count, **params)


def translated(message: str) -> str:
    """A message in the reader's language when it was marked with `_`, as it is otherwise."""
    return message.translated() if isinstance(message, Text) else message


# A script shows a count (new topics, minutes ago) long after the page was rendered: it gets every form of
# the message, by the CLDR plural category of the numbers that take it, and picks one with Intl.PluralRules.
_PLURAL_SAMPLES_UP_TO = 200  # enough for every category of integers below a million in the languages above


def plural_forms(singular: str, plural: str, /) -> dict[str, str]:
    """Each form of a plural message in the reader's language, by plural category ("one", "few", "other"…),
    with `{count}` left for the script to fill (partials/script_words.html)."""
    language = current_language()
    category_of = _format_locale(language).plural_form
    catalogue = translations(language)
    forms: dict[str, str] = {}
    for sample in range(_PLURAL_SAMPLES_UP_TO + 1):
        forms.setdefault(category_of(sample), catalogue.ngettext(singular, plural, sample))
    return forms


def _format_locale(language: str) -> Locale:
    try:
        return Locale.parse(_FORMAT_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def hour_minute(moment: dt.datetime | dt.time | None) -> str:
    """A time of day in the reader's way of writing it ("09:30", "9:30")."""
    if moment is None:
        return ""
    return format_skeleton("Hm", moment, locale=_format_locale(current_language()))


def day_name(day: dt.date | dt.datetime) -> str:
    """A day as the reader would write it on a programme ("Saturday 7 March", "sábado, 7 de marzo")."""
    return format_date(day, _day_pattern(current_language()), locale=_format_locale(current_language()))


@cache
def _day_pattern(language: str) -> str:
    # CLDR's nearest pattern to weekday-day-month abbreviates the weekday in most languages ("Sa., 7. März");
    # a programme spells it out, as the skeleton asks ("Samstag, 7. März").
    locale = _format_locale(language)
    pattern = locale.datetime_skeletons[match_skeleton("MMMMEEEEd", locale.datetime_skeletons)].pattern
    return re.sub(r"(?<![E'])E{1,3}(?!E)", "EEEE", pattern)


def short_day(day: dt.date | dt.datetime) -> str:
    """A day in few letters, for a list of days that must fit on a phone ("Tue 24", "mar 24")."""
    return format_skeleton("Ed", day, locale=_format_locale(current_language()))


def long_date(day: dt.date | dt.datetime) -> str:
    return format_date(day, format="long", locale=_format_locale(current_language()))


def full_date(day: dt.date | dt.datetime) -> str:
    """A day with its weekday and year, for what is kept after the event ("Tuesday, 24 November 2026")."""
    return format_date(day, format="full", locale=_format_locale(current_language()))


class LocaleMiddleware:
    """Sets each request's reader and remembers a choice of language made with `?lang=` on any page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        path: str = scope.get("path", "")
        api = path.startswith("/api/")
        asked = connection.query_params.get(LANGUAGE_PARAM)
        chosen_now = supported(asked)
        chosen = None if api else chosen_now or supported(connection.cookies.get(LANGUAGE_COOKIE))
        token = _reader.set(
            Reader(
                chosen=chosen,
                accepted=from_accept_language(connection.headers.get("accept-language")),
                api=api,
                asked=chosen_now,
            )
        )
        remember = chosen_now if (chosen_now and not api and scope["type"] == "http") else None

        async def send_remembering(message: Message) -> None:
            if remember and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append(
                    "set-cookie",
                    f"{LANGUAGE_COOKIE}={remember}; Max-Age={LANGUAGE_COOKIE_MAX_AGE}; Path=/; SameSite=Lax",
                )
                headers.append("vary", "Cookie")
            await send(message)

        try:
            await self.app(scope, receive, send_remembering if remember else send)
        finally:
            _reader.reset(token)
