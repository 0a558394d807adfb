"""The facilitator link in a real browser: the key after the # never reaches the server in a URL, the
page lets the browser in by itself, and nothing of the key is left in the address bar or the history."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Request, expect

from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.factories import EventWithKey


@pytest.mark.browser
def test_the_facilitator_link_signs_in_without_the_key_ever_in_a_url(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    urls: list[str] = []
    referers: list[str] = []

    def seen(request: Request) -> None:
        urls.append(request.url)
        referers.append(request.headers.get("referer", ""))

    laptop.on("request", seen)

    laptop.goto(f"{live_server.url}/e/demo/facilitate#key={demo_event.key}")

    expect(laptop.get_by_role("heading", name="At a glance")).to_be_visible()
    assert laptop.url == f"{live_server.url}/e/demo/facilitate"
    assert demo_event.key not in laptop.evaluate("() => location.href + document.referrer")
    assert not [url for url in urls if demo_event.key in url]
    assert not [referer for referer in referers if demo_event.key in referer]
    laptop.go_back()  # the history holds no entry with the key to go back to
    assert demo_event.key not in laptop.url
    laptop.screenshot(path=str(ARTIFACTS / "facilitator-signed-in.png"))


@pytest.mark.browser
def test_a_wrong_key_in_the_link_is_said_on_the_form(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()

    laptop.goto(f"{live_server.url}/e/demo/facilitate#key=not-the-key")

    expect(laptop.get_by_role("alert").filter(has_text="This facilitator link is not valid")).to_be_visible()
    expect(laptop.get_by_label("Facilitator key")).to_be_visible()
    laptop.screenshot(path=str(ARTIFACTS / "facilitator-wrong-key.png"))

    laptop.get_by_label("Facilitator key").fill(demo_event.key)
    laptop.get_by_role("button", name="Sign in as facilitator").click()

    expect(laptop.get_by_role("heading", name="At a glance")).to_be_visible()
