"""The one writer: every change to the database is queued here and committed in small batches.

Why: SQLite takes one writer at a time, and a commit per request caps a busy event at a few hundred
changes per second with long queues behind the lock. The writer is a task on the server's event loop:
it takes every unit of work that arrived meanwhile, runs each in one transaction (`BEGIN IMMEDIATE` on
SQLite), commits once, then answers each request. A unit that raises undoes only its own savepoint; the
rest of the batch commits.

Where the database work runs depends on the database (docs/architecture.md has the figures):
- SQLite: on the loop itself. The work is short (tens of microseconds a unit, no network), while handing
  it to a thread and back costs a GIL switch each way, which under load dominated everything.
- PostgreSQL: on a thread of the writer's own. Each statement is a round trip to the server, during
  which the loop would stand still; on the thread, the loop serves other requests and websockets
  meanwhile (the driver releases the GIL while it waits). The batching is the same, and the batch's
  answers, its board versions and its live changes are still given out on the loop, in commit order.

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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


@dataclass
class _Committed:
    """What a batch's database work leaves to do on the loop: the board versions to announce, in commit
    order, then each unit's answer (its error, or its result)."""

    versions: list[tuple[int, BoardChange]] = field(default_factory=list)
    answers: list[tuple[_Unit, BaseException | None, Any]] = field(default_factory=list)


class Writer:
    def __init__(
        self,
        database: Database,
        *,
        max_batch: int = MAX_BATCH,
        on_change: OnChange | None = None,
        off_loop: bool | None = None,
    ) -> None:
        self._database = database
        self._max_batch = max_batch
        # Called after each commit with (board version, change) per event the batch changed, in version
        # order, before any of the batch's callers resumes: app/realtime publishes from here.
        self.on_change = on_change
        # The database work on a thread of its own (see the module's docstring): PostgreSQL's round trips
        # off the loop. None: decided by the database; True or False: forced (bench/variants.py measures both).
        self.off_loop = not database.is_sqlite if off_loop is None else off_loop
        self._thread: ThreadPoolExecutor | None = None
        self._queue: asyncio.Queue[_Unit | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._queue = asyncio.Queue()
            if self.off_loop and self._thread is None:
                # One thread: the batches stay one at a time, in order, as on the loop.
                self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hallway-writer")
            self._task = asyncio.create_task(self._run(self._queue), name="hallway-writer")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        self._stopping = True
        task, queue = self._task, self._queue
        self._task = None
        if task is not None and queue is not None:
            queue.put_nowait(None)
            await task
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.shutdown(wait=True)

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
            await self._commit(batch)
            if stop:
                return

    async def _commit(self, batch: list[_Unit]) -> None:
        """Write the batch (on the loop, or on the writer's thread), then announce and answer on the loop."""
        batch = [unit for unit in batch if not unit.future.cancelled()]
        if not batch:
            return
        if self._thread is not None:
            committed = await asyncio.get_running_loop().run_in_executor(self._thread, self._write, batch)
        else:
            committed = self._write(batch)
        self._announce(committed.versions)
        for unit, error, value in committed.answers:
            _settle(unit.future, error, value)

    def _write(self, batch: list[_Unit]) -> _Committed:
        """The batch's database work, in one transaction. Touches nothing of the loop: it may run on a thread."""
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
            return self._write_each_alone(batch)
        _count_batch(batch, outcomes, started)
        answers = [(unit, error, written.result if written else None) for unit, error, written in outcomes]
        return _Committed(versions=versions, answers=answers)

    def _write_each_alone(self, batch: list[_Unit]) -> _Committed:
        committed = _Committed()
        for unit in batch:
            try:
                with self._database.write_session() as session:
                    value = _written(unit.work, unit.work(session))
                    session.flush()
                    versions = _advance_versions(session, [value])
            except Exception as error:
                if isinstance(error, DomainError):
                    metrics.refusals_by_error.inc(type(error).__name__)
                committed.answers.append((unit, error, None))
            else:
                if value.change is not None:
                    metrics.writes_by_kind.inc_each(value.change.kinds)
                committed.versions += versions
                committed.answers.append((unit, None, value.result))
        return committed

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
