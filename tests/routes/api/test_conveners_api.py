"""Co-conveners through the JSON API: invite, accept, list, step down and remove; refusals in a sentence."""

from __future__ import annotations

from typing import Any

from app.models import TopicConvener


def _setup(factory: Any) -> tuple[Any, Any, Any, Any, Any]:
    event = factory.event()
    ada, bo, cy = (factory.attendee(event, name=name) for name in ("Ada", "Bo", "Cy"))
    topic = factory.topic(event, ada, title="Pair programming")
    return event, ada, bo, cy, topic


def _conveners(client: Any, event: Any, topic: Any, headers: dict[str, str] | None = None) -> list[tuple]:
    listed = client.get(f"/api/events/{event.slug}/topics/{topic.id}/conveners", headers=headers or {}).json()
    return [(c["name"], c["main"], c["accepted"]) for c in listed]


def test_invite_accept_and_the_topic_lists_its_co_convener(client, factory, backend):
    event, ada, bo, _cy, topic = _setup(factory)
    base = f"/api/events/{event.slug}/topics/{topic.id}/conveners"

    invited = client.post(base, json={"attendee_id": bo.id}, headers=ada.auth)
    assert invited.status_code == 201
    assert {k: invited.json()[k] for k in ("attendee_id", "name", "main", "accepted")} == {
        "attendee_id": bo.id,
        "name": "Bo",
        "main": False,
        "accepted": False,
    }
    # The invitation is the conveners' and the invitee's business; anyone else reads who convenes it.
    assert _conveners(client, event, topic, ada.auth) == [("Ada", True, True), ("Bo", False, False)]
    assert _conveners(client, event, topic, bo.auth) == [("Ada", True, True), ("Bo", False, False)]
    assert _conveners(client, event, topic) == [("Ada", True, True)]

    accepted = client.post(f"{base}/{bo.id}/accept", headers=bo.auth)

    assert (accepted.status_code, accepted.json()["accepted"]) == (200, True)
    assert _conveners(client, event, topic) == [("Ada", True, True), ("Bo", False, True)]
    listed = client.get(f"/api/events/{event.slug}/topics/{topic.id}").json()
    assert (listed["convener_name"], listed["co_conveners"]) == ("Ada", [{"attendee_id": bo.id, "name": "Bo"}])
    board = client.get(f"/api/events/{event.slug}/board").json()
    [on_board] = board["topics"]
    assert (on_board["convener_name"], on_board["co_conveners"]) == ("Ada", [{"id": bo.id, "name": "Bo"}])
    # Bo edits it now; the withdrawal stays Ada's.
    edited = client.patch(f"/api/events/{event.slug}/topics/{topic.id}", json={"title": "Pairing"}, headers=bo.auth)
    assert edited.json()["title"] == "Pairing"
    withdrawn = client.delete(f"/api/events/{event.slug}/topics/{topic.id}", headers=bo.auth)
    assert withdrawn.status_code == 403
    assert "as a co-convener, you can step down instead" in withdrawn.json()["detail"]


def test_bad_invitations_are_answered_in_a_sentence_and_write_nothing(client, factory, database, backend):
    event, ada, bo, cy, topic = _setup(factory)
    stranger = factory.attendee(factory.event(name="Elsewhere"), name="Sam")
    base = f"/api/events/{event.slug}/topics/{topic.id}/conveners"
    assert client.post(base, json={"attendee_id": bo.id}, headers=ada.auth).status_code == 201

    answers = {
        "another event's": client.post(base, json={"attendee_id": stranger.id}, headers=ada.auth),
        "oneself": client.post(base, json={"attendee_id": ada.id}, headers=ada.auth),
        "twice": client.post(base, json={"attendee_id": bo.id}, headers=ada.auth),
        "by someone else": client.post(base, json={"attendee_id": cy.id}, headers=cy.auth),
        "by nobody": client.post(base, json={"attendee_id": cy.id}),
        "no id": client.post(base, json={}, headers=ada.auth),
    }

    assert {why: r.status_code for why, r in answers.items()} == {
        "another event's": 404,
        "oneself": 422,
        "twice": 409,
        "by someone else": 403,
        "by nobody": 401,
        "no id": 422,
    }
    assert answers["oneself"].json() == {"detail": "You convene “Pair programming” already: invite someone else."}
    assert answers["twice"].json() == {"detail": "Bo is invited to co-convene “Pair programming” already."}
    with database.read_session() as session:
        assert len(session.exec(TopicConvener.__table__.select()).all()) == 1  # type: ignore[attr-defined]


def test_only_the_invitee_accepts(client, factory, backend):
    event, ada, bo, cy, topic = _setup(factory)
    base = f"/api/events/{event.slug}/topics/{topic.id}/conveners"
    client.post(base, json={"attendee_id": bo.id}, headers=ada.auth)

    by_ada = client.post(f"{base}/{bo.id}/accept", headers=ada.auth)
    by_facilitator = client.post(f"{base}/{bo.id}/accept", headers=event.auth)
    not_invited = client.post(f"{base}/{cy.id}/accept", headers=cy.auth)

    assert [r.status_code for r in (by_ada, by_facilitator, not_invited)] == [403, 403, 404]
    assert not_invited.json() == {"detail": "You have no invitation to co-convene “Pair programming”."}
    assert _conveners(client, event, topic, ada.auth) == [("Ada", True, True), ("Bo", False, False)]


def test_step_down_decline_and_removal(client, factory, backend):
    event, ada, bo, cy, topic = _setup(factory)
    base = f"/api/events/{event.slug}/topics/{topic.id}/conveners"
    for person in (bo, cy):
        client.post(base, json={"attendee_id": person.id}, headers=ada.auth)
    client.post(f"{base}/{bo.id}/accept", headers=bo.auth)

    by_bo = client.delete(f"{base}/{cy.id}", headers=bo.auth)  # a co-convener removes only themselves
    declined = client.delete(f"{base}/{cy.id}", headers=cy.auth)
    stepped_down = client.delete(f"{base}/{bo.id}", headers=bo.auth)
    again = client.delete(f"{base}/{bo.id}", headers=ada.auth)

    assert [r.status_code for r in (by_bo, declined, stepped_down, again)] == [403, 200, 200, 404]
    assert [c["name"] for c in stepped_down.json()] == ["Ada"]
    assert _conveners(client, event, topic, ada.auth) == [("Ada", True, True)]


def test_a_co_convener_running_another_session_then_is_refused_on_the_wall(client, factory, backend):
    event, _ada, bo, _cy, topic = _setup(factory)
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    bos = factory.topic(event, bo, title="Bo's own")
    factory.co_convener(event, topic, bo)
    factory.place(event, topic, hall, morning)

    clash = client.put(
        f"/api/events/{event.slug}/topics/{bos.id}/placement",
        json={"room_id": attic.id, "slot_id": morning.id},
        headers=event.auth,
    )

    assert clash.status_code == 409
    assert clash.json()["detail"].startswith("“Pair programming” is in this slot already and shares a convener")


def test_a_co_convener_not_listed_by_name_is_a_participant_to_others(client, factory, backend):
    event, _ada, bo, cy, topic = _setup(factory)
    factory.co_convener(event, topic, bo)
    assert client.patch(f"/api/events/{event.slug}/me", json={"name_listed": False}, headers=bo.auth).status_code == 200

    assert _conveners(client, event, topic, cy.auth) == [("Ada", True, True), ("a participant", False, True)]
    assert _conveners(client, event, topic, bo.auth)[1] == ("Bo", False, True)  # oneself, by name
    assert _conveners(client, event, topic, event.auth)[1] == ("Bo", False, True)  # the facilitator
    assert client.get(f"/api/events/{event.slug}/board").json()["topics"][0]["co_conveners"][0]["name"] == (
        "a participant"
    )
