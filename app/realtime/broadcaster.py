"""One publish/subscribe interface, two backends: in-process (one worker) and Redis pub/sub (several).

The shape is encode/broadcaster's, written for our needs: messages are strings and delivery is at
most once (Redis pub/sub drops whatever a disconnected subscriber misses). The hub above copes with
that: every message carries the event's board version, and a gap makes it read the database instead.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

import redis.asyncio as redis


class BroadcasterUnavailable(RuntimeError):
    pass


class Broadcaster(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, channel: str, message: str) -> None: ...

    async def ping(self) -> None:
        """Return when the backend answers; raise when it doesn't (the readiness check, app/routes/operations.py)."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[str]]:
        """The channel's messages from now on; raises when the backend lost the subscription."""
        ...


class MemoryBroadcaster:
    """Everything in one process: publish hands the message to each subscriber's queue."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[asyncio.Queue[str]]] = defaultdict(set)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self._subscribers.clear()

    async def publish(self, channel: str, message: str) -> None:
        for queue in self._subscribers.get(channel, ()):
            queue.put_nowait(message)

    async def ping(self) -> None:
        pass

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._subscribers[channel].add(queue)
        try:
            yield _drain(queue)
        finally:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[channel]


async def _drain(queue: asyncio.Queue[str]) -> AsyncIterator[str]:
    while True:
        yield await queue.get()


class RedisBroadcaster:
    """Redis pub/sub: every worker, on any host, hears every change of the events its pages follow."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._redis: redis.Redis | None = None

    async def start(self) -> None:
        client = redis.Redis.from_url(self._url)
        try:
            await client.ping()
        except (redis.ConnectionError, OSError) as error:
            await client.aclose()
            raise BroadcasterUnavailable(
                f"Redis at HALLWAY_REDIS_URL ({self._url}) is not reachable: {error}. "
                "Start Redis, or unset HALLWAY_REDIS_URL to run one worker without it."
            ) from error
        self._redis = client

    async def stop(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    def _client(self) -> redis.Redis:
        if self._redis is None:
            raise BroadcasterUnavailable("The Redis broadcaster is not started.")
        return self._redis

    async def publish(self, channel: str, message: str) -> None:
        await self._client().publish(channel, message)

    async def ping(self) -> None:
        await self._client().ping()

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        pubsub = self._client().pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(channel)
        try:
            yield _listen(pubsub)
        finally:
            try:
                await pubsub.unsubscribe(channel)
            finally:
                await pubsub.aclose()


async def _listen(pubsub: redis.client.PubSub) -> AsyncIterator[str]:
    while True:
        message = await pubsub.get_message(timeout=None)
        if message is not None and message.get("type") == "message":
            data = message["data"]
            yield data.decode() if isinstance(data, bytes) else str(data)


def broadcaster_for(redis_url: str | None) -> Broadcaster:
    return RedisBroadcaster(redis_url) if redis_url else MemoryBroadcaster()
