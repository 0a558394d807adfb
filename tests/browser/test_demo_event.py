"""The demo event of `make run`, on a phone: a newcomer joins, proposes, and spends the whole budget."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer

SPENT = "You have spent all 5 dots — take one back to vote here"


@pytest.mark.browser
def test_newcomer_on_a_phone_spends_the_demo_budget_and_sees_why_voting_stops(
    browser: Browser, live_server: LiveServer, seeded_demo: None
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        page.get_by_label("Your name").fill("Newcomer")
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#dots-left")).to_contain_text("5 of 5 dots left")

        propose = page.locator("#propose")
        propose.get_by_text("Write a proposal").click()  # folded away while voting is open
        propose.get_by_label("Title").fill("What I learned from my first open space")
        propose.get_by_role("button", name="Propose").click()
        expect(page.locator("#my-topics")).to_contain_text("What I learned from my first open space")

        for left in (4, 3, 2, 1, 0):
            page.get_by_role("button", name="Add a dot", disabled=False).first.click()
            expect(page.locator("#dots-left")).to_contain_text(f"{left} of 5 dots left")

        expect(page.get_by_role("button", name="Take back dot")).to_have_count(5)
        blocked = page.get_by_role("button", name="Add a dot").first
        expect(blocked).to_be_disabled()
        expect(blocked).to_have_accessible_description(SPENT)
        expect(page.get_by_role("button", name="Add a dot", disabled=False)).to_have_count(0)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "demo-budget-spent-phone.png"))
    finally:
        context.close()
