"""Notes storm: 50 writers saving the same session's notes 20 times each, on random (mostly stale) base versions.

    .venv/bin/python bench/notes_storm.py                      # a fresh server on a temp SQLite
    .venv/bin/python bench/notes_storm.py --writers 50 --saves 20

Each writer keeps its own line in the notes ("writer 7: save 12 …") and sends the whole text it has,
based on a version picked at random among those it has seen, so most saves are stale and go through the
three-way merge, some clash (409). Prints saves/s and latency, then checks the promise of the notes: every
text a writer sent is in the revisions (as stored, or as sent for a merge), none lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "bench-admin-token"


def spawn() -> tuple[str, subprocess.Popen[bytes], Path]:
    data_dir = Path(tempfile.mkdtemp(prefix="hallway-notes-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("HALLWAY_")}
    env.update(HALLWAY_DATA_DIR=str(data_dir), HALLWAY_ADMIN_TOKEN=ADMIN, HALLWAY_ENVIRONMENT="development")
    url = f"sqlite:///{data_dir / 'hallway.db'}"
    code = f"from app.migrate import upgrade; upgrade({url!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    log = data_dir / "server.log"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"http://127.0.0.1:{port}", process, data_dir
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


async def setup(http: aiohttp.ClientSession, url: str, writers: int) -> tuple[str, int, str, list[str]]:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    async with http.post(f"{url}/api/events", json={"name": "Notes storm", "date": "2026-11-24"}, headers=admin) as r:
        created = await r.json()
    slug, key = created["slug"], created["facilitator_key"]
    fac = {"Authorization": f"Bearer {key}"}
    async with http.post(f"{url}/api/events/{slug}/rooms", json={"name": "Hall", "capacity": 100}, headers=fac) as r:
        room = (await r.json())["id"]
    slot_body = {"starts_at": "2026-11-24T10:00:00", "ends_at": "2026-11-24T11:00:00", "label": "Morning"}
    async with http.post(f"{url}/api/events/{slug}/slots", json=slot_body, headers=fac) as r:
        slot = (await r.json())["id"]
    async with http.post(f"{url}/api/events/{slug}/topics", json={"title": "The storm"}, headers=fac) as r:
        topic = (await r.json())["id"]
    placement = {"room_id": room, "slot_id": slot}
    async with http.put(f"{url}/api/events/{slug}/topics/{topic}/placement", json=placement, headers=fac) as r:
        assert r.status == 200, await r.text()
    tokens = []
    for i in range(writers):
        async with http.post(f"{url}/api/events/{slug}/attendees", json={"display_name": f"Writer {i}"}) as r:
            tokens.append((await r.json())["token"])
    return slug, topic, key, tokens


async def writer(
    http: aiohttp.ClientSession, notes_url: str, token: str, index: int, saves: int, sent: list[str],
    outcomes: Counter[str], latencies: list[float], rng: random.Random,
) -> None:  # fmt: skip
    seen: dict[int, str] = {0: ""}  # versions this writer has seen, and their text
    auth = {"Authorization": f"Bearer {token}"}
    for n in range(saves):
        base = rng.choice(list(seen))
        others = [line for line in seen[base].split("\n") if line and not line.startswith(f"writer {index}:")]
        text = "\n".join([*others, f"writer {index}: save {n} {rng.random():.6f}"])
        started = time.perf_counter()
        async with http.put(notes_url, json={"body": text, "base_version": base}, headers=auth) as response:
            answer = await response.json()
        latencies.append(time.perf_counter() - started)
        sent.append(text)
        if response.status == 409:
            outcomes["conflict"] += 1
            seen[answer["version"]] = answer["theirs"]
        elif response.status == 200:
            outcomes[answer["outcome"]] += 1
            seen[answer["version"]] = answer["body"]
        else:
            outcomes[f"http {response.status}"] += 1
            print(f"writer {index}: {response.status} {answer}", file=sys.stderr)


async def storm(url: str, writers: int, saves: int, seed: int) -> int:
    connector = aiohttp.TCPConnector(limit=writers)
    async with aiohttp.ClientSession(connector=connector) as http:
        slug, topic, _, tokens = await setup(http, url, writers)
        notes_url = f"{url}/api/events/{slug}/topics/{topic}/notes"
        sent: list[str] = []
        outcomes: Counter[str] = Counter()
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(
            *(
                writer(http, notes_url, token, i, saves, sent, outcomes, latencies, random.Random(seed + i))
                for i, token in enumerate(tokens)
            )
        )
        elapsed = time.perf_counter() - started
        async with http.get(f"{notes_url}/revisions") as response:
            revisions = await response.json()
    stored = {r["body"] for r in revisions} | {r["submitted"]["body"] for r in revisions if r["submitted"]}
    # A save that changed nothing adds no revision: its text is one the notes already had (or the empty start).
    unchanged_ok = {r["body"] for r in revisions} | {""}
    missing = [t for t in sent if t not in stored and t not in unchanged_ok]
    latencies.sort()
    total = len(sent)
    print(f"{writers} writers × {saves} saves = {total} saves in {elapsed:.2f} s: {total / elapsed:.0f} saves/s")
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    print(f"latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"revisions stored: {len(revisions)}; texts sent and not found in the revisions: {len(missing)}")
    return 1 if missing or any(k.startswith("http") for k in outcomes) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--url", help="a running server (with HALLWAY_ADMIN_TOKEN=bench-admin-token); else one is spawned"
    )
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    process = None
    url = args.url
    if url is None:
        url, process, _ = spawn()
    try:
        code = asyncio.run(storm(url, args.writers, args.saves, args.seed))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
