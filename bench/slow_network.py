"""One bar of venue wifi: the attendee pages in Chromium at 300 ms latency and 400 kbit/s down and up.

    .venv/bin/python bench/slow_network.py                         # a fresh server with the demo event
    .venv/bin/python bench/slow_network.py --url http://127.0.0.1:8000 --slug demo   # one running (make run)
    .venv/bin/python bench/slow_network.py --latency 300 --kbps 400 --runs 3

Chromium's own throttling (CDP `Network.emulateNetworkConditions`, what DevTools' throttling uses) on a phone
sized page, run by hand; prints, for each page as an attendee meets it:
- bytes transferred (on the wire: compressed, headers included) and requests, with an empty cache (first
  visit) and with the cache of the pages before (the way a phone goes from the join form to the marketplace);
- time to interactive (the DOM parsed, `domInteractive`), DOMContentLoaded (deferred scripts run: htmx works
  from then) and load, from the navigation's start;
- the time a dot takes to show (tap to the card saying "Take back dot", dots left counted down), and an
  "I'm going" (tap to My day naming the session), each the median of a few taps.
Figures are the median of --runs runs. Same machine for server and browser: the throttling is the link.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}

# What the page's own Navigation and Resource Timing say about its load (same-origin: sizes are exposed).
PAGE_FIGURES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const bytes = [nav, ...resources].reduce((sum, entry) => sum + entry.transferSize, 0);
  return {bytes, requests: 1 + resources.length, interactive: nav.domInteractive,
          dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}"""


@contextmanager
def spawned_server() -> Iterator[str]:
    """uvicorn on a temp SQLite with the demo event (as `hallway demo` seeds it), stopped afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="hallway-slow-network-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("HALLWAY_")}
    env.update(HALLWAY_DATA_DIR=str(data_dir), HALLWAY_ENVIRONMENT="development")
    url = f"sqlite:///{data_dir / 'hallway.db'}"
    seed = (
        "from app.migrate import upgrade; from app.db import connect; from app.services.demo import seed_demo\n"
        f"upgrade({url!r}); db = connect({url!r})\n"
        "with db.write_session() as s: seed_demo(session=s)\n"
        "db.dispose()"
    )
    subprocess.run([sys.executable, "-c", seed], cwd=ROOT, env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    log = data_dir / "server.log"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def throttle(page: Any, latency_ms: float, kbps: float) -> None:
    """Chromium's network emulation on this page (it holds across its navigations): both ways at `kbps`."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    per_second = kbps * 1000 / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": per_second, "uploadThroughput": per_second},
    )


@dataclass
class Figures:
    pages: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    taps: dict[str, list[float]] = field(default_factory=dict)

    def page(self, name: str, figures: dict[str, float]) -> None:
        self.pages.setdefault(name, []).append(figures)

    def tap(self, name: str, seconds: float) -> None:
        self.taps.setdefault(name, []).append(seconds)


# Checked at every frame (expect() polls at 100, 250, 500, 1000 ms: its steps would be the figures).
DOT_SHOWN = """title => [...document.querySelectorAll("li.topic")].some(card =>
  card.querySelector("h3, h2").textContent.trim() === title &&
  [...card.querySelectorAll("button")].some(button => button.textContent.startsWith("Take back dot")))"""
GOING_SHOWN = """title => document.getElementById("my-day").textContent.includes(title)"""


def shown(page: Any, predicate: str, title: str) -> None:
    page.wait_for_function(predicate, arg=title, polling="raf", timeout=60_000)


def timed(action: Callable[[], None], done: Callable[[], None]) -> float:
    start = time.monotonic()
    action()
    done()
    return time.monotonic() - start


def one_run(browser: Any, url: str, slug: str, latency: float, kbps: float, run: int, figures: Figures) -> None:
    from playwright.sync_api import expect

    # Service workers blocked: the worker's own fetches are not in the page's figures (its script, a few KB
    # once, would not be counted), and a first visit has none yet anyway.
    context = browser.new_context(**PHONE, service_workers="block")
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        throttle(page, latency, kbps)
        page.goto(f"{url}/e/{slug}", wait_until="load")
        figures.page("join form (first visit, empty cache)", page.evaluate(PAGE_FIGURES))
        page.get_by_label("Your name").fill(f"Slow phone {run}")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible(timeout=60_000)
        page.wait_for_load_state("load")
        figures.page("marketplace (after joining: cache of the join form)", page.evaluate(PAGE_FIGURES))
        page.wait_for_function("() => !document.body.classList.contains('offline')")

        cards = page.locator("li.topic").filter(has=page.get_by_role("button", name="Add a dot"))
        for _ in range(3):
            card = cards.first
            title = card.locator("h3, h2").first.inner_text()
            figures.tap(
                "a dot (tap → card shows it)",
                timed(
                    lambda card=card: card.get_by_role("button", name="Add a dot").click(),
                    lambda title=title: shown(page, DOT_SHOWN, title),
                ),
            )

        page.goto(f"{url}/e/{slug}/wall", wait_until="load")
        figures.page("wall (cache of the marketplace)", page.evaluate(PAGE_FIGURES))
        page.wait_for_function("() => !document.body.classList.contains('offline')")
        rows = page.locator(".wall-grid .row").filter(has=page.get_by_role("button", name="I'm going"))
        for index in range(min(3, rows.count())):
            cell = rows.nth(index).locator(".cell").filter(has=page.get_by_role("button", name="I'm going")).first
            title = cell.locator("h3").inner_text()
            figures.tap(
                "an “I'm going” (tap → My day names it)",
                timed(
                    lambda cell=cell: cell.get_by_role("button", name="I'm going").click(),
                    lambda title=title: shown(page, GOING_SHOWN, title),
                ),
            )

        # Each page to a phone that joined but has nothing cached (a page opened first from a link).
        joined = context.storage_state()
        for name, path in (("marketplace (empty cache)", f"/e/{slug}"), ("wall (empty cache)", f"/e/{slug}/wall")):
            cold = browser.new_context(**PHONE, service_workers="block", storage_state=joined)
            try:
                fresh = cold.new_page()
                throttle(fresh, latency, kbps)
                fresh.goto(url + path, wait_until="load", timeout=60_000)
                figures.page(name, fresh.evaluate(PAGE_FIGURES))
            finally:
                cold.close()
    finally:
        context.close()


def report(figures: Figures, latency: float, kbps: float, runs: int) -> None:
    print(f"Attendee pages at {latency:.0f} ms latency, {kbps:.0f} kbit/s down and up (median of {runs} runs)\n")
    print(f"{'page':<52} {'KB':>7} {'req':>4} {'interactive':>12} {'DCL':>7} {'load':>7}")
    for name, runs_of in figures.pages.items():

        def median(key: str, runs_of: list[dict[str, float]] = runs_of) -> float:
            return statistics.median(run[key] for run in runs_of)

        print(
            f"{name:<52} {median('bytes') / 1000:>7.1f} {median('requests'):>4.0f} "
            f"{median('interactive') / 1000:>11.2f}s {median('dcl') / 1000:>6.2f}s {median('load') / 1000:>6.2f}s"
        )
    print()
    for name, seconds in figures.taps.items():
        print(f"{name:<52} median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s ({len(seconds)} taps)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Hallway; without it, a fresh one with the demo event is started")
    parser.add_argument("--slug", default="demo", help="an event with voting open and a wall (default: demo)")
    parser.add_argument("--latency", type=float, default=300, help="added round-trip latency in ms (300)")
    parser.add_argument("--kbps", type=float, default=400, help="throughput each way in kbit/s (400)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each a new phone (3)")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    figures = Figures()
    with spawned_server() if args.url is None else _given(args.url) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            for run in range(args.runs):
                one_run(browser, url, args.slug, args.latency, args.kbps, run, figures)
        finally:
            browser.close()
    report(figures, args.latency, args.kbps, args.runs)
    return 0


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url.rstrip("/")


if __name__ == "__main__":
    sys.exit(main())
