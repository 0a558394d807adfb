"""`hallway backup` and `hallway restore` (app/backup.py), run as a shell would, both ways."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.cli import main
from app.db import connect
from app.migrate import head_revision, upgrade
from app.models import Event, Vote
from tests.factories import Factory

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shell-like environment on a migrated SQLite file in data/, as `make run` leaves it."""
    data = tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HALLWAY_DATA_DIR", str(data))
    monkeypatch.setenv("HALLWAY_ENVIRONMENT", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    upgrade(f"sqlite:///{data / 'hallway.db'}")
    return data


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_event(data_dir: Path, slug: str) -> None:
    database = connect(f"sqlite:///{data_dir / 'hallway.db'}")
    try:
        Factory(database).event(slug=slug)
    finally:
        database.dispose()


def slugs(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT slug FROM event ORDER BY slug")]


def test_a_backup_made_while_the_server_writes_restores_what_was_committed(data_dir, tmp_path, capsys):
    database = connect(f"sqlite:///{data_dir / 'hallway.db'}")  # a server's connections, left open
    factory = Factory(database)
    autumn = factory.event(slug="autumn")
    ada = factory.attendee(autumn)
    factory.vote(ada, factory.topic(autumn, ada, title="Remote work"))  # committed, still in the WAL
    try:
        assert (data_dir / "hallway.db-wal").stat().st_size > 0  # the server has not checkpointed yet
        code, out, err = run(capsys, "backup", "backups/monday.db")
        factory.event(slug="spring")  # after the backup: not in it
    finally:
        database.dispose()

    assert (code, err) == (0, "")
    assert out.startswith(f"Backed up sqlite:///{data_dir}/hallway.db to backups/monday.db: 1 event, migration ")
    assert slugs(tmp_path / "backups" / "monday.db") == ["autumn"]
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["monday.db"]  # one file, nothing beside it

    code, out, err = run(capsys, "restore", "backups/monday.db", "--force")

    assert (code, err) == (0, "")
    assert out == (
        f"Restored backups/monday.db into {data_dir}/hallway.db: 1 event, migration {head_revision()}.\n"
        "Start Hallway again; open pages catch up when they reconnect.\n"
    )
    restored = connect(f"sqlite:///{data_dir / 'hallway.db'}")
    try:
        with restored.read_session() as session:
            assert session.exec(select(Event.slug)).all() == ["autumn"]
            assert session.exec(select(func.count()).select_from(Vote)).one() == 1
    finally:
        restored.dispose()


def test_restore_wont_replace_a_database_unless_forced(data_dir, tmp_path, capsys):
    add_event(data_dir, "autumn")
    assert run(capsys, "backup", "monday.db")[0] == 0
    add_event(data_dir, "spring")

    code, out, err = run(capsys, "restore", "monday.db")

    assert (code, out) == (2, "")
    assert err == (
        f"hallway: {data_dir}/hallway.db already holds a database. "
        "Stop Hallway, then add --force to replace it with monday.db.\n"
    )
    assert slugs(data_dir / "hallway.db") == ["autumn", "spring"]


def test_restore_into_an_empty_place_needs_no_force(data_dir, tmp_path, capsys, monkeypatch):
    add_event(data_dir, "autumn")
    assert run(capsys, "backup", "monday.db")[0] == 0
    monkeypatch.setenv("HALLWAY_DATA_DIR", str(tmp_path / "new-machine"))

    code, _, err = run(capsys, "restore", "monday.db")

    assert (code, err) == (0, "")
    assert slugs(tmp_path / "new-machine" / "hallway.db") == ["autumn"]


def test_backup_wont_replace_a_file_unless_forced(data_dir, tmp_path, capsys):
    (tmp_path / "monday.db").write_text("last week's")

    refused = run(capsys, "backup", "monday.db")
    forced = run(capsys, "backup", "monday.db", "--force")

    assert refused == (2, "", "hallway: monday.db exists: give another name, or add --force to replace it.\n")
    assert forced[0] == 0
    assert slugs(tmp_path / "monday.db") == []


def test_backup_onto_the_database_itself_is_refused(data_dir, capsys):
    code, _, err = run(capsys, "backup", str(data_dir / "hallway.db"), "--force")

    assert code == 2
    assert err == f"hallway: {data_dir}/hallway.db is the database itself: give the backup another name.\n"


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda path: path.write_text("name,date\nAutumn,2026-11-24\n"), "is not a SQLite database."),
        (
            lambda path: sqlite3.connect(path).execute("CREATE TABLE notes (body TEXT)"),
            "is a SQLite database, but not Hallway's.",
        ),
        (lambda path: None, None),
    ],
    ids=["a CSV file", "another program's database", "no file"],
)
def test_restore_refuses_what_is_not_a_hallway_backup(data_dir, tmp_path, capsys, make, said):
    candidate = tmp_path / "candidate.db"
    make(candidate)

    code, out, err = run(capsys, "restore", "candidate.db", "--force")

    assert (code, out) == (2, "")
    assert err == (f"hallway: candidate.db {said}\n" if said else "hallway: there is no file candidate.db.\n")
    assert slugs(data_dir / "hallway.db") == []  # the database is untouched


def test_restore_refuses_a_backup_from_a_newer_hallway(data_dir, tmp_path, capsys):
    assert run(capsys, "backup", "future.db")[0] == 0
    with sqlite3.connect(tmp_path / "future.db") as future:
        future.execute("UPDATE alembic_version SET version_num = '0099'")

    code, _, err = run(capsys, "restore", "future.db", "--force")

    assert code == 2
    assert err == (
        "hallway: future.db is at migration 0099, which this Hallway doesn't know: it comes from a newer one. "
        "Restore it with that version.\n"
    )


def test_a_backup_of_an_older_hallway_is_restored_then_migrated(data_dir, tmp_path, capsys):
    upgrade(f"sqlite:///{tmp_path / 'old.db'}", "0012")

    code, out, _ = run(capsys, "restore", "old.db", "--force")
    migrated = run(capsys, "migrate")

    assert code == 0
    assert out.endswith(f"Run `hallway migrate` before starting Hallway: this one is at migration {head_revision()}.\n")
    assert migrated[0] == 0


def test_on_postgresql_both_say_how_to_use_its_own_tools_without_the_password(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://hallway:s3cret@db.internal:5432/hallway")

    for command in ("backup", "restore"):
        code, out, err = run(capsys, command, "monday.dump")

        assert (code, out) == (2, "")
        assert "pg_dump --format=custom --file=hallway.dump 'postgresql://hallway@db.internal:5432/hallway'" in err
        assert (
            "pg_restore --clean --if-exists --no-owner --dbname='postgresql://hallway@db.internal:5432/hallway'" in err
        )
        assert "s3cret" not in err


def test_the_installed_command_backs_up_and_restores(data_dir, tmp_path):
    """The same through the `hallway` entry point as a separate process, as cron or an operator runs it."""
    env = {"PATH": "/usr/bin:/bin", "HALLWAY_DATA_DIR": str(data_dir), "HALLWAY_ENVIRONMENT": "development"}
    command = [sys.executable, "-m", "app.cli"]

    made = subprocess.run(
        [*command, "backup", str(tmp_path / "b.db")], cwd=REPO, env=env, capture_output=True, text=True
    )
    put_back = subprocess.run(
        [*command, "restore", str(tmp_path / "b.db"), "--force"], cwd=REPO, env=env, capture_output=True, text=True
    )

    assert (made.returncode, made.stderr) == (0, "")
    assert (put_back.returncode, put_back.stderr) == (0, "")
    assert "Restored" in put_back.stdout
