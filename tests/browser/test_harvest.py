"""The harvest in a browser: the facilitator publishes it from a laptop, someone reads it on a phone, and the
booklet prints grouped by theme. Screenshots go to test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.exporters.events import themed_day


@pytest.mark.browser
def test_the_facilitator_publishes_the_harvest_and_a_phone_reads_it(browser: Browser, live_server: LiveServer):
    day = themed_day(live_server.factory, slug="ct")
    harvest_url = f"{live_server.url}/e/ct/harvest"
    laptop_context = browser.new_context(viewport={"width": 1280, "height": 900})
    phone_context = browser.new_context(**PHONE)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        phone = phone_context.new_page()
        phone.goto(harvest_url)
        expect(phone.get_by_role("alert")).to_contain_text("The harvest is not published yet")

        laptop = laptop_context.new_page()
        laptop.goto(f"{live_server.url}/e/ct/facilitate/exports#key={day.event.key}")
        expect(laptop.get_by_role("heading", name="Export")).to_be_visible()
        laptop.get_by_role("link", name="The harvest").click()
        expect(laptop.locator("#harvest-publish")).to_contain_text("Not published")
        laptop.get_by_role("button", name="Publish the harvest").click()
        expect(laptop.locator("#harvest-publish")).to_contain_text("Published:")
        expect(laptop.get_by_role("button", name="Unpublish")).to_be_visible()
        laptop.screenshot(path=str(ARTIFACTS / "harvest-laptop.png"), full_page=True)

        phone.reload()
        expect(phone.get_by_role("heading", level=2, name="Care")).to_be_visible()
        themes = phone.get_by_role("heading", level=2).all_inner_texts()
        assert [" ".join(t.split()) for t in themes] == [
            "● Care",
            "■ Community data",
            "▲ Quiet",
            "Other topics",
            "Everything to carry forward",
        ]
        expect(phone.get_by_role("button", name="Unpublish")).to_have_count(0)
        kettle = phone.locator(f"#harvest-session-{day.kettle.id}")
        expect(kettle).to_contain_text("Data belongs to the people it describes")
        expect(kettle.get_by_role("link", name="https://chat.example/kettle")).to_be_visible()
        # Nothing wider than the phone: long titles and links wrap.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.screenshot(path=str(ARTIFACTS / "harvest-phone.png"), full_page=True)

        booklet = laptop_context.new_page()
        booklet.goto(f"{live_server.url}/e/ct/facilitate/export.html")
        expect(booklet.get_by_role("heading", level=2, name="Community data")).to_be_visible()
        booklet.emulate_media(media="print")
        booklet.screenshot(path=str(ARTIFACTS / "harvest-booklet-print.png"), full_page=True)
        booklet.pdf(path=str(ARTIFACTS / "harvest-booklet.pdf"))
        phone_print = phone_context.new_page()
        phone_print.goto(harvest_url)
        phone_print.emulate_media(media="print")
        phone_print.screenshot(path=str(ARTIFACTS / "harvest-phone-print.png"), full_page=True)
    finally:
        laptop_context.close()
        phone_context.close()
