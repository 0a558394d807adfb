"""The write strategies docs/architecture.md compares, as app factories for bench/vote_storm.py --app.

    .venv/bin/python bench/vote_storm.py --spawn --app bench.variants:commit_per_request_app
    .venv/bin/python bench/vote_storm.py --spawn --app bench.variants:writer_thread_app
    .venv/bin/python bench/vote_storm.py --spawn --database postgres --probe --app bench.variants:writer_on_loop_app

Each one is the real app with only its writer swapped, so the figures compare the strategies alone.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from fastapi import FastAPI
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.db import Database
from app.main import create_app
from app.services.errors import DomainError

T = TypeVar("T")


class CommitPerRequest:
    """Each unit of work in its own transaction, on the threadpool: the textbook FastAPI + SQLAlchemy way."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def run(self, work: Callable[[Session], T], *, savepoint: bool = True) -> T:
        def in_transaction() -> T:
            with self._database.write_session() as session:
                return work(session)

        return await run_in_threadpool(in_transaction)


class WriterThread:
    """One writer thread committing batches (one savepoint a unit): Hallway's first design."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._queue: queue.SimpleQueue[tuple[Callable[[Session], Any], Future[Any]]] = queue.SimpleQueue()
        threading.Thread(target=self._loop, daemon=True).start()

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def run(self, work: Callable[[Session], T], *, savepoint: bool = True) -> T:
        future: Future[T] = Future()
        self._queue.put((work, future))
        return await asyncio.wrap_future(future)

    def _loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty() and len(batch) < 256:
                batch.append(self._queue.get_nowait())
            results = []
            with self._database.write_session() as session:
                for work, future in batch:
                    savepoint = session.begin_nested()
                    try:
                        results.append((future, work(session), None))
                        savepoint.commit()
                    except DomainError as error:
                        savepoint.rollback()
                        results.append((future, None, error))
            for future, value, error in results:
                future.set_exception(error) if error else future.set_result(value)


def _with_writer(make: Callable[[Database], Any]) -> FastAPI:
    app = create_app()
    app.state.writer = make(app.state.database)
    return app


def commit_per_request_app() -> FastAPI:
    return _with_writer(CommitPerRequest)


def writer_thread_app() -> FastAPI:
    return _with_writer(WriterThread)


def writer_on_loop_app() -> FastAPI:
    """Hallway's writer with its database work on the event loop whatever the database (as it was before
    PostgreSQL's went to the writer's thread): on PostgreSQL, each statement's round trip holds the loop."""
    app = create_app()
    app.state.writer.off_loop = False
    return app
