"""Problems for the scheduler's tests: small hand-made ones and hypothesis strategies for random ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from app.scheduling import Cell, CoConvener, Problem, Room, Slot, Topic, violations

DAY = datetime(2026, 11, 25, 9, 0)


def slots(count: int, *, started: int = 0) -> tuple[Slot, ...]:
    """`count` one-hour session slots from 9:00, the first `started` of them under way."""
    return tuple(
        Slot(
            id=100 + i,
            starts_at=DAY + timedelta(hours=i),
            ends_at=DAY + timedelta(hours=i, minutes=50),
            label=f"Slot {i + 1}",
            started=i < started,
        )
        for i in range(count)
    )


def rooms(*capacities: int) -> tuple[Room, ...]:
    return tuple(Room(id=10 + i, capacity=capacity, name=f"Room {i + 1}") for i, capacity in enumerate(capacities))


def topics(count: int, **overrides: Any) -> tuple[Topic, ...]:
    return tuple(Topic(id=1 + i, title=f"Topic {i + 1}", **overrides) for i in range(count))


def ballots_for(dots: dict[int, int]) -> tuple[tuple[int, ...], ...]:
    """One single-dot ballot per dot: popularity without anyone being torn."""
    return tuple((topic_id,) for topic_id, count in dots.items() for _ in range(count))


@st.composite
def problems(draw: st.DrawFn, *, max_topics: int = 12, max_rooms: int = 2, max_slots: int = 4) -> Problem:
    """A random problem that can be scheduled: its current wall keeps every hard rule."""
    slot_count = draw(st.integers(1, max_slots))
    started = draw(st.integers(0, slot_count - 1))
    the_slots = slots(slot_count, started=started)
    the_rooms = rooms(*draw(st.lists(st.sampled_from([5, 10, 20, 40]), min_size=1, max_size=max_rooms)))
    topic_count = draw(st.integers(1, max_topics))
    ids = list(range(1, topic_count + 1))
    conveners = draw(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=topic_count, max_size=topic_count))
    # Nobody convenes more topics than there are slots (that is refused; tested on its own).
    seen: dict[int, int] = {}
    for k, convener in enumerate(conveners):
        if convener is not None:
            seen[convener] = seen.get(convener, 0) + 1
            if seen[convener] > slot_count:
                conveners[k] = None
    # A quarter of the topics have a co-convener, who may convene topics of their own (the same rule holds).
    co: list[tuple[CoConvener, ...]] = []
    for k in range(topic_count):
        person = draw(st.one_of(st.none(), st.none(), st.none(), st.integers(1, 5)))
        if person is not None and person != conveners[k] and seen.get(person, 0) < slot_count:
            seen[person] = seen.get(person, 0) + 1
            co.append((CoConvener(id=person, name=f"Person {person}"),))
        else:
            co.append(())
    boundaries = [slot.starts_at for slot in the_slots] + [the_slots[-1].ends_at]
    the_topics = []
    for k, topic_id in enumerate(ids):
        not_before = not_after = None
        if draw(st.integers(0, 5)) == 0:
            not_before = draw(st.sampled_from(boundaries[:-1]))
        if draw(st.integers(0, 5)) == 0:
            not_after = draw(st.sampled_from([b for b in boundaries[1:] if not_before is None or b > not_before]))
        min_room = draw(st.sampled_from([None, None, None, 10, 30]))
        apart = frozenset(draw(st.lists(st.sampled_from(ids), max_size=2))) - {topic_id}
        the_topics.append(
            Topic(
                id=topic_id,
                title=f"Topic {topic_id}",
                convener_id=conveners[k],
                not_before=not_before,
                not_after=not_after,
                min_room_capacity=min_room,
                apart_from=apart if draw(st.integers(0, 3)) == 0 else frozenset(),
                # A few themes, and some topics without one.
                theme_id=draw(st.sampled_from([None, 1, 2, 3])),
                co_conveners=co[k],
            )
        )
    ballots = tuple(
        tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=5, unique=True)))
        for _ in range(draw(st.integers(0, 30)))
    )
    # Built as if no slot had started, so that started slots have sessions in them too.
    plain = Problem(topics=tuple(the_topics), rooms=the_rooms, slots=slots(slot_count), ballots=ballots)
    # A current wall built one legal placement at a time; some of it pinned.
    cells = [Cell(room.id, slot.id) for slot in the_slots for room in the_rooms]
    current: dict[int, Cell] = {}
    for topic_id in draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(cells))):
        cell = draw(st.sampled_from(cells))
        trial = {**current, topic_id: cell}
        if not violations(plain, trial):
            current = trial
    pinned = frozenset(t for t in current if draw(st.booleans()) and draw(st.booleans()))
    return Problem(
        topics=plain.topics,
        rooms=the_rooms,
        slots=the_slots,
        ballots=ballots,
        current=current,
        pinned=pinned,
        time_limit=draw(st.sampled_from([0.2, 0.5])),
        seed=draw(st.integers(0, 3)),
    )
