"""An event of three days, yesterday to tomorrow at the venue: the phone wall opens at today with yesterday
folded; the venue screen names the day beside its first slot shown and leaves yesterday out."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.browser.test_accessibility import _blocking

ZONE = "Europe/London"


def three_days(live_server: LiveServer, today):
    factory = live_server.factory
    event = factory.event(slug="camp", name="Winter Camp", days=3, first_day=today - timedelta(days=1), timezone=ZONE)
    hall = factory.room(event, name="Main hall", capacity=40)
    library = factory.room(event, name="Library", capacity=12)
    titles = iter(["Soil", "Seeds", "Rivers", "Rain", "Snow", "Ice", "Fire", "Smoke", "Stars", "Moon", "Sun", "Wind"])
    for day in (1, 2, 3):
        for starts, ends in (("09:00", "10:00"), ("11:00", "12:00"), ("14:00", "15:00"), ("16:00", "17:00")):
            slot = factory.slot(event, starts=starts, ends=ends, label=f"Day {day}", day=day)
            for room in (hall, library):
                if room is hall or starts == "11:00":
                    factory.place(event, factory.topic(event, None, title=next(titles, f"Talk {slot.id}")), room, slot)
    return event


def test_the_phone_wall_of_three_days_opens_at_today_with_yesterday_folded(browser: Browser, live_server: LiveServer):
    today = datetime.now(ZoneInfo(ZONE)).date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    event = three_days(live_server, today)
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/e/camp/wall")

        expect(page.locator(f"#day-{yesterday.isoformat()}")).not_to_have_attribute("open", "")
        expect(page.locator(f"#day-{today.isoformat()}")).to_have_attribute("open", "")
        expect(page.locator(f"#day-{tomorrow.isoformat()}")).to_have_attribute("open", "")
        expect(page.locator(f"#day-{today.isoformat()}")).to_be_in_viewport()
        expect(page.locator(f"#day-{yesterday.isoformat()} .row").first).to_be_hidden()
        expect(page.locator(".slot-jump .day-jump[aria-current=date]")).to_have_attribute(
            "href", f"#day-{today.isoformat()}"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "days-wall-phone.png"))

        # Yesterday opens when asked (its heading is a button), and stays open when the wall is drawn again.
        page.locator(f"#day-{yesterday.isoformat()} > summary").click()
        expect(page.locator(f"#day-{yesterday.isoformat()} .row").first).to_be_visible()
        added = httpx.post(
            f"{live_server.url}/api/events/camp/rooms", json={"name": "Garden", "capacity": 8}, headers=event.auth
        )
        assert added.status_code == 201, added.text
        expect(page.locator(".rooms-head")).to_contain_text("Garden")
        expect(page.locator(f"#day-{yesterday.isoformat()}")).to_have_attribute("open", "")

        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert _blocking(Axe(), page) == []  # a day's heading in its summary, the folds: nothing serious
    finally:
        context.close()


def test_the_board_of_three_days_leaves_yesterday_out_and_names_the_days(browser: Browser, live_server: LiveServer):
    today = datetime.now(ZoneInfo(ZONE)).date()
    three_days(live_server, today)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/e/camp/board")
        page.evaluate("document.body.setAttribute('data-mode', 'wall')")

        shown = page.locator("#board-grid .b-row[data-day]:not(.past):not(.later)")
        expect(shown.first).to_be_visible()
        days = shown.evaluate_all("rows => rows.map(row => row.getAttribute('data-day'))")
        assert yesterday_not_in(days, today)
        named = page.locator("#board-grid .b-row.first-of-day .b-day-name")
        expect(named.first).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "days-board.png"))
    finally:
        context.close()


def yesterday_not_in(days: list[str], today) -> bool:
    return (today - timedelta(days=1)).isoformat() not in days and days[0] >= today.isoformat()
