"""The facilitation team in real browsers: two facilitators on the wall at once, each seeing the other's
moves and the activity list naming who did what; and a replaced link refused on a page already open."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
LIVE = 1500  # ms


def _invite(live_server: LiveServer, event: EventWithKey, name: str) -> str:
    answer = httpx.post(
        f"{live_server.url}/api/events/{event.slug}/facilitators",
        json={"name": name},
        headers={"Authorization": f"Bearer {event.key}"},
    )
    assert answer.status_code == 201, answer.text
    key: str = answer.json()["facilitator_key"]
    return key


def _sign_in(page: Page, live_server: LiveServer, key: str) -> None:
    page.goto(f"{live_server.url}/e/demo/facilitate#key={key}")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()


def _live(page: Page) -> None:
    page.wait_for_function(
        "() => document.getElementById('live-status') && document.getElementById('live-status').hidden"
    )


@pytest.mark.browser
def test_two_facilitators_place_at_once_and_the_activity_list_names_each(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    factory.topic(demo_event, None, title="Late idea")
    afternoon = factory.slot(demo_event, starts="14:00", ends="15:00", label="Afternoon")
    kim_key = _invite(live_server, demo_event, "Kim")
    laptop, phone = browser.new_context(**LAPTOP), browser.new_context(**PHONE)
    try:
        first, kim = laptop.new_page(), phone.new_page()
        _sign_in(first, live_server, demo_event.key)
        _sign_in(kim, live_server, kim_key)
        for page in (first, kim):
            page.goto(f"{live_server.url}/e/demo/wall")
            _live(page)
        morning_cell = first.locator(f".cell[data-room='{garden.id}']").first
        morning = morning_cell.get_attribute("data-slot")

        # Both pick a topic, then both drop it: the two writes meet on the server within moments.
        first.locator("#wall-tray .tray-item", has_text="Lightning talks").click()
        kim.locator("#wall-tray .tray-item", has_text="Late idea").click()
        morning_cell.click()
        kim.locator(f"#cell-{garden.id}-{afternoon.id}").click()

        expect(first.locator("#wall-message")).to_have_text("Placed.")
        expect(kim.locator("#wall-message")).to_have_text("Placed.")
        # Each sees the other's move without reloading.
        expect(first.locator(f"#cell-{garden.id}-{afternoon.id}")).to_contain_text("Late idea", timeout=LIVE)
        expect(kim.locator(f"#cell-{garden.id}-{morning}")).to_contain_text("Lightning talks", timeout=LIVE)

        # An address from before the tabs: its anchor finds the tab that holds the activity list.
        for page in (first, kim):
            page.goto(f"{live_server.url}/e/demo/facilitate#facilitate-activity")
            page.wait_for_url(f"{live_server.url}/e/demo/facilitate/moderation#facilitate-activity")
        activity = kim.locator("#facilitate-activity")
        expect(activity).to_contain_text("Facilitator placed “Lightning talks” in Garden at 10:00")
        expect(activity).to_contain_text("Kim placed “Late idea” in Garden at 14:00")
        ARTIFACTS.mkdir(exist_ok=True)
        activity.scroll_into_view_if_needed()
        kim.screenshot(path=str(ARTIFACTS / "team-activity-phone.png"))
        first.locator(".fac-tabs").get_by_role("link", name="Team").click()
        first.screenshot(path=str(ARTIFACTS / "team-laptop.png"))
        assert kim.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

        # Kim invites Noor from her phone, on the Team tab: the new link is shown once, with a copy button.
        kim.locator(".fac-tabs").get_by_role("link", name="Team").click()
        expect(kim.get_by_role("heading", name="Team")).to_be_visible()
        kim.get_by_label("Their name").fill("Noor")
        kim.get_by_role("button", name="Invite to the team").click()
        expect(kim.locator("#new-member-link")).to_contain_text("/e/demo/facilitate#key=")
        expect(kim.get_by_role("button", name="Copy the link for Noor")).to_be_visible()
        kim.locator("#facilitate-team").scroll_into_view_if_needed()
        kim.screenshot(path=str(ARTIFACTS / "team-invite-phone.png"))
        assert kim.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        laptop.close()
        phone.close()


@pytest.mark.browser
def test_a_replaced_link_is_refused_on_a_page_already_open(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    kim_key = _invite(live_server, demo_event, "Kim")
    leaked = browser.new_context(**LAPTOP)
    try:
        page = leaked.new_page()
        _sign_in(page, live_server, kim_key)
        page.goto(f"{live_server.url}/e/demo/facilitate/team")
        _live(page)

        # Kim replaces her leaked link from another device: the page opened with the old one is let go.
        replaced = httpx.post(
            f"{live_server.url}/api/events/demo/facilitator-key", headers={"Authorization": f"Bearer {kim_key}"}
        )
        assert replaced.status_code == 201
        expect(page.locator("#live-status")).to_be_visible(timeout=3 * LIVE)  # its live socket was closed

        page.get_by_label("Their name").fill("Mallory")
        page.get_by_role("button", name="Invite to the team").click()

        expect(
            page.get_by_role("alert").filter(has_text="This facilitator key is not valid for this event")
        ).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "team-replaced-link-refused.png"))
        names = httpx.get(
            f"{live_server.url}/api/events/demo/facilitators", headers={"Authorization": f"Bearer {demo_event.key}"}
        ).json()
        assert [m["name"] for m in names] == ["Facilitator", "Kim"]  # nothing written
        page.reload()
        expect(page.get_by_label("Facilitator key")).to_be_visible()  # the sign-in form, nothing of the event
    finally:
        leaked.close()
