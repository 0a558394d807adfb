"""Live messages encoded once as a websocket frame and written as the same bytes to every socket that takes
them (app/realtime/frames.py), through a real uvicorn as `hallway serve` runs it; a compressed socket, which
needs bytes of its own, gets its messages through the ASGI send as before."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from app.main import create_app
from app.realtime import frames
from app.routes import ws as ws_route
from tests.conftest import ADMIN_TOKEN

TITLES = ["Café ☕ and 東京", "Zoë's 🧵 thread", "Plain"]


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.parametrize("size", [0, 125, 126, 65_535, 65_536, 200_000])
def test_a_text_frame_reads_back_as_the_same_message_at_every_length_header(size):
    message = ("é☕a" * size)[:size]  # characters of 2, 3 and 1 bytes: the header counts bytes, not characters
    reader = ClientProtocol(parse_uri("ws://hallway.test/"), state=State.OPEN, max_size=None)

    reader.receive_data(frames.text_frame(message))

    [frame] = reader.events_received()
    assert frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode() == message


@contextlib.asynccontextmanager
async def _served(settings, *, compression: bool) -> AsyncIterator[str]:
    """The app under uvicorn on a free loopback port, with `hallway serve`'s websocket settings."""
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=0,
        ws="websockets-sansio",
        ws_per_message_deflate=compression,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        yield f"{host}:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def writers(monkeypatch) -> list[Any]:
    """Each socket's frame writer as the route got it (None: the socket is sent to through ASGI), counting
    the frames it wrote."""
    made: list[Any] = []

    def counting(send: Any) -> Any:
        write = frames.frame_writer(send)
        if write is None:
            made.append(None)
            return None
        written = {"frames": 0}

        def counted(frame: bytes) -> bool:
            done = write(frame)
            written["frames"] += done
            return done

        made.append(written)
        return counted

    monkeypatch.setattr(ws_route, "frame_writer", counting)
    return made


async def _follow_while_proposing(address: str, *, compression: str | None) -> list[dict[str, Any]]:
    """A script follows a new event's board while its facilitator proposes TITLES, one after the other."""
    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        created = await http.post(
            "/api/events",
            json={"name": "Frames", "slug": "frames", "timezone": "UTC", "date": "2026-11-24"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert created.status_code == 201, created.text
        key = {"Authorization": f"Bearer {created.json()['facilitator_key']}"}
        async with connect(f"ws://{address}/ws/events/frames?format=json", compression=compression) as socket:
            received = [json.loads(await socket.recv())]  # the snapshot
            for title in TITLES:
                answer = await http.post("/api/events/frames/topics", json={"title": title}, headers=key)
                assert answer.status_code == 201, answer.text
                while not any(t["title"] == title for t in received[-1].get("topics", [])):
                    received.append(json.loads(await asyncio.wait_for(socket.recv(), 5)))
            return received


@pytest.mark.anyio
async def test_a_page_on_hallway_serve_gets_every_update_from_the_frame_written_once(settings, writers, backend):
    async with _served(settings, compression=False) as address:
        received = await _follow_while_proposing(address, compression=None)

    assert received[0]["type"] == "snapshot"
    updates = received[1:]
    assert [u["topics"][0]["title"] for u in updates] == TITLES  # each whole, in order, non-ASCII intact
    assert [u["version"] for u in updates] == sorted({u["version"] for u in updates})
    [written] = writers
    assert written is not None and written["frames"] == len(updates)  # none went through ASGI send


@pytest.mark.anyio
async def test_a_compressed_socket_gets_every_update_through_the_asgi_send(settings, writers, backend):
    async with _served(settings, compression=True) as address:
        received = await _follow_while_proposing(address, compression="deflate")

    assert [u["topics"][0]["title"] for u in received[1:]] == TITLES
    assert writers == [None]  # its bytes are its own: no shared frame is written to it
