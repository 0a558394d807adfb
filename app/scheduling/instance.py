"""The problem checked and turned into arrays: indices for topics, rooms and slots, and what each topic allows.

Everything the search needs many times is computed once here. Checking happens here too, so that a
problem that cannot be scheduled is refused with a sentence before any search starts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

from app.scheduling.figures import slot_fits, vote_counts
from app.scheduling.problem import Cell, Problem, ProblemError, Topic

# A topic that is not on the wall sits in this extra column of the slot axis: moving it on or off
# the wall is then the same kind of step as moving it between slots.
OFF_WALL = -1

# Within a slot, topics go to rooms by minimising (seats short, rooms changed) and then, as a tie-break
# worth less than one seat, by maximising dots x capacity: the biggest rooms to the most popular topics.
_TIE_BREAK_SCALE = 1 << 32
_NO_ROOM = 1 << 40


def clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def topic_name(topic: Topic) -> str:
    return f"“{topic.title}”" if topic.title else f"topic {topic.id}"


@dataclass(frozen=True)
class SlotRooms:
    """The best way to seat one slot's movable topics: its cost and each topic's room index."""

    cost: int
    rooms: tuple[int, ...]  # aligned with the members tuple it was computed for


class Instance:
    """A checked problem as indices. Topics `0..T-1`, rooms `0..R-1` biggest first, slots `0..S-1` in time
    order; column `S` of the slot axis is "off the wall"."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.weights = problem.weights
        _refuse_unschedulable(problem)

        self.topics = list(problem.topics)
        self.rooms = sorted(problem.rooms, key=lambda room: (-room.capacity, room.id))
        self.slots = sorted(problem.slots, key=lambda slot: (slot.starts_at, slot.id))
        self.T, self.R, self.S = len(self.topics), len(self.rooms), len(self.slots)
        self.off = self.S
        self.topic_index = {topic.id: i for i, topic in enumerate(self.topics)}
        self.room_index = {room.id: i for i, room in enumerate(self.rooms)}
        self.slot_index = {slot.id: i for i, slot in enumerate(self.slots)}
        self.capacity = [room.capacity for room in self.rooms]

        counts = vote_counts(problem)
        self.votes = [counts[topic.id] for topic in self.topics]
        self.value = [v + 1 for v in self.votes]  # what leaving the topic off costs, in left_off_vote units
        self.value_array = np.array(self.value, dtype=np.int64)
        self.min_capacity = [topic.min_room_capacity or 0 for topic in self.topics]
        # Everyone who convenes each topic (its convener and co-conveners): two topics sharing one never share a slot.
        self.conveners = [topic.convener_ids for topic in self.topics]
        self.apart = [
            frozenset(self.topic_index[other] for other in topic.apart_from if other in self.topic_index)
            for topic in self.topics
        ]
        # Themes as indices 0..H-1; row H of the wall's theme counts is "no theme", which never clashes.
        theme_ids = sorted({topic.theme_id for topic in self.topics if topic.theme_id is not None})
        self.H = len(theme_ids)
        theme_index = {theme_id: h for h, theme_id in enumerate(theme_ids)}
        self.theme = [self.H if topic.theme_id is None else theme_index[topic.theme_id] for topic in self.topics]
        self.theme_array = np.array(self.theme, dtype=np.int64)
        self.themed_array = (self.theme_array != self.H).astype(np.int64)
        # apart_from is a symmetric rule even when only one side states it.
        for i, others in enumerate(list(self.apart)):
            for j in others:
                if i not in self.apart[j]:
                    self.apart[j] = self.apart[j] | {i}

        # The current wall, and what may not change: pins, and every session of a started slot.
        self.current: list[tuple[int, int] | None] = [None] * self.T
        for topic_id, cell in problem.current.items():
            self.current[self.topic_index[topic_id]] = (self.room_index[cell.room_id], self.slot_index[cell.slot_id])
        started = [slot.started for slot in self.slots]
        self.fixed: list[tuple[int, int] | None] = [
            cell if cell is not None and (self.topics[i].id in problem.pinned or started[cell[1]]) else None
            for i, cell in enumerate(self.current)
        ]
        self.movable = [i for i in range(self.T) if self.fixed[i] is None]
        taken = {cell for cell in self.fixed if cell is not None}
        self.free_rooms: list[tuple[int, ...]] = [
            () if started[s] else tuple(r for r in range(self.R) if (r, s) not in taken) for s in range(self.S)
        ]
        self.current_slot = [cell[1] if cell is not None else None for cell in self.current]
        # The same as arrays, for pricing many steps at once (-1: not on the current wall).
        self.current_slot_array = np.array([-1 if s is None else s for s in self.current_slot], dtype=np.int64)
        self.movable_array = np.array(self.movable, dtype=np.int64)
        self.room_count = np.array([len(rooms) for rooms in self.free_rooms], dtype=np.int64)

        # allowed[t][s]: the topic's times, room size and the slot's state let it go there at all.
        self.allowed = np.zeros((self.T, self.S + 1), dtype=bool)
        self.allowed[:, self.off] = True
        for i in self.movable:
            topic = self.topics[i]
            for s, slot in enumerate(self.slots):
                rooms = self.free_rooms[s]
                self.allowed[i, s] = (
                    bool(rooms)
                    and slot_fits(topic, slot.starts_at, slot.ends_at)
                    and self.capacity[rooms[0]] >= self.min_capacity[i]
                )
        for i, kept in enumerate(self.fixed):
            if kept is not None:
                self.allowed[i, :] = False
                self.allowed[i, kept[1]] = True

        self._check_fixed_cells()
        self.fixed_cost = self.weights.seat_short * sum(
            max(0, self.votes[i] - self.capacity[cell[0]]) for i, cell in enumerate(self.fixed) if cell is not None
        )

        self._incidence(problem)
        self._slot_rooms_cache: dict[tuple[int, tuple[int, ...]], SlotRooms | None] = {}

    def _incidence(self, problem: Problem) -> None:
        """Attendees with two or more dots here, as a sparse topic × attendee matrix (the only ones who can be torn)."""
        rows: list[int] = []
        cols: list[int] = []
        attendee = 0
        for ballot in problem.ballots:
            mine = sorted({self.topic_index[t] for t in ballot if t in self.topic_index})
            if len(mine) < 2:
                continue
            rows.extend(mine)
            cols.extend([attendee] * len(mine))
            attendee += 1
        self.A = attendee
        data = np.ones(len(rows), dtype=np.int32)
        self.incidence = csr_matrix((data, (rows, cols)), shape=(self.T, max(self.A, 1)), dtype=np.int32)
        self.voters = [
            self.incidence.indices[self.incidence.indptr[t] : self.incidence.indptr[t + 1]] for t in range(self.T)
        ]
        # co_votes[t, u]: attendees who dotted both.
        self.co_votes = (self.incidence @ self.incidence.T).toarray()

    def _check_fixed_cells(self) -> None:
        cells: dict[tuple[int, int], int] = {}
        conveners: dict[tuple[int, int], int] = {}
        for i, cell in enumerate(self.fixed):
            if cell is None:
                continue
            topic = self.topics[i]
            slot = self.slots[cell[1]]
            if cell in cells:
                raise ProblemError(
                    f"{topic_name(self.topics[cells[cell]])} and {topic_name(topic)} are kept in the same cell: "
                    "unpin one of them."
                )
            cells[cell] = i
            why = "pinned" if topic.id in self.problem.pinned else "in a slot that has started"
            if not slot_fits(topic, slot.starts_at, slot.ends_at):
                raise ProblemError(
                    f"{topic_name(topic)} is {why} at {clock(slot.starts_at)}, outside its own "
                    "“not before / not after” times: change its times or unpin it."
                )
            if self.capacity[cell[0]] < self.min_capacity[i]:
                raise ProblemError(
                    f"{topic_name(topic)} is {why} in {self.rooms[cell[0]].name or 'a room'} for "
                    f"{self.capacity[cell[0]]}, but needs a room for {self.min_capacity[i]}: change one or unpin it."
                )
            for convener in sorted(self.conveners[i]):
                key = (convener, cell[1])
                if key in conveners:
                    raise ProblemError(
                        f"{topic_name(self.topics[conveners[key]])} and {topic_name(topic)} have the same convener "
                        f"and are kept in the same slot ({clock(slot.starts_at)}): unpin one of them."
                    )
                conveners[key] = i
        for i, cell in enumerate(self.fixed):
            if cell is None:
                continue
            for j in self.apart[i]:
                other = self.fixed[j]
                if other is not None and other[1] == cell[1] and i < j:
                    raise ProblemError(
                        f"{topic_name(self.topics[i])} must not share a slot with {topic_name(self.topics[j])}, "
                        f"but both are kept at {clock(self.slots[cell[1]].starts_at)}: "
                        "unpin one or drop that constraint."
                    )

    # Seating one slot

    def slot_rooms(self, s: int, members: tuple[int, ...]) -> SlotRooms | None:
        """Seat these movable topics in slot `s`'s free rooms at least cost, or None when they cannot all fit.

        Cost: seats short (dots beyond capacity) and, for a topic already in this slot, a move when its room
        changes. Sorting by dots onto rooms by size is optimal for seats short alone; pins, room-size needs
        and rooms already published need the assignment solver.
        """
        key = (s, members)
        cached = self._slot_rooms_cache.get(key, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        result = self._seat(s, members)
        if len(self._slot_rooms_cache) > 400_000:
            self._slot_rooms_cache.clear()
        self._slot_rooms_cache[key] = result
        return result

    def _seat(self, s: int, members: tuple[int, ...]) -> SlotRooms | None:
        free = self.free_rooms[s]
        if len(members) > len(free):
            return None
        if not members:
            return SlotRooms(0, ())
        order = sorted(range(len(members)), key=lambda k: (-self.votes[members[k]], members[k]))
        rooms = [0] * len(members)
        for rank, k in enumerate(order):
            rooms[k] = free[rank]
        simple = all(
            self.capacity[rooms[k]] >= self.min_capacity[t] and self.current_slot[t] != s for k, t in enumerate(members)
        )
        if not simple:
            costs = np.empty((len(members), len(free)), dtype=np.float64)
            for k, t in enumerate(members):
                for c, r in enumerate(free):
                    if self.capacity[r] < self.min_capacity[t]:
                        costs[k, c] = float(_NO_ROOM) * _TIE_BREAK_SCALE
                        continue
                    primary = self._seat_cost(t, r, s)
                    costs[k, c] = float(primary * _TIE_BREAK_SCALE - self.votes[t] * self.capacity[r])
            row_ind, col_ind = linear_sum_assignment(costs)
            for k, c in zip(row_ind, col_ind, strict=True):
                rooms[int(k)] = free[int(c)]
            if any(self.capacity[rooms[k]] < self.min_capacity[t] for k, t in enumerate(members)):
                return None
        cost = sum(self._seat_cost(t, rooms[k], s) for k, t in enumerate(members))
        return SlotRooms(cost, tuple(rooms))

    def _seat_cost(self, t: int, r: int, s: int) -> int:
        cost = self.weights.seat_short * max(0, self.votes[t] - self.capacity[r])
        current = self.current[t]
        if current is not None and current[1] == s and current[0] != r:
            cost += self.weights.move
        return cost

    def slot_move_cost(self, t: int, s: int) -> int:
        """A published topic that leaves its slot (or the wall) is moved; a room change within it is the seating's."""
        current_slot = self.current_slot[t]
        return self.weights.move if current_slot is not None and current_slot != s else 0

    def moved_cost(self, t: int | npt.NDArray[np.int64], s: int | npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`slot_move_cost` for arrays of topics and slots (either may be one number)."""
        current = self.current_slot_array[t]
        return np.asarray(self.weights.move * ((current >= 0) & (current != s)), dtype=np.int64)

    def cell(self, r: int, s: int) -> Cell:
        return Cell(room_id=self.rooms[r].id, slot_id=self.slots[s].id)


def _refuse_unschedulable(problem: Problem) -> None:
    """The bad inputs the facilitator must fix first, each named in one sentence."""
    if not problem.rooms:
        raise ProblemError("There are no rooms yet: add the rooms, with how many people each holds, before scheduling.")
    if not problem.slots:
        raise ProblemError("There are no session slots yet: add time slots for sessions before scheduling.")
    for room in problem.rooms:
        if room.capacity < 1:
            raise ProblemError(
                f"{room.name or 'A room'} holds {room.capacity} people: give every room a capacity of 1 or more."
            )
    topics = {topic.id: topic for topic in problem.topics}
    rooms = {room.id for room in problem.rooms}
    slots = {slot.id for slot in problem.slots}
    for topic in problem.topics:
        if topic.not_before is not None and topic.not_after is not None and topic.not_before >= topic.not_after:
            raise ProblemError(
                f"{topic_name(topic)} must start at or after {clock(topic.not_before)} and end by "
                f"{clock(topic.not_after)}: no slot can do both. Change its times."
            )
        if topic.id in topic.apart_from:
            raise ProblemError(f"{topic_name(topic)} is set to be apart from itself: remove that constraint.")
    for topic_id, cell in problem.current.items():
        if topic_id not in topics:
            raise ProblemError(f"Topic {topic_id} is on the wall but is not one of the topics to schedule.")
        if cell.room_id not in rooms or cell.slot_id not in slots:
            raise ProblemError(f"{topic_name(topics[topic_id])} is on the wall in a cell that is not a session cell.")
    for topic_id in problem.pinned:
        if topic_id not in problem.current:
            raise ProblemError(
                f"{topic_name(topics.get(topic_id) or Topic(id=topic_id))} is pinned but not on the wall."
            )
    cells = len(problem.rooms) * len(problem.slots)
    if len(problem.pinned) > cells:
        raise ProblemError(f"{len(problem.pinned)} topics are pinned but the wall has only {cells} session cells.")
    per_convener = Counter(convener_id for topic in problem.topics for convener_id in topic.convener_ids)
    for convener_id, count in per_convener.items():
        if count > len(problem.slots):
            who = next(
                (name for t in problem.topics if convener_id in t.convener_ids if (name := t.name_of(convener_id))),
                "One convener",
            )
            raise ProblemError(
                f"{who} convenes {count} topics but there are only {len(problem.slots)} session slots, and nobody can "
                "run two sessions at once: merge, withdraw or hand over a topic first."
            )
