"""An event of several days through the JSON API and its exports: the days given, kept, refused; every export
says each session's day, and an export imported again keeps the days."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from icalendar import Calendar

from tests.conftest import ADMIN_TOKEN
from tests.services.test_event_import import export as export_json_of
from tests.services.test_event_import import load

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def camp(factory):
    """Tuesday 24 and Wednesday 25 November 2026: a session each day, Ada going to both."""
    event = factory.event(slug="camp", name="Camp", days=2)
    hall = factory.room(event, name="Main hall")
    ada = factory.attendee(event, name="Ada")
    for day, title in ((1, "Soil"), (2, "Rivers")):
        slot = factory.slot(event, starts="10:00", ends="11:00", label="Morning", day=day)
        topic = factory.topic(event, None, title=title)
        factory.place(event, topic, hall, slot)
        factory.attend(ada, slot, topic)
    return event, ada


def slot_count(client, slug: str) -> int:
    return len(client.get(f"/api/events/{slug}/slots").json())


# --- The days ---------------------------------------------------------------------------------------------


def test_create_event_of_three_days_through_the_api(client):
    created = client.post(
        "/api/events",
        json={"name": "Camp", "timezone": "Europe/London", "date": "2026-11-24", "last_date": "2026-11-26"},
        headers=ADMIN,
    )

    event = client.get(f"/api/events/{created.json()['slug']}").json()
    assert created.status_code == 201
    assert (event["date"], event["last_date"]) == ("2026-11-24", "2026-11-26")


def test_create_event_without_a_last_date_has_one_day(client):
    created = client.post(
        "/api/events", json={"name": "Day", "timezone": "UTC", "date": "2026-11-24"}, headers=ADMIN
    ).json()

    event = client.get(f"/api/events/{created['slug']}").json()
    assert (event["date"], event["last_date"]) == ("2026-11-24", "2026-11-24")


def test_create_event_ending_before_it_starts_is_refused(client):
    response = client.post(
        "/api/events",
        json={"name": "Odd", "timezone": "UTC", "date": "2026-11-24", "last_date": "2026-11-23"},
        headers=ADMIN,
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The last day (Monday 23 November) can't be before the first (Tuesday 24 November)."
    )


def test_patch_the_days_leaving_a_slot_outside_is_409_naming_it(client, camp):
    event, _ = camp

    response = client.patch("/api/events/camp", json={"last_date": "2026-11-24"}, headers=event.auth)

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The slot Wednesday 25 November, 10:00–11:00 (Morning) would be outside the event's days: "
        "move or remove it first."
    )
    assert client.get("/api/events/camp").json()["last_date"] == "2026-11-25"


def test_patch_adds_a_day_and_a_slot_then_fits_on_it(client, camp):
    event, _ = camp

    patched = client.patch("/api/events/camp", json={"last_date": "2026-11-26"}, headers=event.auth)
    added = client.post(
        "/api/events/camp/slots",
        json={"starts_at": "2026-11-26T10:00", "ends_at": "2026-11-26T11:00"},
        headers=event.auth,
    )

    assert (patched.status_code, patched.json()["last_date"]) == (200, "2026-11-26")
    assert added.status_code == 201
    assert slot_count(client, "camp") == 3


@pytest.mark.parametrize("day", ["2026-11-23", "2026-11-26"])
def test_a_slot_outside_the_days_is_422_and_nothing_is_written(client, camp, day):
    event, _ = camp

    added = client.post(
        "/api/events/camp/slots", json={"starts_at": f"{day}T10:00", "ends_at": f"{day}T11:00"}, headers=event.auth
    )
    slot_id = client.get("/api/events/camp/slots").json()[0]["id"]
    moved = client.patch(
        f"/api/events/camp/slots/{slot_id}",
        json={"starts_at": f"{day}T10:00", "ends_at": f"{day}T11:00"},
        headers=event.auth,
    )

    for response in (added, moved):
        assert response.status_code == 422
        assert "outside the event's days (Tuesday 24 November to Wednesday 25 November)" in response.json()["detail"]
    assert [s["starts_at"] for s in client.get("/api/events/camp/slots").json()] == [
        "2026-11-24T10:00:00",
        "2026-11-25T10:00:00",
    ]


# --- The exports --------------------------------------------------------------------------------------------


def export(client, event, fmt: str):  # type: ignore[no-untyped-def]
    response = client.get("/api/events/camp/export", params={"format": fmt}, headers=event.auth)
    assert response.status_code == 200
    return response


def test_the_markdown_export_says_each_session_s_day(client, camp):
    event, _ = camp

    with zipfile.ZipFile(io.BytesIO(export(client, event, "md").content)) as archive:
        index = archive.read("camp/index.md").decode()
        rivers = archive.read(next(n for n in archive.namelist() if n.endswith("rivers.md"))).decode()
        harvest = archive.read("camp/harvest.md").decode()

    assert "Tuesday, 24 November 2026 to Wednesday, 25 November 2026 (Europe/London)" in index
    headings = [line for line in index.splitlines() if line.startswith("#")]
    assert headings == [
        "# Camp",
        "## Tuesday 24 November",
        "### Morning (10:00–11:00)",
        "## Wednesday 25 November",
        "### Morning (10:00–11:00)",
    ]
    assert 'starts_at: "2026-11-25T10:00"' in rivers
    assert "Morning, Wednesday 25 November, 10:00–11:00" in rivers
    assert "Wednesday 25 November 10:00–11:00" in harvest


def test_the_booklet_puts_the_agenda_under_each_day(client, camp):
    event, _ = camp

    booklet = export(client, event, "html").text

    assert '<p class="date">Tuesday, 24 November 2026 to Wednesday, 25 November 2026</p>' in booklet
    agenda = booklet[booklet.index('id="agenda-heading"') : booklet.index("</section>")]
    assert re.findall(r'<h3 class="agenda-day">([^<]+)</h3>', agenda) == [
        "Tuesday 24 November",
        "Wednesday 25 November",
    ]
    assert "<dd>Morning, Wednesday 25 November, 10:00–11:00</dd>" in booklet


def test_the_agenda_and_the_personal_calendar_hold_both_days(client, camp):
    event, ada = camp

    agenda = Calendar.from_ical(export(client, event, "ics").content)
    links = client.get("/api/events/camp/me/calendar", headers=ada.auth).json()
    mine = Calendar.from_ical(client.get(links["url"].removeprefix("http://testserver")).content)

    for calendar in (agenda, mine):
        starts = sorted((str(e["SUMMARY"]), e.decoded("DTSTART").isoformat()) for e in calendar.walk("VEVENT"))
        assert starts == [("Rivers", "2026-11-25T10:00:00+00:00"), ("Soil", "2026-11-24T10:00:00+00:00")]


def test_the_json_export_carries_the_days_and_an_import_keeps_them(client, camp, database):
    document = json.loads(export(client, camp[0], "json").content)

    load(database, json.dumps(document), slug="camp-again")

    again = json.loads(export_json_of(database, "camp-again"))
    assert (document["event"]["date"], document["event"]["last_date"]) == ("2026-11-24", "2026-11-25")
    assert ({**again["event"], "slug": "camp"}, again["slots"]) == (document["event"], document["slots"])


def test_an_older_export_without_a_last_date_gets_the_days_of_its_slots(client, camp, database):
    document = json.loads(export(client, camp[0], "json").content)
    del document["event"]["last_date"]
    document["event"]["date"] = "2026-11-25"  # corrected after its first slot was set up, as older events could be

    load(database, json.dumps(document), slug="camp-again")

    again = json.loads(export_json_of(database, "camp-again"))
    assert (again["event"]["date"], again["event"]["last_date"]) == ("2026-11-24", "2026-11-25")
