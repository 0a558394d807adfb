"""A graceful stop: live sockets told to reconnect (1012), the writer drained, no acknowledged write lost.

The last test runs `hallway serve` as a real process on loopback, votes through it from many connections at
once, stops it with SIGTERM in the middle of the storm, and then reads the database: every vote the server
answered 200 is there. Bounded: a few hundred requests, a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import websockets
from sqlmodel import select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.db import connect
from app.migrate import upgrade
from app.models import Vote
from app.routes.ws import CLOSE_RESTARTING, RESTARTING
from app.writer import WriterStopped
from tests.factories import Factory

REPO = Path(__file__).resolve().parents[1]


def test_live_sockets_are_told_to_reconnect_when_the_hub_stops(client: TestClient, factory: Factory):
    factory.event(slug="hall")
    with client.websocket_connect("/ws/events/hall?format=json") as live:
        assert json.loads(live.receive_text())["type"] == "snapshot"

        client.portal.call(client.app.state.hub.stop)  # type: ignore[union-attr,attr-defined]

        with pytest.raises(WebSocketDisconnect) as closed:
            live.receive_text()
    assert (closed.value.code, closed.value.reason) == (CLOSE_RESTARTING, RESTARTING)


def test_the_writer_finishes_what_is_queued_then_refuses_more(client: TestClient, factory: Factory, database):
    event = factory.event(votes_per_attendee=3)
    ada = factory.attendee(event)
    topics = [factory.topic(event, None, title=f"Topic {n}") for n in range(3)]
    writer = client.app.state.writer  # type: ignore[attr-defined]

    async def queue_three_then_stop() -> list[object]:
        from app.services import votes

        runs = [
            asyncio.ensure_future(
                writer.run(lambda s, t=t: votes.cast_vote(session=s, attendee_id=ada.id, topic_id=t.id))
            )
            for t in topics
        ]
        await asyncio.sleep(0)  # queued, not yet committed
        await writer.stop()
        results = await asyncio.gather(*runs)
        try:
            await writer.run(lambda s: votes.cast_vote(session=s, attendee_id=ada.id, topic_id=topics[0].id))
        except WriterStopped as refused:
            return [*results, refused]
        return results

    *results, refusal = client.portal.call(queue_three_then_stop)  # type: ignore[union-attr]

    assert [r.votes_left for r in results] == [2, 1, 0]  # type: ignore[attr-defined]
    assert isinstance(refusal, WriterStopped)
    with database.read_session() as session:
        assert len(session.exec(select(Vote).where(Vote.attendee_id == ada.id)).all()) == 3
    response = client.put(f"/api/events/{event.slug}/topics/{topics[0].id}/vote", headers=ada.auth)
    assert (response.status_code, response.json()) == (
        503,
        {"detail": "The server is restarting. Try again in a few seconds."},
    )


# --- A real server, stopped mid-storm ------------------------------------------------------------------

ATTENDEES = 40
TOPICS = 12  # each attendee votes on every topic, one request at a time: 480 votes at most
STOP_AFTER = 120  # acknowledged votes before SIGTERM


@dataclass
class Storm:
    acknowledged: set[tuple[int, int]] = field(default_factory=set)  # (attendee, topic) answered 200
    failed: int = 0  # no answer: refused connection, reset, 503 while stopping
    close_code: int | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Factory]]:
    """`hallway serve` on loopback, on a migrated SQLite file, as an operator starts it."""
    database_url = f"sqlite:///{tmp_path / 'hallway.db'}"
    upgrade(database_url)
    port = _free_port()
    env = {
        **os.environ,
        "HALLWAY_ENVIRONMENT": "test",
        "HALLWAY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "HALLWAY_SECRET_KEY": "shutdown-test-secret-key-that-is-long-enough-0123456789",
        "HALLWAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HALLWAY_LIMIT_VOTES": "100000/minute",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    database = connect(database_url)
    try:
        _wait_until_ready(f"http://127.0.0.1:{port}/readyz", process)
        yield f"127.0.0.1:{port}", process, Factory(database)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
        database.dispose()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server was not ready at {url} within {timeout} s")


async def _storm(
    address: str, process: subprocess.Popen[bytes], slug: str, voters: list[tuple[int, str]], topics: list[int]
) -> Storm:
    storm = Storm()
    stopped = asyncio.Event()

    async def watch() -> None:
        async with websockets.connect(f"ws://{address}/ws/events/{slug}?format=json") as live:
            try:
                async for _ in live:
                    pass
            except websockets.ConnectionClosed:
                pass
            storm.close_code = live.close_code

    async def vote(http: httpx.AsyncClient, attendee_id: int, token: str) -> None:
        for topic_id in topics:
            try:
                answer = await http.put(
                    f"/api/events/{slug}/topics/{topic_id}/vote", headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.HTTPError:
                storm.failed += 1
                return  # the server is gone: nothing more from this phone
            if answer.status_code == 200:
                storm.acknowledged.add((attendee_id, topic_id))
                if len(storm.acknowledged) == STOP_AFTER:
                    process.send_signal(signal.SIGTERM)
                    stopped.set()
            else:
                storm.failed += 1

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0.3)  # the socket is open and followed
    limits = httpx.Limits(max_connections=ATTENDEES)
    async with httpx.AsyncClient(base_url=f"http://{address}", limits=limits, timeout=10) as http:
        await asyncio.wait_for(asyncio.gather(*(vote(http, a, t) for a, t in voters)), timeout=30)
    await asyncio.wait_for(watcher, timeout=10)
    assert stopped.is_set(), "the storm ended before the server was stopped: raise TOPICS"
    return storm


def test_a_stop_mid_storm_loses_no_acknowledged_vote_and_tells_pages_to_reconnect(served):
    address, process, factory = served
    event = factory.event(slug="storm", votes_per_attendee=TOPICS)
    topics = [factory.topic(event, None, title=f"Topic {n}").id for n in range(TOPICS)]
    voters = [(a.id, a.token) for a in (factory.attendee(event, name=f"Phone {n}") for n in range(ATTENDEES))]

    storm = asyncio.run(_storm(address, process, event.slug, voters, topics))  # type: ignore[arg-type]
    exit_code = process.wait(timeout=20)
    output = process.stdout.read().decode() if process.stdout else ""

    with factory.database.read_session() as session:
        stored = {(v.attendee_id, v.topic_id) for v in session.exec(select(Vote)).all()}
    # uvicorn raises the signal again once it has shut down: the exit an init system expects from SIGTERM.
    assert exit_code == -signal.SIGTERM, output
    assert "Application shutdown complete." in output and "Traceback" not in output, output
    assert storm.close_code == CLOSE_RESTARTING
    assert len(storm.acknowledged) >= STOP_AFTER
    assert storm.acknowledged <= stored, f"{len(storm.acknowledged - stored)} acknowledged votes were lost"
    assert len(storm.acknowledged) + storm.failed < ATTENDEES * TOPICS  # it did stop mid-storm
