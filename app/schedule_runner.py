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
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

import redis.asyncio as redis

from app.scheduling import Problem, ProblemError, Schedule, solve
from app.services.errors import Conflict

BUSY = "A schedule for this event is being worked out already: wait a few seconds and try again."


class SchedulerBusy(Conflict):
    """A schedule for this event is being worked out already."""


class ScheduleRefused(Conflict):
    """The event cannot be scheduled as it stands; the message says what to fix."""


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

    async def run(self, event_id: int, problem: Problem) -> Schedule:
        async with self._locks.hold(event_id, problem.time_limit):
            loop = asyncio.get_running_loop()
            try:
                return await loop.run_in_executor(self._executor(), solve, problem)
            except ProblemError as refused:
                raise ScheduleRefused(str(refused)) from None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # "spawn": a fresh interpreter that imports only the solver, not a fork of a server with
            # threads, sockets and open database connections.
            self._pool = ProcessPoolExecutor(
                max_workers=self._processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        await self._locks.close()
