"""The harvest page: per theme for the facilitator (who publishes it), for everyone once published."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from app.models.event import EventUpdate
from app.services import events
from tests.exporters.events import themed_day
from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import HTMX, csrf_token, element, join


def enter(client: TestClient, event: EventWithKey) -> None:
    assert client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}).status_code == 200


def publish(factory: Factory, event: EventWithKey) -> None:
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(harvest_published=True))


def headings(html: str, level: int) -> list[str]:
    """The text of the headings of that level, in order."""
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html)]


def test_the_facilitator_reads_it_per_theme_with_the_publish_button(client, factory):
    d = themed_day(factory, slug="ct")
    enter(client, d.event)

    page = client.get("/e/ct/harvest")

    assert page.status_code == 200
    assert headings(page.text, 2) == [
        "● Care",
        "■ Community data",
        "▲ Quiet",
        "Other topics",
        "Everything to carry forward",
    ]
    assert headings(element(page.text, f"theme-{d.care.id}"), 3) == ["Rest", "Owners"]
    assert "No notes yet for this theme" not in element(page.text, f"theme-{d.care.id}")
    assert "No session of this theme was on the wall." in element(page.text, f"theme-{d.quiet.id}")
    kettle = element(page.text, f"harvest-session-{d.kettle.id}")
    assert "<strong>belongs</strong>" in kettle  # the key points' Markdown, rendered
    assert "14:00–15:00" in kettle and "Hall" in kettle and "convened by Ada" in kettle and "3 came" in kettle
    assert "Draft a data charter — <strong>Ada</strong>" in kettle
    assert 'href="https://chat.example/kettle"' in kettle
    rest = element(page.text, f"harvest-session-{d.rest.id}")
    assert "2 said “I'm going”" in rest
    carried = element(page.text, "harvest-actions")
    assert carried.count("<li>") == 4 and "Follow-up call — <strong>Zoë &amp; Bob</strong>" in carried
    assert "Publish the harvest" in element(page.text, "harvest-publish")
    assert page.headers["cache-control"] == "no-store"


def test_anyone_else_is_told_it_is_not_published_yet_until_it_is(client, factory):
    d = themed_day(factory, slug="ct")
    join(client, "ct", "Bea")

    before = client.get("/e/ct/harvest")
    publish(factory, d.event)
    after = client.get("/e/ct/harvest")

    assert before.status_code == 403
    assert "The harvest is not published yet" in before.text and "Draft a data charter" not in before.text
    assert after.status_code == 200
    assert "Draft a data charter" in after.text
    assert 'id="harvest-publish"' not in after.text  # the button is the facilitator's


def test_a_plain_post_publishes_and_unpublishes_and_comes_back_to_the_page(client, factory):
    d = themed_day(factory, slug="ct")
    enter(client, d.event)
    token = csrf_token(client.get("/e/ct/harvest").text)

    posted = client.post(
        "/e/ct/harvest/publish", data={"csrf_token": token, "published": "true"}, follow_redirects=False
    )
    shown = client.get("/e/ct/harvest")

    assert (posted.status_code, posted.headers["location"]) == (303, "/e/ct/harvest")
    assert "The harvest is published." in shown.text
    assert "Unpublish" in element(shown.text, "harvest-publish")
    assert client.get("/api/events/ct").json()["harvest_published"] is True

    client.post("/e/ct/harvest/publish", data={"csrf_token": token, "published": "false"})
    assert client.get("/api/events/ct").json()["harvest_published"] is False


def test_an_htmx_post_answers_the_switch_alone(client, factory):
    d = themed_day(factory, slug="ct")
    enter(client, d.event)
    token = csrf_token(client.get("/e/ct/harvest").text)

    answer = client.post("/e/ct/harvest/publish", data={"published": "true"}, headers={**HTMX, "X-CSRF-Token": token})

    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<section id="harvest-publish"')
    assert "Published:" in answer.text and "Unpublish" in answer.text
    assert "<html" not in answer.text


def test_a_post_with_a_bad_value_or_no_csrf_token_changes_nothing(client, factory):
    d = themed_day(factory, slug="ct")
    enter(client, d.event)
    token = csrf_token(client.get("/e/ct/harvest").text)

    bad = client.post(
        "/e/ct/harvest/publish", data={"published": "yes please"}, headers={**HTMX, "X-CSRF-Token": token}
    )
    forged = client.post("/e/ct/harvest/publish", data={"published": "true"})

    assert bad.status_code == 422 and "published is &#39;true&#39; or &#39;false&#39;" in bad.text
    assert forged.status_code == 403
    assert client.get("/api/events/ct").json()["harvest_published"] is False


def test_a_published_harvest_of_a_coded_event_names_conveners_only_to_those_who_joined(client, factory):
    event = factory.event(slug="closed", join_code="OWL42")
    ada = factory.attendee(event, name="Ada Lovelace")
    factory.place(event, factory.topic(event, ada, title="Community data"), factory.room(event), factory.slot(event))
    publish(factory, event)

    outside = client.get("/e/closed/harvest")
    join(client, "closed", "Bea", join_code="OWL42")
    inside = client.get("/e/closed/harvest")

    assert outside.status_code == 200 and "Community data" in outside.text
    assert "Ada Lovelace" not in outside.text
    assert "convened by Ada Lovelace" in inside.text


def test_what_people_typed_is_escaped_and_raw_html_in_key_points_is_not_rendered(client, factory):
    event = factory.event(slug="x")
    ada = factory.attendee(event, name="<b>Ada</b>")
    topic = factory.topic(event, ada, title="<script>alert(1)</script>")
    factory.place(event, topic, factory.room(event), factory.slot(event))
    factory.notes(
        event,
        topic,
        body="",
        key_points="<img src=x onerror=alert(1)> [x](javascript:alert(1))",
        actions="<i>Do</i> — <u>Ada</u>",
    )
    publish(factory, event)

    page = client.get("/e/x/harvest").text

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and 'href="javascript:' not in page and "<b>Ada</b>" not in page
    assert "&lt;i&gt;Do&lt;/i&gt; — <strong>&lt;u&gt;Ada&lt;/u&gt;</strong>" in page


def test_the_harvest_is_linked_from_the_facilitators_exports_and_once_published_from_every_header(client, factory):
    d = themed_day(factory, slug="ct")
    enter(client, d.event)
    assert 'href="/e/ct/harvest"' in element(client.get("/e/ct/facilitate/exports").text, "facilitate-export")
    assert 'href="/e/ct/harvest"' not in element(client.get("/e/ct/notes").text, "event-header")

    publish(factory, d.event)
    notes_index = client.get("/e/ct/notes").text

    assert 'href="/e/ct/harvest"' in element(notes_index, "event-header")
    assert 'href="/e/ct/harvest"' in element(notes_index, "main")
