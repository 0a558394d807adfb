"""GET /api/events/{slug}/export in every format, read back by parsing; and the attendee's calendar link."""

from __future__ import annotations

import csv
import io
import zipfile
from urllib.parse import unquote

import pytest
from icalendar import Calendar

from tests.exporters.events import lively_event


@pytest.fixture
def lively(factory):
    return lively_event(factory, slug="ete")


def export(client, lively, fmt: str, headers=None):  # type: ignore[no-untyped-def]
    return client.get(
        f"/api/events/{lively.event.slug}/export",
        params={"format": fmt},
        headers=headers if headers is not None else lively.event.auth,
    )


def filename_star(response) -> str:  # type: ignore[no-untyped-def]
    return unquote(response.headers["content-disposition"].split("filename*=UTF-8''")[1])


def test_markdown_zip(client, lively):
    response = export(client, lively, "md")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert filename_star(response) == "Rencontres d'été Café & Co notes.zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="Rencontres d_ete Cafe _ Co notes.zip"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        first = archive.read(names[2]).decode()
    assert names == [
        "ete/index.md",
        "ete/harvest.md",
        "ete/01-café-thé-best-brews.md",
        "ete/02-remote-work.md",
        "ete/03-remote-work.md",
    ]
    assert 'title: "Café / Thé: \\"best\\" brews"' in first
    assert "attendees: 2\nvotes: 3\n" in first
    assert "## Actions\n\n- Buy a kettle — Zoë\n- Write it up — Ada\n" in first


def test_booklet(client, lively):
    response = export(client, lively, "html")

    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"].startswith("default-src 'none'; style-src 'sha256-")
    assert "<h1>Rencontres d&#39;été: Café &amp; Co</h1>" in response.text
    assert "<script" not in response.text
    assert "<p>&lt;script&gt;alert('x')&lt;/script&gt;</p>" in response.text  # shown as typed, never run
    assert '<a href="https://tea.example/" rel="nofollow noopener">tea</a>' in response.text
    assert response.text.count('<article class="session"') == 3
    assert "Spam" not in response.text


def test_csv(client, lively):
    response = export(client, lively, "csv")

    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert [(r["title"], r["votes"], r["room"], r["going"], r["status"]) for r in table] == [
        ('Café / Thé: "best" brews', "3", "Main hall", "2", "placed"),
        ('\'=HYPERLINK("https://evil.example","click")', "1", "", "0", "proposed"),
        ("Remote work", "1", "Bibliothèque", "1", "placed"),
        ("Remote work", "1", "Main hall", "1", "placed"),
        ("Withdrawn idea", "0", "", "0", "withdrawn"),
        ("Spam", "0", "", "0", "hidden"),
    ]


def test_json(client, lively):
    response = export(client, lively, "json")

    document = response.json()
    assert response.headers["content-type"] == "application/json"
    assert (document["format"], document["version"], document["event"]["slug"]) == ("hallway-event", 3, "ete")
    assert [t["status"] for t in document["topics"]] == [
        "placed",
        "proposed",
        "placed",
        "placed",
        "withdrawn",
        "hidden",
    ]
    assert lively.event.key not in response.text
    assert lively.ada.token.split(".")[1] not in response.text


def test_ics(client, lively):
    response = export(client, lively, "ics")

    calendar = Calendar.from_ical(response.content)
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert summaries == {
        f"ete-{lively.brews.id}@hallway": 'Café / Thé: "best" brews',
        f"ete-{lively.remote.id}@hallway": "Remote work",
        f"ete-{lively.remote_again.id}@hallway": "Remote work",
        f"ete-slot-{lively.opening.id}@hallway": "Opening circle",
    }


def test_export_of_an_empty_event_in_every_format(client, factory):
    event = factory.event(slug="empty")

    answers = {
        fmt: client.get("/api/events/empty/export", params={"format": fmt}, headers=event.auth)
        for fmt in ("md", "html", "csv", "json", "ics")
    }

    assert {fmt: r.status_code for fmt, r in answers.items()} == dict.fromkeys(answers, 200)
    with zipfile.ZipFile(io.BytesIO(answers["md"].content)) as archive:
        assert archive.namelist() == ["empty/index.md", "empty/harvest.md"]
    assert answers["csv"].content.decode("utf-8-sig").splitlines()[1:] == []
    assert answers["json"].json()["topics"] == []
    assert Calendar.from_ical(answers["ics"].content).walk("VEVENT") == []


def test_export_needs_the_facilitator_key(client, lively, factory):
    other = factory.event(slug="other")

    anonymous = export(client, lively, "json", headers={})
    attendee = export(client, lively, "json", headers=lively.ada.auth)
    foreign = export(client, lively, "json", headers=other.auth)

    assert (anonymous.status_code, attendee.status_code, foreign.status_code) == (403, 403, 401)
    assert anonymous.json() == {
        "detail": "Only the event's facilitator can do this: send the facilitator key as a bearer token."
    }


def test_unknown_or_missing_format_is_422(client, lively):
    unknown = export(client, lively, "pdf")
    missing = client.get(f"/api/events/{lively.event.slug}/export", headers=lively.event.auth)

    assert unknown.status_code == 422
    assert unknown.json()["detail"].startswith("format: Input should be 'md', 'html', 'csv', 'json' or 'ics'")
    assert missing.status_code == 422


def test_my_calendar_link_and_feed(client, lively):
    links = client.get(f"/api/events/{lively.event.slug}/me/calendar", headers=lively.ada.auth).json()

    feed = client.get(links["url"].removeprefix("http://testserver"))
    summaries = sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk("VEVENT"))
    assert links["url"].startswith(f"http://testserver/e/ete/calendar/{lively.ada.id}-")
    assert links["webcal_url"] == "webcal://" + links["url"].removeprefix("http://")
    assert feed.status_code == 200
    assert summaries == ['Café / Thé: "best" brews', "Remote work"]


def test_my_calendar_link_needs_an_attendee(client, lively):
    response = client.get(f"/api/events/{lively.event.slug}/me/calendar", headers=lively.event.auth)

    assert response.status_code == 401
