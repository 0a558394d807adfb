"""What every exporter returns, and safe file names: for zip members and for Content-Disposition."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

# Characters no file system or archive tool takes kindly: separators, wildcards, quotes, controls.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u200b-\u200f\u2028-\u202e\u2066-\u2069]+')
_NOT_WORD = re.compile(r"[^\w]+")
MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class Export:
    """One exported file: its bytes, its media type and the name it is saved under."""

    content: bytes
    content_type: str
    filename: str

    def content_disposition(self, *, inline: bool = False) -> str:
        return content_disposition(self.filename, inline=inline)

    @property
    def etag(self) -> str:
        """An HTTP entity tag of these bytes: a client that has them asks again with If-None-Match."""
        return '"' + hashlib.sha256(self.content).hexdigest()[:32] + '"'


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII `filename` for old clients and the exact name as RFC 5987 `filename*`."""
    fallback = ascii_file_name(filename)
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def ascii_file_name(filename: str) -> str:
    """The name with accents dropped and anything else outside printable ASCII replaced: safe in a quoted header."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9 ._()\-]+", "_", ascii_stem).strip(" ._") or "export"
    return f"{ascii_stem}.{extension}" if extension else ascii_stem


def file_name(text: str, *, extension: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """A readable file name from a title: letters of any script kept, separators and controls dropped."""
    stem = _UNSAFE.sub(" ", unicodedata.normalize("NFC", text))
    stem = " ".join(stem.split()).strip(" .")[:max_chars].strip(" .")
    return f"{stem or 'untitled'}.{extension}"


def slug_name(text: str, *, max_chars: int = MAX_NAME_CHARS) -> str:
    """A lower-case, dash-separated name part (any script) for archive members: no spaces, no separators."""
    words = _NOT_WORD.sub("-", unicodedata.normalize("NFC", text).casefold()).strip("-_")
    return words[:max_chars].strip("-_") or "untitled"


def unique_names(names: Iterable[str]) -> list[str]:
    """The names in order, a later duplicate (compared ignoring case, as on macOS and Windows) numbered."""
    seen: set[str] = set()
    result = []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, n = name, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{stem}-{n}.{extension}" if extension else f"{stem}-{n}"
        seen.add(candidate.casefold())
        result.append(candidate)
    return result
