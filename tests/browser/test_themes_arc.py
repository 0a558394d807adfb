"""The whole arc of a themed open space in browsers: the facilitator announces themes, attendees propose under
them on phones (a near-duplicate is shown while typing), the facilitator merges the duplicate, the venue screen
shows each theme's sessions now and next, and the harvest is read per theme on a phone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from app.services import wall_setup
from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer

TV = {"viewport": {"width": 1920, "height": 1080}}


def _join(page: Page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
    page.locator("#propose").get_by_text("Write a proposal").click()  # folded away while voting is open


@pytest.mark.browser
def test_a_themed_open_space_from_themes_to_harvest(browser: Browser, live_server: LiveServer):
    factory = live_server.factory
    now = dt.datetime.now(ZoneInfo("Europe/London")).replace(tzinfo=None, second=0, microsecond=0)
    first, last = (now - dt.timedelta(minutes=5)).date(), (now + dt.timedelta(hours=1)).date()  # two near midnight
    event = factory.event(slug="ct", name="Community tech gathering", first_day=first, days=(last - first).days + 1)
    hall = factory.room(event, name="Main hall", capacity=40)
    with factory.database.write_session() as session:
        running = wall_setup.add_slot(
            session=session,
            event_id=event.id,
            starts_at=now - dt.timedelta(minutes=5),
            ends_at=now + dt.timedelta(hours=1),
        ).result
    base = f"{live_server.url}/e/ct"
    laptop_context = browser.new_context(viewport={"width": 1280, "height": 900})
    ada_context, bo_context = browser.new_context(**PHONE), browser.new_context(**PHONE)
    tv_context = browser.new_context(**TV)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        # The facilitator announces the themes.
        laptop = laptop_context.new_page()
        laptop.goto(f"{base}/facilitate/setup#key={event.key}")  # signed in, back on this tab
        laptop.wait_for_url(f"{base}/facilitate/setup")
        themes = laptop.locator("#facilitate-themes")
        for name in ("Tech for humans", "Community data, not big data"):
            themes.get_by_label("Name", exact=True).last.fill(name)
            themes.get_by_role("button", name="Add the theme").click()
            expect(themes.locator(f"input[value='{name}']")).to_have_count(1)

        # Ada proposes under a theme on her phone.
        ada = ada_context.new_page()
        _join(ada, base, "Ada")
        propose = ada.locator("#propose")
        propose.get_by_label("Title").fill("Who owns community data?")
        propose.get_by_label("Theme").select_option(label="■ Community data, not big data")
        propose.get_by_role("button", name="Propose").click()
        expect(ada.locator("#topic-list")).to_contain_text("Who owns community data?")
        expect(ada.locator("#topic-list")).to_contain_text("Community data, not big data")

        # Bo types the same conversation in other words: it is shown; he proposes anyway.
        bo = bo_context.new_page()
        _join(bo, base, "Bo")
        bo_propose = bo.locator("#propose")
        bo_propose.get_by_label("Title").press_sequentially("Who owns our community's data", delay=30)
        expect(bo_propose.locator("#propose-similar")).to_contain_text("‘Who owns community data?’")
        bo.screenshot(path=str(ARTIFACTS / "arc-similar-phone.png"))
        bo_propose.get_by_role("button", name="Propose").click()
        expect(bo.locator("#topic-list")).to_contain_text("Who owns our community's data")

        # The facilitator merges the pair from the list of likely duplicates.
        laptop.goto(f"{base}/facilitate/moderation")
        duplicates = laptop.locator("#facilitate-duplicates")
        expect(duplicates).to_contain_text("Who owns our community's data")
        asked: list[str] = []
        laptop.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        duplicates.get_by_role("button", name=re.compile("^Merge into")).first.click()
        expect(duplicates).to_contain_text("No likely duplicates")
        assert len(asked) == 1 and asked[0].startswith("Merge “Who owns")
        listed = [t["title"] for t in laptop.request.get(f"{live_server.url}/api/events/ct/topics").json()]
        assert len(listed) == 1

        # The kept topic runs now; the venue screen shows it under its theme.
        kept_id = laptop.request.get(f"{live_server.url}/api/events/ct/topics").json()[0]["id"]
        placed = laptop.request.put(
            f"{live_server.url}/api/events/ct/topics/{kept_id}/placement",
            data={"room_id": hall.id, "slot_id": running.id},
            headers=event.auth,
        )
        assert placed.ok, placed.text()
        laptop.goto(f"{base}/facilitate/wall")
        laptop.locator("#event-board-mode").select_option("themes")
        laptop.get_by_role("button", name="Save the board settings").click()
        tv = tv_context.new_page()
        tv.goto(f"{base}/board")
        by_theme = tv.locator("#board-themes")
        expect(by_theme).to_be_visible()
        expect(by_theme.get_by_role("heading", level=2)).to_have_text(["■ Community data, not big data"])
        expect(by_theme).to_contain_text("Main hall")
        tv.screenshot(path=str(ARTIFACTS / "arc-board-by-theme.png"))

        # Notes are written, the harvest published, and read on a phone.
        saved = ada.request.put(
            f"{live_server.url}/api/events/ct/topics/{kept_id}/notes",
            data={
                "body": "",
                "base_version": 0,
                "key_points": "Data belongs to the people it describes",
                "actions": "Draft a data charter — Ada",
            },
            headers=event.auth,
        )
        assert saved.ok, saved.text()
        laptop.goto(f"{base}/harvest")
        laptop.get_by_role("button", name="Publish the harvest").click()
        # Published once the laptop says so: a phone that loads the page before that still reads "not yet".
        expect(laptop.get_by_role("button", name="Unpublish")).to_be_visible()
        ada.goto(f"{base}/harvest")
        expect(ada.get_by_role("heading", level=2, name="Community data, not big data")).to_be_visible()
        expect(ada.get_by_role("main")).to_contain_text("Data belongs to the people it describes")
        expect(ada.get_by_role("main")).to_contain_text("Draft a data charter")
        expect(ada.get_by_role("main")).to_contain_text("No session of this theme was on the wall.")
        ada.screenshot(path=str(ARTIFACTS / "arc-harvest-phone.png"), full_page=True)
    finally:
        for context in (laptop_context, ada_context, bo_context, tv_context):
            context.close()
