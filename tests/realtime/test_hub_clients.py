"""A client of the hub: sent at once when its socket takes it, left to its sender when the socket is
full, dropped when it falls too far behind; never a message lost or reordered for a client that reads."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from app.realtime.hub import CLIENT_QUEUE_LIMIT, Client


@pytest.fixture
def anyio_backend():
    return "asyncio"


class Socket:
    """A socket whose buffer has room (sends at once) until `full` is set, then waits to drain."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.drained = asyncio.Event()
        self.drained.set()

    async def send_text(self, message: str) -> None:
        await self.drained.wait()  # like uvicorn: wait for room first, then write
        self.sent.append(message)


async def _sender(client: Client, socket: Socket) -> None:
    while (message := await client.next_message()) is not None:
        client.sending = True
        await socket.send_text(message)
        client.sending = False


@pytest.mark.anyio
async def test_idle_client_is_sent_the_message_at_once_without_waking_its_sender():
    socket, client = Socket(), Client("json")
    client.transmit = socket.send_text
    sender = asyncio.create_task(_sender(client, socket))
    await asyncio.sleep(0)

    client.offer("v1")

    assert socket.sent == ["v1"]  # before the loop ran anything else
    client.close()
    await sender


@pytest.mark.anyio
async def test_a_full_socket_leaves_the_message_to_the_sender_which_sends_it_once_in_order():
    socket, client = Socket(), Client("json")
    client.transmit = socket.send_text
    sender = asyncio.create_task(_sender(client, socket))
    await asyncio.sleep(0)
    socket.drained.clear()  # the client stopped reading for a moment

    client.offer("v1")
    client.offer("v2")
    await asyncio.sleep(0.01)
    assert socket.sent == []
    socket.drained.set()
    await asyncio.sleep(0.01)

    assert socket.sent == ["v1", "v2"]
    client.close()
    await sender


@pytest.mark.anyio
async def test_a_client_that_falls_too_far_behind_is_dropped_and_its_stuck_sender_stopped():
    socket, client = Socket(), Client("json")
    client.transmit = socket.send_text
    sender = asyncio.create_task(_sender(client, socket))
    client.sender = sender
    await asyncio.sleep(0)
    socket.drained.clear()  # never reads again

    for version in range(CLIENT_QUEUE_LIMIT + 2):
        client.offer(f"v{version}")
        await asyncio.sleep(0)

    assert client.dropped is True
    with pytest.raises(asyncio.CancelledError):
        await sender
    assert await client.next_message() is None
    assert socket.sent == []


@pytest.mark.anyio
async def test_closing_an_idle_client_ends_its_sender():
    client = Client("wall")
    waiting = asyncio.create_task(client.next_message())
    await asyncio.sleep(0)

    client.close()

    assert await waiting is None


class FrameSink:
    """A socket written to directly (app/realtime/frames.py): takes frames while `open`, refuses otherwise."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []
        self.open = True

    def write(self, frame: bytes) -> bool:
        if self.open:
            self.frames.append(frame)
        return self.open


@contextlib.asynccontextmanager
async def _followed_by_a_frame_sink() -> AsyncIterator[tuple[Socket, FrameSink, Client]]:
    """An idle client whose socket takes frames directly (FrameSink) and messages through its send (Socket)."""
    socket, sink, client = Socket(), FrameSink(), Client("json")
    client.transmit, client.write_frame = socket.send_text, sink.write
    sender = asyncio.create_task(_sender(client, socket))
    await asyncio.sleep(0)
    yield socket, sink, client
    client.close()
    await sender


@pytest.mark.anyio
async def test_an_idle_client_is_written_the_shared_frame_and_not_sent_the_message_again():
    async with _followed_by_a_frame_sink() as (socket, sink, client):
        client.offer("v1", b"frame of v1")
        await asyncio.sleep(0.01)

    assert sink.frames == [b"frame of v1"] and socket.sent == []


@pytest.mark.anyio
async def test_a_socket_that_refuses_the_frame_gets_the_message_through_its_send():
    async with _followed_by_a_frame_sink() as (socket, sink, client):
        sink.open = False  # paused for a slow reader, or closing
        client.offer("v1", b"frame of v1")
        await asyncio.sleep(0.01)

    assert sink.frames == [] and socket.sent == ["v1"]


@pytest.mark.anyio
async def test_a_client_with_messages_waiting_gets_no_frame_before_them():
    async with _followed_by_a_frame_sink() as (socket, sink, client):
        socket.drained.clear()  # the sender is stuck on v1
        client.offer("v1")  # a catch-up message: no frame
        await asyncio.sleep(0)
        client.offer("v2", b"frame of v2")
        client.offer("v3", b"frame of v3")
        socket.drained.set()
        await asyncio.sleep(0.01)

    assert sink.frames == []  # written directly, v2 would have overtaken v1
    assert socket.sent == ["v1", "v2", "v3"]
