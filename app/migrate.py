"""Alembic, driven from Python so that `hallway migrate`, `make run` and the tests share one path."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


@cache
def head_revision() -> str | None:
    """The revision `hallway migrate` brings a database to: a property of this code, read once."""
    return _scripts().get_current_head()


def is_known_revision(revision: str) -> bool:
    """Whether this code's migrations include `revision` (a database from an older or this release)."""
    try:
        return _scripts().get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown, partial or ambiguous names
        return False


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(""))
