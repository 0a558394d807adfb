"""Privacy through the API: the name switch (at join and later), "forget me", the facilitator's removal,
deleting a whole event, and the booklet downloaded after some chose not to be listed or left."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import AttendeeWithToken, EventWithKey, Factory


@pytest.fixture
def meadow(factory: Factory) -> tuple[EventWithKey, AttendeeWithToken, AttendeeWithToken, int]:
    event = factory.event(slug="meadow")
    ada, zoe = factory.attendee(event, name="Ada Lovelace"), factory.attendee(event, name="Zoe Quiet")
    topic = factory.topic(event, zoe, title="Walking meetings")
    hall, morning = factory.room(event, name="Hall"), factory.slot(event, starts="10:00", ends="11:00")
    factory.place(event, topic, hall, morning)
    factory.vote(ada, topic)
    factory.attend(zoe, morning, topic)
    return event, ada, zoe, topic.id  # type: ignore[return-value]


def _conveners(client: TestClient, headers: dict[str, str] | None = None) -> list[str]:
    return [t["convener_name"] for t in client.get("/api/events/meadow/topics", headers=headers or {}).json()]


def test_joining_unlisted_shows_a_participant_to_everyone_but_herself_and_the_facilitator(
    client: TestClient, factory: Factory, backend
):
    event = factory.event(slug="meadow")
    ada = factory.attendee(event, name="Ada Lovelace")
    joined = client.post("/api/events/meadow/attendees", json={"display_name": "Zoe Quiet", "name_listed": False})
    zoe = {"Authorization": f"Bearer {joined.json()['token']}"}
    client.post("/api/events/meadow/topics", json={"title": "Walking meetings"}, headers=zoe)

    assert (joined.status_code, joined.json()["name_listed"]) == (201, False)
    assert {
        "anyone": _conveners(client),
        "Ada": _conveners(client, ada.auth),
        "Zoe": _conveners(client, zoe),
        "facilitator": _conveners(client, event.auth),
        "board": [t["convener_name"] for t in client.get("/api/events/meadow/board", headers=zoe).json()["topics"]],
    } == {
        "anyone": ["a participant"],
        "Ada": ["a participant"],
        "Zoe": ["Zoe Quiet"],
        "facilitator": ["Zoe Quiet"],
        "board": ["a participant"],  # one copy for everyone, her own reading too
    }


def test_an_attendee_changes_her_mind_with_patch_me(client: TestClient, meadow, backend):
    _event, ada, zoe, _ = meadow

    hidden = client.patch("/api/events/meadow/me", json={"name_listed": False}, headers=zoe.auth)
    while_hidden = _conveners(client, ada.auth)
    shown = client.patch("/api/events/meadow/me", json={"name_listed": True}, headers=zoe.auth)

    assert hidden.json() == {"id": zoe.id, "display_name": "Zoe Quiet", "name_listed": False}
    assert client.get("/api/events/meadow/me", headers=zoe.auth).json()["name_listed"] is True
    assert (while_hidden, shown.status_code, _conveners(client, ada.auth)) == (["a participant"], 200, ["Zoe Quiet"])


def test_a_notes_going_list_names_the_listed_and_counts_the_others(client: TestClient, meadow, backend):
    _event, ada, zoe, topic_id = meadow
    client.patch("/api/events/meadow/me", json={"name_listed": False}, headers=zoe.auth)
    slot_id = client.get("/api/events/meadow/board").json()["placements"][0]["slot_id"]
    client.put(f"/api/events/meadow/slots/{slot_id}/attendance", json={"topic_id": topic_id}, headers=ada.auth)

    notes = client.get(f"/api/events/meadow/topics/{topic_id}/notes", headers=ada.auth).json()

    assert (notes["going"], notes["going_others"]) == (["Ada Lovelace"], 1)


def test_forget_me_removes_the_name_dots_and_going_and_kills_the_token(client: TestClient, meadow, backend):
    event, _ada, zoe, topic_id = meadow
    client.put(
        f"/api/events/meadow/topics/{topic_id}/notes", json={"body": "We walked", "base_version": 0}, headers=zoe.auth
    )

    forgotten = client.delete("/api/events/meadow/attendees/me", headers=zoe.auth)
    again = client.delete("/api/events/meadow/attendees/me", headers=zoe.auth)
    vote = client.put(f"/api/events/meadow/topics/{topic_id}/vote", headers=zoe.auth)

    assert forgotten.status_code == 200
    assert forgotten.json() == {
        "id": zoe.id,
        "display_name": "a former participant",
        "removed": True,
        "votes_removed": 0,
        "attendance_removed": 1,
        "topics_kept": 1,
    }
    assert again.status_code == 401 and again.json()["detail"].startswith("You removed yourself from this event")
    assert vote.status_code == 401
    assert _conveners(client, event.auth) == ["a former participant"]
    revisions = client.get(f"/api/events/meadow/topics/{topic_id}/notes/revisions", headers=event.auth).json()
    assert [r["author_name"] for r in revisions] == ["a former participant"]
    assert client.get("/api/events/meadow/board").json()["placements"][0]["going"] == 0
    # The phone may join again, as someone new.
    assert client.post("/api/events/meadow/attendees", json={"display_name": "Zoe"}).status_code == 201


def test_the_facilitator_removes_an_attendee_once_and_only_of_this_event(
    client: TestClient, meadow, factory: Factory, backend
):
    event, ada, zoe, _topic_id = meadow
    stranger = factory.attendee(factory.event(slug="elsewhere"), name="Sam")

    removed = client.delete(f"/api/events/meadow/attendees/{ada.id}", headers=event.auth)
    twice = client.delete(f"/api/events/meadow/attendees/{ada.id}", headers=event.auth)
    foreign = client.delete(f"/api/events/meadow/attendees/{stranger.id}", headers=event.auth)
    by_attendee = client.delete(f"/api/events/meadow/attendees/{zoe.id}", headers=ada.auth)
    refused = client.get("/api/events/meadow/me", headers=ada.auth)

    assert (removed.status_code, removed.json()["votes_removed"]) == (200, 1)
    assert twice.status_code == 409 and "already removed" in twice.json()["detail"]
    assert (foreign.status_code, foreign.json()) == (404, {"detail": "There is no such attendee in this event."})
    assert by_attendee.status_code == 401  # Ada's token is dead already
    assert refused.json()["detail"].startswith("The facilitator removed you from this event")
    assert [t["votes"] for t in client.get("/api/events/meadow/topics").json()] == [0]


def test_deleting_an_event_needs_its_slug_and_then_every_address_is_404(client: TestClient, meadow, backend):
    event, ada, _zoe, topic_id = meadow
    assert client.get("/api/events/meadow/export?format=json", headers=event.auth).status_code == 200

    wrong = client.request("DELETE", "/api/events/meadow", json={"confirm": "meadows"}, headers=event.auth)
    missing = client.request("DELETE", "/api/events/meadow", json={}, headers=event.auth)
    by_attendee = client.request("DELETE", "/api/events/meadow", json={"confirm": "meadow"}, headers=ada.auth)
    deleted = client.request("DELETE", "/api/events/meadow", json={"confirm": "meadow"}, headers=event.auth)

    assert wrong.status_code == 422 and "confirm" in wrong.json()["detail"]
    assert missing.status_code == 422
    assert by_attendee.status_code == 403
    assert deleted.json() == {"slug": "meadow", "deleted": True}
    answers = {
        path: client.get(path, headers=headers).status_code
        for path, headers in (
            ("/api/events/meadow", {}),
            ("/api/events/meadow/topics", {}),
            ("/api/events/meadow/board", {}),
            ("/api/events/meadow/me", ada.auth),
            ("/e/meadow", {}),
            ("/e/meadow/board", {}),
            ("/e/meadow/wall", {}),
            (f"/e/meadow/topics/{topic_id}/notes", {}),
        )
    }
    assert set(answers.values()) == {404}, answers
    # The vote path's cache of tokens forgot the event too.
    assert client.put(f"/api/events/meadow/topics/{topic_id}/vote", headers=ada.auth).status_code == 404


def test_the_booklet_names_only_the_listed_through_the_api_and_the_facilitator_page(
    client: TestClient, meadow, factory: Factory, backend
):
    event, ada, zoe, topic_id = meadow
    bo = factory.attendee(event, name="Bo Leaving")
    slot_id = client.get("/api/events/meadow/board").json()["placements"][0]["slot_id"]
    for who in (ada, bo):
        client.put(f"/api/events/meadow/slots/{slot_id}/attendance", json={"topic_id": topic_id}, headers=who.auth)
    typed = {"body": "We walked", "base_version": 0, "attendees_text": "Ada Lovelace\nZoe Quiet\nBo Leaving"}
    client.put(f"/api/events/meadow/topics/{topic_id}/notes", json=typed, headers=zoe.auth)
    client.patch("/api/events/meadow/me", json={"name_listed": False}, headers=zoe.auth)
    client.delete("/api/events/meadow/attendees/me", headers=bo.auth)

    through_api = client.get("/api/events/meadow/export?format=html", headers=event.auth)
    client.get(f"/e/meadow/facilitate?key={event.key}")
    through_page = client.get("/e/meadow/facilitate/export.html")

    for booklet in (through_api, through_page):
        assert booklet.status_code == 200
        assert "<h4>Who came</h4><p>Ada Lovelace, and 2 others</p>" in booklet.text
        assert "<dt>Convener</dt><dd>a participant</dd>" in booklet.text
        assert "Zoe Quiet" not in booklet.text and "Bo Leaving" not in booklet.text
