"""The event as a scheduling problem: what plan() reads, and what it keeps when the day has begun."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from app.models import SlotKind
from app.scheduling import Cell, solve
from app.services import attendance, clock, scheduling, topic_constraints, topics, wall_setup
from app.services.actors import Actor
from tests.factories import EVENT_DATE


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{EVENT_DATE.isoformat()}T{hhmm}")


@pytest.fixture(autouse=True)
def before_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """What plan() and apply_schedule() read when not given a time: 08:00 of the event's day, the time most tests
    plan at, whatever the date they run at. Run on that day at 10:45, apply saw the 10:00 slot started and
    refused the proposals planned at 08:00."""
    monkeypatch.setattr(clock, "venue_now", lambda timezone: at("08:00"))


def setup(factory):
    event = factory.event()
    hall = factory.room(event, name="Hall", capacity=30)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="12:00", ends="13:00", label="Lunch", kind=SlotKind.break_)
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")
    tests = factory.topic(event, ada, title="Tests")
    types = factory.topic(event, bo, title="Types")
    factory.vote(ada, tests)
    factory.vote(ada, types)
    factory.vote(bo, types)
    factory.place(event, tests, hall, morning)
    return event, hall, morning, afternoon, ada, tests, types


def test_plan_reads_topics_dots_conveners_and_the_wall(database, factory, backend):
    event, hall, morning, afternoon, _, tests, types = setup(factory)
    factory.pin(event, tests)

    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("08:00"))

    problem = planning.problem
    assert [(t.id, t.title, t.convener_name) for t in problem.topics] == [
        (tests.id, "Tests", "Ada"),
        (types.id, "Types", "Bo"),
    ]
    assert [s.id for s in problem.slots] == [morning.id, afternoon.id]  # the break takes no topics
    assert sorted(sorted(ballot) for ballot in problem.ballots) == [[tests.id, types.id], [types.id]]
    assert problem.current == {tests.id: Cell(hall.id, morning.id)}
    assert problem.pinned == frozenset({tests.id})
    assert planning.votes == {tests.id: 1, types.id: 2}
    assert (planning.kept_slot_ids, planning.notice) == ((), None)


def test_plan_keeps_the_slots_that_have_started_while_some_are_still_ahead(database, factory, backend):
    event, _, morning, afternoon, *_ = setup(factory)

    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("10:30"))

    assert planning.kept_slot_ids == (morning.id,)
    assert [(s.id, s.started) for s in planning.problem.slots] == [(morning.id, True), (afternoon.id, False)]
    assert planning.notice == "1 session slot(s) have started and stay exactly as they are."


def test_plan_plans_the_whole_day_again_once_every_slot_has_started(database, factory, backend):
    event, *_ = setup(factory)

    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("20:00"))

    assert planning.kept_slot_ids == ()
    assert not any(s.started for s in planning.problem.slots)
    assert planning.notice == (
        "Every session slot has started, so nothing is kept for that: the whole day is planned again."
    )


def test_apply_after_the_morning_started_leaves_its_session_and_fills_the_afternoon(database, factory, backend):
    event, hall, morning, afternoon, _, tests, types = setup(factory)
    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("10:30"))
    schedule = solve(planning.problem)

    with database.write_session() as session:
        change = scheduling.apply_schedule(
            session=session,
            event_id=event.id,
            placements=schedule.placements,
            based_on=planning.wall,
        ).change

    assert schedule.placements == {tests.id: Cell(hall.id, morning.id), types.id: Cell(hall.id, afternoon.id)}
    assert (change.wall, sorted(change.kinds)) == (True, ["schedule"])
    with database.read_session() as session:
        assert scheduling.plan(session=session, event_id=event.id).problem.current == schedule.placements


def test_apply_keeps_the_people_going_to_a_session_moved_to_another_room_at_the_same_time(database, factory, backend):
    # Found while writing tests/services/test_stateful_rules.py: a move within the slot dropped every "I'm going" to it.
    event, hall, morning, afternoon, ada, tests, types = setup(factory)
    attic = factory.room(event, name="Attic", capacity=10)
    factory.place(event, types, attic, afternoon)
    factory.attend(ada, morning, tests)
    factory.attend(ada, afternoon, types)
    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("08:00"))
    moved = {tests.id: Cell(attic.id, morning.id), types.id: Cell(hall.id, afternoon.id)}

    with database.write_session() as session:
        scheduling.apply_schedule(session=session, event_id=event.id, placements=moved, based_on=planning.wall)

    with database.read_session() as session:
        assert attendance.my_day(session=session, attendee_id=ada.id) == {morning.id: tests.id, afternoon.id: types.id}


def test_apply_is_refused_when_a_session_it_moves_was_pinned_meanwhile(database, factory, backend):
    event, hall, morning, afternoon, _, tests, types = setup(factory)
    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("08:00"))
    moved = {tests.id: Cell(hall.id, afternoon.id), types.id: Cell(hall.id, morning.id)}
    factory.pin(event, tests)

    with database.write_session() as session, pytest.raises(scheduling.WallChanged) as refused:
        scheduling.apply_schedule(session=session, event_id=event.id, placements=moved, based_on=planning.wall)

    assert refused.value.message == (
        f"This proposal no longer fits the event: “{tests.title}” was pinned where it is. Propose again."
    )
    with database.read_session() as session:
        assert scheduling.plan(session=session, event_id=event.id).problem.current == {
            tests.id: Cell(hall.id, morning.id)
        }


def _constrain(session, event, topic, *, min_room_capacity=None, apart_from=()):
    topic_constraints.set_constraints(
        session=session,
        event_id=event.id,
        actor=Actor.facilitator(event.id),
        topic_id=topic.id,
        not_before=None,
        not_after=None,
        min_room_capacity=min_room_capacity,
        apart_from=apart_from,
    )


@pytest.mark.parametrize(
    ("meanwhile", "said"),
    [
        (
            lambda s, event, t: topics.hide_topic(session=s, event_id=event.id, topic_id=t["types"].id),
            "“Types” was hidden, withdrawn or merged",
        ),
        (
            lambda s, event, t: _constrain(s, event, t["tests"], min_room_capacity=31),
            "“Tests” now needs a room for at least 31",
        ),
        (
            lambda s, event, t: _constrain(s, event, t["tests"], apart_from=[t["types"].id]),
            "“Tests” and “Types” must now be apart",
        ),
        (
            lambda s, event, t: wall_setup.update_slot(
                session=s, event_id=event.id, slot_id=t["afternoon"].id, kind=SlotKind.plenary
            ),
            "the slot at 14:00 is no longer for sessions",
        ),
    ],
    ids=["hidden", "room-size", "apart", "slot-kind"],
)
def test_apply_names_what_changed_in_the_event_since_the_proposal(database, factory, backend, meanwhile, said):
    event, hall, morning, afternoon, _, tests, types = setup(factory)
    attic = factory.room(event, name="Attic", capacity=10)
    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("08:00"))
    proposed = {tests.id: Cell(hall.id, morning.id), types.id: Cell(attic.id, morning.id)}
    if "slot" in said:
        proposed = {tests.id: Cell(hall.id, morning.id), types.id: Cell(hall.id, afternoon.id)}
    with database.write_session() as session:
        meanwhile(session, event, {"tests": tests, "types": types, "afternoon": afternoon})

    with database.write_session() as session, pytest.raises(scheduling.WallChanged) as refused:
        scheduling.apply_schedule(session=session, event_id=event.id, placements=proposed, based_on=planning.wall)

    assert refused.value.message == f"This proposal no longer fits the event: {said}. Propose again."
    with database.read_session() as session:
        assert scheduling.plan(session=session, event_id=event.id).problem.current == {
            tests.id: Cell(hall.id, morning.id)
        }


def test_plan_gives_each_topic_its_theme_and_describe_names_the_themes_that_clash(database, factory, backend):
    event, hall, morning, afternoon, _, tests, types = setup(factory)
    attic, corner = factory.room(event, name="Attic", capacity=10), factory.room(event, name="Corner", capacity=5)
    craft = factory.theme(event, name="Craft")
    factory.theme(event, name="Unused")
    docs = factory.topic(event, None, title="Docs", theme=craft)
    again = factory.topic(event, None, title="Docs again", theme=craft)
    with database.write_session() as session:
        facilitator = Actor.facilitator(event.id)
        topics.edit_topic(session=session, event_id=event.id, topic_id=types.id, actor=facilitator, theme_id=craft.id)

    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=at("08:00"))
    # By hand: the three Craft sessions all in the afternoon.
    wall = {
        tests.id: Cell(hall.id, morning.id),
        types.id: Cell(hall.id, afternoon.id),
        docs.id: Cell(attic.id, afternoon.id),
        again.id: Cell(corner.id, afternoon.id),
    }
    proposal = scheduling.describe(planning, replace(solve(planning.problem), placements=wall))

    themes_of = {t.id: t.theme_id for t in planning.problem.topics}
    assert themes_of == {tests.id: None, types.id: craft.id, docs.id: craft.id, again.id: craft.id}
    assert list(planning.theme_names.values()) == ["Craft", "Unused"]
    assert [row.theme_clashes for row in proposal.rows] == [[], [scheduling.ThemeClash(theme="Craft", sessions=3)]]
    assert solve(planning.problem).figures.theme_clashes == 1  # three Craft sessions in two slots


# --- An event of several days ------------------------------------------------------------------------------


def two_days(factory):
    """Tuesday and Wednesday, a morning and an afternoon each; Ada dotted four topics, "Soil" is on Tuesday
    morning's wall."""
    event = factory.event(days=2)
    hall = factory.room(event, name="Hall", capacity=30)
    slots = [
        factory.slot(event, starts=starts, ends=ends, day=day)
        for day in (1, 2)
        for starts, ends in (("10:00", "11:00"), ("14:00", "15:00"))
    ]
    ada = factory.attendee(event, name="Ada")
    topics_ = [factory.topic(event, None, title=title) for title in ("Soil", "Seeds", "Rivers", "Rain")]
    for topic in topics_:
        factory.vote(ada, topic)
    factory.place(event, topics_[0], hall, slots[0])
    return event, hall, slots, topics_


def on_day(day: int, clock: str) -> datetime:
    return datetime.fromisoformat(f"{(EVENT_DATE + timedelta(days=day - 1)).isoformat()}T{clock}")


def test_plan_on_the_second_day_keeps_the_first_day_whole_and_today_up_to_now(database, factory, backend):
    event, _, slots, _ = two_days(factory)

    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=on_day(2, "10:30"))

    assert planning.kept_slot_ids == (slots[0].id, slots[1].id, slots[2].id)
    assert [s.started for s in planning.problem.slots] == [True, True, True, False]
    assert planning.notice == "3 session slot(s) have started and stay exactly as they are."


def test_plan_on_the_first_evening_plans_the_second_day_and_keeps_the_first(database, factory, backend):
    event, _, slots, topics_ = two_days(factory)
    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=on_day(1, "18:00"))
    schedule = solve(planning.problem)

    with database.write_session() as session:
        scheduling.apply_schedule(
            session=session, event_id=event.id, placements=schedule.placements, based_on=planning.wall
        )

    assert planning.kept_slot_ids == (slots[0].id, slots[1].id)
    placed = {topic_id: cell.slot_id for topic_id, cell in schedule.placements.items()}
    assert placed[topics_[0].id] == slots[0].id  # the session that ran on Tuesday stays where it ran
    assert {placed.get(t.id) for t in topics_[1:]} <= {slots[2].id, slots[3].id, None}
    assert sum(1 for t in topics_[1:] if placed.get(t.id) is not None) == 2  # Wednesday's two slots filled


def test_plan_after_the_last_day_plans_that_day_again_and_keeps_the_days_before(database, factory, backend):
    event, _, slots, _ = two_days(factory)

    with database.read_session() as session:
        planning = scheduling.plan(session=session, event_id=event.id, at=on_day(3, "09:00"))

    assert planning.kept_slot_ids == (slots[0].id, slots[1].id)
    assert [s.started for s in planning.problem.slots] == [True, True, False, False]
    assert planning.notice == (
        "Every session slot has started, so the last day is planned again; the days before it stay exactly as they are."
    )
