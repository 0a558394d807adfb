"""GET /api/events/{slug}/harvest: the facilitator's always, anyone's once published; names as the join code says."""

from __future__ import annotations

from app.models.event import EventUpdate
from app.services import events
from tests.exporters.events import themed_day
from tests.factories import EventWithKey, Factory


def publish(factory: Factory, event: EventWithKey, *, published: bool = True) -> None:
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(harvest_published=published))


def test_the_facilitator_reads_the_harvest_before_it_is_published(client, factory):
    d = themed_day(factory, slug="ct")

    answer = client.get("/api/events/ct/harvest", headers=d.event.auth)

    assert answer.status_code == 200
    body = answer.json()
    assert (body["event"]["slug"], body["event"]["harvest_published"]) == ("ct", False)
    assert [(t["name"], t["symbol"], t["has_notes"], [s["title"] for s in t["sessions"]]) for t in body["themes"]] == [
        ("Care", "●", True, ["Rest", "Owners"]),
        ("Community data", "■", True, ["Who owns the kettle data?"]),
        ("Quiet", "▲", False, []),
    ]
    assert [s["title"] for s in body["unthemed"]] == ["Loose ends"]
    kettle = body["themes"][1]["sessions"][0]
    assert {k: kettle[k] for k in ("room", "starts_at", "ends_at", "convener", "came", "came_from")} == {
        "room": "Hall",
        "starts_at": "2026-11-24T14:00:00",
        "ends_at": "2026-11-24T15:00:00",
        "convener": "Ada",
        "came": 3,
        "came_from": "notes",
    }
    assert kettle["actions"][0] == {
        "what": "Draft a data charter",
        "owner": "Ada",
        "line": "Draft a data charter — Ada",
    }
    assert kettle["continue_url"] == "https://chat.example/kettle"
    assert [(a["what"], a["owner"], a["title"], a["theme_name"]) for a in body["actions"]][:2] == [
        ("Book a quiet room", "Zoë", "Rest", "Care"),
        ("Draft a data charter", "Ada", "Who owns the kettle data?", "Community data"),
    ]


def test_anyone_else_is_told_it_is_not_published_yet(client, factory):
    d = themed_day(factory, slug="ct")

    anonymous = client.get("/api/events/ct/harvest")
    attendee = client.get("/api/events/ct/harvest", headers=d.ada.auth)

    assert (anonymous.status_code, attendee.status_code) == (403, 403)
    assert anonymous.json()["detail"].startswith("The harvest is not published yet")
    assert attendee.json() == anonymous.json()


def test_once_published_anyone_reads_it_and_unpublished_it_is_closed_again(client, factory):
    d = themed_day(factory, slug="ct")
    publish(factory, d.event)

    published = client.get("/api/events/ct/harvest")
    publish(factory, d.event, published=False)
    closed = client.get("/api/events/ct/harvest")

    assert published.status_code == 200
    assert published.json()["themes"][0]["sessions"][0]["convener"] == "Ada"  # no join code: names for all
    assert closed.status_code == 403


def test_published_harvest_of_a_coded_event_names_conveners_only_to_those_who_joined(client, factory):
    event = factory.event(slug="closed", join_code="OWL42")
    ada = factory.attendee(event, name="Ada Lovelace")
    hall, morning = factory.room(event), factory.slot(event)
    factory.place(event, factory.topic(event, ada, title="Community data"), hall, morning)
    publish(factory, event)

    def conveners(headers: dict[str, str]) -> list[str | None]:
        return [s["convener"] for s in client.get("/api/events/closed/harvest", headers=headers).json()["unthemed"]]

    assert conveners({}) == [None]
    assert conveners(ada.auth) == ["Ada Lovelace"]
    assert conveners(event.auth) == ["Ada Lovelace"]
    assert client.get("/api/events/closed/harvest").json()["event"]["has_join_code"] is True
    assert "join_code" not in client.get("/api/events/closed/harvest").json()["event"]


def test_a_token_of_another_event_is_refused_and_an_unknown_event_is_not_found(client, factory):
    themed_day(factory, slug="ct")
    elsewhere = factory.event(slug="elsewhere")

    assert client.get("/api/events/ct/harvest", headers=elsewhere.auth).status_code == 401
    assert client.get("/api/events/nowhere/harvest").status_code == 404
