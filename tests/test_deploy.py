"""The container's files: the entrypoint run as Docker runs it, and the Dockerfile and compose.yaml read.

There is no container engine here: the entrypoint is a shell script and is run for real (with `hallway`
being this checkout's command); the Dockerfile and compose.yaml are read for what they promise. Caddy's
configuration is checked with `caddy validate` by hand (docs/deploying.md).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.config import Settings
from app.migrate import head_revision

REPO = Path(__file__).resolve().parents[1]
ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"


@pytest.fixture
def container_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the container: HALLWAY_* settings, and a `hallway` on the PATH that is this checkout's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    hallway = bin_dir / "hallway"
    hallway.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m app.cli "$@"\n')
    hallway.chmod(0o755)
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "HALLWAY_DATA_DIR": str(tmp_path / "data"),
        "HALLWAY_ENVIRONMENT": "development",
    }


def start(env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *command], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def revision(data_dir: Path) -> str | None:
    with sqlite3.connect(data_dir / "hallway.db") as database:
        row = database.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def test_the_entrypoint_migrates_then_becomes_the_command(container_env, tmp_path):
    started = subprocess.Popen(
        ["sh", str(ENTRYPOINT), sys.executable, "-c", "import os; print(os.getpid())"],
        cwd=REPO, env=container_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err = started.communicate(timeout=60)

    assert started.returncode == 0, err
    assert revision(tmp_path / "data") == head_revision()
    assert "is up to date" in out
    # exec: the command is the process Docker started, so `docker stop`'s SIGTERM reaches it, not a shell.
    assert out.strip().splitlines()[-1] == str(started.pid)


def test_the_entrypoint_passes_the_commands_exit_code_on(container_env):
    assert start(container_env, "sh", "-c", "exit 3").returncode == 3


def test_the_entrypoint_can_leave_the_migration_to_another_service(container_env, tmp_path):
    env = {**container_env, "HALLWAY_MIGRATE_AT_START": "false"}

    done = start(env, "sh", "-c", "echo served")

    assert (done.returncode, done.stdout) == (0, "served\n")
    assert not (tmp_path / "data" / "hallway.db").exists()


def test_a_failed_migration_stops_the_container_before_the_command(container_env, tmp_path):
    env = {**container_env, "DATABASE_URL": "postgresql+psycopg://hallway@127.0.0.1:1/hallway"}
    marker = tmp_path / "served"

    done = start(env, "touch", str(marker))

    assert done.returncode == 2
    assert done.stderr.startswith(
        "hallway: Can't reach the database at postgresql+psycopg://hallway@127.0.0.1:1/hallway"
    )
    assert not marker.exists()


def test_the_image_runs_as_a_user_checks_healthz_and_starts_through_the_entrypoint():
    dockerfile = (REPO / "Dockerfile").read_text()
    said = {}  # each instruction's last use (continuation lines start with spaces: left out)
    for line in dockerfile.splitlines():
        word, _, rest = line.partition(" ")
        if word.isupper():
            said[word] = rest.strip()

    assert said["FROM"] == "python:3.11-slim"
    assert said["USER"] == "hallway"
    assert "http://127.0.0.1:8000/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert "COPY deploy/entrypoint.sh /usr/local/bin/hallway-entrypoint" in dockerfile
    assert said["ENTRYPOINT"] == '["hallway-entrypoint"]'
    assert said["CMD"] == '["hallway", "serve", "--host", "0.0.0.0", "--port", "8000"]'


def test_compose_runs_replicas_on_postgresql_and_redis_behind_caddy():
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    app = services["hallway"]

    assert set(services) == {"migrate", "hallway", "postgres", "redis", "caddy"}
    assert app["deploy"]["replicas"] == "${HALLWAY_REPLICAS:-2}"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://hallway:")
    assert app["environment"]["HALLWAY_REDIS_URL"] == "redis://redis:6379/0"
    assert app["environment"]["HALLWAY_MIGRATE_AT_START"] == "false"
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["environment"].get("HALLWAY_MIGRATE_AT_START", "true") != "false"
    assert "ports" not in app and "ports" not in services["postgres"] and "ports" not in services["redis"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]


def test_every_hallway_setting_compose_and_its_example_name_exists():
    """A misspelt variable would be ignored without a word (pydantic-settings ignores unknown ones)."""
    known = {f"HALLWAY_{name.upper()}" for name in Settings.model_fields} | {"HALLWAY_MIGRATE_AT_START"}
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    named = set(compose["services"]["hallway"]["environment"])
    named |= set(re.findall(r"^(HALLWAY_\w+)=", (REPO / "deploy" / "hallway.env.example").read_text(), re.M))
    # Read by compose itself, not by Hallway.
    named -= {"HALLWAY_DOMAIN", "HALLWAY_REPLICAS"}

    assert {name for name in named if name.startswith("HALLWAY_")} <= known


def test_caddy_keeps_the_metrics_inside_and_finds_every_replica():
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text()

    assert re.search(r"handle /metrics \{\s*respond 404\s*\}", caddyfile)
    assert "dynamic a hallway 8000" in caddyfile
    assert os.access(ENTRYPOINT, os.X_OK)
