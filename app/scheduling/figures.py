"""Scoring a wall: the figures the facilitator sees, and the hard rules it must keep.

Written plainly (no incremental tricks) so that the solver's fast bookkeeping, the baselines in
`bench/scheduler.py` and the brute force in the tests are all checked against one definition.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from app.scheduling.problem import Cell, Figures, Problem, Topic


def vote_counts(problem: Problem) -> dict[int, int]:
    """Dots per topic, counting each attendee once per topic."""
    known = {topic.id for topic in problem.topics}
    counts: Counter[int] = Counter()
    for ballot in problem.ballots:
        counts.update(topic_id for topic_id in set(ballot) if topic_id in known)
    return {topic.id: counts[topic.id] for topic in problem.topics}


def torn_attendees(problem: Problem, placements: Mapping[int, Cell]) -> int:
    """For each attendee and slot, the dotted topics placed there beyond the first (as the board counts)."""
    torn = 0
    for ballot in problem.ballots:
        per_slot = Counter(placements[topic_id].slot_id for topic_id in set(ballot) if topic_id in placements)
        torn += sum(count - 1 for count in per_slot.values())
    return torn


def seats_short(problem: Problem, placements: Mapping[int, Cell], votes: Mapping[int, int]) -> int:
    """Expected audience (dots) beyond the room's capacity, summed over the placed topics."""
    capacity = {room.id: room.capacity for room in problem.rooms}
    return sum(max(0, votes.get(topic_id, 0) - capacity[cell.room_id]) for topic_id, cell in placements.items())


def moved_topics(problem: Problem, placements: Mapping[int, Cell]) -> list[int]:
    """Topics on the current wall whose cell changes, or that are taken off it."""
    return [topic_id for topic_id, cell in problem.current.items() if placements.get(topic_id) != cell]


def theme_clashes(problem: Problem, placements: Mapping[int, Cell]) -> int:
    """Pairs of placed sessions of one theme in one slot: two at once are one clash, three at once are three."""
    theme_of = {topic.id: topic.theme_id for topic in problem.topics if topic.theme_id is not None}
    per_slot = Counter(
        (cell.slot_id, theme_of[topic_id]) for topic_id, cell in placements.items() if topic_id in theme_of
    )
    return sum(count * (count - 1) // 2 for count in per_slot.values())


def evaluate(problem: Problem, placements: Mapping[int, Cell]) -> Figures:
    votes = vote_counts(problem)
    weights = problem.weights
    torn = torn_attendees(problem, placements)
    short = seats_short(problem, placements, votes)
    moves = len(moved_topics(problem, placements))
    clashes = theme_clashes(problem, placements)
    left_off_value = sum(votes[topic.id] + 1 for topic in problem.topics if topic.id not in placements)
    cost = (
        weights.left_off_vote * left_off_value
        + weights.torn * torn
        + weights.seat_short * short
        + weights.move * moves
        + weights.theme_clash * clashes
    )
    return Figures(
        topics_placed=sum(1 for topic in problem.topics if topic.id in placements),
        topics_total=len(problem.topics),
        votes_placed=sum(votes[topic_id] for topic_id in placements if topic_id in votes),
        votes_total=sum(votes.values()),
        torn=torn,
        seats_short=short,
        moves=moves,
        theme_clashes=clashes,
        cost=cost,
    )


def slot_fits(topic: Topic, starts_at: datetime, ends_at: datetime) -> bool:
    """The topic's "not before" and "not after" allow this slot."""
    if topic.not_before is not None and starts_at < topic.not_before:
        return False
    return not (topic.not_after is not None and ends_at > topic.not_after)


@dataclass(frozen=True)
class Violation:
    """One hard rule a wall breaks: which rule, the topics (and slot) it concerns, and a line for a log."""

    rule: Rule
    topic_ids: tuple[int, ...]
    slot_id: int | None = None
    words: str = ""

    def __str__(self) -> str:
        return self.words


Rule = Literal[
    "unknown_topic", "unknown_room", "unknown_slot", "times", "room_size", "shared_cell", "convener", "apart",
    "pinned_moved", "started_slot",
]  # fmt: skip


def violations(problem: Problem, placements: Mapping[int, Cell]) -> list[Violation]:
    """Every hard rule the wall breaks; an empty list for a wall that may be published."""
    problems: list[Violation] = []
    topics = {topic.id: topic for topic in problem.topics}
    rooms = {room.id: room for room in problem.rooms}
    slots = {slot.id: slot for slot in problem.slots}
    by_cell: dict[Cell, list[int]] = defaultdict(list)
    conveners: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_slot: dict[int, set[int]] = defaultdict(set)
    for topic_id, cell in placements.items():
        topic = topics.get(topic_id)
        if topic is None:
            problems.append(Violation("unknown_topic", (topic_id,), words=f"topic {topic_id} may not be scheduled"))
            continue
        if cell.room_id not in rooms:
            problems.append(
                Violation("unknown_room", (topic_id,), words=f"topic {topic_id} is in no room of this wall")
            )
            continue
        if cell.slot_id not in slots:
            words = f"topic {topic_id} is in no sessions slot of this wall"
            problems.append(Violation("unknown_slot", (topic_id,), cell.slot_id, words))
            continue
        by_cell[cell].append(topic_id)
        by_slot[cell.slot_id].add(topic_id)
        for convener_id in topic.convener_ids:
            conveners[(convener_id, cell.slot_id)].append(topic_id)
        slot = slots[cell.slot_id]
        if not slot_fits(topic, slot.starts_at, slot.ends_at):
            words = f"topic {topic_id} is outside its not-before/not-after times"
            problems.append(Violation("times", (topic_id,), cell.slot_id, words))
        if topic.min_room_capacity is not None and rooms[cell.room_id].capacity < topic.min_room_capacity:
            words = f"topic {topic_id} needs a room of at least {topic.min_room_capacity}"
            problems.append(Violation("room_size", (topic_id,), cell.slot_id, words))
    for cell, topic_ids in by_cell.items():
        if len(topic_ids) > 1:
            together = tuple(sorted(topic_ids))
            problems.append(Violation("shared_cell", together, cell.slot_id, f"topics {list(together)} share one cell"))
    for (convener_id, slot_id), topic_ids in conveners.items():
        if len(topic_ids) > 1:
            together = tuple(sorted(topic_ids))
            words = f"convener {convener_id} has topics {list(together)} in slot {slot_id}"
            problems.append(Violation("convener", together, slot_id, words))
    for slot_id, in_slot in by_slot.items():
        for topic_id in in_slot:
            for other in sorted(topics[topic_id].apart_from & in_slot):
                words = f"topic {topic_id} shares slot {slot_id} with {other}"
                problems.append(Violation("apart", (topic_id, other), slot_id, words))
    for topic_id in problem.pinned:
        if placements.get(topic_id) != problem.current.get(topic_id):
            problems.append(Violation("pinned_moved", (topic_id,), words=f"pinned topic {topic_id} moved"))
    for slot in problem.slots:
        if not slot.started:
            continue
        before = {t: cell for t, cell in problem.current.items() if cell.slot_id == slot.id}
        after = {t: cell for t, cell in placements.items() if cell.slot_id == slot.id}
        # Nothing moves in or out of a started slot, nor within it.
        if before != after:
            changed = tuple(sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t)))
            words = f"slot {slot.id} has started but its sessions changed"
            problems.append(Violation("started_slot", changed, slot.id, words))
    return problems
