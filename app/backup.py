"""`hallway backup` and `hallway restore`: the SQLite database copied whole, with the server running, and back.

The copy goes through SQLite's online backup API (sqlite3.Connection.backup): it reads a consistent state,
committed writes still in the write-ahead log included, while the server keeps writing; a plain `cp` of a
database in WAL mode may copy a file and a log that disagree. A backup is written beside its destination
under another name and renamed when complete, so a failed one never leaves half a file under the name asked.

PostgreSQL has its own tools for this (pg_dump, pg_restore); for it the commands say how to use them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from app.migrate import head_revision, is_known_revision

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupRefused(Exception):
    """Nothing was written; the message says why and what to do."""


@dataclass(frozen=True)
class Copied:
    """What a backup or a restore copied."""

    path: Path
    revision: str
    events: int
    size: int

    @property
    def at_head(self) -> bool:
        return self.revision == head_revision()


def sqlite_file(database_url: str) -> Path:
    """The database file of a SQLite URL; refused, with the PostgreSQL tools' guidance, for any other."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database)
    # libpq's own URL, without the password: pg_dump reads that from PGPASSWORD or ~/.pgpass, not a shell history.
    plain = url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)
    raise BackupRefused(
        "this database is PostgreSQL: back it up and restore it with PostgreSQL's own tools, "
        "with the password in PGPASSWORD or ~/.pgpass:\n"
        f"  pg_dump --format=custom --file=hallway.dump '{plain}'\n"
        f"  pg_restore --clean --if-exists --no-owner --dbname='{plain}' hallway.dump\n"
        "then run `hallway migrate` (a dump of an older Hallway is brought up to date)."
    )


def backup(*, database: Path, target: Path, force: bool) -> Copied:
    if not database.exists():
        raise BackupRefused(f"there is no database at {database} yet: nothing to back up.")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists: give another name, or add --force to replace it.")
    if target.exists() and target.resolve() == database.resolve():
        raise BackupRefused(f"{target} is the database itself: give the backup another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with _open(database) as source, _open(partial) as copy:
            source.backup(copy)  # all pages in one step: a consistent state, committed writes in the WAL included
            # One self-contained file, whatever the database's journal: nothing beside it to forget.
            copy.execute("PRAGMA journal_mode=DELETE")
            copied = _check(copy, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Copied(path=target, revision=copied.revision, events=copied.events, size=target.stat().st_size)


def restore(*, backup_file: Path, database: Path, force: bool) -> Copied:
    if not backup_file.is_file():
        raise BackupRefused(f"there is no file {backup_file}.")
    with _open(backup_file, read_only=True) as source:
        found = _check(source, backup_file)
        if _has_tables(database) and not force:
            raise BackupRefused(
                f"{database} already holds a database. Stop Hallway, then add --force to replace it with {backup_file}."
            )
        database.parent.mkdir(parents=True, exist_ok=True)
        with _open(database) as target:
            # Through SQLite, not a file copy: the database's own journal and lock are respected, and the
            # copy is one transaction (a failure leaves the database as it was).
            source.backup(target)
    return Copied(path=database, revision=found.revision, events=found.events, size=database.stat().st_size)


def _check(connection: sqlite3.Connection, path: Path) -> Copied:
    """A Hallway database at a migration this Hallway knows, and intact; else refused."""
    try:
        intact = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise BackupRefused(f"{path} is not a SQLite database.") from None
    if not intact:
        raise BackupRefused(f"{path} is damaged (SQLite's quick_check fails): it can't be used.")
    if "alembic_version" not in tables or "event" not in tables:
        raise BackupRefused(f"{path} is a SQLite database, but not Hallway's.")
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or not is_known_revision(revision[0]):
        shown = revision[0] if revision else "none"
        raise BackupRefused(
            f"{path} is at migration {shown}, which this Hallway doesn't know: it comes from a newer one. "
            "Restore it with that version."
        )
    events = connection.execute("SELECT count(*) FROM event").fetchone()[0]
    return Copied(path=path, revision=revision[0], events=int(events), size=0)


def _has_tables(database: Path) -> bool:
    if not database.exists() or database.stat().st_size == 0:
        return False
    with _open(database, read_only=True) as connection:
        try:
            tables: int = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError:
            return True  # something is there, even if not a database: not ours to overwrite unasked
    return tables > 0


@contextlib.contextmanager
def _open(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that waits for a busy database as the server's do, and is closed after (sqlite3's own
    context manager only commits)."""
    if read_only:
        if not _looks_like_sqlite(path):
            raise BackupRefused(f"{path} is not a SQLite database.")
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    else:
        connection = sqlite3.connect(path, timeout=5)
    try:
        yield connection
    finally:
        connection.close()


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
