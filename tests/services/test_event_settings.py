"""The event's settings: one typed EventUpdate, applied by events.update_event with the rules of each setting."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import Event
from app.models.event import EventUpdate
from app.services import events
from app.services.changes import BoardChange
from app.services.errors import Conflict, InvalidInput, NotFound
from tests.factories import EventWithKey

BOARD_MODE_REFUSAL = (
    "The board shows one of: cycle (each mode in turn), wall, now (now and next), themes (the sessions of "
    "each theme, now and next), market or join (the QR code, large)."
)


def update(database, event: EventWithKey, **settings: object) -> Event:
    with database.write_session() as session:
        return events.update_event(
            session=session, event_id=event.id, update=EventUpdate.model_validate(settings)
        ).result


def stored(database, event: EventWithKey) -> Event:
    with database.read_session() as session:
        return events.get_event(session=session, slug=event.slug)


def refusal(database, event: EventWithKey, error: type[Exception], **settings: object) -> str:
    with pytest.raises(error) as raised, database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate.model_validate(settings))
    return str(raised.value)


def test_update_event_changes_only_the_settings_it_sets(factory, database, backend):
    event = factory.event(name="Autumn Gathering", voting_open=False, join_code="OWL")

    update(database, event, voting_open=True)

    after = stored(database, event)
    assert (after.voting_open, after.name, after.join_code, after.proposals_open) == (
        True,
        "Autumn Gathering",
        "OWL",
        True,
    )


def test_update_event_changes_every_setting_at_once(factory, database, backend):
    event = factory.event()
    wanted = {
        "name": "Winter Gathering",
        "timezone": "Europe/Paris",
        "date": date(2027, 1, 15),
        "proposals_open": False,
        "voting_open": False,
        "self_placement": True,
        "votes_per_attendee": 7,
        "join_code": "FOX",
        "notes_locked": True,
        "board_mode": "market",
        "board_cycle_seconds": 45,
    }

    update(database, event, **wanted)

    after = stored(database, event)
    assert {name: getattr(after, name) for name in wanted} == wanted


def test_update_event_announces_the_event_change(factory, database, backend):
    event = factory.event()

    with database.write_session() as session:
        written = events.update_event(session=session, event_id=event.id, update=EventUpdate(notes_locked=True))

    assert written.change == BoardChange.of(event.id, "event", event=True)


def test_update_event_cleans_the_name_and_the_join_code(factory, database, backend):
    event = factory.event()

    update(database, event, name="  New \t name\x07 ", join_code="  BEE 7 ")

    after = stored(database, event)
    assert (after.name, after.join_code) == ("New name", "BEE 7")


def test_update_event_null_or_blank_join_code_clears_it(factory, database, backend):
    nulled, blanked = factory.event(join_code="OWL"), factory.event(join_code="OWL")

    update(database, nulled, join_code=None)
    update(database, blanked, join_code="   ")

    assert (stored(database, nulled).join_code, stored(database, blanked).join_code) == (None, None)


def test_update_event_null_for_another_setting_is_refused_and_nothing_changes(factory, database, backend):
    event = factory.event(join_code="OWL")

    message = refusal(database, event, InvalidInput, voting_open=None, name=None, join_code=None)

    assert (
        message
        == "These can't be empty: name, voting_open. Only the join code and the board's second language can be cleared."
    )
    assert stored(database, event).join_code == "OWL"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"name": "   "}, "The event's name can't be empty."),
        ({"name": "x" * 121}, "The event's name is too long: 121 characters, at most 120."),
        (
            {"timezone": "Mars/Olympus"},
            "'Mars/Olympus' is not a time zone we know. Use an IANA name such as Europe/London.",
        ),
        ({"votes_per_attendee": 0}, "The dot budget must be between 1 and 100."),
        ({"votes_per_attendee": 101}, "The dot budget must be between 1 and 100."),
        ({"join_code": "x" * 41}, "The join code is too long: 41 characters, at most 40."),
        (
            {"board_mode": "spin"},
            BOARD_MODE_REFUSAL,
        ),
        ({"board_cycle_seconds": 4}, "Each board mode shows for 5 to 600 seconds when cycling."),
        ({"board_cycle_seconds": 601}, "Each board mode shows for 5 to 600 seconds when cycling."),
    ],
)
def test_update_event_bad_value_is_refused_with_its_message(factory, database, backend, given, message):
    event = factory.event()

    assert refusal(database, event, InvalidInput, **given) == message


def test_update_event_refused_setting_leaves_the_others_as_they_were(factory, database, backend):
    event = factory.event(name="Kept")

    refusal(database, event, InvalidInput, name="Changed", board_mode="now", board_cycle_seconds=2)

    after = stored(database, event)
    assert (after.name, after.board_mode, after.board_cycle_seconds) == ("Kept", "cycle", 20)


def test_update_event_budget_below_dots_held_is_a_conflict(factory, database, backend):
    event = factory.event(votes_per_attendee=5)
    ada = factory.attendee(event)
    for title in ("One", "Two", "Three"):
        factory.vote(ada, factory.topic(event, ada, title=title))

    message = refusal(database, event, Conflict, votes_per_attendee=2)
    update(database, event, votes_per_attendee=3)

    assert message == (
        "Someone has already spent 3 dots; the budget can't go below that (nobody may hold more dots than the budget)."
    )
    assert stored(database, event).votes_per_attendee == 3


def test_update_event_of_a_missing_event_is_not_found(database, backend):
    with pytest.raises(NotFound), database.write_session() as session:
        events.update_event(session=session, event_id=999_999, update=EventUpdate(voting_open=True))
