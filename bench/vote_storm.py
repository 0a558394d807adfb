"""Vote storm: thousands of phones voting at once through the JSON API, the hottest write of a live event.

    .venv/bin/python bench/vote_storm.py --spawn                # a fresh server on a temp SQLite
    .venv/bin/python bench/vote_storm.py --spawn --database postgres --workers 2   # PostgreSQL, Redis, 2 workers
    .venv/bin/python bench/vote_storm.py --compare              # SQLite x1, PostgreSQL x1, PostgreSQL x2 + Redis
    .venv/bin/python bench/vote_storm.py --url http://127.0.0.1:8000 --admin-token …
    .venv/bin/python bench/vote_storm.py --spawn --via page    # the phone's htmx vote, as HTML

--database postgres makes a database of its own on the --postgres-url server (dropped at the end); more
than one worker (uvicorn --workers, as `hallway serve --workers N` runs them) adds Redis (--redis-url)
under a channel prefix of its own. --compare runs the three set-ups one after the other with the same
load and prints them side by side. --probe (on in --compare) asks GET /healthz 50 times a second from a
process of its own during the storm: its latency is what the storm costs the other requests (a writer
that holds the event loop shows there first).

Each attendee puts its dots on `budget` topics (PUT …/vote), then takes them back one by one
(DELETE …/vote) and votes again on other topics, round after round, until the duration is over.
Every PUT and every DELETE is one *vote request*: that is what "votes/s" counts (both run the same
rules in the same write transaction). The dots added by PUTs are counted and shown apart.

--via page sends the vote a phone really sends from the marketplace: the htmx form post (session cookie,
CSRF header, HX-Request) answered with the voted card and the dots left, as HTML. Those attendees join
through the join page, as a phone does. A page vote answers the card only while more than one dot is left
(spending the last dot, or getting it back, redraws the whole list to enable or disable every button), so
in this mode each attendee spends budget - 2 dots before taking them back: the card answer, the one a
hall sends thousands of. The dots left each answer shows are checked as the JSON's votes_left is.

Each attendee is driven by one connection at a time, so the client knows exactly which dots the
server acknowledged; at the end the stored counts (GET …/topics, and the database itself with
--spawn) must equal them: zero lost, zero extra. The client runs in --clients processes that
merge their latencies, and reports the CPU it used, so that one can see it was not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN_TOKEN = "bench-admin-token"
DEFAULT_POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEFAULT_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PROBE_INTERVAL = 0.02  # seconds between the probe's requests


# --- the server under test -----------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path
    log: Path
    database_url: str
    label: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if not self.database_url.startswith("sqlite"):
            drop_postgres_database(self.database_url)


def spawn_server(args: argparse.Namespace) -> Server:
    """A fresh database (SQLite under a temp dir, or a PostgreSQL database of its own), migrated, served by
    uvicorn (uvloop + httptools) with --workers processes; Redis under a prefix of its own past one worker."""
    data_dir = Path(tempfile.mkdtemp(prefix="hallway-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("HALLWAY_")}
    env.update(HALLWAY_DATA_DIR=str(data_dir), HALLWAY_ADMIN_TOKEN=args.admin_token, HALLWAY_ENVIRONMENT="development")
    if args.database == "postgres":
        database_url = create_postgres_database(args.postgres_url)
        env["DATABASE_URL"] = database_url
    else:
        database_url = f"sqlite:///{data_dir / 'hallway.db'}"
    if args.workers > 1:
        env.update(
            HALLWAY_REDIS_URL=args.redis_url, HALLWAY_REDIS_CHANNEL_PREFIX=f"bench-{random.randrange(16**8):08x}"
        )
        # As `hallway serve --workers N` does: the workers count their metrics in files of one folder.
        (data_dir / "metrics").mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(data_dir / "metrics")
    subprocess.run(
        [sys.executable, "-c", f"from app.migrate import upgrade; upgrade({database_url!r})"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "uvicorn", args.app, "--factory", "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--workers", str(args.workers),
    ]  # fmt: skip
    if not args.access_log:
        command.append("--no-access-log")
    log = data_dir / "server.log"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(
        url=f"http://127.0.0.1:{port}", process=process, data_dir=data_dir, log=log, database_url=database_url
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited at start:\n{log.read_text()}")
        try:
            # Every worker up: each answers /readyz only once its lifespan has started.
            if _ready_workers(server.url, args.workers):
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"the server did not start in 30 s:\n{log.read_text()}")


def _ready_workers(url: str, workers: int) -> bool:
    import urllib.request

    for _ in range(workers * 4):
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
            if answer.status != 200:
                return False
    return True


def create_postgres_database(server_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"hallway_bench_{os.getpid()}_{random.randrange(16**6):06x}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of every process under it (uvicorn's workers, their helpers)."""
    total = cpu_seconds(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            with contextlib.suppress(OSError):  # ended meanwhile
                total += tree_cpu_seconds(int(child))
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- setting up the event through the API ----------------------------------------------------------


@dataclass
class Setup:
    slug: str
    facilitator_key: str
    budget: int
    topic_ids: list[int]
    attendees: list[tuple[int, str]]  # (id, token); with --via page (number, "cookie csrf")
    via: str = "api"


SESSION_COOKIE = "hallway_session"
CSRF_IN_PAGE = re.compile(r'"X-CSRF-Token": "([^"]+)"')
DOTS_LEFT = re.compile(rb"<strong>(\d+) of \d+ dots? left</strong>")


def dots_spent_per_round(setup: Setup) -> int:
    """How many dots an attendee puts on before taking them back: all of them through the API; through the
    page, two fewer, so that every answer is the voted card (see the module's docstring)."""
    return setup.budget - 2 if setup.via == "page" else setup.budget


async def prepare(url: str, args: argparse.Namespace) -> Setup:
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(url, connector=connector) as http:
        slug = f"storm-{random.randrange(16**8):08x}"
        created = await _json(
            http.post(
                "/api/events",
                json={"name": "Vote storm", "slug": slug, "timezone": "UTC", "date": "2026-11-24"},
                headers={"Authorization": f"Bearer {args.admin_token}"},
            ),
            201,
        )
        facilitator = {"Authorization": f"Bearer {created['facilitator_key']}"}
        await _json(
            http.patch(
                f"/api/events/{slug}",
                json={"voting_open": True, "votes_per_attendee": args.budget},
                headers=facilitator,
            ),
            200,
        )
        topic_ids = []
        for n in range(args.topics):
            topic = await _json(
                http.post(f"/api/events/{slug}/topics", json={"title": f"Topic {n + 1}"}, headers=facilitator), 201
            )
            topic_ids.append(topic["id"])
        gate = asyncio.Semaphore(args.join_concurrency)

        async def join(n: int) -> tuple[int, str]:
            async with gate:
                joined = await _json(
                    http.post(f"/api/events/{slug}/attendees", json={"display_name": f"Attendee {n + 1}"}), 201
                )
            return joined["id"], joined["token"]

        async def join_page(n: int) -> tuple[int, str]:
            # As a phone: open the join page (a session with its CSRF token), post the form, keep the cookie.
            async with gate:
                async with http.get(f"/e/{slug}") as response:
                    page = await response.text()
                    cookie = response.cookies[SESSION_COOKIE].value
                found = CSRF_IN_PAGE.search(page)
                if found is None:
                    raise SystemExit("set-up failed: the join page carries no CSRF token")
                csrf = found.group(1)
                async with http.post(
                    f"/e/{slug}/join",
                    data={"display_name": f"Attendee {n + 1}", "csrf_token": csrf},
                    headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
                    allow_redirects=False,
                ) as response:
                    if response.status != 303 or SESSION_COOKIE not in response.cookies:
                        raise SystemExit(f"set-up failed: joining through the page gave {response.status}")
                    cookie = response.cookies[SESSION_COOKIE].value
                # …and lands on the marketplace, as a phone does after joining.
                async with http.get(f"/e/{slug}", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}) as response:
                    await response.read()
                    if response.status != 200:
                        raise SystemExit(f"set-up failed: the marketplace gave {response.status}")
            return n + 1, f"{cookie} {csrf}"

        via = getattr(args, "via", "api")  # bench/fanout.py and bench/abuse.py storm through the API
        joining = join_page if via == "page" else join
        # Cookies are handed over by hand, one attendee each: the session's own jar would mix them up.
        http.cookie_jar.clear()
        attendees = await asyncio.gather(*(joining(n) for n in range(args.attendees)))
    return Setup(slug, created["facilitator_key"], args.budget, topic_ids, list(attendees), via)


async def _json(request, expected: int):  # type: ignore[no-untyped-def]
    async with request as response:
        body = await response.json(content_type=None) if response.status < 500 else await response.text()
        if response.status != expected:
            raise SystemExit(f"set-up failed: {response.method} {response.url} → {response.status} {body}")
        return body


# --- the storm, in one client process ------------------------------------------------------------------


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)  # seconds, one per vote request
    ended_at: list[float] = field(default_factory=list)  # time.time() when each of them was answered
    puts: int = 0
    deletes: int = 0
    dots_added: int = 0
    non_2xx: Counter[int] = field(default_factory=Counter)
    failures: int = 0  # connection errors and time-outs: the outcome is unknown
    wrong_answers: int = 0  # 2xx whose votes_left disagrees with what the client knows
    held: Counter[int] = field(default_factory=Counter)  # topic id → acknowledged dots held at the end
    cpu: float = 0.0
    wall: float = 0.0
    probe: list[float] = field(default_factory=list)  # seconds, GET /healthz during the storm (--probe)


def client_process(url: str, setup: Setup, attendees: list[tuple[int, str]], args: argparse.Namespace,
                   start_at: float, concurrency: int) -> ClientResult:  # fmt: skip
    return asyncio.run(_storm(url, setup, attendees, args, start_at, concurrency))


async def _storm(url: str, setup: Setup, attendees: list[tuple[int, str]], args: argparse.Namespace,
                 start_at: float, concurrency: int) -> ClientResult:  # fmt: skip
    result = ClientResult()
    budget, topics = setup.budget, setup.topic_ids
    spent = dots_spent_per_round(setup)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    jar = aiohttp.DummyCookieJar()  # each request carries its attendee's cookie itself
    async with aiohttp.ClientSession(url, connector=connector, timeout=timeout, cookie_jar=jar) as http:

        def request(attendee_id: int, credential: str, topic: int, adding: bool) -> Any:
            if setup.via == "api":
                path = f"/api/events/{setup.slug}/topics/{topic}/vote"
                headers = {"Authorization": f"Bearer {credential}"}
                return http.request("PUT" if adding else "DELETE", path, headers=headers)
            cookie, csrf = credential.split(" ")
            path = f"/e/{setup.slug}/topics/{topic}/{'vote' if adding else 'unvote'}"
            headers = {
                "Cookie": f"{SESSION_COOKIE}={cookie}",
                "X-CSRF-Token": csrf,
                "HX-Request": "true",
                "HX-Target": f"topic-{topic}",
                "HX-Current-URL": f"{url}/e/{setup.slug}",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            return http.post(path, headers=headers, data=b"")

        def says_left(body: bytes, left: int) -> bool:
            if setup.via == "api":
                return f'"votes_left":{left}'.encode() in body.replace(b" ", b"")
            found = DOTS_LEFT.search(body)
            return found is not None and int(found.group(1)) == left

        async def worker(mine: list[tuple[int, str]]) -> None:
            # Each attendee's next step: phase 0..spent-1 puts a dot, spent..2*spent-1 takes one back.
            steps = [0] * len(mine)
            rounds = [0] * len(mine)
            held: list[set[int]] = [set() for _ in mine]
            i = 0
            while time.time() < deadline and mine:
                attendee_id, token = mine[i]
                step, rnd = steps[i], rounds[i]
                # A different set of topics for every attendee and round spreads the dots over all topics;
                # 11 coprime with the number of topics keeps one round's picks distinct.
                topic = topics[(attendee_id * 7 + rnd * 3 + (step % spent) * 11) % len(topics)]
                adding = step < spent
                began = time.perf_counter()
                try:
                    async with request(attendee_id, token, topic, adding) as response:
                        body = await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    result.failures += 1
                    i = (i + 1) % len(mine)
                    continue
                result.latencies.append(time.perf_counter() - began)
                result.ended_at.append(time.time())
                if adding:
                    result.puts += 1
                else:
                    result.deletes += 1
                if 200 <= status < 300:
                    was_held = topic in held[i]
                    (held[i].add if adding else held[i].discard)(topic)
                    if adding and not was_held:
                        result.dots_added += 1
                    if not says_left(body, budget - len(held[i])):
                        result.wrong_answers += 1
                else:
                    result.non_2xx[status] += 1
                steps[i] = (step + 1) % (2 * spent)
                if steps[i] == 0:
                    rounds[i] += 1
                i = (i + 1) % len(mine)
            for dots in held:
                result.held.update(dots)

        groups = [attendees[n::concurrency] for n in range(concurrency)]
        delay = start_at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        deadline = time.time() + args.duration
        usage = resource.getrusage(resource.RUSAGE_SELF)
        began = time.perf_counter()
        await asyncio.gather(*(worker(group) for group in groups))
        result.wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_SELF)
        result.cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    return result


def run_storm(url: str | list[str], setup: Setup, args: argparse.Namespace) -> ClientResult:
    """The storm from --clients processes; given several URLs (workers on ports of their own), process n
    sends to url n mod len, as a proxy would spread them. The probe (--probe) asks the first."""
    urls = [url] if isinstance(url, str) else url
    url = urls[0]
    start_at = time.time() + 1.0
    shares = [setup.attendees[n :: args.clients] for n in range(args.clients)]
    per_client = [args.concurrency // args.clients + (n < args.concurrency % args.clients) for n in range(args.clients)]
    probe_out: multiprocessing.Queue[list[float]] | None = None
    if getattr(args, "probe", False):
        context = multiprocessing.get_context("fork")
        probe_out = context.Queue()
        context.Process(target=probe_process, args=(url, start_at, args.duration, probe_out), daemon=True).start()
    if args.clients == 1:
        parts = [client_process(urls[0], setup, shares[0], args, start_at, per_client[0])]
    else:
        with multiprocessing.get_context("fork").Pool(args.clients) as pool:
            parts = pool.starmap(
                client_process,
                [(urls[n % len(urls)], setup, shares[n], args, start_at, per_client[n]) for n in range(args.clients)],
            )
    merged = ClientResult()
    for part in parts:
        merged.latencies += part.latencies
        merged.ended_at += part.ended_at
        merged.puts += part.puts
        merged.deletes += part.deletes
        merged.dots_added += part.dots_added
        merged.non_2xx += part.non_2xx
        merged.failures += part.failures
        merged.wrong_answers += part.wrong_answers
        merged.held += part.held
        merged.cpu += part.cpu
        merged.wall = max(merged.wall, part.wall)
    if probe_out is not None:
        merged.probe = probe_out.get(timeout=args.duration + 30)
    return merged


# --- checking what was stored ----------------------------------------------------------------------


async def stored_counts(url: str, slug: str) -> dict[int, int]:
    async with aiohttp.ClientSession(url) as http, http.get(f"/api/events/{slug}/topics") as response:
        return {topic["id"]: topic["votes"] for topic in await response.json()}


def database_check(server: Server) -> tuple[int, int]:
    """(vote rows, the most dots any attendee holds), read from the database itself."""
    rows_sql = "SELECT count(*) FROM vote"
    most_sql = "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM vote GROUP BY attendee_id) AS held"
    if server.database_url.startswith("sqlite"):
        with sqlite3.connect(server.data_dir / "hallway.db") as db:
            return db.execute(rows_sql).fetchone()[0], db.execute(most_sql).fetchone()[0]
    from sqlalchemy import create_engine, text

    engine = create_engine(server.database_url)
    with engine.connect() as connection:
        rows, most = connection.execute(text(rows_sql)).scalar_one(), connection.execute(text(most_sql)).scalar_one()
    engine.dispose()
    return int(rows), int(most)


# --- the probe: another request's latency during the storm ----------------------------------------------


def probe_process(url: str, start_at: float, duration: float, out: multiprocessing.Queue[list[float]]) -> None:
    out.put(asyncio.run(_probe(url, start_at, duration)))


async def _probe(url: str, start_at: float, duration: float) -> list[float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession(url) as http:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        deadline = time.time() + duration
        while time.time() < deadline:
            began = time.perf_counter()
            try:
                async with http.get("/healthz") as response:
                    await response.read()
                latencies.append(time.perf_counter() - began)
            except aiohttp.ClientError:
                latencies.append(float("inf"))
            await asyncio.sleep(max(0.0, PROBE_INTERVAL - (time.perf_counter() - began)))
    return latencies


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


@dataclass
class Measured:
    """One storm against one set-up: the figures and whether every acknowledged dot was stored, no more."""

    label: str
    rate: float
    p50: float  # ms
    p99: float
    worst: float
    lost: int
    extra: int
    non_2xx: int
    failures: int
    correct: bool
    server_cpu: float | None  # cores
    probe_p50: float | None  # ms
    probe_p99: float | None
    rows: list[tuple[str, str]]


def measure(args: argparse.Namespace) -> Measured:
    server = spawn_server(args) if args.spawn else None
    url = server.url if server else args.url.rstrip("/")
    server_pid = server.pid if server else args.server_pid
    try:
        began = time.perf_counter()
        setup = asyncio.run(prepare(url, args))
        print(
            f"set-up: event {setup.slug}, {len(setup.topic_ids)} topics, {len(setup.attendees)} attendees "
            f"(budget {setup.budget}) in {time.perf_counter() - began:.1f} s",
            flush=True,
        )
        server_cpu_before = tree_cpu_seconds(server_pid) if server_pid else None
        result = run_storm(url, setup, args)
        server_cpu = tree_cpu_seconds(server_pid) - server_cpu_before if server_pid and server_cpu_before else None
        stored = asyncio.run(stored_counts(url, setup.slug))
        db = database_check(server) if server else None
    finally:
        if server:
            server.stop()

    requests = result.puts + result.deletes
    latencies = sorted(result.latencies)
    rate = requests / result.wall
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    worst = (latencies[-1] if latencies else float("nan")) * 1000
    expected = {topic: result.held.get(topic, 0) for topic in setup.topic_ids}
    lost = sum(max(0, expected[t] - stored.get(t, 0)) for t in expected)
    extra = sum(max(0, stored.get(t, 0) - expected[t]) for t in expected)
    non_2xx = sum(result.non_2xx.values())
    probe = sorted(result.probe)

    # The storm's worst seconds: a p99 far above p50 comes from a few of them (a pause of the server's).
    by_second: dict[int, list[float]] = {}
    for ended, latency in zip(result.ended_at, result.latencies, strict=True):
        by_second.setdefault(int(ended), []).append(latency)
    worst_seconds = sorted((max(values) * 1000, second) for second, values in by_second.items())[-3:]
    start_second = min(by_second) if by_second else 0
    rows = [
        ("vote requests (add + take back, every one counted)", f"{requests:,}"),
        ("  of which add / take back", f"{result.puts:,} / {result.deletes:,}"),
        ("  dots added (PUTs that added a dot)", f"{result.dots_added:,}"),
        ("duration", f"{result.wall:.1f} s"),
        ("votes/s (vote requests per second)", f"{rate:,.0f}"),
        ("dots added/s", f"{result.dots_added / result.wall:,.0f}"),
        ("latency p50 / p99 / max", f"{p50:.1f} / {p99:.1f} / {worst:.1f} ms"),
        (
            "slowest answer in the worst seconds (second of the storm: ms)",
            ", ".join(f"{second - start_second}: {ms:.0f}" for ms, second in reversed(worst_seconds)),
        ),
        ("non-2xx", f"{non_2xx}" + (f" {dict(result.non_2xx)}" if non_2xx else "")),
        ("failed requests (connection, time-out)", f"{result.failures}"),
        ("answers with a wrong votes_left", f"{result.wrong_answers}"),
        ("dots held, acknowledged / stored (API)", f"{sum(expected.values()):,} / {sum(stored.values()):,}"),
        ("lost / extra", f"{lost} / {extra}"),
    ]
    if db:
        rows.append(("stored in the database / most dots held by one", f"{db[0]:,} / {db[1]} (budget {setup.budget})"))
    if probe:
        rows.append(
            (f"GET /healthz meanwhile ({len(probe)}), p50 / p99 / max",
             f"{percentile(probe, 0.5) * 1000:.1f} / {percentile(probe, 0.99) * 1000:.1f} / {probe[-1] * 1000:.1f} ms")
        )  # fmt: skip
    rows.append(
        (f"client CPU ({args.clients} process(es), {args.concurrency} connections)",
         f"{result.cpu:.1f} s = {result.cpu / result.wall:.2f} cores")
    )  # fmt: skip
    if server_cpu is not None:
        rows.append(
            (f"server CPU ({args.workers} worker(s), with their supervisor)",
             f"{server_cpu:.1f} s = {server_cpu / result.wall:.2f} cores")
        )  # fmt: skip
    correct = (
        non_2xx == 0
        and result.failures == 0
        and result.wrong_answers == 0
        and lost == 0
        and extra == 0
        and (db is None or (db[0] == sum(expected.values()) and db[1] <= setup.budget))
    )
    return Measured(
        label=setup_label(args),
        rate=rate,
        p50=p50,
        p99=p99,
        worst=worst,
        lost=lost,
        extra=extra,
        non_2xx=non_2xx,
        failures=result.failures,
        correct=correct,
        server_cpu=server_cpu / result.wall if server_cpu is not None else None,
        probe_p50=percentile(probe, 0.5) * 1000 if probe else None,
        probe_p99=percentile(probe, 0.99) * 1000 if probe else None,
        rows=rows,
    )


def setup_label(args: argparse.Namespace) -> str:
    if not args.spawn:
        return args.url
    database = "PostgreSQL" if args.database == "postgres" else "SQLite"
    workers = f"{args.workers} worker{'s' if args.workers > 1 else ''}"
    via = ", votes through the page (htmx)" if args.via == "page" else ""
    return f"{database}{' + Redis' if args.workers > 1 else ''}, {workers}{via}"


def load_average() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def compare(args: argparse.Namespace) -> int:
    """The three set-ups, one after the other, with the same load; then side by side."""
    setups = [("sqlite", 1), ("postgres", 1), ("postgres", max(2, args.workers))]
    results = []
    for database, workers in setups:
        one = argparse.Namespace(**{**vars(args), "database": database, "workers": workers, "spawn": True})
        print(f"\n== {setup_label(one)} (load average {load_average()})", flush=True)
        measured = measure(one)
        print(f"   {measured.rate:,.0f} votes/s, p99 {measured.p99:.1f} ms, lost {measured.lost}", flush=True)
        results.append(measured)
    print()
    print(f"{'':32}{'votes/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'lost':>6}{'extra':>6}{'errors':>7}"
          f"{'CPU':>6}{'healthz p99':>12}")  # fmt: skip
    for m in results:
        cpu = f"{m.server_cpu:6.2f}" if m.server_cpu is not None else f"{'-':>6}"
        probe = f"{m.probe_p99:9.1f} ms" if m.probe_p99 is not None else f"{'-':>12}"
        print(f"{m.label:32}{m.rate:9,.0f}{m.p50:8.1f}{m.p99:8.1f}{m.lost:6}{m.extra:6}{m.non_2xx + m.failures:7}"
              f"{cpu}{probe}")  # fmt: skip
    one_pg, two_pg = results[1], results[2]
    print(f"(load average at the end {load_average()}; {args.duration:g} s each, {args.attendees:,} attendees, "
          f"{args.concurrency} connections; CPU: the server's cores, workers and supervisor)")  # fmt: skip
    print(f"{two_pg.label} against 1 worker on PostgreSQL: {two_pg.rate / one_pg.rate:.2f}x the votes/s "
          f"(target at least 1.5x)")  # fmt: skip
    correct = all(m.correct for m in results)
    print(f"correctness: {'OK' if correct else 'FAILED'} (every acknowledged dot stored, no more, in all three)")
    return 0 if correct else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--spawn", action="store_true", help="start a fresh server on a temporary database")
    target.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8000")
    target.add_argument(
        "--compare",
        action="store_true",
        help="SQLite with 1 worker, PostgreSQL with 1, PostgreSQL with --workers (at least 2) and Redis, side by side",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite", help="with --spawn")
    parser.add_argument("--workers", type=int, default=1, help="with --spawn: uvicorn worker processes")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="a PostgreSQL server to make databases on")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="Redis, for more than one worker")
    parser.add_argument("--probe", action="store_true", help="time GET /healthz during the storm (on in --compare)")
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100, help="connections open at once, over all clients")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of storm (set-up not included)")
    parser.add_argument("--join-concurrency", type=int, default=10, help="attendees joining at once in the set-up")
    parser.add_argument(
        "--via", choices=["api", "page"], default="api", help="the JSON API's vote, or the page's htmx form post"
    )
    parser.add_argument("--budget", type=int, default=5, help="dots per attendee")
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--clients", type=int, default=1, help="client processes sharing the connections")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as failed")
    parser.add_argument("--admin-token", default=os.environ.get("HALLWAY_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN))
    parser.add_argument("--server-pid", type=int, help="with --url: the server's pid, to report its CPU")
    parser.add_argument("--app", default="app.main:create_app", help="with --spawn: the app factory to serve")
    parser.add_argument("--access-log", action="store_true", help="with --spawn: keep uvicorn's access log on")
    parser.add_argument(
        "--target-rate", type=float, help="votes/s to reach: 3,000 through the API, 1,500 through the page (issue 16)"
    )
    parser.add_argument("--target-p99-ms", type=float, default=100.0)
    args = parser.parse_args()
    if args.topics <= args.budget or args.topics % 11 == 0:
        parser.error("use more topics than the budget, and a number that 11 does not divide")
    if args.workers < 1:
        parser.error("--workers: 1 or more")
    if args.via == "page" and args.budget < 3:
        parser.error("--via page: a budget of 3 or more (each attendee keeps two dots unspent)")
    if args.target_rate is None:
        args.target_rate = 1500.0 if args.via == "page" else 3000.0
    if args.compare:
        args.probe = True
        return compare(args)

    print(f"{setup_label(args)} (load average {load_average()})", flush=True)
    measured = measure(args)
    width = max(len(label) for label, _ in measured.rows)
    print()
    for label, value in measured.rows:
        print(f"{label:<{width}}  {value}")
    fast = measured.rate >= args.target_rate and measured.p99 < args.target_p99_ms
    print()
    print(f"load average at the end: {load_average()}")
    print(f"correctness: {'OK' if measured.correct else 'FAILED'}")
    print(
        f"target (≥ {args.target_rate:,.0f} votes/s, p99 < {args.target_p99_ms:.0f} ms): {'met' if fast else 'MISSED'}"
    )
    return 0 if measured.correct else 1


if __name__ == "__main__":
    sys.exit(main())
