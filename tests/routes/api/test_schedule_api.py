"""The auto-scheduler through the JSON API: preview, apply, and what it refuses."""

from __future__ import annotations

import json

import pytest

from app.models import SlotKind

# The factories' event day is over by the venue's clock (tests/conftest.py), whatever the date they run at.
pytestmark = pytest.mark.usefixtures("after_the_event")


def schedule(client, event, *, headers=None, **body):
    return client.post(
        f"/api/events/{event.slug}/schedule",
        json={"time_limit": 0.5, **body},
        headers=event.auth if headers is None else headers,
    )


@pytest.fixture
def event_with_votes(factory):
    """Two rooms, two session slots around lunch, four topics; Ada and Bo both dotted "Tests" and "Types"."""
    event = factory.event()
    hall = factory.room(event, name="Hall", capacity=30)
    attic = factory.room(event, name="Attic", capacity=2)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="12:00", ends="13:00", label="Lunch", kind=SlotKind.plenary)
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    ada, bo, cy = (factory.attendee(event, name=name) for name in ("Ada", "Bo", "Cy"))
    tests = factory.topic(event, ada, title="Tests")
    types = factory.topic(event, bo, title="Types")
    docs = factory.topic(event, cy, title="Docs")
    quiet = factory.topic(event, None, title="Quiet one")
    for person in (ada, bo, cy):
        factory.vote(person, tests)
    for person in (ada, bo):
        factory.vote(person, types)
    factory.vote(cy, docs)
    return event, (hall, attic), (morning, afternoon), (ada, bo, cy), (tests, types, docs, quiet)


def test_preview_proposes_a_wall_with_its_figures_and_changes_nothing(client, event_with_votes):
    event, (hall, _attic), (morning, afternoon), _, (tests, types, docs, quiet) = event_with_votes
    version = client.get(f"/api/events/{event.slug}/board").json()["version"]

    answer = schedule(client, event)

    assert answer.status_code == 200
    body = answer.json()
    assert body["applied"] is False
    placed = {p["topic_id"]: (p["room_id"], p["slot_id"]) for p in body["placements"]}
    assert set(placed) == {tests.id, types.id, docs.id, quiet.id}
    # Ada and Bo dotted both: they must not run at the same time; the most dotted gets the big room.
    assert placed[tests.id][1] != placed[types.id][1]
    assert placed[tests.id][0] == hall.id
    assert {slot for _, slot in placed.values()} == {morning.id, afternoon.id}
    assert (body["topics_placed"], body["topics_total"], body["votes_placed"], body["votes_total"]) == (4, 4, 6, 6)
    assert (body["votes_placed_percent"], body["torn"], body["seats_short"], body["moves"]) == (100.0, 0, 0, 0)
    assert body["proven_optimal"] is True
    assert body["weights"] == {"left_off_vote": 1000, "torn": 10, "seat_short": 1, "move": 100, "theme_clash": 30}
    assert body["left_off"] == []
    assert len(body["changes"]) == 4 and all(change["from"] is None for change in body["changes"])
    board = client.get(f"/api/events/{event.slug}/board").json()
    assert board["version"] == version
    assert board["placements"] == []


def test_apply_puts_the_wall_up_in_one_change_that_every_board_sees(client, event_with_votes):
    event, _, _, _, (tests, types, docs, quiet) = event_with_votes
    with client.websocket_connect(f"/ws/events/{event.slug}?format=json") as socket:
        snapshot = json.loads(socket.receive_text())

        answer = schedule(client, event, apply=True)

        update = json.loads(socket.receive_text())
    assert answer.json()["applied"] is True
    # The whole wall changed: one snapshot, one version.
    assert (update["type"], update["version"]) == ("snapshot", snapshot["version"] + 1)
    pushed = {p["topic_id"]: (p["room_id"], p["slot_id"]) for p in update["board"]["placements"]}
    assert pushed == {p["topic_id"]: (p["room_id"], p["slot_id"]) for p in answer.json()["placements"]}
    statuses = {
        client.get(f"/api/events/{event.slug}/topics/{t.id}").json()["status"] for t in (tests, types, docs, quiet)
    }
    assert statuses == {"placed"}


def test_apply_keeps_pins_and_people_follow_a_session_that_moves(client, factory, event_with_votes):
    event, (hall, attic), (morning, afternoon), (_ada, bo, _cy), (tests, types, docs, quiet) = event_with_votes
    # By hand: "Tests" and "Types" together in the morning (Ada and Bo torn); "Tests" pinned there and
    # "Quiet one" pinned in the attic in the afternoon.
    factory.place(event, tests, hall, morning)
    factory.place(event, types, attic, morning)
    factory.place(event, quiet, attic, afternoon)
    factory.pin(event, tests)
    factory.pin(event, quiet)
    going = client.put(
        f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": types.id}, headers=bo.auth
    )
    assert going.status_code == 200

    # Two people torn outweigh one move only when a move is cheap: with the default weight (100, like
    # 10 torn people) the wall people have planned around stays.
    kept = schedule(client, event).json()
    assert (kept["moves"], kept["torn"]) == (0, 2)

    body = schedule(client, event, apply=True, weights={"move": 5}).json()

    placed = {p["topic_id"]: (p["room_id"], p["slot_id"]) for p in body["placements"]}
    assert placed[quiet.id] == (attic.id, afternoon.id)
    assert placed[tests.id] == (hall.id, morning.id)
    assert placed[types.id] == (hall.id, afternoon.id)
    # Only the morning's attic is left for "Docs", beside "Tests": Cy dotted both.
    assert placed[docs.id] == (attic.id, morning.id)
    assert (body["before"]["torn"], body["torn"]) == (2, 1)
    assert body["moves"] == 1
    moved = [change for change in body["changes"] if change["from"] is not None]
    assert [change["title"] for change in moved] == ["Types"]
    assert moved[0]["from"] == "Attic at 10:00"
    board = {p["topic_id"]: p for p in client.get(f"/api/events/{event.slug}/board").json()["placements"]}
    assert board[quiet.id]["pinned"] is True
    # Bo said "I'm going" to "Types"; it moved to the afternoon, and Bo's place went with it.
    assert (board[types.id]["slot_id"], board[types.id]["going"]) == (afternoon.id, 1)


def test_apply_is_refused_when_the_wall_changed_meanwhile(database, event_with_votes):
    from app.scheduling import Cell
    from app.services import scheduling
    from app.services.errors import Conflict

    event, (hall, _), (morning, _), _, (tests, _, _, _) = event_with_votes
    with database.write_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id)
    from tests.factories import Factory

    Factory(database).place(event, tests, hall, morning)
    with database.write_session() as session, pytest.raises(Conflict) as refused:
        scheduling.apply_schedule(
            session=session,
            event_id=event.id,
            placements={tests.id: Cell(hall.id, morning.id)},
            based_on=planning.wall,
        )
    assert refused.value.message == (
        f"The wall changed since this proposal was made: “{tests.title}” was placed in {hall.name} at "
        f"{morning.starts_at:%H:%M}. Propose again to include that."
    )


def test_schedule_without_rooms_is_refused_with_what_to_do(client, factory):
    event = factory.event()
    factory.slot(event)
    factory.topic(event, None, title="Lonely")

    answer = schedule(client, event)

    assert answer.status_code == 409
    assert answer.json() == {
        "detail": "There are no rooms yet: add the rooms, with how many people each holds, before scheduling."
    }


def test_schedule_without_session_slots_is_refused(client, factory):
    event = factory.event()
    factory.room(event)
    factory.slot(event, kind=SlotKind.break_)

    answer = schedule(client, event)

    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("There are no session slots yet")


def test_schedule_refuses_a_convener_with_more_topics_than_slots_and_writes_nothing(client, factory):
    event = factory.event()
    hall = factory.room(event)
    factory.slot(event)
    ada = factory.attendee(event, name="Ada Lovelace")
    factory.topic(event, ada, title="One")
    factory.topic(event, ada, title="Two")

    answer = schedule(client, event, apply=True)

    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("Ada Lovelace convenes 2 topics but there are only 1 session slots")
    assert client.get(f"/api/events/{event.slug}/board").json()["placements"] == []
    del hall


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_limit": 0}, "time_limit"),
        ({"time_limit": 600}, "time_limit"),
        ({"weights": {"torn": -1}}, "torn"),
        ({"weights": {"theme_clash": 1_000_001}}, "theme_clash"),
        ({"weights": {"speed": 1}}, "speed"),
        ({"apply": "maybe"}, "apply"),
    ],
)
def test_schedule_with_bad_parameters_is_422_naming_the_field(client, event_with_votes, body, field):
    event = event_with_votes[0]

    answer = client.post(f"/api/events/{event.slug}/schedule", json=body, headers=event.auth)

    assert answer.status_code == 422
    assert field in json.dumps(answer.json())


def test_only_the_facilitator_may_schedule(client, event_with_votes):
    event, _, _, (ada, _, _), _ = event_with_votes

    assert schedule(client, event, headers=ada.auth).status_code == 403
    assert schedule(client, event, headers={}).status_code in (401, 403)


def test_preview_spreads_a_theme_and_counts_its_clashes_unless_its_weight_is_zero(client, factory):
    # "Owned" and "Counted" share a theme. Everyone who dotted one of them also dotted "Walk" or "Games":
    # together, the two tear nobody; apart, they tear two people, which costs less than one clash (30).
    event = factory.event()
    factory.room(event, name="Hall", capacity=30)
    factory.room(event, name="Attic", capacity=30)
    factory.slot(event, starts="10:00", ends="11:00")
    factory.slot(event, starts="14:00", ends="15:00")
    data = factory.theme(event, name="Community data")
    owned = factory.topic(event, None, title="Owned", theme=data)
    counted = factory.topic(event, None, title="Counted", theme=data)
    walk, games = factory.topic(event, None, title="Walk"), factory.topic(event, None, title="Games")
    for name, dotted in (
        ("Ada", (owned, walk)),
        ("Bo", (counted, games)),
        ("Cy", (owned, games)),
        ("Di", (counted, walk)),
    ):
        person = factory.attendee(event, name=name)
        for topic in dotted:
            factory.vote(person, topic)

    spread = schedule(client, event).json()
    flat = schedule(client, event, weights={"theme_clash": 0}).json()

    slot_of = {p["topic_id"]: p["slot_id"] for p in spread["placements"]}
    assert slot_of[owned.id] != slot_of[counted.id]
    assert (spread["theme_clashes"], spread["torn"], spread["before"]["theme_clashes"]) == (0, 2, 0)
    assert (flat["theme_clashes"], flat["torn"], flat["weights"]["theme_clash"]) == (1, 0, 0)
