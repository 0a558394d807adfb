"""For whoever runs the deployment: is the process up, can it serve, and its figures.

- `GET /healthz`: the process answers. No database: a restarting database must not get every worker killed
  by its orchestrator, which would not bring the database back.
- `GET /readyz`: this worker can serve: the database answers and is at the latest migration, and Redis
  answers when HALLWAY_REDIS_URL is set. 503 otherwise, with the checks that failed, so that a load
  balancer sends people elsewhere meanwhile.
- `GET /metrics`: Prometheus text (app/metrics.py), for HALLWAY_METRICS_TOKEN as a bearer token, or, without
  one, for loopback only: the figures name events and their load, which are nobody else's business.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from app import metrics
from app.config import Settings
from app.db import Database
from app.migrate import head_revision
from app.realtime.hub import Hub

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

CHECK_SECONDS = 3.0  # a check that takes longer has failed: a load balancer's own timeout is often 5 s
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    checks = {"database": await _check_database(request.app.state.database)}
    if checks["database"] == "ok":
        checks["migrations"] = await _check_migrations(request.app.state.database)
    if settings.redis_url:
        checks["redis"] = await _check_redis(request.app.state.hub)
    failed = [name for name, state in checks.items() if state != "ok"]
    body: dict[str, Any] = {"status": "ready" if not failed else "not ready", "checks": checks}
    if failed:
        body["detail"] = " ".join(FAILED[name] for name in failed)
    return JSONResponse(body, status_code=503 if failed else 200, headers=NO_STORE)


FAILED = {
    "database": "The database does not answer.",
    "migrations": "The database is not at the latest migration: run `hallway migrate`.",
    "redis": "Redis (HALLWAY_REDIS_URL) does not answer.",
}


async def _check_database(database: Database) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(_select_one, database), CHECK_SECONDS)
    except Exception as error:  # a timeout, a refused connection, a bad password: the reason goes to the log
        log.warning("readiness: the database does not answer: %r", error)
        return "unreachable"
    return "ok"


async def _check_migrations(database: Database) -> str:
    try:
        current = await asyncio.wait_for(asyncio.to_thread(_revision, database), CHECK_SECONDS)
    except Exception as error:  # no alembic_version table: an empty database
        log.warning("readiness: could not read the database's migration: %r", error)
        return "not migrated"
    return "ok" if current == head_revision() else "behind"


async def _check_redis(hub: Hub) -> str:
    try:
        await asyncio.wait_for(hub.broadcaster.ping(), CHECK_SECONDS)
    except Exception as error:
        log.warning("readiness: Redis does not answer: %r", error)
        return "unreachable"
    return "ok"


def _select_one(database: Database) -> None:
    with database.read_engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _revision(database: Database) -> str | None:
    with database.read_engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@router.get("/metrics")
def prometheus_metrics(request: Request) -> Response:
    _check_may_read_metrics(request)
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)


def _check_may_read_metrics(request: Request) -> None:
    token: str = request.app.state.settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return
        raise HTTPException(403, "The metrics are for the deployment's monitoring: send HALLWAY_METRICS_TOKEN.")
    if not _is_loopback(request.client.host if request.client else None):
        raise HTTPException(
            403, "The metrics are read from this machine only: set HALLWAY_METRICS_TOKEN to read them from elsewhere."
        )


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name, not an address ("testclient", a unix socket's)
        return False
