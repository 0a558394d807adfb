"""Cleaning what people type before it is checked and stored."""

import re
import unicodedata

from app.i18n import _, number
from app.services.errors import InvalidInput

# Control and bidi-override characters (newline and tab are kept) would break layouts, exports and terminals.
# Invisible ones (zero-width space, word joiner, byte order mark, Mongolian vowel separator) let two names
# look alike. A lone surrogate (half of a UTF-16 pair, sent escaped in JSON) can't be encoded: stored, a 500.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)
# The zero-width joiner is kept only where it joins two emoji (👩‍💻): elsewhere it is invisible.
_LONE_JOINER = re.compile(
    r"(?<![\u2600-\u27bf\U0001f000-\U0001faff\ufe0f])\u200d|\u200d(?![\u2600-\u27bf\U0001f000-\U0001faff])"
)


def drop_invisible(value: str) -> str:
    """Control, invisible and bidi characters and lone surrogates dropped; nothing else changed (a link, say)."""
    return _LONE_JOINER.sub("", _CONTROL.sub("", value))


def clean_line(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """One line of text: control and invisible characters dropped, whitespace runs folded, length checked.
    `label` names the field in a refusal ("The title"), marked with `_` to be said in the reader's language."""
    _refuse_far_too_long(value, field=field, label=label, max_length=max_length)
    text = _LONE_JOINER.sub("", _CONTROL.sub("", unicodedata.normalize("NFC", value or "")))
    text = " ".join(text.split())
    if required and not text:
        # Translators: {label} names what was typed: "The title", "Your name", "The announcement"…
        raise InvalidInput(_("{label} can't be empty.", label=label), field=field)
    if len(text) > max_length:
        raise InvalidInput(too_long(label, len(text), max_length), field=field)
    return text


def clean_text(value: str | None, *, field: str, label: str, max_length: int) -> str:
    """Free text that keeps its line breaks."""
    _refuse_far_too_long(value, field=field, label=label, max_length=max_length)
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _LONE_JOINER.sub("", _CONTROL.sub("", text)).strip()
    if len(text) > max_length:
        raise InvalidInput(too_long(label, len(text), max_length), field=field)
    return text


def _refuse_far_too_long(value: str | None, *, field: str, label: str, max_length: int) -> None:
    """A text far longer than its field could ever clean down to is refused as it came, before the cleaning
    walks all of it: a script sending 900 KB names costs the others only the reading (bench/abuse.py)."""
    if value is not None and len(value) > FAR_TOO_LONG_FACTOR * max_length + 256:
        raise InvalidInput(too_long(label, len(value), max_length), field=field)


# How many times its field's length a text may be before cleaning: invisible characters are dropped, and
# the refusal of what is left says its length; past this, nobody typed it.
FAR_TOO_LONG_FACTOR = 8


def too_long(label: str, length: int, most: int) -> str:
    """The refusal of a text longer than its field takes; `label` (marked with `_`) names the field."""
    # Translators: {label} names what was typed: "The title", "Your name", "Key points"…
    return _(
        "{label} is too long: {length} characters, at most {most}.",
        label=label,
        length=number(length),
        most=number(most),
    )
