"""Seeded synthetic unconferences for `bench/scheduler.py`: ballots skewed like real ones, varied rooms.

Popularity is Zipf-like (exponent 1): a handful of topics draw most dots. Interests cluster: every topic
belongs to an interest cluster, every attendee has one or two favourite clusters and puts most dots there,
weighted by popularity. The event announces a few themes (5 by default, as the community-tech gathering of
issue 13 did); each cluster falls under one of them, so a theme's followers dot its topics more than others,
as at a real event. Room capacities are scaled on the dots, so the popular topics overflow the small rooms
and the very top ones even the hall. Most topics have a convener, some conveners propose two or three topics,
a few are the facilitator's (no convener). The same (size, seed) always gives the same problem.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.scheduling.figures import vote_counts
from app.scheduling.problem import Cell, CoConvener, Problem, Room, Slot, Topic

DAY = datetime(2026, 11, 24, 9, 0)


@dataclass(frozen=True)
class Size:
    name: str
    topics: tuple[int, int]  # drawn between these, inclusive
    rooms: int
    slots: int
    attendees: int
    themes: tuple[int, int]
    dots: int = 5
    constraints: bool = False  # a few not-before, minimum-room and keep-apart rules


SIZES = {
    "small": Size("small", topics=(6, 12), rooms=2, slots=4, attendees=40, themes=(2, 4)),
    "medium": Size("medium", topics=(80, 80), rooms=6, slots=6, attendees=800, themes=(8, 15), constraints=True),
    "large": Size("large", topics=(200, 200), rooms=12, slots=10, attendees=2000, themes=(8, 15), constraints=True),
}


def _pick(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _slots(rng: random.Random, count: int) -> tuple[Slot, ...]:
    """Consecutive 45–60 minute blocks on one day, 10 minutes apart, with a lunch hour in the middle."""
    slots = []
    start = DAY
    for index in range(count):
        if count >= 6 and index == count // 2:
            start += timedelta(minutes=50)
        end = start + timedelta(minutes=rng.choice((45, 50, 60)))
        slots.append(Slot(id=index + 1, starts_at=start, ends_at=end, label=f"Session {index + 1}"))
        start = end + timedelta(minutes=10)
    return tuple(slots)


def _ballots(rng: random.Random, size: Size, themes: dict[int, int], popularity: dict[int, float]) -> list[list[int]]:
    by_theme: dict[int, list[int]] = {}
    for topic_id, theme in themes.items():
        by_theme.setdefault(theme, []).append(topic_id)
    dots = min(size.dots, len(themes))
    ballots = []
    for _ in range(size.attendees):
        favourites = rng.sample(sorted(by_theme), k=min(len(by_theme), rng.choice((1, 1, 2))))
        liked = {t: popularity[t] for theme in favourites for t in by_theme[theme]}
        anything = dict(popularity)
        ballot: list[int] = []
        while len(ballot) < dots:
            pool = liked if liked and rng.random() < 0.8 else anything
            topic_id = _pick(rng, pool)
            ballot.append(topic_id)
            liked.pop(topic_id, None)
            anything.pop(topic_id, None)
        ballots.append(ballot)
    return ballots


def _rooms(rng: random.Random, size: Size, votes: list[int]) -> tuple[Room, ...]:
    """One hall, a third medium rooms, the rest small; capacities read off the dots so that popular topics overflow."""
    ranked = [*sorted(votes, reverse=True), 0]
    cells = size.rooms * size.slots

    def at(rank: int, round_to: int) -> int:
        value = ranked[min(rank, len(ranked) - 1)] * rng.uniform(0.9, 1.1)
        return max(2, round_to * round(value / round_to))

    round_to = 5 if size.attendees >= 200 else 1
    medium = max(1, round(size.rooms / 3)) if size.rooms > 2 else 0
    capacities = [at(2, round_to)]  # the top two topics or so are bigger than the hall
    capacities += [at(size.rooms, round_to) for _ in range(medium)]
    capacities += [at(cells // 2, round_to) for _ in range(size.rooms - 1 - medium)]
    names = ["Hall"] + [f"Room {chr(ord('A') + i)}" for i in range(medium)]
    names += [f"Corner {i + 1}" for i in range(size.rooms - 1 - medium)]
    return tuple(Room(id=i + 1, capacity=c, name=n) for i, (c, n) in enumerate(zip(capacities, names, strict=True)))


def _constraints(rng: random.Random, topics: list[Topic], themes: dict[int, int], rooms: tuple[Room, ...],
                 slots: tuple[Slot, ...]) -> list[Topic]:  # fmt: skip
    """Two late conveners (not before the third slot), one topic needing a medium room, two keep-apart pairs."""
    topics = list(topics)
    index = {topic.id: i for i, topic in enumerate(topics)}
    chosen = rng.sample([t.id for t in topics], k=3)
    for topic_id in chosen[:2]:
        topics[index[topic_id]] = replace(topics[index[topic_id]], not_before=slots[2].starts_at)
    medium = sorted(room.capacity for room in rooms)[-2]
    topics[index[chosen[2]]] = replace(topics[index[chosen[2]]], min_room_capacity=medium)
    # Two sessions of one theme that would split the same people: keep them apart (both sides name each other).
    by_theme: dict[int, list[int]] = {}
    for topic_id, theme in themes.items():
        by_theme.setdefault(theme, []).append(topic_id)
    crowded = [ids for ids in by_theme.values() if len(ids) >= 2]
    for ids in rng.sample(crowded, k=min(2, len(crowded))):
        a, b = rng.sample(ids, k=2)
        topics[index[a]] = replace(topics[index[a]], apart_from=topics[index[a]].apart_from | {b})
        topics[index[b]] = replace(topics[index[b]], apart_from=topics[index[b]].apart_from | {a})
    return topics


ANNOUNCED_THEMES = 5


def generate(
    size: Size | str,
    seed: int,
    *,
    time_limit: float = 5.0,
    announced: int = ANNOUNCED_THEMES,
    themes_at_random: bool = False,
) -> Problem:
    """A fresh wall (nothing placed, nothing pinned) for this size and seed, its topics under `announced`
    themes (`Topic.theme_id`; 0: none). The interest clusters below are what people dot; each falls under
    one theme, or with `themes_at_random` each topic's theme is drawn on its own, whatever its dots (themes
    people did not dot by). The themes draw nothing from the seed: with or without them, and either way,
    the dots, rooms and rules are the same."""
    if isinstance(size, str):
        size = SIZES[size]
    rng = random.Random(f"{size.name}-{seed}")
    count = rng.randint(*size.topics)
    ids = list(range(1, count + 1))
    ranks = rng.sample(range(1, count + 1), k=count)
    popularity = {topic_id: 1.0 / rank for topic_id, rank in zip(ids, ranks, strict=True)}
    theme_count = min(rng.randint(*size.themes), count)
    # Every theme gets one topic, the rest fall where they fall: some themes are big, some a pair.
    themes = {topic_id: (i if i < theme_count else rng.randrange(theme_count)) for i, topic_id in enumerate(ids)}
    # Conveners are attendees; a quarter of the time someone who already proposed one proposes another (up to 3).
    topics = []
    proposed: dict[int, int] = {}
    for topic_id in ids:
        convener: int | None = None
        if rng.random() >= 0.12:  # otherwise the facilitator's: no convener
            again = [c for c, n in proposed.items() if n < 3]
            if again and rng.random() < 0.25:
                convener = rng.choice(again)
            else:
                convener = rng.choice([a for a in range(1, size.attendees + 1) if a not in proposed])
            proposed[convener] = proposed.get(convener, 0) + 1
        title = f"Topic {topic_id} (theme {themes[topic_id] + 1})"
        name = f"Attendee {convener}" if convener is not None else "Facilitator"
        topics.append(Topic(id=topic_id, title=title, convener_id=convener, convener_name=name))
    ballots = _ballots(rng, size, themes, popularity)
    slots = _slots(rng, size.slots)
    draft = Problem(topics=tuple(topics), rooms=(), slots=slots, ballots=tuple(tuple(b) for b in ballots))
    counts = vote_counts(draft)
    rooms = _rooms(rng, size, [counts[t] for t in ids])
    if size.constraints:
        topics = _constraints(rng, topics, themes, rooms, slots)
    if announced and themes_at_random:
        drawn = random.Random(f"themes-{size.name}-{seed}")
        topics = [replace(topic, theme_id=1 + drawn.randrange(announced)) for topic in topics]
    elif announced:
        topics = [replace(topic, theme_id=1 + themes[topic.id] % announced) for topic in topics]
    return Problem(
        topics=tuple(topics),
        rooms=rooms,
        slots=slots,
        ballots=draft.ballots,
        time_limit=time_limit,
        seed=seed,
    )


CO_CONVENED_SHARE = 0.3


def with_co_conveners(problem: Problem, *, seed: int, share: float = CO_CONVENED_SHARE) -> Problem:
    """The same problem with `share` of the attendees' topics convened in pairs (a tenth of those by three).

    Most co-conveners (two in three) are people who convene topics of their own, the case that binds: their own
    sessions and the ones they co-convene must all go in different slots. Nobody ends up convening more topics
    than there are slots (the scheduler would refuse the problem, as it refuses such an event)."""
    rng = random.Random(f"co-conveners-{seed}")
    load = Counter(c for topic in problem.topics for c in topic.convener_ids)
    conveners = sorted(load)
    everyone = range(1, len(problem.ballots) + 1)
    topics = list(problem.topics)
    convened = [i for i, topic in enumerate(topics) if topic.convener_id is not None]
    for i in sorted(rng.sample(convened, k=round(share * len(convened)))):
        topic = topics[i]
        added: list[CoConvener] = []
        for _ in range(2 if rng.random() < 0.1 else 1):
            pool = conveners if rng.random() < 2 / 3 else everyone
            taken = topic.convener_ids | {c.id for c in added}
            fitting = [a for a in pool if a not in taken and load[a] < len(problem.slots)]
            if not fitting:
                continue
            person = rng.choice(fitting)
            load[person] += 1
            added.append(CoConvener(id=person, name=f"Attendee {person}"))
        topics[i] = replace(topic, co_conveners=tuple(added))
    return replace(problem, topics=tuple(topics))


def with_late_proposal(problem: Problem, published: dict[int, Cell], *, started: int, seed: int) -> Problem:
    """The published wall as `current`, its first `started` slots under way, and one topic proposed late.

    The late topic draws as many dots as the median topic: half of its voters move a dot to it from a topic
    that is not running yet, the other half had a dot left and spend it on it.
    """
    rng = random.Random(f"late-{seed}")
    started_ids = {slot.id for slot in sorted(problem.slots, key=lambda s: s.starts_at)[:started]}
    slots = tuple(replace(slot, started=slot.id in started_ids) for slot in problem.slots)
    counts = sorted(vote_counts(problem).values())
    wanted = counts[len(counts) // 2]
    late_id = max(topic.id for topic in problem.topics) + 1
    conveners = {topic.convener_id for topic in problem.topics}
    convener = rng.choice([a for a in range(1, len(problem.ballots) + 1) if a not in conveners])
    late = Topic(
        id=late_id, title=f"Topic {late_id} (late)", convener_id=convener, convener_name=f"Attendee {convener}"
    )
    running = {t for t, cell in published.items() if cell.slot_id in started_ids}
    ballots = [list(b) for b in problem.ballots]
    for n, voter in enumerate(rng.sample(range(len(ballots)), k=wanted)):
        movable = [t for t in ballots[voter] if t not in running]
        if n % 2 == 0 and movable:
            ballots[voter].remove(rng.choice(movable))
        ballots[voter].append(late_id)
    return Problem(
        topics=(*problem.topics, late),
        rooms=problem.rooms,
        slots=slots,
        ballots=tuple(tuple(b) for b in ballots),
        current=dict(published),
        pinned=problem.pinned,
        weights=problem.weights,
        time_limit=problem.time_limit,
        seed=problem.seed,
    )
