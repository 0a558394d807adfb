"""The API reference at /docs works from our own files: nothing is asked of another site."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer


def test_the_api_reference_renders_without_the_internet(browser: Browser, live_server: LiveServer):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    elsewhere: list[str] = []
    try:
        page = context.new_page()
        # Any request to another host is noted and refused, as on a venue network without internet.
        page.route(
            lambda url: not url.startswith(live_server.url) and not url.startswith("data:"),
            lambda route: (elsewhere.append(route.request.url), route.abort()),
        )
        page.goto(f"{live_server.url}/docs")

        expect(page.locator(".opblock-summary-path", has_text="/api/events/{slug}/schedule").first).to_be_visible()
        assert elsewhere == []
    finally:
        context.close()
