"""Signed cookie sessions for the HTML pages only.

The JSON API authenticates by bearer tokens and never reads a cookie, so it skips the cookie work
(a measurable share of a vote's cost) and is immune to cross-site request forgery by construction.
The live board's websockets read no session either (they are public and check Origin instead):
skipping the middleware there saves a wrapper on every message to every socket.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = "/api/"


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
