"""Placing topics on the wall and saying "I'm going", through the JSON API."""

import pytest


@pytest.fixture
def wall(factory):
    """An event with two rooms, a session slot, a break and a second session slot."""
    event = factory.event()
    rooms = [factory.room(event, name="Hall", capacity=2), factory.room(event, name="Attic", capacity=10)]
    slots = [
        factory.slot(event, starts="10:00", ends="11:00", label="Morning"),
        factory.slot(event, starts="11:00", ends="11:30", label="Coffee", kind="break"),
        factory.slot(event, starts="11:30", ends="12:30", label="Late morning"),
    ]
    return event, rooms, slots


def place(client, event, topic_id, room, slot, headers=None):
    return client.put(
        f"/api/events/{event.slug}/topics/{topic_id}/placement",
        json={"room_id": room.id, "slot_id": slot.id},
        headers=headers if headers is not None else event.auth,
    )


def test_facilitator_places_and_moves_a_topic(client, factory, wall):
    event, (hall, attic), (morning, _, late) = wall
    topic = factory.topic(event, None, title="Open data")
    assert place(client, event, topic.id, hall, morning).json() == {
        "topic_id": topic.id,
        "room_id": hall.id,
        "slot_id": morning.id,
        "pinned": False,
    }
    moved = place(client, event, topic.id, attic, late)
    assert moved.json()["room_id"] == attic.id
    assert client.get(f"/api/events/{event.slug}/topics/{topic.id}").json()["status"] == "placed"


def test_placing_into_a_taken_cell_is_409_naming_the_occupant(client, factory, wall):
    event, (hall, _), (morning, _, _) = wall
    first, second = factory.topic(event, None, title="First"), factory.topic(event, None, title="Second")
    place(client, event, first.id, hall, morning)
    response = place(client, event, second.id, hall, morning)
    assert response.status_code == 409
    assert response.json() == {"detail": "Hall at 10:00 already has 'First'."}
    assert client.get(f"/api/events/{event.slug}/topics/{second.id}").json()["status"] == "proposed"


def test_convener_cannot_be_in_two_rooms_in_one_slot(client, factory, wall):
    event, (hall, attic), (morning, _, late) = wall
    ada = factory.attendee(event)
    one, two = factory.topic(event, ada, title="One"), factory.topic(event, ada, title="Two")
    place(client, event, one.id, hall, morning)
    clash = place(client, event, two.id, attic, morning)
    assert clash.status_code == 409
    assert "already runs 'One' in this slot" in clash.json()["detail"]
    assert place(client, event, two.id, attic, late).status_code == 200


def test_facilitator_topics_may_run_side_by_side(client, factory, wall):
    event, (hall, attic), (morning, _, _) = wall
    one, two = factory.topic(event, None, title="One"), factory.topic(event, None, title="Two")
    assert place(client, event, one.id, hall, morning).status_code == 200
    assert place(client, event, two.id, attic, morning).status_code == 200


def test_break_slot_takes_no_topics(client, factory, wall):
    event, (hall, _), (_, coffee, _) = wall
    topic = factory.topic(event, None)
    response = place(client, event, topic.id, hall, coffee)
    assert response.status_code == 409
    assert response.json() == {"detail": "'Coffee' is a break slot: only session slots take topics."}


def test_placing_unknown_or_foreign_cells_and_retired_topics_is_refused(client, factory, wall):
    event, (hall, _), (morning, _, _) = wall
    other = factory.event(slug="other")
    their_room = factory.room(other)
    topic = factory.topic(event, None)
    withdrawn = factory.topic(event, None, title="Gone")
    client.delete(f"/api/events/{event.slug}/topics/{withdrawn.id}", headers=event.auth)
    foreign_room = place(client, event, topic.id, their_room, morning)
    unknown_topic = place(client, event, 99999, hall, morning)
    retired = place(client, event, withdrawn.id, hall, morning)
    assert (foreign_room.status_code, unknown_topic.status_code, retired.status_code) == (404, 404, 409)
    assert "withdrawn" in retired.json()["detail"]


def test_attendees_place_only_their_own_topics_and_only_with_self_placement(client, factory, wall):
    event, (hall, attic), (morning, _, _) = wall
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    mine = factory.topic(event, ada, title="Mine")
    closed = place(client, event, mine.id, hall, morning, headers=ada.auth)
    assert closed.status_code == 403
    assert closed.json() == {"detail": "Only the facilitator places topics on the wall in this event."}
    client.patch(f"/api/events/{event.slug}", json={"self_placement": True}, headers=event.auth)
    by_bob = place(client, event, mine.id, hall, morning, headers=bob.auth)
    by_ada = place(client, event, mine.id, attic, morning, headers=ada.auth)
    anonymous = place(client, event, mine.id, hall, morning, headers={})
    assert by_bob.status_code == 403 and by_bob.json()["detail"] == "You can only place your own topics on the wall."
    assert by_ada.status_code == 200
    assert anonymous.status_code == 401


def test_unplacing_returns_the_topic_and_clears_attendance(client, factory, wall):
    event, (hall, _), (morning, _, _) = wall
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    factory.place(event, topic, hall, morning)
    client.put(f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": topic.id}, headers=ada.auth)
    response = client.delete(f"/api/events/{event.slug}/topics/{topic.id}/placement", headers=event.auth)
    assert response.status_code == 204
    assert client.get(f"/api/events/{event.slug}/topics/{topic.id}").json()["status"] == "proposed"
    again = client.put(
        f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": topic.id}, headers=ada.auth
    )
    assert again.status_code == 409


def test_im_going_replaces_the_earlier_choice_in_the_slot(client, factory, wall):
    event, (hall, attic), (morning, _, _) = wall
    ada = factory.attendee(event)
    one, two = factory.topic(event, None, title="One"), factory.topic(event, None, title="Two")
    factory.place(event, one, hall, morning)
    factory.place(event, two, attic, morning)
    url = f"/api/events/{event.slug}/slots/{morning.id}/attendance"
    first = client.put(url, json={"topic_id": one.id}, headers=ada.auth).json()
    switched = client.put(url, json={"topic_id": two.id}, headers=ada.auth).json()
    assert first == {"slot_id": morning.id, "topic_id": one.id, "going": 1, "capacity": 2, "room_full": False}
    assert switched == {"slot_id": morning.id, "topic_id": two.id, "going": 1, "capacity": 10, "room_full": False}
    left = client.delete(url, headers=ada.auth).json()
    assert left["topic_id"] is None


def test_a_full_room_is_said_not_refused(client, factory, wall):
    event, (hall, _), (morning, _, _) = wall
    topic = factory.topic(event, None)
    factory.place(event, topic, hall, morning)
    url = f"/api/events/{event.slug}/slots/{morning.id}/attendance"
    answers = [
        client.put(url, json={"topic_id": topic.id}, headers=factory.attendee(event, name=f"P{n}").auth).json()
        for n in range(3)
    ]
    assert [(a["going"], a["room_full"]) for a in answers] == [(1, False), (2, False), (3, True)]


def test_going_to_a_topic_in_another_slot_or_unplaced_is_refused(client, factory, wall):
    event, (hall, _), (morning, _, late) = wall
    ada = factory.attendee(event)
    placed, loose = factory.topic(event, None, title="Placed"), factory.topic(event, None, title="Loose")
    factory.place(event, placed, hall, morning)
    wrong_slot = client.put(
        f"/api/events/{event.slug}/slots/{late.id}/attendance", json={"topic_id": placed.id}, headers=ada.auth
    )
    unplaced = client.put(
        f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": loose.id}, headers=ada.auth
    )
    anonymous = client.put(f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": placed.id})
    assert wrong_slot.status_code == 409 and wrong_slot.json() == {
        "detail": "'Placed' is not on the wall in this slot."
    }
    assert unplaced.status_code == 409
    assert anonymous.status_code == 401


def test_moving_a_topic_to_another_slot_takes_its_attendees_along(client, factory, wall):
    event, (hall, attic), (morning, _, late) = wall
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    moving, staying = factory.topic(event, None, title="Moving"), factory.topic(event, None, title="Staying")
    factory.place(event, moving, hall, morning)
    factory.place(event, staying, attic, late)
    for who in (ada, bob):
        client.put(
            f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": moving.id}, headers=who.auth
        )
    client.put(f"/api/events/{event.slug}/slots/{late.id}/attendance", json={"topic_id": staying.id}, headers=bob.auth)
    place(client, event, moving.id, hall, late)
    # Ada follows the topic to the later slot; Bob already goes elsewhere then, so his choice stands.
    me = f"/api/events/{event.slug}/me"
    assert client.get(me, headers=ada.auth).json()["going"] == {str(late.id): moving.id}
    assert client.get(me, headers=bob.auth).json()["going"] == {str(late.id): staying.id}


def pin(client, event, topic_id, pinned, headers=None):
    return client.put(
        f"/api/events/{event.slug}/topics/{topic_id}/pin",
        json={"pinned": pinned},
        headers=headers if headers is not None else event.auth,
    )


def test_facilitator_pins_a_placed_topic_and_the_board_says_so(client, factory, wall):
    event, (hall, _), (morning, _, _) = wall
    topic = factory.topic(event, None, title="Open data")
    factory.place(event, topic, hall, morning)
    version = client.get(f"/api/events/{event.slug}/board").json()["version"]

    pinned = pin(client, event, topic.id, True)
    board = client.get(f"/api/events/{event.slug}/board").json()
    unpinned = pin(client, event, topic.id, False)

    assert pinned.json() == {"topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id, "pinned": True}
    assert board["version"] == version + 1
    assert board["placements"] == [
        {"topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id, "going": 0, "pinned": True}
    ]
    assert unpinned.json()["pinned"] is False
    assert client.get(f"/api/events/{event.slug}/board").json()["placements"][0]["pinned"] is False


def test_a_pinned_topic_keeps_its_pin_when_moved_and_loses_it_off_the_wall(client, factory, wall):
    event, (hall, attic), (morning, _, late) = wall
    topic = factory.topic(event, None)
    factory.place(event, topic, hall, morning)
    pin(client, event, topic.id, True)

    moved = place(client, event, topic.id, attic, late)
    client.delete(f"/api/events/{event.slug}/topics/{topic.id}/placement", headers=event.auth)
    placed_again = place(client, event, topic.id, hall, morning)

    assert moved.json() == {"topic_id": topic.id, "room_id": attic.id, "slot_id": late.id, "pinned": True}
    assert placed_again.json()["pinned"] is False


def test_pinning_is_refused_to_attendees_strangers_and_for_topics_off_the_wall(client, factory, wall):
    event, (hall, _), (morning, _, _) = wall
    ada = factory.attendee(event)
    mine = factory.topic(event, ada, title="Mine")
    loose = factory.topic(event, None, title="Loose")
    factory.place(event, mine, hall, morning)
    client.patch(f"/api/events/{event.slug}", json={"self_placement": True}, headers=event.auth)

    by_convener = pin(client, event, mine.id, True, headers=ada.auth)
    anonymous = pin(client, event, mine.id, True, headers={})
    off_the_wall = pin(client, event, loose.id, True)
    unknown = pin(client, event, 99999, True)

    assert (by_convener.status_code, by_convener.json()) == (
        403,
        {"detail": "Only the facilitator pins sessions for the auto-scheduler."},
    )
    assert anonymous.status_code == 401
    assert (off_the_wall.status_code, off_the_wall.json()) == (
        409,
        {"detail": "“Loose” isn't on the wall: place it first."},
    )
    assert unknown.status_code == 404
    assert client.get(f"/api/events/{event.slug}/board").json()["placements"][0]["pinned"] is False
