"""The vote's statements on PostgreSQL: prepared, and sent without waiting for answers nobody reads.

Why: on PostgreSQL every statement is a round trip to the database server, and the writer runs a batch's
statements one after the other. A vote is three statements (lock the attendee, read what it decides on,
write the dot); waiting for each answer made a vote cost about 0.8 ms of the writer's time, most of it
waiting, and capped one worker near 600 votes/s (bench/vote_storm.py --database postgres). psycopg's
pipeline mode sends a statement at once and collects its answer later: the lock goes out with the read
that follows it, and the write goes out with the next vote's lock and read. One round trip a vote.

SQLAlchemy can't run inside a pipeline (it asks each statement for its columns as soon as it is sent),
so these statements go straight to the driver, compiled once from their SQLAlchemy form, and the pipeline
is ended (its answers collected, any error raised) before SQLAlchemy runs anything else on the
connection, and before a commit or a rollback: see `end_before_sqlalchemy`. An error that surfaces late
(a write refused by the database) fails the writer's batch as a whole, which then retries each unit alone,
so every request still gets its own answer (app/writer.py).

On SQLite there is no round trip to save, but SQLAlchemy's execution of a statement (its compiled cache, the
execution context, the result's processing) cost eight times the statement itself: 63 µs against 8 µs for
the vote's read, measured in process. So these statements go straight to the driver there too, compiled once,
each value bound as SQLAlchemy binds it for its column (a time as SQLite's text). Their rows are the driver's
tuples on both databases (a boolean is 0 or 1 on SQLite): what the vote reads, it reads by position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Delete, Engine, Insert, Select, event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.engine.interfaces import DBAPICursor, _DBAPIAnyExecuteParams
    from sqlalchemy.engine.interfaces import ExecutionContext as _ExecutionContext

# Where a connection keeps its open pipeline (SQLAlchemy's per-connection `info`).
_PIPELINE = "hallway.pipeline"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]  # the values SQLAlchemy bound itself (the statuses of an OR of equalities, say)
    order: tuple[str, ...]  # SQLite: the parameters' names in the order of their `?`
    binders: dict[str, Callable[[Any], Any]]  # SQLite: each parameter bound as SQLAlchemy binds it

    def positional(self, params: dict[str, Any]) -> tuple[Any, ...]:
        """SQLite's values for the `?`s: the given ones bound as SQLAlchemy would, the rest its own (bound)."""
        values = []
        for name in self.order:
            if name in params:
                binder = self.binders.get(name)
                values.append(params[name] if binder is None else binder(params[name]))
            else:
                values.append(self.defaults.get(name))
        return tuple(values)


class PreparedStatement:
    """A SQLAlchemy statement, compiled once for the database and run through its driver: on PostgreSQL as a
    prepared statement, in a pipeline; on SQLite, plainly."""

    def __init__(self, statement: Select[Any] | Insert | Delete) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}  # by dialect: one process may hold both (the tests do)

    def _for(self, connection: Connection) -> _Compiled:
        dialect = connection.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            binders: dict[str, Callable[[Any], Any]] = {}
            if dialect.name == "sqlite":
                for name, bind in compiled.binds.items():
                    binder = bind.type.dialect_impl(dialect).bind_processor(dialect)
                    if binder is not None:
                        binders[name] = binder
            defaults = {
                name: binders[name](value) if name in binders else _plain(value)
                for name, value in compiled.params.items()
                if value is not None
            }
            order = tuple(compiled.positiontup or ()) if dialect.name == "sqlite" else ()
            found = self._compiled[dialect.name] = _Compiled(compiled.string, defaults, order, binders)
        return found


def run(session: Session, prepared: PreparedStatement, params: dict[str, Any]) -> Sequence[Any] | None:
    """Run the statement and return its first row (None when there is none)."""
    row: Sequence[Any] | None = _run(session, prepared, params, fetch=True)
    return row


def send(session: Session, prepared: PreparedStatement, params: dict[str, Any]) -> None:
    """Run a statement whose answer is not read (a lock, a write): on PostgreSQL it is only sent now."""
    _run(session, prepared, params, fetch=False)


def _run(session: Session, prepared: PreparedStatement, params: dict[str, Any], *, fetch: bool) -> Any:
    connection = session.connection()
    compiled = prepared._for(connection)
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        if connection.dialect.name == "sqlite":
            cursor = driver.execute(compiled.sql, compiled.positional(params))
            return cursor.fetchone() if fetch else None
        if _PIPELINE not in connection.info:
            pipeline = driver.pipeline()
            pipeline.__enter__()
            connection.info[_PIPELINE] = pipeline
        cursor = driver.execute(compiled.sql, {**compiled.defaults, **params}, prepare=True)
        return cursor.fetchone() if fetch else None
    except Exception as error:
        raise _as_sqlalchemy_error(error, compiled.sql, params, connection) from error


def end(connection: Connection, *, quietly: bool = False) -> None:
    """Collect the open pipeline's answers and leave pipeline mode; raise the first error it met."""
    pipeline = connection.info.pop(_PIPELINE, None)
    if pipeline is None:
        return
    try:
        pipeline.__exit__(None, None, None)
    except Exception as error:
        if not quietly:
            raise _as_sqlalchemy_error(error, "(pipelined statements)", {}, connection) from error


def end_before_sqlalchemy(engine: Engine) -> None:
    """On a PostgreSQL engine: end a connection's pipeline before SQLAlchemy sends it anything, commits or
    rolls back. Registered once per engine (app/db.py)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(
        connection: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: _DBAPIAnyExecuteParams,
        context: _ExecutionContext | None,
        executemany: bool,
    ) -> None:
        end(connection)

    @event.listens_for(engine, "commit")
    def _before_commit(connection: Connection) -> None:
        end(connection)

    @event.listens_for(engine, "rollback")
    def _before_rollback(connection: Connection) -> None:
        end(connection, quietly=True)  # rolled back anyway: its answers no longer matter


def _as_sqlalchemy_error(error: Exception, sql: str, params: dict[str, Any], connection: Connection) -> Exception:
    """The driver's error as SQLAlchemy's (OperationalError, IntegrityError…), which the writer and the
    app's error handlers know: a database gone is a 503 here as anywhere."""
    dbapi = connection.dialect.loaded_dbapi
    if isinstance(error, dbapi.Error):
        return DBAPIError.instance(sql, params, error, dbapi.Error)
    return error


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
