"""A phone that reads Spanish: the pages come in Spanish, a vote's live redraw too, and the person can switch to
German from the picker at the foot of any page, which the phone then remembers. Audited by axe in Spanish."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from app import i18n
from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey


def said(language: str, message: str, **params: object) -> str:
    with i18n.speaking(language):
        return i18n.gettext(message, **params)


def button_words(language: str, message: str) -> re.Pattern[str]:
    """A vote button's visible words (its msgid carries the topic's title for screen readers)."""
    visible = said(language, message).split("<span", 1)[0]
    return re.compile("^" + re.escape(visible))


@pytest.mark.browser
def test_a_spanish_phone_joins_votes_and_switches_to_german(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
) -> None:
    context = browser.new_context(**PHONE, locale="es-ES")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.get_by_label(said("es", "Your name")).fill("Ana")
        page.get_by_role("button", name=said("es", "Join")).click()
        expect(page.get_by_role("heading", name=said("es", "Marketplace"))).to_be_visible()

        add_a_dot = button_words("es", 'Add a dot<span class="vh"> to “%(title)s”</span>')
        take_back = button_words("es", 'Take back dot<span class="vh"> from “%(title)s”</span>')
        assert add_a_dot.pattern != "^Add\\ a\\ dot"
        page.get_by_role("button", name=add_a_dot, disabled=False).first.click()
        expect(page.get_by_role("button", name=take_back)).to_have_count(1)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "marketplace-es-phone.png"), full_page=True)
        results = Axe().run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], [v["id"] for v in serious]

        picker = page.get_by_label(said("es", "Language"))
        picker.select_option("de")
        page.get_by_role("button", name=said("es", "Change")).click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_role("heading", name=said("de", "Marketplace"))).to_be_visible()

        page.goto(f"{live_server.url}/e/demo/wall")  # remembered on this phone, whatever the browser says
        expect(page.locator("html")).to_have_attribute("lang", "de")
        page.screenshot(path=str(ARTIFACTS / "wall-de-phone.png"), full_page=True)
    finally:
        context.close()
