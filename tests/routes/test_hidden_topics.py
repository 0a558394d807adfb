"""Hidden means hidden: a hidden or merged topic, its notes and their revisions answer 404 to everyone but the
facilitator, through the API and the pages alike."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from app.services import notes
from app.services.actors import Actor
from tests.routes.pages_helpers import join


@pytest.fixture
def retired(factory):
    """A session with notes, then hidden; and a duplicate with notes, then merged into another topic."""
    event = factory.event(slug="gathering")
    ada = factory.attendee(event, name="Ada")
    room, slot = factory.room(event), factory.slot(event)
    later = factory.slot(event, starts="14:00", ends="15:00")
    abusive = factory.topic(event, ada, title="Something abusive")
    duplicate = factory.topic(event, ada, title="Remote work again")
    target = factory.topic(event, ada, title="Remote work")
    factory.place(event, abusive, room, slot)
    factory.place(event, duplicate, room, later)
    with factory.database.write_session() as session:
        for topic in (abusive, duplicate):
            notes.save_notes(
                session=session,
                event_id=event.id,
                topic_id=topic.id,
                actor=Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada"),
                base_version=0,
                data=notes.NoteInput(body="what was said"),
            )
    return event, ada, abusive, duplicate, target


def _retire(client: TestClient, event, abusive, duplicate, target) -> None:
    assert client.post(f"/api/events/gathering/topics/{abusive.id}/hide", headers=event.auth).status_code == 200
    merged = client.post(
        f"/api/events/gathering/topics/{duplicate.id}/merge", json={"into_topic_id": target.id}, headers=event.auth
    )
    assert merged.status_code == 200


@pytest.mark.parametrize("who", ["anyone", "attendee", "convener"])
def test_hidden_and_merged_topics_and_their_notes_are_not_found_through_the_api(
    client: TestClient, factory, backend, retired, who
):
    event, ada, abusive, duplicate, target = retired
    _retire(client, event, abusive, duplicate, target)
    headers = {"anyone": {}, "attendee": factory.attendee(event, name="Bo").auth, "convener": ada.auth}[who]

    for topic in (abusive, duplicate):
        base = f"/api/events/gathering/topics/{topic.id}"
        for path in ("", "/notes", "/notes/revisions", "/notes/revisions/1"):
            answer = client.get(base + path, headers=headers)
            assert answer.status_code == 404, (topic.title, path)
            assert answer.json() == {"detail": f"There is no topic {topic.id} in this event."}
            assert topic.title not in answer.text


def test_the_facilitator_still_reads_hidden_and_merged_topics_and_their_notes(
    client: TestClient, factory, backend, retired
):
    event, _, abusive, duplicate, target = retired
    _retire(client, event, abusive, duplicate, target)

    for topic in (abusive, duplicate):
        base = f"/api/events/gathering/topics/{topic.id}"
        assert client.get(base, headers=event.auth).json()["title"] == topic.title
        assert client.get(base + "/notes", headers=event.auth).json()["body"] == "what was said"
        assert len(client.get(base + "/notes/revisions", headers=event.auth).json()) == 1


def test_the_notes_pages_of_a_hidden_topic_are_not_found_for_attendees(client: TestClient, factory, backend, retired):
    event, _, abusive, duplicate, target = retired
    _retire(client, event, abusive, duplicate, target)
    join(client, "gathering", "Bo")

    for path in ("notes", "notes/latest", "notes/revisions", "notes/revisions/1"):
        page = client.get(f"/e/gathering/topics/{abusive.id}/{path}")
        assert page.status_code == 404, path
        assert "Something abusive" not in page.text
        assert "what was said" not in page.text


def test_an_attendee_cant_write_the_notes_of_a_hidden_topic(client: TestClient, factory, backend, retired):
    event, ada, abusive, duplicate, target = retired
    _retire(client, event, abusive, duplicate, target)

    refused = client.put(
        f"/api/events/gathering/topics/{abusive.id}/notes", json={"body": "more", "base_version": 1}, headers=ada.auth
    )

    assert refused.status_code == 404
    assert client.get(f"/api/events/gathering/topics/{abusive.id}/notes", headers=event.auth).json()["version"] == 1


def test_a_save_on_a_hidden_topics_notes_is_not_sent_to_open_notes_pages(client: TestClient, factory, backend, retired):
    event, _, abusive, duplicate, target = retired
    _retire(client, event, abusive, duplicate, target)
    since = client.get("/api/events/gathering/board").json()["version"]

    with client.websocket_connect(f"/ws/events/gathering?view=notes&since={since}") as socket:
        client.put(
            f"/api/events/gathering/topics/{abusive.id}/notes",
            json={"body": "the facilitator's note", "base_version": 1},
            headers=event.auth,
        )
        message = socket.receive_text()

    assert "the facilitator's note" not in message
    assert f"notes-latest-{abusive.id}" not in message
