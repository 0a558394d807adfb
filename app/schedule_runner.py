"""Runs the auto-scheduler away from the server: in a worker process, one run at a time per event.

The search is seconds of pure-Python work; on a thread it would hold the GIL against the event loop
and every websocket on this worker would stutter while it runs. A separate process costs one start
(about half a second, the first time) and then nothing. Runs for one event are not queued: a second
press while the first run works is told to wait, so a facilitator's double click costs nothing.
With several workers (HALLWAY_REDIS_URL set), the "one at a time" is a Redis lock, so it holds
whichever worker a request lands on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

import redis.asyncio as redis

from app import metrics
from app.scheduling import Problem, ProblemError, Schedule, solve
from app.services.errors import Conflict

BUSY = "A schedule for this event is being worked out already: wait a few seconds and try again."


class SchedulerBusy(Conflict):
    """A schedule for this event is being worked out already."""


class ScheduleRefused(Conflict):
    """The event cannot be scheduled as it stands; the message says what to fix."""


class SchedulerStopped(Conflict):
    """The worker process died mid-run (killed, out of memory); the next run starts a fresh one.

    A 409 like SchedulerBusy, not a 5xx: it is said in place on the page (htmx swaps 4xx answers only),
    and the same press again is the remedy."""


class EventLocks(Protocol):
    def hold(self, event_id: int, seconds: float) -> AbstractAsyncContextManager[None]:
        """Hold the event's lock for a run of at most `seconds`, or raise SchedulerBusy."""
        ...

    async def close(self) -> None: ...


class LocalLocks:
    """One process: a set of the events being scheduled."""

    def __init__(self) -> None:
        self._held: set[int] = set()

    @asynccontextmanager
    async def hold(self, event_id: int, seconds: float) -> AsyncIterator[None]:
        if event_id in self._held:
            raise SchedulerBusy(BUSY)
        self._held.add(event_id)
        try:
            yield
        finally:
            self._held.discard(event_id)

    async def close(self) -> None:
        self._held.clear()


class RedisLocks:
    """Several workers: redis-py's lock, expiring on its own if a worker dies mid-run."""

    def __init__(self, url: str, prefix: str) -> None:
        self._client = redis.Redis.from_url(url)
        self._prefix = prefix

    @asynccontextmanager
    async def hold(self, event_id: int, seconds: float) -> AsyncIterator[None]:
        lock = self._client.lock(f"{self._prefix}:schedule:{event_id}", timeout=seconds + 30)
        if not await lock.acquire(blocking=False):
            raise SchedulerBusy(BUSY)
        try:
            yield
        finally:
            await lock.release()

    async def close(self) -> None:
        await self._client.aclose()


class ScheduleRunner:
    def __init__(self, locks: EventLocks | None = None, processes: int = 1) -> None:
        self._locks = locks or LocalLocks()
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()  # warm_up() runs on the threadpool: two pages may open at once

    async def run(self, event_id: int, problem: Problem) -> Schedule:
        """Solve in the worker process; counted in app/metrics.py by outcome, with the time it took."""
        started = time.perf_counter()
        outcome = "failed"
        try:
            schedule = await self._run(event_id, problem)
        except SchedulerBusy:
            outcome = "busy"
            raise
        except ScheduleRefused:
            outcome = "refused"
            raise
        except SchedulerStopped:
            outcome = "stopped"
            raise
        else:
            outcome = "done"
            return schedule
        finally:
            metrics.schedule_runs.inc(outcome)
            if outcome != "busy":  # a refused double click took no time worth counting
                metrics.SCHEDULE_SECONDS.observe(time.perf_counter() - started)

    async def _run(self, event_id: int, problem: Problem) -> Schedule:
        async with self._locks.hold(event_id, problem.time_limit):
            loop = asyncio.get_running_loop()
            pool = self._executor()
            try:
                return await loop.run_in_executor(pool, solve, problem)
            except ProblemError as refused:
                raise ScheduleRefused(str(refused)) from None
            except BrokenProcessPool:
                self._discard(pool)
                raise SchedulerStopped(
                    "The scheduler's worker process stopped before it finished (the server may be short of "
                    "memory). Press Propose again; if it happens again, ask whoever runs the server."
                ) from None

    def warm_up(self) -> None:
        """Start the worker process now (importing the solver takes a second or two), so that the first
        "Propose" a facilitator presses waits only for the search. Called when the page opens."""
        self._executor().submit(_ready)

    def _executor(self) -> ProcessPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                # "spawn": a fresh interpreter that imports only the solver, not a fork of a server with
                # threads, sockets and open database connections.
                self._pool = ProcessPoolExecutor(
                    max_workers=self._processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_exit_with_parent,
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Forget a broken pool, so that the next run starts a fresh worker process."""
        with self._pool_lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        await self._locks.close()


def _exit_with_parent() -> None:
    """In the worker process: end it when the server process ends, however that happens.

    A server killed without its shutdown (SIGKILL, a crash, a test's live server stopped) never tells
    its pool to stop, and the worker would wait for work forever as an orphan holding 100 MB.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _ready() -> bool:
    """Nothing: run in the worker process, it makes the process start and import the solver."""
    return True
