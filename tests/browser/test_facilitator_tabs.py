"""The facilitator's pages in tabs, in a real browser: on a phone no tab scrolls sideways, a topic's moderation is
in reach under its title, and a tab's last section is one tap away; on a laptop as before. Screenshots of the
Moderation and Wall tabs at both sizes; the height of each tab is printed."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import SlotKind
from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
TABS = ("", "setup", "wall", "phases", "moderation", "exports", "team")


def _lived_in(live_server: LiveServer, event: EventWithKey) -> None:
    """The demo event with a day's frame and a marketplace: six rooms, eight slots, a dozen topics."""
    factory = live_server.factory
    for name in ("Garden", "Studio", "Kitchen", "Attic"):
        factory.room(event, name=name, capacity=12)
    for hour in (12, 14, 15, 16):
        factory.slot(event, starts=f"{hour}:00", ends=f"{hour}:50", label=f"Round at {hour}")
    factory.slot(event, starts="13:00", ends="13:50", label="Lunch", kind=SlotKind.break_)
    convener = factory.attendee(event, name="Noor")
    for title in ("Repair cafés", "Seed libraries", "Night buses", "Tool sharing", "Quiet rooms", "Local radio"):
        factory.topic(event, convener, title=title)


def _tab_url(live_server: LiveServer, tab: str) -> str:
    return f"{live_server.url}/e/demo/facilitate" + (f"/{tab}" if tab else "")


def _sign_in(page: Page, live_server: LiveServer, event: EventWithKey) -> None:
    page.goto(f"{live_server.url}/e/demo/facilitate#key={event.key}")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()


@pytest.mark.browser
def test_on_a_phone_every_tab_fits_and_moderation_is_in_reach(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    _lived_in(live_server, demo_event)
    phone = browser.new_context(**PHONE)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page = phone.new_page()
        _sign_in(page, live_server, demo_event)
        heights = {}
        for tab in TABS:
            page.goto(_tab_url(live_server, tab))
            expect(page.locator(".fac-tabs a[aria-current=page]")).to_have_count(1)
            sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            assert sizes[0] <= 390, f"{tab or 'overview'} scrolls sideways: {sizes[0]} px wide"
            heights[tab or "overview"] = sizes[1]
        print("phone heights (px):", heights)

        page.goto(_tab_url(live_server, "moderation"))
        row = page.locator("#facilitate-topics tr", has_text="Night buses")
        for name in ("Hide", "Ban", "Remove", "Merge"):
            button = row.get_by_role("button", name=name).first
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
        page.screenshot(path=str(ARTIFACTS / "facilitate-moderation-phone.png"))
        page.screenshot(path=str(ARTIFACTS / "facilitate-moderation-phone-full.png"), full_page=True)

        # Hide it from the phone: asked first, then gone from the marketplace, and said in the activity.
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Hide").click()
        expect(page.locator("#facilitate-topics tr", has_text="Night buses")).to_contain_text("hidden")
        # The last section of the tab, below every topic, is one tap away.
        page.locator(".fac-jump").get_by_role("link", name="Activity").click()
        expect(page.locator("#facilitate-activity")).to_be_in_viewport()
        expect(page.locator("#facilitate-activity")).to_contain_text("hid “Night buses”")

        page.goto(_tab_url(live_server, "wall"))
        page.screenshot(path=str(ARTIFACTS / "facilitate-wall-phone.png"))
        page.screenshot(path=str(ARTIFACTS / "facilitate-wall-phone-full.png"), full_page=True)
        page.goto(_tab_url(live_server, ""))
        page.screenshot(path=str(ARTIFACTS / "facilitate-overview-phone.png"), full_page=True)
    finally:
        phone.close()


@pytest.mark.browser
def test_on_a_laptop_the_tabs_keep_their_forms_and_live_sections(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    _lived_in(live_server, demo_event)
    laptop = browser.new_context(**LAPTOP)
    try:
        page = laptop.new_page()
        _sign_in(page, live_server, demo_event)
        heights = {}
        for tab in TABS:
            page.goto(_tab_url(live_server, tab))
            heights[tab or "overview"] = page.evaluate("() => document.documentElement.scrollHeight")
        print("laptop heights (px):", heights)

        # A form on its tab: added with htmx, the section redrawn in place, the page not left.
        page.goto(_tab_url(live_server, "wall"))
        rooms = page.locator("#facilitate-rooms")
        rooms.get_by_label("Name").last.fill("Greenhouse")
        rooms.get_by_label("Capacity").last.fill("9")
        rooms.get_by_role("button", name="Add the room").click()
        expect(rooms.locator("input[value='Greenhouse']")).to_have_count(1)
        assert page.url == _tab_url(live_server, "wall")
        page.screenshot(path=str(ARTIFACTS / "facilitate-wall-laptop.png"))

        page.goto(_tab_url(live_server, "moderation"))
        page.screenshot(path=str(ARTIFACTS / "facilitate-moderation-laptop.png"))
        # The overview's counts follow the day live: a topic proposed elsewhere is counted without a reload.
        page.goto(_tab_url(live_server, ""))
        page.wait_for_function("() => document.getElementById('live-status').hidden")
        waiting = page.locator("#facilitate-overview li").first
        before = waiting.inner_text()
        ada = live_server.factory.attendee(demo_event, name="Ada")
        made = httpx.post(
            f"{live_server.url}/api/events/demo/topics", json={"title": "Arrived while you watched"}, headers=ada.auth
        )
        assert made.status_code == 201, made.text
        expect(waiting).not_to_have_text(before, timeout=5000)
        page.screenshot(path=str(ARTIFACTS / "facilitate-overview-laptop.png"), full_page=True)
    finally:
        laptop.close()
