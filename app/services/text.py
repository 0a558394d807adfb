"""Cleaning what people type before it is checked and stored."""

import re
import unicodedata

from app.services.errors import InvalidInput

# Control and bidi-override characters (newline and tab are kept) would break layouts, exports and terminals.
# A lone surrogate (half of a UTF-16 pair, sent escaped in JSON) can't be encoded at all: stored, it is a 500.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_line(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """One line of text: control characters dropped, whitespace runs folded, length checked."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or ""))
    text = " ".join(text.split())
    if required and not text:
        raise InvalidInput(f"{label} can't be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{label} is too long: {len(text)} characters, at most {max_length}.", field=field)
    return text


def clean_text(value: str | None, *, field: str, label: str, max_length: int) -> str:
    """Free text that keeps its line breaks."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    if len(text) > max_length:
        raise InvalidInput(f"{label} is too long: {len(text)} characters, at most {max_length}.", field=field)
    return text
