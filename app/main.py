"""create_app(): settings, database check, the writer, middleware, static files and routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from app import errors
from app.config import Settings, get_settings
from app.db import check_migrated, connect
from app.deps import KnownAttendees
from app.limits import BodySizeLimit
from app.routes import api, pages
from app.writer import Writer

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SESSION_COOKIE = "hallway_session"
SESSION_MAX_AGE = 60 * 60 * 24 * 60  # an event and its write-up fit in two months

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = connect(settings.database_url)
    writer = Writer(database)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        check_migrated(database)
        writer.start()
        try:
            yield
        finally:
            writer.stop()
            database.dispose()

    app = FastAPI(
        title="Hallway",
        summary="Open space facilitation: marketplace, dot voting, agenda wall, live board and notes.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.writer = writer
    app.state.known_attendees = KnownAttendees()

    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=bool(settings.cookie_secure),
    )
    app.add_middleware(BodySizeLimit)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
