"""Each HTTP request gets an id (echoed in `X-Request-ID`) and is counted by its route's template.

One pure ASGI middleware, the outermost of the app's, so that its latency is the whole answer's, and one
wrapper of `send` rather than two: this runs on every vote. The route's template is read after the answer
from the scope, where the router left the route it picked; a request no route took is `unrouted`, so that
a scan of made-up paths makes no series of its own.
"""

from __future__ import annotations

import random
import time

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics
from app.logs import ACCEPTED_REQUEST_ID, REQUEST_ID
from app.realtime.frames import SERVER_SEND

REQUEST_ID_HEADER = b"x-request-id"


class ObservedRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Route or endpoint (by identity) → the route's whole template. The scope's route, for one of an included
        # router, is as written in its module, without the router's prefix ("/events/{slug}").
        self._templates: dict[int, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the live board's sockets are counted by their route (app/routes/ws.py)
            # Outermost of ours, this sees the server's own send, which the live board writes its frames to.
            scope[SERVER_SEND] = send
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (REQUEST_ID_HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            metrics.http.observe(scope["method"], self._template(scope), status, time.perf_counter() - started)
            REQUEST_ID.reset(token)

    def _template(self, scope: Scope) -> str:
        if self._templates is None:  # at the first request: every route is in place by then
            self._templates = _templates(scope["app"].routes)
        # FastAPI leaves its own routes in the scope; plain Starlette routes (the votes) and mounts (the
        # static files) leave only their endpoint.
        for key in ("route", "endpoint"):
            found = scope.get(key)
            if found is not None and id(found) in self._templates:
                return self._templates[id(found)]
        return metrics.UNROUTED


def _templates(routes: list[BaseRoute]) -> dict[int, str]:
    """Each route, and each route's endpoint (a mount's app), by identity → the route's whole template."""
    templates: dict[int, str] = {}
    for context in iter_route_contexts(routes):
        route, template = context.original_route, str(context.path)
        templates[id(route)] = template
        endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
        if endpoint is not None:
            templates.setdefault(id(endpoint), template)
    return templates


def _request_id(scope: Scope) -> str:
    """The proxy's id for this request when it sent a sensible one, else a new one."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            given: str = value.decode("latin-1")
            if ACCEPTED_REQUEST_ID.fullmatch(given):
                return given
            break
    # Unique, not secret: nobody gains anything by guessing one. random is a third of os.urandom's cost, and each
    # worker process seeds its own from the system's randomness.
    return f"{random.getrandbits(128):032x}"
