"""Runs the auto-scheduler away from the server: in a worker process, one run at a time per event.

The search is seconds of pure-Python work; on a thread it would hold the GIL against the event loop
and every websocket on this worker would stutter while it runs. A separate process costs one start
(about half a second, the first time) and then nothing. Runs for one event are not queued: a second
press while the first run works is told to wait, so a facilitator's double click costs nothing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from app.scheduling import Problem, ProblemError, Schedule, solve
from app.services.errors import Conflict


class SchedulerBusy(Conflict):
    """A schedule for this event is being worked out already."""


class ScheduleRefused(Conflict):
    """The event cannot be scheduled as it stands; the message says what to fix."""


class ScheduleRunner:
    def __init__(self, processes: int = 1) -> None:
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._running: set[int] = set()

    async def run(self, event_id: int, problem: Problem) -> Schedule:
        if event_id in self._running:
            raise SchedulerBusy(
                "A schedule for this event is being worked out already: wait a few seconds and try again."
            )
        self._running.add(event_id)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor(), solve, problem)
        except ProblemError as refused:
            raise ScheduleRefused(str(refused)) from None
        finally:
            self._running.discard(event_id)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # "spawn": a fresh interpreter that imports only the solver, not a fork of a server with
            # threads, sockets and open database connections.
            self._pool = ProcessPoolExecutor(
                max_workers=self._processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
