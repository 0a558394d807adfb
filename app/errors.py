"""One place that turns domain errors into HTTP answers: JSON for the API, a page for people."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.i18n import _, translated
from app.ratelimits import TooManyRequests
from app.services.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotAuthenticated, NotFound
from app.writer import WriterStopped

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (NotAuthenticated, 401),
    (NotAllowed, 403),
    (Conflict, 409),
    (InvalidInput, 422),
]

RACE_MESSAGE = _("Someone else changed the same thing at the same moment. Look again and retry.")
RETRY_AFTER = {"Retry-After": "5"}  # seconds: a database restarting or failing over is usually back by then
DATABASE_DOWN = _(
    "Hallway can't reach its database just now, so nothing was read or saved. Try again in a few seconds; "
    "if it lasts, tell the organisers."
)
REDIS_DOWN = _(
    "Hallway can't reach its live-updates service (Redis) just now. Try again in a few seconds; "
    "if it lasts, tell the organisers."
)


def status_for(error: DomainError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/ws/")) or "application/json" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> Response:
        return _answer(request, status_for(error), error.message)

    @app.exception_handler(IntegrityError)
    async def _race(request: Request, error: IntegrityError) -> Response:
        log.info("integrity error answered as a conflict: %s", error.orig)
        return _answer(request, 409, RACE_MESSAGE)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, error: Exception) -> Response:
        # The connection failed or was lost (a restart, a failover, the network): a fault to wait out, said
        # in words with when to retry, never a bare 500. (SQLite's "database is locked" lands here too.)
        log.warning("database unavailable: %s", error)
        return _answer(request, 503, DATABASE_DOWN, headers=RETRY_AFTER)

    @app.exception_handler(RedisConnectionError)
    @app.exception_handler(RedisTimeoutError)
    async def _redis_down(request: Request, error: Exception) -> Response:
        log.warning("redis unavailable: %s", error)
        return _answer(request, 503, REDIS_DOWN, headers=RETRY_AFTER)

    @app.exception_handler(TooManyRequests)
    async def _too_many(request: Request, error: TooManyRequests) -> Response:
        return _answer(request, 429, error.message, headers={"Retry-After": str(error.retry_after)})

    @app.exception_handler(WriterStopped)
    async def _stopping(request: Request, error: WriterStopped) -> Response:
        return _answer(request, 503, _("The server is restarting. Try again in a few seconds."))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        return _answer(request, 422, describe_validation_error(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else _("That request could not be answered.")
        if error.status_code == 404 and detail == "Not Found":
            detail = _("There is nothing at this address.")
        elif error.status_code == 400 and detail == "There was an error parsing the body":
            detail = _("The request's body could not be read: send JSON, encoded as UTF-8.")
        elif error.status_code == 405:
            allowed = ", ".join(allowed_methods(request))
            said = _("This address answers {methods} only.", methods=allowed)
            return _answer(request, 405, said, headers={"Allow": allowed})
        return _answer(request, error.status_code, detail, headers=getattr(error, "headers", None))


def allowed_methods(request: Request) -> list[str]:
    """Every method the request's path answers. Starlette's 405 names only the first route matching the path,
    while FastAPI (and the vote routes) give each method a route of its own: PATCH on a topic was told
    `Allow: GET` though PATCH and DELETE are there too. Each method is asked of the whole router (its routes
    may be nested routers), so the answer holds whatever routes exist."""
    routes = request.app.router.routes
    return [
        method
        for method in HTTP_METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def describe_validation_error(error: RequestValidationError) -> str:
    """FastAPI's list of problems as one sentence a person can act on."""
    parts = []
    for problem in error.errors()[:5]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(problem.get("msg", "is not valid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or _("The request is not valid.")


def _answer(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        # In the reader's language: English for the API unless its Accept-Language asks (app/i18n.py).
        return JSONResponse({"detail": translated(message)}, status_code=status, headers=headers)
    from app.templating import templates

    return templates.TemplateResponse(
        request, "pages/error.html", {"status": status, "message": message}, status_code=status, headers=headers
    )
