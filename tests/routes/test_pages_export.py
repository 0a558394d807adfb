"""The facilitator page's export links, the attendee's calendar page and the private calendar feed."""

from __future__ import annotations

import io
import zipfile

from icalendar import Calendar

from tests.exporters.events import lively_event
from tests.routes.pages_helpers import element, join


def enter(client, event) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}).status_code == 200


def test_facilitator_page_links_every_export(client, factory):
    event = factory.event(slug="ete")
    enter(client, event)

    section = element(client.get("/e/ete/facilitate").text, "facilitate-export")

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
