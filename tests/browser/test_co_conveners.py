"""Two people convene one topic: Ada invites Bo by name from her phone, Bo accepts on his, and every page then
says "by Ada and Bo"."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

TITLE = "Pair programming"


def _axe_blocking(page: Page) -> list[str]:
    """Serious and critical axe-core findings, in light and dark (tests/browser/test_accessibility.py's rule)."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = Axe().run(page).response["violations"]
        found += [f"{scheme}: {v['id']} ({v['impact']})" for v in violations if v["impact"] in ("serious", "critical")]
    return found


def _join(browser: Browser, url: str, name: str) -> Page:
    page = browser.new_context(**PHONE).new_page()
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
    return page


@pytest.mark.browser
def test_a_convener_invites_a_co_convener_who_accepts_on_their_phone(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    url = f"{live_server.url}/e/demo"
    ada = _join(browser, url, "Ada")
    bo = _join(browser, url, "Bo")
    try:
        propose = ada.locator("#propose")
        propose.get_by_text("Write a proposal").click()
        propose.get_by_label("Title").fill(TITLE)
        propose.get_by_role("button", name="Propose").click()
        mine = ada.locator("#my-topics")
        expect(mine.get_by_role("heading", name=TITLE)).to_be_visible()

        mine.get_by_text("Add a co-convener").click()
        mine.get_by_label("Their name, as they joined").fill("bo")  # found as typed, server-side
        invite = mine.get_by_role("button", name=f"Invite Bo to co-convene “{TITLE}”")
        expect(invite).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        mine.screenshot(path=str(ARTIFACTS / "co-conveners-search-phone.png"))
        invite.click()
        expect(mine.get_by_role("status")).to_have_text(
            f"Bo is invited to co-convene “{TITLE}”: they accept on their phone."
        )
        expect(mine.get_by_role("list", name=f"Co-conveners of “{TITLE}”")).to_contain_text("invited, no answer yet")

        bo.reload()
        invitations = bo.locator("#co-invitations")
        expect(invitations).to_contain_text(f"“{TITLE}”, convened by Ada")
        bo.locator("#my-topics").screenshot(path=str(ARTIFACTS / "co-conveners-invitation-phone.png"))
        assert _axe_blocking(bo) == []
        invitations.get_by_role("button", name=f"Accept to co-convene “{TITLE}”").click()
        bo_mine = bo.locator("#my-topics")
        expect(bo_mine.get_by_role("status")).to_have_text(f"You co-convene “{TITLE}” now: it is in your topics below.")
        expect(bo_mine.get_by_role("heading", name=TITLE)).to_be_visible()
        expect(bo_mine.get_by_role("button", name=f"Step down as co-convener of “{TITLE}”")).to_be_visible()
        expect(bo.locator("#topic-list")).to_contain_text("by Ada and Bo")

        # Ada's open marketplace hears it live: her topic's card names them both.
        expect(ada.locator("#topic-list")).to_contain_text("by Ada and Bo")
        ada.reload()
        expect(ada.locator("#my-topics")).to_contain_text("co-convener")
        ada.locator("#my-topics").get_by_text("Add a co-convener").click()  # the search open, empty
        ada.locator("#my-topics").screenshot(path=str(ARTIFACTS / "co-conveners-accepted-phone.png"))
        assert _axe_blocking(ada) == []
    finally:
        ada.context.close()
        bo.context.close()
