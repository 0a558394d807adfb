"""create_app(): settings, database check, the writer, middleware, static files and routers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.middleware.gzip import GZipMiddleware

from app import errors
from app.config import Settings, get_settings
from app.db import WalCheckpointer, check_migrated, connect
from app.deps import KnownAttendees
from app.headers import SecurityHeaders
from app.i18n import LocaleMiddleware
from app.limits import BodySizeLimit
from app.observability import ObservedRequests
from app.ratelimits import FastRefusals, RateLimits
from app.realtime.broadcaster import broadcaster_for
from app.realtime.hub import Hub
from app.realtime.render import BoardRenderer
from app.routes import api, operations, pages, ws
from app.schedule_runner import LocalLocks, RedisLocks, ScheduleRunner
from app.sessions import SESSION_COOKIE, SESSION_MAX_AGE, PageSessions
from app.static_files import STATIC_DIR, VersionedStaticFiles, versions
from app.writer import Writer

SWAGGER_UI_VERSION = "5.35.0"  # static/vendor/VERSIONS.md

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = connect(settings.database_url)
    hub = Hub(
        broadcaster=broadcaster_for(settings.redis_url),
        renderer=BoardRenderer(database),
        channel_prefix=settings.redis_channel_prefix,
    )
    writer = Writer(database, on_change=hub.announce)
    checkpointer = WalCheckpointer(database)
    scheduler = ScheduleRunner(
        RedisLocks(settings.redis_url, settings.redis_channel_prefix) if settings.redis_url else LocalLocks()
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            check_migrated(database)
            await hub.start()
            await writer.start()
            checkpointer.start()
            _tune_garbage_collector()
            yield
        finally:
            # A graceful stop, in this order. The server has stopped taking requests and waited for those it
            # was answering (uvicorn: `hallway serve` gives them 8 s), so every write it acknowledged is
            # committed; the writer then commits what is still queued, then the hub publishes the changes and
            # closes each live socket with 1012, "reconnect" (app/routes/ws.py), and pages catch up elsewhere.
            await writer.stop()
            await hub.stop()
            checkpointer.stop()
            await scheduler.close()
            database.dispose()

    app = FastAPI(
        title="Hallway",
        summary="Open space facilitation: marketplace, dot voting, agenda wall, live board and notes.",
        version="0.1.0",
        lifespan=lifespan,
        # First of all routes: see app/routes/api/votes.py and app/routes/pages/votes.py. Then the live pages'
        # socket: matched after the included routers, each opening walked every API and page route first, a
        # quarter of its cost (a hall reconnecting at once opens thousands).
        routes=[*api.votes.routes, *pages.votes.routes, *ws.router.routes],
        docs_url=None,  # served by _serve_api_docs from our own files, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.writer = writer
    app.state.hub = hub
    app.state.known_attendees = KnownAttendees()
    app.state.rate_limits = RateLimits.of(settings)
    app.state.scheduler = scheduler

    # Innermost, so that its answers still get the security headers; it runs before any routing.
    app.add_middleware(FastRefusals)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        PageSessions,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=bool(settings.cookie_secure),
    )
    # Ours rather than FastAPI's max_body_size: that one answers in plain text, ours in the API's JSON.
    app.add_middleware(BodySizeLimit)
    # Every answer, a refusal by the middlewares above included, knows its reader's language.
    app.add_middleware(LocaleMiddleware)
    # Outermost: each request's id is set before anything logs, and its latency counts the whole answer.
    app.add_middleware(ObservedRequests)
    errors.install(app)
    versions()  # every static file's version, read now rather than by the first page (app/static_files.py)
    static = VersionedStaticFiles(directory=STATIC_DIR, development=settings.environment == "development")
    app.mount("/static", static, name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(operations.router)
    _document_plain_routes(app)
    _serve_api_docs(app)
    return app


def _tune_garbage_collector() -> None:
    """Fewer, cheaper collections: under a vote storm the default thresholds ran a collection every
    few requests, and the full ones walked every object the app had loaded at start. Freezing those
    and collecting the young generation less often halved the vote storm's p99 (docs/architecture.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)


def _serve_api_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the vendored files (static/vendor/VERSIONS.md): FastAPI's default loads it
    from a CDN, which a venue's network may not reach, and which would learn who reads the docs."""

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"/static/vendor/swagger-ui-bundle-{SWAGGER_UI_VERSION}.js",
            swagger_css_url=f"/static/vendor/swagger-ui-{SWAGGER_UI_VERSION}.css",
            swagger_favicon_url="data:,",
        )


def _document_plain_routes(app: FastAPI) -> None:
    """FastAPI documents its own path operations; the vote routes are plain Starlette ones."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            api.votes.document(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
