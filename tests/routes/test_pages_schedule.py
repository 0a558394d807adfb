"""The facilitator's auto-schedule page: the wall's figures, a proposal, putting it up, refusals in place."""

from __future__ import annotations

import html
import json
import re

import pytest

from app.models import SlotKind
from app.scheduling import Weights
from tests.routes.pages_helpers import HTMX, csrf_token, element, join

# The factories' event day is over by the venue's clock (tests/conftest.py), whatever the date they run at.
pytestmark = pytest.mark.usefixtures("after_the_event")

EVERY_SLOT_STARTED = "Every session slot has started, so nothing is kept for that: the whole day is planned again."
NO_ROOMS = "There are no rooms yet: add the rooms, with how many people each holds, before scheduling."
UNREADABLE = "This proposal could not be read: propose again."
DEFAULT_WEIGHTS = {name: str(value) for name, value in Weights().as_dict().items()}
FAST = {"time_limit": "0.5", **DEFAULT_WEIGHTS}


@pytest.fixture
def small_event(factory, backend):
    """Two rooms and two session slots around lunch, five topics for four cells: "Quiet one" has no dot."""
    event = factory.event()
    hall = factory.room(event, name="Hall", capacity=30)
    attic = factory.room(event, name="Attic", capacity=2)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="12:00", ends="13:00", label="Lunch", kind=SlotKind.plenary)
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    ada, bo, cy = (factory.attendee(event, name=name) for name in ("Ada", "Bo", "Cy"))
    tests = factory.topic(event, ada, title="Tests <b>first</b>")
    types = factory.topic(event, bo, title="Types")
    docs = factory.topic(event, cy, title="Docs")
    talks = factory.topic(event, None, title="Lightning talks")
    quiet = factory.topic(event, None, title="Quiet one")
    for person in (ada, bo, cy):
        factory.vote(person, tests)
    for person in (ada, bo):
        factory.vote(person, types)
    factory.vote(cy, docs)
    factory.vote(ada, talks)
    return event, (hall, attic), (morning, afternoon), (tests, types, docs, talks, quiet)


def _as_facilitator(client, event) -> str:
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    return csrf_token(client.get(f"/e/{event.slug}/schedule").text)


def _placements(client, event) -> list[tuple[int, int, int]]:
    board = client.get(f"/api/events/{event.slug}/board").json()
    return sorted((p["topic_id"], p["room_id"], p["slot_id"]) for p in board["placements"])


def _propose(client, event, token, *, htmx=True, **fields):
    return client.post(
        f"/e/{event.slug}/schedule/propose",
        data={"csrf_token": token, **FAST, **fields},
        headers=HTMX if htmx else {},
    )


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def _apply(client, event, token, proposal: str, *, htmx=True, placements: str | None = None):
    data = {
        "csrf_token": token,
        "placements": _hidden(proposal, "placements") if placements is None else placements,
        "based_on": _hidden(proposal, "based_on"),
    }
    return client.post(
        f"/e/{event.slug}/schedule/apply", data=data, headers=HTMX if htmx else {}, follow_redirects=False
    )


def _text(fragment: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" (?=[:,.)])", "", text)


def test_schedule_page_shows_the_wall_now_and_the_form_with_its_defaults(client, factory, small_event):
    event, (hall, _), (morning, _), (tests, *_) = small_event
    factory.place(event, tests, hall, morning)
    _as_facilitator(client, event)

    page = client.get(f"/e/{event.slug}/schedule")

    assert page.status_code == 200
    now = _text(element(page.text, "schedule-now"))
    assert "Topics on the wall 1 of 5" in now
    assert "Dots on the wall 3 of 7 (43 %)" in now
    assert "Torn attendees 0" in now
    assert "Theme clashes" not in now  # the event has no themes
    assert EVERY_SLOT_STARTED in now  # the factory's event day is over
    form = element(page.text, "schedule-form")
    assert re.search(r'name="time_limit"[^>]*min="0.5" max="60"[^>]*value="5"', form)
    values = {name: re.search(rf'name="{name}"[^>]*value="(\d+)"', form).group(1) for name in DEFAULT_WEIGHTS}
    assert values == DEFAULT_WEIGHTS
    assert "Each torn attendee costs" in form
    assert "Propose a wall" in form
    assert element(page.text, "schedule-proposal").endswith("></section>")  # nothing proposed yet


def test_propose_with_htmx_answers_the_proposal_and_changes_nothing(client, small_event):
    event, (hall, attic), _, _ = small_event
    token = _as_facilitator(client, event)

    response = _propose(client, event, token)

    assert response.status_code == 200
    proposal = element(response.text, "schedule-proposal")
    text = _text(proposal)
    assert "Proven optimal" in text
    assert "Topics placed 0 of 5 4 of 5" in text
    assert "Votes placed 0 % (0 of 7) 100 % (7 of 7)" in text
    assert "Torn attendees 0 1" in text  # Ada dotted three topics for two slots
    assert "Seats short 0 0" in text
    grid = _text(element(proposal, "schedule-grid-h") + proposal.split('class="schedule-grid"', 1)[1])
    assert "Hall (30 seats)" in grid and "Attic (2 seats)" in grid
    assert "10:00–11:00 Morning" in grid and "14:00–15:00 Afternoon" in grid
    assert "Lunch" not in grid  # a plenary takes no sessions
    assert "Tests <b>first</b> 3 dots New" in text  # autoescaped: the title is shown as typed
    assert "<b>first</b>" not in proposal
    assert "Types 2 dots New" in text
    assert "Left off Quiet one (0 dots): The wall is full: every cell it could take holds a topic" in text
    assert "Docs: new on the wall →" in text
    assert f"Each session moved costs {Weights.move}" in text
    assert "Apply this wall" in text
    placed = json.loads(_hidden(proposal, "placements"))
    assert len(placed) == 4 and {p["room_id"] for p in placed} == {hall.id, attic.id}
    assert 'id="schedule-form"' in response.text and 'hx-swap-oob="true"' in element(response.text, "schedule-form")
    assert _placements(client, event) == []


def test_a_pinned_session_is_kept_and_a_moved_one_says_from_where(client, factory, small_event):
    event, (hall, attic), (morning, _), (tests, types, *_) = small_event
    # By hand: "Tests" and "Types" side by side in the morning, though Ada and Bo dotted both.
    factory.place(event, tests, attic, morning)
    factory.place(event, types, hall, morning)
    factory.pin(event, tests)
    token = _as_facilitator(client, event)

    response = _propose(client, event, token, move="0")

    text = _text(element(response.text, "schedule-proposal"))
    assert "Tests <b>first</b> 3 dots Kept" in text
    assert "Types 2 dots Moved" in text
    assert "Types: Hall at 10:00 → Hall at 14:00" in text
    assert "Torn attendees 2 1" in text  # Ada dotted three topics for two slots


def test_propose_without_javascript_answers_the_whole_page_with_the_proposal(client, small_event):
    event, *_ = small_event
    token = _as_facilitator(client, event)

    response = _propose(client, event, token, htmx=False, torn="25")

    assert response.status_code == 200
    assert response.text.startswith("<!doctype html>")
    assert "Topics on the wall 0 of 5" in _text(element(response.text, "schedule-now"))
    assert 'value="25"' in element(response.text, "schedule-form")  # the form keeps what was sent
    proposal = _text(element(response.text, "schedule-proposal"))
    assert "Each torn attendee costs 25" in proposal
    assert "Quiet one (0 dots):" in proposal


def test_apply_puts_the_proposed_wall_up_for_every_board(client, small_event):
    event, *_ = small_event
    token = _as_facilitator(client, event)
    proposal = _propose(client, event, token).text
    proposed = sorted((p["topic_id"], p["room_id"], p["slot_id"]) for p in json.loads(_hidden(proposal, "placements")))

    response = _apply(client, event, token, proposal)

    assert response.status_code == 200
    applied = _text(element(response.text, "schedule-proposal"))
    assert "The wall is up: every board shows it now." in applied
    assert 'href="/e/' + event.slug + '/board"' in response.text
    assert "Topics on the wall 4 of 5" in _text(element(response.text, "schedule-now"))
    assert _placements(client, event) == proposed


def test_apply_without_javascript_goes_to_the_wall(client, small_event):
    event, *_ = small_event
    token = _as_facilitator(client, event)
    proposal = _propose(client, event, token, htmx=False).text

    response = _apply(client, event, token, proposal, htmx=False)

    assert (response.status_code, response.headers["location"]) == (303, f"/e/{event.slug}/wall")
    assert len(_placements(client, event)) == 4


def test_applying_a_proposal_after_a_hand_change_is_refused_in_place_naming_the_change(client, small_event):
    event, (_, attic), (morning, _), (_, _, docs, _, _) = small_event
    token = _as_facilitator(client, event)
    proposal = _propose(client, event, token).text
    wall_token = csrf_token(client.get(f"/e/{event.slug}/wall").text)
    by_hand = {"csrf_token": wall_token, "topic_id": docs.id, "room_id": attic.id, "slot_id": morning.id}
    assert client.post(f"/e/{event.slug}/wall/place", data=by_hand, follow_redirects=False).status_code == 303
    before = _placements(client, event)

    again = _apply(client, event, token, proposal)
    plain = _apply(client, event, token, proposal, htmx=False)

    said = (
        "The wall changed since this proposal was made: “Docs” was placed in Attic at 10:00. "
        "Propose again to include that."
    )
    assert again.status_code == 409
    assert (again.headers["hx-retarget"], again.headers["hx-reswap"]) == ("#schedule-apply-error", "outerHTML")
    assert _text(element(again.text, "schedule-apply-error")) == said
    assert plain.status_code == 409
    assert _text(element(plain.text, "schedule-error")) == said
    assert _placements(client, event) == before


def test_applying_the_same_proposal_twice_names_at_most_three_changes(client, small_event):
    event, *_ = small_event
    token = _as_facilitator(client, event)
    proposal = _propose(client, event, token).text
    assert _apply(client, event, token, proposal).status_code == 200
    placed = _placements(client, event)
    wall_token = csrf_token(client.get(f"/e/{event.slug}/wall").text)
    off = client.post(f"/e/{event.slug}/wall/unplace", data={"csrf_token": wall_token, "topic_id": placed[0][0]})
    assert off.status_code == 200

    again = _apply(client, event, token, proposal)

    # Four placed by the first Apply, one of them taken off again: three changes since the proposal.
    said = _text(element(again.text, "schedule-apply-error"))
    assert again.status_code == 409
    assert said.startswith("The wall changed since this proposal was made: “")
    assert said.count(" was placed in ") == 3
    assert _placements(client, event) == placed[1:]


@pytest.mark.parametrize(
    "placements",
    [
        "",
        "not json",
        "{}",
        '{"topic_id": 1, "room_id": 1, "slot_id": 1}',
        "[1, 2]",
        '[{"topic_id": "1", "room_id": 1, "slot_id": 1}]',
        '[{"topic_id": true, "room_id": 1, "slot_id": 1}]',
        '[{"topic_id": 1, "room_id": 1}]',
        '[{"topic_id": 1, "room_id": 1, "slot_id": 1, "pinned": false}]',
        '[{"topic_id": 0, "room_id": 1, "slot_id": 1}]',
        '[{"topic_id": 1, "room_id": 1, "slot_id": 1}, {"topic_id": 1, "room_id": 2, "slot_id": 1}]',
        json.dumps([{"topic_id": n, "room_id": 1, "slot_id": 1} for n in range(1, 1002)]),
        "[" * 5000 + "]" * 5000,
    ],
)
def test_a_proposal_that_cannot_be_read_is_refused_and_nothing_is_written(client, small_event, placements):
    event, *_ = small_event
    token = _as_facilitator(client, event)
    response = client.post(
        f"/e/{event.slug}/schedule/apply",
        data={"csrf_token": token, "placements": placements, "based_on": "[]"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert _text(element(response.text, "schedule-apply-error")) == UNREADABLE
    assert _placements(client, event) == []


@pytest.mark.parametrize("based_on", ["", "0123456789abcdef0123", '[{"topic_id": 1}]'])
def test_a_proposal_whose_starting_wall_cannot_be_read_is_refused(client, small_event, based_on):
    event, *_ = small_event
    token = _as_facilitator(client, event)
    proposal = _propose(client, event, token).text

    response = client.post(
        f"/e/{event.slug}/schedule/apply",
        data={"csrf_token": token, "placements": _hidden(proposal, "placements"), "based_on": based_on},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert _text(element(response.text, "schedule-apply-error")) == UNREADABLE
    assert _placements(client, event) == []


def test_a_proposal_with_ids_of_another_event_is_refused_by_the_wall_rules(client, factory, small_event):
    event, *_ = small_event
    other = factory.event(name="Elsewhere")
    stranger = factory.topic(other, None, title="Not ours")
    token = _as_facilitator(client, event)
    proposal = _propose(client, event, token).text
    foreign = json.dumps([{"topic_id": stranger.id, "room_id": 1, "slot_id": 1}])

    response = _apply(client, event, token, proposal, placements=foreign)

    assert response.status_code == 409
    assert _text(element(response.text, "schedule-apply-error")) == (
        "This proposal no longer fits the event: “Not ours” was hidden, withdrawn or merged. Propose again."
    )
    assert _placements(client, event) == []


def test_without_rooms_the_refusal_is_said_in_the_form(client, factory, backend):
    event = factory.event()
    factory.slot(event)
    factory.topic(event, None, title="Lonely")
    token = _as_facilitator(client, event)

    htmx = _propose(client, event, token)
    plain = _propose(client, event, token, htmx=False)

    assert htmx.status_code == 409
    assert (htmx.headers["hx-retarget"], htmx.headers["hx-reswap"]) == ("#schedule-form", "outerHTML")
    assert _text(element(htmx.text, "schedule-error")) == NO_ROOMS
    assert plain.status_code == 409
    assert _text(element(plain.text, "schedule-error")) == NO_ROOMS
    assert element(plain.text, "schedule-proposal").endswith("></section>")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_limit", "0.1", "The time limit must be a number of seconds from 0.5 to 60."),
        ("time_limit", "soon", "The time limit must be a number of seconds from 0.5 to 60."),
        ("time_limit", "nan", "The time limit must be a number of seconds from 0.5 to 60."),
        ("torn", "-1", "“Each torn attendee costs” must be a whole number from 0 to 1,000,000."),
        ("move", "2.5", "“Each session moved costs” must be a whole number from 0 to 1,000,000."),
        ("seat_short", "", "“Each seat short costs” must be a whole number from 0 to 1,000,000."),
        ("seat_short", "9" * 5000, "“Each seat short costs” must be a whole number from 0 to 1,000,000."),
        ("left_off_vote", "1000001", "“Each dot left off the wall costs” must be a whole number from 0 to 1,000,000."),
        ("theme_clash", "lots", "“Each theme clash costs” must be a whole number from 0 to 1,000,000."),
    ],
)
def test_bad_numbers_are_422_with_the_field_marked(client, small_event, field, value, message):
    event, *_ = small_event
    token = _as_facilitator(client, event)

    response = _propose(client, event, token, **{field: value})

    assert response.status_code == 422
    form = element(response.text, "schedule-form")
    assert _text(element(form, "schedule-error")) == message
    input_id = "schedule-time-limit" if field == "time_limit" else f"schedule-{field}"
    assert re.search(rf'<input id="{input_id}"[^>]*aria-invalid="true"', form)
    assert f'value="{value}"' in form


def test_a_time_limit_with_a_comma_is_read_as_seconds(client, small_event):
    event, *_ = small_event
    token = _as_facilitator(client, event)

    response = _propose(client, event, token, time_limit="0,5")

    assert response.status_code == 200
    assert "Time limit: 0.5 s" in _text(element(response.text, "schedule-proposal"))


def test_an_attendee_is_refused_the_page_and_the_proposal(client, small_event):
    event, *_ = small_event
    token = join(client, event.slug, name="Dee")

    page = client.get(f"/e/{event.slug}/schedule")
    propose = _propose(client, event, token)

    assert page.status_code == 403
    assert "Only the event&#39;s facilitator can do this." in page.text
    assert propose.status_code == 403
    assert "Propose a wall" not in page.text


def test_the_facilitator_finds_the_page_from_the_facilitator_page_and_the_wall(client, factory, small_event):
    event, *_ = small_event
    _as_facilitator(client, event)

    facilitate = client.get(f"/e/{event.slug}/facilitate/wall").text
    wall = client.get(f"/e/{event.slug}/wall").text
    join(client, event.slug, name="Dee")
    client.cookies.clear()
    join(client, event.slug, name="Eve")
    attendee_wall = client.get(f"/e/{event.slug}/wall").text

    link = f'<a href="/e/{event.slug}/schedule">'
    assert f"{link}Auto-schedule the wall</a>" in facilitate
    assert f"{link}Auto-schedule…</a>" in wall
    assert link not in attendee_wall


def test_a_themed_event_shows_its_theme_clashes_now_in_the_proposal_and_in_the_slot(client, factory, backend):
    event = factory.event()
    hall, attic = factory.room(event, name="Hall", capacity=30), factory.room(event, name="Attic", capacity=30)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    data = factory.theme(event, name="Community data")
    owned, counted = (
        factory.topic(event, None, title="Owned", theme=data),
        factory.topic(event, None, title="Counted", theme=data),
    )
    factory.topic(event, None, title="Lunch walk")
    factory.place(event, owned, hall, morning)
    factory.place(event, counted, attic, morning)
    token = _as_facilitator(client, event)

    now = _text(element(client.get(f"/e/{event.slug}/schedule").text, "schedule-now"))
    spread = _text(element(_propose(client, event, token, move="0").text, "schedule-proposal"))
    kept = element(_propose(client, event, token, theme_clash="0").text, "schedule-proposal")

    assert "Theme clashes 1" in now
    # Moves free: one of the two goes to the afternoon. Theme clashes costing nothing: both stay (a move costs).
    assert "Theme clashes two sessions of one theme at once 1 0" in spread
    assert "sessions of Community data at once" not in spread
    assert "Theme clashes two sessions of one theme at once 1 1" in _text(kept)
    assert "10:00–11:00 Morning 2 sessions of Community data at once" in _text(kept)
    assert "Each theme clash costs 0" in _text(kept)


def test_a_proposal_for_two_days_names_each_slot_s_day(client, factory, backend, monkeypatch):
    from datetime import datetime

    from app.services import clock

    monkeypatch.setattr(clock, "venue_now", lambda timezone: datetime(2026, 11, 24, 8, 0))
    event = factory.event(days=2)
    factory.room(event, name="Hall", capacity=30)
    factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="10:00", ends="11:00", label="Morning", day=2)
    factory.topic(event, None, title="Soil")
    token = _as_facilitator(client, event)

    proposal = element(_propose(client, event, token).text, "schedule-proposal")

    grid = _text(proposal.split('class="schedule-grid"', 1)[1])
    assert "Tue 24 10:00–11:00 Morning" in grid and "Wed 25 10:00–11:00 Morning" in grid
