"""The facilitator's page through HTTP: the secret link, each form as a plain post and with htmx, errors in place."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import confirmation_form, csrf_token, element, stored_topics_and_dots

BOARD_MODE_REFUSAL = (
    "The board shows one of: cycle (each mode in turn), wall, now (now and next), themes (the sessions of "
    "each theme, now and next), market or join (the QR code, large)."
)

HTMX = {"HX-Request": "true"}


def enter(client: TestClient, event: EventWithKey) -> str:
    """Open the secret link as a facilitator would; answers the page's CSRF token."""
    response = client.get(f"/e/{event.slug}/facilitate", params={"key": event.key})
    assert response.status_code == 200
    return csrf_token(response.text)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def alerts(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r'role="alert"[^>]*>(.*?)</p>', html, re.S)]


def post(client: TestClient, event: EventWithKey, path: str, token: str, data: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    return client.post(f"/e/{event.slug}/facilitate{path}", data={**data, "csrf_token": token}, **kwargs)


def room_names(client: TestClient, event: EventWithKey) -> list[str]:
    return [room["name"] for room in client.get(f"/api/events/{event.slug}/rooms").json()]


def topic_votes(client: TestClient, event: EventWithKey) -> dict[str, int]:
    return {topic["title"]: topic["votes"] for topic in client.get(f"/api/events/{event.slug}/topics").json()}


# --- The secret link -------------------------------------------------------------------------------


def test_key_link_sets_the_cookie_and_drops_the_key_from_the_address(client, factory: Factory, backend):
    event = factory.event(name="Autumn Gathering")

    first = client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}, follow_redirects=False)
    page = client.get(first.headers["location"])

    assert (first.status_code, first.headers["location"]) == (303, f"/e/{event.slug}/facilitate")
    assert first.headers["referrer-policy"] == "no-referrer"
    assert page.status_code == 200
    assert str(page.url) == f"http://testserver/e/{event.slug}/facilitate"
    assert event.key not in page.text
    assert "<h1>Autumn Gathering</h1>" in page.text


def test_key_link_with_followed_redirect_ends_on_the_page_without_key(client, factory: Factory, backend):
    event = factory.event()

    response = client.get(f"/e/{event.slug}/facilitate?key={event.key}")

    assert response.status_code == 200
    assert "key=" not in str(response.url)
    assert response.headers["cache-control"] == "no-store"


def test_key_link_wrong_key_is_refused(client, factory: Factory, backend):
    event = factory.event()

    response = client.get(f"/e/{event.slug}/facilitate", params={"key": "not-the-key"})

    assert response.status_code == 403
    assert "This facilitator link is not valid" in response.text
    assert client.get(f"/e/{event.slug}/facilitate").status_code == 403


def test_page_without_cookie_is_refused_with_an_explanation(client, factory: Factory, backend):
    event = factory.event()

    response = client.get(f"/e/{event.slug}/facilitate")

    assert response.status_code == 403
    assert "Open the secret facilitator link" in response.text


def test_key_link_of_another_event_is_refused(client, factory: Factory, backend):
    ours = factory.event(slug="ours")
    theirs = factory.event(slug="theirs")

    wrong = client.get(f"/e/{ours.slug}/facilitate", params={"key": theirs.key})
    enter(client, theirs)
    still_ours = client.get(f"/e/{ours.slug}/facilitate")

    assert wrong.status_code == 403
    assert "This facilitator link is not valid" in wrong.text
    assert still_ours.status_code == 403


def test_post_without_cookie_is_refused(client, factory: Factory, backend):
    event = factory.event()
    refused_page = client.get(f"/e/{event.slug}/facilitate").text
    # A real CSRF token of this browser (base.html hands it to htmx), but no facilitator link was opened.
    match = re.search(r'"X-CSRF-Token": "([^"]+)"', refused_page)
    assert match is not None

    response = client.post(
        f"/e/{event.slug}/facilitate/rooms", data={"name": "Hall", "capacity": "10", "csrf_token": match.group(1)}
    )

    assert response.status_code == 403
    assert "Only the event&#39;s facilitator can do this." in response.text
    assert room_names(client, event) == []


def test_post_without_csrf_token_is_refused(client, factory: Factory, backend):
    event = factory.event()
    enter(client, event)

    response = client.post(f"/e/{event.slug}/facilitate/rooms", data={"name": "Hall", "capacity": "10"})

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert room_names(client, event) == []


# --- Phases, budget, join code, name ----------------------------------------------------------------


def test_phase_switches_plain_posts_change_the_event(client, factory: Factory, backend):
    event = factory.event(proposals_open=True, voting_open=False, self_placement=False)
    token = enter(client, event)

    answers = [
        post(client, event, "/event", token, {"proposals_open": "false"}),
        post(client, event, "/event", token, {"voting_open": "true"}),
        post(client, event, "/event", token, {"self_placement": "true"}),
    ]
    public = client.get(f"/api/events/{event.slug}").json()

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert str(answers[-1].url).endswith(f"/e/{event.slug}/facilitate/phases#facilitate-phases")
    assert (public["proposals_open"], public["voting_open"], public["self_placement"]) == (False, True, True)
    assert "Open proposals" in answers[-1].text
    assert "Close voting" in answers[-1].text


def test_phase_switch_plain_post_redirects_back_to_the_section(client, factory: Factory, backend):
    event = factory.event(voting_open=True)
    token = enter(client, event)

    response = post(client, event, "/event", token, {"voting_open": "false"}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.slug}/facilitate/phases#facilitate-phases"
    assert client.get(f"/api/events/{event.slug}").json()["voting_open"] is False


def test_phase_switch_htmx_answers_its_section_only(client, factory: Factory, backend):
    event = factory.event(voting_open=False)
    token = enter(client, event)

    response = post(client, event, "/event", token, {"voting_open": "true"}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.startswith('<section id="facilitate-phases"')
    assert 'id="facilitate-title"' not in response.text  # the name did not change: the heading stays
    assert "<html" not in response.text
    assert "Close voting" in response.text
    assert client.get(f"/api/events/{event.slug}").json()["voting_open"] is True


def test_budget_change_is_saved(client, factory: Factory, backend):
    event = factory.event(votes_per_attendee=5)
    token = enter(client, event)

    response = post(client, event, "/event", token, {"votes_per_attendee": "8"})

    assert response.status_code == 200
    assert client.get(f"/api/events/{event.slug}").json()["votes_per_attendee"] == 8


def test_budget_below_spent_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event(votes_per_attendee=5)
    ada = factory.attendee(event, name="Ada")
    for title in ("One", "Two", "Three"):
        factory.vote(ada, factory.topic(event, ada, title=title))
    token = enter(client, event)

    plain = post(client, event, "/event", token, {"votes_per_attendee": "2"})
    htmx = post(client, event, "/event", token, {"votes_per_attendee": "2"}, headers=HTMX)

    expected = (
        "Someone has already spent 3 dots; the budget can&#39;t go below that "
        "(nobody may hold more dots than the budget)."
    )
    assert plain.status_code == 409
    assert "<html" in plain.text
    assert alerts(plain.text) == [expected]
    assert 'value="2"' in plain.text  # what was typed stays in the field
    assert htmx.status_code == 409
    assert htmx.text.startswith('<section id="facilitate-event"')
    assert alerts(htmx.text) == [expected]
    assert client.get(f"/api/events/{event.slug}").json()["votes_per_attendee"] == 5


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("many", "The dot budget must be a whole number, not &#39;many&#39;."),
        ("", "The dot budget can&#39;t be empty: give a whole number."),
        ("0", "The dot budget must be between 1 and 100."),
        ("99999999999999999999999", "The dot budget must be between 1 and 100."),
    ],
)
def test_budget_bad_value_shows_the_message_in_place(client, factory: Factory, backend, typed, message):
    event = factory.event(votes_per_attendee=5)
    token = enter(client, event)

    response = post(client, event, "/event", token, {"votes_per_attendee": typed})

    assert response.status_code == 422
    assert alerts(response.text) == [message]
    assert client.get(f"/api/events/{event.slug}").json()["votes_per_attendee"] == 5


def test_board_mode_and_cycle_time_are_saved(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/event", token, {"board_mode": "now", "board_cycle_seconds": "45"})

    assert response.status_code == 200
    public = client.get(f"/api/events/{event.slug}").json()
    assert (public["board_mode"], public["board_cycle_seconds"]) == ("now", 45)
    assert '<option value="now" selected>now and next</option>' in client.get(f"/e/{event.slug}/facilitate/wall").text


@pytest.mark.parametrize(
    ("mode", "seconds", "message"),
    [
        ("cycle", "2", "Each board mode shows for 5 to 600 seconds when cycling."),
        (
            "spin",
            "20",
            BOARD_MODE_REFUSAL,
        ),
        ("cycle", "soon", "The seconds per board mode must be a whole number, not &#39;soon&#39;."),
    ],
)
def test_board_settings_bad_values_show_the_message_in_place(client, factory: Factory, backend, mode, seconds, message):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/event", token, {"board_mode": mode, "board_cycle_seconds": seconds})

    assert response.status_code == 422
    assert alerts(response.text) == [message]
    assert client.get(f"/api/events/{event.slug}").json()["board_mode"] == "cycle"


def test_join_code_set_then_cleared(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    set_answer = post(client, event, "/event", token, {"join_code": "OWL42"})
    after_set = client.get(f"/api/events/{event.slug}").json()["has_join_code"]
    clear_answer = post(client, event, "/event", token, {"join_code": ""}, headers=HTMX)
    after_clear = client.get(f"/api/events/{event.slug}").json()["has_join_code"]

    assert '<strong class="fac-code">OWL42</strong>' in set_answer.text
    assert after_set is True
    assert "No join code: anyone with the attendee link can join." in clear_answer.text
    assert after_clear is False


def test_event_rename_changes_the_name_and_the_heading(client, factory: Factory, backend):
    event = factory.event(name="Old name")
    token = enter(client, event)

    response = post(client, event, "/event", token, {"name": "New <name>"}, headers=HTMX)

    assert response.status_code == 200
    assert "<h1>New &lt;name&gt;</h1>" in response.text
    assert client.get(f"/api/events/{event.slug}").json()["name"] == "New <name>"


def test_event_rename_empty_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event(name="Kept")
    token = enter(client, event)

    response = post(client, event, "/event", token, {"name": "   "})

    assert response.status_code == 422
    assert alerts(response.text) == ["The event&#39;s name can&#39;t be empty."]
    assert client.get(f"/api/events/{event.slug}").json()["name"] == "Kept"


def test_event_switch_bad_value_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/event", token, {"voting_open": "maybe"})

    assert response.status_code == 422
    assert alerts(response.text) == ["The switch voting_open is &#39;true&#39; or &#39;false&#39;."]


def test_languages_are_saved_then_the_second_cleared(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    saved = post(client, event, "/event", token, {"language": "es", "board_second_language": "en"}, headers=HTMX)
    after_save = client.get(f"/api/events/{event.slug}").json()
    cleared = post(client, event, "/event", token, {"language": "es", "board_second_language": ""})
    after_clear = client.get(f"/api/events/{event.slug}").json()

    assert saved.status_code == 200
    assert (after_save["language"], after_save["board_second_language"]) == ("es", "en")
    assert '<option value="es" lang="es" selected>Español</option>' in saved.text
    assert '<option value="en" lang="en" selected>English</option>' in saved.text  # the second language
    assert cleared.status_code == 200
    assert (after_clear["language"], after_clear["board_second_language"]) == ("es", None)


def test_language_hallway_does_not_speak_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/event", token, {"language": "tlh", "board_second_language": ""})

    assert response.status_code == 422
    assert alerts(response.text) == [
        "Hallway doesn&#39;t speak &#39;tlh&#39; yet; choose one of en (English), es (Español), de (Deutsch), "
        "cy (Cymraeg)."
    ]
    assert 'id="event-language" name="language" aria-describedby="event-language-hint event-language-error"' in (
        response.text
    )
    assert client.get(f"/api/events/{event.slug}").json()["language"] == "en"


# --- Rooms ----------------------------------------------------------------------------------------


def test_room_add_plain_post(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/rooms", token, {"name": "Hall", "capacity": "40", "location_notes": "Lift"})
    rooms = client.get(f"/api/events/{event.slug}/rooms").json()

    assert response.status_code == 200
    assert [(r["name"], r["capacity"], r["location_notes"]) for r in rooms] == [("Hall", 40, "Lift")]
    assert 'value="Hall"' in response.text


def test_room_add_htmx_answers_the_fragment(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/rooms", token, {"name": "Hall", "capacity": "40"}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.startswith('<section id="facilitate-rooms"')
    assert "<html" not in response.text
    assert 'value="Hall"' in response.text
    assert room_names(client, event) == ["Hall"]


@pytest.mark.parametrize(
    ("name", "capacity", "message"),
    [
        ("Hall", "0", "A room&#39;s capacity must be between 1 and 100000."),
        ("Hall", "1000001", "A room&#39;s capacity must be between 1 and 100000."),
        ("Hall", "ten", "The capacity must be a whole number, not &#39;ten&#39;."),
        ("Hall", "", "The capacity can&#39;t be empty: give a whole number."),
        ("Hall", "9" * 5000, "The capacity must be a whole number, not &#39;99999999999999999999&#39;."),
        ("  ", "10", "The room&#39;s name can&#39;t be empty."),
    ],
)
def test_room_add_bad_input_shows_the_message_in_place(client, factory: Factory, backend, name, capacity, message):
    event = factory.event()
    token = enter(client, event)

    plain = post(client, event, "/rooms", token, {"name": name, "capacity": capacity})
    htmx = post(client, event, "/rooms", token, {"name": name, "capacity": capacity}, headers=HTMX)

    assert plain.status_code == 422
    assert alerts(plain.text) == [message]
    assert htmx.status_code == 422
    assert htmx.text.startswith('<section id="facilitate-rooms"')
    assert alerts(htmx.text) == [message]
    assert room_names(client, event) == []


def test_room_edit_renames_and_changes_capacity_and_notes(client, factory: Factory, backend):
    event = factory.event()
    room = factory.room(event, name="Hall", capacity=40)
    token = enter(client, event)

    response = post(
        client,
        event,
        f"/rooms/{room.id}",
        token,
        {"name": "Great hall", "capacity": "60", "location_notes": "Ground floor"},
        headers=HTMX,
    )
    rooms = client.get(f"/api/events/{event.slug}/rooms").json()

    assert response.status_code == 200
    assert 'value="Great hall"' in response.text
    assert [(r["name"], r["capacity"], r["location_notes"]) for r in rooms] == [("Great hall", 60, "Ground floor")]


def test_room_edit_bad_capacity_shows_the_message_beside_that_room(client, factory: Factory, backend):
    event = factory.event()
    first = factory.room(event, name="Hall", capacity=40)
    factory.room(event, name="Lab", capacity=10)
    token = enter(client, event)

    response = post(client, event, f"/rooms/{first.id}", token, {"name": "Hall", "capacity": "-3"})

    assert response.status_code == 422
    item = re.search(rf'<li class="fac-item" id="room-{first.id}">(.*?)</li>', response.text, re.S)
    assert item is not None
    assert alerts(item.group(1)) == ["A room&#39;s capacity must be between 1 and 100000."]
    assert 'value="-3"' in item.group(1)
    assert client.get(f"/api/events/{event.slug}/rooms").json()[0]["capacity"] == 40


def test_room_move_right_and_left_reorders_the_wall(client, factory: Factory, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall")
    factory.room(event, name="Lab")
    garden = factory.room(event, name="Garden")
    token = enter(client, event)

    post(client, event, f"/rooms/{hall.id}/move", token, {"direction": "right"})
    after_right = room_names(client, event)
    htmx = post(client, event, f"/rooms/{garden.id}/move", token, {"direction": "left"}, headers=HTMX)
    after_left = room_names(client, event)

    assert after_right == ["Lab", "Hall", "Garden"]
    assert after_left == ["Lab", "Garden", "Hall"]
    assert htmx.text.startswith('<section id="facilitate-rooms"')
    assert htmx.text.index('value="Garden"') < htmx.text.index('value="Hall"')


def test_room_move_bad_direction_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall")
    token = enter(client, event)

    response = post(client, event, f"/rooms/{hall.id}/move", token, {"direction": "up"})

    assert response.status_code == 422
    assert alerts(response.text) == ["A room moves &#39;left&#39; or &#39;right&#39;."]


def test_room_remove_plain_post_asks_first(client, factory: Factory, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall")
    token = enter(client, event)

    response = post(client, event, f"/rooms/{hall.id}/remove", token, {})

    assert response.status_code == 200
    assert "Remove the room &#39;Hall&#39;? Topics placed in it go back to the marketplace." in response.text
    assert '<input type="hidden" name="confirmed" value="yes">' in response.text
    assert room_names(client, event) == ["Hall"]


def test_room_remove_confirmed_removes_it(client, factory: Factory, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall")
    lab = factory.room(event, name="Lab")
    token = enter(client, event)

    plain = post(client, event, f"/rooms/{hall.id}/remove", token, {"confirmed": "yes"})
    htmx = post(client, event, f"/rooms/{lab.id}/remove", token, {"confirmed": "yes"}, headers=HTMX)

    assert plain.status_code == 200
    assert htmx.status_code == 200
    assert "No rooms yet" in htmx.text
    assert room_names(client, event) == []


def test_room_of_another_event_is_not_found_in_place(client, factory: Factory, backend):
    ours = factory.event(slug="ours")
    theirs = factory.event(slug="theirs")
    their_room = factory.room(theirs, name="Their hall")
    token = enter(client, ours)

    edit = post(client, ours, f"/rooms/{their_room.id}", token, {"name": "Mine", "capacity": "5"})
    remove = post(client, ours, f"/rooms/{their_room.id}/remove", token, {"confirmed": "yes"}, headers=HTMX)

    assert edit.status_code == 404
    assert alerts(edit.text) == [f"There is no room {their_room.id} in this event."]
    assert remove.status_code == 404
    assert remove.text.startswith('<section id="facilitate-rooms"')
    assert room_names(client, theirs) == ["Their hall"]


def test_room_unknown_id_is_not_found_in_place(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/rooms/999999/move", token, {"direction": "left"})

    assert response.status_code == 404
    assert alerts(response.text) == ["There is no room 999999 in this event."]


# --- Slots ----------------------------------------------------------------------------------------


def slots(client: TestClient, event: EventWithKey) -> list[tuple[str, str, str, str]]:
    return [
        (s["starts_at"], s["ends_at"], s["label"], s["kind"])
        for s in client.get(f"/api/events/{event.slug}/slots").json()
    ]


def test_slot_add_defaults_to_the_event_date(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/slots", token, {"starts": "10:00", "ends": "11:00", "label": "Morning"})

    assert response.status_code == 200
    assert slots(client, event) == [("2026-11-24T10:00:00", "2026-11-24T11:00:00", "Morning", "sessions")]
    assert "<strong>10:00–11:00</strong>" in response.text


def test_slot_add_htmx_answers_the_fragment(client, factory: Factory, backend):
    event = factory.event(days=2)
    token = enter(client, event)

    response = post(
        client,
        event,
        "/slots",
        token,
        {"date": "2026-11-25", "starts": "12:30", "ends": "13:15", "label": "Lunch", "kind": "break"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.startswith('<section id="facilitate-slots"')
    assert "<html" not in response.text
    assert "<strong>Wednesday 25 November 12:30–13:15</strong>" in response.text  # a day other than the event's
    assert slots(client, event) == [("2026-11-25T12:30:00", "2026-11-25T13:15:00", "Lunch", "break")]


def test_slot_overlapping_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event()
    factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    token = enter(client, event)

    plain = post(client, event, "/slots", token, {"starts": "10:30", "ends": "11:30"})
    htmx = post(client, event, "/slots", token, {"starts": "10:30", "ends": "11:30"}, headers=HTMX)

    expected = "This slot overlaps &#39;Morning&#39; (10:00–11:00); slots of one event never overlap."
    assert plain.status_code == 409
    assert alerts(plain.text) == [expected]
    assert 'id="slot-add-starts" name="starts" type="time" required value="10:30"' in plain.text
    assert htmx.status_code == 409
    assert htmx.text.startswith('<section id="facilitate-slots"')
    assert alerts(htmx.text) == [expected]
    assert len(slots(client, event)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts": "11:00", "ends": "10:00"}, "A slot must end after it starts."),
        ({"starts": "", "ends": "10:00"}, "Give the slot&#39;s start time, like 09:30."),
        ({"starts": "10:00", "ends": "25:99"}, "The end time must look like 09:30 (hours:minutes)."),
        ({"date": "tomorrow", "starts": "10:00", "ends": "11:00"}, "The date must look like 2026-11-24."),
        (
            {"starts": "10:00", "ends": "11:00", "kind": "party"},
            "A slot&#39;s kind is &#39;sessions&#39;, &#39;plenary&#39; or &#39;break&#39;.",
        ),
    ],
)
def test_slot_add_bad_input_shows_the_message_in_place(client, factory: Factory, backend, data, message):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/slots", token, data)

    assert response.status_code == 422
    assert alerts(response.text) == [message]
    assert slots(client, event) == []


def test_slot_form_of_an_event_of_several_days_offers_its_days(client, factory: Factory, backend):
    event = factory.event(days=3)
    factory.slot(event, starts="10:00", ends="11:00", label="Morning", day=2)
    enter(client, event)

    page = client.get(f"/e/{event.slug}/facilitate/wall").text

    add_form = page[page.index('id="slot-add-heading"') :]
    options = re.findall(r'<option value="(2026-11-2\d)"( selected)?>([^<]+)</option>', add_form)
    assert options == [
        ("2026-11-24", "", "Tuesday 24 November"),
        ("2026-11-25", " selected", "Wednesday 25 November"),  # the last slot's day
        ("2026-11-26", "", "Thursday 26 November"),
    ]
    assert '<label for="slot-add-date">Day</label>' in add_form
    assert "<strong>Wednesday 25 November 10:00–11:00</strong>" in page


def test_slot_form_of_a_one_day_event_has_no_day_to_choose(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    page = client.get(f"/e/{event.slug}/facilitate/wall").text
    added = post(client, event, "/slots", token, {"date": "2026-11-24", "starts": "10:00", "ends": "11:00"})

    assert '<input type="hidden" name="date" value="2026-11-24">' in page
    assert 'id="slot-add-date"' not in page
    assert added.status_code == 200
    assert slots(client, event) == [("2026-11-24T10:00:00", "2026-11-24T11:00:00", "", "sessions")]


def test_slot_on_a_day_outside_the_event_is_refused_in_place(client, factory: Factory, backend):
    event = factory.event(days=2)
    token = enter(client, event)

    response = post(
        client, event, "/slots", token, {"date": "2026-11-27", "starts": "10:00", "ends": "11:00"}, headers=HTMX
    )

    assert response.status_code == 422
    assert alerts(response.text) == [
        "This slot is on Friday 27 November, outside the event&#39;s days (Tuesday 24 November to Wednesday "
        "25 November). Choose one of them, or change the event&#39;s days first."
    ]
    assert slots(client, event) == []


def test_days_form_gives_the_event_a_second_day_and_the_slot_forms_follow(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/days", token, {"date": "2026-11-24", "last_date": "2026-11-25"}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.startswith('<section id="facilitate-slots"')
    assert 'name="last_date" type="date" required value="2026-11-25"' in response.text
    assert '<option value="2026-11-25">Wednesday 25 November</option>' in response.text
    assert client.get(f"/api/events/{event.slug}").json()["last_date"] == "2026-11-25"


def test_days_form_moves_a_one_day_event_whole(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(
        client, event, "/days", token, {"date": "2026-12-01", "last_date": "2026-11-24"}, follow_redirects=False
    )

    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/e/{event.slug}/facilitate/wall#facilitate-slots",
    )
    public = client.get(f"/api/events/{event.slug}").json()
    assert (public["date"], public["last_date"]) == ("2026-12-01", "2026-12-01")


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"date": "2026-11-24", "last_date": "2026-11-24"},
            409,
            "The slot Wednesday 25 November, 10:00–11:00 (Day two) would be outside the event&#39;s days: "
            "move or remove it first.",
        ),
        (
            {"date": "2026-11-24", "last_date": "2026-11-20"},
            422,
            "The last day (Friday 20 November) can&#39;t be before the first (Tuesday 24 November).",
        ),
        ({"date": "2026-11-24", "last_date": "soon"}, 422, "The date must look like 2026-11-24."),
    ],
)
def test_days_form_refusals_are_shown_in_place_and_change_nothing(
    client, factory: Factory, backend, data, status, message
):
    event = factory.event(days=2)
    factory.slot(event, starts="10:00", ends="11:00", label="Day two", day=2)
    token = enter(client, event)

    response = post(client, event, "/days", token, data)

    assert response.status_code == status
    assert alerts(response.text) == [message]
    assert f'name="last_date" type="date" required value="{data["last_date"]}"' in response.text  # as typed
    public = client.get(f"/api/events/{event.slug}").json()
    assert (public["date"], public["last_date"]) == ("2026-11-24", "2026-11-25")


def test_slot_edit_changes_times_label_and_kind(client, factory: Factory, backend):
    event = factory.event()
    slot = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    token = enter(client, event)

    response = post(
        client,
        event,
        f"/slots/{slot.id}",
        token,
        {"date": "2026-11-24", "starts": "09:00", "ends": "09:30", "label": "Opening", "kind": "plenary"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert slots(client, event) == [("2026-11-24T09:00:00", "2026-11-24T09:30:00", "Opening", "plenary")]


def test_slot_edit_overlap_shows_the_message_beside_that_slot(client, factory: Factory, backend):
    event = factory.event()
    factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    later = factory.slot(event, starts="11:00", ends="12:00", label="Late")
    token = enter(client, event)

    response = post(client, event, f"/slots/{later.id}", token, {"starts": "10:45", "ends": "12:00", "label": "Late"})

    assert response.status_code == 409
    item = re.search(rf'<li class="fac-item" id="slot-{later.id}">(.*?)</li>', response.text, re.S)
    assert item is not None
    assert alerts(item.group(1)) == [
        "This slot overlaps &#39;Morning&#39; (10:00–11:00); slots of one event never overlap."
    ]


def test_slot_remove_asks_then_removes(client, factory: Factory, backend):
    event = factory.event()
    slot = factory.slot(event, starts="10:00", ends="11:00")
    token = enter(client, event)

    asked = post(client, event, f"/slots/{slot.id}/remove", token, {})
    kept = slots(client, event)
    removed = post(client, event, f"/slots/{slot.id}/remove", token, {"confirmed": "yes"}, headers=HTMX)

    assert "Remove the slot 10:00–11:00?" in asked.text
    assert len(kept) == 1
    assert removed.status_code == 200
    assert "No slots yet" in removed.text
    assert slots(client, event) == []


def test_slot_of_another_event_is_not_found_in_place(client, factory: Factory, backend):
    ours = factory.event(slug="ours")
    theirs = factory.event(slug="theirs")
    their_slot = factory.slot(theirs)
    token = enter(client, ours)

    response = post(client, ours, f"/slots/{their_slot.id}", token, {"starts": "08:00", "ends": "09:00"})

    assert response.status_code == 404
    assert alerts(response.text) == [f"There is no slot {their_slot.id} in this event."]
    assert slots(client, theirs) == [("2026-11-24T10:00:00", "2026-11-24T11:00:00", "", "sessions")]


# --- Topics ---------------------------------------------------------------------------------------


def test_topics_lists_every_topic_with_votes_status_and_convener(client, factory: Factory, backend):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    kept = factory.topic(event, ada, title="Remote work")
    factory.vote(ada, kept)
    token = enter(client, event)
    hidden = factory.topic(event, None, title="Spam")
    post(client, event, f"/topics/{hidden.id}/hide", token, {"confirmed": "yes"})

    page = client.get(f"/e/{event.slug}/facilitate/moderation").text
    rows = {
        title: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for title, row in re.findall(r'<tr id="topic-\d+"[^>]*>\s*<th scope="row">([^<]*)</th>(.*?)</tr>', page, re.S)
    }

    assert rows["Remote work"].startswith("1 proposed Ada")
    assert rows["Spam"] == "0 hidden Facilitator"


def test_topic_propose_as_facilitator_even_when_proposals_are_closed(client, factory: Factory, backend):
    event = factory.event(proposals_open=False)
    token = enter(client, event)

    response = post(client, event, "/topics", token, {"title": "Welcome circle", "description": "Who is here?"})
    listed = client.get(f"/api/events/{event.slug}/topics").json()

    assert response.status_code == 200
    assert [(t["title"], t["description"], t["convener_id"]) for t in listed] == [
        ("Welcome circle", "Who is here?", None)
    ]


def test_topic_propose_empty_title_shows_the_message_in_place(client, factory: Factory, backend):
    event = factory.event()
    token = enter(client, event)

    response = post(client, event, "/topics", token, {"title": " ", "description": "Kept text"}, headers=HTMX)

    assert response.status_code == 422
    assert response.text.startswith('<section id="facilitate-topics"')
    assert alerts(response.text) == ["The title can&#39;t be empty."]
    assert ">Kept text</textarea>" in response.text


def test_topic_hide_removes_it_from_the_marketplace(client, factory: Factory, backend):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    abuse = factory.topic(event, ada, title="Abuse")
    factory.topic(event, ada, title="Fine")
    token = enter(client, event)

    asked = post(client, event, f"/topics/{abuse.id}/hide", token, {})
    before = topic_votes(client, event)
    hidden = post(client, event, f"/topics/{abuse.id}/hide", token, {"confirmed": "yes"}, headers=HTMX)

    assert "Hide &#39;Abuse&#39; from every page?" in asked.text
    assert set(before) == {"Abuse", "Fine"}
    assert hidden.status_code == 200
    assert hidden.text.startswith('<section id="facilitate-topics"')
    assert set(topic_votes(client, event)) == {"Fine"}


def test_topic_merge_moves_votes_without_double_dots(client, factory: Factory, backend):
    event = factory.event(votes_per_attendee=5)
    ada = factory.attendee(event, name="Ada")
    bob = factory.attendee(event, name="Bob")
    duplicate = factory.topic(event, ada, title="Remote work, again")
    target = factory.topic(event, bob, title="Remote work")
    other = factory.topic(event, bob, title="Gardening")
    factory.vote(ada, duplicate)
    factory.vote(ada, target)
    factory.vote(bob, duplicate)
    token = enter(client, event)

    response = post(
        client, event, f"/topics/{duplicate.id}/merge", token, {"into_topic_id": str(target.id), "confirmed": "yes"}
    )
    ada_vote = client.put(f"/api/events/{event.slug}/topics/{other.id}/vote", headers=ada.auth).json()

    assert response.status_code == 200
    assert topic_votes(client, event) == {"Remote work": 2, "Gardening": 1}
    # Ada had a dot on both: one stays on the target, the other came back (5 - 1 on target - 1 just cast).
    assert ada_vote["votes_left"] == 3


def test_topic_merge_as_a_plain_post_asks_first_naming_both_topics(client, factory: Factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    duplicate = factory.topic(event, ada, title="Remote work, again")
    target = factory.topic(event, ada, title="Remote work")
    factory.topic(event, ada, title="Remote work tools")
    factory.vote(ada, duplicate)
    token = enter(client, event)
    before = stored_topics_and_dots(database)

    # The title typed in full, as a plain form posts it: the question carries the topic it resolved to.
    asked = post(client, event, f"/topics/{duplicate.id}/merge", token, {"into": "remote WORK"})
    unchanged = stored_topics_and_dots(database)
    action, fields = confirmation_form(asked.text)
    done = client.post(action, data=fields, follow_redirects=False)

    assert asked.status_code == 200
    assert "Are you sure?" in asked.text
    assert (
        "Merge “Remote work, again” into “Remote work”? Its dots move to “Remote work”; you can undo it from the "
        "activity list." in text_of(asked.text)
    )
    assert ">Merge into “Remote work”</button>" in asked.text
    assert unchanged == before
    assert (action, fields) == (
        f"/e/{event.slug}/facilitate/topics/{duplicate.id}/merge",
        {"csrf_token": token, "confirmed": "yes", "into_topic_id": str(target.id)},
    )
    assert (done.status_code, done.headers["location"]) == (
        303,
        f"/e/{event.slug}/facilitate/moderation#facilitate-topics",
    )
    assert topic_votes(client, event) == {"Remote work": 1, "Remote work tools": 0}
    stored, _dots, _lines = stored_topics_and_dots(database)
    assert (duplicate.id, "merged", target.id) in stored


def test_topic_merge_form_asks_with_hx_confirm_and_its_field_does_not(client, factory: Factory, backend):
    event = factory.event()
    duplicate = factory.topic(event, None, title="Remote work, again")
    factory.topic(event, None, title="Remote work")
    enter(client, event)

    row = element(client.get(f"/e/{event.slug}/facilitate/moderation").text, f"topic-{duplicate.id}")
    form = re.search(rf'<form[^>]*action="/e/{event.slug}/facilitate/topics/{duplicate.id}/merge"[^>]*>', row)

    assert form is not None
    assert (
        'hx-confirm="Merge “Remote work, again” into the topic you chose? Its dots move to it; you can undo it '
        'from the activity list."' in form.group(0)
    )
    assert """hx-vals='{"confirmed": "yes"}'""" in form.group(0)
    # The suggestions the field asks for as one types are not asked about.
    assert 'hx-disinherit="hx-confirm hx-vals"' in form.group(0)


def test_topic_merge_suggests_only_the_other_active_topics(client, factory: Factory, backend):
    event = factory.event()
    ada = factory.attendee(event)
    first = factory.topic(event, ada, title="Topic first")
    second = factory.topic(event, ada, title="Topic second")
    gone = factory.topic(event, ada, title="Topic gone")
    token = enter(client, event)
    post(client, event, f"/topics/{gone.id}/hide", token, {"confirmed": "yes"})

    suggested = client.get(f"/e/{event.slug}/facilitate/topics/{first.id}/merge-candidates", params={"into": "topic"})

    assert re.findall(r'<option value="[^"]*\(#(\d+)\)">', suggested.text) == [str(second.id)]


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("", "Choose the topic to merge this one into."),
        ("self", "A topic can&#39;t be merged into itself."),
        ("abc", "The topic to merge into must be a whole number, not &#39;abc&#39;."),
    ],
)
def test_topic_merge_bad_target_shows_the_message_in_place(client, factory: Factory, backend, into, message):
    event = factory.event()
    ada = factory.attendee(event)
    duplicate = factory.topic(event, ada, title="Duplicate")
    factory.topic(event, ada, title="Target")
    token = enter(client, event)
    into = str(duplicate.id) if into == "self" else into

    response = post(client, event, f"/topics/{duplicate.id}/merge", token, {"into_topic_id": into}, headers=HTMX)

    assert response.status_code == 422
    row = re.search(rf'<tr id="topic-{duplicate.id}".*?</tr>', response.text, re.S)
    assert row is not None
    assert alerts(row.group(0)) == [message]
    assert set(topic_votes(client, event)) == {"Duplicate", "Target"}


def test_topic_merge_into_another_events_topic_is_not_found(client, factory: Factory, backend):
    ours = factory.event(slug="ours")
    theirs = factory.event(slug="theirs")
    duplicate = factory.topic(ours, None, title="Ours")
    factory.topic(ours, None, title="Also ours")
    their_topic = factory.topic(theirs, None, title="Theirs")
    token = enter(client, ours)

    response = post(client, ours, f"/topics/{duplicate.id}/merge", token, {"into_topic_id": str(their_topic.id)})

    assert response.status_code == 404
    assert alerts(response.text) == [f"There is no topic {their_topic.id} in this event."]
    assert "Are you sure?" not in response.text  # refused as it came, never asked about
    assert set(topic_votes(client, ours)) == {"Ours", "Also ours"}


def test_topic_title_with_script_is_escaped(client, factory: Factory, backend):
    event = factory.event()
    ada = factory.attendee(event)
    factory.topic(event, ada, title="<script>alert('x')</script>")
    factory.topic(event, ada, title="Other")
    token = enter(client, event)

    page = client.get(f"/e/{event.slug}/facilitate/moderation").text
    fragment = post(client, event, "/topics", token, {"title": "<img src=x onerror=alert(1)>"}, headers=HTMX).text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in fragment
    assert "&lt;img src=x onerror=alert(1)&gt;" in fragment


# --- Links ----------------------------------------------------------------------------------------


def test_links_show_the_public_addresses_and_the_join_qr(client, factory: Factory, backend):
    event = factory.event(slug="autumn")
    enter(client, event)

    page = client.get("/e/autumn/facilitate/setup").text

    assert '<a href="http://testserver/e/autumn">http://testserver/e/autumn</a>' in page
    assert '<a href="http://testserver/e/autumn/board">' in page
    assert '<a href="http://testserver/e/autumn/wall">' in page
    assert '<img src="/e/autumn/qr.svg"' in page


def test_a_section_of_the_facilitator_page_is_given_alone_for_the_live_page(client, factory: Factory, backend):
    event = factory.event(slug="gathering")
    factory.topic(event, factory.attendee(event), title="Arrived just now")
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")

    section = client.get("/e/gathering/facilitate/sections/topics")

    assert section.status_code == 200
    assert section.text.startswith('<section id="facilitate-topics"')
    assert "Arrived just now" in section.text
    assert section.headers["cache-control"] == "no-store"


def test_a_section_of_the_facilitator_page_is_for_the_facilitator_only(client, factory: Factory, backend):
    event = factory.event(slug="gathering")

    refused = client.get("/e/gathering/facilitate/sections/topics")
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    unknown = client.get("/e/gathering/facilitate/sections/secrets")

    assert refused.status_code == 403
    assert "Open the facilitator link first." in refused.text
    assert unknown.status_code == 422


def test_the_facilitator_pages_are_live(client, factory: Factory, backend):
    event = factory.event(slug="gathering")

    overview = client.get(f"/e/{event.slug}/facilitate?key={event.key}").text
    moderation = client.get(f"/e/{event.slug}/facilitate/moderation").text

    assert 'ws-connect="/ws/events/gathering?view=market&amp;since=' in overview
    assert 'data-live-refresh-url="/e/gathering/facilitate/sections/overview"' in overview
    assert 'ws-connect="/ws/events/gathering?view=market&amp;since=' in moderation
    live = re.findall(r'data-live-refresh-url="([^"]+)"', moderation)
    assert live == [f"/e/gathering/facilitate/sections/{s}" for s in ("topics", "duplicates", "activity")]


def test_the_facilitator_page_grows_with_the_topics_not_their_square(client, factory: Factory, backend):
    event = factory.event()
    for n in range(40):
        factory.topic(event, None, title=f"Topic number {n}")
    enter(client, event)
    small = len(client.get(f"/e/{event.slug}/facilitate/moderation").text)
    for n in range(40, 80):
        factory.topic(event, None, title=f"Topic number {n}")

    large = client.get(f"/e/{event.slug}/facilitate/moderation").text

    topics_section = large.split('id="facilitate-topics"', 1)[1].split('class="language-pick"', 1)[0]
    assert "<option" not in topics_section  # no list of every topic in each row
    assert len(large) < 2.2 * small  # twice the topics, about twice the page


def test_merge_suggestions_come_as_the_facilitator_types(client, factory: Factory, backend):
    event = factory.event()
    duplicate = factory.topic(event, None, title="Community data")
    wanted = factory.topic(event, None, title="Who owns community data?")
    factory.topic(event, None, title="Gardening")
    for n in range(12):
        factory.topic(event, None, title=f"Data cooperatives {n}")
    enter(client, event)

    found = client.get(f"/e/{event.slug}/facilitate/topics/{duplicate.id}/merge-candidates", params={"into": "owns"})
    many = client.get(f"/e/{event.slug}/facilitate/topics/{duplicate.id}/merge-candidates", params={"into": "data"})
    nothing = client.get(f"/e/{event.slug}/facilitate/topics/{duplicate.id}/merge-candidates", params={"into": " "})

    assert found.text.startswith(f'<datalist id="merge-options-{duplicate.id}">')
    assert f'<option value="Who owns community data? (#{wanted.id})">0 dots</option>' in found.text
    assert many.text.count("<option") == 8  # a few at a time, never the topic itself
    assert f"(#{duplicate.id})" not in many.text
    assert "<option" not in nothing.text


@pytest.mark.parametrize("typed", ["suggestion", "title"])
def test_merge_by_what_was_typed_or_picked(client, factory: Factory, backend, typed):
    event = factory.event()
    duplicate = factory.topic(event, None, title="Community data")
    target = factory.topic(event, None, title="Who owns community data?")
    token = enter(client, event)
    into = f"Who owns community data? (#{target.id})" if typed == "suggestion" else "  who owns COMMUNITY data? "
    sent = {"into": into, "confirmed": "yes"}

    response = post(client, event, f"/topics/{duplicate.id}/merge", token, sent, headers=HTMX)

    assert response.status_code == 200
    assert set(topic_votes(client, event)) == {"Who owns community data?"}


def test_merge_into_a_title_nobody_has_is_refused_in_place(client, factory: Factory, backend):
    event = factory.event()
    duplicate = factory.topic(event, None, title="Community data")
    factory.topic(event, None, title="Gardening")
    token = enter(client, event)

    response = post(client, event, f"/topics/{duplicate.id}/merge", token, {"into": "Knitting"}, headers=HTMX)

    assert response.status_code == 422
    row = re.search(rf'<tr id="topic-{duplicate.id}".*?</tr>', response.text, re.S)
    assert row is not None
    assert alerts(row.group(0)) == [
        "No topic is called “Knitting”: type a few words of its title and pick it from the suggestions."
    ]
    assert set(topic_votes(client, event)) == {"Community data", "Gardening"}


# --- The tabs: each a page of its own, the overview at the old address ---------------------------------------

TAB_SECTIONS = {
    "": ["overview"],
    "/setup": ["event", "themes", "links"],
    "/wall": ["rooms", "slots", "board"],
    "/phases": ["phases", "announcements"],
    "/moderation": ["topics", "duplicates", "activity"],
    "/exports": ["export", "delete"],
    "/team": ["team"],
}


def test_each_tab_shows_its_own_sections_and_marks_itself_in_the_tabs(client, factory: Factory, backend):
    event = factory.event(slug="gathering")
    enter(client, event)

    shown = {}
    current = {}
    for path in TAB_SECTIONS:
        page = client.get(f"/e/gathering/facilitate{path}")
        assert page.status_code == 200, path
        shown[path] = re.findall(r'<(?:section|div) id="facilitate-([a-z]+)" class="fac-section', page.text)
        tabs = element(page.text, "facilitate-tabs") if 'id="facilitate-tabs"' in page.text else page.text
        current[path] = re.findall(r'<a href="/e/gathering/facilitate([a-z/]*)"[^>]*aria-current="page"', tabs)

    assert shown == TAB_SECTIONS
    assert current == {path: [path] for path in TAB_SECTIONS}


def test_the_old_address_shows_the_overview_with_where_the_event_stands(client, factory: Factory, backend):
    event = factory.event(slug="gathering", voting_open=True)
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")
    hall = factory.room(event, name="Hall")
    factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    placed = factory.topic(event, ada, title="Who owns community data?")
    factory.topic(event, bo, title="Community data ownership")
    factory.topic(event, bo, title="Gardening")
    factory.place(event, placed, hall, morning)
    factory.vote(ada, placed)
    token = enter(client, event)
    post(client, event, "/event", token, {"proposals_open": "false"})

    overview = text_of(element(client.get("/e/gathering/facilitate").text, "facilitate-overview"))

    assert "2 topics waiting for a place on the wall" in overview
    assert "1 likely duplicate to look at" in overview
    assert "1 session on the wall 1 free cell" in overview
    assert "2 attendees joined 1 dot spent" in overview
    assert "1 facilitator on the team" in overview
    assert "Proposals: closed. Dot voting: open. Self-placement: off." in overview
    assert "2 rooms, 1 slot (1 for sessions), 0 themes." in overview


def test_the_overview_is_given_alone_for_the_live_page(client, factory: Factory, backend):
    event = factory.event(slug="gathering")
    enter(client, event)
    factory.attendee(event, name="Ada")

    section = client.get("/e/gathering/facilitate/sections/overview")

    assert section.text.startswith('<section id="facilitate-overview"')
    assert "1 attendee joined" in text_of(section.text)


def test_a_tab_asks_anyone_else_to_sign_in_and_comes_back_to_it(client, factory: Factory, backend):
    event = factory.event(slug="gathering")
    factory.topic(event, None, title="Not for everyone")

    asked = client.get("/e/gathering/facilitate/moderation")
    token = csrf_token(asked.text)
    entered = client.post(
        "/e/gathering/facilitate/enter",
        data={"csrf_token": token, "key": event.key, "tab": "moderation"},
        follow_redirects=False,
    )

    assert asked.status_code == 403
    assert "Not for everyone" not in asked.text
    assert '<input type="hidden" name="tab" value="moderation">' in asked.text
    assert (entered.status_code, entered.headers["location"]) == (303, "/e/gathering/facilitate/moderation")
    assert "Not for everyone" in client.get(entered.headers["location"]).text


def test_a_form_refused_on_a_plain_post_shows_its_own_tab_with_the_message(client, factory: Factory, backend):
    event = factory.event(slug="gathering")
    token = enter(client, event)

    refused = post(client, event, "/rooms", token, {"name": "Hall", "capacity": "0"})

    assert refused.status_code == 422
    assert re.search(r'href="/e/gathering/facilitate/wall"[^>]*aria-current="page"', refused.text)
    assert 'id="facilitate-rooms"' in refused.text and 'id="facilitate-topics"' not in refused.text


def test_the_board_settings_and_contrast_answer_their_own_section(client, factory: Factory, backend):
    event = factory.event(slug="gathering")
    token = enter(client, event)

    contrast = post(client, event, "/event", token, {"board_contrast": "true"}, headers=HTMX)
    plain = post(client, event, "/event", token, {"board_mode": "wall"}, follow_redirects=False)

    assert contrast.text.startswith('<section id="facilitate-board"')
    assert "Back to the standard screen" in contrast.text
    assert plain.headers["location"] == "/e/gathering/facilitate/wall#facilitate-board"
