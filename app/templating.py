"""The Jinja2 environment shared by pages, htmx fragments and websocket pushes.

Its words go through gettext (the `i18n` extension, new style: `{{ _("Hello %(name)s", name=x) }}` and
`{% trans %}`), looked up at render time in the language of whoever reads (app/i18n.py).
"""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from app import i18n
from app.csrf import CSRF_FIELD, csrf_token
from app.static_files import static_url

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _request_context(request: Request) -> dict[str, Any]:
    return {"csrf_token": csrf_token(request), "csrf_field": CSRF_FIELD}


# Jinja's "new style" wrappers fill in `%(name)s` (escaping the values) around these plain lookups.
def _gettext(message: str) -> str:
    return i18n.translations(i18n.current_language()).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return i18n.translations(i18n.current_language()).ngettext(singular, plural, count)


def _in_both(message: str, second: str | None, /, **params: Any) -> Markup:
    """`message` in the page's language and, for a bilingual gathering's board, in its second language too."""
    first = Markup(escape(_gettext(message))) % params
    if not second or second == i18n.current_language():
        return first
    with i18n.speaking(second):
        other = Markup(escape(_gettext(message))) % params
    if other == first:
        return first
    return Markup('{}<span class="second-language" lang="{}"> · {}</span>').format(first, second, other)


# auto_reload off: templates are read once per process, as the code is (a release restarts the server). On,
# Jinja stat()s a template's file at every render: 7 % of the phone's vote (bench/vote_storm.py --via page).
_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, extensions=["jinja2.ext.i18n"], auto_reload=False
)
_environment.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
templates = Jinja2Templates(env=_environment, context_processors=[_request_context])
templates.env.globals.update(
    {
        "in_both": _in_both,
        "current_language": i18n.current_language,
        "languages": i18n.LANGUAGES,
        "translated": i18n.translated,
        "plural_forms": i18n.plural_forms,
    }
)
templates.env.filters.update(
    {"hhmm": i18n.hour_minute, "day_name": i18n.day_name, "short_day": i18n.short_day, "long_date": i18n.long_date}
)
# `{{ static_url("css/hallway.css") }}`: the file's address with its version, cached for a year (app/static_files.py).
templates.env.globals["static_url"] = static_url
