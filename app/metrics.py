"""Prometheus metrics: what an operator watches during an event, counted where it happens, cheaply.

Cheap because a vote must not feel them: labels take few values (a route's template, never its path; an
event's slug only for its open sockets), and the hot paths increment children made once, not looked up by
label on each call. Read at /metrics (app/routes/operations.py, who may: docs/deploying.md).

Several worker processes (`hallway serve --workers N`) share one port, so a scrape lands on any of them:
`hallway serve` then points PROMETHEUS_MULTIPROC_DIR at a folder of its own, every worker counts in files
there (prometheus_client's multiprocess mode, chosen when prometheus_client is first imported) and a scrape
sums them. Replicas in containers each answer for themselves and are scraped one by one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
UNROUTED = "unrouted"  # a request no route took: a 404, or refused before routing (app/ratelimits.py)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Seconds, from a vote's usual fraction of a millisecond to an export of a big event.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# In prometheus_client's default registry, beside its own figures of the process (CPU, memory, open files).
# One histogram, no separate counter: its _count is the number of requests (by status too), and a vote pays
# for one observation instead of two (measured: about 1 µs of the 2.5 this module adds to a request).
HTTP_REQUESTS = Histogram(
    "hallway_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status (_count: the requests).",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
WEBSOCKET_CLIENTS = Gauge(
    "hallway_websocket_clients",
    "Live board sockets open, by event slug.",
    ["event"],
    multiprocess_mode="livesum",
)
LIVE_CHANGES = Counter("hallway_live_changes", "Board changes heard by the live feeds.")
LIVE_COALESCED = Counter(
    "hallway_live_changes_coalesced",
    "Board changes merged into one already waiting to be sent: no message of their own (the latest state wins).",
)
LIVE_MESSAGES = Counter("hallway_live_messages", "Live messages rendered: one per kind of page per flush.")
LIVE_DELIVERIES = Counter("hallway_live_deliveries", "Live messages handed to open pages and scripts.")
LIVE_CLIENTS_DROPPED = Counter(
    "hallway_live_clients_dropped",
    "Live clients dropped for falling too far behind (their pages reconnect and catch up).",
)
LIVE_MESSAGES_DROPPED = Counter(
    "hallway_live_messages_dropped", "Live messages discarded with the backlogs of dropped clients."
)
WRITER_BATCH_SIZE = Histogram(
    "hallway_writer_batch_size",
    "Writes committed together in one transaction by the writer.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
WRITER_WAIT = Histogram(
    "hallway_writer_wait_seconds",
    "How long the oldest write of each batch waited in the writer's queue.",
    buckets=LATENCY_BUCKETS,
)
WRITER_COMMIT = Histogram(
    "hallway_writer_commit_seconds",
    "Time to run and commit one batch of writes.",
    buckets=LATENCY_BUCKETS,
)
WRITES = Counter(
    "hallway_writes",
    'Writes committed, by the kind of board change (kind="vote" counts the dots cast and taken back).',
    ["kind"],
)
WRITES_REFUSED = Counter(
    "hallway_writes_refused",
    "Writes refused by a rule of the event (budget spent, phase closed…), by the rule.",
    ["error"],
)
SCHEDULE_RUNS = Counter(
    "hallway_schedule_runs",
    "Auto-scheduler runs, by outcome (done, busy, refused, stopped, failed).",
    ["outcome"],
)
SCHEDULE_SECONDS = Histogram(
    "hallway_schedule_run_seconds",
    "Time an auto-scheduler run took, its search included.",
    buckets=(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)


class HttpObservations:
    """The request histogram's children, made once per (method, route, status)."""

    def __init__(self) -> None:
        self._children: dict[tuple[str, str, int], Histogram] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        child = self._children.get(key)
        if child is None:
            if method not in METHODS:
                method = "OTHER"  # a made-up method must not make a series of its own
            child = self._children[key] = HTTP_REQUESTS.labels(method, route, str(status))
        child.observe(seconds)


class ByLabel:
    """A counter's children by one label's value, made on first use."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter
        self._children: dict[str, Counter] = {}

    def inc(self, value: str) -> None:
        child = self._children.get(value)
        if child is None:
            child = self._children[value] = self._counter.labels(value)
        child.inc()

    def inc_each(self, values: Iterable[str]) -> None:
        for value in values:
            self.inc(value)


http = HttpObservations()
writes_by_kind = ByLabel(WRITES)
refusals_by_error = ByLabel(WRITES_REFUSED)
schedule_runs = ByLabel(SCHEDULE_RUNS)


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


def exposition() -> bytes:
    """The text a scrape reads: this worker's figures, or every worker's summed in multiprocess mode."""
    if multiprocess():
        _forget_dead_workers(Path(os.environ[MULTIPROCESS_DIR]))
        combined = CollectorRegistry()
        MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
        return generate_latest(combined)
    return generate_latest(REGISTRY)


def _forget_dead_workers(folder: Path) -> None:
    """A worker that died (and was replaced) left its open sockets in its gauge file: they are gone with it.
    (gunicorn would call mark_process_dead from its child_exit hook; uvicorn's supervisor has none.)"""
    for path in folder.glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            mark_process_dead(int(pid), str(folder))  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
