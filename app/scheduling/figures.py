"""Scoring a wall: the figures the facilitator sees, and the hard rules it must keep.

Written plainly (no incremental tricks) so that the solver's fast bookkeeping, the baselines in
`bench/scheduler.py` and the brute force in the tests are all checked against one definition.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime

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


def evaluate(problem: Problem, placements: Mapping[int, Cell]) -> Figures:
    votes = vote_counts(problem)
    weights = problem.weights
    torn = torn_attendees(problem, placements)
    short = seats_short(problem, placements, votes)
    moves = len(moved_topics(problem, placements))
    left_off_value = sum(votes[topic.id] + 1 for topic in problem.topics if topic.id not in placements)
    cost = (
        weights.left_off_vote * left_off_value + weights.torn * torn + weights.seat_short * short + weights.move * moves
    )
    return Figures(
        topics_placed=sum(1 for topic in problem.topics if topic.id in placements),
        topics_total=len(problem.topics),
        votes_placed=sum(votes[topic_id] for topic_id in placements if topic_id in votes),
        votes_total=sum(votes.values()),
        torn=torn,
        seats_short=short,
        moves=moves,
        cost=cost,
    )


def slot_fits(topic: Topic, starts_at: datetime, ends_at: datetime) -> bool:
    """The topic's "not before" and "not after" allow this slot."""
    if topic.not_before is not None and starts_at < topic.not_before:
        return False
    return not (topic.not_after is not None and ends_at > topic.not_after)


def violations(problem: Problem, placements: Mapping[int, Cell]) -> list[str]:
    """Every hard rule the wall breaks, in words; an empty list for a wall that may be published."""
    problems: list[str] = []
    topics = {topic.id: topic for topic in problem.topics}
    rooms = {room.id: room for room in problem.rooms}
    slots = {slot.id: slot for slot in problem.slots}
    by_cell: dict[Cell, list[int]] = defaultdict(list)
    conveners: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_slot: dict[int, set[int]] = defaultdict(set)
    for topic_id, cell in placements.items():
        topic = topics.get(topic_id)
        if topic is None:
            problems.append(f"topic {topic_id} is not one that may be scheduled")
            continue
        if cell.room_id not in rooms or cell.slot_id not in slots:
            problems.append(f"topic {topic_id} is in a cell that is not a room × sessions slot of this wall")
            continue
        by_cell[cell].append(topic_id)
        by_slot[cell.slot_id].add(topic_id)
        if topic.convener_id is not None:
            conveners[(topic.convener_id, cell.slot_id)].append(topic_id)
        slot = slots[cell.slot_id]
        if not slot_fits(topic, slot.starts_at, slot.ends_at):
            problems.append(f"topic {topic_id} is outside its not-before/not-after times")
        if topic.min_room_capacity is not None and rooms[cell.room_id].capacity < topic.min_room_capacity:
            problems.append(f"topic {topic_id} needs a room of at least {topic.min_room_capacity}")
    for topic_ids in by_cell.values():
        if len(topic_ids) > 1:
            problems.append(f"topics {sorted(topic_ids)} share one cell")
    for (convener_id, slot_id), topic_ids in conveners.items():
        if len(topic_ids) > 1:
            problems.append(f"convener {convener_id} has topics {sorted(topic_ids)} in slot {slot_id}")
    for slot_id, together in by_slot.items():
        for topic_id in together:
            clash = topics[topic_id].apart_from & together
            if clash:
                problems.append(f"topic {topic_id} shares slot {slot_id} with {sorted(clash)}")
    for topic_id in problem.pinned:
        if placements.get(topic_id) != problem.current.get(topic_id):
            problems.append(f"pinned topic {topic_id} moved")
    for slot in problem.slots:
        if not slot.started:
            continue
        before = {t for t, cell in problem.current.items() if cell.slot_id == slot.id}
        after = {t: cell for t, cell in placements.items() if cell.slot_id == slot.id}
        if set(after) != before or any(problem.current[t] != cell for t, cell in after.items()):
            problems.append(f"slot {slot.id} has started but its sessions changed")
        # A topic of a started slot cannot be somewhere else either.
        problems.extend(
            f"topic {t} left started slot {slot.id}" for t in before if placements.get(t, Cell(0, 0)).slot_id != slot.id
        )
    return problems
