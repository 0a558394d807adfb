"""Fixtures: every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.

Set HALLWAY_REQUIRE_POSTGRES=1 (as .ci/run does) to make a missing or unreachable PostgreSQL a failure,
not a quiet skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from starlette.testclient import TestClient

import app.models  # noqa: F401  (the tables, for truncation)
from app.config import Settings
from app.db import Database, connect
from app.main import create_app
from app.migrate import upgrade
from app.services import clock
from tests.factories import EVENT_DATE, Factory

ADMIN_TOKEN = "test-admin-token"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("HALLWAY_REQUIRE_POSTGRES") == "1"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if POSTGRES_URL or REQUIRE_POSTGRES:
            backends.append("postgresql")
        # A test about one backend's own behaviour (a refusal that only SQLite gets) names it, and is not
        # generated for the other, rather than generated and then skipped.
        only = metafunc.definition.get_closest_marker("only_on")
        if only is not None:
            backends = [each for each in backends if each in only.args]
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file brought to head by Alembic; each test gets a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "hallway.db"
    upgrade(f"sqlite:///{path}")
    return path


# A database of this test run's own on the TEST_DATABASE_URL server: two runs at once (two engineers,
# CI and a benchmark) never drop or truncate each other's tables.
RUN_DATABASE = f"hallway_test_{os.getpid()}"


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.fail("HALLWAY_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{RUN_DATABASE}"'))
    except Exception as error:  # the whole point is to fail loudly with the cause
        server.dispose()
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {error}")
    url = make_url(POSTGRES_URL).set(database=RUN_DATABASE).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        path = tmp_path / "hallway.db"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("migrated_postgres")
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        DATABASE_URL=database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        admin_token=ADMIN_TOKEN,
        public_url="http://testserver",
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    database = connect(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def factory(database: Database) -> Factory:
    return Factory(database)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def after_the_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """The venue's clock a week after the factories' event day (app/services/clock.py): every slot has started,
    whatever the date the tests run at. Run on 24 November 2026 at 10:45, the 10:00 slot had started and was
    kept, and nothing ran now yet; these tests are about the wall after the day."""
    monkeypatch.setattr(clock, "venue_now", lambda timezone: datetime.combine(EVENT_DATE + timedelta(days=7), time(8)))
