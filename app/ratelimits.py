"""Rate limits: one person (or one script) cannot take the day down for the others.

Per attendee for what people do (proposals, edits, dots, notes saves, "I'm going"); per address for joining,
wrong join codes and live connections, generous enough that a hall of phones behind one venue address all
join in the same minute. Counted with the `limits` library's fixed windows: in this process's memory by
default, in Redis when HALLWAY_REDIS_URL is set, so that several workers share one count. Every limit is a
setting (HALLWAY_LIMIT_…, e.g. "10/minute"). The facilitator is never limited.

With several workers, each worker counts the first eighth of a limit (WORKER_SHARE) in its own memory and only
then asks Redis, handing it everything it counted so far: a phone voting at a person's pace never costs a round
trip to Redis, which was a fifth of a worker's time in a vote storm (docs/architecture.md). The limit still holds
across the workers, give or take one share for each worker that stayed under its own.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi.routing import iter_route_contexts
from limits import RateLimitItem, parse
from limits.aio.storage import Storage as AsyncStorage
from limits.aio.strategies import FixedWindowRateLimiter as AsyncFixedWindowRateLimiter
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.i18n import _, _n, translated

LimitName = Literal[
    "proposals",
    "edits",
    "votes",
    "notes_saves",
    "attendance",
    "joins",
    "join_code_tries",
    "websockets",
    "admin_token_tries",
]

# What each limit is about, in the sentence a person reads when they reach it.
# Translators: the first half of a refusal, before ": please wait a minute and try again."
SAID: dict[str, str] = {
    "proposals": _("You have proposed a lot of topics in a short time"),
    "edits": _("You have changed your topics many times in a short time"),
    "votes": _("You have moved your dots very often in a short time"),
    "notes_saves": _("These notes were saved very often in a short time"),
    "attendance": _("You have changed where you are going very often in a short time"),
    "joins": _("Very many people joined from this network in a short time"),
    "join_code_tries": _("Too many wrong join codes were tried from this network"),
    "websockets": _("Too many live pages were opened from this network in a short time"),
    "admin_token_tries": _("Too many wrong admin tokens were tried from this network"),
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
        _count, expires = self.counts.get(key, (0, 0.0))
        return expires if expires > time.time() else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        cleared = len(self.counts)
        self.counts.clear()
        return cleared

    def clear(self, key: str) -> None:
        self.counts.pop(key, None)


@dataclass
class Pace:
    """Past a burst, one request every `interval` seconds per key; the others wait their turn, up to `max_wait`.

    nginx's `limit_req` with a `burst` (without `nodelay`), counted as the generic cell rate algorithm: one
    time per key, when the line ahead of the next request will have gone through (`due`). For what comes from
    one address: a hall of phones behind the venue's network that all join in the same instant all get in,
    one after another, while a script on that network (or anywhere) costs the others at most this rate: served
    at once, 3,000 joins in ten seconds took 46 % of the votes a second of everyone else (bench/abuse.py).
    Past `max_wait`, refused with when the line will be short enough. Not the `limits` library, which refuses
    or allows but has no turns to wait for. In this worker's memory: with several workers, each paces its own.
    """

    interval: float
    burst: int
    max_wait: float
    due: dict[str, float] = field(default_factory=dict)  # key → when its line will have gone (monotonic)
    until_sweep: int = SweptMemoryStorage.SWEEP_EVERY

    @classmethod
    def of(cls, rate: str, burst: int, max_wait: float) -> Pace:
        item = parse(rate)
        return cls(interval=item.get_expiry() / item.amount, burst=burst, max_wait=max_wait)

    def take_turn(self, who: str, now: float) -> float | None:
        """Seconds `who` waits for this turn (0: at once), the turn theirs; None if it would be past max_wait."""
        self.until_sweep -= 1
        if self.until_sweep <= 0:
            self.until_sweep = SweptMemoryStorage.SWEEP_EVERY
            self.due = {key: due for key, due in self.due.items() if due > now}
        due = max(self.due.get(who, now), now)
        wait = due - self.burst * self.interval - now
        wait = wait if wait > 1e-6 else 0.0  # at once: not a microsecond's sleep for a float's rounding
        if wait > self.max_wait:
            return None
        self.due[who] = due + self.interval
        return wait

    def retry_after(self, who: str, now: float) -> int:
        """Whole seconds until a turn for `who` would be within max_wait again."""
        wait = self.due.get(who, now) - self.burst * self.interval - now
        return max(1, math.ceil(wait - self.max_wait))


def refusal_message(name: str, wait: int) -> str:
    """The sentence of a 429: what the limit is about, and how long to wait (a minute, or more)."""
    if wait <= 60:
        return _("{what}: please wait a minute and try again.", what=SAID[name])
    return _n(
        "{what}: please wait {count} minute and try again.",
        "{what}: please wait {count} minutes and try again.",
        math.ceil(wait / 60),
        what=SAID[name],
    )


class TooManyRequests(Exception):
    """Answered 429 with Retry-After and a sentence (app/errors.py), in place on the pages."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateLimits:
    # One process: the synchronous limiter on SweptMemoryStorage (no thread, no await on the vote path).
    # Several workers: the asyncio limiter on Redis, one count for all, after this worker's share (`here`).
    local: FixedWindowRateLimiter | None
    shared: AsyncFixedWindowRateLimiter | None
    items: dict[str, RateLimitItem]
    scope: str  # this deployment's name on a shared Redis (HALLWAY_REDIS_CHANNEL_PREFIX)
    # Who was refused what, until when, and in which words: FastRefusals answers their next tries before
    # any routing or database read (a flood of refused requests must cost the others next to nothing).
    refused: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    hold_seconds: float = 1.0  # how long FastRefusals holds a repeated refusal before answering it
    here: SweptMemoryStorage = field(default_factory=SweptMemoryStorage)  # this worker's share, before Redis
    # Limits whose requests past a burst wait their turn rather than all being served at once (see Pace).
    paces: dict[str, Pace] = field(default_factory=dict)  # by limit name

    @classmethod
    def of(cls, settings: Settings) -> RateLimits:
        items = {name: parse(getattr(settings, f"limit_{name}")) for name in SAID}
        scope = settings.redis_channel_prefix
        hold = settings.refusal_hold_seconds
        paces = {}
        if settings.pace_joins:
            paces["joins"] = Pace.of(
                settings.pace_joins, settings.pace_joins_burst, settings.pace_joins_max_wait_seconds
            )
        if not settings.redis_url:
            local = FixedWindowRateLimiter(SweptMemoryStorage())
            return cls(local=local, shared=None, items=items, scope=scope, hold_seconds=hold, paces=paces)
        storage = storage_from_string(f"async+{settings.redis_url}", implementation="redispy")
        assert isinstance(storage, AsyncStorage)  # an asyncio storage: the scheme says so
        shared = AsyncFixedWindowRateLimiter(storage)
        return cls(local=None, shared=shared, items=items, scope=scope, hold_seconds=hold, paces=paces)

    async def hit(self, name: LimitName, who: str) -> None:
        """Count one more for `who` (an attendee or an address); refused in words once the limit is reached.

        A paced limit (joins, per address) first waits for `who`'s turn."""
        pace = self.paces.get(name)
        if pace is not None:
            wait = pace.take_turn(who, time.monotonic())
            if wait is None:
                retry_after = pace.retry_after(who, time.monotonic())
                raise TooManyRequests(refusal_message(name, retry_after), retry_after=retry_after)
            if wait > 0:
                await wait_turn(wait)
        item = self.items[name]
        if self.local is not None:
            allowed = self.local.hit(item, self.scope, name, who)
        else:
            assert self.shared is not None
            cost = self._beyond_share(item, name, who)
            if cost == 0:
                return
            allowed = await self.shared.hit(item, self.scope, name, who, cost=cost)
        if not allowed:
            await self._refuse(name, who)

    def _beyond_share(self, item: RateLimitItem, name: str, who: str) -> int:
        """How much to count in Redis for this hit: nothing while this worker is within its share of the limit
        in this window; at the first hit past it, everything counted here (so the share is not lost to the
        shared count); after that, one at a time."""
        share = item.amount // WORKER_SHARE
        if share == 0:
            return 1
        count = self.here.incr(f"{name}/{who}", item.get_expiry())
        if count <= share:
            return 0
        return count if count == share + 1 else 1

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
        message = refusal_message(name, wait)
        if len(self.refused) >= MAX_REMEMBERED_REFUSALS:
            now = time.time()
            for key in [key for key, (until, _) in self.refused.items() if until <= now]:
                del self.refused[key]
        if len(self.refused) < MAX_REMEMBERED_REFUSALS:
            self.refused[(name, who)] = (stats.reset_time, message)
        raise TooManyRequests(message, retry_after=wait)

    def still_refused(self, names: Iterable[str], who: str) -> TooManyRequests | None:
        """The refusal `who` got for one of these limits, while its window lasts (without counting)."""
        for name in names:
            entry = self.refused.get((name, who))
            if entry is None:
                continue
            until, message = entry
            wait = math.ceil(until - time.time())
            if wait > 0:
                return TooManyRequests(message, retry_after=wait)
            del self.refused[(name, who)]
        return None


MAX_REMEMBERED_REFUSALS = 100_000
# With several workers, the part of each limit a worker counts alone before it asks Redis (see the module's doc).
WORKER_SHARE = 8
# Checked together with a route's own limit: joining also refuses an address that tried too many wrong codes.
CHECKED_WITH: dict[str, tuple[str, ...]] = {"joins": ("join_code_tries",)}
ATTENDEE_ID = re.compile(rb"^bearer\s+(\d{1,18})\.", re.IGNORECASE)


@dataclass(frozen=True)
class LimitedRoute:
    methods: frozenset[str]
    path: re.Pattern[str]
    names: tuple[str, ...]
    per: Literal["attendee", "address"]


class FastRefusals:
    """Answers 429 before routing to an attendee or address already refused by a limit in this window.

    Without it, each refused request of a flood still went through the whole app (the event and the token
    read from the database, the dependencies, the error handler): about 1.5 ms, against 0.2 ms for a
    vote (bench/abuse.py). Here it is a dictionary lookup. Only the JSON API: a page's refusal is shown in
    place by the page. Only refusals already made are repeated: an identity enters only once a limit
    counted it (an attendee after their token was checked), so a forged token can't get someone else
    refused, and the count itself stays where it was (app/deps.py: api_limit, address_limit).

    A repeated refusal is held for a moment (HALLWAY_REFUSAL_HOLD_SECONDS) before it is answered: even a
    cheap answer costs the worker the reading of the request (about 150 µs), and a script that asks again
    the instant it is refused would make thousands a second. Held, it gets a few a second per connection,
    while a sleeping request costs nothing. At most MAX_HELD are held at once; past that, answered at once.
    """

    MAX_HELD = 2000

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.routes: list[LimitedRoute] | None = None
        self.held = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits: RateLimits | None = None
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            limits = scope["app"].state.rate_limits
        if limits is None or not limits.refused:
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope, limits)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        if limits.hold_seconds > 0 and self.held < self.MAX_HELD:
            self.held += 1
            try:
                await hold(limits.hold_seconds)
            finally:
                self.held -= 1
        body = json.dumps({"detail": translated(refusal.message)}).encode()  # in the reader's language
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(refusal.retry_after).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _refusal(self, scope: Scope, limits: RateLimits) -> TooManyRequests | None:
        if self.routes is None:
            self.routes = list(limited_routes(scope["app"].routes))
        for route in self.routes:
            if scope["method"] in route.methods and route.path.match(scope["path"]):
                who = _who(scope, route.per)
                return None if who is None else limits.still_refused(route.names, who)
        return None


async def hold(seconds: float) -> None:
    """A repeated refusal's wait (its own function, so that a test can see it asked without waiting)."""
    await asyncio.sleep(seconds)


async def wait_turn(seconds: float) -> None:
    """A paced request's wait for its turn (its own function, so that a test can see it asked without waiting)."""
    await asyncio.sleep(seconds)


def _who(scope: Scope, per: str) -> str | None:
    """The identity a limit counted, read from the raw request as app/deps.py reads it from the parsed one."""
    if per == "address":
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}"
    for name, value in scope["headers"]:
        if name == b"authorization":
            match = ATTENDEE_ID.match(value)
            return f"attendee:{int(match.group(1))}" if match else None
    return None


def limited_routes(routes: Iterable[Any]) -> Iterable[LimitedRoute]:
    """The API routes with a limit, from the marks app/deps.py puts on its limit dependencies (the routes of
    included routers are read with their full paths, as FastAPI resolves them)."""
    for context in iter_route_contexts(list(routes)):
        path, dependant = str(context.path), getattr(context.route, "dependant", None)
        if dependant is None or not path.startswith("/api/"):
            continue
        for dependency in dependant.dependencies:
            mark = getattr(dependency.call, "hallway_limit", None)
            if mark is not None:
                name, per = mark
                names = (name, *CHECKED_WITH.get(name, ()))
                yield LimitedRoute(frozenset(context.methods or ()), compile_path(path)[0], names, per)
