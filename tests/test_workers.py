"""Several workers: two real `hallway serve` processes on loopback, one PostgreSQL database, one Redis.

What a hall behind a proxy relies on: a vote made through one worker reaches the pages connected to the
other; a worker killed (SIGKILL: no goodbye, no drain) mid-storm loses no vote it acknowledged, and its
pages reconnect to the other worker and catch up from their last version; the auto-scheduler runs once per
event whichever worker is asked. Each test is bounded: a few hundred requests, a few seconds.

Needs TEST_DATABASE_URL (or HALLWAY_REQUIRE_POSTGRES=1, which makes a missing one fail) and TEST_REDIS_URL,
as CI sets them; when they are set and the server does not answer, the tests fail rather than skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis
import websockets
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel, select

from app.db import Database, connect
from app.models import Placement, Topic, Vote
from app.schedule_runner import BUSY
from app.services.changes import board_version
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.factories import EventWithKey, Factory

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not ((POSTGRES_URL or REQUIRE_POSTGRES) and REDIS_URL),
    reason="several workers need TEST_DATABASE_URL and TEST_REDIS_URL (CI sets both)",
)


# --- Two workers ----------------------------------------------------------------------------------------


@dataclass
class Worker:
    """One `hallway serve` process, as an operator (or one replica of compose.yaml) starts it."""

    address: str  # host:port
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Hall:
    first: Worker
    second: Worker
    factory: Factory

    @property
    def database(self) -> Database:
        return self.factory.database


@pytest.fixture
def postgres_url(migrated_postgres: str) -> str:
    """The test run's own PostgreSQL database (tests/conftest.py), emptied."""
    engine = create_engine(migrated_postgres)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return migrated_postgres


@pytest.fixture
def hall(postgres_url: str, tmp_path: Path) -> Iterator[Hall]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at TEST_REDIS_URL ({REDIS_URL}) is not reachable: {error}")
    shared = {
        **os.environ,
        "HALLWAY_ENVIRONMENT": "test",
        "DATABASE_URL": postgres_url,
        "HALLWAY_REDIS_URL": REDIS_URL,
        # This test's own channels and locks: other runs on the same Redis never hear these changes.
        "HALLWAY_REDIS_CHANNEL_PREFIX": f"test-{uuid.uuid4().hex}",
        "HALLWAY_SECRET_KEY": "workers-test-secret-key-that-is-long-enough-0123456789",
        "HALLWAY_LIMIT_VOTES": "100000/minute",
        "HALLWAY_LIMIT_WEBSOCKETS": "100000/minute",
    }
    workers: list[Worker] = []
    database = connect(postgres_url)
    try:
        for name in ("first", "second"):
            port = _free_port()
            data = tmp_path / name
            data.mkdir()
            env = {**shared, "HALLWAY_DATA_DIR": str(data), "HALLWAY_PUBLIC_URL": f"http://127.0.0.1:{port}"}
            log = data / "server.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                    cwd=REPO,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            workers.append(Worker(f"127.0.0.1:{port}", process, log))
        for worker in workers:
            _wait_until_ready(worker)
        yield Hall(workers[0], workers[1], Factory(database))
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.kill()
            worker.process.wait()
        database.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(worker: Worker, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, worker.output()
        try:
            if httpx.get(f"{worker.url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{worker.address} was not ready within {timeout} s:\n{worker.output()}")


# --- A live page, as the board's script keeps one -------------------------------------------------------


@dataclass
class Page:
    """The JSON feed of one event, kept open: when its socket drops it reconnects with `since=` its last
    version, to its own worker if that one answers, else to the other (as a proxy sends it)."""

    slug: str
    addresses: list[str]  # its worker first
    version: int | None = None
    counts: dict[int, int] = field(default_factory=dict)
    opened_on: list[str] = field(default_factory=list)  # each worker a socket of it was open on, in order
    snapshots: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def follow(self) -> None:
        at = 0
        while True:
            address = self.addresses[at % len(self.addresses)]
            since = f"&since={self.version}" if self.version is not None else ""
            try:
                async with websockets.connect(
                    f"ws://{address}/ws/events/{self.slug}?format=json{since}", open_timeout=5
                ) as socket:
                    self.opened_on.append(address)
                    async for raw in socket:
                        self._hear(json.loads(raw))
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            at += 1  # gone or refused: the next worker (back to this one after the others)
            await asyncio.sleep(0.1)

    def _hear(self, message: dict) -> None:
        if message["type"] == "snapshot":
            self.snapshots += 1
            self.counts = {t["id"]: t["votes"] for t in message["board"]["topics"]}
        else:
            self.counts.update({t["id"]: t["votes"] for t in message.get("topics") or [] if "votes" in t})
        self.version = message["version"]
        self.changed.set()

    async def until(self, condition: Callable[[Page], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self):
            left = deadline - time.monotonic()
            assert left > 0, f"page {self.opened_on}: version {self.version}, counts {self.counts}"
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(left, 0.5))


async def _open(pages: list[Page]) -> list[asyncio.Task[None]]:
    tasks = [asyncio.create_task(page.follow()) for page in pages]
    for page in pages:
        await page.until(lambda p: p.version is not None)
    return tasks


async def _close(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _stored(database: Database, event: EventWithKey) -> tuple[set[tuple[int, int]], dict[int, int], int]:
    """(attendee, topic) of every stored dot, the dots each topic holds, and the board version."""
    with database.read_session() as session:
        dots = {(v.attendee_id, v.topic_id) for v in session.exec(select(Vote)).all()}
        topics = session.exec(select(Topic.id).where(Topic.event_id == event.id)).all()
        version = board_version(session=session, event_id=event.id)
    counts = {topic_id: sum(1 for _, t in dots if t == topic_id) for topic_id in topics}
    return dots, counts, version


# --- The tests ----------------------------------------------------------------------------------------------


def test_a_vote_through_one_worker_reaches_a_page_on_the_other(hall: Hall):
    event = hall.factory.event(slug="across")
    ada = hall.factory.attendee(event, name="Ada")
    topic = hall.factory.topic(event, None, title="Across workers")

    async def scenario() -> tuple[int, Page]:
        page = Page(event.slug, [hall.second.address])
        tasks = await _open([page])
        async with httpx.AsyncClient() as http:
            vote = f"{hall.first.url}/api/events/{event.slug}/topics/{topic.id}/vote"
            answer = await http.put(vote, headers=ada.auth)
        await page.until(lambda p: p.counts.get(topic.id) == 1, timeout=5)
        await _close(tasks)
        return answer.status_code, page

    status, page = asyncio.run(scenario())

    assert status == 200
    assert page.counts == {topic.id: 1}
    assert page.opened_on == [hall.second.address]


ATTENDEES = 40
TOPICS = 12  # each attendee puts a dot on every topic, one request at a time: 480 votes
KILL_AFTER = 150  # acknowledged votes before the first worker is killed
PAGES = 4  # live pages on each worker


@dataclass
class Storm:
    acknowledged: set[tuple[int, int]] = field(default_factory=set)
    retried: int = 0  # votes sent again to the other worker after no answer (or a refusal) from the first
    killed_at: int | None = None  # acknowledged votes when the first worker was killed


def test_a_worker_killed_mid_storm_loses_no_acknowledged_vote_and_its_pages_catch_up_on_the_other(hall: Hall):
    event = hall.factory.event(slug="storm", votes_per_attendee=TOPICS)
    topics = [hall.factory.topic(event, None, title=f"Topic {n}").id for n in range(TOPICS)]
    voters = [hall.factory.attendee(event, name=f"Phone {n}") for n in range(ATTENDEES)]
    first, second = hall.first, hall.second

    async def scenario() -> tuple[Storm, list[Page]]:
        storm = Storm()
        pages = [Page(event.slug, [first.address, second.address]) for _ in range(PAGES)]
        pages += [Page(event.slug, [second.address, first.address]) for _ in range(PAGES)]
        tasks = await _open(pages)

        async def vote(http: httpx.AsyncClient, n: int, auth: dict[str, str], attendee_id: int) -> None:
            # Half the phones reach the first worker, half the second; a phone whose worker gives no
            # answer sends the same (idempotent) vote to the other, as a proxy retries elsewhere.
            workers = [first, second] if n % 2 == 0 else [second, first]
            for topic_id in topics:
                for attempt in range(4):
                    worker = workers[0]
                    try:
                        answer = await http.put(
                            f"{worker.url}/api/events/{event.slug}/topics/{topic_id}/vote", headers=auth
                        )
                    except httpx.HTTPError:
                        answer = None
                    if answer is not None and answer.status_code == 200:
                        storm.acknowledged.add((attendee_id, topic_id))
                        break
                    assert attempt < 3, f"no worker took the vote: {answer and answer.text}"
                    storm.retried += 1
                    workers.reverse()
                if len(storm.acknowledged) == KILL_AFTER and storm.killed_at is None:
                    storm.killed_at = len(storm.acknowledged)
                    first.process.send_signal(signal.SIGKILL)

        limits = httpx.Limits(max_connections=ATTENDEES)
        async with httpx.AsyncClient(limits=limits, timeout=10) as http:
            await asyncio.wait_for(
                asyncio.gather(*(vote(http, n, v.auth, v.id) for n, v in enumerate(voters))), timeout=60
            )
        _, counts, version = _stored(hall.database, event)
        for page in pages:
            await page.until(lambda p: p.version == version and p.counts == counts, timeout=15)
        await _close(tasks)
        return storm, pages

    storm, pages = asyncio.run(scenario())
    stored, counts, version = _stored(hall.database, event)

    assert storm.killed_at == KILL_AFTER
    assert first.process.wait(timeout=5) == -signal.SIGKILL
    assert storm.retried > 0  # the kill did land mid-storm
    assert storm.acknowledged <= stored, f"{len(storm.acknowledged - stored)} acknowledged votes were lost"
    assert stored == {(v.id, t) for v in voters for t in topics}  # every vote taken, each once
    for page in pages[:PAGES]:  # the killed worker's pages: reconnected to the other, caught up
        assert page.opened_on[0] == first.address and page.opened_on[-1] == second.address, page.opened_on
        assert (page.version, page.counts) == (version, counts)
    for page in pages[PAGES:]:  # the other worker's pages never left it, and saw every change
        assert page.opened_on == [second.address]
        assert (page.version, page.counts) == (version, counts)
    assert "Traceback" not in second.output(), second.output()


def test_the_auto_scheduler_runs_once_per_event_whichever_worker_is_asked(hall: Hall):
    event = hall.factory.event(slug="plan")
    rooms = [hall.factory.room(event, name=f"Room {n}", capacity=20) for n in range(2)]
    slots = [hall.factory.slot(event, starts=f"{10 + n}:00", ends=f"{10 + n}:50") for n in range(2)]
    topics = [hall.factory.topic(event, None, title=f"Topic {n}") for n in range(4)]
    for n, topic in enumerate(topics):
        hall.factory.vote(hall.factory.attendee(event, name=f"Voter {n}"), topic)
    ask = {"apply": True, "time_limit": 1.0}

    async def scenario() -> tuple[list[httpx.Response], httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as http:
            both = await asyncio.gather(
                *(http.post(f"{w.url}/api/events/{event.slug}/schedule", json=ask, headers=event.auth)
                  for w in (hall.first, hall.second))
            )  # fmt: skip
            # Once the run is over, the lock is free for either worker.
            again = await http.post(f"{hall.second.url}/api/events/{event.slug}/schedule", json=ask, headers=event.auth)
        return list(both), again

    both, again = asyncio.run(scenario())

    assert sorted(r.status_code for r in both) == [200, 409], [r.text for r in both]
    assert [r.json() for r in both if r.status_code == 409] == [{"detail": BUSY}]
    assert again.status_code == 200, again.text
    with hall.database.read_session() as session:
        placed = session.exec(select(Placement).where(Placement.event_id == event.id)).all()
    assert {(p.room_id, p.slot_id) for p in placed} == {(r.id, s.id) for r in rooms for s in slots}
