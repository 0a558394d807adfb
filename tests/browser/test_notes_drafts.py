"""Unsaved notes survive a reload or a dead battery: kept on the phone until the server confirms a save, put
back (and saved, merged as usual) on the next visit, never kept while the notes are locked."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

DRAFTS = "() => Object.keys(localStorage).filter(key => key.startsWith('hallway:notes-draft:'))"


@pytest.fixture
def session_notes(live_server: LiveServer) -> tuple[EventWithKey, int]:
    factory = live_server.factory
    event = factory.event(slug="notes-day")
    topic = factory.topic(event, None, title="Open source funding")
    factory.place(event, topic, factory.room(event), factory.slot(event))
    assert topic.id is not None
    return event, topic.id


def _joined(context: BrowserContext, live_server: LiveServer, name: str) -> Page:
    page = context.new_page()
    page.goto(f"{live_server.url}/e/notes-day")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
    return page


def _notes(page: Page, live_server: LiveServer, topic_id: int) -> None:
    page.goto(f"{live_server.url}/e/notes-day/topics/{topic_id}/notes")
    expect(page.locator("#live-version")).to_be_attached()
    page.wait_for_function("() => !document.body.classList.contains('offline')")


def _saved_body(live_server: LiveServer, topic_id: int) -> str:
    return str(httpx.get(f"{live_server.url}/api/events/notes-day/topics/{topic_id}/notes").json()["body"])


def _type_offline_then_lose_the_page(context: BrowserContext, page: Page, text: str) -> None:
    """Typed with no connection (the autosave can't go), then the page is gone: closed, or the battery died."""
    context.set_offline(True)
    page.get_by_role("textbox", name="Notes (Markdown").fill(text)
    page.wait_for_function(f"() => ({DRAFTS})().length === 1")
    page.close()
    context.set_offline(False)


@pytest.mark.browser
def test_notes_typed_offline_are_put_back_and_saved_on_the_next_visit(
    browser: Browser, live_server: LiveServer, session_notes: tuple[EventWithKey, int]
):
    _, topic_id = session_notes
    context = browser.new_context(**PHONE)
    ada = _joined(context, live_server, "Ada")
    _notes(ada, live_server, topic_id)
    _type_offline_then_lose_the_page(context, ada, "- Typed in the basement, one bar of wifi")

    again = context.new_page()
    _notes(again, live_server, topic_id)

    expect(again.locator("#notes-draft")).to_have_text(
        re.compile(
            r"^Put back what you typed on this device at \d\d:\d\d and had not saved yet "
            r"\(typed on version 0, the latest\)\. It is being saved\.$"
        )
    )
    expect(again.locator("#notes-save-status")).to_have_text("Saved — version 1.")
    assert _saved_body(live_server, topic_id) == "- Typed in the basement, one bar of wifi"
    again.wait_for_function(f"() => ({DRAFTS})().length === 0")  # the confirmed save cleared it
    ARTIFACTS.mkdir(exist_ok=True)
    again.screenshot(path=str(ARTIFACTS / "notes-draft-restored-phone.png"))


@pytest.mark.browser
def test_a_draft_typed_on_an_older_version_is_merged_with_what_others_saved_since(
    browser: Browser, live_server: LiveServer, session_notes: tuple[EventWithKey, int]
):
    event, topic_id = session_notes
    context = browser.new_context(**PHONE)
    ada = _joined(context, live_server, "Ada")
    _notes(ada, live_server, topic_id)
    _type_offline_then_lose_the_page(context, ada, "- Ada: grants work for small projects")
    bob = live_server.factory.attendee(event, name="Bob")
    saved = httpx.put(
        f"{live_server.url}/api/events/notes-day/topics/{topic_id}/notes",
        json={"body": "- Bob: companies should pay maintainers", "base_version": 0},
        headers=bob.auth,
    )
    assert saved.json()["version"] == 1

    again = context.new_page()
    _notes(again, live_server, topic_id)

    expect(again.locator("#notes-draft")).to_contain_text(
        "(typed on version 0; the notes are at version 1 now). It is being saved, merged with what others wrote since."
    )
    expect(again.locator("#notes-save-status")).to_contain_text("Merged with what others saved meanwhile — version 2.")
    body = _saved_body(live_server, topic_id)
    assert "- Ada: grants work for small projects" in body and "- Bob: companies should pay maintainers" in body
    expect(again.get_by_role("textbox", name="Notes (Markdown")).to_have_value(body)
    again.wait_for_function(f"() => ({DRAFTS})().length === 0")


@pytest.mark.browser
def test_a_draft_whose_save_went_through_after_all_is_dropped_not_put_back(
    browser: Browser, live_server: LiveServer, session_notes: tuple[EventWithKey, int]
):
    _, topic_id = session_notes
    context = browser.new_context(**PHONE)
    ada = _joined(context, live_server, "Ada")
    # A draft the server already holds (its save's answer was lost on the way back), kept from another page
    # (the notes page keeps its own draft when it is left).
    ada.evaluate(
        """topic => localStorage.setItem('hallway:notes-draft:notes-day:' + topic,
             JSON.stringify({fields: {'notes-field-body': ''}, base: 0, at: Date.now()}))""",
        topic_id,
    )

    _notes(ada, live_server, topic_id)

    expect(ada.locator("#notes-save-status")).to_have_text("Saves by itself a few seconds after you type.")
    expect(ada.locator("#notes-draft")).to_be_hidden()
    assert ada.evaluate(DRAFTS) == []


@pytest.mark.browser
def test_nothing_is_kept_on_the_phone_while_the_notes_are_locked(
    browser: Browser, live_server: LiveServer, session_notes: tuple[EventWithKey, int]
):
    event, topic_id = session_notes
    context = browser.new_context(**PHONE)
    ada = _joined(context, live_server, "Ada")
    _notes(ada, live_server, topic_id)
    locked = httpx.patch(f"{live_server.url}/api/events/notes-day", json={"notes_locked": True}, headers=event.auth)
    assert locked.status_code == 200
    expect(ada.locator("#notes-lock")).to_be_visible()

    ada.get_by_role("textbox", name="Notes (Markdown").fill("- Written after the lock")
    ada.wait_for_timeout(1000)  # well past the moment a draft would be kept (0.4 s after typing)

    assert ada.evaluate(DRAFTS) == []
