"""An attendee on a phone: join, propose a topic, spend every dot, and see why the other buttons stop working."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

SPENT = "You have spent all 3 dots — take one back to vote here"


@pytest.mark.browser
def test_attendee_flow_on_a_phone_spends_the_budget(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        page.get_by_label("Your name").fill("Ada")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
        expect(page.locator("#dots-left")).to_contain_text("3 of 3 dots left")

        propose = page.locator("#propose")
        propose.get_by_text("Write a proposal").click()  # folded away while voting is open
        propose.get_by_label("Title").fill("Pair programming <live>")
        propose.get_by_label("Description").fill("Bring a laptop.")
        propose.get_by_role("button", name="Propose").click()
        expect(propose.get_by_role("status")).to_have_text(
            "Your topic “Pair programming <live>” is on the marketplace."
        )
        expect(page.locator("#my-topics").get_by_role("heading", name="Pair programming <live>")).to_be_visible()

        for left in (2, 1, 0):
            page.get_by_role("button", name="Add a dot", disabled=False).first.click()
            expect(page.locator("#dots-left")).to_contain_text(f"{left} of 3 dots left")

        blocked = page.get_by_role("button", name="Add a dot")
        expect(blocked).to_have_count(1)  # four topics, three dots: one is left without
        expect(blocked).to_be_disabled()
        expect(blocked).to_have_accessible_description(SPENT)
        expect(page.get_by_text(SPENT)).to_be_visible()
        expect(page.get_by_role("button", name="Take back dot")).to_have_count(3)
        assert "#" not in page.url, "htmx answered the votes in place, without a page load"

        page.get_by_role("button", name="Take back dot").first.click()
        expect(page.locator("#dots-left")).to_contain_text("1 of 3 dots left")
        expect(page.get_by_role("button", name="Add a dot", disabled=False)).to_have_count(2)
        page.get_by_role("button", name="Add a dot", disabled=False).first.click()
        expect(page.locator("#dots-left")).to_contain_text("0 of 3 dots left")

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "attendee-marketplace-phone.png"), full_page=True)

        page.get_by_label("Search topics").fill("garden")
        expect(page.locator("#topic-list li")).to_have_count(1)
        expect(page.locator("#topic-list")).to_contain_text("Gardening for beginners")
        expect(page).to_have_url(re.compile(r"/e/demo\?q=garden&sort=votes$"))

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Withdraw “Pair programming <live>”").click()
        expect(page.locator("#my-topics").get_by_role("status")).to_contain_text(
            "You withdrew “Pair programming <live>”"
        )
        expect(page.locator("#topic-list li")).to_have_count(1)  # still the search the page shows
    finally:
        context.close()


@pytest.mark.browser
def test_attendee_flow_without_javascript_works_with_plain_forms(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        page.get_by_label("Your name").fill("Bea")
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#dots-left")).to_contain_text("3 of 3 dots left")

        page.get_by_role("button", name="Add a dot to “Lightning talks”").click()

        expect(page).to_have_url(re.compile(r"/e/demo#topic-\d+$"))
        expect(page.locator("#dots-left")).to_contain_text("2 of 3 dots left")
        expect(page.get_by_role("button", name="Take back dot from “Lightning talks”")).to_be_enabled()
    finally:
        context.close()


@pytest.mark.browser
def test_wall_on_a_phone_lets_the_attendee_choose_and_switch(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(color_scheme="dark", **PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        page.get_by_label("Your name").fill("Cy")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
        page.get_by_role("navigation").get_by_role("link", name="Wall", exact=True).click()
        my_day = page.locator("#my-day")
        expect(my_day).to_contain_text("nothing chosen")

        page.get_by_role("button", name="I'm going to “Remote work, two years on”").click()
        expect(my_day).to_contain_text("Remote work, two years on · Main hall")

        page.get_by_role("button", name="I'm going to “Gardening for beginners”").click()
        expect(my_day).to_contain_text("Gardening for beginners · Library")
        gardening = page.locator(".cell", has_text="Gardening for beginners")
        expect(gardening).to_contain_text("1 going · room for 1")
        expect(gardening.locator(".you")).to_be_visible()  # marked from My day by hallway.js
        # The attendee holds the last seat: the only note is "You're going", not that the room is full.
        expect(gardening.locator(".why")).to_be_hidden()
        remote = page.locator(".cell", has_text="Remote work")
        expect(remote).to_contain_text("0 going · room for 40")
        expect(remote.locator(".you")).to_be_hidden()

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "attendee-wall-phone-dark.png"), full_page=True)
    finally:
        context.close()
