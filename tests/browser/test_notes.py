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

        # Bob is typing when Ada saves: his editor keeps his text (an untouched one would take hers).
        bob.get_by_role("textbox", name="Notes (Markdown").fill("- Bob: companies should pay maintainers")
        ada.get_by_role("textbox", name="Notes (Markdown").fill("- Ada: grants work for small projects")
        ada.get_by_role("button", name="Save").click()
        expect(ada.locator("#notes-save-status")).to_have_text("Saved — version 1.")
        expect(bob.locator(f"#notes-latest-{topic.id}")).to_contain_text("A newer version (1) was saved by Ada")
        expect(bob.get_by_role("textbox", name="Notes (Markdown")).to_have_value(
            "- Bob: companies should pay maintainers"
        )

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


@pytest.mark.browser
def test_an_open_notes_page_follows_a_save_for_a_reader_and_an_untouched_editor(
    browser: Browser, live_server: LiveServer
):
    factory = live_server.factory
    event = factory.event(slug="notes-day")
    topic = factory.topic(event, None, title="Community data")
    factory.place(event, topic, factory.room(event), factory.slot(event))
    cara = factory.attendee(event, name="Cara")
    notes_url = f"{live_server.url}/e/notes-day/topics/{topic.id}/notes"
    reader = browser.new_context(**PHONE).new_page()
    writer = browser.new_context(**PHONE).new_page()
    reader.goto(notes_url)  # not joined: reads only
    _join(writer, live_server.url, "Ada")
    writer.goto(notes_url)
    expect(reader.get_by_text("Nothing written yet.")).to_be_visible()

    request = urllib.request.Request(
        f"{live_server.url}/api/events/notes-day/topics/{topic.id}/notes",
        data=json.dumps({"body": "**Who owns it?** The people in it.", "base_version": 0}).encode(),
        headers={"Authorization": f"Bearer {cara.token}", "Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer)["version"] == 1

    expect(reader.locator(f"#notes-reading-{topic.id}")).to_contain_text("Who owns it? The people in it.")
    expect(reader.locator(f"#notes-reading-{topic.id} strong")).to_have_text("Who owns it?")
    expect(reader.get_by_text("Nothing written yet.")).to_have_count(0)
    expect(reader.locator(f"#notes-latest-{topic.id}")).to_contain_text("Saved by Cara")
    editor = writer.get_by_role("textbox", name="Notes (Markdown")
    expect(editor).to_have_value("**Who owns it?** The people in it.")
    expect(writer.locator("#notes-base-version")).to_have_value("1")
    expect(writer.locator(f"#notes-latest-{topic.id}")).not_to_have_attribute("data-stale", "true")

    editor.fill("**Who owns it?** The people in it.\n- Ada: and who decides?")
    writer.get_by_role("button", name="Save").click()
    expect(writer.locator("#notes-save-status")).to_have_text("Saved — version 2.")
