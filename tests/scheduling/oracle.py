"""An exact solver written differently from the real one, to check it: dynamic programming over slots.

Every part of the cost except "left off" is a sum over slots of something that depends only on the
topics in that slot (torn attendees are counted per slot too), so the best wall is the best choice of
disjoint topic sets, slot by slot, with the rooms of each slot tried in every order. Exponential in
the number of topics: for walls of a dozen topics.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations, permutations

from app.scheduling import Cell, Problem, vote_counts
from app.scheduling.figures import slot_fits

INFINITE = float("inf")


def best_cost(problem: Problem) -> int:
    topics = list(problem.topics)
    index = {topic.id: i for i, topic in enumerate(topics)}
    votes = vote_counts(problem)
    weights = problem.weights
    rooms = list(problem.rooms)
    ballots = [{index[t] for t in ballot if t in index} for ballot in problem.ballots]
    kept = {
        topic_id: cell
        for topic_id, cell in problem.current.items()
        if topic_id in problem.pinned or next(s for s in problem.slots if s.id == cell.slot_id).started
    }

    def slot_cost(slot_number: int, chosen: tuple[int, ...]) -> float:
        slot = problem.slots[slot_number]
        ids = {topics[i].id for i in chosen}
        must = {topic_id for topic_id, cell in kept.items() if cell.slot_id == slot.id}
        if must - ids:
            return INFINITE
        if slot.started and ids != must:
            return INFINITE
        conveners = Counter(convener for i in chosen for convener in topics[i].convener_ids)
        if any(count > 1 for count in conveners.values()):
            return INFINITE
        for i in chosen:
            topic = topics[i]
            if topic.id in kept and kept[topic.id].slot_id != slot.id:
                return INFINITE
            if not slot_fits(topic, slot.starts_at, slot.ends_at):
                return INFINITE
            if (topic.apart_from & ids) or any(topic.id in topics[j].apart_from for j in chosen):
                return INFINITE
        torn = sum(max(0, len(ballot & set(chosen)) - 1) for ballot in ballots)
        themes = Counter(topics[i].theme_id for i in chosen if topics[i].theme_id is not None)
        clashes = sum(count * (count - 1) // 2 for count in themes.values())
        best = INFINITE
        for seating in permutations(rooms, len(chosen)):
            cost = 0
            for i, room in zip(chosen, seating, strict=True):
                topic = topics[i]
                cell = Cell(room_id=room.id, slot_id=slot.id)
                if topic.min_room_capacity is not None and room.capacity < topic.min_room_capacity:
                    cost = INFINITE
                    break
                if topic.id in kept and kept[topic.id] != cell:
                    cost = INFINITE
                    break
                cost += weights.seat_short * max(0, votes[topic.id] - room.capacity)
                if topic.id in problem.current and problem.current[topic.id] != cell:
                    cost += weights.move
            best = min(best, cost)
        return weights.torn * torn + weights.theme_clash * clashes + best

    costs = [
        {
            chosen: slot_cost(s, chosen)
            for size in range(len(rooms) + 1)
            for chosen in combinations(range(len(topics)), size)
        }
        for s in range(len(problem.slots))
    ]
    layer: dict[int, float] = {0: 0.0}
    for s in range(len(problem.slots)):
        nxt: dict[int, float] = {}
        for used, so_far in layer.items():
            for chosen, cost in costs[s].items():
                if cost == INFINITE:
                    continue
                mask = sum(1 << i for i in chosen)
                if mask & used:
                    continue
                total = so_far + cost
                key = used | mask
                if total < nxt.get(key, INFINITE):
                    nxt[key] = total
        layer = nxt
    best = INFINITE
    for used, cost in layer.items():
        off = [i for i in range(len(topics)) if not used >> i & 1]
        if any(topics[i].id in kept for i in off):
            continue
        total = cost + sum(
            weights.left_off_vote * (votes[topics[i].id] + 1) + (weights.move if topics[i].id in problem.current else 0)
            for i in off
        )
        best = min(best, total)
    assert best != INFINITE, "the oracle found no legal wall"
    return int(best)
