"""The facilitator auto-schedules a wall with a theme: the theme clashes beside the other figures, and the slot
where a theme must run twice says so in words."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.factories import EventWithKey

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE_VIEWPORT = {"width": 390, "height": 844}


def test_the_proposal_counts_theme_clashes_and_names_the_slot_where_a_theme_runs_twice(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    factory = live_server.factory
    factory.room(demo_event, name="Garden", capacity=15)
    factory.slot(demo_event, starts="14:00", ends="15:00", label="Afternoon")
    data = factory.theme(demo_event, name="Community data")
    # Three sessions of one theme and two slots: one clash at least, wherever they go.
    for title in ("Who owns community data?", "Data co-ops", "Open maps for the neighbourhood"):
        factory.topic(demo_event, None, title=title, theme=data)
    laptop = browser.new_context(**LAPTOP)
    try:
        page = laptop.new_page()
        page.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
        page.wait_for_url(f"{live_server.url}/e/demo/facilitate")
        page.goto(f"{live_server.url}/e/demo/schedule")
        expect(page.locator("#schedule-now")).to_contain_text(re.compile(r"Theme clashes\s*0"))
        expect(page.get_by_label("Each theme clash costs")).to_have_value("30")
        page.get_by_label("Time limit (seconds)").fill("0.5")

        page.get_by_role("button", name="Propose a wall").click()

        figures = page.get_by_role("table", name="How it compares with the wall now")
        expect(figures).to_be_visible(timeout=10_000)  # the first run starts the worker process
        clashes = figures.get_by_role("row", name="Theme clashes")
        expect(clashes.get_by_role("cell")).to_have_text(["0", "1"])
        grid = page.get_by_role("region", name="The wall it proposes")
        expect(grid.get_by_role("rowheader").filter(has_text="2 sessions of Community data at once")).to_have_count(1)
        expect(page.get_by_text("Every topic is on the wall.")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "schedule-themes-laptop.png"), full_page=True)
        page.set_viewport_size(PHONE_VIEWPORT)
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(ARTIFACTS / "schedule-themes-phone.png"), full_page=True)
        figures.screenshot(path=str(ARTIFACTS / "schedule-themes-phone-figures.png"))
        grid.screenshot(path=str(ARTIFACTS / "schedule-themes-phone-grid.png"))
    finally:
        laptop.close()
