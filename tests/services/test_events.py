"""Events: creation (slug, time zone, budget, join code), the facilitator's changes, and the facilitator key."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import col

from app.db import exec_select
from app.models import Event, id_of
from app.models.event import EventUpdate
from app.services import events, team, topics
from app.services.actors import Actor
from app.services.errors import Conflict, InvalidInput, NotFound
from tests.factories import EVENT_DATE, EventWithKey

BOARD_MODE_REFUSAL = (
    "The board shows one of: cycle (each mode in turn), wall, now (now and next), themes (the sessions of "
    "each theme, now and next), market or join (the QR code, large)."
)


def create(database, name: str = "Autumn Gathering", **values) -> events.NewEvent:
    arguments = {"timezone": "Europe/London", "date": EVENT_DATE} | values
    with database.write_session() as session:
        return events.create_event(session=session, name=name, **arguments).result


def update(database, event: EventWithKey, **changes: object) -> Event:
    with database.write_session() as session:
        return events.update_event(session=session, event_id=event.id, update=EventUpdate(**changes)).result


def key_works(database, event_id: int, key: str | None) -> bool:
    with database.read_session() as session:
        return team.member_for_key(session=session, event_id=event_id, key=key) is not None


def stored(database, event_id: int) -> Event:
    with database.read_session() as session:
        found = session.get(Event, event_id)
        assert found is not None
        return found


def slugs(database) -> list[str]:
    with database.read_session() as session:
        return sorted(exec_select(session, select(col(Event.slug))).scalars())


# --- Creating ----------------------------------------------------------------------------------------


def test_create_event_stores_what_was_given_and_a_usable_key(factory, database, backend):
    created = create(
        database, "  Autumn   Gathering ", slug="autumn-26", timezone="America/New_York", votes_per_attendee=3
    )

    event = stored(database, created.event.id)
    assert (event.name, event.slug, event.timezone, event.date, event.votes_per_attendee) == (
        "Autumn Gathering",
        "autumn-26",
        "America/New_York",
        EVENT_DATE,
        3,
    )
    assert (event.proposals_open, event.voting_open, event.self_placement, event.join_code) == (
        True,
        False,
        False,
        None,
    )
    with database.read_session() as session:
        members = team.list_team(session=session, event_id=id_of(event))
        found = team.member_for_key(session=session, event_id=id_of(event), key=created.facilitator_key)
    assert [(m.name, m.key_hash != created.facilitator_key) for m in members] == [("Facilitator", True)]
    assert found is not None and found.id == members[0].id


def test_create_event_lowercases_and_trims_a_given_slug(factory, database, backend):
    created = create(database, slug="  Autumn-2026 ")

    assert created.event.slug == "autumn-2026"


@pytest.mark.parametrize("slug", ["-autumn", "autumn-", "autumn gathering", "autumn_2026", "été", "a" * 61])
def test_create_event_with_an_invalid_slug_is_refused(factory, database, backend, slug):
    with pytest.raises(InvalidInput) as refused:
        create(database, slug=slug)

    assert (refused.value.field, refused.value.message) == (
        "slug",
        "The slug may use lowercase letters, digits and dashes (not at either end), at most 60.",
    )
    assert slugs(database) == []


def test_create_event_slug_limits_are_accepted(factory, database, backend):
    create(database, slug="a")
    create(database, slug="b" * 60)

    assert slugs(database) == ["a", "b" * 60]


def test_create_event_with_a_taken_slug_is_refused(factory, database, backend):
    create(database, slug="autumn")

    with pytest.raises(Conflict) as refused:
        create(database, "Another", slug="AUTUMN")

    assert refused.value.message == "The slug 'autumn' is already used by another event."
    assert slugs(database) == ["autumn"]


def test_create_event_derives_a_free_slug_from_the_name(factory, database, backend):
    first = create(database, "Autumn Gathering!")
    second = create(database, "Autumn  gathering")
    third = create(database, "autumn-gathering", slug="")

    assert (first.event.slug, second.event.slug, third.event.slug) == (
        "autumn-gathering",
        "autumn-gathering-2",
        "autumn-gathering-3",
    )


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Tägliches Treffen", "cafe-tagliches-treffen"),
        ("  ***Open   Space***  ", "open-space"),
        ("東京の集まり", "event"),
        ("A" * 49 + " B" + "C" * 60, "a" * 49),
    ],
)
def test_create_event_slug_from_the_name_is_plain_and_short(factory, database, backend, name, slug):
    created = create(database, name)

    assert created.event.slug == slug


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (" \t ", "The event's name can't be empty."),
        ("N" * 121, "The event's name is too long: 121 characters, at most 120."),
    ],
)
def test_create_event_with_an_invalid_name_is_refused(factory, database, backend, name, message):
    with pytest.raises(InvalidInput) as refused:
        create(database, name)

    assert (refused.value.field, refused.value.message) == ("name", message)
    assert slugs(database) == []


@pytest.mark.parametrize("timezone", ["UTC", "Europe/London", "Pacific/Auckland", "America/Argentina/Buenos_Aires"])
def test_create_event_in_an_iana_time_zone(factory, database, backend, timezone):
    created = create(database, timezone=timezone)

    assert stored(database, created.event.id).timezone == timezone


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "europe/london", "", "../etc/passwd", " Europe/London"])
def test_create_event_in_an_unknown_time_zone_is_refused(factory, database, backend, timezone):
    with pytest.raises(InvalidInput) as refused:
        create(database, timezone=timezone)

    assert (refused.value.field, refused.value.message) == (
        "timezone",
        f"'{timezone}' is not a time zone we know. Use an IANA name such as Europe/London.",
    )
    assert slugs(database) == []


def _has_posixrules() -> bool:
    try:
        ZoneInfo("posixrules")  # a file of the system's zone database, not a zone of the IANA list
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _has_posixrules(), reason="this system's zone database has no 'posixrules'")
def test_create_event_in_a_zone_file_that_is_no_iana_name_is_refused(factory, database, backend):
    with pytest.raises(InvalidInput) as refused:
        create(database, timezone="posixrules")

    assert (refused.value.field, refused.value.message) == ("timezone", "'posixrules' is not an IANA time zone name.")


# ZoneInfo raises OSError for these (a region's folder before Python 3.13, CPython gh-85702; a name too
# long for the file system, gh-96463): once a 500 from POST /api/events.
@pytest.mark.parametrize(
    "timezone",
    [
        pytest.param("Europe", id="Europe"),
        pytest.param("America", id="America"),
        pytest.param("x" * 300, id="300-characters"),
    ],
)
def test_create_event_in_a_time_zone_directory_or_an_overlong_name_is_refused(factory, database, backend, timezone):
    with pytest.raises(InvalidInput) as refused:
        create(database, timezone=timezone)

    assert refused.value.message == f"'{timezone}' is not a time zone we know. Use an IANA name such as Europe/London."


@pytest.mark.parametrize("budget", [1, 100])
def test_create_event_budget_at_its_limits_is_accepted(factory, database, backend, budget):
    created = create(database, votes_per_attendee=budget)

    assert stored(database, created.event.id).votes_per_attendee == budget


@pytest.mark.parametrize("budget", [0, -1, 101])
def test_create_event_budget_out_of_bounds_is_refused(factory, database, backend, budget):
    with pytest.raises(InvalidInput) as refused:
        create(database, votes_per_attendee=budget)

    assert (refused.value.field, refused.value.message) == (
        "votes_per_attendee",
        "The dot budget must be between 1 and 100.",
    )
    assert slugs(database) == []


@pytest.mark.parametrize(("typed", "kept"), [(" BLUE  fox ", "BLUE fox"), ("   ", None), (None, None)])
def test_create_event_cleans_the_join_code(factory, database, backend, typed, kept):
    created = create(database, join_code=typed)

    assert stored(database, created.event.id).join_code == kept


def test_get_event_by_an_unknown_slug_is_not_found(factory, database, backend):
    factory.event(slug="autumn")

    with pytest.raises(NotFound) as refused, database.read_session() as session:
        events.get_event(session=session, slug="winter")

    assert refused.value.message == "There is no event 'winter'. Check the link you were given."


# --- Changing ----------------------------------------------------------------------------------------


def test_update_event_changes_what_is_given(factory, database, backend):
    event = factory.event(proposals_open=True, voting_open=False, self_placement=False)

    update(
        database,
        event,
        name="  Winter  Gathering ",
        timezone="Asia/Tokyo",
        date=date(2026, 12, 1),
        proposals_open=False,
        voting_open=True,
        self_placement=True,
        notes_locked=True,
        votes_per_attendee=8,
        join_code=" SNOW ",
        board_mode="wall",
        board_cycle_seconds=45,
    )

    saved = stored(database, event.id)
    assert (saved.name, saved.timezone, saved.date, saved.votes_per_attendee, saved.join_code) == (
        "Winter Gathering",
        "Asia/Tokyo",
        date(2026, 12, 1),
        8,
        "SNOW",
    )
    assert (saved.proposals_open, saved.voting_open, saved.self_placement, saved.notes_locked) == (
        False,
        True,
        True,
        True,
    )
    assert (saved.board_mode, saved.board_cycle_seconds, saved.slug) == ("wall", 45, event.slug)


def test_update_event_with_nothing_changes_nothing(factory, database, backend):
    event = factory.event(name="Autumn Gathering", votes_per_attendee=5)

    updated = update(database, event)

    assert (updated.name, updated.votes_per_attendee) == ("Autumn Gathering", 5)


def test_update_event_to_empty_values_is_refused_but_the_join_code_may_be_cleared(factory, database, backend):
    event = factory.event(name="Autumn Gathering", join_code="FOX")

    with pytest.raises(InvalidInput) as refused:
        update(database, event, voting_open=None, name=None, join_code=None)
    cleared = update(database, event, join_code=None)

    assert (
        refused.value.message
        == "These can't be empty: name, voting_open. Only the join code and the board's second language can be cleared."
    )
    assert (cleared.join_code, stored(database, event.id).join_code) == (None, None)
    assert stored(database, event.id).name == "Autumn Gathering"


def test_update_event_join_code_of_blanks_clears_it(factory, database, backend):
    event = factory.event(join_code="FOX")

    update(database, event, join_code="   ")

    assert stored(database, event.id).join_code is None


def test_update_event_with_an_invalid_value_writes_nothing(factory, database, backend):
    event = factory.event(name="Autumn Gathering", voting_open=True)

    with pytest.raises(InvalidInput) as refused:
        update(database, event, name="Renamed", voting_open=False, timezone="Mars/Olympus")

    assert refused.value.field == "timezone"
    saved = stored(database, event.id)
    assert (saved.name, saved.voting_open, saved.timezone) == ("Autumn Gathering", True, "Europe/London")


def test_update_event_to_an_empty_name_is_refused(factory, database, backend):
    event = factory.event(name="Autumn Gathering")

    with pytest.raises(InvalidInput) as refused:
        update(database, event, name="  ")

    assert (refused.value.field, refused.value.message) == ("name", "The event's name can't be empty.")


@pytest.mark.parametrize("budget", [0, 101])
def test_update_event_budget_out_of_bounds_is_refused(factory, database, backend, budget):
    event = factory.event(votes_per_attendee=5)

    with pytest.raises(InvalidInput) as refused:
        update(database, event, votes_per_attendee=budget)

    assert refused.value.message == "The dot budget must be between 1 and 100."
    assert stored(database, event.id).votes_per_attendee == 5


def test_update_event_budget_below_what_someone_holds_is_refused(factory, database, backend):
    event = factory.event(votes_per_attendee=5)
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    one, two, three = (factory.topic(event, None, title=title) for title in ("One", "Two", "Three"))
    for topic in (one, two, three):
        factory.vote(ada, topic)
    factory.vote(bob, one)

    with pytest.raises(Conflict) as refused:
        update(database, event, votes_per_attendee=2)
    lowered = update(database, event, votes_per_attendee=3)

    assert refused.value.message == (
        "Someone has already spent 3 dots; the budget can't go below that (nobody may hold more dots than the budget)."
    )
    assert (lowered.votes_per_attendee, stored(database, event.id).votes_per_attendee) == (3, 3)


def test_update_event_budget_ignores_returned_dots_and_other_events(factory, database, backend):
    event, elsewhere = factory.event(slug="here", votes_per_attendee=5), factory.event(slug="elsewhere")
    ada, cy = factory.attendee(event, name="Ada"), factory.attendee(elsewhere, name="Cy")
    kept, withdrawn = factory.topic(event, None, title="Kept"), factory.topic(event, ada, title="Withdrawn")
    factory.vote(ada, kept)
    factory.vote(ada, withdrawn)
    for title in ("A", "B", "C"):
        factory.vote(cy, factory.topic(elsewhere, None, title=title))
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session,
            event_id=event.id,
            topic_id=withdrawn.id,
            actor=Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada"),
        )

    update(database, event, votes_per_attendee=1)

    assert stored(database, event.id).votes_per_attendee == 1


@pytest.mark.parametrize("mode", ["cycle", "wall", "now", "market"])
def test_update_event_board_mode(factory, database, backend, mode):
    event = factory.event()

    update(database, event, board_mode=mode)

    assert stored(database, event.id).board_mode == mode


@pytest.mark.parametrize("mode", ["Wall", "agenda", ""])
def test_update_event_to_an_unknown_board_mode_is_refused(factory, database, backend, mode):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        update(database, event, board_mode=mode)

    assert (refused.value.field, refused.value.message) == (
        "board_mode",
        BOARD_MODE_REFUSAL,
    )
    assert stored(database, event.id).board_mode == "cycle"


@pytest.mark.parametrize("seconds", [5, 600])
def test_update_event_board_cycle_seconds_at_its_limits(factory, database, backend, seconds):
    event = factory.event()

    update(database, event, board_cycle_seconds=seconds)

    assert stored(database, event.id).board_cycle_seconds == seconds


@pytest.mark.parametrize("seconds", [4, 601, 0, True])
def test_update_event_board_cycle_seconds_out_of_bounds_or_not_whole_is_refused(factory, database, backend, seconds):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        update(database, event, board_cycle_seconds=seconds)

    assert (refused.value.field, refused.value.message) == (
        "board_cycle_seconds",
        "Each board mode shows for 5 to 600 seconds when cycling.",
    )
    assert stored(database, event.id).board_cycle_seconds == 20


def test_update_event_of_an_unknown_event_is_not_found(factory, database, backend):
    with pytest.raises(NotFound) as refused, database.write_session() as session:
        events.update_event(session=session, event_id=999_999, update=EventUpdate(name="Ghost"))

    assert refused.value.message == "This event no longer exists."


# --- The facilitator key -----------------------------------------------------------------------------


def test_rotate_facilitator_key_retires_the_old_key(factory, database, backend):
    event = factory.event()

    with database.write_session() as session:
        new_key = events.rotate_facilitator_key(session=session, event_id=event.id).result

    assert new_key != event.key
    assert key_works(database, event.id, new_key) is True
    assert key_works(database, event.id, event.key) is False


@pytest.mark.parametrize("key", [None, "", "not-the-key"])
def test_facilitator_key_matches_nothing_but_the_key(factory, database, backend, key):
    event = factory.event()

    assert key_works(database, event.id, key) is False
    assert key_works(database, event.id, event.key) is True


def test_facilitator_keys_of_two_events_differ(factory, database, backend):
    one, two = factory.event(slug="one"), factory.event(slug="two")

    assert key_works(database, two.id, one.key) is False
