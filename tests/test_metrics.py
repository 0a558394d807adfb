"""Several workers on one port (app/metrics.py): each counts in files of a shared folder, a scrape sums them.

prometheus_client picks its multiprocess mode when it is first imported, so each worker here is a process
of its own, as uvicorn's workers are.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.cli import _count_metrics_across_workers
from app.config import Settings
from app.metrics import MULTIPROCESS_DIR

REPO = Path(__file__).resolve().parents[1]

WORKER = """
from app import metrics
metrics.writes_by_kind.inc("vote")
metrics.writes_by_kind.inc("vote")
metrics.WEBSOCKET_CLIENTS.labels("hall").inc()
"""
SCRAPE = """
import sys
from app import metrics
metrics.WEBSOCKET_CLIENTS.labels("hall").inc()  # this process is alive: its socket counts
sys.stdout.write(metrics.exposition().decode())
"""


def python(code: str, folder: Path) -> str:
    env = {**os.environ, MULTIPROCESS_DIR: str(folder)}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_scrape_sums_every_workers_counts_and_forgets_the_sockets_of_dead_ones(tmp_path: Path):
    for _ in range(2):
        python(WORKER, tmp_path)  # two workers that counted, then stopped

    text = python(SCRAPE, tmp_path)
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }

    assert samples[("hallway_writes_total", (("kind", "vote"),))] == 4
    assert samples[("hallway_websocket_clients", (("event", "hall"),))] == 1


def test_several_workers_are_given_an_empty_folder_to_count_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # `hallway serve --workers N` calls this before uvicorn starts them (tests/test_cli.py checks it does).
    data = tmp_path / "data"
    monkeypatch.setenv(MULTIPROCESS_DIR, "")  # unset for the command; put back as it was after the test
    (data / "metrics").mkdir(parents=True)
    (data / "metrics" / "counter_4242.db").write_bytes(b"from a previous run")

    _count_metrics_across_workers(Settings(environment="test", data_dir=data, secret_key="x" * 40))

    assert os.environ[MULTIPROCESS_DIR] == str((data / "metrics").resolve())
    assert list((data / "metrics").iterdir()) == []
