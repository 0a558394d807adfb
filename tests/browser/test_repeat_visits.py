"""Repeat visits cost nothing: a page's styles and scripts come from the phone's cache, not one request each."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from prometheus_client.parser import text_string_to_metric_families

from tests.browser.conftest import PHONE, LiveServer
from tests.factories import EventWithKey


def static_requests(live_server: LiveServer) -> float:
    """Requests the server answered under /static/ so far (its /metrics, read from this machine)."""
    text = httpx.get(f"{live_server.url}/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "hallway_http_request_duration_seconds_count" and sample.labels["route"] == "/static"
    )


def _loaded(page: Page) -> None:
    expect(page.locator("#live-version")).to_be_attached()
    page.wait_for_function("() => !document.body.classList.contains('offline')")


@pytest.mark.browser
def test_a_second_visit_asks_the_server_for_no_static_file(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/e/demo/wall")
    _loaded(phone)
    phone.wait_for_function("async () => (await navigator.serviceWorker.ready).active.state === 'activated'")
    first_visit = static_requests(live_server)

    phone.goto(f"{live_server.url}/e/demo")  # elsewhere, then back, as a phone does all day
    phone.goto(f"{live_server.url}/e/demo/wall")
    _loaded(phone)

    assert first_visit >= 5  # the wall's styles and scripts, asked once
    assert static_requests(live_server) == first_visit
    assert phone.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"  # styled, from the cache
