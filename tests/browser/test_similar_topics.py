"""Proposing on a phone: typing a title like one already proposed shows it (with its dots and a way to it), and
the nearest theme can be picked with one tap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer


@pytest.mark.browser
def test_typing_a_near_duplicate_title_on_a_phone_shows_the_similar_topic(browser: Browser, live_server: LiveServer):
    factory = live_server.factory
    event = factory.event(slug="gathering", name="Community tech gathering")
    factory.theme(event, name="Tech for humans")
    data = factory.theme(event, name="Community data, not big data", description="Who holds the data about us")
    grace = factory.attendee(event, name="Grace")
    owned = factory.topic(event, grace, title="Who owns community data?", theme=data)
    factory.topic(event, grace, title="Community gardening")
    factory.vote(grace, owned)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/gathering")
        page.get_by_label("Your name").fill("Ada")
        page.get_by_role("button", name="Join").click()
        propose = page.locator("#propose")
        propose.get_by_text("Write a proposal").click()  # folded away while voting is open

        propose.get_by_label("Title").press_sequentially("Who owns our community's data", delay=40)

        similar = propose.locator("#propose-similar")
        expect(similar).to_contain_text("Similar:")
        expect(similar).to_contain_text("‘Who owns community data?’ (1 dot). Vote for it instead")
        expect(similar).not_to_contain_text("Community gardening")
        hint = propose.locator("#propose-theme-hint")
        expect(hint).to_contain_text("Nearest theme: ■ Community data, not big data")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "similar-while-typing-phone.png"), full_page=False)

        hint.get_by_role("button", name="Choose it").click()
        expect(propose.get_by_label("Theme")).to_have_value(str(data.id))
        similar.get_by_role("link", name="Vote for it instead").click()
        expect(page.locator(f"#topic-{owned.id}")).to_be_in_viewport()
        assert page.url.endswith(f"#topic-{owned.id}")
    finally:
        context.close()
