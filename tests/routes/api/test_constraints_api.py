"""Topic constraints through the JSON API: anyone reads them, the convener or the facilitator sets them."""

import pytest


@pytest.fixture
def topics(factory):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    mine = factory.topic(event, ada, title="Mine")
    other = factory.topic(event, None, title="Other")
    return event, ada, bob, mine, other


def url(event, topic_id):
    return f"/api/events/{event.slug}/topics/{topic_id}/constraints"


def test_a_topic_without_constraints_reads_empty_to_anyone(client, topics):
    event, _, _, mine, _ = topics

    response = client.get(url(event, mine.id))

    assert response.json() == {
        "topic_id": mine.id,
        "not_before": None,
        "not_after": None,
        "min_room_capacity": None,
        "apart_from": [],
    }


def test_the_convener_sets_constraints_and_the_pair_reads_from_both_sides(client, topics):
    event, ada, _, mine, other = topics
    version = client.get(f"/api/events/{event.slug}/board").json()["version"]
    body = {
        "not_before": "2026-11-24T13:00:00",
        "not_after": "2026-11-24T17:30:00",
        "min_room_capacity": 25,
        "apart_from": [other.id],
    }

    saved = client.put(url(event, mine.id), json=body, headers=ada.auth)

    assert saved.status_code == 200
    assert saved.json() == {"topic_id": mine.id, **body}
    assert client.get(url(event, mine.id)).json() == saved.json()
    assert client.get(url(event, other.id)).json()["apart_from"] == [mine.id]
    # Only the auto-scheduler reads constraints: the board does not change.
    assert client.get(f"/api/events/{event.slug}/board").json()["version"] == version


def test_an_empty_body_clears_the_constraints(client, factory, topics):
    event, ada, _, mine, other = topics
    factory.constrain(event, mine, min_room_capacity=10, apart_from=(other,))

    cleared = client.put(url(event, mine.id), json={}, headers=ada.auth)

    assert cleared.json() == {
        "topic_id": mine.id,
        "not_before": None,
        "not_after": None,
        "min_room_capacity": None,
        "apart_from": [],
    }
    assert client.get(url(event, other.id)).json()["apart_from"] == []


def test_the_facilitator_may_and_another_attendee_or_a_stranger_may_not(client, topics):
    event, _, bob, mine, _ = topics

    by_facilitator = client.put(url(event, mine.id), json={"min_room_capacity": 8}, headers=event.auth)
    by_bob = client.put(url(event, mine.id), json={"min_room_capacity": 99}, headers=bob.auth)
    anonymous = client.put(url(event, mine.id), json={"min_room_capacity": 99})

    assert by_facilitator.json()["min_room_capacity"] == 8
    assert (by_bob.status_code, by_bob.json()) == (
        403,
        {"detail": "Only the topic's convener or the facilitator can say when and where it may run."},
    )
    assert anonymous.status_code == 401
    assert client.get(url(event, mine.id)).json()["min_room_capacity"] == 8


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            {"not_before": "2026-11-24T15:00:00", "not_after": "2026-11-24T15:00:00"},
            422,
            "“Not before” must be earlier than “Not after”.",
        ),
        (
            {"not_before": "2026-11-24T15:00:00+01:00"},
            422,
            "“Not before” is a wall-clock time at the venue, like the slots: leave out the time zone.",
        ),
        ({"min_room_capacity": 0}, 422, "The room size must be between 1 and 100,000 people."),
        ({"min_room_capacity": 1_000_000}, 422, "The room size must be between 1 and 100,000 people."),
        ({"apart_from": [99999]}, 404, "There is no topic 99999 in this event."),
    ],
)
def test_invalid_constraints_are_refused_naming_the_problem(client, topics, body, status, detail):
    event, ada, _, mine, _ = topics

    response = client.put(url(event, mine.id), json=body, headers=ada.auth)

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert client.get(url(event, mine.id)).json()["min_room_capacity"] is None


def test_apart_from_itself_or_an_id_out_of_range_is_refused(client, topics):
    event, ada, _, mine, _ = topics

    itself = client.put(url(event, mine.id), json={"apart_from": [mine.id]}, headers=ada.auth)
    huge = client.put(url(event, mine.id), json={"apart_from": [2**40]}, headers=ada.auth)

    assert (itself.status_code, itself.json()) == (422, {"detail": "A topic can't be kept apart from itself."})
    assert huge.status_code == 422
    assert huge.json()["detail"].startswith("apart_from.0: Input should be less than or equal to")


def test_constraints_of_another_events_topic_are_not_found(client, factory, topics):
    event = topics[0]
    theirs = factory.topic(factory.event(slug="other"), None)

    assert client.get(url(event, theirs.id)).status_code == 404
    assert client.put(url(event, theirs.id), json={}, headers=event.auth).status_code == 404
