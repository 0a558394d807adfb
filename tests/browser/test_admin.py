"""The organisers' page in a real browser: the admin token given once, then an event created (its facilitator
link opened), last time's event copied as a template, and an event deleted once its export is downloaded; at a
laptop's and a phone's size."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.conftest import ADMIN_TOKEN

LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def _sign_in(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/admin")
    page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    page.get_by_role("button", name="Sign in as an organiser").click()
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()


def _no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= innerWidth"))


@pytest.mark.browser
def test_the_organisers_create_copy_and_delete_events(browser: Browser, live_server: LiveServer):
    factory = live_server.factory
    autumn = factory.event(name="Autumn Gathering", slug="autumn")
    factory.room(autumn, name="Hall", capacity=40)
    factory.room(autumn, name="Attic", capacity=8)
    factory.slot(autumn, starts="10:00", ends="11:00", label="Morning")
    factory.theme(autumn, name="Care")
    factory.topic(autumn, factory.attendee(autumn, name="Ada"), title="Rest")
    laptop = browser.new_context(**LAPTOP, accept_downloads=True)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page = laptop.new_page()
        page.goto(f"{live_server.url}/admin")
        expect(page.get_by_role("alert")).to_contain_text("Give the admin token")
        expect(page.get_by_text("Autumn Gathering")).to_have_count(0)
        _sign_in(page, live_server)
        card = page.locator("#event-autumn")
        expect(card).to_contain_text("1 attendee")
        expect(card).to_contain_text("1 topic")

        # Create: the facilitator link is shown once, and lets its holder in.
        create = page.locator("#admin-create")
        create.get_by_label("Name", exact=True).fill("Winter Gathering")
        create.get_by_label("Date", exact=True).fill("2027-01-16")
        create.get_by_label("Short name in links (optional)").fill("winter")
        create.get_by_label("Dots per attendee").fill("3")
        create.get_by_label("First facilitator's name (optional)").fill("Kim")
        create.get_by_role("button", name="Create the event").click()
        made = page.locator("#admin-made")
        expect(made).to_contain_text("Winter Gathering is ready")
        link = page.locator("#made-facilitator-link").inner_text()
        assert "/e/winter/facilitate#key=" in link
        expect(page.locator("#event-winter")).to_contain_text("0 attendees")
        page.screenshot(path=str(ARTIFACTS / "admin-created-laptop.png"), full_page=True)
        kim = laptop.new_page()
        kim.goto(link)
        expect(kim.get_by_role("heading", name="At a glance")).to_be_visible()
        expect(kim.locator("#facilitate-overview")).to_contain_text("1 facilitator on the team")
        kim.close()

        # Copy last autumn's event for next year: its rooms, slot and theme, none of its people or topics.
        page.goto(f"{live_server.url}/admin")
        card = page.locator("#event-autumn")
        card.locator("summary", has_text="Copy as a template").click()
        card.get_by_label("Its date").fill("2027-11-23")
        card.get_by_label("Its short name in links (optional)").fill("autumn-27")
        card.get_by_label("The new event's name").fill("Autumn Gathering 2027")
        card.get_by_role("button", name="Copy Autumn Gathering").click()
        expect(page.locator("#admin-made")).to_contain_text(
            "Made from “Autumn Gathering”: its rooms (2), slots (1), themes (1) and settings."
        )
        expect(page.locator("#event-autumn-27")).to_contain_text("0 topics")
        slots = httpx.get(f"{live_server.url}/api/events/autumn-27/slots").json()
        assert [(s["starts_at"], s["label"]) for s in slots] == [("2027-11-23T10:00:00", "Morning")]

        # A copy into a slug that exists: said beside the form, nothing written.
        page.goto(f"{live_server.url}/admin")
        card = page.locator("#event-autumn")
        card.locator("summary", has_text="Copy as a template").click()
        card.get_by_label("Its date").fill("2028-11-21")
        card.get_by_label("Its short name in links (optional)").fill("winter")
        card.get_by_role("button", name="Copy Autumn Gathering").click()
        expect(page.locator("#copy-autumn-error")).to_have_text("The slug 'winter' is already used by another event.")
        expect(page.locator("#copy-autumn-slug")).to_be_focused()  # the answer opens at the field to mend

        # Delete, once exported: the JSON is downloaded from the card, then the slug typed.
        page.goto(f"{live_server.url}/admin")
        card = page.locator("#event-autumn")
        card.locator("summary", has_text="Delete").click()
        with page.expect_download() as download:
            card.get_by_role("link", name="download the whole event as JSON").click()
        exported = json.loads(download.value.path().read_text())
        assert exported["event"]["slug"] == "autumn" and [r["name"] for r in exported["rooms"]] == ["Hall", "Attic"]
        card.get_by_label("It is exported: to delete it, type its short name").fill("autumn")
        page.screenshot(path=str(ARTIFACTS / "admin-delete-laptop.png"), full_page=True)
        card.get_by_role("button", name="Delete Autumn Gathering").click()
        expect(page.get_by_role("status").filter(has_text="Autumn Gathering is deleted")).to_be_visible()
        expect(page.locator("#event-autumn")).to_have_count(0)
        assert httpx.get(f"{live_server.url}/e/autumn/board").status_code == 404
        page.screenshot(path=str(ARTIFACTS / "admin-laptop.png"), full_page=True)

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("Admin token")).to_be_visible()
        expect(page.get_by_text("Winter Gathering")).to_have_count(0)
    finally:
        laptop.close()

    phone = browser.new_context(**PHONE)
    try:
        page = phone.new_page()
        _sign_in(page, live_server)
        assert _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "admin-phone.png"), full_page=True)
        card = page.locator("#event-autumn-27")
        card.locator("summary", has_text="Copy as a template").click()
        assert _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "admin-copy-phone.png"), full_page=True)
    finally:
        phone.close()
