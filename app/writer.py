"""The one writer: every change to the database is queued here and committed in small batches.

Why: SQLite takes one writer at a time, and a commit per request caps a busy event at a few hundred
changes per second with long queues behind the lock. The writer is a task on the server's event loop:
it takes every unit of work that arrived meanwhile, runs each in one transaction (`BEGIN IMMEDIATE` on
SQLite), commits once, then answers each request. It runs the database work on the loop itself, not
on a thread: the work is short (tens of microseconds a unit on SQLite), while handing it to a thread
and back costs a GIL switch each way, which under load dominated everything (see docs/architecture.md
for the figures). A unit that raises undoes only its own savepoint; the rest of the batch commits.

A unit is a service write: it returns `Written` (its result and its live change), and the writer
advances the event's board version and publishes the change. Work that returns anything else is a
bug and is refused, so a write can't leave the open pages stale. Commands run outside the server
(app/cli.py) write through `write_now`, which keeps the same rule without the queue.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app import metrics
from app.db import Database
from app.services.changes import BoardChange, Written, advance_board_version
from app.services.errors import DomainError

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Session], Written[Any]]
OnChange = Callable[[int, BoardChange], None]

MAX_BATCH = 256


class WriterStopped(RuntimeError):
    pass


@dataclass
class _Unit:
    work: Work
    future: asyncio.Future[Any]
    # False for work that raises its domain errors before its first write (the vote path):
    # it needs no savepoint of its own, which saves a third of a vote's cost.
    savepoint: bool
    queued_at: float  # time.perf_counter(), for the metrics of how long writes wait


class Writer:
    def __init__(self, database: Database, *, max_batch: int = MAX_BATCH, on_change: OnChange | None = None) -> None:
        self._database = database
        self._max_batch = max_batch
        # Called after each commit with (board version, change) per event the batch changed, in version
        # order, before any of the batch's callers resumes: app/realtime publishes from here.
        self.on_change = on_change
        self._queue: asyncio.Queue[_Unit | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run(self._queue), name="hallway-writer")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        self._stopping = True
        task, queue = self._task, self._queue
        self._task = None
        if task is not None and queue is not None:
            queue.put_nowait(None)
            await task

    async def run(self, work: Callable[[Session], Written[T]], *, savepoint: bool = True) -> T:
        """Queue a unit of work and wait until it is committed; its result is returned, its domain error raised.

        The change the work declares advances the event's board version in the same transaction,
        and the live pages hear of it after the commit.
        """
        if self._stopping:
            raise WriterStopped("The server is shutting down.")
        if self._task is None:
            await self.start()
        assert self._queue is not None
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Unit(work=work, future=future, savepoint=savepoint, queued_at=time.perf_counter()))
        return await future

    async def _run(self, queue: asyncio.Queue[_Unit | None]) -> None:
        while True:
            unit = await queue.get()
            if unit is None:
                return
            # Let the requests that are already readable reach the queue, so that they join this batch.
            await asyncio.sleep(0)
            batch = [unit]
            stop = False
            while len(batch) < self._max_batch and not queue.empty():
                more = queue.get_nowait()
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[_Unit]) -> None:
        batch = [unit for unit in batch if not unit.future.cancelled()]
        if not batch:
            return
        started = time.perf_counter()
        outcomes: list[tuple[_Unit, BaseException | None, Written[Any] | None]] = []
        try:
            with self._database.write_session() as session:
                outcomes = [_run_unit(session, unit) for unit in batch]
                versions = _advance_versions(session, [written for _, error, written in outcomes if error is None])
        except Exception:
            # The batch could not be written as a whole (a lost connection, a serialisation failure on
            # PostgreSQL, an integrity error in a unit without a savepoint, a bug in one unit): nothing
            # of it was written, so each unit gets a transaction of its own and its own answer.
            log.warning("a batch of %d writes failed; retrying each alone", len(batch), exc_info=True)
            self._commit_each_alone(batch)
            return
        _count_batch(batch, outcomes, started)
        self._announce(versions)
        for unit, error, written in outcomes:
            _settle(unit.future, error, written.result if written is not None else None)

    def _commit_each_alone(self, batch: list[_Unit]) -> None:
        for unit in batch:
            try:
                with self._database.write_session() as session:
                    value = _written(unit.work, unit.work(session))
                    session.flush()
                    versions = _advance_versions(session, [value])
            except Exception as error:
                if isinstance(error, DomainError):
                    metrics.refusals_by_error.inc(type(error).__name__)
                _settle(unit.future, error, None)
            else:
                if value.change is not None:
                    metrics.writes_by_kind.inc_each(value.change.kinds)
                self._announce(versions)
                _settle(unit.future, None, value.result)

    def _announce(self, versions: list[tuple[int, BoardChange]]) -> None:
        if self.on_change is None:
            return
        for version, change in versions:
            try:
                self.on_change(version, change)
            except Exception:  # a live page missing one change must not fail a committed write
                log.exception("could not announce board version %d of event %d", version, change.event_id)


def _count_batch(
    batch: list[_Unit], outcomes: list[tuple[_Unit, BaseException | None, Written[Any] | None]], started: float
) -> None:
    """The batch's figures (app/metrics.py): a few increments per write, three observations per batch."""
    now = time.perf_counter()
    metrics.WRITER_BATCH_SIZE.observe(len(batch))
    metrics.WRITER_WAIT.observe(started - batch[0].queued_at)  # the queue is in order: the first waited longest
    metrics.WRITER_COMMIT.observe(now - started)
    for _, error, written in outcomes:
        if error is not None:
            metrics.refusals_by_error.inc(type(error).__name__)
        elif written is not None and written.change is not None:
            metrics.writes_by_kind.inc_each(written.change.kinds)


def write_now(database: Database, work: Callable[[Session], Written[T]]) -> T:
    """Commit one write outside the server (a command): the writer's rule, without its queue.

    The board version advances in the same transaction; open pages notice it within seconds
    (app/realtime checks the database's version), so a command can't leave them stale either.
    """
    with database.write_session() as session:
        written: Written[T] = _written(work, work(session))
        session.flush()
        _advance_versions(session, [written])
    return written.result


def _written(work: Callable[..., Any], value: object) -> Written[Any]:
    if not isinstance(value, Written):
        raise TypeError(
            f"{getattr(work, '__qualname__', work)!s} returned {type(value).__name__}, not Written: "
            "a write must say what it changed on the live board (app/services/changes.py)."
        )
    return value


def _run_unit(session: Session, unit: _Unit) -> tuple[_Unit, BaseException | None, Written[Any] | None]:
    """Run one unit. A domain error (or, with a savepoint, an integrity error) undoes only this unit."""
    if not unit.savepoint:
        try:
            return unit, None, _written(unit.work, unit.work(session))
        except DomainError as error:
            return unit, error, None
    savepoint = session.begin_nested()
    try:
        value = _written(unit.work, unit.work(session))
        session.flush()
    except (DomainError, DBAPIError) as error:
        # A DBAPIError here is a unique index catching a race (two facilitators, one cell).
        savepoint.rollback()
        return unit, error, None
    savepoint.commit()
    return unit, None, value


def _advance_versions(session: Session, done: list[Written[Any] | None]) -> list[tuple[int, BoardChange]]:
    """One new board version per event the committed units changed, with their changes merged."""
    merged: dict[int, BoardChange] = {}
    for written in done:
        change = written.change if written is not None else None
        if change is None:
            continue
        earlier = merged.get(change.event_id)
        merged[change.event_id] = change if earlier is None else earlier.merge(change)
    return [
        (advance_board_version(session=session, event_id=event_id), change)
        for event_id, change in sorted(merged.items())
    ]


def _settle(future: asyncio.Future[Any], error: BaseException | None, value: Any) -> None:
    if future.done():  # the caller went away (a closed connection)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
