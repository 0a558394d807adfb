"""Two people write the same session's notes at once, on two phones: both edits survive."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, LiveServer


def _join(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/e/notes-day")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()


@pytest.mark.browser
def test_two_people_editing_the_same_notes_both_keep_their_edits(browser: Browser, live_server: LiveServer):
    factory = live_server.factory
    event = factory.event(slug="notes-day")
    topic = factory.topic(event, None, title="Open source funding")
    factory.place(event, topic, factory.room(event), factory.slot(event))
    notes_url = f"{live_server.url}/e/notes-day/topics/{topic.id}/notes"
    ada_context, bob_context = browser.new_context(**PHONE), browser.new_context(**PHONE)
    try:
        ada, bob = ada_context.new_page(), bob_context.new_page()
        _join(ada, live_server.url, "Ada")
        _join(bob, live_server.url, "Bob")
        ada.goto(notes_url)
        bob.goto(notes_url)  # both start from version 0

        ada.get_by_role("textbox", name="Notes (Markdown").fill("- Ada: grants work for small projects")
        ada.get_by_role("button", name="Save").click()
        expect(ada.locator("#notes-save-status")).to_have_text("Saved — version 1.")

        bob.get_by_role("textbox", name="Notes (Markdown").fill("- Bob: companies should pay maintainers")
        bob.get_by_role("button", name="Save").click()

        expect(bob.locator("#notes-save-status")).to_contain_text(
            "Merged with what others saved meanwhile — version 2."
        )
        both = "- Ada: grants work for small projects\n- Bob: companies should pay maintainers"
        expect(bob.get_by_role("textbox", name="Notes (Markdown")).to_have_value(both)
        with urllib.request.urlopen(f"{live_server.url}/api/events/notes-day/topics/{topic.id}/notes") as answer:
            assert json.load(answer)["body"] == both

        # Ada, still on version 1, rewrites her line, next to the line Bob added: a clash, shown in place.
        ada_text = "- Ada: grants work well for small projects"
        ada.get_by_role("textbox", name="Notes (Markdown").fill(ada_text)
        ada.get_by_role("button", name="Save").click()
        expect(ada.locator("#notes-save-status")).to_contain_text("your text is kept as revision 3")
        conflict = ada.get_by_role("region", name="Someone else changed the same lines")
        expect(conflict.get_by_role("textbox", name="Their version, read-only")).to_have_value(both)
        expect(ada.get_by_role("textbox", name="Notes (Markdown")).to_have_value(ada_text)

        resolved = ada_text + "\n- Bob: companies should pay maintainers"
        ada.get_by_role("textbox", name="Notes (Markdown").fill(resolved)
        ada.get_by_role("button", name="Save").click()
        expect(ada.locator("#notes-save-status")).to_have_text("Saved — version 4.")
        with urllib.request.urlopen(f"{live_server.url}/api/events/notes-day/topics/{topic.id}/notes") as answer:
            assert json.load(answer)["body"] == resolved
    finally:
        ada_context.close()
        bob_context.close()
