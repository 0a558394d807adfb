"""The duplicate check: how right it is on a labelled set, and how fast it answers someone typing on a large event.

    .venv/bin/python bench/similar.py --spawn               # a fresh server on a temp SQLite (about a minute)
    .venv/bin/python bench/similar.py --labelled-only       # only the precision/recall table, no server
    .venv/bin/python bench/similar.py --url http://127.0.0.1:8000 --admin-token …

1. The labelled set (bench/similarity_pairs.py), through the services on a temporary SQLite: precision and
   recall of "similar" per threshold, the threshold the rule picks and the one app/services/similarity.py uses;
   then how often the nearest theme suggested is the one the proposer would choose.
2. Against a running server (uvicorn, one worker): an event with --topics (2,000) topics proposed through the
   API; the first similar request after that (the cold build of the event's vectors) and the build in this
   process; then --typists people typing titles, each sending what they typed so far at every pause (a
   debounced request, at most one every 400 ms, as the proposal form sends them) for --seconds; meanwhile a
   topic is proposed every --propose-every seconds, so some requests pay for a rebuild, as at a real marketplace.
   p50 and p99 of the typing requests (target: p99 under 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fanout import spawn_hallway  # noqa: E402
from bench.similarity_pairs import (  # noqa: E402
    DIFFERENT,
    FILED,
    SAME,
    THEMED,
    THEMES,
    best_threshold,
    marketplace,
    table,
)
from bench.vote_storm import DEFAULT_ADMIN_TOKEN, percentile  # noqa: E402

DEBOUNCE = 0.4  # the proposal form's hx-trigger delay


# --- 1. the labelled set ---------------------------------------------------------------------------------


def labelled() -> None:
    from app.db import connect
    from app.migrate import upgrade
    from app.services import similarity
    from tests.factories import Factory

    folder = Path(tempfile.mkdtemp(prefix="hallway-similar-"))
    url = f"sqlite:///{folder / 'hallway.db'}"
    upgrade(url)
    database = connect(url)
    factory = Factory(database)
    event = factory.event(name="Community tech gathering")
    ada = factory.attendee(event)
    themes = {name: factory.theme(event, name=name, description=about) for name, about in THEMES}
    ids = {
        title: factory.topic(
            event, ada, title=title, description=description, theme=themes.get(FILED.get(title, ""))
        ).id
        for title, description in marketplace()
    }
    with database.read_session() as session:

        def score(typed: str, existing: str) -> float:
            return similarity.similarity_scores(session=session, event_id=event.id, title=typed)[ids[existing]]  # type: ignore[index]

        measures = table([score(p.typed, p.existing) for p in SAME], [score(p.typed, p.existing) for p in DIFFERENT])
        chosen = best_threshold(measures)
        print(f"labelled set: {len(SAME)} same-conversation pairs, {len(DIFFERENT)} different, "
              f"in a marketplace of {len(ids)} topics")  # fmt: skip
        print("threshold  precision  recall  F0.5   found  wrong")
        for m in measures:
            mark = "  <- the rule's pick" if m is chosen else ""
            mark += "  <- SIMILAR_THRESHOLD" if abs(m.threshold - similarity.SIMILAR_THRESHOLD) < 1e-9 else ""
            print(f"  {m.threshold:.2f}      {m.precision:5.2f}     {m.recall:5.2f}  {m.f_half:5.2f}  "
                  f"{m.true_positives:5d}  {m.false_positives:5d}{mark}")  # fmt: skip
        by_id = {theme.id: name for name, theme in themes.items()}
        print(f"\nnearest theme, {len(THEMED)} titles labelled with their theme (THEME_THRESHOLD "
              f"{similarity.THEME_THRESHOLD}):")  # fmt: skip
        print("threshold  right  wrong  none")
        scored = [
            (similarity.theme_scores(session=session, event_id=event.id, title=title), theme) for title, theme in THEMED
        ]
        for threshold in (0.0, 0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25):
            right = wrong = none = 0
            for scores, theme in scored:
                best = max(scores, key=lambda t: scores[t])
                if scores[best] < threshold:
                    none += 1
                elif by_id[best] == theme:
                    right += 1
                else:
                    wrong += 1
            print(f"  {threshold:.2f}      {right:5d}  {wrong:5d}  {none:4d}")
    database.dispose()


# --- 2. a typist on a large event, over HTTP -----------------------------------------------------------

WORDS = [
    "community",
    "data",
    "sovereignty",
    "mesh",
    "network",
    "repair",
    "cafe",
    "climate",
    "farmers",
    "solar",
    "servers",
    "open",
    "source",
    "nonprofit",
    "accessibility",
    "testing",
    "burnout",
    "volunteers",
    "consent",
    "privacy",
    "survivors",
    "surveillance",
    "activists",
    "funding",
    "cooperative",
    "platform",
    "broadband",
    "rural",
    "design",
    "sustainability",
    "carbon",
    "footprint",
    "websites",
    "hosting",
    "accountability",
    "harm",
    "justice",
    "restorative",
    "moderation",
    "forums",
    "youth",
    "coding",
    "elders",
    "literacy",
    "money",
    "inclusion",
    "refugees",
    "migrants",
    "hardware",
    "clinics",
    "translation",
    "languages",
    "indigenous",
    "commons",
    "governance",
    "algorithms",
    "bias",
    "hiring",
    "organisers",
    "pay",
    "radio",
    "podcasts",
    "mutual",
    "aid",
    "coordination",
    "tools",
    "facial",
    "recognition",
    "public",
    "spaces",
    "waste",
    "global",
    "south",
    "abundance",
    "majority",
    "humans",
]
GLUE = ("for", "and", "in", "of", "with", "without", "beyond", "after", "versus", "through")


def a_title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(2, 5))
    if len(words) > 2:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(GLUE))
    return " ".join(words).capitalize()[:120]


async def prepare(http: httpx.AsyncClient, admin_token: str, topics: int) -> tuple[str, dict[str, str]]:
    slug = f"similar-{random.randrange(16**8):08x}"
    created = await http.post(
        "/api/events",
        json={"name": "Similar", "slug": slug, "timezone": "UTC", "date": "2026-11-24"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    created.raise_for_status()
    facilitator = {"Authorization": f"Bearer {created.json()['facilitator_key']}"}
    (await http.patch(f"/api/events/{slug}", json={"topic_limit": 5000}, headers=facilitator)).raise_for_status()
    rng = random.Random(1)
    gate = asyncio.Semaphore(8)

    async def propose(n: int) -> None:
        description = " ".join(rng.choices(WORDS, k=rng.randint(0, 40)))
        async with gate:
            answer = await http.post(
                f"/api/events/{slug}/topics",
                json={"title": a_title(rng), "description": description},
                headers=facilitator,
            )
        answer.raise_for_status()

    await asyncio.gather(*(propose(n) for n in range(topics)))
    return slug, facilitator


async def typing(url: str, args: argparse.Namespace) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=200)) as http:
        started = time.monotonic()
        slug, facilitator = await prepare(http, args.admin_token, args.topics)
        print(f"\n{args.topics:,} topics proposed in {time.monotonic() - started:.1f} s")
        path = f"/api/events/{slug}/topics/similar"
        first = time.perf_counter()
        answer = await http.get(path, params={"title": "Community mesh network repair"})
        answer.raise_for_status()
        print(f"first similar request (cold: the event's vectors built): {1000 * (time.perf_counter() - first):.0f} ms")
        latencies: list[float] = []
        errors = 0
        deadline = time.monotonic() + args.seconds

        async def typist(n: int) -> None:
            nonlocal errors
            rng = random.Random(100 + n)
            await asyncio.sleep(rng.random() * DEBOUNCE)
            while time.monotonic() < deadline:
                title = a_title(rng)
                # A pause every word or two: what the debounced form sends, one prefix after another.
                cuts = sorted({i for i, c in enumerate(title) if c == " " and rng.random() < 0.6} | {len(title)})
                for cut in cuts:
                    began = time.perf_counter()
                    answer = await http.get(path, params={"title": title[:cut]})
                    latencies.append(time.perf_counter() - began)
                    errors += answer.status_code != 200
                    await asyncio.sleep(DEBOUNCE + rng.random() * 0.6)
                    if time.monotonic() >= deadline:
                        return

        async def proposer() -> None:
            rng = random.Random(7)
            while time.monotonic() + args.propose_every < deadline:
                await asyncio.sleep(args.propose_every)
                answer = await http.post(
                    f"/api/events/{slug}/topics", json={"title": a_title(rng)}, headers=facilitator
                )
                answer.raise_for_status()

        await asyncio.gather(proposer(), *(typist(n) for n in range(args.typists)))
        latencies.sort()
        print(f"{args.typists} typists for {args.seconds:.0f} s, a topic proposed every {args.propose_every:.0f} s: "
              f"{len(latencies):,} requests, {errors} not 200")  # fmt: skip
        print(f"  p50 {1000 * percentile(latencies, 0.50):.1f} ms   p90 {1000 * percentile(latencies, 0.90):.1f} ms   "
              f"p99 {1000 * percentile(latencies, 0.99):.1f} ms   max {1000 * latencies[-1]:.1f} ms "
              f"(target: p99 under 50 ms)")  # fmt: skip
        long = await http.get(path, params={"title": "community data " * 130})
        print(f"a 1,950-character title: {long.status_code}, {1000 * long.elapsed.total_seconds():.1f} ms")


def build_in_process(topics: int) -> None:
    """The cold build alone, without HTTP or the database: the vectors of `topics` titles with descriptions."""
    from app.services import similarity

    rng = random.Random(1)
    rows = [(n, a_title(rng), " ".join(rng.choices(WORDS, k=rng.randint(0, 40)))) for n in range(1, topics + 1)]
    began = time.perf_counter()
    index = similarity._build((topics, None, topics), rows)
    built = time.perf_counter() - began
    began = time.perf_counter()
    pairs = index.pairs()
    compared = time.perf_counter() - began
    print(f"in this process: vectors of {topics:,} topics built in {1000 * built:.0f} ms; every pair compared "
          f"(the facilitator's list) in {1000 * compared:.0f} ms, {len(pairs):,} above the threshold")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--spawn", action="store_true", help="start a fresh server on a temporary SQLite database")
    target.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8000")
    target.add_argument("--labelled-only", action="store_true", help="only the labelled set's table")
    parser.add_argument("--topics", type=int, default=2000, help="topics of the event (default 2,000)")
    parser.add_argument("--typists", type=int, default=30, help="people typing a title at once (default 30)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long they type (default 30)")
    parser.add_argument("--propose-every", type=float, default=5.0, help="seconds between new topics (default 5)")
    parser.add_argument("--admin-token", default=os.environ.get("HALLWAY_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN))
    args = parser.parse_args()
    labelled()
    if args.labelled_only:
        return 0
    build_in_process(args.topics)
    deployment = spawn_hallway(args) if args.spawn else None
    url = deployment.first.url if deployment else args.url.rstrip("/")
    try:
        asyncio.run(typing(url, args))
    finally:
        if deployment:
            deployment.stop()
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores shared with whatever else runs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
