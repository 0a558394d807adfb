"""Rate limits: one person (or one script) cannot take the day down for the others.

Per attendee for what people do (proposals, edits, dots, notes saves, "I'm going"); per address for joining,
wrong join codes and live connections, generous enough that a hall of phones behind one venue address all
join in the same minute. Counted with the `limits` library's fixed windows: in this process's memory by
default, in Redis when HALLWAY_REDIS_URL is set, so that several workers share one count. Every limit is a
setting (HALLWAY_LIMIT_…, e.g. "10/minute"). The facilitator is never limited.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

from limits import RateLimitItem, parse
from limits.aio.storage import Storage as AsyncStorage
from limits.aio.strategies import FixedWindowRateLimiter as AsyncFixedWindowRateLimiter
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

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


class SweptMemoryStorage(Storage):
    """Fixed-window counters in this process's memory, for limits' strategies: expired when read, and swept
    inline once every SWEEP_EVERY counts.

    limits' own MemoryStorage starts a thread every 10 ms (while counts come in) that walks every key to
    expire them: on the vote path, with a hall's worth of attendees, that cost 15% of the votes a second
    (bench/vote_storm.py, the limiter's call alone measures 6 µs). One worker needs no thread for this.
    """

    STORAGE_SCHEME = ["hallway-memory"]  # noqa: RUF012 (limits' registry reads this class attribute, as is)
    SWEEP_EVERY = 10_000

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.counts: dict[str, tuple[int, float]] = {}  # key → (count, expires at)
        self.until_sweep = self.SWEEP_EVERY

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        self.until_sweep -= 1
        if self.until_sweep <= 0:
            self.until_sweep = self.SWEEP_EVERY
            self.counts = {k: v for k, v in self.counts.items() if v[1] > now}
        count, expires = self.counts.get(key, (0, 0.0))
        if expires <= now:
            count, expires = 0, now + expiry
        self.counts[key] = (count + amount, expires)
        return count + amount

    def get(self, key: str) -> int:
        count, expires = self.counts.get(key, (0, 0.0))
        return count if expires > time.time() else 0

    def get_expiry(self, key: str) -> float:
        _, expires = self.counts.get(key, (0, 0.0))
        return expires if expires > time.time() else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        cleared = len(self.counts)
        self.counts.clear()
        return cleared

    def clear(self, key: str) -> None:
        self.counts.pop(key, None)


class TooManyRequests(Exception):
    """Answered 429 with Retry-After and a sentence (app/errors.py), in place on the pages."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateLimits:
    # One process: the synchronous limiter on SweptMemoryStorage (no thread, no await on the vote path).
    # Several workers: the asyncio limiter on Redis, one count for all.
    local: FixedWindowRateLimiter | None
    shared: AsyncFixedWindowRateLimiter | None
    items: dict[str, RateLimitItem]
    scope: str  # this deployment's name on a shared Redis (HALLWAY_REDIS_CHANNEL_PREFIX)

    @classmethod
    def of(cls, settings: Settings) -> RateLimits:
        items = {name: parse(getattr(settings, f"limit_{name}")) for name in SAID}
        scope = settings.redis_channel_prefix
        if not settings.redis_url:
            return cls(local=FixedWindowRateLimiter(SweptMemoryStorage()), shared=None, items=items, scope=scope)
        storage = storage_from_string(f"async+{settings.redis_url}", implementation="redispy")
        assert isinstance(storage, AsyncStorage)  # an asyncio storage: the scheme says so
        return cls(local=None, shared=AsyncFixedWindowRateLimiter(storage), items=items, scope=scope)

    async def hit(self, name: LimitName, who: str) -> None:
        """Count one more for `who` (an attendee or an address); refused in words once the limit is reached."""
        item = self.items[name]
        if self.local is not None:
            allowed = self.local.hit(item, self.scope, name, who)
        else:
            assert self.shared is not None
            allowed = await self.shared.hit(item, self.scope, name, who)
        if not allowed:
            await self._refuse(name, who)

    async def check(self, name: LimitName, who: str) -> None:
        """Refuse if the limit is reached, without counting (a wrong join code is counted only when it fails)."""
        item = self.items[name]
        if self.local is not None:
            allowed = self.local.test(item, self.scope, name, who)
        else:
            assert self.shared is not None
            allowed = await self.shared.test(item, self.scope, name, who)
        if not allowed:
            await self._refuse(name, who)

    async def _refuse(self, name: LimitName, who: str) -> None:
        item = self.items[name]
        if self.local is not None:
            stats = self.local.get_window_stats(item, self.scope, name, who)
        else:
            assert self.shared is not None
            stats = await self.shared.get_window_stats(item, self.scope, name, who)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        minutes = "a minute" if wait <= 60 else f"{math.ceil(wait / 60)} minutes"
        raise TooManyRequests(f"{SAID[name]}: please wait {minutes} and try again.", retry_after=wait)
