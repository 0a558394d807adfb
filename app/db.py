"""Engines and sessions. SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE for writes, and
full Unicode case folding for searches."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Boolean, ColumnElement, Engine, Result, Select, String, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from app import pipeline

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Connection
    from sqlalchemy.orm import Mapped
    from sqlalchemy.pool import ConnectionPoolEntry
    from sqlalchemy.sql.compiler import SQLCompiler

SQLITE_BUSY_TIMEOUT_MS = 5000
# Registered on every SQLite connection: Python's str.casefold, for `casefold()` below.
SQLITE_FOLD_FUNCTION = "hallway_fold"

log = logging.getLogger(__name__)

_Row = TypeVar("_Row", bound=tuple[Any, ...])


class DatabaseNotMigrated(RuntimeError):
    """The schema is missing or behind: the app must not start on it."""


@dataclass
class Database:
    """The read engine (any thread, no long snapshots) and the write engine (IMMEDIATE on SQLite).

    On SQLite a deferred transaction that later upgrades to a write fails at once with SQLITE_BUSY,
    ignoring the busy timeout; taking the write lock at BEGIN makes writers queue politely instead.
    """

    url: str
    read_engine: Engine
    write_engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.read_engine.dialect.name == "sqlite"

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception."""
        with Session(self.write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def exec_select(session: Session, statement: Select[_Row], **params: Any) -> Result[_Row]:
    """Run a SQLAlchemy `select()` with sqlmodel's `Session.exec`, typed as what it returns for one.

    At run time `exec` runs any statement and, for SQLAlchemy's (not sqlmodel's) `select()`, returns
    SQLAlchemy's plain `Result`: rows, or `.scalars()`. Its overloads name only sqlmodel's own select
    classes, hence the one ignore here. (`Session.execute` would type-check but is deprecated by
    sqlmodel, and its warning is an error in the tests.)

    `params` fill the statement's `bindparam()`s. The reads on the paths every open page waits for are
    built once, at import, with named parameters (see `load_board`): building a `select()` and computing
    its cache key cost more than running it on SQLite (about 0.1 ms of 0.13 for a simple one), and a
    statement object keeps its cache key.
    """
    result: Result[_Row] = session.exec(statement, params=params or None)  # type: ignore[call-overload]
    return result


class casefold(FunctionElement[str]):
    """A text with its case set aside, to compare or sort by: lower() on PostgreSQL; on SQLite, whose lower()
    folds ASCII only ('École' stays 'École'), Python's str.casefold, registered on each connection."""

    type = String()
    inherit_cache = True


@compiles(casefold)
def _casefold_by_lower(element: casefold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(casefold, "sqlite")
def _casefold_in_python(element: casefold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FOLD_FUNCTION}({compiler.process(element.clauses, **kw)})"


class _ContainsIgnoringCase(FunctionElement[bool]):
    """(column, LIKE pattern escaped with a backslash): rendered by each backend's rule below, in parentheses so
    that it reads as one term wherever it is put (SQLite's WHERE compares it to 1)."""

    type = Boolean()
    inherit_cache = True


@compiles(_ContainsIgnoringCase)
def _contains_by_ilike(element: _ContainsIgnoringCase, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = element.clauses
    return "(" + compiler.process(column.ilike(pattern, escape="\\"), **kw) + ")"


@compiles(_ContainsIgnoringCase, "sqlite")
def _contains_by_casefold(element: _ContainsIgnoringCase, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy's ilike here would be lower(x) LIKE lower(y), and SQLite's lower() and LIKE fold ASCII only.
    column, pattern = element.clauses
    return "(" + compiler.process(casefold(column).like(casefold(pattern), escape="\\"), **kw) + ")"


def contains_ignoring_case(column: ColumnElement[str] | Mapped[str], text: str) -> ColumnElement[bool]:
    """Whether `column` contains `text`, case aside in every alphabet ('école' finds 'École ouverte', 'ΑΘΉΝΑ'
    finds 'Αθήνα'; accents still count: 'ecole' does not), with the %, _ and backslash typed taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _ContainsIgnoringCase(column, f"%{escaped}%")


def _fold(text: str | None) -> str | None:
    """SQLite's `hallway_fold`: NULL (or a number, were one ever stored in a text column) passes through."""
    return text.casefold() if isinstance(text, str) else text


def connect(url: str) -> Database:
    if url.startswith("sqlite"):
        return Database(
            url=url, read_engine=_sqlite_engine(url, write=False), write_engine=_sqlite_engine(url, write=True)
        )
    read_engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    # The writer's connections apart from the pages' reads: psycopg forgets its prepared statements at every
    # rollback, every read ends with one, and the writer would then prepare and plan the vote's statements
    # again for most batches (app/pipeline.py). A committed write returns its connection without one.
    write_engine = create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=4)
    for engine in (read_engine, write_engine):
        pipeline.end_before_sqlalchemy(engine)
    return Database(url=url, read_engine=read_engine, write_engine=write_engine)


def _sqlite_engine(url: str, *, write: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # SQLite connections are cheap to keep and costly to churn (each new one runs the PRAGMAs
    # below): keep enough for the threadpool's readers, and one for the writer.
    pool = {"pool_size": 1, "max_overflow": 4} if write else {"pool_size": 20, "max_overflow": 40}
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        # Deterministic: SQLite may then fold a constant (the search's pattern) once per statement, not per row.
        dbapi_connection.create_function(SQLITE_FOLD_FUNCTION, 1, _fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if write:
            # WAL is a property of the file: set once by a writer, every reader then uses it.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Safe with WAL: a power cut may lose the last commits but never corrupts the file.
            cursor.execute("PRAGMA synchronous=NORMAL")
            # No checkpoint (an fsync) inside a commit: the writer runs on the event loop, and a
            # checkpoint there stalls every request. WalCheckpointer does it on its own thread.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    if write:

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    # Reads run without BEGIN: each statement sees the latest commit, like READ COMMITTED on
    # PostgreSQL, so a page rendered right after a write (by the writer) shows that write.

    return engine


class WalCheckpointer:
    """Copies the SQLite write-ahead log back into the database file every few seconds, off the loop.

    PASSIVE never blocks the writer or the readers; it copies what it can and catches up next time.
    """

    def __init__(self, database: Database, *, every_seconds: float = 2.0) -> None:
        self._database = database
        self._every = every_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._database.is_sqlite and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="hallway-wal-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._database.is_sqlite:
            self.checkpoint()

    def checkpoint(self) -> None:
        with self._database.read_engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.checkpoint()
            except Exception:  # a busy or closing database: try again next time
                log.warning("WAL checkpoint failed", exc_info=True)


def check_migrated(database: Database) -> None:
    """Refuse to run on a database that Alembic has not brought to the latest revision."""
    from alembic.runtime.migration import MigrationContext

    from app.migrate import head_revision

    head = head_revision()
    with database.read_engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        has_tables = bool(inspect(connection).get_table_names())
    if current != head:
        state = "is empty" if not has_tables and current is None else f"is at revision {current}, not {head}"
        raise DatabaseNotMigrated(
            f"The database {make_url(database.url).render_as_string(hide_password=True)} {state}. "
            "Run `hallway migrate` (or `make migrate`) first."
        )
