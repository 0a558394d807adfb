"""An attendee's privacy on a phone: join as "a participant", find "Your privacy" from the marketplace, show the
name again, then remove oneself and land on the join page that says so; and the page on a laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Dialog, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey


@pytest.mark.browser
def test_privacy_on_a_phone_from_joining_to_removing_oneself(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        page.get_by_label("Your name").fill("Zoe Quiet")
        page.get_by_label("Show me as “a participant” to others").check()
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_text("You are Zoe Quiet (others see “a participant”).")).to_be_visible()

        page.get_by_role("link", name="Your privacy").click()
        expect(page.get_by_role("heading", name="Your privacy", level=1)).to_be_visible()
        expect(page.get_by_role("radio", name="“a participant”")).to_be_checked()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "privacy-phone.png"), full_page=True)

        page.get_by_role("radio", name="My name, Zoe Quiet").check()
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#privacy-name").get_by_role("status")).to_have_text(
            "Others now read your name, Zoe Quiet."
        )
        assert page.url.endswith("/e/demo/privacy"), "htmx answered in place"

        asked: list[str] = []

        def accept(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept()

        page.once("dialog", accept)
        page.get_by_role("button", name="Remove me from this event").click()
        expect(page.get_by_role("alert")).to_contain_text("You removed yourself from this event")
        expect(page.get_by_role("button", name="Join")).to_be_visible()
        assert asked and asked[0].startswith("Remove yourself from")
        page.screenshot(path=str(ARTIFACTS / "privacy-removed-phone.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.browser
def test_the_privacy_page_on_a_laptop(browser: Browser, live_server: LiveServer, demo_event: EventWithKey):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        page.get_by_label("Your name").fill("Ada Lovelace")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
        page.goto(f"{live_server.url}/e/demo/privacy")
        expect(page.get_by_role("radio", name="My name, Ada Lovelace")).to_be_checked()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "privacy-laptop.png"), full_page=True)

        # The facilitator's side: Remove beside Ban (Moderation), and "Delete this event" after the exports.
        page.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
        page.wait_for_url(f"{live_server.url}/e/demo/facilitate")
        page.goto(f"{live_server.url}/e/demo/facilitate/moderation")
        page.locator("#facilitate-topics").screenshot(path=str(ARTIFACTS / "facilitate-topics-laptop.png"))
        page.goto(f"{live_server.url}/e/demo/facilitate/exports")
        delete = page.locator("#facilitate-delete")
        expect(delete.get_by_role("link", name="download the whole event as JSON")).to_be_visible()
        delete.screenshot(path=str(ARTIFACTS / "facilitate-delete-laptop.png"))
        delete.get_by_label("To delete it, type the event's short name").fill("demo?")
        delete.get_by_role("button", name="Delete Demo Unconference").click()
        expect(page.locator("#delete-error")).to_contain_text("type its short name (demo)")
    finally:
        context.close()
