"""Alembic's schema is the models' schema, and the app refuses to start on a database it has not migrated.

PostgreSQL gets a database of its own (not the shared `test` one the other tests use), made through the
TEST_DATABASE_URL connection and dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from starlette.testclient import TestClient

import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.config import Settings
from app.db import DatabaseNotMigrated, check_migrated, connect
from app.main import create_app
from app.migrate import upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
# One per test process, so that two test runs on one server never drop each other's database.
MIGRATIONS_DATABASE = f"hallway_migrations_test_{os.getpid()}"


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    if not POSTGRES_URL:
        pytest.fail("HALLWAY_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{MIGRATIONS_DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{MIGRATIONS_DATABASE}"'))
    except Exception as error:  # fail loudly with the cause, never skip
        server.dispose()
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {error}")
    yield make_url(POSTGRES_URL).set(database=MIGRATIONS_DATABASE).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{MIGRATIONS_DATABASE}" WITH (FORCE)'))
    server.dispose()


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def test_upgrade_head_on_an_empty_database_matches_the_models(empty_database, backend):
    upgrade(empty_database)

    assert schema_differences(empty_database) == []


def test_upgrade_head_creates_every_table(empty_database, backend):
    upgrade(empty_database)

    engine = create_engine(empty_database)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert tables == {table.name for table in SQLModel.metadata.sorted_tables} | {"alembic_version"}


def test_upgrade_head_twice_changes_nothing(empty_database, backend):
    upgrade(empty_database)

    upgrade(empty_database)

    database = connect(empty_database)
    check_migrated(database)  # raises if the second run left the database anywhere but at head
    database.dispose()
    assert schema_differences(empty_database) == []


def test_app_refuses_to_start_on_an_empty_database(empty_database, backend, tmp_path):
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        DATABASE_URL=empty_database,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
    )

    application = create_app(settings)

    with pytest.raises(DatabaseNotMigrated, match=r"is empty\. Run `hallway migrate`"), TestClient(application):
        pass
    # The lifespan stops before the code that would close the pool; close it here, or the connection
    # check_migrated opened is only closed by the garbage collector (a ResourceWarning on PostgreSQL).
    application.state.database.dispose()


def test_downgrade_to_the_first_schema_and_back_keeps_every_event_topic_and_vote(empty_database, backend):
    from alembic import command
    from sqlalchemy import func, select

    from app.migrate import alembic_config
    from app.models import Topic, Vote
    from tests.factories import Factory

    upgrade(empty_database)
    database = connect(empty_database)
    factory = Factory(database)
    event = factory.event(slug="kept")
    ada = factory.attendee(event, name="Ada")
    topic = factory.topic(event, ada, title="Still here")
    factory.vote(ada, topic)
    database.dispose()

    command.downgrade(alembic_config(empty_database), "0001")
    upgrade(empty_database)

    engine = create_engine(empty_database)
    with engine.connect() as connection:
        counts = [connection.execute(select(func.count()).select_from(model)).scalar() for model in (Topic, Vote)]
    engine.dispose()
    assert counts == [1, 1]
    assert schema_differences(empty_database) == []


def test_the_facilitation_team_migration_keeps_each_events_key_working_both_ways(empty_database, backend):
    """0013: the event's one key becomes its first facilitator, hash and all, so links given out before still
    let their holders in; going back, the event's key is its earliest member's again."""
    from alembic import command

    from app.migrate import alembic_config
    from app.services import team, tokens

    key = tokens.new_secret()
    upgrade(empty_database, "0012")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO event (name, slug, timezone, date, proposals_open, voting_open, self_placement, "
                "votes_per_attendee, facilitator_key_hash, created_at, board_version, notes_locked, board_mode, "
                "board_cycle_seconds, topic_limit, theme_required, harvest_published) VALUES ('Old', 'old', 'UTC', "
                "'2026-11-24', true, false, false, 5, :hash, '2026-11-01 10:00:00', 0, false, 'cycle', 20, 300, "
                "false, false)"
            ),
            {"hash": tokens.hash_secret(key)},
        )
    engine.dispose()

    upgrade(empty_database)
    database = connect(empty_database)
    with database.read_session() as session:
        event_id = session.execute(text("SELECT id FROM event WHERE slug = 'old'")).scalar_one()
        member = team.member_for_key(session=session, event_id=event_id, key=key)
        assert member is not None and member.name == "Facilitator"
    database.dispose()

    command.downgrade(alembic_config(empty_database), "0012")
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT facilitator_key_hash FROM event WHERE slug = 'old'")).scalar_one()
    engine.dispose()
    assert kept == tokens.hash_secret(key)


def test_the_event_days_migration_gives_each_event_days_that_hold_its_slots(empty_database, backend):
    """0017: an event's last day is the later of its date and its last slot's day, and a slot set up before its
    event's date (taken before: nothing checked it) moves the first day back: every slot lies within the days."""
    upgrade(empty_database, "0016")
    engine = create_engine(empty_database)
    events = {"plain": "2026-11-24", "no-slots": "2026-11-24", "longer": "2026-11-24", "earlier": "2026-11-24"}
    slots = {
        "plain": ["2026-11-24 10:00:00"],
        "longer": ["2026-11-24 10:00:00", "2026-11-26 23:30:00", "2026-11-25 09:00:00"],
        "earlier": ["2026-11-22 10:00:00", "2026-11-24 10:00:00"],
    }
    with engine.begin() as connection:
        for slug, day in events.items():
            connection.execute(
                text(
                    "INSERT INTO event (name, slug, timezone, date, proposals_open, voting_open, self_placement, "
                    "votes_per_attendee, created_at, board_version, notes_locked, board_mode, board_cycle_seconds, "
                    "topic_limit, theme_required, harvest_published) VALUES (:slug, :slug, 'UTC', :day, true, false, "
                    "false, 5, '2026-11-01 10:00:00', 0, false, 'cycle', 20, 300, false, false)"
                ),
                {"slug": slug, "day": day},
            )
            for starts in slots.get(slug, []):
                connection.execute(
                    text(
                        "INSERT INTO slot (event_id, starts_at, ends_at, label, kind) SELECT id, :starts, :starts, "
                        "'', 'sessions' FROM event WHERE slug = :slug"
                    ),
                    {"slug": slug, "starts": starts},
                )
    engine.dispose()

    upgrade(empty_database)

    engine = create_engine(empty_database)
    with engine.connect() as connection:
        days = {
            slug: (str(first), str(last))
            for slug, first, last in connection.execute(text("SELECT slug, date, last_date FROM event"))
        }
    engine.dispose()
    assert days == {
        "plain": ("2026-11-24", "2026-11-24"),
        "no-slots": ("2026-11-24", "2026-11-24"),
        "longer": ("2026-11-24", "2026-11-26"),
        "earlier": ("2026-11-22", "2026-11-24"),
    }
