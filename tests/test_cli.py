"""The `hallway` command, run in-process with its settings taken from the environment, as in a shell."""

from __future__ import annotations

import logging
import logging.config
import os
import re
import socket
import stat
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import ifaddr
import pytest
import uvicorn
from markupsafe import escape
from sqlalchemy import func, select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.cli import DEMO_KEY_FILE, GRACEFUL_SHUTDOWN_SECONDS, QuietSockets, _log_config, main
from app.db import connect
from app.deps import REFUSED_KEY
from app.main import create_app
from app.metrics import MULTIPROCESS_DIR
from app.models import Attendance, Attendee, Event, Placement, Room, Slot, Topic, Vote, id_of
from app.realtime import hub as hub_module
from app.routes.ws import REFUSED_SESSION
from app.services import clock, events, team
from app.services.demo import DEMO_SLUG

PUBLIC_URL = "http://hallway.test"
KEY_IN_LINK = re.compile(r"/facilitate#key=(\S+)")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shell-like environment: settings from HALLWAY_* variables, nothing from the developer's .env."""
    data = tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HALLWAY_DATA_DIR", str(data))
    monkeypatch.setenv("HALLWAY_ENVIRONMENT", "development")
    monkeypatch.setenv("HALLWAY_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return data


@pytest.fixture
def migrated(data_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL pointing at a migrated, empty database of the test's backend."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """uvicorn.run's arguments, instead of a server that would never return."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    yield calls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count(url: str, model: type, *where: Any) -> int:
    database = connect(url)
    try:
        with database.read_session() as session:
            return int(session.exec(select(func.count()).select_from(model).where(*where)).scalar_one())
    finally:
        database.dispose()


def key_works(url: str, slug: str, key: str) -> bool:
    """Whether this key lets its holder in as one of the event's facilitators."""
    database = connect(url)
    try:
        with database.read_session() as session:
            event = events.get_event(session=session, slug=slug)
            return team.member_for_key(session=session, event_id=id_of(event), key=key) is not None
    finally:
        database.dispose()


def load_event(url: str, slug: str) -> Event:
    database = connect(url)
    try:
        with database.read_session() as session:
            return events.get_event(session=session, slug=slug)
    finally:
        database.dispose()


def test_migrate_creates_the_database_in_the_data_dir(data_dir, capsys):
    code, out, _ = run(capsys, "migrate")

    assert code == 0
    assert (data_dir / "hallway.db").exists()
    assert "is up to date" in out


def test_migrate_honours_database_url(data_dir, tmp_path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere" / "events.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{elsewhere}")

    code, _, _ = run(capsys, "migrate")

    assert code == 0
    assert elsewhere.exists()
    assert not (data_dir / "hallway.db").exists()


def test_create_event_after_migrate_prints_the_links_and_a_working_key(data_dir, capsys):
    assert run(capsys, "migrate")[0] == 0

    code, out, err = run(
        capsys,
        "create-event",
        "Autumn Gathering",
        "--date",
        "2026-11-24",
        "--timezone",
        "Europe/London",
        "--join-code",
        "OWL42",
        "--votes",
        "3",
    )

    assert (code, err) == (0, "")
    base = f"{PUBLIC_URL}/e/autumn-gathering"
    assert f"Attendees:    {base}\n" in out
    assert f"Board:        {base}/board\n" in out
    assert f"Wall:         {base}/wall\n" in out
    assert "Join code:    OWL42\n" in out
    key = KEY_IN_LINK.search(out).group(1)  # type: ignore[union-attr]
    event = load_event(f"sqlite:///{data_dir / 'hallway.db'}", "autumn-gathering")
    assert key_works(f"sqlite:///{data_dir / 'hallway.db'}", event.slug, key) is True
    assert (event.name, event.timezone, str(event.date), event.votes_per_attendee) == (
        "Autumn Gathering",
        "Europe/London",
        "2026-11-24",
        3,
    )


def test_create_event_takes_the_slug_given(migrated, backend, capsys):
    code, out, _ = run(capsys, "create-event", "Autumn", "--date", "2026-11-24", "--timezone", "UTC", "--slug", "owls")

    assert code == 0
    assert f"{PUBLIC_URL}/e/owls/board" in out
    assert load_event(migrated, "owls").name == "Autumn"


def test_create_event_with_a_last_date_lasts_those_days(migrated, backend, capsys):
    code, out, _ = run(
        capsys, "create-event", "Camp", "--date", "2026-11-24", "--last-date", "2026-11-26", "--timezone", "UTC"
    )

    assert code == 0
    assert out.startswith("Created 'Camp' from Tuesday 24 November 2026 to Thursday 26 November 2026 (UTC).\n")
    event = load_event(migrated, "camp")
    assert (str(event.date), str(event.last_date)) == ("2026-11-24", "2026-11-26")


@pytest.mark.parametrize(
    ("last", "message"),
    [
        ("2026-11-31", "hallway: '2026-11-31' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-24.\n"),
        ("2026-11-23", "hallway: The last day (Monday 23 November) can't be before the first (Tuesday 24 November).\n"),
    ],
)
def test_create_event_with_a_bad_last_date_exits_2_with_one_line(migrated, backend, capsys, last, message):
    code, out, err = run(
        capsys, "create-event", "Camp", "--date", "2026-11-24", "--last-date", last, "--timezone", "UTC"
    )

    assert (code, out, err) == (2, "", message)
    assert count(migrated, Event) == 0


@pytest.mark.parametrize(
    ("date", "timezone", "message"),
    [
        (
            "2026-13-24",
            "Europe/London",
            "hallway: '2026-13-24' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-24.\n",
        ),
        (
            "24/11/2026",
            "Europe/London",
            "hallway: '24/11/2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-24.\n",
        ),
        (
            "2026-11-24",
            "Europe/Londn",
            "hallway: 'Europe/Londn' is not a time zone we know. Use an IANA name such as Europe/London.\n",
        ),
    ],
)
def test_create_event_with_bad_input_exits_2_with_one_line(migrated, backend, capsys, date, timezone, message):
    code, out, err = run(capsys, "create-event", "Autumn", "--date", date, "--timezone", timezone)

    assert (code, out, err) == (2, "", message)
    assert count(migrated, Event) == 0


def test_create_event_with_a_taken_slug_exits_2(migrated, backend, capsys):
    args = ("create-event", "Autumn", "--date", "2026-11-24", "--timezone", "UTC", "--slug", "owls")
    assert run(capsys, *args)[0] == 0

    code, out, err = run(capsys, *args)

    assert (code, out, err) == (2, "", "hallway: The slug 'owls' is already used by another event.\n")
    assert count(migrated, Event) == 1


def test_create_event_on_an_unmigrated_database_names_the_command(data_dir, capsys):
    code, _, err = run(capsys, "create-event", "Autumn", "--date", "2026-11-24", "--timezone", "UTC")

    assert code == 2
    assert "is empty. Run `hallway migrate`" in err
    assert err.count("\n") == 1


def test_production_without_a_secret_key_exits_2_with_the_fix(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("HALLWAY_ENVIRONMENT", "production")
    monkeypatch.delenv("HALLWAY_SECRET_KEY", raising=False)

    code, _, err = run(capsys, "migrate")

    assert code == 2
    assert err.startswith("hallway: HALLWAY_SECRET_KEY must be set in production")
    assert err.count("\n") == 1


def test_demo_seeds_a_lively_event(migrated, backend, capsys):
    code, out, _ = run(capsys, "demo")

    assert code == 0
    assert "Seeded the demo event" in out
    event = load_event(migrated, DEMO_SLUG)
    assert (event.timezone, event.proposals_open, event.voting_open) == ("Europe/London", True, True)
    assert count(migrated, Room, Room.event_id == event.id) == 4
    assert count(migrated, Slot, Slot.event_id == event.id) == 8
    assert count(migrated, Attendee, Attendee.event_id == event.id) == 30
    assert count(migrated, Topic, Topic.event_id == event.id) == 25
    assert count(migrated, Placement, Placement.event_id == event.id) == 7
    assert count(migrated, Attendance) > 0
    database = connect(migrated)
    with database.read_session() as session:
        dots = dict(session.exec(select(Vote.attendee_id, func.count()).group_by(Vote.attendee_id)).all())
        per_topic = sorted(session.exec(select(func.count()).select_from(Vote).group_by(Vote.topic_id)).scalars())
    database.dispose()
    assert len(dots) == 30
    assert min(dots.values()) >= 2
    assert max(dots.values()) <= event.votes_per_attendee
    assert per_topic[-1] >= 3 * per_topic[len(per_topic) // 2]  # a few topics draw a crowd


def test_demo_is_seeded_once(migrated, backend, capsys):
    _, first, _ = run(capsys, "demo")

    code, second, _ = run(capsys, "demo")

    assert code == 0
    assert "The demo event is already there." in second
    assert KEY_IN_LINK.search(second).group(1) == KEY_IN_LINK.search(first).group(1)  # type: ignore[union-attr]
    assert count(migrated, Event) == 1
    assert count(migrated, Topic) == 25
    assert count(migrated, Attendee) == 30


def test_demo_keeps_its_key_in_a_private_file(migrated, backend, data_dir, capsys):
    _, out, _ = run(capsys, "demo")

    key_file = data_dir / DEMO_KEY_FILE
    key = key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert f"{PUBLIC_URL}/e/demo/facilitate#key={key}\n" in out
    assert key_works(migrated, DEMO_SLUG, key) is True


def test_demo_without_its_key_file_offers_a_new_key(migrated, backend, data_dir, capsys):
    run(capsys, "demo")
    old_key = (data_dir / DEMO_KEY_FILE).read_text().strip()
    (data_dir / DEMO_KEY_FILE).unlink()

    _, unknown, _ = run(capsys, "demo")
    code, rotated, _ = run(capsys, "demo", "--new-key")

    assert "key=" not in unknown
    assert "Run `hallway demo --new-key` to get a new one." in unknown
    assert code == 0
    new_key = (data_dir / DEMO_KEY_FILE).read_text().strip()
    assert f"facilitate#key={new_key}\n" in rotated
    event = load_event(migrated, DEMO_SLUG)
    assert key_works(migrated, event.slug, new_key) is True
    assert key_works(migrated, event.slug, old_key) is False
    assert count(migrated, Topic) == 25


def test_serve_refuses_an_unmigrated_database(data_dir, served, capsys):
    code, _, err = run(capsys, "serve")

    assert code == 2
    assert "Run `hallway migrate`" in err
    assert served == []


def test_serve_prints_the_demo_links_and_runs_the_app_factory(migrated, backend, data_dir, served, capsys):
    run(capsys, "demo")
    key = (data_dir / DEMO_KEY_FILE).read_text().strip()

    code, out, _ = run(capsys, "serve", "--port", "8123")

    assert code == 0
    assert f"Facilitator:  {PUBLIC_URL}/e/demo/facilitate#key={key}\n" in out
    assert served == [
        {
            "app": "app.main:create_app",
            "factory": True,
            "host": "127.0.0.1",
            "port": 8123,
            "workers": 1,
            "access_log": False,
            "ws_per_message_deflate": False,  # the same bytes to every socket: no zlib state per socket
            "ws_max_size": 64 * 1024,
            "ws": "websockets-sansio",
            "log_config": _log_config(quiet_sockets=True),
            "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,  # then the writer drains (app/main.py)
        }
    ]


def test_serve_with_several_workers_and_no_redis_refuses_and_says_why(data_dir, monkeypatch, served, capsys):
    # Refused before the database is asked: this one does not exist.
    monkeypatch.setenv("DATABASE_URL", "postgresql://hallway@127.0.0.1:1/nowhere")
    monkeypatch.delenv("HALLWAY_REDIS_URL", raising=False)

    code, out, err = run(capsys, "serve", "--workers", "2")

    assert (code, out, served) == (2, "", [])
    assert err.startswith("hallway: --workers 2 needs HALLWAY_REDIS_URL (e.g. redis://127.0.0.1:6379/0). ")
    assert "a page connected to one worker would miss the votes and placements made through the others" in err


@pytest.mark.only_on("sqlite")
def test_serve_with_several_workers_on_sqlite_refuses_even_with_redis(migrated, backend, monkeypatch, served, capsys):
    monkeypatch.setenv("HALLWAY_REDIS_URL", "redis://127.0.0.1:6379/0")

    code, out, err = run(capsys, "serve", "--workers", "3")

    assert (code, out, served) == (2, "", [])
    assert err.startswith("hallway: --workers 3 needs PostgreSQL (DATABASE_URL), not SQLite. SQLite takes one ")
    assert err.endswith("One worker on SQLite carries a whole venue; see docs/deploying.md for several.\n")


def test_serve_refuses_no_workers(data_dir, served, capsys):
    code, _, err = run(capsys, "serve", "--workers", "0")

    assert (code, err, served) == (2, "hallway: --workers 0: give 1 or more worker processes.\n", [])


@pytest.mark.only_on("postgresql")
def test_serve_with_several_workers_on_postgresql_and_redis_starts_them_counting_together(
    migrated, backend, data_dir, monkeypatch, served, capsys
):
    monkeypatch.setenv("HALLWAY_REDIS_URL", "redis://127.0.0.1:6379/0")  # not asked here: by the workers, at start
    monkeypatch.setenv(MULTIPROCESS_DIR, "")  # unset for the command; put back as it was after the test

    code, _, err = run(capsys, "serve", "--workers", "2", "--port", "8124")

    assert (code, err) == (0, "")
    assert [(call["workers"], call["port"]) for call in served] == [(2, 8124)]
    assert os.environ[MULTIPROCESS_DIR] == str((data_dir / "metrics").resolve())  # /metrics sums the workers


def test_serve_links_follow_the_port_when_no_public_url_is_set(migrated, backend, monkeypatch, served, capsys):
    monkeypatch.setenv("HALLWAY_PUBLIC_URL", "http://127.0.0.1:8000")  # the default
    run(capsys, "demo")

    _, out, _ = run(capsys, "serve", "--port", "9000")

    assert "Attendees:    http://127.0.0.1:9000/e/demo\n" in out
    assert "To let phones in the room join, run `make run HOST=0.0.0.0` (or `hallway serve --lan`)." in out
    assert served[0]["host"] == "127.0.0.1"


def _adapters(*interfaces: tuple[str, str]) -> list[ifaddr.Adapter]:
    return [ifaddr.Adapter(name, name, [ifaddr.IP(ip, 24, name)]) for name, ip in interfaces]


VENUE = _adapters(("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("wlan0", "192.168.1.20"), ("eth1", "203.0.113.5"))


@pytest.mark.parametrize("open_to_the_room", [["--lan"], ["--host", "0.0.0.0"]], ids=["lan", "host"])
def test_serve_open_to_the_room_names_the_network_address_in_links_and_qr(
    migrated, backend, monkeypatch, served, capsys, open_to_the_room
):
    monkeypatch.setenv("HALLWAY_PUBLIC_URL", "http://127.0.0.1:8000")  # the default: nothing configured
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: VENUE)
    run(capsys, "demo")

    code, out, _ = run(capsys, "serve", *open_to_the_room, "--port", "9000")

    assert code == 0
    assert "Open to the room: phones on the same network reach it at http://192.168.1.20:9000 (found on wlan0)." in out
    assert "Other addresses of this computer: 203.0.113.5 (eth1).\n" in out
    assert "Attendees:    http://192.168.1.20:9000/e/demo\n" in out
    assert "Only this computer can open these links" not in out
    assert served[0]["host"] == "0.0.0.0"
    # The server process reads its settings again: the QR code on the board must name the same address.
    assert os.environ["HALLWAY_PUBLIC_URL"] == "http://192.168.1.20:9000"


def test_serve_open_to_the_room_keeps_a_configured_public_url_and_says_so(migrated, monkeypatch, served, capsys):
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: VENUE)

    _, out, _ = run(capsys, "serve", "--lan")

    assert f"The links and the join QR code use HALLWAY_PUBLIC_URL ({PUBLIC_URL}).\n" in out
    assert "192.168.1.20" not in out


def test_serve_open_to_the_room_without_a_network_says_phones_cant_reach_it(migrated, monkeypatch, served, capsys):
    monkeypatch.setenv("HALLWAY_PUBLIC_URL", "http://127.0.0.1:8000")
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: _adapters(("lo", "127.0.0.1"), ("eth0", "169.254.3.4")))

    _, out, _ = run(capsys, "serve", "--lan")

    assert "No network address found besides this computer's own: phones can't reach it yet." in out
    assert served[0]["host"] == "0.0.0.0"


def test_serve_on_a_taken_port_is_one_line_before_any_link(migrated, data_dir, served, capsys):
    run(capsys, "demo")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        code, out, err = run(capsys, "serve", "--port", str(port))

    assert code == 2
    assert out == ""
    assert err == (
        f"hallway: Port {port} is already in use on 127.0.0.1 (another Hallway, or another program): stop it, "
        f"or choose another port with `make run PORT={port + 1}` or `hallway serve --port {port + 1}`.\n"
    )
    assert served == []


def test_serve_with_demo_seeds_it_on_the_first_run_only(migrated, data_dir, served, capsys):
    _, first, _ = run(capsys, "serve", "--demo")
    _, second, _ = run(capsys, "serve", "--demo")

    assert "Seeded the demo event" in first and "Attendees:" in first
    assert "Seeded the demo event" not in second and "Attendees:" in second
    key = (data_dir / DEMO_KEY_FILE).read_text().strip()
    assert f"/e/demo/facilitate#key={key}\n" in second


# --- export and import -----------------------------------------------------------------------------


def test_export_writes_the_markdown_zip(migrated, factory, tmp_path, capsys):
    from tests.exporters.events import lively_event

    lively_event(factory, slug="ete")
    target = tmp_path / "notes.zip"

    code, out, err = run(capsys, "export", "ete", "--format", "md", "-o", str(target))

    assert (code, err) == (0, "")
    assert out.startswith(f"Wrote {target} (")
    import zipfile

    with zipfile.ZipFile(target) as archive:
        assert archive.namelist()[:3] == ["ete/index.md", "ete/harvest.md", "ete/01-café-thé-best-brews.md"]


def test_export_to_standard_output_and_to_the_default_name(migrated, factory, tmp_path, capsysbinary):
    factory.event(name="Autumn Gathering", slug="autumn")

    code = main(["export", "autumn", "--format", "csv", "-o", "-"])
    out, _ = capsysbinary.readouterr()
    default = main(["export", "autumn", "--format", "ics"])
    printed, _ = capsysbinary.readouterr()

    assert code == 0
    assert out.decode("utf-8-sig").splitlines()[0].startswith("title,theme,convener,status,votes")
    assert default == 0
    assert (tmp_path / "Autumn Gathering agenda.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert printed.decode().startswith("Wrote Autumn Gathering agenda.ics")


def test_export_of_an_unknown_event_fails_with_a_message(migrated, capsys):
    code, out, err = run(capsys, "export", "nope", "--format", "json", "-o", "-")

    assert (code, out) == (2, "")
    assert err.startswith("hallway: ")


def test_import_round_trip_through_the_command(migrated, factory, tmp_path, capsys):
    import json

    from tests.exporters.events import lively_event

    lively_event(factory, slug="ete")
    exported = tmp_path / "ete.json"
    assert run(capsys, "export", "ete", "--format", "json", "-o", str(exported))[0] == 0

    code, out, err = run(capsys, "import", str(exported), "--slug", "ete-again")
    again = tmp_path / "again.json"
    run(capsys, "export", "ete-again", "--format", "json", "-o", str(again))

    assert (code, err) == (0, "")
    assert "as 'ete-again'" in out
    assert "2 rooms, 4 slots, 3 attendees, 6 topics, 6 votes, 1 notes." in out
    key = KEY_IN_LINK.search(out)
    assert key is not None
    assert key_works(migrated, "ete-again", key.group(1))
    original, copied = json.loads(exported.read_bytes()), json.loads(again.read_bytes())
    assert copied == {**original, "event": {**original["event"], "slug": "ete-again"}}


def test_import_refuses_a_taken_slug_and_a_broken_file(migrated, factory, tmp_path, capsys):
    factory.event(slug="ete")
    exported = tmp_path / "ete.json"
    run(capsys, "export", "ete", "--format", "json", "-o", str(exported))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "hallway-event", "version": 7}')

    taken = run(capsys, "import", str(exported))
    bad = run(capsys, "import", str(broken), "--slug", "fresh")
    missing = run(capsys, "import", str(tmp_path / "nowhere.json"))

    assert taken[0] == 2
    assert taken[2] == (
        "hallway: An event with the slug 'ete' is already here; nothing was imported. "
        "Import it under another slug with --slug NEW.\n"
    )
    assert bad[0] == 2 and "this Hallway reads versions 1, 2 and 3" in bad[2]
    assert missing[0] == 2 and missing[2].startswith("hallway: Can't read ")
    assert count(migrated, Event) == 1


def test_serve_logs_no_line_per_websocket_unless_asked():
    quiet = QuietSockets()

    def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", level, __file__, 1, message, None, None)

    assert quiet.filter(record('127.0.0.1:5000 - "WebSocket /ws/events/demo?view=wall" [accepted]')) is False
    assert quiet.filter(record("connection open")) is False
    assert quiet.filter(record("connection closed")) is False
    assert quiet.filter(record("Application startup complete.")) is True
    assert quiet.filter(record("connection closed", logging.WARNING)) is True
    assert _log_config(quiet_sockets=False)["handlers"]["default"].get("filters") is None


def test_the_access_log_never_shows_a_facilitator_key():
    """Old links carry the key as ?key=…: with --access-log on, the line shows where, never the key."""
    config = _log_config(quiet_sockets=False)
    logging.config.dictConfig(config)
    access = logging.getLogger("uvicorn.access")
    handler = access.handlers[0]
    line = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.7:5123", "GET", "/e/demo/facilitate?key=s3cr3t-KEY_value&x=1", "1.1", 303), None,
    )  # fmt: skip

    assert all(f.filter(line) for f in handler.filters)
    assert line.getMessage() == '10.0.0.7:5123 - "GET /e/demo/facilitate?key=(hidden)&x=1 HTTP/1.1" 303'


# --- schedule --------------------------------------------------------------------------------------


# The demo's day is the venue's today (app/services/demo.py reads app/services/clock.py, as the scheduler does):
# these tests stand that clock at a fixed moment, the same for the seed and the scheduler whatever the hour or
# the date they run at.
DEMO_DAY = date(2026, 11, 24)


def stand_the_venue_clock_at(monkeypatch: pytest.MonkeyPatch, hhmm: str) -> None:
    monkeypatch.setattr(clock, "venue_now", lambda timezone: datetime.combine(DEMO_DAY, time.fromisoformat(hhmm)))


@pytest.fixture
def before_the_demo_day_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run at 10:45, the demo's first two slots had started and the scheduler kept them as they were. These
    tests read the figures of a whole day, so the venue's clock stands at 07:00 of the demo's day."""
    stand_the_venue_clock_at(monkeypatch, "07:00")


def test_schedule_dry_run_prints_the_figures_and_changes_nothing(migrated, backend, capsys, before_the_demo_day_starts):
    run(capsys, "demo")
    event = load_event(migrated, DEMO_SLUG)
    placed_before = count(migrated, Placement, Placement.event_id == event.id)

    code, out, err = run(capsys, "schedule", DEMO_SLUG, "--dry-run", "--time-limit", "0.5")

    assert (code, err) == (0, "")
    assert "25 topics, 4 rooms x 5 session slots, 30 attendees with dots" in out
    for figure in ("topics placed", "votes placed", "torn attendees", "seats short", "moves"):
        assert figure in out
    assert "20/25" in out  # 4 rooms x 5 session slots, all filled
    assert "Left off the wall:" in out
    assert "Dry run: nothing was changed." in out
    assert count(migrated, Placement, Placement.event_id == event.id) == placed_before
    assert load_event(migrated, DEMO_SLUG).board_version == event.board_version


def test_schedule_puts_the_wall_up_and_moves_the_board_version_on(
    migrated, backend, capsys, before_the_demo_day_starts
):
    run(capsys, "demo")
    event = load_event(migrated, DEMO_SLUG)

    code, out, _ = run(capsys, "schedule", DEMO_SLUG, "--time-limit", "0.5")

    assert code == 0
    assert "The wall is up: 20 sessions placed" in out
    assert count(migrated, Placement, Placement.event_id == event.id) == 20
    assert load_event(migrated, DEMO_SLUG).board_version > event.board_version


def test_schedule_during_the_demo_day_keeps_the_slots_that_have_started(migrated, backend, monkeypatch, capsys):
    stand_the_venue_clock_at(monkeypatch, "10:45")  # the hour CI ran at when these tests read the real clock
    run(capsys, "demo")

    code, out, _ = run(capsys, "schedule", DEMO_SLUG, "--dry-run", "--time-limit", "0.5")

    assert load_event(migrated, DEMO_SLUG).date == DEMO_DAY  # seeded on the day the scheduler's clock reads
    assert code == 0
    assert "  09:30 Session 1 (started: kept as it is)\n" in out
    assert "  10:30 Session 2 (started: kept as it is)\n" in out
    assert "  11:30 Session 3\n" in out


def test_schedule_of_an_event_without_rooms_says_what_to_do(migrated, factory, capsys):
    event = factory.event(slug="bare")
    factory.slot(event)

    code, _, err = run(capsys, "schedule", "bare", "--dry-run")

    assert code == 2
    assert err == (
        "hallway: There are no rooms yet: add the rooms, with how many people each holds, before scheduling.\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["schedule", "nope", "--dry-run"], "hallway: "),
        (["schedule", DEMO_SLUG, "--time-limit", "0"], "hallway: --time-limit must be between 0.5 and 60 seconds.\n"),
    ],
)
def test_schedule_with_a_bad_argument_fails_with_a_message(migrated, capsys, argv, message):
    code, out, err = run(capsys, *argv)

    assert (code, out) == (2, "")
    assert err.startswith(message)


def test_facilitator_link_new_replaces_the_key_and_the_demo_keeps_printing_a_working_link(
    migrated, data_dir, served, capsys
):
    run(capsys, "demo")
    old = (data_dir / DEMO_KEY_FILE).read_text().strip()

    code, out, _ = run(capsys, "facilitator-link", "demo", "--new")

    new = KEY_IN_LINK.search(out).group(1)  # type: ignore[union-attr]
    assert code == 0
    assert "was replaced: the old one no longer works, in any browser." in out
    assert new != old
    assert (data_dir / DEMO_KEY_FILE).read_text().strip() == new
    _, served_out, _ = run(capsys, "serve")
    assert f"/e/demo/facilitate#key={new}\n" in served_out


def test_facilitator_link_name_replaces_that_members_link_only(migrated, capsys):
    run(capsys, "create-event", "Autumn", "--date", "2026-11-24", "--timezone", "UTC", "--facilitator", "Sam")
    database = connect(migrated)
    try:
        with database.write_session() as session:
            event = events.get_event(session=session, slug="autumn")
            sam = team.first_member(session=session, event_id=id_of(event))
            assert sam is not None and sam.name == "Sam"
            kim = team.invite(session=session, event_id=id_of(event), actor=team.actor_of(sam), name="Kim").result
    finally:
        database.dispose()

    code, out, _ = run(capsys, "facilitator-link", "autumn", "--new", "--name", "kim")
    missing = run(capsys, "facilitator-link", "autumn", "--new", "--name", "Nobody")

    new = KEY_IN_LINK.search(out).group(1)  # type: ignore[union-attr]
    assert code == 0 and "The facilitator link of Kim for 'Autumn' was replaced" in out
    assert (key_works(migrated, "autumn", new), key_works(migrated, "autumn", kim.key)) == (True, False)
    assert missing == (2, "", "hallway: Nobody called 'Nobody' is on this event's team.\n")


def test_facilitator_link_of_an_unknown_event_is_one_line(migrated, capsys):
    code, out, err = run(capsys, "facilitator-link", "nope", "--new")

    assert code == 2
    assert out == ""
    assert err == "hallway: There is no event 'nope'. Check the link you were given.\n"


def test_facilitator_link_new_closes_the_pages_open_with_the_old_link_at_once(
    migrated, settings, factory, capsys, monkeypatch
):
    """The terminal's write is not broadcast: the live feed finds it at its next look at the database (every
    5 s; made quicker here) and closes the socket opened with the old link, whose next request is refused."""
    monkeypatch.setattr(hub_module, "CONSISTENCY_CHECK_SECONDS", 0.05)
    monkeypatch.setattr(hub_module, "CONSISTENCY_GRACE", 0.2)
    event = factory.event(slug="hall")
    with TestClient(create_app(settings)) as browser:
        assert browser.get(f"/e/hall/facilitate?key={event.key}").status_code == 200
        with browser.websocket_connect("/ws/events/hall?view=market") as socket:
            socket.receive_text()  # the snapshot
            code, out, _ = run(capsys, "facilitator-link", "hall", "--new")
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    socket.receive_text()
        refused = browser.get("/e/hall/facilitate")

    assert code == 0 and "was replaced: the old one no longer works" in out
    assert (closed.value.code, closed.value.reason) == (1008, REFUSED_SESSION)
    assert (refused.status_code, str(escape(REFUSED_KEY)) in refused.text) == (401, True)


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["export", "demo", "--format", "json"], ["demo"]])
def test_an_unreachable_database_is_one_line_not_a_traceback(data_dir, monkeypatch, served, capsys, command):
    monkeypatch.setenv("DATABASE_URL", "postgres://hallway@127.0.0.1:1/hallway")  # nothing listens on port 1

    code, out, err = run(capsys, *command)

    assert code == 2
    assert out == ""
    assert err.startswith("hallway: Can't reach the database at postgresql+psycopg://hallway@127.0.0.1:1/hallway: ")
    assert err.endswith(". Is it running, and is DATABASE_URL right?\n")
    assert err.count("\n") == 1
    assert served == []
