"""The event, room and slot endpoints: who may do what, and what bad input gets."""

import re

from starlette.testclient import TestClient

from app.main import SWAGGER_UI_VERSION, create_app
from tests.conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_create_event_with_admin_token_returns_key_and_links(client):
    response = client.post(
        "/api/events",
        json={"name": "Autumn Gathering", "date": "2026-11-24", "timezone": "Europe/London"},
        headers=ADMIN,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "autumn-gathering"
    assert body["links"]["attendee"] == "http://testserver/e/autumn-gathering"
    assert body["links"]["board"] == "http://testserver/e/autumn-gathering/board"
    assert (
        body["links"]["facilitator"] == f"http://testserver/e/autumn-gathering/facilitate#key={body['facilitator_key']}"
    )
    assert body["join_code"] is None


def test_create_event_twice_with_the_same_name_gets_a_free_slug(client):
    payload = {"name": "Barcamp", "date": "2026-11-24", "timezone": "UTC"}
    first = client.post("/api/events", json=payload, headers=ADMIN).json()
    second = client.post("/api/events", json=payload, headers=ADMIN).json()
    assert (first["slug"], second["slug"]) == ("barcamp", "barcamp-2")


def test_create_event_with_a_taken_slug_is_a_conflict(client, factory):
    factory.event(slug="taken")
    response = client.post(
        "/api/events", json={"name": "X", "slug": "taken", "date": "2026-11-24", "timezone": "UTC"}, headers=ADMIN
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "The slug 'taken' is already used by another event."}


def test_create_event_without_admin_token_is_refused(client):
    payload = {"name": "Sneaky", "date": "2026-11-24", "timezone": "UTC"}
    no_token = client.post("/api/events", json=payload)
    wrong_token = client.post("/api/events", json=payload, headers={"Authorization": "Bearer nope"})
    assert (no_token.status_code, wrong_token.status_code) == (401, 401)
    assert "admin token" in no_token.json()["detail"]


def test_create_event_with_bad_input_names_the_problem(client):
    bad_zone = client.post(
        "/api/events", json={"name": "X", "date": "2026-11-24", "timezone": "Mars/Olympus"}, headers=ADMIN
    )
    blank_name = client.post(
        "/api/events", json={"name": "   ", "date": "2026-11-24", "timezone": "UTC"}, headers=ADMIN
    )
    bad_date = client.post("/api/events", json={"name": "X", "date": "24/11/2026", "timezone": "UTC"}, headers=ADMIN)
    bad_slug = client.post(
        "/api/events", json={"name": "X", "slug": "Not OK!", "date": "2026-11-24", "timezone": "UTC"}, headers=ADMIN
    )
    assert bad_zone.status_code == 422 and "Mars/Olympus" in bad_zone.json()["detail"]
    assert blank_name.json() == {"detail": "The event's name can't be empty."}
    assert bad_date.status_code == 422 and bad_date.json()["detail"].startswith("date:")
    assert bad_slug.status_code == 422 and "slug" in bad_slug.json()["detail"]


def test_get_event_shows_phases_but_never_the_key_or_join_code(client, factory):
    event = factory.event(join_code="SECRET")
    body = client.get(f"/api/events/{event.slug}").json()
    assert body["voting_open"] is True and body["has_join_code"] is True
    assert "join_code" not in body and "facilitator_key_hash" not in body


def test_unknown_event_is_404_with_a_message(client):
    response = client.get("/api/events/no-such-event")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no event 'no-such-event'. Check the link you were given."}


def test_facilitator_switches_phases_and_budget(client, factory):
    event = factory.event(voting_open=False)
    response = client.patch(
        f"/api/events/{event.slug}",
        json={"voting_open": True, "proposals_open": False, "votes_per_attendee": 3, "join_code": "ABC123"},
        headers=event.auth,
    )
    assert response.status_code == 200
    body = client.get(f"/api/events/{event.slug}").json()
    assert (body["voting_open"], body["proposals_open"], body["votes_per_attendee"]) == (True, False, 3)
    assert response.json()["join_code"] == "ABC123"


def test_attendee_or_stranger_cannot_change_the_event(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    as_attendee = client.patch(f"/api/events/{event.slug}", json={"voting_open": False}, headers=ada.auth)
    as_stranger = client.patch(f"/api/events/{event.slug}", json={"voting_open": False})
    assert as_attendee.status_code == 403 and "facilitator" in as_attendee.json()["detail"]
    assert as_stranger.status_code == 403
    assert client.get(f"/api/events/{event.slug}").json()["voting_open"] is True


def test_another_events_key_does_not_work_here(client, factory):
    ours = factory.event(slug="ours")
    theirs = factory.event(slug="theirs")
    response = client.patch(f"/api/events/{ours.slug}", json={"voting_open": False}, headers=theirs.auth)
    assert response.status_code == 401
    assert client.get(f"/api/events/{ours.slug}").json()["voting_open"] is True


def test_budget_cannot_go_below_dots_already_spent(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    for n in range(3):
        factory.vote(ada, factory.topic(event, ada, title=f"Topic {n}"))
    response = client.patch(f"/api/events/{event.slug}", json={"votes_per_attendee": 2}, headers=event.auth)
    assert response.status_code == 409
    assert "already spent 3 dots" in response.json()["detail"]
    assert client.get(f"/api/events/{event.slug}").json()["votes_per_attendee"] == 5


def test_rooms_are_added_renamed_reordered_and_removed(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/rooms"
    hall = client.post(url, json={"name": "Hall", "capacity": 100}, headers=event.auth).json()
    attic = client.post(
        url, json={"name": "Attic", "capacity": 12, "location_notes": "stairs only"}, headers=event.auth
    )
    attic = attic.json()
    client.patch(f"{url}/{attic['id']}", json={"position": 0, "name": "Loft"}, headers=event.auth)
    assert [(r["name"], r["position"]) for r in client.get(url).json()] == [("Loft", 0), ("Hall", 1)]
    assert client.delete(f"{url}/{hall['id']}", headers=event.auth).status_code == 204
    assert [r["name"] for r in client.get(url).json()] == ["Loft"]


def test_room_with_bad_capacity_or_name_is_refused(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/rooms"
    zero = client.post(url, json={"name": "Hall", "capacity": 0}, headers=event.auth)
    blank = client.post(url, json={"name": " ", "capacity": 10}, headers=event.auth)
    text = client.post(url, json={"name": "Hall", "capacity": "lots"}, headers=event.auth)
    assert zero.status_code == 422 and "capacity" in zero.json()["detail"]
    assert blank.json() == {"detail": "The room's name can't be empty."}
    assert text.status_code == 422 and text.json()["detail"].startswith("capacity:")
    assert client.get(url).json() == []


def test_attendee_cannot_add_rooms(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    response = client.post(f"/api/events/{event.slug}/rooms", json={"name": "Mine", "capacity": 5}, headers=ada.auth)
    assert response.status_code == 403


def test_other_events_room_is_not_found(client, factory):
    ours, theirs = factory.event(slug="ours"), factory.event(slug="theirs")
    their_room = factory.room(theirs)
    response = client.patch(
        f"/api/events/{ours.slug}/rooms/{their_room.id}", json={"name": "Stolen"}, headers=ours.auth
    )
    assert response.status_code == 404
    assert client.get(f"/api/events/{theirs.slug}/rooms").json()[0]["name"] == "Main hall"


def test_overlapping_slot_is_refused_with_409(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/slots"
    first = client.post(
        url,
        json={"starts_at": "2026-11-24T10:00", "ends_at": "2026-11-24T11:00", "label": "Morning"},
        headers=event.auth,
    )
    overlap = client.post(
        url, json={"starts_at": "2026-11-24T10:30", "ends_at": "2026-11-24T11:30"}, headers=event.auth
    )
    touching = client.post(
        url, json={"starts_at": "2026-11-24T11:00", "ends_at": "2026-11-24T11:45", "kind": "break"}, headers=event.auth
    )
    assert first.status_code == 201
    assert overlap.status_code == 409
    assert overlap.json()["detail"].startswith("This slot overlaps 'Morning' (10:00")
    assert touching.status_code == 201 and touching.json()["kind"] == "break"
    assert [s["label"] for s in client.get(url).json()] == ["Morning", ""]


def test_slot_ending_before_it_starts_or_of_unknown_kind_is_refused(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/slots"
    backwards = client.post(
        url, json={"starts_at": "2026-11-24T11:00", "ends_at": "2026-11-24T10:00"}, headers=event.auth
    )
    kind = client.post(
        url, json={"starts_at": "2026-11-24T10:00", "ends_at": "2026-11-24T11:00", "kind": "party"}, headers=event.auth
    )
    assert backwards.json() == {"detail": "A slot must end after it starts."}
    assert kind.status_code == 422 and kind.json()["detail"].startswith("kind:")


def test_moving_a_slot_onto_another_is_refused_and_nothing_changes(client, factory):
    event = factory.event()
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="11:00", ends="12:00", label="Late")
    response = client.patch(
        f"/api/events/{event.slug}/slots/{morning.id}", json={"ends_at": "2026-11-24T11:30"}, headers=event.auth
    )
    assert response.status_code == 409
    slots = client.get(f"/api/events/{event.slug}/slots").json()
    assert slots[0]["ends_at"] == "2026-11-24T11:00:00"


def test_removing_a_slot_sends_its_topics_back_to_the_marketplace(client, factory):
    event = factory.event()
    topic = factory.topic(event, None, title="Kept")
    room, slot = factory.room(event), factory.slot(event)
    factory.place(event, topic, room, slot)
    assert client.delete(f"/api/events/{event.slug}/slots/{slot.id}", headers=event.auth).status_code == 204
    topics = client.get(f"/api/events/{event.slug}/topics").json()
    assert [(t["title"], t["status"]) for t in topics] == [("Kept", "proposed")]


def test_turning_a_session_slot_into_a_break_unplaces_its_topics(client, factory):
    event = factory.event()
    topic = factory.topic(event, None)
    room, slot = factory.room(event), factory.slot(event)
    factory.place(event, topic, room, slot)
    client.patch(f"/api/events/{event.slug}/slots/{slot.id}", json={"kind": "break"}, headers=event.auth)
    assert client.get(f"/api/events/{event.slug}/topics").json()[0]["status"] == "proposed"


def test_openapi_document_and_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    assert "/api/events/{slug}/topics/{topic_id}/vote" in spec["paths"]
    assert "swagger" in client.get("/docs").text.lower()


def test_the_api_docs_load_nothing_from_other_sites(client):
    """A venue's network may not reach a CDN: Swagger UI comes from our own files."""
    page = client.get("/docs").text
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)

    assert [url for url in loaded if "://" in url] == []
    assert {url for url in loaded if url.startswith("/static/")} == {
        f"/static/vendor/swagger-ui-bundle-{SWAGGER_UI_VERSION}.js",
        f"/static/vendor/swagger-ui-{SWAGGER_UI_VERSION}.css",
    }
    assert all(client.get(url).status_code == 200 for url in loaded if url.startswith("/static/"))
    assert client.get("/redoc").status_code == 404  # it would load from a CDN: not served


def test_nulls_for_settings_that_cannot_be_empty_are_refused(client, factory):
    event = factory.event(join_code="ABC")
    url = f"/api/events/{event.slug}"
    response = client.patch(url, json={"voting_open": None, "name": None}, headers=event.auth)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "These can't be empty: name, voting_open. Only the join code and the board's second language "
        "can be cleared."
    }
    assert client.get(url).json()["voting_open"] is True
    cleared = client.patch(url, json={"join_code": None}, headers=event.auth)
    assert cleared.json()["join_code"] is None and client.get(url).json()["has_join_code"] is False


# --- The deployment's admin: every event listed, an event copied as a template --------------------------


def test_the_admin_lists_every_event_with_its_size(client, factory):
    hall = factory.event(name="Hall", slug="hall")
    factory.event(name="Attic", slug="attic")
    factory.attendee(hall, name="Ada")
    factory.room(hall, name="Main hall")

    listed = client.get("/api/events", headers=ADMIN)

    assert listed.status_code == 200
    by_slug = {item["slug"]: item for item in listed.json()}
    assert by_slug["hall"] == {
        "slug": "hall",
        "name": "Hall",
        "date": "2026-11-24",
        "timezone": "Europe/London",
        "language": "en",
        "attendees": 1,
        "topics": 0,
        "sessions_placed": 0,
        "rooms": 1,
        "slots": 0,
        "themes": 0,
    }
    assert sorted(by_slug) == ["attic", "hall"]


def test_listing_events_needs_the_admin_token(client, factory):
    factory.event(slug="hall")
    facilitator = factory.event(slug="other")

    answers = [
        client.get("/api/events"),
        client.get("/api/events", headers={"Authorization": "Bearer nope"}),
        client.get("/api/events", headers=facilitator.auth),
    ]

    assert [a.status_code for a in answers] == [401, 401, 401]
    assert all(list(a.json()) == ["detail"] for a in answers)


def test_the_admin_copies_an_event_as_a_template(client, factory):
    hall = factory.event(name="Hall", slug="hall")
    factory.room(hall, name="Main hall")
    factory.slot(hall, starts="10:00", ends="11:00", label="Morning")
    factory.theme(hall, name="Care")
    factory.topic(hall, factory.attendee(hall), title="Not copied")

    copied = client.post("/api/events/hall/copy", json={"date": "2027-03-02", "slug": "hall-spring"}, headers=ADMIN)

    assert copied.status_code == 201, copied.text
    body = copied.json()
    assert (body["slug"], body["join_code"], body["copied"]) == (
        "hall-spring",
        None,
        {"rooms": 1, "slots": 1, "themes": 1},
    )
    assert body["links"]["facilitator"] == f"http://testserver/e/hall-spring/facilitate#key={body['facilitator_key']}"
    slots = client.get("/api/events/hall-spring/slots").json()
    assert [(s["starts_at"], s["label"]) for s in slots] == [("2027-03-02T10:00:00", "Morning")]
    assert client.get("/api/events/hall-spring/topics").json() == []
    facilitator = {"Authorization": f"Bearer {body['facilitator_key']}"}
    renamed = client.patch("/api/events/hall-spring", json={"name": "Hall in spring"}, headers=facilitator)
    assert renamed.status_code == 200  # the new key runs the new event


def test_a_copy_into_a_slug_that_exists_is_refused_and_writes_nothing(client, factory):
    hall = factory.event(name="Hall", slug="hall")
    factory.room(hall, name="Main hall")
    factory.event(name="Taken", slug="taken")
    before = client.get("/api/events", headers=ADMIN).json()

    refused = client.post("/api/events/hall/copy", json={"date": "2027-03-02", "slug": "taken"}, headers=ADMIN)

    assert (refused.status_code, refused.json()) == (
        409,
        {"detail": "The slug 'taken' is already used by another event."},
    )
    assert client.get("/api/events", headers=ADMIN).json() == before
    assert client.get("/api/events/taken/rooms").json() == []


def test_a_copy_with_bad_input_or_of_no_event_says_so(client, factory):
    factory.event(name="Hall", slug="hall")

    no_date = client.post("/api/events/hall/copy", json={"slug": "x"}, headers=ADMIN)
    bad_slug = client.post("/api/events/hall/copy", json={"date": "2027-03-02", "slug": "Not OK!"}, headers=ADMIN)
    nothing = client.post("/api/events/nowhere/copy", json={"date": "2027-03-02"}, headers=ADMIN)
    facilitator = client.post("/api/events/hall/copy", json={"date": "2027-03-02"}, headers=factory.event().auth)

    assert (no_date.status_code, no_date.json()["detail"]) == (422, "date: Field required")
    assert bad_slug.status_code == 422 and "slug" in bad_slug.json()["detail"]
    assert nothing.status_code == 404
    assert facilitator.status_code == 401


def test_wrong_admin_tokens_past_the_limit_are_refused_even_the_right_one(settings, factory):
    tight = settings.model_copy(update={"limit_admin_token_tries": "2/minute", "refusal_hold_seconds": 0})
    with TestClient(create_app(tight)) as client:
        wrong = [client.get("/api/events", headers={"Authorization": f"Bearer guess-{n}"}) for n in range(3)]
        right = client.get("/api/events", headers=ADMIN)

    assert [w.status_code for w in wrong] == [401, 401, 429]
    assert right.status_code == 429
    assert right.json() == {
        "detail": "Too many wrong admin tokens were tried from this network: please wait a minute and try again."
    }
