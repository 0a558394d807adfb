"""The facilitator auto-schedules the wall on a laptop; the venue board shows the new wall live."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.factories import EventWithKey

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE_VIEWPORT = {"width": 390, "height": 844}
LIVE = 2000  # ms: the applied wall reaches an open board within two seconds


@pytest.mark.browser
def test_facilitator_proposes_and_applies_a_wall_that_the_board_shows_live(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    factory = live_server.factory
    factory.room(demo_event, name="Garden", capacity=15)
    factory.slot(demo_event, starts="14:00", ends="15:00", label="Afternoon")
    factory.topic(demo_event, None, title="Late idea")
    laptop = browser.new_context(**LAPTOP)
    screen = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        keep_the_wall = laptop.request.patch(
            f"{live_server.url}/api/events/demo",
            data={"board_mode": "wall"},  # not cycling: the wall stays in view (and in the accessibility tree)
            headers={"Authorization": f"Bearer {demo_event.key}"},
        )
        assert keep_the_wall.ok
        board = screen.new_page()
        board.goto(f"{live_server.url}/e/demo/board")
        board.wait_for_function(
            "() => document.getElementById('live-status') && document.getElementById('live-status').hidden"
        )
        wall_on_board = board.get_by_role("region", name="The wall")
        expect(wall_on_board).not_to_contain_text("Lightning talks")

        page = laptop.new_page()
        page.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
        page.wait_for_url(f"{live_server.url}/e/demo/facilitate")
        page.locator(".fac-tabs").get_by_role("link", name="Wall and board").click()
        page.get_by_role("link", name="Auto-schedule the wall").click()
        expect(page.get_by_role("heading", name="Auto-schedule the wall")).to_be_visible()
        expect(page.locator("#schedule-now")).to_contain_text("2 of 4")
        page.get_by_label("Time limit (seconds)").fill("0.5")
        expect(page.locator("#schedule-working-seconds")).to_have_text("0.5")

        page.get_by_role("button", name="Propose a wall").click()

        figures = page.get_by_role("table", name="How it compares with the wall now")
        expect(figures).to_be_visible(timeout=10_000)  # the first run starts the worker process
        expect(figures.get_by_role("row", name="Topics placed")).to_contain_text("2 of 4")
        expect(figures.get_by_role("row", name="Topics placed")).to_contain_text("4 of 4")
        grid = page.get_by_role("region", name="The wall it proposes")
        for title in ("Remote work, two years on", "Gardening for beginners", "Lightning talks", "Late idea"):
            expect(grid.get_by_role("cell", name=title)).to_be_visible()
        expect(grid.get_by_role("columnheader", name="Garden (15 seats)")).to_be_visible()
        expect(grid.get_by_text("New").first).to_be_visible()
        expect(page.get_by_text("Every topic is on the wall.")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "schedule-proposal-laptop.png"), full_page=True)

        # On a phone the grid scrolls sideways in its own box; the page itself does not.
        page.set_viewport_size(PHONE_VIEWPORT)
        overflow = page.evaluate(
            """() => {
              const wrap = document.querySelector('.schedule-grid-wrap');
              const page = document.documentElement.scrollWidth > innerWidth;
              return {page, grid: wrap.scrollWidth > wrap.clientWidth};
            }"""
        )
        assert overflow == {"page": False, "grid": True}
        page.screenshot(path=str(ARTIFACTS / "schedule-proposal-phone.png"), full_page=True)
        page.set_viewport_size(LAPTOP["viewport"])

        page.get_by_role("button", name="Apply this wall").click()

        expect(page.get_by_role("status").filter(has_text="The wall is up")).to_have_text(
            "The wall is up: every board shows it now."
        )
        for title in ("Lightning talks", "Late idea"):
            expect(wall_on_board).to_contain_text(title, timeout=LIVE)
        expect(page.get_by_role("link", name="Open the venue board")).to_be_visible()
        expect(page.locator("#schedule-now")).to_contain_text("4 of 4")
    finally:
        for context in (laptop, screen):
            context.close()
