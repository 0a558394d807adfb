"""Static files under content-versioned addresses, cached by browsers for a year; a release changes the address.

Templates write `{{ static_url("css/hallway.css") }}`, which gives `/static/css/hallway.css?v=<hash>`: the
first 12 hex digits of the file's SHA-256, computed once when the server starts. Answered with that `v`, a
file is `Cache-Control: public, max-age=31536000, immutable`: a repeat visit loads it from the phone's
cache without asking. Any other address of it (no `v`, or a `v` of another release) still works, cached
briefly.

Why a query and not the hash in the file name (hallway.<hash>.css): the file keeps its name, on disk and
at its plain address, so nothing else changes (the service worker's paths, the tests, a person reading the
page); and an address of another release is still answered, with the current file, instead of a 404.
That matters during a rolling restart, when a page from the old release asks a new worker (or the other
way round) — which is also why only the exact current `v` is answered as immutable: a worker never pins
its own file under another release's address for a year.

In development nothing is immutable: a stylesheet edited while the server runs shows on the next reload.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
URL_PREFIX = "/static/"
VERSION_DIGITS = 12

IMMUTABLE = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"  # an address without the current version: still served, kept five minutes
ALWAYS_ASK = "no-cache"  # development: every use asks, and an unchanged file costs a 304


@cache
def versions() -> dict[str, str]:
    """Every static file's path (relative, with /) → its version: read once, the first time one is asked for."""
    return {
        path.relative_to(STATIC_DIR).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_DIGITS]
        for path in sorted(STATIC_DIR.rglob("*"))
        if path.is_file()
    }


def static_url(path: str) -> str:
    """The versioned address of a file under static/; a name that isn't there fails the render (a typo)."""
    try:
        version = versions()[path]
    except KeyError:
        raise ValueError(f"There is no static file {path!r} under {STATIC_DIR}.") from None
    return f"{URL_PREFIX}{path}?v={version}"


class VersionedStaticFiles(StaticFiles):
    """Starlette's static files, with the caching their address earns (see the module's docstring)."""

    def __init__(self, *, directory: Path, development: bool) -> None:
        super().__init__(directory=directory)
        self.development = development

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = self._cache_control(path, scope)
        return response

    def _cache_control(self, path: str, scope: Scope) -> str:
        if self.development:
            return ALWAYS_ASK
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v")
        current = versions().get(path.replace("\\", "/"))
        return IMMUTABLE if asked and current is not None and asked[-1] == current else BRIEFLY
