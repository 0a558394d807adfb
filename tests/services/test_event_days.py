"""An event of several days: its first and last day, and every slot on one of them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.models import Event
from app.models.event import MAX_EVENT_DAYS, EventUpdate
from app.services import activity, events, wall_setup
from app.services.actors import Actor
from app.services.board import Board, load_board
from app.services.errors import Conflict, InvalidInput
from tests.factories import EVENT_DATE, EventWithKey

NEXT_DAY = EVENT_DATE + timedelta(days=1)


def at(hhmm: str, *, day: int = 1) -> datetime:
    return datetime.fromisoformat(f"{(EVENT_DATE + timedelta(days=day - 1)).isoformat()}T{hhmm}")


def stored(database, event: EventWithKey) -> Event:
    with database.read_session() as session:
        found = session.get(Event, event.id)
        assert found is not None
        return found


def update(database, event: EventWithKey, **changes: object) -> Event:
    with database.write_session() as session:
        return events.update_event(session=session, event_id=event.id, update=EventUpdate(**changes)).result


def slot_times(database, event: EventWithKey) -> list[tuple[datetime, datetime]]:
    with database.read_session() as session:
        return [(s.starts_at, s.ends_at) for s in wall_setup.list_slots(session=session, event_id=event.id)]


def add_slot(database, event: EventWithKey, starts_at: datetime, ends_at: datetime) -> None:
    with database.write_session() as session:
        wall_setup.add_slot(session=session, event_id=event.id, starts_at=starts_at, ends_at=ends_at)


# --- The days ----------------------------------------------------------------------------------------


def test_create_event_without_a_last_day_lasts_one_day(database, backend):
    with database.write_session() as session:
        created = events.create_event(session=session, name="One day", timezone="UTC", date=EVENT_DATE).result

    assert (created.event.date, created.event.last_date) == (EVENT_DATE, EVENT_DATE)
    assert created.event.days == [EVENT_DATE]
    assert not created.event.several_days


def test_create_event_of_three_days_knows_each_day(factory, database, backend):
    event = factory.event(days=3)

    kept = stored(database, event)
    assert kept.last_date == EVENT_DATE + timedelta(days=2)
    assert kept.days == [EVENT_DATE, NEXT_DAY, EVENT_DATE + timedelta(days=2)]
    assert kept.several_days


@pytest.mark.parametrize(
    ("last", "message"),
    [
        (
            EVENT_DATE - timedelta(days=1),
            "The last day (Monday 23 November) can't be before the first (Tuesday 24 November).",
        ),
        (
            EVENT_DATE + timedelta(days=MAX_EVENT_DAYS),
            "An event lasts at most 31 days, the first and the last included.",
        ),
    ],
)
def test_create_event_with_a_last_day_before_the_first_or_too_far_is_refused(database, backend, last, message):
    with pytest.raises(InvalidInput) as refused, database.write_session() as session:
        events.create_event(session=session, name="Odd", timezone="UTC", date=EVENT_DATE, last_date=last)

    assert (str(refused.value), refused.value.field) == (message, "last_date")


def test_create_event_of_the_most_days_is_accepted(database, backend):
    last = EVENT_DATE + timedelta(days=MAX_EVENT_DAYS - 1)
    with database.write_session() as session:
        created = events.create_event(
            session=session, name="Long", timezone="UTC", date=EVENT_DATE, last_date=last
        ).result

    assert len(created.event.days) == MAX_EVENT_DAYS


def test_update_event_gives_a_one_day_event_a_second_day(factory, database, backend):
    event = factory.event()
    factory.slot(event, starts="10:00", ends="11:00")

    update(database, event, last_date=NEXT_DAY)

    assert (stored(database, event).date, stored(database, event).last_date) == (EVENT_DATE, NEXT_DAY)


def test_moving_a_one_day_event_moves_its_last_day_with_it(factory, database, backend):
    event = factory.event()

    update(database, event, date=date(2026, 12, 5))

    assert (stored(database, event).date, stored(database, event).last_date) == (date(2026, 12, 5), date(2026, 12, 5))


def test_moving_the_first_day_of_an_event_of_several_days_keeps_its_last(factory, database, backend):
    event = factory.event(days=3)

    update(database, event, date=NEXT_DAY)

    assert (stored(database, event).date, stored(database, event).last_date) == (
        NEXT_DAY,
        EVENT_DATE + timedelta(days=2),
    )


def test_moving_the_first_day_past_the_last_is_refused(factory, database, backend):
    event = factory.event(days=2)

    with pytest.raises(InvalidInput) as refused:
        update(database, event, date=EVENT_DATE + timedelta(days=5))

    assert str(refused.value) == "The last day (Wednesday 25 November) can't be before the first (Sunday 29 November)."
    assert stored(database, event).date == EVENT_DATE


def test_update_event_to_a_null_last_day_is_refused(factory, database, backend):
    event = factory.event(days=2)

    with pytest.raises(InvalidInput) as refused:
        update(database, event, last_date=None)

    assert "last_date" in str(refused.value)
    assert stored(database, event).last_date == NEXT_DAY


def test_shortening_the_days_under_a_slot_is_refused_naming_the_slot(factory, database, backend):
    event = factory.event(days=2)
    factory.slot(event, starts="10:00", ends="11:00")
    factory.slot(event, starts="14:00", ends="15:00", label="Afternoon", day=2)

    with pytest.raises(Conflict) as refused:
        update(database, event, last_date=EVENT_DATE)

    assert str(refused.value) == (
        "The slot Wednesday 25 November, 14:00–15:00 (Afternoon) would be outside the event's days: "
        "move or remove it first."
    )
    assert stored(database, event).last_date == NEXT_DAY


def test_moving_a_one_day_event_with_slots_is_refused_counting_them(factory, database, backend):
    event = factory.event()
    factory.slot(event, starts="10:00", ends="11:00")
    factory.slot(event, starts="11:00", ends="12:00")
    factory.slot(event, starts="12:00", ends="13:00")

    with pytest.raises(Conflict) as refused:
        update(database, event, date=NEXT_DAY, name="Renamed too")

    assert str(refused.value) == (
        "The slot Tuesday 24 November, 10:00–11:00 and 2 others would be outside the event's days: "
        "move or remove them first."
    )
    kept = stored(database, event)
    assert (kept.date, kept.last_date, kept.name) == (EVENT_DATE, EVENT_DATE, "Autumn Gathering")


# --- Slots within the days -----------------------------------------------------------------------------


def test_slots_on_each_day_of_the_event_are_accepted(factory, database, backend):
    event = factory.event(days=2)

    add_slot(database, event, at("10:00"), at("11:00"))
    add_slot(database, event, at("10:00", day=2), at("11:00", day=2))
    add_slot(database, event, at("23:00", day=2), at("01:00", day=3))  # the last evening runs past midnight

    assert slot_times(database, event) == [
        (at("10:00"), at("11:00")),
        (at("10:00", day=2), at("11:00", day=2)),
        (at("23:00", day=2), at("01:00", day=3)),
    ]


@pytest.mark.parametrize(
    ("day", "days", "message"),
    [
        (
            2,
            1,
            "This slot is on Wednesday 25 November, but the event is on Tuesday 24 November only. Choose that day, "
            "or give the event more days first.",
        ),
        (
            0,
            2,
            "This slot is on Monday 23 November, outside the event's days (Tuesday 24 November to Wednesday "
            "25 November). Choose one of them, or change the event's days first.",
        ),
        (
            3,
            2,
            "This slot is on Thursday 26 November, outside the event's days (Tuesday 24 November to Wednesday "
            "25 November). Choose one of them, or change the event's days first.",
        ),
    ],
)
def test_add_slot_outside_the_event_s_days_is_refused_and_writes_nothing(
    factory, database, backend, day, days, message
):
    event = factory.event(days=days)

    with pytest.raises(InvalidInput) as refused:
        add_slot(database, event, at("10:00", day=day), at("11:00", day=day))

    assert (str(refused.value), refused.value.field) == (message, "starts_at")
    assert slot_times(database, event) == []


def test_update_slot_onto_a_day_outside_the_event_is_refused_and_writes_nothing(factory, database, backend):
    event = factory.event(days=2)
    slot = factory.slot(event, starts="10:00", ends="11:00", day=2)

    with pytest.raises(InvalidInput), database.write_session() as session:
        wall_setup.update_slot(
            session=session,
            event_id=event.id,
            slot_id=slot.id,
            starts_at=at("10:00", day=3),
            ends_at=at("11:00", day=3),
        )

    assert slot_times(database, event) == [(at("10:00", day=2), at("11:00", day=2))]


def test_the_activity_list_names_a_slot_with_its_day_on_an_event_of_several_days(factory, database, backend):
    event = factory.event(days=2)
    with database.write_session() as session:
        wall_setup.add_slot(
            session=session,
            event_id=event.id,
            starts_at=at("10:00", day=2),
            ends_at=at("11:00", day=2),
            label="Opening",
            actor=Actor.facilitator(event.id),
        )

    with database.read_session() as session:
        said = [line.text for line in activity.recent(session=session, event_id=event.id)]
    assert said == ["Facilitator added the slot Wednesday 25 November, 10:00–11:00 (Opening)"]


# --- The board by day ------------------------------------------------------------------------------------


def board_at(database, event: EventWithKey, moment: str) -> Board:
    with database.read_session() as session:
        loaded = load_board(session=session, event_id=event.id)
    loaded.read_at = datetime.fromisoformat(moment)
    return loaded


def three_days(factory) -> EventWithKey:
    event = factory.event(days=3)
    factory.room(event)
    for day in (1, 3):  # the middle day has no slot yet
        factory.slot(event, starts="10:00", ends="11:00", day=day)
        factory.slot(event, starts="14:00", ends="15:00", day=day)
    return event


@pytest.mark.parametrize(
    ("moment", "folded", "today"),
    [
        ("2026-11-23T12:00:00", [False, False], [False, False]),  # before the event
        ("2026-11-24T12:00:00", [False, False], [True, False]),
        ("2026-11-25T12:00:00", [True, False], [False, False]),  # a day without slots: the first is over
        ("2026-11-26T16:00:00", [True, False], [False, True]),
        ("2026-11-27T09:00:00", [False, False], [False, False]),  # after the event: everything is there to read
    ],
)
def test_board_days_fold_the_days_over_while_the_event_runs(factory, database, backend, moment, folded, today):
    event = three_days(factory)

    days = board_at(database, event, moment).days

    assert [d.date for d in days] == [EVENT_DATE, EVENT_DATE + timedelta(days=2)]
    assert [len(d.rows) for d in days] == [2, 2]
    assert ([d.folded for d in days], [d.today for d in days]) == (folded, today)


def test_now_and_next_run_across_days(factory, database, backend):
    event = three_days(factory)

    evening = board_at(database, event, "2026-11-24T18:00:00").now_next()
    morning = board_at(database, event, "2026-11-26T10:15:00").now_next()

    assert evening.now is None
    assert evening.next is not None and evening.next.slot.starts_at == at("10:00", day=3)
    assert evening.another_day(evening.next)
    assert morning.now is not None and morning.now.slot.starts_at == at("10:00", day=3)
    assert (morning.minutes_left, morning.another_day(morning.now)) == (45, False)
    assert morning.next is not None and morning.next.slot.starts_at == at("14:00", day=3)


def test_the_activity_list_says_a_move_and_a_new_last_day_once_each(factory, database, backend):
    event = factory.event()
    facilitator = Actor.facilitator(event.id)

    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(date=NEXT_DAY), actor=facilitator)
        events.update_event(
            session=session,
            event_id=event.id,
            update=EventUpdate(last_date=NEXT_DAY + timedelta(days=1)),
            actor=facilitator,
        )

    with database.read_session() as session:
        said = [line.text for line in activity.recent(session=session, event_id=event.id)]
    assert said == ["Facilitator changed the last day", "Facilitator changed the date"]


def test_a_day_whose_last_session_runs_past_midnight_stays_open_until_it_ends(factory, database, backend):
    """Just after midnight, the session that began at 23:30 is the one running now: its day is not over yet,
    so the phone wall does not fold it away (it opens there, marked "Now")."""
    event = factory.event(days=2)
    factory.room(event)
    late = datetime.fromisoformat(f"{EVENT_DATE.isoformat()}T23:30:00")
    with database.write_session() as session:
        wall_setup.add_slot(
            session=session, event_id=event.id, starts_at=late, ends_at=late + timedelta(hours=1), label="Late"
        )
    factory.slot(event, starts="10:00", ends="11:00", day=2)

    running = board_at(database, event, f"{(EVENT_DATE + timedelta(days=1)).isoformat()}T00:10:00").days
    over = board_at(database, event, f"{(EVENT_DATE + timedelta(days=1)).isoformat()}T00:40:00").days

    assert ([d.folded for d in running], [d.today for d in running]) == ([False, False], [False, True])
    assert [d.folded for d in over] == [True, False]
