"""The notes pages through HTTP: read, write as plain posts and with htmx, conflicts in place, history, restore."""

from __future__ import annotations

import re

import pytest

from app.models.note import MAX_NOTES_BYTES
from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import HTMX, element, join, page_csrf


@pytest.fixture
def placed(factory: Factory) -> tuple[EventWithKey, int]:
    event = factory.event(slug="gathering")
    topic = factory.topic(event, factory.attendee(event, name="Grace"), title="Remote work")
    factory.place(event, topic, factory.room(event, name="Library"), factory.slot(event, label="Morning"))
    return event, topic.id  # type: ignore[return-value]


def _url(placed: tuple[EventWithKey, int]) -> str:
    return f"/e/{placed[0].slug}/topics/{placed[1]}/notes"


def _save(client, placed, token: str, body: str, base: int, **extra: str):
    data = {"csrf_token": token, "body": body, "base_version": str(base), **extra}
    return client.post(_url(placed), data=data, follow_redirects=False)


def test_notes_page_for_a_visitor_reads_without_an_editor(client, placed, backend):
    html = client.get(_url(placed)).text

    assert "<h1>Notes: Remote work</h1>" in html
    assert "Library · Morning · convened by Grace" in html
    assert 'id="notes-form"' not in html
    assert "to write in these notes" in html
    assert 'ws-connect="/ws/events/gathering?view=notes&amp;since=' in html  # live, catching up from its version


def test_attendee_saves_with_a_plain_post_and_sees_it(client, placed, backend):
    token = join(client, "gathering", "Ada")

    response = _save(client, placed, token, "# Plan\n- **async**", 0)
    html = client.get(_url(placed)).text

    assert (response.status_code, response.headers["location"]) == (303, _url(placed))
    assert '<p class="note" role="status">Saved — version 1.</p>' in html
    assert "<li><strong>async</strong></li>" in element(html, "notes-preview")
    assert "Ada — 1 revision, last at" in html
    assert 'id="notes-base-version" name="base_version" value="1"' in html


def test_htmx_save_on_an_old_base_answers_the_merged_text_out_of_band(client, placed, backend):
    token = join(client, "gathering", "Ada")
    _save(client, placed, token, "one\n\ntwo", 0)
    _save(client, placed, token, "ONE\n\ntwo", 1)

    response = client.post(
        _url(placed), data={"csrf_token": token, "body": "one\n\nTWO", "base_version": "1"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Merged with what others saved meanwhile — version 3." in response.text
    assert '<input type="hidden" id="notes-base-version" name="base_version" value="3" data-outcome="merged"' in (
        response.text
    )
    assert '<textarea id="notes-field-body" hx-swap-oob="true">ONE\n\nTWO</textarea>' in response.text
    assert 'data-version="3"' in element(response.text, "notes-latest-" + str(placed[1]))


def test_clashing_plain_post_shows_both_texts_and_keeps_yours_in_the_editor(client, placed, backend):
    token = join(client, "gathering", "Ada")
    _save(client, placed, token, "the plan", 0)
    _save(client, placed, token, "Ada's plan", 1)

    response = _save(client, placed, token, "Bob's plan", 1)

    assert response.status_code == 409
    conflict = element(response.text, "notes-conflict")
    assert "Your text stays in the editor and is kept as revision 3" in conflict
    assert ">Ada&#39;s plan</textarea>" in conflict
    assert '<del class="notes-diff-line"><span class="sr-only">removed: </span>Ada&#39;s plan</del>' in conflict
    assert ">Bob&#39;s plan</textarea>" in element(response.text, "notes-form")
    assert 'id="notes-base-version" name="base_version" value="2"' in response.text


def test_markdown_with_script_iframe_and_javascript_links_is_shown_safe(client, placed, backend):
    token = join(client, "gathering", "Ada")
    _save(
        client, placed, token, '<script>alert(1)</script>\n\n<iframe src="x"></iframe>\n\n[x](javascript:alert(1))', 0
    )

    rendered = element(client.get(_url(placed)).text, "notes-preview")

    assert "<script" not in rendered and "<iframe" not in rendered and 'href="javascript' not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


def test_links_get_nofollow_noopener(client, placed, backend):
    token = join(client, "gathering", "Ada")
    _save(client, placed, token, "[chat](https://chat.example.org)", 0)

    html = client.get(_url(placed)).text

    assert '<a href="https://chat.example.org" rel="nofollow noopener">chat</a>' in html


def test_notes_over_200_kb_are_refused_in_place_and_the_text_kept(client, placed, backend):
    token = join(client, "gathering", "Ada")
    body = "x" * (MAX_NOTES_BYTES + 1)

    response = _save(client, placed, token, body, 0)

    assert response.status_code == 422
    assert "one session&#39;s notes hold at most 200 KB" in element(response.text, "notes-error")
    assert body in response.text


def test_htmx_refusal_is_the_save_status_with_the_message(client, placed, backend):
    token = join(client, "gathering", "Ada")

    response = client.post(_url(placed), data={"csrf_token": token, "body": "x", "base_version": "7"}, headers=HTMX)

    assert response.status_code == 422
    assert response.text.startswith('<p id="notes-save-status" class="notes-save-status error" role="alert">')
    assert "There is no version 7 of these notes (the latest is 0)" in response.text


def test_invalid_utf8_form_body_is_answered_not_crashed_on(client, placed, backend):
    token = join(client, "gathering", "Ada")

    response = client.post(
        _url(placed),
        content=b"csrf_token=" + token.encode() + b"&base_version=0&body=caf%E9%FF",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    # The bytes that are not UTF-8 arrive as replacement characters: saved, never a crash.
    assert client.get(f"/api/events/gathering/topics/{placed[1]}/notes").json()["body"] == "caf\ufffd\ufffd"


def test_a_base_version_that_is_not_a_number_is_refused_in_place(client, placed, backend):
    token = join(client, "gathering", "Ada")

    response = _save(client, placed, token, "kept text", "-1")  # type: ignore[arg-type]

    assert response.status_code == 422
    assert "The base version must be a whole number, not &#39;-1&#39;" in response.text
    assert "kept text</textarea>" in response.text


def test_locked_notes_are_read_only_and_a_post_is_403_with_the_reason(client, placed, backend):
    token = join(client, "gathering", "Ada")
    _save(client, placed, token, "written", 0)
    client.patch("/api/events/gathering", json={"notes_locked": True}, headers=placed[0].auth)

    html = client.get(_url(placed)).text
    response = _save(client, placed, token, "late", 1)

    assert 'id="notes-form"' not in html
    assert "The facilitator has locked these notes: they are read-only now." in html
    assert response.status_code == 403
    assert "The facilitator has locked the notes of this event" in element(response.text, "notes-error")


def test_facilitator_locks_the_notes_from_the_facilitator_page(client, placed, backend):
    event = placed[0]
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    token = page_csrf(client, f"/e/{event.slug}/facilitate")

    client.post(f"/e/{event.slug}/facilitate/event", data={"csrf_token": token, "notes_locked": "true"})

    assert client.get(f"/api/events/{event.slug}").json()["notes_locked"] is True
    assert "Unlock the notes" in client.get(f"/e/{event.slug}/facilitate/phases").text


def test_notes_of_an_unplaced_topic_say_why_there_are_none(client, factory, placed, backend):
    topic = factory.topic(placed[0], None, title="Still on the marketplace")

    response = client.get(f"/e/gathering/topics/{topic.id}/notes")

    assert response.status_code == 404
    assert "notes open once the session is placed on the wall" in response.text


def test_history_lists_every_revision_and_a_revision_shows_its_diff(client, placed, backend):
    _save(client, placed, join(client, "gathering", "Ada"), "first line", 0)
    _save(client, placed, join(client, "gathering", "Bob"), "first line\nsecond line", 1)

    history = client.get(f"{_url(placed)}/revisions").text
    revision = client.get(f"{_url(placed)}/revisions/2").text

    assert re.findall(r">Version (\d+)</a>", history) == ["2", "1"]
    assert '<h2 id="notes-diff-heading">Changes from version 1</h2>' in revision
    assert '<ins class="notes-diff-line"><span class="sr-only">added: </span>second line</ins>' in revision


def test_history_and_diff_after_a_burst_show_its_last_text_against_the_version_it_started_on(client, placed, backend):
    _save(client, placed, join(client, "gathering", "Bob"), "first line", 0)
    token = join(client, "gathering", "Ada")
    _save(client, placed, token, "first line\nsecond line", 1)
    _save(client, placed, token, "first line\nsecond line\nthird line", 2)  # folded into Ada's revision: 3

    history = client.get(f"{_url(placed)}/revisions").text
    revision = client.get(f"{_url(placed)}/revisions/3").text
    folded = client.get(f"{_url(placed)}/revisions/2")
    page = client.get(_url(placed)).text

    assert "Ada — 1 revision, last at" in page and "Bob — 1 revision, last at" in page
    assert re.findall(r">Version (\d+)</a>", history) == ["3", "1"]
    assert "by Ada at" in history and "<strong>(current)</strong>" in history
    assert '<h2 id="notes-diff-heading">Changes from version 1</h2>' in revision
    added = re.findall(r'<ins class="notes-diff-line"><span class="sr-only">added: </span>([^<]*)</ins>', revision)
    assert added == ["second line", "third line"]
    assert folded.status_code == 404
    assert "Version 2 was folded into version 3" in folded.text


def test_restore_brings_an_old_version_back_as_a_new_one(client, placed, backend):
    _save(client, placed, join(client, "gathering", "Bob"), "good", 0)
    token = join(client, "gathering", "Ada")
    _save(client, placed, token, "bad", 1)

    response = client.post(f"{_url(placed)}/revisions/1/restore", data={"csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    html = client.get(_url(placed)).text
    assert "Version 1 restored as version 3." in html
    assert client.get(f"/api/events/gathering/topics/{placed[1]}/notes").json()["body"] == "good"


def test_preview_renders_the_editor_text_without_saving(client, placed, backend):
    token = join(client, "gathering", "Ada")

    response = client.post(f"{_url(placed)}/preview", data={"csrf_token": token, "body": "**now**"}, headers=HTMX)

    assert "<p><strong>now</strong></p>" in element(response.text, "notes-preview")
    assert client.get(f"/api/events/gathering/topics/{placed[1]}/notes").json()["version"] == 0


def test_a_session_in_a_slot_without_a_label_is_placed_by_the_venue_clock(client, factory, backend):
    # Slot times are the venue's wall clock: the event's time zone must not shift them.
    event = factory.event(slug="summer")
    assert client.patch("/api/events/summer", json={"timezone": "Asia/Tokyo"}, headers=event.auth).status_code == 200
    topic = factory.topic(event, None, title="Unlabelled")
    factory.place(event, topic, factory.room(event, name="Library"), factory.slot(event, starts="10:00", label=""))

    html = client.get(f"/e/summer/topics/{topic.id}/notes").text

    assert "Library · 10:00 · convened by" in html
