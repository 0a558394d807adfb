"""The one writer: every change to the database goes through a single thread that commits in small batches.

Why: SQLite takes one writer at a time; one writer committing the changes that arrived meanwhile as
one transaction, each in its own savepoint, and answering each request after the commit, keeps
writers from queueing on the database lock. The figures measured so far, and what is still to measure
against a commit per request, are in docs/architecture.md. On PostgreSQL the same writer keeps a worker's writes to one
connection; several workers still coordinate through row locks and unique constraints.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.db import Database
from app.services.errors import DomainError

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Session], Any]

MAX_BATCH = 256


class WriterStopped(RuntimeError):
    pass


class Writer:
    def __init__(self, database: Database, *, max_batch: int = MAX_BATCH) -> None:
        self._database = database
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[Work, Future[Any]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = False

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="hallway-writer", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopping = True
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=10)

    def submit(self, work: Callable[[Session], T]) -> Future[T]:
        """Queue a unit of work; it runs in its own savepoint and its future resolves after the commit."""
        if self._stopping:
            raise WriterStopped("The server is shutting down.")
        if self._thread is None:
            self.start()
        future: Future[T] = Future()
        self._queue.put((work, future))
        return future

    async def run(self, work: Callable[[Session], T]) -> T:
        return await asyncio.wrap_future(self.submit(work))

    def run_sync(self, work: Callable[[Session], T]) -> T:
        return self.submit(work).result()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._commit_batch(batch)
                    return
                batch.append(more)
            self._commit_batch(batch)

    def _commit_batch(self, batch: list[tuple[Work, Future[Any]]]) -> None:
        # Marking a future running first means a caller that gave up (a closed connection) can no
        # longer cancel it half-way; one that gave up before is skipped.
        accepted = [(work, future) for work, future in batch if future.set_running_or_notify_cancel()]
        outcomes: list[tuple[Future[Any], bool, Any]] = []
        try:
            with self._database.write_session() as session:
                outcomes = [_run_in_savepoint(session, work, future) for work, future in accepted]
        except DBAPIError:
            # The commit itself failed (a lost connection, a serialisation failure on PostgreSQL):
            # nothing of the batch was written, so each unit gets one transaction of its own.
            log.warning("a batch of %d writes failed to commit; retrying each alone", len(accepted), exc_info=True)
            self._run_alone(accepted)
            return
        except BaseException as error:
            for _, future in accepted:
                future.set_exception(error)
            return
        for future, ok, value in outcomes:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _run_alone(self, accepted: list[tuple[Work, Future[Any]]]) -> None:
        for work, future in accepted:
            try:
                with self._database.write_session() as session:
                    value = work(session)
                    session.flush()
            except BaseException as error:
                future.set_exception(error)
            else:
                future.set_result(value)


def _run_in_savepoint(session: Session, work: Work, future: Future[Any]) -> tuple[Future[Any], bool, Any]:
    """Run one unit; a failure undoes only its own savepoint, the rest of the batch commits."""
    savepoint = session.begin_nested()
    try:
        value = work(session)
        session.flush()
    except DomainError as error:
        savepoint.rollback()
        return future, False, error
    except DBAPIError as error:
        # An integrity error (a unique index caught a race): undo this unit, keep the batch.
        savepoint.rollback()
        return future, False, error
    savepoint.commit()
    return future, True, value
