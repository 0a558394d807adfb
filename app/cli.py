"""The `hallway` command: migrate, create-event, demo, serve, export, import, schedule, backup and restore.

Errors a person can fix (a bad date, an unknown time zone, a taken slug, an unmigrated database)
end with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import copy
import errno
import logging
import os
import re
import shutil
import socket
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from app.config import Settings
from app.db import Database, DatabaseNotMigrated, check_migrated, connect
from app.lan import lan_addresses
from app.models import Event, id_of
from app.services import demo, events, team
from app.services.errors import DomainError, NotFound
from app.services.links import event_links
from app.writer import write_now

if TYPE_CHECKING:
    from app.services.scheduling import Proposal

EXIT_USAGE = 2
DEMO_KEY_FILE = "demo-facilitator-key"
DEFAULT_HOST = "127.0.0.1"
ANY_HOST = "0.0.0.0"  # every interface: the room's phones can reach the server
DEFAULT_PORT = 8000
GRACEFUL_SHUTDOWN_SECONDS = 8


class CommandError(Exception):
    """Something the person running the command can fix; the message says how."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings()
        return int(args.run(settings, args))
    except ValidationError as error:
        return _fail("; ".join(_setting_problem(e) for e in error.errors()))
    except (CommandError, DomainError, DatabaseNotMigrated) as error:
        return _fail(str(error))
    except (OperationalError, InterfaceError) as error:
        # The database is not there (down, a wrong address or password): one line, not a traceback.
        reason = str(error.orig or error).strip().splitlines()[0]
        where = f" at {_shown(settings.database_url)}" if settings else ""
        return _fail(f"Can't reach the database{where}: {reason}. Is it running, and is DATABASE_URL right?")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hallway", description="Hallway: open space facilitation (marketplace, dot voting, agenda wall)."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(run=_migrate)

    create = commands.add_parser("create-event", help="create an event and print its links and facilitator key")
    create.add_argument("name", help='the event\'s name, e.g. "Autumn Gathering"')
    create.add_argument("--date", required=True, help="the (first) day of the event, YYYY-MM-DD")
    create.add_argument("--last-date", help="the last day of an event of several days, YYYY-MM-DD (default: --date)")
    create.add_argument("--timezone", required=True, help="the venue's IANA time zone, e.g. Europe/London")
    create.add_argument("--slug", help="the name in the event's links (default: made from the name)")
    create.add_argument("--join-code", help="a code attendees must type to join (default: none)")
    create.add_argument("--votes", type=int, default=5, help="dots per attendee (default: 5)")
    create.add_argument(
        "--facilitator", help='the first facilitator\'s name, shown in the activity list (default: "Facilitator")'
    )
    create.set_defaults(run=_create_event)

    seed = commands.add_parser("demo", help="create the demo event (once) and print its links")
    seed.add_argument(
        "--new-key", action="store_true", help="give the demo a new facilitator key (the old one stops working)"
    )
    seed.set_defaults(run=_demo)

    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    serve.add_argument(
        "--lan",
        action="store_true",
        help="open to the room: listen on every interface, and name this computer's network address in the "
        "links and the QR code (unless HALLWAY_PUBLIC_URL is set)",
    )
    serve.add_argument("--demo", action="store_true", help="create the demo event first, if it isn't there")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default: 1); more than one needs PostgreSQL and HALLWAY_REDIS_URL",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: under a vote storm, writing the log costs real CPU)",
    )
    serve.set_defaults(run=_serve)

    export = commands.add_parser("export", help="export an event: notes, booklet, topics, the whole event, the agenda")
    export.add_argument("slug", help="the event's slug (the name in its links)")
    export.add_argument(
        "--format",
        required=True,
        choices=["md", "html", "csv", "json", "ics"],
        help="md: a zip of Markdown notes; html: the printable booklet; csv: topics; json: the whole event "
        "(for `hallway import`); ics: the agenda",
    )
    export.add_argument("-o", "--output", help="the file to write, - for standard output (default: the export's name)")
    export.set_defaults(run=_export)

    link = commands.add_parser(
        "facilitator-link", help="replace a facilitator's link (a leaked one): print the new one"
    )
    link.add_argument("slug", help="the event's slug (the name in its links)")
    link.add_argument(
        "--new", action="store_true", required=True, help="make a new key; the old link stops working at once"
    )
    link.add_argument(
        "--name", help="whose link, by their name on the team (default: the team's first member, the event's creator)"
    )
    link.set_defaults(run=_facilitator_link)

    plan = commands.add_parser(
        "schedule", help="auto-schedule an event's wall: print the proposed wall and its figures, and put it up"
    )
    plan.add_argument("slug", help="the event's slug (the name in its links)")
    plan.add_argument("--dry-run", action="store_true", help="print the proposal and its figures; change nothing")
    plan.add_argument(
        "--time-limit", type=float, default=5.0, help="seconds the search may take (default: 5, from 0.5 to 60)"
    )
    plan.set_defaults(run=_schedule)

    save = commands.add_parser(
        "backup", help="copy the SQLite database to a file, while the server runs (PostgreSQL: says how)"
    )
    save.add_argument("file", help="the backup to write, e.g. backups/hallway-2026-11-24.db")
    save.add_argument("--force", action="store_true", help="replace the file if it exists")
    save.set_defaults(run=_backup)

    bring_back = commands.add_parser(
        "restore", help="put a backup made by `hallway backup` back as the database (stop the server first)"
    )
    bring_back.add_argument("file", help="the backup to restore")
    bring_back.add_argument("--force", action="store_true", help="replace the database there (it is lost)")
    bring_back.set_defaults(run=_restore)

    load = commands.add_parser("import", help="load an event exported as JSON into this instance, with a new key")
    load.add_argument("file", help="the JSON export, - for standard input")
    load.add_argument("--slug", help="the new event's slug (default: the one in the export)")
    load.set_defaults(run=_import)
    return parser


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    upgrade(settings.database_url)
    print(f"The database {_shown(settings.database_url)} is up to date.")
    return 0


def _create_event(settings: Settings, args: argparse.Namespace) -> int:
    day = _date_argument(args.date)
    last_day = _date_argument(args.last_date) if args.last_date else None
    database = _migrated_database(settings)
    try:
        created = write_now(
            database,
            lambda session: events.create_event(
                session=session,
                name=args.name,
                timezone=args.timezone,
                date=day,
                last_date=last_day,
                slug=args.slug,
                join_code=args.join_code,
                votes_per_attendee=args.votes,
                facilitator_name=args.facilitator,
            ),
        )
    finally:
        database.dispose()
    event = created.event
    if event.several_days:
        print(f"Created {event.name!r} from {_day(event.date)} to {_day(event.last_day)} ({event.timezone}).")
    else:
        print(f"Created {event.name!r} on {_day(event.date)} ({event.timezone}).")
    print()
    _print_links(settings, event, created.facilitator_key)
    print()
    print("Keep the facilitator link secret: whoever holds it runs the event. It is shown only this once.")
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    database = _migrated_database(settings)
    key_file = settings.data_dir / DEMO_KEY_FILE
    try:
        with database.write_session() as session:
            created = demo.seed_demo(session=session)
            event = created.event if created else events.get_event(session=session, slug=demo.DEMO_SLUG)
        key = created.facilitator_key if created else None
        if key is None and args.new_key:
            event_id = id_of(event)
            key = write_now(database, lambda session: events.rotate_facilitator_key(session=session, event_id=event_id))
        if key is not None:
            _keep_secret(key_file, key)
        else:
            key = _known_demo_key(key_file, database, event)
    finally:
        database.dispose()
    if created:
        print(f"Seeded the demo event {event.name!r} for {_day(event.date)}.")
    elif args.new_key:
        print("The demo event has a new facilitator key; the old one no longer works.")
    else:
        print("The demo event is already there.")
    print()
    _print_links(settings, event, key)
    if key is None:
        print()
        print("The demo's facilitator key is unknown here. Run `hallway demo --new-key` to get a new one.")
    return 0


class QuietSockets(logging.Filter):
    """Without --access-log, no line per websocket: a hall of phones opens thousands, and reopens them
    all after every restart. Warnings and errors still show."""

    NOISE = ('"WebSocket ', "connection open", "connection closed")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(part in message for part in self.NOISE)


class HiddenKeys(logging.Filter):
    """The access log never shows a facilitator key: links made before the key moved after the # (which
    browsers never send) still carry it as ?key=…, and an access log is read by more people than the key's."""

    KEY = re.compile(r"([?&]key=)[^&\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.KEY.sub(r"\1(hidden)", a) if isinstance(a, str) else a for a in record.args)
        return True


def _log_config(*, quiet_sockets: bool, json_lines: bool = False) -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"hidden_keys": {"()": "app.cli.HiddenKeys"}}
    config["handlers"]["access"]["filters"] = ["hidden_keys"]
    if quiet_sockets:
        config["filters"]["quiet_sockets"] = {"()": "app.cli.QuietSockets"}
        config["handlers"]["default"]["filters"] = ["quiet_sockets"]
    if json_lines:
        # HALLWAY_LOG_FORMAT=json (app/logs.py): every line an object with the request's id, Hallway's own
        # loggers included (through the root logger), for a log collector rather than a person.
        config["formatters"]["json"] = {"()": "app.logs.JsonLines"}
        config["filters"]["request_id"] = {"()": "app.logs.WithRequestId"}
        for handler in config["handlers"].values():
            handler["formatter"] = "json"
            handler["filters"] = [*handler.get("filters", []), "request_id"]
        config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    host = ANY_HOST if args.lan else args.host
    _check_workers(settings, args.workers)
    _check_can_listen(host, args.port)  # before any link is printed: a taken port is one line, not a traceback
    database = _migrated_database(settings)
    try:
        seeded = _seed_demo_quietly(database, settings) if args.demo else None
        with database.read_session() as session:
            try:
                event: Event | None = events.get_event(session=session, slug=demo.DEMO_SLUG)
            except NotFound:
                event = None
        demo_key = _known_demo_key(settings.data_dir / DEMO_KEY_FILE, database, event) if event else None
    finally:
        database.dispose()
    said = _choose_public_url(settings, host, args.port)
    print(f"Hallway is starting on {settings.public_url}")
    for line in said:
        print(line)
    if settings.environment == "production" and settings.public_url == Settings.model_fields["public_url"].default:
        print("Warning: HALLWAY_PUBLIC_URL is not set, so the links and the join QR code point at this machine only.")
    if seeded is not None:
        print(seeded)
    if event is not None:
        print()
        print("The demo event:")
        _print_links(settings, event, demo_key)
    if host not in (ANY_HOST, "::"):
        print()
        print(
            "Only this computer can open these links. To let phones in the room join, "
            "run `make run HOST=0.0.0.0` (or `hallway serve --lan`)."
        )
    if args.workers > 1:
        _count_metrics_across_workers(settings)
    print(flush=True)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        # Live board sockets: every client gets the same bytes, so no per-connection compression
        # (its zlib state costs ~300 KB a socket); clients have nothing long to say.
        ws_per_message_deflate=False,
        ws_max_size=64 * 1024,
        # The measured one (bench/fanout.py); the hub's send-at-once relies on it waiting before writing.
        ws="websockets-sansio",
        log_config=_log_config(quiet_sockets=not args.access_log, json_lines=settings.log_format == "json"),
        # A stop (SIGTERM from systemd or Docker) waits this long for the requests being answered, then
        # cancels them: the lifespan's shutdown then drains the writer (app/main.py). Under Docker's default
        # of 10 s before SIGKILL; compose.yaml gives it 30.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0


def _check_workers(settings: Settings, workers: int) -> None:
    """Several workers share the database and Redis; refused, with the reason, when they can't share them well."""
    if workers < 1:
        raise CommandError(f"--workers {workers}: give 1 or more worker processes.")
    if workers == 1:
        return
    if settings.is_sqlite:
        # Measured: docs/architecture.md, "Several workers".
        raise CommandError(
            f"--workers {workers} needs PostgreSQL (DATABASE_URL), not SQLite. SQLite takes one writer at a time: "
            "a second worker adds no votes a second, and each worker's writer would wait for the other's lock "
            "with its event loop stopped, its pages frozen meanwhile. One worker on SQLite carries a whole "
            "venue; see docs/deploying.md for several."
        )
    if not settings.redis_url:
        raise CommandError(
            f"--workers {workers} needs HALLWAY_REDIS_URL (e.g. redis://127.0.0.1:6379/0). Without Redis each "
            "worker hears only its own changes: a page connected to one worker would miss the votes and "
            "placements made through the others, and the scheduler's one-run-per-event lock and the rate "
            "limits would hold per worker. Set it, or run one worker; see docs/deploying.md."
        )


def _count_metrics_across_workers(settings: Settings) -> None:
    """Workers share one port, so a scrape of /metrics lands on any one of them: each counts in files of a
    folder they share instead, and the one scraped sums them (app/metrics.py). Emptied at each start: the
    figures of a previous run's workers are not this run's. Set before the workers start, which read it."""
    from app.metrics import MULTIPROCESS_DIR

    if os.environ.get(MULTIPROCESS_DIR):
        return  # the operator chose the folder
    folder = settings.data_dir / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROCESS_DIR] = str(folder.resolve())


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from app.backup import BackupRefused, backup, sqlite_file

    try:
        copied = backup(database=sqlite_file(settings.database_url), target=Path(args.file), force=args.force)
    except BackupRefused as refused:
        raise CommandError(str(refused)) from None
    print(
        f"Backed up {_shown(settings.database_url)} to {copied.path}: {_events(copied.events)}, "
        f"migration {copied.revision}, {_size(copied.size)}."
    )
    print(f"To put it back: stop Hallway, then `hallway restore {copied.path} --force`.")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from app.backup import BackupRefused, restore, sqlite_file
    from app.migrate import head_revision

    try:
        copied = restore(backup_file=Path(args.file), database=sqlite_file(settings.database_url), force=args.force)
    except BackupRefused as refused:
        raise CommandError(str(refused)) from None
    print(f"Restored {args.file} into {copied.path}: {_events(copied.events)}, migration {copied.revision}.")
    if copied.at_head:
        print("Start Hallway again; open pages catch up when they reconnect.")
    else:
        print(f"Run `hallway migrate` before starting Hallway: this one is at migration {head_revision()}.")
    return 0


def _events(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"


def _facilitator_link(settings: Settings, args: argparse.Namespace) -> int:
    database = _migrated_database(settings)
    try:
        with database.read_session() as session:
            event = events.get_event(session=session, slug=args.slug)
            event_id = id_of(event)
            member = (
                team.member_named(session=session, event_id=event_id, name=args.name)
                if args.name
                else team.first_member(session=session, event_id=event_id)
            )
            if member is None:
                raise CommandError(f"{event.name!r} has nobody on its facilitation team.")
            member_id, whose = id_of(member), member.name
            first = team.first_member(session=session, event_id=event_id)
        key = write_now(
            database,
            lambda session: events.rotate_facilitator_key(session=session, event_id=event_id, facilitator_id=member_id),
        )
    finally:
        database.dispose()
    if event.slug == demo.DEMO_SLUG and first is not None and first.id == member_id:
        _keep_secret(settings.data_dir / DEMO_KEY_FILE, key)  # `make run` prints the demo's link from there
    print(
        f"The facilitator link of {whose} for {event.name!r} was replaced: the old one no longer works, in any browser."
    )
    print()
    _print_links(settings, event, key)
    print()
    print("Keep the new facilitator link secret: whoever holds it runs the event. It is shown only this once.")
    return 0


def _check_can_listen(host: str, port: int) -> None:
    """Refuse, in one line, to start on a port another program holds or an address this machine lacks."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn does: a connection of an earlier run still closing (TIME_WAIT) is no clash.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Port {port} is already in use on {host} (another Hallway, or another program): stop it, "
                    f"or choose another port with `make run PORT={port + 1}` or `hallway serve --port {port + 1}`."
                ) from None
            if error.errno == errno.EACCES:
                raise CommandError(
                    f"Port {port} needs administrator rights here: choose one above 1023, e.g. --port 8000."
                ) from None
            raise CommandError(
                f"Can't listen on {host}:{port} ({error.strerror or error}): "
                "give an address of this computer, or 0.0.0.0 for all of them."
            ) from None


def _choose_public_url(settings: Settings, host: str, port: int) -> list[str]:
    """The address the links and the QR code name, and what to tell the person starting the server about it."""
    configured = settings.public_url != Settings.model_fields["public_url"].default
    open_to_all = host in (ANY_HOST, "::")
    if configured:
        return (
            [f"The links and the join QR code use HALLWAY_PUBLIC_URL ({settings.public_url})."] if open_to_all else []
        )
    said: list[str] = []
    shown_host = host
    if open_to_all:
        addresses = lan_addresses()
        if addresses:
            shown_host = addresses[0].ip
            said.append(
                f"Open to the room: phones on the same network reach it at http://{shown_host}:{port} "
                f"(found on {addresses[0].interface}). The links and the join QR code use that address; "
                "set HALLWAY_PUBLIC_URL to give another (a name, or https behind a proxy)."
            )
            others = ", ".join(f"{each.ip} ({each.interface})" for each in addresses[1:])
            if others:
                said.append(f"Other addresses of this computer: {others}.")
        else:
            shown_host = DEFAULT_HOST
            said.append(
                "No network address found besides this computer's own: phones can't reach it yet. Join the "
                "venue's wifi and start again, or set HALLWAY_PUBLIC_URL."
            )
    elif port == DEFAULT_PORT and host == DEFAULT_HOST:
        return said
    settings.public_url = f"http://{shown_host}:{port}"
    # The server's own process reads the settings again: it must hand out the same links.
    os.environ["HALLWAY_PUBLIC_URL"] = settings.public_url
    return said


def _seed_demo_quietly(database: Database, settings: Settings) -> str | None:
    """The demo event on the first run (its links are printed with the others); a line saying so, or None."""
    with database.write_session() as session:
        created = demo.seed_demo(session=session)
    if created is None:
        return None
    _keep_secret(settings.data_dir / DEMO_KEY_FILE, created.facilitator_key)
    return f"Seeded the demo event {created.event.name!r} for {_day(created.event.date)}."


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from app.exporters import EXPORTERS
    from app.exporters.base import ascii_file_name
    from app.services.export_data import load_export_data

    database = _migrated_database(settings)
    try:
        with database.read_session() as session:
            event = events.get_event(session=session, slug=args.slug)
            data = load_export_data(
                session=session, event=event, public_url=settings.public_url, with_notes=args.format != "ics"
            )
    finally:
        database.dispose()
    export = EXPORTERS[args.format](data)
    if args.output == "-":
        sys.stdout.buffer.write(export.content)
        sys.stdout.flush()
        return 0
    path = Path(args.output or ascii_file_name(export.filename))
    try:
        path.write_bytes(export.content)
    except OSError as error:
        raise CommandError(f"Can't write {path}: {error.strerror or error}.") from None
    print(f"Wrote {path} ({_size(len(export.content))}) from {event.name!r}.")
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from app.services import event_import

    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        raise CommandError(f"Can't read {args.file}: {error.strerror or error}.") from None
    document = event_import.parse_document(raw)
    slug = args.slug or document.event.slug
    database = _migrated_database(settings)
    try:
        with database.read_session() as session:
            if _event_exists(session, slug):
                raise CommandError(
                    f"An event with the slug '{slug}' is already here; nothing was imported. "
                    "Import it under another slug with --slug NEW."
                )
        with database.write_session() as session:
            imported = event_import.import_event(session=session, document=document, slug=args.slug)
    finally:
        database.dispose()
    event, counts = imported.event, imported.counts
    print(f"Imported {event.name!r} on {_day(event.date)} ({event.timezone}) as '{event.slug}':")
    print("  " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
    print()
    _print_links(settings, event, imported.facilitator_key)
    print()
    print("Keep the facilitator link secret: whoever holds it runs the event. It is shown only this once.")
    print("Attendees of the export can't sign in here (their devices' tokens were never exported).")
    return 0


def _schedule(settings: Settings, args: argparse.Namespace) -> int:
    from app.scheduling import ProblemError, solve
    from app.services import scheduling

    if not scheduling.MIN_TIME_LIMIT <= args.time_limit <= scheduling.MAX_TIME_LIMIT:
        raise CommandError(
            f"--time-limit must be between {scheduling.MIN_TIME_LIMIT:g} and {scheduling.MAX_TIME_LIMIT:g} seconds."
        )
    database = _migrated_database(settings)
    try:
        with database.read_session() as session:
            event = events.get_event(session=session, slug=args.slug)
            event_id = id_of(event)
            planning = scheduling.plan(session=session, event_id=event_id, time_limit=args.time_limit)
        problem = planning.problem
        print(
            f"Scheduling {event.name!r} ({event.slug}): {len(problem.topics)} topics, {len(problem.rooms)} rooms x "
            f"{len(problem.slots)} session slots, {len(problem.ballots)} attendees with dots; "
            f"time limit {problem.time_limit:g} s."
        )
        if planning.notice:
            print(planning.notice)
        try:
            result = solve(problem)
        except ProblemError as refused:
            raise CommandError(str(refused)) from None
        proposal = scheduling.describe(planning, result)
        print()
        for line in _proposal_lines(proposal):
            print(line)
        print()
        if args.dry_run:
            print("Dry run: nothing was changed. Run it without --dry-run to put this wall up.")
            return 0
        # Open boards notice the new version within seconds (the hub checks the database's version).
        write_now(
            database,
            lambda session: scheduling.apply_schedule(
                session=session, event_id=event_id, placements=result.placements, based_on=planning.wall
            ),
        )
        print(f"The wall is up: {len(result.placements)} sessions placed, {result.figures.moves} moved.")
        return 0
    finally:
        database.dispose()


def _dots(count: int) -> str:
    return f"{count} dot" if count == 1 else f"{count} dots"


def _proposal_lines(proposal: Proposal) -> list[str]:
    """The proposal as plain text, for `hallway schedule` in a terminal."""
    figures, before = proposal.figures, proposal.before
    weights = proposal.planning.problem.weights
    seconds = proposal.schedule.seconds
    lines = [
        f"{'':<18}{'now':>12}{'proposed':>12}",
        f"{'topics placed':<18}{f'{before.topics_placed}/{before.topics_total}':>12}"
        f"{f'{figures.topics_placed}/{figures.topics_total}':>12}",
        f"{'votes placed':<18}{f'{before.votes_placed_percent:.1f}%':>12}{f'{figures.votes_placed_percent:.1f}%':>12}",
        f"{'torn attendees':<18}{before.torn:>12}{figures.torn:>12}",
        f"{'seats short':<18}{before.seats_short:>12}{figures.seats_short:>12}",
        f"{'moves':<18}{'':>12}{figures.moves:>12}",
    ]
    if proposal.planning.theme_names:
        lines.append(f"{'theme clashes':<18}{before.theme_clashes:>12}{figures.theme_clashes:>12}")
    lines += [
        "",
        f"Proven optimal, in {seconds:.1f} s."
        if proposal.schedule.proven_optimal
        else f"The best wall found in {seconds:.1f} s (not proven optimal).",
        f"Weights: each dot left off the wall {weights.left_off_vote}, each torn attendee {weights.torn}, "
        f"each seat short {weights.seat_short}, each session moved {weights.move}, "
        f"each theme clash (two sessions of one theme at once) {weights.theme_clash}.",
        "",
        "Proposed wall:",
    ]
    for row in proposal.rows:
        label = f" {row.slot.label}" if row.slot.label else ""
        kept = " (started: kept as it is)" if row.slot.started else ""
        lines.append(f"  {row.slot.starts_at:%H:%M}{label}{kept}")
        for cell in row.cells:
            room = f"{cell.room.name or 'Room'} ({cell.room.capacity})"
            if cell.topic_id is None:
                lines.append(f"    {room:<28} -")
                continue
            marks = [m for m, on in (("new", cell.new), ("moved", cell.moved), ("kept", cell.kept)) if on]
            mark = f"  [{', '.join(marks)}]" if marks else ""
            lines.append(f"    {room:<28} {cell.title} ({_dots(cell.votes)}){mark}")
        for clash in row.theme_clashes:
            lines.append(f"    theme clash: {clash.sessions} sessions of {clash.theme} at once")
    moved = [m for m in proposal.moves if m.before is not None]
    if moved:
        lines += ["", "What moves:"]
        lines += [f"  {m.title}: {m.before} -> {m.after or 'off the wall'}" for m in moved]
    if proposal.left_off:
        lines += ["", "Left off the wall:"]
        lines += [f"  {v.title} ({_dots(v.votes)}): {v.reason}" for v in proposal.left_off]
    return lines


def _event_exists(session: Session, slug: str) -> bool:
    try:
        events.get_event(session=session, slug=slug)
    except NotFound:
        return False
    return True


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KB"


def _migrated_database(settings: Settings) -> Database:
    database = connect(settings.database_url)
    try:
        check_migrated(database)
    except BaseException:
        database.dispose()
        raise
    return database


def _print_links(settings: Settings, event: Event, facilitator_key: str | None) -> None:
    links = event_links(public_url=settings.public_url, event=event, facilitator_key=facilitator_key)
    print(f"  Attendees:    {links['attendee']}")
    print(f"  Board:        {links['board']}")
    print(f"  Wall:         {links['wall']}")
    if "facilitator" in links:
        print(f"  Facilitator:  {links['facilitator']}")
    print(f"  Join code:    {event.join_code or 'none (anyone with the link can join)'}")


def _keep_secret(path: Path, secret: str) -> None:
    """Write a secret readable by its owner only, from the first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    path.chmod(0o600)


def _known_demo_key(path: Path, database: Database, event: Event) -> str | None:
    """The demo's key from its file, if it is still the event's key (the database may have been reset)."""
    try:
        key = path.read_text().strip()
    except OSError:
        return None
    with database.read_session() as session:
        return key if team.member_for_key(session=session, event_id=id_of(event), key=key) else None


def _date_argument(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-24.") from None


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _setting_problem(error: ErrorDetails) -> str:
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _fail(message: str) -> int:
    print(f"hallway: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
