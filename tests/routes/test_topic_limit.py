"""The event's cap on topics: a facilitator setting; attendees who reach it are told what to do instead."""

from __future__ import annotations

from sqlmodel import func, select

from app.models import Topic
from app.models.event import EventUpdate
from app.services import events, topics
from app.services.actors import Actor
from tests.routes.pages_helpers import HTMX, element, join, page_csrf


def _set_limit(database, event, limit: int) -> None:
    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(topic_limit=limit))


def _topic_count(database, event) -> int:
    with database.read_session() as session:
        return session.exec(select(func.count()).select_from(Topic).where(Topic.event_id == event.id)).one()


def test_a_new_event_takes_300_topics_and_says_so_in_its_json(client, factory, backend):
    event = factory.event()

    assert client.get(f"/api/events/{event.slug}").json()["topic_limit"] == 300


def test_a_proposal_past_the_limit_is_refused_with_a_sentence_and_nothing_written(client, factory, database, backend):
    event = factory.event()
    _set_limit(database, event, 2)
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")
    factory.topic(event, ada, title="First")
    factory.topic(event, bo, title="Second")

    response = client.post(f"/api/events/{event.slug}/topics", json={"title": "Third"}, headers=bo.auth)

    assert response.status_code == 409
    assert "reached its limit of 2 topics" in response.json()["detail"]
    assert _topic_count(database, event) == 2


def test_hidden_merged_and_withdrawn_topics_make_room_again(client, factory, database, backend):
    event = factory.event()
    _set_limit(database, event, 2)
    ada = factory.attendee(event)
    spam = factory.topic(event, ada, title="Spam")
    factory.topic(event, ada, title="Real")
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=event.id, topic_id=spam.id)

    response = client.post(f"/api/events/{event.slug}/topics", json={"title": "Another"}, headers=ada.auth)

    assert response.status_code == 201


def test_the_facilitator_is_not_held_to_the_limit(client, factory, database, backend):
    event = factory.event()
    _set_limit(database, event, 1)
    factory.topic(event, factory.attendee(event), title="Only one")

    response = client.post(f"/api/events/{event.slug}/topics", json={"title": "Plenary"}, headers=event.auth)

    assert response.status_code == 201
    with database.read_session() as session:
        assert len(topics.list_topics(session=session, event_id=event.id)) == 2
    assert Actor.facilitator(event.id).is_facilitator


def test_the_marketplace_shows_the_limit_in_place_of_the_form_error(client, factory, database, backend):
    event = factory.event()
    _set_limit(database, event, 1)
    factory.topic(event, factory.attendee(event, name="Bo"), title="Only one")
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Mine"}, headers=HTMX)

    assert response.status_code == 409
    assert "reached its limit of 1 topics" in element(response.text, "propose")
    assert _topic_count(database, event) == 1


def test_the_facilitator_sets_the_limit_on_their_page(client, factory, database, backend):
    event = factory.event()
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    token = page_csrf(client, f"/e/{event.slug}/facilitate")

    saved = client.post(f"/e/{event.slug}/facilitate/event", data={"csrf_token": token, "topic_limit": "40"})
    refused = client.post(
        f"/e/{event.slug}/facilitate/event", data={"csrf_token": token, "topic_limit": "0"}, headers=HTMX
    )

    assert saved.status_code == 200
    assert 'name="topic_limit"' in saved.text and 'value="40"' in element(saved.text, "facilitate-event")
    assert refused.status_code == 422
    assert "An event takes between 1 and 5000 topics." in refused.text
    with database.read_session() as session:
        assert events.get_event(session=session, slug=event.slug).topic_limit == 40


def test_the_limit_travels_in_the_json_export_and_back(client, factory, database, backend):
    event = factory.event()
    _set_limit(database, event, 77)

    document = client.get(f"/api/events/{event.slug}/export?format=json", headers=event.auth).json()

    assert document["event"]["topic_limit"] == 77
