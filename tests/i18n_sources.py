"""What the catalogues must hold: every message marked in the code and the templates, read as `make messages`
extracts them (babel.cfg), and the words of the templates that nobody marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_from_dir
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_n": (1, 2), "in_both": None, "plural_forms": (1, 2)}
METHODS = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
OPTIONS = {"app/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


@dataclass(frozen=True)
class Marked:
    msgid: str
    plural: str | None
    where: str


def marked_messages() -> list[Marked]:
    found = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            found.append(Marked(message[0], message[1], f"{filename}:{lineno}"))
        elif message:
            found.append(Marked(message, None, f"{filename}:{lineno}"))
    return found


# Words a person reads, in a template's text or in these attributes, and not inside {{ }} or {% %}.
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description", "data-label")
_TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_ATTRIBUTE = re.compile(r"\b(" + "|".join(SHOWN_ATTRIBUTES) + r")=\"([^\"]*)\"")
_WORD = re.compile(r"[A-Za-z]{2,}")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
_PLACEHOLDER = "\x00"
# Not words to translate: the product's name, formats and standards, typography.
NOT_WORDS = {
    "Hallway",
    "https",
    "CSV",
    "JSON",
    "iCalendar",
    "ICS",
    "Markdown",
    "QR",
    "SVG",
    "UTC",
    "PDF",
    "nbsp",
    "amp",
}


def unmarked_words(template_path: Path, environment: Environment) -> list[str]:
    """Runs of text in `template_path` that a reader sees and that no gettext call wraps."""
    source = template_path.read_text(encoding="utf-8")
    # Jinja's own lexer: its "data" tokens are the template's literal text, with every {{ }}, {% %} and
    # {# #} taken out (a placeholder marks where, so "x {{ y }} z" is not read as the word "xz").
    pieces: list[str] = []
    inside_trans = 0
    for _lineno, kind, value in environment.lex(source):
        if kind == "name" and value == "trans":
            inside_trans = 1
        elif kind == "name" and value == "endtrans":
            inside_trans = 0
        if kind == "data" and not inside_trans:
            pieces.append(value)
        else:
            pieces.append(_PLACEHOLDER)
    text = _SCRIPT_OR_STYLE.sub(" ", "".join(pieces))
    found = [value for _name, value in _ATTRIBUTE.findall(text)]
    found += _TAG.sub(_PLACEHOLDER, text).split(_PLACEHOLDER)
    unmarked = []
    for run in found:
        words = [w for w in _WORD.findall(run.replace("&nbsp;", " ")) if w not in NOT_WORDS]
        if words and not re.fullmatch(r"\s*&[a-z]+;\s*", run):
            unmarked.append(" ".join(run.split()))
    return unmarked
