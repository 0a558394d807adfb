"""The scheduler runner: the solver in a worker process, one run at a time per event (across workers with Redis)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY

from app.schedule_runner import (
    LocalLocks,
    RedisLocks,
    SchedulerBusy,
    ScheduleRefused,
    SchedulerStopped,
    ScheduleRunner,
)
from app.scheduling import Problem, violations
from tests.scheduling.problems import ballots_for, rooms, slots, topics

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def a_problem(seconds: float) -> Problem:
    """Big enough that the search uses its whole time: 40 topics whose voters overlap."""
    forty = topics(40)
    ballots = tuple(tuple(forty[(k + j * 7) % 40].id for j in range(5)) for k in range(200))
    return Problem(topics=forty, rooms=rooms(30, 20, 10), slots=slots(5), ballots=ballots, time_limit=seconds)


async def two_runs(first: ScheduleRunner, second: ScheduleRunner, *, same_event: bool) -> list[object]:
    problem = a_problem(1.0)
    one = asyncio.create_task(first.run(1, problem))
    await asyncio.sleep(0.2)  # the first run holds the lock (the process pool may still be starting)
    other = await asyncio.gather(second.run(1 if same_event else 2, problem), return_exceptions=True)
    return [await one, *other]


def runs(outcome: str) -> float:
    """Runs counted so far with this outcome (app/metrics.py: hallway_schedule_runs_total)."""
    return REGISTRY.get_sample_value("hallway_schedule_runs_total", {"outcome": outcome}) or 0.0


def test_a_second_run_for_the_same_event_is_told_to_wait():
    runner = ScheduleRunner(LocalLocks())
    done, busy = runs("done"), runs("busy")

    async def scenario() -> list[object]:
        try:
            return await two_runs(runner, runner, same_event=True)
        finally:
            await runner.close()

    first, second = asyncio.run(scenario())

    assert violations(a_problem(1.0), first.placements) == []  # type: ignore[attr-defined]
    assert isinstance(second, SchedulerBusy)
    assert second.message == "A schedule for this event is being worked out already: wait a few seconds and try again."
    assert (runs("done") - done, runs("busy") - busy) == (1, 1)


def test_runs_for_two_events_go_side_by_side():
    runner = ScheduleRunner(LocalLocks())

    async def scenario() -> list[object]:
        try:
            return await two_runs(runner, runner, same_event=False)
        finally:
            await runner.close()

    first, second = asyncio.run(scenario())

    assert first.figures.topics_placed == second.figures.topics_placed == 15  # type: ignore[attr-defined]


def test_a_problem_that_cannot_be_scheduled_comes_back_as_a_refusal():
    runner = ScheduleRunner(LocalLocks())
    problem = Problem(topics=topics(1), rooms=(), slots=slots(1), ballots=ballots_for({1: 1}))

    async def scenario() -> None:
        try:
            await runner.run(1, problem)
        finally:
            await runner.close()

    refusals = runs("refused")
    with pytest.raises(ScheduleRefused) as refused:
        asyncio.run(scenario())
    assert refused.value.message.startswith("There are no rooms yet")
    assert runs("refused") - refusals == 1


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it)")
def test_with_redis_a_run_on_another_worker_is_told_to_wait_too():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at TEST_REDIS_URL ({REDIS_URL}) is not reachable: {error}")
    prefix = f"test-{uuid.uuid4().hex}"

    async def scenario() -> list[object]:
        first, second = ScheduleRunner(RedisLocks(REDIS_URL, prefix)), ScheduleRunner(RedisLocks(REDIS_URL, prefix))
        try:
            busy = await two_runs(first, second, same_event=True)
            again = await second.run(1, a_problem(0.5))  # the lock is free once the first run is over
            return [*busy, again]
        finally:
            await first.close()
            await second.close()

    _first, second, again = asyncio.run(scenario())

    assert isinstance(second, SchedulerBusy)
    assert again.figures.topics_placed == 15  # type: ignore[attr-defined]


def test_a_warmed_up_runner_answers_the_first_run_without_starting_a_process_then():
    runner = ScheduleRunner(LocalLocks())
    problem = Problem(topics=topics(2), rooms=rooms(10), slots=slots(2), ballots=ballots_for({1: 1, 2: 1}))

    async def scenario():
        try:
            runner.warm_up()
            runner.warm_up()  # a second page opening at once starts no second process
            pool = runner._executor()
            return await runner.run(1, problem), pool, runner._executor()
        finally:
            await runner.close()

    schedule, pool, same = asyncio.run(scenario())

    assert pool is same
    assert set(schedule.placements) == {1, 2}


def test_a_worker_process_that_dies_is_said_and_the_next_run_starts_a_fresh_one():
    runner = ScheduleRunner(LocalLocks())
    problem = Problem(topics=topics(2), rooms=rooms(10), slots=slots(2), ballots=ballots_for({1: 1, 2: 1}))

    async def scenario():
        try:
            await runner.run(1, problem)
            for process in list(runner._executor()._processes.values()):  # as the kernel's OOM killer would
                process.kill()
                process.join()
            await asyncio.sleep(0.2)
            stopped = await asyncio.gather(runner.run(1, problem), return_exceptions=True)
            return stopped[0], await runner.run(1, problem)
        finally:
            await runner.close()

    stopped, again = asyncio.run(scenario())

    assert isinstance(stopped, SchedulerStopped)
    assert stopped.message.startswith("The scheduler's worker process stopped before it finished")
    assert set(again.placements) == {1, 2}


def test_the_worker_process_ends_when_the_server_process_dies_without_shutting_down(tmp_path):
    server = tmp_path / "server.py"
    server.write_text(
        "import os\n"
        "from app.schedule_runner import LocalLocks, ScheduleRunner\n"
        "if __name__ == '__main__':\n"
        "    runner = ScheduleRunner(LocalLocks())\n"
        "    runner.warm_up()\n"
        "    print(runner._executor().submit(os.getpid).result(), flush=True)\n"
        "    os._exit(9)  # as after SIGKILL: no lifespan, no pool shutdown\n"
    )
    finished = subprocess.run(
        [sys.executable, str(server)], capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent
    )
    worker = int(finished.stdout.strip())

    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert finished.returncode == 9
    assert not _running(worker)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit is reaped by whatever PID 1 is, sometimes late)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
