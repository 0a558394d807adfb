"""Signed cookie sessions for the HTML pages only.

The JSON API authenticates by bearer tokens and never reads a cookie, so it skips the cookie work
(a measurable share of a vote's cost) and is immune to cross-site request forgery by construction.
The live board's websockets read no session either (they are public and check Origin instead):
skipping the middleware there saves a wrapper on every message to every socket.
"""

from __future__ import annotations

import json
from base64 import b64decode
from typing import Any

import itsdangerous
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = "/api/"
SESSION_COOKIE = "hallway_session"
SESSION_MAX_AGE = 60 * 60 * 24 * 60  # an event and its write-up fit in two months


def read_page_session(scope: Scope, *, secret_key: str) -> dict[str, Any]:
    """The page session of a websocket's handshake, read as SessionMiddleware reads it, for the sockets that
    need to know who is there (a live page that names people, on an event with a join code; a page opened by
    a facilitator, closed when their session ends)."""
    cookie = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
    if not cookie:
        return {}
    try:
        data = itsdangerous.TimestampSigner(secret_key).unsign(cookie.encode(), max_age=SESSION_MAX_AGE)
        session = json.loads(b64decode(data))
    except (itsdangerous.BadSignature, ValueError):
        return {}
    return session if isinstance(session, dict) else {}


class PageSessions:
    # `app` is positional-only, as Starlette calls it: then no session option can be taken for it,
    # which is what add_middleware() checks.
    def __init__(self, app: ASGIApp, /, **session_options: Any) -> None:
        self.app = app
        self.with_session = SessionMiddleware(app, **session_options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" or (scope["type"] == "http" and scope["path"].startswith(API_PREFIX)):
            await self.app(scope, receive, send)
        else:
            await self.with_session(scope, receive, send)
