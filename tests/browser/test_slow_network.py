"""The attendee pages on one bar of venue wifi (300 ms latency, 400 kbit/s down and up, Chromium's own
throttling): joining, a dot and an "I'm going" all work. Behaviour only: bench/slow_network.py times them."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

LATENCY_MS = 300
BYTES_PER_SECOND = 400_000 / 8
SLOW_MS = 15_000  # what a step may take on this link before the test calls it broken


def _throttled_phone(browser: Browser) -> Page:
    page = browser.new_context(**PHONE).new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": BYTES_PER_SECOND,
            "uploadThroughput": BYTES_PER_SECOND,
        },
    )
    return page


@pytest.mark.browser
def test_on_one_bar_of_wifi_an_attendee_joins_votes_and_says_where_they_go(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _throttled_phone(browser)

    ada.goto(f"{live_server.url}/e/demo", timeout=SLOW_MS)
    ada.get_by_label("Your name").fill("Ada")
    ada.get_by_role("button", name="Join").click()
    expect(ada.get_by_role("heading", name="Marketplace")).to_be_visible(timeout=SLOW_MS)
    ada.wait_for_function("() => !document.body.classList.contains('offline')", timeout=SLOW_MS)
    card = ada.locator("li.topic", has_text="Lightning talks")
    card.get_by_role("button", name="Add a dot").click()
    expect(card.get_by_role("button", name="Take back dot")).to_be_visible(timeout=SLOW_MS)
    expect(ada.locator("#dots-left")).to_contain_text("2 of 3 dots left")
    ada.get_by_role("link", name="Wall").click()
    gardening = ada.locator(".cell", has_text="Gardening for beginners")
    gardening.get_by_role("button", name="I'm going").click()

    expect(ada.locator("#my-day")).to_contain_text("Gardening for beginners", timeout=SLOW_MS)
    expect(gardening.locator(".you")).to_be_visible()
    expect(ada.locator("#send-status")).to_be_hidden()  # nothing said to be waiting or lost on the way
    topics = {t["title"]: t["votes"] for t in httpx.get(f"{live_server.url}/api/events/demo/topics").json()}
    assert topics["Lightning talks"] == 1
    ARTIFACTS.mkdir(exist_ok=True)
    ada.screenshot(path=str(ARTIFACTS / "slow-network-wall-phone.png"))


@pytest.mark.browser
def test_on_one_bar_of_wifi_a_proposal_is_made_once(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _throttled_phone(browser)
    ada.goto(f"{live_server.url}/e/demo", timeout=SLOW_MS)
    ada.get_by_label("Your name").fill("Ada")
    ada.get_by_role("button", name="Join").click()
    propose = ada.locator("#propose")
    propose.get_by_text("Write a proposal").click(timeout=SLOW_MS)
    propose.get_by_label("Title").fill("Slow wifi, fast friends")

    propose.get_by_role("button", name="Propose").click()

    # Tapped before the page's scripts have arrived, it goes as a plain form post (the page again, with the
    # message at the top); after, with htmx (the message in the form's place). Either way, said once.
    done = ada.get_by_role("status").filter(has_text="Your topic “Slow wifi, fast friends” is on the marketplace.")
    expect(done).to_be_visible(timeout=SLOW_MS)
    titles = [t["title"] for t in httpx.get(f"{live_server.url}/api/events/demo/topics").json()]
    assert titles.count("Slow wifi, fast friends") == 1
