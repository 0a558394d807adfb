"""Placing on the wall page: the facilitator, or conveners with self-placement; refusals said in place."""

from __future__ import annotations

import re

from tests.routes.pages_helpers import HTMX, csrf_token, element, join


def _setup(factory):
    event = factory.event()
    hall = factory.room(event, name="Main hall", capacity=30)
    library = factory.room(event, name="Library", capacity=5)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    return event, hall, library, morning, afternoon


def _as_facilitator(client, event) -> str:
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    return csrf_token(client.get(f"/e/{event.slug}/wall").text)


def _placements(client, event) -> list[tuple[int, int, int]]:
    board = client.get(f"/api/events/{event.slug}/board").json()
    return sorted((p["topic_id"], p["room_id"], p["slot_id"]) for p in board["placements"])


def test_facilitator_sees_the_tray_and_places_a_topic(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    token = _as_facilitator(client, event)

    page = client.get(f"/e/{event.slug}/wall").text
    response = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id},
        headers=HTMX,
    )

    assert "can-place" in re.search(r"<body[^>]*>", page).group(0)
    assert "Remote work" in element(page, "wall-tray")
    assert response.status_code == 200
    assert element(response.text, "wall-message").endswith(">Placed.</p>")
    assert "Remote work" in element(response.text, f"cell-{hall.id}-{morning.id}")
    assert "Remote work" not in element(response.text, "wall-tray")
    assert _placements(client, event) == [(topic.id, hall.id, morning.id)]
    # The answer says which version of the wall it shows, so the page knows the websocket's copy of
    # this same change is already drawn.
    version = client.get(f"/api/events/{event.slug}/board").json()["version"]
    assert f'data-version="{version}"' in element(response.text, "live-version")


def test_placing_into_a_taken_cell_is_refused_in_place(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    first = factory.topic(event, None, title="Remote work")
    second = factory.topic(event, None, title="Gardening")
    factory.place(event, first, hall, morning)
    token = _as_facilitator(client, event)

    response = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": second.id, "room_id": hall.id, "slot_id": morning.id},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert "Main hall at 10:00 already has &#39;Remote work&#39;." in element(response.text, "wall-message")
    assert _placements(client, event) == [(first.id, hall.id, morning.id)]


def test_swapping_two_sessions_moves_their_people_with_them(client, factory, database, backend):
    event, hall, library, morning, afternoon = _setup(factory)
    first = factory.topic(event, None, title="Remote work")
    second = factory.topic(event, None, title="Gardening")
    factory.place(event, first, hall, morning)
    factory.place(event, second, library, afternoon)
    ada = factory.attendee(event, name="Ada")
    client.put(f"/api/events/{event.slug}/slots/{morning.id}/attendance", json={"topic_id": first.id}, headers=ada.auth)
    client.put(
        f"/api/events/{event.slug}/slots/{afternoon.id}/attendance", json={"topic_id": second.id}, headers=ada.auth
    )
    token = _as_facilitator(client, event)

    response = client.post(
        f"/e/{event.slug}/wall/swap",
        data={"csrf_token": token, "topic_id": first.id, "other_topic_id": second.id},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert _placements(client, event) == sorted(
        [(first.id, library.id, afternoon.id), (second.id, hall.id, morning.id)]
    )
    going = client.get(f"/api/events/{event.slug}/board").json()["placements"]
    assert sorted(p["going"] for p in going) == [1, 1]


def test_taking_a_session_off_the_wall(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    factory.place(event, topic, hall, morning)
    token = _as_facilitator(client, event)

    response = client.post(f"/e/{event.slug}/wall/unplace", data={"csrf_token": token, "topic_id": topic.id})

    assert response.status_code == 200  # the plain form post lands back on the wall
    assert "Remote work" in element(response.text, "wall-tray")
    assert _placements(client, event) == []


def test_conveners_place_their_own_topics_only_when_self_placement_is_on(client, factory, backend):
    event, hall, library, morning, _ = _setup(factory)
    token = join(client, event.slug, name="Ada")
    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "My session"})
    mine = client.get(f"/api/events/{event.slug}/topics").json()[0]
    other = factory.topic(event, None, title="Facilitator's topic")

    closed = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": mine["id"], "room_id": hall.id, "slot_id": morning.id},
        headers=HTMX,
    )
    client.patch(f"/api/events/{event.slug}", json={"self_placement": True}, headers=event.auth)
    own = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": mine["id"], "room_id": hall.id, "slot_id": morning.id},
        headers=HTMX,
    )
    foreign = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": other.id, "room_id": library.id, "slot_id": morning.id},
        headers=HTMX,
    )

    assert closed.status_code == 403
    assert "Only the facilitator places topics on the wall in this event." in element(closed.text, "wall-message")
    assert own.status_code == 200
    assert foreign.status_code == 403
    assert "You can only place your own topics on the wall." in element(foreign.text, "wall-message")
    assert _placements(client, event) == [(mine["id"], hall.id, morning.id)]


def test_a_visitor_cannot_place_and_is_told_to_join(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    token = csrf_token(client.get(f"/e/{event.slug}/wall").text)

    response = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id},
    )

    assert response.status_code == 403
    assert "Join the event (or open the facilitator link) to place topics on the wall." in response.text
    assert _placements(client, event) == []


def test_placing_without_the_form_token_is_refused(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    _as_facilitator(client, event)

    response = client.post(
        f"/e/{event.slug}/wall/place", data={"topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id}
    )

    assert response.status_code == 403
    assert _placements(client, event) == []


def test_placing_with_ids_that_are_not_numbers_is_a_clear_422(client, factory, backend):
    event, *_ = _setup(factory)
    token = _as_facilitator(client, event)

    response = client.post(
        f"/e/{event.slug}/wall/place", data={"csrf_token": token, "topic_id": "x", "room_id": "1", "slot_id": "1"}
    )

    assert response.status_code == 422


def _pinned(client, event) -> dict[int, bool]:
    board = client.get(f"/api/events/{event.slug}/board").json()
    return {p["topic_id"]: p["pinned"] for p in board["placements"]}


def test_facilitator_pins_a_session_and_sees_the_mark(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    factory.place(event, topic, hall, morning)
    token = _as_facilitator(client, event)
    before = element(client.get(f"/e/{event.slug}/wall").text, f"cell-{hall.id}-{morning.id}")

    response = client.post(
        f"/e/{event.slug}/wall/pin", data={"csrf_token": token, "topic_id": topic.id, "pinned": "true"}, headers=HTMX
    )
    page = client.get(f"/e/{event.slug}/wall").text
    cell = element(page, f"cell-{hall.id}-{morning.id}")

    assert "Pinned" not in before and ">Pin<span" in before
    assert response.status_code == 200
    assert element(response.text, "wall-message").endswith(">Pinned: the auto-scheduler keeps it there.</p>")
    assert "facilitating" in re.search(r"<body[^>]*>", page).group(0)
    assert re.search(r'class="cell taken[^"]* pinned"', cell)
    assert '📌</span> Pinned<span class="vh">: the auto-scheduler keeps “Remote work” here</span>' in cell
    assert '<input type="hidden" name="pinned" value="false">' in cell
    assert ">Unpin<span" in cell
    assert _pinned(client, event) == {topic.id: True}


def test_facilitator_unpins_with_a_plain_form_post(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    factory.place(event, topic, hall, morning)
    factory.pin(event, topic)
    token = _as_facilitator(client, event)

    response = client.post(
        f"/e/{event.slug}/wall/pin",
        data={"csrf_token": token, "topic_id": topic.id, "pinned": "false"},
        follow_redirects=False,
    )

    assert (response.status_code, response.headers["location"]) == (303, f"/e/{event.slug}/wall")
    assert _pinned(client, event) == {topic.id: False}


def test_pinning_a_topic_off_the_wall_is_refused_in_place(client, factory, backend):
    event, *_ = _setup(factory)
    topic = factory.topic(event, None, title="Remote work")
    token = _as_facilitator(client, event)

    response = client.post(
        f"/e/{event.slug}/wall/pin", data={"csrf_token": token, "topic_id": topic.id, "pinned": "true"}, headers=HTMX
    )

    assert response.status_code == 409
    assert "“Remote work” isn&#39;t on the wall: place it first." in element(response.text, "wall-message")


def test_conveners_placing_their_own_topics_may_not_pin_and_see_no_pin(client, factory, backend):
    event, hall, _, morning, _ = _setup(factory)
    client.patch(f"/api/events/{event.slug}", json={"self_placement": True}, headers=event.auth)
    token = join(client, event.slug, name="Ada")
    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "My session"})
    mine = client.get(f"/api/events/{event.slug}/topics").json()[0]
    client.put(
        f"/api/events/{event.slug}/topics/{mine['id']}/placement",
        json={"room_id": hall.id, "slot_id": morning.id},
        headers=event.auth,
    )

    page = client.get(f"/e/{event.slug}/wall").text
    response = client.post(
        f"/e/{event.slug}/wall/pin", data={"csrf_token": token, "topic_id": mine["id"], "pinned": "true"}, headers=HTMX
    )

    assert "facilitating" not in re.search(r"<body[^>]*>", page).group(0)
    assert "pin-form facilitator-only" in element(page, f"cell-{hall.id}-{morning.id}")  # hidden by the page's class
    assert response.status_code == 403
    assert "Only the facilitator pins sessions for the auto-scheduler." in element(response.text, "wall-message")
    assert _pinned(client, event) == {mine["id"]: False}
