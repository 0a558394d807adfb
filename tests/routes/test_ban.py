"""Banning an attendee: their token dead at once (API, pages, the cached vote path), their topics hidden,
their dots and "I'm going"s taken back, and the device can't simply join again."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from app.models import Attendee
from tests.factories import Factory
from tests.routes.pages_helpers import HTMX, join, page_csrf
from tests.routes.test_pages_facilitator import enter, post, topic_votes


def _titles(client: TestClient, slug: str) -> set[str]:
    return {topic["title"] for topic in client.get(f"/api/events/{slug}/topics").json()}


def test_a_banned_attendee_is_refused_everywhere_and_their_topics_are_gone(client, factory: Factory, backend):
    event = factory.event()
    troll, ada = factory.attendee(event, name="Troll"), factory.attendee(event, name="Ada")
    spam = factory.topic(event, troll, title="Buy cheap watches")
    fine = factory.topic(event, ada, title="Community data")
    factory.vote(troll, fine)
    factory.vote(ada, spam)
    # The troll's token is in the vote path's cache: a ban must reach it too.
    assert client.put(f"/api/events/{event.slug}/topics/{fine.id}/vote", headers=troll.auth).status_code == 200

    banned = client.post(f"/api/events/{event.slug}/attendees/{troll.id}/ban", headers=event.auth)

    assert banned.status_code == 200
    assert banned.json() == {"id": troll.id, "display_name": "Troll", "banned": True, "hidden_topic_ids": [spam.id]}
    assert _titles(client, event.slug) == {"Community data"}
    assert topic_votes(client, event) == {"Community data": 0}  # the troll's dot is taken back
    assert client.get(f"/api/events/{event.slug}/me", headers=ada.auth).json()["votes_left"] == 5  # Ada's came home
    for method, path in (
        ("PUT", f"/topics/{fine.id}/vote"),
        ("POST", "/topics"),
        ("GET", "/me"),
    ):
        refused = client.request(method, f"/api/events/{event.slug}{path}", headers=troll.auth, json={"title": "Again"})
        assert refused.status_code == 403, path
        assert "The facilitator has removed you from this event" in refused.json()["detail"]


def test_only_the_facilitator_bans_and_an_unknown_attendee_is_404(client, factory: Factory, backend):
    event, other = factory.event(), factory.event(name="Elsewhere")
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")
    stranger = factory.attendee(other, name="Stranger")

    by_attendee = client.post(f"/api/events/{event.slug}/attendees/{bo.id}/ban", headers=ada.auth)
    by_other_facilitator = client.post(f"/api/events/{event.slug}/attendees/{bo.id}/ban", headers=other.auth)
    someone_elsewhere = client.post(f"/api/events/{event.slug}/attendees/{stranger.id}/ban", headers=event.auth)

    assert by_attendee.status_code == 403
    assert by_other_facilitator.status_code == 401
    assert someone_elsewhere.status_code == 404
    assert client.get(f"/api/events/{other.slug}/me", headers=stranger.auth).status_code == 200
    assert client.get(f"/api/events/{event.slug}/me", headers=bo.auth).status_code == 200


def test_banning_twice_changes_nothing_more(client, factory: Factory, backend):
    event = factory.event()
    troll = factory.attendee(event, name="Troll")
    factory.topic(event, troll, title="Spam")
    first = client.post(f"/api/events/{event.slug}/attendees/{troll.id}/ban", headers=event.auth)
    version = client.get(f"/api/events/{event.slug}/board").json()["version"]

    again = client.post(f"/api/events/{event.slug}/attendees/{troll.id}/ban", headers=event.auth)

    assert first.status_code == again.status_code == 200
    assert again.json()["hidden_topic_ids"] == []
    assert client.get(f"/api/events/{event.slug}/board").json()["version"] == version


def test_the_facilitator_bans_from_the_topic_row_after_confirming(client, factory: Factory, backend):
    event = factory.event()
    troll = factory.attendee(event, name="Troll")
    factory.topic(event, troll, title="Spam")
    token = enter(client, event)
    page = client.get(f"/e/{event.slug}/facilitate/moderation").text
    assert f'action="/e/{event.slug}/facilitate/attendees/{troll.id}/ban"' in page

    asked = post(client, event, f"/attendees/{troll.id}/ban", token, {})
    done = post(client, event, f"/attendees/{troll.id}/ban", token, {"confirmed": "yes"}, headers=HTMX)

    assert "Ban Troll? Their topics are hidden" in asked.text
    assert done.status_code == 200
    assert "(banned)" in done.text
    assert _titles(client, event.slug) == set()


def test_a_banned_device_sees_a_sentence_instead_of_the_join_form(client, factory: Factory, database, backend):
    event = factory.event()
    token = join(client, event.slug, "Troll")
    troll_id = _attendee_id(database, event.id, "Troll")
    assert client.post(f"/api/events/{event.slug}/attendees/{troll_id}/ban", headers=event.auth).status_code == 200

    market = client.get(f"/e/{event.slug}")
    again = client.post(f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": "Nice person"})
    propose = client.post(
        f"/e/{event.slug}/topics", data={"csrf_token": page_csrf(client, f"/e/{event.slug}/wall"), "title": "x"}
    )

    assert market.status_code == 403
    assert "The facilitator has removed you from this event" in market.text
    assert 'name="display_name"' not in market.text
    assert again.status_code == 403
    assert "The facilitator has removed you from this event" in again.text
    assert propose.status_code in (401, 403)
    assert client.get(f"/e/{event.slug}/board").status_code == 200  # reading stays open, as for anyone


def _attendee_id(database, event_id: int, name: str) -> int:
    with database.read_session() as session:
        attendee = session.exec(
            select(Attendee).where(Attendee.event_id == event_id, Attendee.display_name == name)
        ).one()
        assert attendee.id is not None
        return attendee.id
