"""Browser tests: a real uvicorn server on a free port, a seeded SQLite file, and Debian's Chromium.

Playwright never downloads a browser here: it drives /usr/bin/chromium, and a missing one is a
failure that says so, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.db import connect
from app.migrate import upgrade
from app.models import SlotKind
from app.services.demo import seed_demo
from tests.conftest import ADMIN_TOKEN
from tests.factories import EventWithKey, Factory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder drives Chromium: marked so, whether or not it says so itself, so that
    `-m "not browser"` leaves them all out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    factory: Factory
    stop: Callable[[], None]
    start: Callable[[], None]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"the server exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer at {url} within {timeout} s")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """uvicorn in its own process (its event loop and warnings stay out of pytest's) on a migrated SQLite file."""
    database_url = f"sqlite:///{tmp_path / 'hallway.db'}"
    upgrade(database_url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "HALLWAY_ENVIRONMENT": "test",
        "HALLWAY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "HALLWAY_SECRET_KEY": "browser-test-secret-key-that-is-long-enough-0123456789",
        "HALLWAY_PUBLIC_URL": url,
        "HALLWAY_ADMIN_TOKEN": ADMIN_TOKEN,  # the organisers' page (/admin)
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1"]
    # The websocket settings of `hallway serve` (app/cli.py): Chromium's live pages get the frames written once
    # for every socket (app/realtime/frames.py), as phones do at an event.
    command += ["--port", str(port), "--log-level", "warning", "--ws", "websockets-sansio"]
    command += ["--ws-per-message-deflate", "false"]
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        processes.append(process)
        _wait_until_up(url + "/", process)

    def stop() -> None:
        process = processes[-1]
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()

    database = connect(database_url)
    try:
        start()
        yield LiveServer(url=url, factory=Factory(database), stop=stop, start=start)
    finally:
        if processes[-1].poll() is None:
            stop()
        database.dispose()


@pytest.fixture
def demo_event(live_server: LiveServer) -> EventWithKey:
    """An event like the demo: `demo`, voting open, three dots each, a few topics from other people."""
    factory = live_server.factory
    event = factory.event(slug="demo", name="Demo Unconference", voting_open=True, votes_per_attendee=3)
    grace = factory.attendee(event, name="Grace")
    linus = factory.attendee(event, name="Linus")
    remote = factory.topic(event, grace, title="Remote work, two years on", description="What stuck, what didn't.")
    gardening = factory.topic(event, linus, title="Gardening for beginners")
    factory.topic(event, None, title="Lightning talks")
    hall, library = factory.room(event, name="Main hall", capacity=40), factory.room(event, name="Library", capacity=1)
    factory.slot(event, starts="09:00", ends="09:30", label="Opening circle", kind=SlotKind.plenary)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="11:00", ends="11:20", label="Coffee", kind=SlotKind.break_)
    factory.place(event, remote, hall, morning)
    factory.place(event, gardening, library, morning)
    return event


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium (apt-get install chromium); "
            "they never download a browser."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def seeded_demo(live_server: LiveServer) -> None:
    """The demo event exactly as `hallway demo` (and so `make run`) seeds it."""
    with live_server.factory.database.write_session() as session:
        assert seed_demo(session=session) is not None
