"""Abuse: one attacker floods a running server while the honest attendees vote; what got through, what it cost.

    .venv/bin/python bench/abuse.py --spawn                    # a fresh server on a temp SQLite (about 4 minutes)
    .venv/bin/python bench/abuse.py --spawn --seconds 5 --hall-spread 20
    .venv/bin/python bench/abuse.py --url http://127.0.0.1:8000 --admin-token …

What it does, in one run:
1. The hall joins at once: --hall attendees (2,000) join from one address in a burst, as a room of phones
   behind the venue's network does when the QR code goes up. Every one must get in, each within a minute
   (past a burst of 100, the server gives joins from one address turns at 40 a second). They are the honest
   attendees of what follows.
2. Baseline: bench/vote_storm.py's storm (the honest attendees put dots on and take them back through the
   API, --concurrency connections) for --seconds: votes/s and p99.
3. The same storm again while one attacker floods, one flood at a time: proposals, proposals from many
   identities, joins, wrong join codes, notes saves of 150 KB, websocket opens, edits, hostile text. For
   each: requests sent, answered 2xx (got through), 429 (refused by a limit, with Retry-After), other 4xx,
   5xx (must be 0); whether the 2xx stayed within the configured limit; the honest storm's votes/s, p99
   and its cost (target: under 10 %). After each flood the storm runs alone again, and a flood's cost is
   against the mean of the baselines just before and just after it: over a run of 4 minutes the honest
   rate here drifted by up to a third with no flood at all, which a single first baseline counted as cost.
   The first row is a control, not an attack: 404s at 40 a second (--control-rate), what any traffic at the
   joins' pace costs the storm on this machine.
4. The hall again, spread: --hall attendees from another address, evenly over --hall-spread seconds.

Addresses. Per-address limits (joins, wrong codes, websockets) count by the address the server sees. On a
loopback server the attacker and the halls each take an address of their own in 127.0.0.0/8, so each
flood starts from a fresh window and the halls are counted apart from the attacker. Against another host
every request comes from this machine's one address: the join flood then eats into the halls' allowance,
as an attacker sitting in the venue's network would.

The attacker runs in this process, the honest storm in another; both share the machine with the server,
so the attacker's own CPU is part of what the storm loses here (it would not be on a real deployment).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import multiprocessing
import os
import random
import string
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fanout import ServerProcess, cpu_seconds, expect, raise_nofile, spawn_hallway, storm_worker  # noqa: E402
from bench.vote_storm import DEFAULT_ADMIN_TOKEN, ClientResult, Setup, percentile  # noqa: E402

BUDGET = 5  # dots an honest attendee cycles through, as in bench/vote_storm.py
JOIN_CODE = "open-space-2026"
NOTES_KB = 150
# Characters no stored text may keep: lone surrogates (unencodable), zero-width and bidi controls, NUL, BOM.
HOSTILE = ("\ud800", "\udfff", "\u200b", "\u202e", "\u2066", "\x00", "\ufeff", "\u180e")


# --- counting what the server answered ------------------------------------------------------------------


@dataclass
class Tally:
    sent: int = 0
    ok: int = 0  # 2xx: got through
    limited: int = 0  # 429 with Retry-After
    limited_bare: int = 0  # 429 without Retry-After: a limit that does not say when to come back
    refused: Counter[int] = field(default_factory=Counter)  # other 4xx
    server_errors: Counter[int] = field(default_factory=Counter)  # 5xx
    failed: int = 0  # connection errors and time-outs
    kept_hostile: int = 0  # 2xx whose answer still holds a hostile character
    examples: dict[str, str] = field(default_factory=dict)  # what drew each 5xx, first of each

    def record(self, status: int, retry_after: str | None, what: str = "") -> None:
        if 200 <= status < 300:
            self.ok += 1
        elif status == 429:
            if retry_after and retry_after.isdigit():
                self.limited += 1
            else:
                self.limited_bare += 1
        elif status >= 500:
            self.server_errors[status] += 1
            self.examples.setdefault(f"{status} {what}", what)
        else:
            self.refused[status] += 1


async def send(http: aiohttp.ClientSession, tally: Tally, method: str, path: str, *, what: str = "",
               **kwargs: Any) -> tuple[int, bytes]:  # fmt: skip
    """One request of the flood, counted; (status, body), or (0, b"") when the connection failed."""
    tally.sent += 1
    try:
        async with http.request(method, path, **kwargs) as response:
            body = await response.read()
            tally.record(response.status, response.headers.get("Retry-After"), what or f"{method} {path[:60]}")
            return response.status, body
    except (aiohttp.ClientError, TimeoutError):
        tally.failed += 1
        return 0, b""


def holds_hostile(body: bytes, notes: bool = False) -> bool:
    """Whether a JSON answer still carries one of the HOSTILE characters in its strings.

    Notes are free Markdown that keeps invisible and bidi characters on purpose (right-to-left writing
    needs them; the text is echoed to someone still typing): there only the unstorable ones count, and
    the link, which must not look like another address.
    """
    try:
        found = json.loads(body)
    except ValueError:
        return False
    if notes and isinstance(found, dict):
        link = str(found.get("continue_url", ""))
        return any(ch in link for ch in HOSTILE) or holds(found, ("\ud800", "\udfff", "\x00"))
    return holds(found, HOSTILE)


def holds(found: Any, characters: tuple[str, ...]) -> bool:
    stack = [found]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any(ch in item for ch in characters):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# --- the event under test -------------------------------------------------------------------------------


@dataclass
class Venue:
    """The event, its wall, and where everyone connects from."""

    url: str
    slug: str
    key: str
    topic_ids: list[int]  # what the honest storm votes on
    notes_topic: int  # a placed session whose notes the attacker floods
    honest: list[tuple[int, str]] = field(default_factory=list)  # (id, token), from the hall's burst
    loopback: bool = False
    next_address: int = 10

    @property
    def facilitator(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def address(self) -> str | None:
        """A fresh source address on a loopback server (a fresh window for every per-address limit)."""
        if not self.loopback:
            return None
        self.next_address += 1
        return f"127.0.0.{self.next_address}"

    def session(self, address: str | None, connections: int, timeout: float = 30) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=connections, local_addr=(address, 0) if address else None)
        return aiohttp.ClientSession(self.url, connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def prepare(url: str, args: argparse.Namespace, loopback: bool) -> Venue:
    async with aiohttp.ClientSession(url) as http:
        slug = f"abuse-{random.randrange(16**8):08x}"
        # The honest attendees vote in one storm after another, each picking up where the last stopped with
        # up to BUDGET dots still held; a budget that leaves room for every storm keeps them from 409s
        # (the budget is still checked on every vote, at the same cost).
        body = {"name": "Abuse", "slug": slug, "timezone": "UTC", "date": "2026-11-24", "join_code": JOIN_CODE,
                "votes_per_attendee": BUDGET * (len(FLOODS) + 2)}  # fmt: skip
        admin = {"Authorization": f"Bearer {args.admin_token}"}
        created = await expect(http.post("/api/events", json=body, headers=admin), 201)
        auth = {"Authorization": f"Bearer {created['facilitator_key']}"}
        # The floods run one after another on this one event: its cap on topics (300 by default) would stop
        # the later ones at their first proposal once the sybil flood has filled it. Raised to the most a
        # facilitator can set, so that each row measures the per-attendee limits it is about.
        await expect(http.patch(f"/api/events/{slug}", json={"voting_open": True, "topic_limit": 5000}, headers=auth),
                     200)  # fmt: skip
        topic_ids = [
            (await expect(http.post(f"/api/events/{slug}/topics", json={"title": f"Topic {n + 1}"}, headers=auth),
                          201))["id"]
            for n in range(args.topics)
        ]  # fmt: skip
        room = await expect(http.post(f"/api/events/{slug}/rooms", json={"name": "Room 1", "capacity": 30},
                                      headers=auth), 201)  # fmt: skip
        slot_body = {"starts_at": "2026-11-24T10:00:00", "ends_at": "2026-11-24T10:50:00", "kind": "sessions"}
        slot = await expect(http.post(f"/api/events/{slug}/slots", json=slot_body, headers=auth), 201)
        notes = await expect(http.post(f"/api/events/{slug}/topics", json={"title": "Notes under fire"},
                                       headers=auth), 201)  # fmt: skip
        await expect(http.put(f"/api/events/{slug}/topics/{notes['id']}/placement",
                              json={"room_id": room["id"], "slot_id": slot["id"]}, headers=auth), 200)  # fmt: skip
    return Venue(url, slug, created["facilitator_key"], topic_ids, notes["id"], loopback=loopback)


# --- the hall joining ----------------------------------------------------------------------------------


@dataclass
class HallResult:
    people: int
    joined: list[tuple[int, str]]
    refused: Counter[int]
    seconds: float
    waits: list[float] = field(default_factory=list)  # each phone's seconds from its tap to its answer

    def waited(self) -> str:
        if not self.waits:
            return ""
        waits = sorted(self.waits)
        return f"; a phone waited {percentile(waits, 0.5):.1f} s (median), {waits[-1]:.1f} s at most"


async def hall_joins(venue: Venue, people: int, spread: float, address: str | None) -> HallResult:
    """`people` join from one address: all at once (spread 0) or one every spread/people seconds.

    Each phone waits up to a minute for its answer: the issue asks that a hall behind one address all join
    within one minute, and past a burst the server paces joins from one address (app/ratelimits.py: Pace)."""
    joined: list[tuple[int, str]] = []
    refused: Counter[int] = Counter()
    waits: list[float] = []
    async with venue.session(address, connections=people, timeout=60) as http:

        async def join(n: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            body = {"display_name": f"Phone {n + 1}", "join_code": JOIN_CODE}
            tapped = time.monotonic()
            try:
                async with http.post(f"/api/events/{venue.slug}/attendees", json=body) as response:
                    if response.status == 201:
                        answer = await response.json()
                        joined.append((answer["id"], answer["token"]))
                        waits.append(time.monotonic() - tapped)
                    else:
                        refused[response.status] += 1
            except (aiohttp.ClientError, TimeoutError):
                refused[0] += 1

        began = time.monotonic()
        await asyncio.gather(*(join(n, began + spread * n / people) for n in range(people)))
    return HallResult(people, joined, refused, time.monotonic() - began, waits)


# --- the attacker --------------------------------------------------------------------------------------


@dataclass
class Attack:
    venue: Venue
    http: aiohttp.ClientSession
    tally: Tally
    stop: asyncio.Event
    concurrency: int
    address: str | None = None  # the attacker's source address
    identities: int = 1  # attendees the attacker joins as (the ceiling of per-attendee limits scales with it)
    control_rate: float = 40.0  # requests a second of the control row
    held_sockets: int = 0

    async def join(self, name: str = "Mallory") -> dict[str, str]:
        body = {"display_name": name, "join_code": JOIN_CODE}
        joined = await expect(self.http.post(f"/api/events/{self.venue.slug}/attendees", json=body), 201)
        return {"Authorization": f"Bearer {joined['token']}"}

    async def hammer(self, request: Callable[[int], Awaitable[None]]) -> None:
        """`concurrency` loops, each sending request(i) back to back until the storm is over."""

        async def loop(n: int) -> None:
            i = n
            while not self.stop.is_set():
                await request(i)
                i += self.concurrency

        await asyncio.gather(*(loop(n) for n in range(self.concurrency)))


def _path(attack: Attack, rest: str = "") -> str:
    return f"/api/events/{attack.venue.slug}{rest}"


async def flood_proposals(attack: Attack) -> None:
    auth = await attack.join()

    async def propose(i: int) -> None:
        await send(attack.http, attack.tally, "POST", _path(attack, "/topics"), headers=auth,
                   json={"title": f"Buy cheap watches {i}", "description": "x" * 1500})  # fmt: skip

    await attack.hammer(propose)


async def flood_proposals_sybil(attack: Attack) -> None:
    """Proposals from many attendees the attacker joined as: per-attendee limits multiply by the identities."""
    auths = [await attack.join(f"Mallory {n}") for n in range(attack.identities)]

    async def propose(i: int) -> None:
        await send(attack.http, attack.tally, "POST", _path(attack, "/topics"), headers=auths[i % len(auths)],
                   json={"title": f"Buy cheap watches {i}"})  # fmt: skip

    await attack.hammer(propose)


async def flood_joins(attack: Attack) -> None:
    async def join(i: int) -> None:
        await send(attack.http, attack.tally, "POST", _path(attack, "/attendees"),
                   json={"display_name": f"Bot {i}", "join_code": JOIN_CODE})  # fmt: skip

    await attack.hammer(join)


async def flood_wrong_codes(attack: Attack) -> None:
    async def guess(i: int) -> None:
        await send(attack.http, attack.tally, "POST", _path(attack, "/attendees"),
                   json={"display_name": "Guesser", "join_code": f"{i:06d}"})  # fmt: skip

    await attack.hammer(guess)


def notes_text(seed: int) -> str:
    """About NOTES_KB of Markdown, lines of words, different for every seed."""
    rng = random.Random(seed)
    lines, size = [], 0
    while size < NOTES_KB * 1024:
        line = "- " + " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(10))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


async def flood_notes(attack: Attack) -> None:
    """150 KB saves on the latest version, several at once: the ones that lose the race are merged."""
    auth = await attack.join()
    texts = [notes_text(seed) for seed in range(4)]
    path = _path(attack, f"/topics/{attack.venue.notes_topic}/notes")
    version = (await expect(attack.http.get(path, headers=auth), 200))["version"]

    async def save(i: int) -> None:
        nonlocal version
        status, body = await send(attack.http, attack.tally, "PUT", path, headers=auth,
                                  json={"body": texts[i % len(texts)], "base_version": version})  # fmt: skip
        if status == 200:
            version = max(version, json.loads(body)["version"])

    await attack.hammer(save)


async def flood_websockets(attack: Attack) -> None:
    """Live board sockets opened as fast as they come, and held open until the storm is over."""
    held: list[aiohttp.ClientWebSocketResponse] = []
    path = _path(attack, "").replace("/api/events/", "/ws/events/") + "?format=json&since=0"
    tally = attack.tally

    async def open_one(i: int) -> None:
        tally.sent += 1
        try:
            ws = await sockets.ws_connect(path, autoping=True, max_msg_size=0)
        except aiohttp.WSServerHandshakeError as refused:
            tally.record(refused.status, refused.headers.get("Retry-After") if refused.headers else None, "ws")
            return
        except (aiohttp.ClientError, TimeoutError, OSError):
            tally.failed += 1
            return
        try:
            first = await ws.receive(timeout=5)
        except TimeoutError:
            first = None
        if first is not None and first.type == aiohttp.WSMsgType.TEXT:
            tally.ok += 1
            held.append(ws)
            return
        # A refusal after the handshake: 1013 (try again later) is the limit, the reason saying when.
        code = ws.close_code or 0
        if code == 1013:
            tally.limited += 1
        elif code >= 1011 or code == 0:
            tally.server_errors[code] += 1
        else:
            tally.refused[code] += 1
        await ws.close()

    async def drain() -> None:
        # The held sockets read what the server sends them, as a browser tab would.
        while not attack.stop.is_set():
            await asyncio.sleep(0.5)
            for ws in list(held):
                while not ws.closed:
                    try:
                        await ws.receive(timeout=0.0001)
                    except TimeoutError:
                        break

    # A connector of their own without a cap: held sockets keep their connection, and would fill attack.http's.
    async with attack.venue.session(attack.address, connections=0) as sockets:
        drainer = asyncio.create_task(drain())
        await attack.hammer(open_one)
        drainer.cancel()
        attack.held_sockets = len(held)
        await asyncio.gather(*(ws.close() for ws in held), return_exceptions=True)


async def flood_edits(attack: Attack) -> None:
    auth = await attack.join()
    topic = await expect(attack.http.post(_path(attack, "/topics"), json={"title": "Mine"}, headers=auth), 201)

    async def edit(i: int) -> None:
        await send(attack.http, attack.tally, "PATCH", _path(attack, f"/topics/{topic['id']}"), headers=auth,
                   json={"title": f"Mine, edited {i}", "description": "y" * (i % 2000)})  # fmt: skip

    await attack.hammer(edit)


def hostile_cases(attack: Attack, auth: dict[str, str], topic_id: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(what, method, path, request arguments): every text field, with what no field should store or choke on."""
    notes = _path(attack, f"/topics/{attack.venue.notes_topic}/notes")
    join, topics, topic = _path(attack, "/attendees"), _path(attack, "/topics"), _path(attack, f"/topics/{topic_id}")
    lone, invisible, bidi = "Ann\ud800e", "A\u200bn\u200bn\ufeff", "\u202eevil\u2066"
    raw = {"Content-Type": "application/json"}
    cases: list[tuple[str, str, str, dict[str, Any]]] = []
    for label, text in (("lone surrogate", lone), ("invisible characters", invisible), ("bidi controls", bidi),
                        ("NUL", "Ann\x00e"), ("only invisible", "\u200b\u200d\ufeff")):  # fmt: skip
        cases += [
            (f"name, {label}", "POST", join, {"json": {"display_name": text, "join_code": JOIN_CODE}}),
            (f"join code, {label}", "POST", join, {"json": {"display_name": "Ann", "join_code": text}}),
            (f"title, {label}", "POST", topics, {"json": {"title": text, "description": text}, "headers": auth}),
            (f"edit, {label}", "PATCH", topic, {"json": {"title": text, "description": text}, "headers": auth}),
            (
                f"notes, {label}",
                "PUT",
                notes,
                {
                    "headers": auth,
                    "json": {
                        "body": text,
                        "base_version": 0,
                        "key_points": text,
                        "actions": text,
                        "attendees_text": text,
                        "continue_url": f"https://example.org/{text}",
                    },
                },
            ),
            (f"search, {label}", "GET", topics, {"params": {"q": text}}),
        ]
    cases += [
        ("name, 2 MB body", "POST", join, {"json": {"display_name": "A" * 2_000_000, "join_code": JOIN_CODE}}),
        ("name, 900 KB", "POST", join, {"json": {"display_name": "A" * 900_000, "join_code": JOIN_CODE}}),
        (
            "description, 900 KB",
            "POST",
            topics,
            {"json": {"title": "Long", "description": "d" * 900_000}, "headers": auth},
        ),
        (
            "notes, 900 KB of one line",
            "PUT",
            notes,
            {"json": {"body": "n" * 900_000, "base_version": 0}, "headers": auth},
        ),
        (
            "notes, 195 KB of emoji",
            "PUT",
            notes,
            {"json": {"body": "👩‍💻" * 18_000, "base_version": 0}, "headers": auth},
        ),
        (
            "body, bytes that are not UTF-8",
            "POST",
            topics,
            {"data": b'{"title": "\xff\xfe\xfd"}', "headers": {**auth, **raw}},
        ),
        (
            "body, JSON nested 100,000 deep",
            "POST",
            topics,
            {"data": b"[" * 100_000 + b"]" * 100_000, "headers": {**auth, **raw}},
        ),
        (
            "body, a 5,000-digit number",
            "PUT",
            notes,
            {"data": b'{"body": "x", "base_version": 1' + b"0" * 5000 + b"}", "headers": {**auth, **raw}},
        ),
        ("body, a string where an object goes", "POST", join, {"json": "Ann"}),
        ("search, bytes that are not UTF-8", "GET", topics + "?q=%ED%A0%80%FF", {}),
        ("slug, bytes that are not UTF-8", "GET", "/api/events/%ED%A0%80%FF/topics", {}),
        ("topic id, 30 digits", "GET", topics + "/" + "9" * 30, {}),
        ("token, not ours", "POST", topics, {"json": {"title": "x"}, "headers": {"Authorization": "Bearer 1.%00é"}}),
        ("token, 8 KB", "POST", topics, {"json": {"title": "x"}, "headers": {"Authorization": "Bearer " + "t" * 8000}}),
        (
            "Idempotency-Key, 4 KB",
            "POST",
            topics,
            {"json": {"title": "Keyed"}, "headers": {**auth, "Idempotency-Key": "k" * 4000}},
        ),
    ]
    return [(what, method, path, encoded(kwargs)) for what, method, path, kwargs in cases]


def encoded(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A case's JSON body encoded once, as aiohttp would (json.dumps), instead of at every send: a real
    attacker encodes on their own machine, and here 900 KB bodies encoded per request took the CPU the
    server and the honest storm share."""
    if "json" not in kwargs:
        return kwargs
    rest = {k: v for k, v in kwargs.items() if k != "json"}
    headers = {**rest.pop("headers", {}), "Content-Type": "application/json"}
    return {**rest, "data": json.dumps(kwargs["json"]).encode(), "headers": headers}


async def flood_hostile(attack: Attack) -> None:
    """Every case in turn, round after round; a 2xx must not hand back any hostile character it stored."""
    auth = await attack.join()
    topic = await expect(attack.http.post(_path(attack, "/topics"), json={"title": "Target"}, headers=auth), 201)
    cases = hostile_cases(attack, auth, topic["id"])

    async def one(i: int) -> None:
        what, method, path, kwargs = cases[i % len(cases)]
        status, body = await send(attack.http, attack.tally, method, path, what=what, **kwargs)
        if 200 <= status < 300 and method != "GET" and holds_hostile(body, notes=path.endswith("/notes")):
            attack.tally.kept_hostile += 1
            attack.tally.examples.setdefault(f"kept: {what}", what)

    await attack.hammer(one)


@dataclass(frozen=True)
class Flood:
    name: str
    run: Callable[[Attack], Awaitable[None]]
    limit: str | None  # the setting (limit_…) its 2xx must stay under, per identity and per window
    per_identity: bool = False
    # What the limit bounds: the 2xx, but for wrong codes the refusals (each a guess), and for notes the
    # 409s too (a save that clashed is kept as a revision, 150 KB stored all the same).
    through: Callable[[Tally], int] = lambda t: t.ok


async def flood_control(attack: Attack) -> None:
    """Not an attack: requests for an address that answers 404 (no database, no limit), at a fixed rate (the joins'
    pace by default). What any traffic at that rate costs the storm on this machine, for the rows to be read by."""
    began, sent = time.monotonic(), 0
    path = _path(attack, "/nothing-here")
    tasks: list[asyncio.Task[tuple[int, bytes]]] = []
    while not attack.stop.is_set():
        await asyncio.sleep(max(0.0, began + sent / attack.control_rate - time.monotonic()))
        tasks.append(asyncio.create_task(send(attack.http, attack.tally, "GET", path)))
        sent += 1
    await asyncio.gather(*tasks, return_exceptions=True)


FLOODS = [
    Flood("control: 404s at the joins' pace", flood_control, None),
    Flood("proposals", flood_proposals, "limit_proposals"),
    Flood("proposals, 50 identities", flood_proposals_sybil, "limit_proposals", per_identity=True),
    Flood("joins, one address", flood_joins, "limit_joins"),
    Flood("wrong join codes", flood_wrong_codes, "limit_join_code_tries", through=lambda t: t.refused[403] + t.ok),
    Flood(f"notes saves of {NOTES_KB} KB", flood_notes, "limit_notes_saves", through=lambda t: t.ok + t.refused[409]),
    Flood("websocket opens", flood_websockets, "limit_websockets"),
    Flood("edits", flood_edits, "limit_edits"),
    Flood("hostile text", flood_hostile, None),
]


# --- the honest storm, with or without an attacker --------------------------------------------------------


@dataclass
class Row:
    name: str
    storm: ClientResult
    seconds: float  # how long the flood ran (the storm's duration plus its start)
    server_cores: float | None
    attacker_cores: float = 0.0  # this process's CPU over the row: the attacker's own, on the server's cores here
    tally: Tally | None = None
    # The honest rate without a flood, measured just before and just after this one (see run): the cost is
    # against their mean, so that the machine's drift over a run (other loads, the event growing with what
    # the floods left) is not counted as the flood's.
    reference: float | None = None
    ceiling: int | None = None  # the most the limit lets through in that time
    through: int = 0  # what the limit bounds (Flood.through)
    note: str = ""

    @property
    def rate(self) -> float:
        return (self.storm.puts + self.storm.deletes) / self.storm.wall

    @property
    def cost(self) -> float | None:
        """The % of the honest votes/s this flood took, against the baselines around it."""
        return None if self.reference is None else (self.reference - self.rate) / self.reference * 100

    @property
    def p99_ms(self) -> float:
        return percentile(sorted(self.storm.latencies), 0.99) * 1000

    @property
    def honest_errors(self) -> int:
        return sum(self.storm.non_2xx.values()) + self.storm.failures

    @property
    def held(self) -> bool:
        if self.tally is None or self.ceiling is None:
            return True
        return self.through <= self.ceiling


async def storm_under(venue: Venue, args: argparse.Namespace, flood: Flood | None,
                      server: ServerProcess | None) -> Row:  # fmt: skip
    setup = Setup(venue.slug, venue.key, BUDGET, venue.topic_ids, venue.honest[: args.attendees])
    ns = argparse.Namespace(concurrency=args.concurrency, clients=1, duration=args.seconds, timeout=30.0)
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    worker = context.Process(target=storm_worker, args=(venue.url, setup, ns, out))
    tally, stop = Tally(), asyncio.Event()
    cpu0 = cpu_seconds(server.pid) if server else None
    attacker_cpu0 = time.process_time()
    began = time.monotonic()
    address = venue.address()
    async with venue.session(address, connections=args.attack_concurrency) as http:
        attack = Attack(venue, http, tally, stop, args.attack_concurrency, address, identities=args.identities,
                        control_rate=args.control_rate)  # fmt: skip
        attacker = asyncio.create_task(flood.run(attack)) if flood else None
        worker.start()
        storm: ClientResult = await asyncio.get_running_loop().run_in_executor(None, out.get)
        stop.set()
        worker.join()
        seconds = time.monotonic() - began
        server_cores = (cpu_seconds(server.pid) - cpu0) / seconds if server and cpu0 is not None else None
        if attacker:
            await attacker
        attacker_cores = (time.process_time() - attacker_cpu0) / seconds
    if flood is None:
        return Row("none (baseline)", storm, seconds, server_cores, attacker_cores)
    row = Row(flood.name, storm, seconds, server_cores, attacker_cores, tally, through=flood.through(tally))
    if flood.limit and args.limits:
        allowed = args.limits[flood.limit]
        windows = 1 + math.floor(seconds / allowed.get_expiry())
        row.ceiling = allowed.amount * windows * (attack.identities if flood.per_identity else 1)
    if flood.run is flood_websockets:
        row.note = f"{attack.held_sockets:,} held open"
    return row


# --- the report -----------------------------------------------------------------------------------------


def print_table(rows: list[Row], halls: list[tuple[str, HallResult]], target: float) -> bool:
    base = rows[0]
    header = ("flood", "sent", "/s", "2xx", "429", "other 4xx", "5xx", "limited to", "votes/s", "p99 ms", "cost",
              "honest non-2xx", "server cores", "attacker cores")  # fmt: skip
    lines = []
    for row in rows:
        t = row.tally
        if t is None:
            cells = [row.name, "", "", "", "", "", "", ""]
        else:
            limit = (
                "n/a"
                if row.ceiling is None
                else f"{row.through:,} of ≤ {row.ceiling:,}" + ("" if row.held else " BROKEN")
            )
            other = sum(t.refused.values())
            cells = [row.name, f"{t.sent:,}", f"{t.sent / row.seconds:,.0f}", f"{t.ok:,}",
                     f"{t.limited:,}" + (f" (+{t.limited_bare} bare)" if t.limited_bare else ""),
                     f"{other:,}" + (f" {dict(t.refused.most_common(3))}" if other else ""),
                     f"{sum(t.server_errors.values())}", limit]  # fmt: skip
        drift = (row.rate - base.rate) / base.rate * 100
        cost = f"{row.cost:+.1f} %" if row.cost is not None else "" if row is base else f"(drift {drift:+.1f} %)"
        cells += [f"{row.rate:,.0f}", f"{row.p99_ms:.0f}", cost,
                  f"{row.honest_errors}", "" if row.server_cores is None else f"{row.server_cores:.2f}",
                  f"{row.attacker_cores:.2f}"]  # fmt: skip
        lines.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=True)]
    print()
    for cells in [list(header), *lines]:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    notes = [f"{row.name}: {row.note}" for row in rows if row.note]
    for row in rows:
        if row.tally:
            for example in row.tally.examples:
                notes.append(f"{row.name}: {example}")
            if row.tally.kept_hostile:
                notes.append(f"{row.name}: {row.tally.kept_hostile} answers kept a hostile character")
            if row.tally.failed:
                notes.append(f"{row.name}: {row.tally.failed} attacker requests failed (connection, time-out)")
    if notes:
        print()
        print("\n".join(notes))
    print()
    for name, hall in halls:
        refused = f", refused {dict(hall.refused)}" if hall.refused else ""
        print(f"hall, {name}: {len(hall.joined):,} of {hall.people:,} joined in {hall.seconds:.1f} s{hall.waited()}"
              f"{refused}")  # fmt: skip

    worst = max((r.cost for r in rows if r.cost is not None), default=0.0)
    server_errors = sum(sum(r.tally.server_errors.values()) for r in rows if r.tally)
    honest = sum(r.honest_errors for r in rows)
    bare = sum(r.tally.limited_bare for r in rows if r.tally)
    kept = sum(r.tally.kept_hostile for r in rows if r.tally)
    broken = [r.name for r in rows if not r.held]
    halls_in = all(len(h.joined) == h.people for _, h in halls)
    print()
    print(f"5xx answers: {server_errors} (attacker), honest non-2xx or failed: {honest}")
    print(f"429 without Retry-After: {bare}; hostile characters handed back: {kept}")
    print(f"limits held: {'all' if not broken else 'NOT ' + ', '.join(broken)}")
    print(f"the hall got in: {'yes' if halls_in else 'NO'}")
    print(f"target (a flood costs the others under {target:.0f} % of votes/s, against the baselines either side): "
          f"{'met' if worst < target else 'MISSED'} (worst {worst:+.1f} %)")  # fmt: skip
    return server_errors == 0 and honest == 0 and bare == 0 and kept == 0 and not broken and halls_in


def configured_limits(spawned: bool) -> dict[str, Any]:
    """The server's limits when this script started it (the defaults in app/config.py), else unknown."""
    if not spawned:
        return {}
    from limits import parse

    from app.config import Settings

    return {name: parse(f.default) for name, f in Settings.model_fields.items() if name.startswith("limit_")}


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def run(args: argparse.Namespace, url: str, server: ServerProcess | None) -> int:
    loopback = is_loopback(url)
    if not loopback:
        print("(not a loopback server: every request comes from one address, the attacker's and the hall's alike)")
    venue = await prepare(url, args, loopback)
    hall_address = "127.0.0.2" if loopback else None
    burst = await hall_joins(venue, args.hall, 0.0, hall_address)
    venue.honest = burst.joined
    print(f"hall, all at once: {len(burst.joined):,} of {args.hall:,} joined in {burst.seconds:.1f} s{burst.waited()}",
          flush=True)  # fmt: skip
    if len(venue.honest) < args.attendees:
        raise SystemExit(f"only {len(venue.honest)} attendees joined: the storm needs {args.attendees}")
    # A storm first, not counted: the first storm after the hall's joins ran 12 % slower than the next, with no
    # flood in either (a cold server: its caches, the interpreter's specialisation), in every run here.
    warm = await storm_under(venue, args, None, server)
    print(f"warm-up (not counted): {warm.rate:,.0f} votes/s, p99 {warm.p99_ms:.0f} ms", flush=True)
    before = await storm_under(venue, args, None, server)
    rows = [before]
    print(f"baseline: {before.rate:,.0f} votes/s, p99 {before.p99_ms:.0f} ms", flush=True)
    for flood in [f for f in FLOODS if not args.only or any(word in f.name for word in args.only)]:
        row = await storm_under(venue, args, flood, server)
        t = row.tally
        assert t is not None
        print(f"{flood.name}: {t.sent:,} sent, {t.ok:,} through, {t.limited:,} limited, "
              f"{sum(t.server_errors.values())} 5xx; storm {row.rate:,.0f} votes/s, p99 {row.p99_ms:.0f} ms",
              flush=True)  # fmt: skip
        # The storm again with no flood, after each: the event now holds the flood's topics, notes and
        # sockets' traces, and a shared machine drifts over a run (by a third, some runs here). A flood is
        # weighed against the baselines on either side of it, not against the first.
        after = await storm_under(venue, args, None, server)
        after.name = "none (between floods)"
        row.reference = (before.rate + after.rate) / 2
        rows += [row, after]
        before = after
        print(f"baseline: {after.rate:,.0f} votes/s, p99 {after.p99_ms:.0f} ms", flush=True)
    halls = [("all at once", burst)]
    if args.hall_spread > 0:
        spread = await hall_joins(venue, args.hall, args.hall_spread, "127.0.0.3" if loopback else None)
        halls.append((f"spread over {args.hall_spread:.0f} s", spread))
    load = os.getloadavg()
    ok = print_table(rows, halls, args.target_cost)
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores shared with whatever else runs)"
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--spawn", action="store_true", help="start a fresh server on a temporary SQLite database")
    target.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of vote storm per row (default 10)")
    parser.add_argument("--attendees", type=int, default=2000, help="honest attendees voting (default 2,000)")
    parser.add_argument("--concurrency", type=int, default=100, help="the honest storm's connections")
    parser.add_argument("--attack-concurrency", type=int, default=20, help="the attacker's requests in flight")
    parser.add_argument("--identities", type=int, default=50, help="attendees the sybil flood joins as")
    parser.add_argument("--control-rate", type=float, default=40.0,
                        help="requests/s of the control row (default 40, the joins' pace)")  # fmt: skip
    parser.add_argument("--hall", type=int, default=2000, help="phones joining from one address (default 2,000)")
    parser.add_argument(
        "--hall-spread", type=float, default=60.0, help="seconds the second hall spreads over (0: skip)"
    )
    parser.add_argument("--topics", type=int, default=40, help="topics the storm votes on")
    parser.add_argument(
        "--only",
        action="append",
        metavar="WORD",
        help="run only the floods whose name holds WORD (repeatable), e.g. --only joins",
    )
    parser.add_argument("--target-cost", type=float, default=10.0, help="% of votes/s a flood may cost")
    parser.add_argument("--admin-token", default=os.environ.get("HALLWAY_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN))
    args = parser.parse_args()
    if args.attendees > args.hall:
        parser.error("the honest attendees are the hall's phones: --attendees can't exceed --hall")
    if args.topics <= BUDGET or args.topics % 11 == 0:
        parser.error("use more topics than the budget, and a number that 11 does not divide (bench/vote_storm.py)")
    raise_nofile()  # the websocket flood holds thousands of sockets open
    args.limits = configured_limits(args.spawn)
    deployment = spawn_hallway(args) if args.spawn else None
    server = deployment.first if deployment else None
    url = server.url if server else args.url.rstrip("/")
    load = os.getloadavg()
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    try:
        return asyncio.run(run(args, url, server))
    finally:
        if deployment and server:
            deployment.stop()
            errors = [line for line in server.log.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
            if errors:
                print(f"server log ({server.log}): {len(errors)} error lines")


if __name__ == "__main__":
    sys.exit(main())
