"""The facilitator page's export links, the attendee's calendar page and the private calendar feed."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from icalendar import Calendar

from app.models.event import EventUpdate
from app.services import attendees, events, placements
from app.services.actors import Actor
from tests.exporters.events import lively_event
from tests.exporters.test_schedule import SCHEMA
from tests.routes.pages_helpers import element, join


def enter(client, event) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}).status_code == 200


def test_facilitator_page_links_every_export(client, factory):
    event = factory.event(slug="ete")
    enter(client, event)

    section = element(client.get("/e/ete/facilitate/exports").text, "facilitate-export")

    for fmt in ("html", "md", "csv", "ics", "json"):
        assert f'href="/e/ete/facilitate/export.{fmt}"' in section


def test_facilitator_exports_with_the_cookie(client, factory):
    lively = lively_event(factory, slug="ete")
    enter(client, lively.event)

    booklet = client.get("/e/ete/facilitate/export.html")
    notes = client.get("/e/ete/facilitate/export.md")

    assert booklet.status_code == 200
    assert booklet.headers["content-disposition"].startswith("inline; ")  # opens in the browser, to print
    assert booklet.text.count('<article class="session"') == 3
    assert notes.headers["content-disposition"].startswith("attachment; ")
    with zipfile.ZipFile(io.BytesIO(notes.content)) as archive:
        assert archive.namelist()[0] == "ete/index.md"


def test_exports_are_for_the_facilitator_only(client, factory):
    factory.event(slug="ete")
    join(client, "ete")

    response = client.get("/e/ete/facilitate/export.json")

    assert response.status_code == 403
    assert "Only the event&#39;s facilitator can do this" in response.text


def test_unknown_export_format_is_a_page_saying_so(client, factory):
    event = factory.event(slug="ete")
    enter(client, event)

    response = client.get("/e/ete/facilitate/export.pdf")

    assert response.status_code == 404
    assert "There is no export in the format &#39;pdf&#39;. The formats are md, html, csv, json, ics." in response.text


def test_calendar_link_partial_renders_for_an_attendee_only():
    from app.templating import templates

    template = templates.env.get_template("partials/calendar_link.html")
    event = {"slug": "ete"}

    assert 'href="/e/ete/calendar"' in template.render(event=event, attendee=object())
    assert template.render(event=event, attendee=None).strip() == ""


def test_calendar_page_shows_the_private_link_and_the_feed_follows_my_choices(client, factory):
    lively = lively_event(factory, slug="ete")
    join(client, "ete", name="Eve")

    page = client.get("/e/ete/calendar")
    url = page.text.split('id="calendar-url" type="url" readonly value="')[1].split('"')[0]
    feed = client.get(url.removeprefix("http://testserver"))
    head = client.head(url.removeprefix("http://testserver"))

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert f'href="webcal://{url.removeprefix("http://")}"' in page.text
    assert "none yet" in page.text
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert Calendar.from_ical(feed.content).walk("VEVENT") == []
    assert (head.status_code, head.headers["content-type"], head.content) == (200, "text/calendar; charset=utf-8", b"")
    assert lively.event.key not in page.text


def test_calendar_page_asks_to_join_first(client, factory):
    factory.event(slug="ete")

    response = client.get("/e/ete/calendar")

    assert response.status_code == 401
    assert "Join the event with your name first." in response.text


def test_a_wrong_calendar_link_is_not_found(client, factory):
    lively = lively_event(factory, slug="ete")
    other = factory.event(slug="other")

    answers = [
        client.get(f"/e/ete/calendar/{lively.ada.id}-{'A' * 32}.ics"),
        client.get("/e/ete/calendar/nonsense.ics"),
        client.get(f"/e/other/calendar/{lively.ada.id}-{'A' * 32}.ics"),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404]
    assert "This calendar link is not valid" in answers[0].text
    assert other.slug == "other"


# --- Schedule apps --------------------------------------------------------------------------------


def schedule_events(content: bytes) -> dict[str, tuple[str | None, list[str | None]]]:
    """Title → (type, persons) of every event in a schedule.xml."""
    return {
        e.findtext("title") or "": (e.findtext("type"), [p.text for p in e.iter("person")])
        for e in ET.fromstring(content).findall("day/room/event")
    }


def test_the_schedule_is_the_wall_for_anyone_as_valid_frab(client, factory):
    lively = lively_event(factory, slug="ete")
    with factory.database.write_session() as session:
        attendees.set_name_listed(session=session, event_id=lively.event.id, attendee_id=lively.zoe.id, listed=False)

    response = client.get("/e/ete/schedule.xml")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    SCHEMA.validate(response.text)
    assert schedule_events(response.content) == {
        "Opening circle": ("plenary", []),
        'Café / Thé: "best" brews': ("session", ["Ada"]),
        "Remote work": ("session", []),  # Zoë's, who chose not to be listed; the other one is the facilitator's
        "Coffee": ("break", []),
    }
    assert "Spam" not in response.text and "Withdrawn idea" not in response.text


def test_with_a_join_code_the_schedule_names_nobody(client, factory):
    lively = lively_event(factory, slug="ete")
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=lively.event.id, update=EventUpdate(join_code="tea"))

    xml_answer, json_answer = client.get("/e/ete/schedule.xml"), client.get("/e/ete/schedule.json")

    assert all(persons == [] for _, persons in schedule_events(xml_answer.content).values())
    assert "Ada" not in xml_answer.text and "Ada" not in json_answer.text


def test_the_schedule_answers_304_until_the_wall_changes(client, factory):
    lively = lively_event(factory, slug="ete")
    first = client.get("/e/ete/schedule.json")
    version = first.json()["schedule"]["version"]

    unchanged = client.get("/e/ete/schedule.json", headers={"If-None-Match": first.headers["etag"]})
    head = client.head("/e/ete/schedule.json")
    with factory.database.write_session() as session:
        placements.take_off_wall(
            session=session, event_id=lively.event.id, actor=Actor.facilitator(lively.event.id),
            topic_id=lively.remote_again.id,
        )  # fmt: skip
    changed = client.get("/e/ete/schedule.json", headers={"If-None-Match": first.headers["etag"]})

    assert (first.headers["cache-control"], first.headers["content-type"]) == ("no-cache", "application/json")
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", first.headers["etag"])
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", first.headers["etag"])
    assert changed.status_code == 200
    assert changed.json()["schedule"]["version"] != version


def test_the_schedule_of_an_unknown_event_is_not_found(client):
    assert client.get("/e/nowhere/schedule.xml").status_code == 404


def test_facilitator_page_and_harvest_offer_the_schedule_to_schedule_apps(client, factory):
    event = factory.event(slug="ete")
    enter(client, event)
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(harvest_published=True))

    on_desk = element(client.get("/e/ete/facilitate/exports").text, "schedule-app")
    on_harvest = element(client.get("/e/ete/harvest").text, "schedule-app")

    for part in (on_desk, on_harvest):
        assert '<img src="/e/ete/schedule-qr.svg"' in part
        assert "Add to your schedule app." in part
        assert '<a href="http://testserver/e/ete/schedule.xml">' in part


def test_the_personal_feed_says_a_session_taken_off_the_wall_is_cancelled(client, factory):
    lively = lively_event(factory, slug="ete")
    url = client.get("/api/events/ete/me/calendar", headers=lively.bob.auth).json()["url"]
    with factory.database.write_session() as session:
        placements.take_off_wall(
            session=session, event_id=lively.event.id, actor=Actor.facilitator(lively.event.id),
            topic_id=lively.remote.id,
        )  # fmt: skip

    feed = Calendar.from_ical(client.get(url.removeprefix("http://testserver")).content)

    assert [(str(e["SUMMARY"]), str(e["STATUS"]), e["SEQUENCE"]) for e in feed.walk("VEVENT")] == [
        ("Remote work", "CANCELLED", 2)
    ]
