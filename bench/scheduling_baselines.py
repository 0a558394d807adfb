"""What the auto-scheduler is measured against: a facilitator's greedy wall, simulated annealing, a random wall,
and (for the small walls) a brute force.

Each returns plain placements (topic id → cell); `bench/scheduler.py` scores them with `evaluate` and
`violations` only, never with a method's own bookkeeping. All of them keep the hard rules: a free cell,
no convener twice in a slot, not-before/not-after, the minimum room, keep-apart topics, pinned topics and
started slots untouched.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Iterator

import numpy as np

from app.scheduling.figures import slot_fits, vote_counts
from app.scheduling.problem import Cell, Problem


class Wall:
    """A wall being filled by hand, which answers whether a topic may go into a cell under the hard rules."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.topics = {topic.id: topic for topic in problem.topics}
        self.votes = vote_counts(problem)
        rooms = sorted(problem.rooms, key=lambda room: (-room.capacity, room.id))
        self.capacity = {room.id: room.capacity for room in rooms}
        self.slots = sorted(problem.slots, key=lambda slot: slot.starts_at)
        self.cells = [Cell(room.id, slot.id) for slot in self.slots for room in rooms]  # time order, biggest first
        started = {slot.id for slot in problem.slots if slot.started}
        self.frozen_topics = set(problem.pinned) | {t for t, c in problem.current.items() if c.slot_id in started}
        self.frozen_cells = {c for c in self.cells if c.slot_id in started}
        self.apart: dict[int, set[int]] = {topic.id: set(topic.apart_from) for topic in problem.topics}
        for topic in problem.topics:
            for other in topic.apart_from:
                self.apart.setdefault(other, set()).add(topic.id)
        slot_of = {slot.id: slot for slot in self.slots}
        self.allowed: dict[int, set[Cell]] = {
            topic.id: {
                cell
                for cell in self.cells
                if cell not in self.frozen_cells
                and slot_fits(topic, slot_of[cell.slot_id].starts_at, slot_of[cell.slot_id].ends_at)
                and (topic.min_room_capacity is None or self.capacity[cell.room_id] >= topic.min_room_capacity)
            }
            for topic in problem.topics
        }
        self.placements: dict[int, Cell] = {}
        self.occupant: dict[Cell, int] = {}
        self.conveners: dict[int, Counter[int]] = {slot.id: Counter() for slot in self.slots}
        self.in_slot: dict[int, set[int]] = {slot.id: set() for slot in self.slots}
        for topic_id in sorted(self.frozen_topics):
            self.place(topic_id, problem.current[topic_id])

    def movable(self) -> list[int]:
        return [topic.id for topic in self.problem.topics if topic.id not in self.frozen_topics]

    def free_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell not in self.occupant and cell not in self.frozen_cells]

    def fits(self, topic_id: int, cell: Cell, leaving: tuple[int, ...] = ()) -> bool:
        """The topic may go into the cell once the `leaving` topics have left it and its slot."""
        if cell not in self.allowed[topic_id]:
            return False
        occupant = self.occupant.get(cell)
        if occupant is not None and occupant not in leaving and occupant != topic_id:
            return False
        others = self.in_slot[cell.slot_id] - {topic_id, *leaving}
        if self.apart[topic_id] & others:
            return False
        conveners = self.topics[topic_id].convener_ids  # co-conveners too
        return not any(self.topics[other].convener_ids & conveners for other in others)

    def place(self, topic_id: int, cell: Cell) -> None:
        self.placements[topic_id] = cell
        self.occupant[cell] = topic_id
        self.in_slot[cell.slot_id].add(topic_id)

    def remove(self, topic_id: int) -> Cell:
        cell = self.placements.pop(topic_id)
        del self.occupant[cell]
        self.in_slot[cell.slot_id].discard(topic_id)
        return cell


def by_votes(wall: Wall, topic_ids: list[int]) -> list[int]:
    return sorted(topic_ids, key=lambda t: (-wall.votes[t], t))


def greedy(problem: Problem) -> dict[int, Cell]:
    """A facilitator with sticky notes: most dots first, each into the biggest free room of the earliest slot
    where it fits (no convener clash, its own constraints kept; torn attendees and themes not looked at)."""
    wall = Wall(problem)
    for topic_id in by_votes(wall, wall.movable()):
        cell = next((c for c in wall.cells if c not in wall.occupant and wall.fits(topic_id, c)), None)
        if cell is not None:
            wall.place(topic_id, cell)
    return wall.placements


def random_wall(problem: Problem, seed: int) -> dict[int, Cell]:
    """The top-dotted topics (as many as free cells), each into a random free cell where it fits; when one fits
    nowhere, the next topic by dots takes its place."""
    rng = random.Random(seed)
    wall = Wall(problem)
    ranked = by_votes(wall, wall.movable())
    cells = len(wall.free_cells())
    chosen, rest = ranked[:cells], ranked[cells:]
    rng.shuffle(chosen)
    for topic_id in chosen + rest:
        free = wall.free_cells()
        if not free:
            break
        fitting = [c for c in free if wall.fits(topic_id, c)]
        if fitting:
            wall.place(topic_id, rng.choice(fitting))
    return wall.placements


class Pool:
    """A set to draw from at random in O(1): a list plus each item's index in it."""

    def __init__(self) -> None:
        self.items: list[int] = []
        self.index: dict[int, int] = {}

    def add(self, item: int) -> None:
        self.index[item] = len(self.items)
        self.items.append(item)

    def discard(self, item: int) -> None:
        i = self.index.pop(item)
        last = self.items.pop()
        if last != item:
            self.items[i] = last
            self.index[last] = i


class Annealing:
    """Simulated annealing as community unconference tools do it, on the cost `evaluate` computes.

    A state is a feasible wall. Moves: a topic (on the wall or not) into a free cell, two placed topics swap
    cells, a placed and an unplaced topic swap (the unplaced one takes the cell). Deltas are incremental: per
    slot, how many of each attendee's dotted topics it holds (a numpy row per slot), so a move costs a few
    vector operations on its topics' voters. Geometric cooling over the time limit; the best wall seen wins.
    """

    def __init__(self, problem: Problem, seed: int) -> None:
        self.problem = problem
        self.rng = random.Random(seed)
        self.wall = Wall(problem)
        w = problem.weights
        self.weights = w
        known = {topic.id for topic in problem.topics}
        voters: dict[int, list[int]] = {topic.id: [] for topic in problem.topics}
        for attendee, ballot in enumerate(problem.ballots):
            for topic_id in set(ballot):
                if topic_id in known:
                    voters[topic_id].append(attendee)
        self.voters = {t: np.array(v, dtype=np.int64) for t, v in voters.items()}
        self.slot_row = {slot.id: i for i, slot in enumerate(self.wall.slots)}
        self.counts = np.zeros((len(self.wall.slots), max(1, len(problem.ballots))), dtype=np.int32)
        self.theme_of = {topic.id: topic.theme_id for topic in problem.topics}
        self.theme_counts: list[Counter[int]] = [Counter() for _ in self.wall.slots]  # per slot: sessions per theme
        self.off_cost = {t: w.left_off_vote * (v + 1) for t, v in self.wall.votes.items()}
        self.movable = self.wall.movable()
        self.open_cells = [cell for cell in self.wall.cells if cell not in self.wall.frozen_cells]
        self.on, self.off = Pool(), Pool()  # the movable topics on and off the wall
        for topic_id in self.movable:
            self.off.add(topic_id)
        # Start from an empty wall (everything off), then put the pinned and started topics back.
        self.cost = sum(self._seat_and_move(topic.id, None) for topic in problem.topics)
        for topic_id, cell in list(self.wall.placements.items()):
            self.wall.remove(topic_id)
            self.cost += self._add(topic_id, cell)

    # --- cost deltas, applied to the counts as they are computed -------------------------------------

    def _seat_and_move(self, topic_id: int, cell: Cell | None) -> int:
        w = self.weights
        current = self.problem.current.get(topic_id)
        moved = w.move if current is not None and current != cell else 0
        if cell is None:
            return self.off_cost[topic_id] + moved
        short = max(0, self.wall.votes[topic_id] - self.wall.capacity[cell.room_id])
        return w.seat_short * short + moved

    def _add(self, topic_id: int, cell: Cell) -> int:
        row = self.counts[self.slot_row[cell.slot_id]]
        voters = self.voters[topic_id]
        torn = int(np.count_nonzero(row[voters]))
        row[voters] += 1
        clashes = 0
        theme = self.theme_of[topic_id]
        if theme is not None:
            themes = self.theme_counts[self.slot_row[cell.slot_id]]
            clashes = themes[theme]
            themes[theme] += 1
        self.wall.place(topic_id, cell)
        if topic_id in self.off.index:
            self.off.discard(topic_id)
            self.on.add(topic_id)
        return (
            self.weights.torn * torn
            + self.weights.theme_clash * clashes
            + self._seat_and_move(topic_id, cell)
            - self._seat_and_move(topic_id, None)
        )

    def _remove(self, topic_id: int) -> int:
        cell = self.wall.remove(topic_id)
        if topic_id in self.on.index:
            self.on.discard(topic_id)
            self.off.add(topic_id)
        row = self.counts[self.slot_row[cell.slot_id]]
        voters = self.voters[topic_id]
        row[voters] -= 1
        torn = int(np.count_nonzero(row[voters]))
        clashes = 0
        theme = self.theme_of[topic_id]
        if theme is not None:
            themes = self.theme_counts[self.slot_row[cell.slot_id]]
            themes[theme] -= 1
            clashes = themes[theme]
        return (
            -self.weights.torn * torn
            - self.weights.theme_clash * clashes
            + self._seat_and_move(topic_id, None)
            - self._seat_and_move(topic_id, cell)
        )

    # --- moves ---------------------------------------------------------------------------------------

    def _propose(self) -> list[tuple[int, Cell | None]] | None:
        """A feasible move as the cells its topics end up in (None: off the wall), or None if the draw failed."""
        wall, rng = self.wall, self.rng
        kind = rng.random()
        if kind < 0.4:
            # Draw any open cell and give up if it is taken: on a full wall this move is rare, as it should be.
            topic_id = rng.choice(self.movable)
            cell = rng.choice(self.open_cells)
            return [(topic_id, cell)] if cell not in wall.occupant and wall.fits(topic_id, cell) else None
        placed, unplaced = self.on.items, self.off.items
        if kind < 0.8:
            if len(placed) < 2:
                return None
            a, b = rng.sample(placed, 2)
            ca, cb = wall.placements[a], wall.placements[b]
            return [(a, cb), (b, ca)] if wall.fits(a, cb, (b,)) and wall.fits(b, ca, (a,)) else None
        if not placed or not unplaced:
            return None
        a, u = rng.choice(placed), rng.choice(unplaced)
        cell = wall.placements[a]
        return [(a, None), (u, cell)] if wall.fits(u, cell, (a,)) else None

    def _apply(self, move: list[tuple[int, Cell | None]]) -> tuple[int, list[tuple[int, Cell | None]]]:
        """Carry the move out; answer its cost delta and the move that undoes it."""
        undo = [(topic_id, self.wall.placements.get(topic_id)) for topic_id, _ in move]
        delta = 0
        for topic_id, _ in move:
            if topic_id in self.wall.placements:
                delta += self._remove(topic_id)
        for topic_id, cell in move:
            if cell is not None:
                delta += self._add(topic_id, cell)
        return delta, undo

    def initial(self) -> None:
        """A random feasible wall: topics in random order, each into a random free cell where it fits."""
        order = list(self.movable)
        self.rng.shuffle(order)
        for topic_id in order:
            cells = [c for c in self.wall.free_cells() if self.wall.fits(topic_id, c)]
            if cells:
                self.cost += self._add(topic_id, self.rng.choice(cells))

    def run(self, seconds: float) -> tuple[dict[int, Cell], int]:
        """Anneal for `seconds`; answer the best wall seen and the number of moves tried."""
        deadline = time.perf_counter() + seconds
        self.initial()
        # Start hot enough to take the typical uphill move half the time; end where one seat short is rare.
        uphill = []
        for _ in range(200):
            move = self._propose()
            if move is not None:
                delta, undo = self._apply(move)
                self._apply(undo)
                if delta > 0:
                    uphill.append(delta)
        t0 = (sorted(uphill)[len(uphill) // 2] if uphill else 100) / math.log(2)
        t1 = min(self.weights.seat_short, self.weights.torn) / math.log(1000)
        best, best_cost = dict(self.wall.placements), self.cost
        start = time.perf_counter()
        tried = 0
        temperature = t0
        while True:
            if tried % 64 == 0:
                now = time.perf_counter()
                if now >= deadline:
                    break
                temperature = t0 * (t1 / t0) ** min(1.0, (now - start) / max(1e-9, deadline - start))
            tried += 1
            move = self._propose()
            if move is None:
                continue
            delta, undo = self._apply(move)
            if delta <= 0 or self.rng.random() < math.exp(-delta / temperature):
                self.cost += delta
                if self.cost < best_cost:
                    best, best_cost = dict(self.wall.placements), self.cost
            else:
                self._apply(undo)
        return best, tried


def annealing(problem: Problem, seconds: float, seed: int) -> tuple[dict[int, Cell], int]:
    return Annealing(problem, seed).run(seconds)


def brute_force(problem: Problem) -> dict[int, Cell] | None:
    """The cheapest wall by exhaustive search with a bound, for the small walls; None if the problem has a current
    wall, pins, started slots or time windows (then slots are not interchangeable and this would be too slow).

    Topics are taken most dots first; each goes off the wall, into a slot group begun earlier, or begins a new
    group (groups are unlabelled, since the slots are alike). A group's rooms are the best of all assignments.
    The bound: what has been decided so far, plus leaving off the cheapest of the topics that can no longer fit.
    """
    if problem.current or problem.pinned or any(slot.started for slot in problem.slots):
        return None
    if any(topic.not_before or topic.not_after for topic in problem.topics):
        return None
    wall = Wall(problem)
    w = problem.weights
    order = by_votes(wall, [topic.id for topic in problem.topics])
    votes = wall.votes
    masks = {t: 0 for t in order}
    for attendee, ballot in enumerate(problem.ballots):
        for topic_id in set(ballot):
            if topic_id in masks:
                masks[topic_id] |= 1 << attendee
    off = [w.left_off_vote * (votes[t] + 1) for t in order]
    suffix_cheapest = [sorted(off[k:]) for k in range(len(order) + 1)]
    rooms = sorted(problem.rooms, key=lambda room: -room.capacity)
    n_slots, n_rooms = len(problem.slots), len(rooms)

    def seat(group: tuple[int, ...]) -> tuple[int, tuple[int, ...]] | None:
        """The fewest seats short for a group, and the rooms (indices) that give it."""
        best: tuple[int, tuple[int, ...]] | None = None
        for chosen in itertools.permutations(range(n_rooms), len(group)):
            if any(
                (need := wall.topics[t].min_room_capacity) is not None and rooms[r].capacity < need
                for t, r in zip(group, chosen, strict=True)
            ):
                continue
            short = sum(max(0, votes[t] - rooms[r].capacity) for t, r in zip(group, chosen, strict=True))
            if best is None or short < best[0]:
                best = (short, chosen)
        return best

    def same_theme(topic_id: int, group: tuple[int, ...]) -> int:
        theme = wall.topics[topic_id].theme_id
        return 0 if theme is None else sum(wall.topics[other].theme_id == theme for other in group)

    def clash(topic_id: int, group: tuple[int, ...]) -> bool:
        conveners = wall.topics[topic_id].convener_ids  # co-conveners too
        return any(other in wall.apart[topic_id] or wall.topics[other].convener_ids & conveners for other in group)

    best_cost = math.inf
    best_groups: list[tuple[int, ...]] = []

    def search(k: int, groups: list[tuple[int, ...]], seats: list[int], unions: list[int], cost: int) -> None:
        nonlocal best_cost, best_groups
        free = n_slots * n_rooms - sum(len(g) for g in groups)
        must_leave = max(0, len(order) - k - free)
        if cost + w.seat_short * sum(seats) + sum(suffix_cheapest[k][:must_leave]) >= best_cost:
            return
        if k == len(order):
            best_cost, best_groups = cost + w.seat_short * sum(seats), list(groups)
            return
        topic_id = order[k]
        for index in _group_choices(groups, n_slots, n_rooms):
            group = groups[index] if index < len(groups) else ()
            if clash(topic_id, group):
                continue
            seated = seat((*group, topic_id))
            if seated is None:
                continue
            torn = (masks[topic_id] & unions[index]).bit_count() if index < len(groups) else 0
            if index < len(groups):
                groups[index], old_seat, old_union = (*group, topic_id), seats[index], unions[index]
                seats[index], unions[index] = seated[0], old_union | masks[topic_id]
                search(k + 1, groups, seats, unions, cost + w.torn * torn + w.theme_clash * same_theme(topic_id, group))
                groups[index], seats[index], unions[index] = group, old_seat, old_union
            else:
                search(k + 1, [*groups, (topic_id,)], [*seats, seated[0]], [*unions, masks[topic_id]], cost)
        search(k + 1, groups, seats, unions, cost + off[k])

    search(0, [], [], [], 0)
    placements: dict[int, Cell] = {}
    slots = sorted(problem.slots, key=lambda slot: slot.starts_at)
    for slot, group in zip(slots, best_groups, strict=False):
        seated = seat(group)
        assert seated is not None
        for topic_id, r in zip(group, seated[1], strict=True):
            placements[topic_id] = Cell(rooms[r].id, slot.id)
    return placements


def _group_choices(groups: list[tuple[int, ...]], n_slots: int, n_rooms: int) -> Iterator[int]:
    """Indices of the groups with room left, then a new group's index if a slot is left."""
    yield from (i for i, group in enumerate(groups) if len(group) < n_rooms)
    if len(groups) < n_slots:
        yield len(groups)
