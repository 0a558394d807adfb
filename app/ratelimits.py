"""Rate limits: one person (or one script) cannot take the day down for the others.

Per attendee for what people do (proposals, edits, dots, notes saves, "I'm going"); per address for joining,
wrong join codes and live connections, generous enough that a hall of phones behind one venue address all
join in the same minute. Counted with the `limits` library (sliding windows): in this process's memory by
default, in Redis when HALLWAY_REDIS_URL is set, so that several workers share one count. Every limit is a
setting (HALLWAY_LIMIT_…, e.g. "10/minute"). The facilitator is never limited.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

from app.config import Settings

LimitName = Literal[
    "proposals", "edits", "votes", "notes_saves", "attendance", "joins", "join_code_tries", "websockets"
]

# What each limit is about, in the sentence a person reads when they reach it.
SAID: dict[str, str] = {
    "proposals": "You have proposed a lot of topics in a short time",
    "edits": "You have changed your topics many times in a short time",
    "votes": "You have moved your dots very often in a short time",
    "notes_saves": "These notes were saved very often in a short time",
    "attendance": "You have changed where you are going very often in a short time",
    "joins": "Very many people joined from this network in a short time",
    "join_code_tries": "Too many wrong join codes were tried from this network",
    "websockets": "Too many live pages were opened from this network in a short time",
}


class TooManyRequests(Exception):
    """Answered 429 with Retry-After and a sentence (app/errors.py), in place on the pages."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateLimits:
    limiter: SlidingWindowCounterRateLimiter
    items: dict[str, RateLimitItem]
    scope: str  # this deployment's name on a shared Redis (HALLWAY_REDIS_CHANNEL_PREFIX)

    @classmethod
    def of(cls, settings: Settings) -> RateLimits:
        storage = (
            storage_from_string(f"async+{settings.redis_url}", implementation="redispy")
            if settings.redis_url
            else MemoryStorage()
        )
        assert isinstance(storage, Storage)  # an async storage: the scheme says so
        items = {name: parse(getattr(settings, f"limit_{name}")) for name in SAID}
        return cls(
            limiter=SlidingWindowCounterRateLimiter(storage), items=items, scope=settings.redis_channel_prefix
        )

    async def hit(self, name: LimitName, who: str) -> None:
        """Count one more for `who` (an attendee or an address); refused in words once the limit is reached."""
        if not await self.limiter.hit(self.items[name], self.scope, name, who):
            await self._refuse(name, who)

    async def check(self, name: LimitName, who: str) -> None:
        """Refuse if the limit is reached, without counting (a wrong join code is counted only when it fails)."""
        if not await self.limiter.test(self.items[name], self.scope, name, who):
            await self._refuse(name, who)

    async def _refuse(self, name: LimitName, who: str) -> None:
        stats = await self.limiter.get_window_stats(self.items[name], self.scope, name, who)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        minutes = "a minute" if wait <= 60 else f"{math.ceil(wait / 60)} minutes"
        raise TooManyRequests(f"{SAID[name]}: please wait {minutes} and try again.", retry_after=wait)
