"""From votes to a wall: a greedy start, then local search until the time limit, with an exact search
that proves the optimum when the problem is small enough.

Why this method (measured, see docs/architecture.md and bench/scheduler.py): choosing slots is the hard
part, so the search moves topics between slots and seats each slot by itself (`Instance.slot_rooms`).
Each step prices one topic against every slot and every other topic at once from the attendee × slot
counts, which is what lets a 200-topic wall improve thousands of times in a few seconds. A CP-SAT model
of the same objective left large gaps at these sizes in the issue's measurements; the branch and bound
below proves small walls optimal in well under a second.
"""

from __future__ import annotations

import random
import time

import numpy as np

from app.scheduling.figures import evaluate, slot_fits, theme_clashes
from app.scheduling.instance import Instance, clock, topic_name
from app.scheduling.problem import Cell, Move, Problem, Schedule, Topic
from app.scheduling.wall import Step, Wall

# Exact search is tried when this few topics can move (a 2 x 4 wall with 12 topics is proved in
# well under a second; past ~18 the tree outgrows any time limit a facilitator would wait for).
EXACT_SEARCH_TOPICS = 18
# The search stops early when this share of its time has passed without a better wall.
GIVE_UP_AFTER = 0.4
# The share of the time limit the exact search may take before local search has the rest.
EXACT_SEARCH_SHARE = 0.7
# How many of the best-ranked steps for a topic are priced exactly (the ranking is by torn and moves).
STEPS_PRICED = 8


class _OutOfTime(Exception):
    pass


def solve(problem: Problem) -> Schedule:
    """The best wall found within `problem.time_limit` seconds, and whether it is proven optimal."""
    started = time.perf_counter()
    # Keep a little of the limit for writing the answer (reasons, figures): the limit is the caller's.
    limit = max(0.05, problem.time_limit)
    deadline = started + limit - min(0.1, 0.02 * limit)
    inst = Instance(problem)  # raises ProblemError, naming what to fix
    search = _Search(inst, random.Random(problem.seed), deadline)
    search.greedy()
    search.save_if_best()
    exact = len(inst.movable) <= EXACT_SEARCH_TOPICS
    proven = search.best_cost <= search.lower_bound()
    if not proven:
        if exact:
            search.improve(until=min(deadline, started + 0.03 * limit))
            # Most of the time for the proof; if it cannot finish, the rest goes back to local search.
            proven = search.branch_and_bound(until=min(deadline, started + EXACT_SEARCH_SHARE * limit))
        if not proven:
            search.improve(until=deadline)
    return _schedule(inst, search, proven, started)


class _Search:
    def __init__(self, inst: Instance, rng: random.Random, deadline: float) -> None:
        self.inst = inst
        self.rng = rng
        self.noise = np.random.default_rng(rng.randrange(1 << 32))
        self.deadline = deadline
        self.wall = Wall(inst)
        self.best = self.wall.snapshot()
        self.best_cost = self.wall.cost
        self._nodes = 0  # of the exact search, which stops at `_until`
        self._until = deadline

    def save_if_best(self) -> bool:
        if self.wall.cost < self.best_cost:
            self.best, self.best_cost = self.wall.snapshot(), self.wall.cost
            return True
        return False

    def lower_bound(self) -> int:
        """No wall costs less than leaving off what cannot fit, with nobody torn or short, nothing moved and
        no theme clash beyond those of the kept sessions."""
        inst = self.inst
        cells = sum(len(rooms) for rooms in inst.free_rooms)
        values = sorted((inst.value[t] for t in inst.movable if inst.allowed[t, : inst.S].any()), reverse=True)
        unplaceable = sum(inst.value[t] for t in inst.movable if not inst.allowed[t, : inst.S].any())
        kept_clashes = theme_clashes(
            inst.problem, {inst.topics[t].id: inst.cell(*c) for t, c in enumerate(inst.fixed) if c}
        )
        return (
            inst.fixed_cost
            + inst.weights.theme_clash * kept_clashes
            + inst.weights.left_off_vote * (sum(values[cells:]) + unplaceable)
        )

    # The greedy start: most dots first, each into its cheapest slot.

    def greedy(self) -> None:
        inst, wall = self.inst, self.wall
        for t in sorted(inst.movable, key=lambda t: (-inst.value[t], t)):
            torn = wall.move_torn(t)
            steps = [wall.price_move(t, s, int(torn[s])) for s in range(inst.S)]
            best = min((step for step in steps if step is not None), key=lambda step: step.delta, default=None)
            if best is not None and best.delta < 0:
                wall.apply(best)

    # Local search with kicks (iterated local search), keeping the best wall seen.

    def improve(self, until: float) -> None:
        inst, wall = self.inst, self.wall
        if not inst.movable:
            return
        last_gain = time.perf_counter()
        patience = max(1.0, GIVE_UP_AFTER * (until - last_gain))
        kicks = 0
        while time.perf_counter() < until:
            improved = False
            for t in self.rng.sample(inst.movable, len(inst.movable)):
                if time.perf_counter() >= until:
                    break
                step = self.best_step(t)
                if step is not None and step.delta < 0:
                    wall.apply(step)
                    improved = True
            if improved:
                continue
            # A local optimum: keep it if it is the best so far, else go back to the best; then kick.
            if self.save_if_best():
                last_gain = time.perf_counter()
                kicks = 0
            elif wall.cost > self.best_cost:
                wall.restore(self.best)
            if time.perf_counter() - last_gain > patience:
                break
            kicks += 1
            self.kick(2 + kicks % 6)
        if not self.save_if_best() and wall.cost > self.best_cost:
            wall.restore(self.best)

    def best_step(self, t: int) -> Step | None:
        """The cheapest step for topic t: to another slot, onto or off the wall, or trading places."""
        inst, wall = self.inst, self.wall
        at = int(wall.slot_of[t])
        weights = inst.weights
        off = inst.off
        # Rank every candidate by what the vectors price exactly (torn, moves, dots left off), then
        # price the best few in full (rules, seating).
        slots = np.arange(inst.S + 1)
        room_left = np.append(inst.room_count - wall.member_count(), 1) > 0
        to_slot = slots[inst.allowed[t] & (slots != at) & room_left]
        move_torn = wall.move_torn(t)[to_slot]
        move_rough = (
            weights.torn * move_torn
            + inst.moved_cost(t, to_slot)
            - inst.moved_cost(t, at)
            + weights.left_off_vote * inst.value[t] * ((to_slot == off).astype(np.int64) - int(at == off))
        )
        spread = inst.H > 0 and weights.theme_clash > 0  # no themes: not a cent of work on them
        if spread:
            move_rough = move_rough + weights.theme_clash * wall.move_theme(t)[to_slot]
        movable = inst.movable_array
        where = wall.slot_of[movable]
        ok = (movable != t) & (where != at) & inst.allowed[t, where] & inst.allowed[movable, at]
        if at == off:
            ok &= where != off
        others = movable[ok]
        swap_torn = np.zeros(0, dtype=np.int64)
        swap_rough = np.zeros(0, dtype=np.int64)
        if len(others):
            b = where[ok]
            swap_torn = wall.swap_torn(t, others)
            value_gap = inst.value_array[others] - inst.value[t]
            swap_rough = (
                weights.torn * swap_torn
                + inst.moved_cost(t, b)
                - inst.moved_cost(t, at)
                + inst.moved_cost(others, at)
                - inst.moved_cost(others, b)
                + weights.left_off_vote * value_gap * (int(at == off) - (b == off).astype(np.int64))
            )
            if spread:
                swap_rough = swap_rough + weights.theme_clash * wall.swap_theme(t, others, b)
        rough = np.concatenate([move_rough, swap_rough])
        if not len(rough):
            return None
        # The best few by rough price, ties in random order.
        shortlist = min(len(rough), 3 * STEPS_PRICED)
        noise = self.noise.random(len(rough))
        if shortlist < len(rough):
            chosen = np.argpartition(rough + noise * 0.5, shortlist - 1)[:shortlist]
        else:
            chosen = np.arange(len(rough))
        chosen = chosen[np.lexsort((noise[chosen], rough[chosen]))]
        best: Step | None = None
        priced = 0
        moves = len(to_slot)
        for k in chosen.tolist():
            if k < moves:
                step = wall.price_move(t, int(to_slot[k]), int(move_torn[k]))
            else:
                step = wall.price_swap(t, int(others[k - moves]), int(swap_torn[k - moves]))
            if step is None:
                continue
            if best is None or step.delta < best.delta:
                best = step
            priced += 1
            if priced >= STEPS_PRICED:
                break
        return best

    def kick(self, size: int) -> None:
        """Random legal steps among placed topics, whatever they cost, to leave a local optimum."""
        inst, wall = self.inst, self.wall
        placed = [t for t in inst.movable if wall.slot_of[t] != inst.off]
        if len(placed) < 2:
            return
        for _ in range(size * 4):
            if size <= 0:
                break
            t, u = self.rng.sample(placed, 2)
            step: Step | None = None
            if self.rng.random() < 0.5:
                step = wall.price_swap(t, u, int(wall.swap_torn(t, np.array([u], dtype=np.int64))[0]))
            else:
                s = self.rng.randrange(inst.S)
                if s != wall.slot_of[t] and len(wall.members[s]) < len(inst.free_rooms[s]):
                    step = wall.price_move(t, s, int(wall.move_torn(t)[s]))
            if step is not None:
                wall.apply(step)
                size -= 1

    # Exact search, for proof on small walls

    def branch_and_bound(self, until: float) -> bool:
        """Try every slot for every movable topic, most dots first, pruning with a bound. True when finished
        (the best wall is then optimal); False when the time ran out first."""
        inst = self.inst
        self.wall.restore(self.best)
        order = sorted(inst.movable, key=lambda t: (-inst.value[t], t))
        # Start from every movable topic off the wall.
        empty = self.wall.snapshot()
        for t in order:
            empty[t] = inst.off
        self.wall.restore(empty)
        suffix = [0] * (len(order) + 1)
        for i in range(len(order) - 1, -1, -1):
            suffix[i] = suffix[i + 1] + inst.value[order[i]]
        twins = self._interchangeable_slots()
        self._nodes = 0
        self._until = until
        try:
            self._branch(order, 0, suffix, twins)
        except _OutOfTime:
            self.wall.restore(self.best)
            return False
        self.wall.restore(self.best)
        return True

    def _branch(self, order: list[int], i: int, suffix: list[int], twins: list[int]) -> None:
        inst, wall, weights = self.inst, self.wall, self.inst.weights
        self._nodes += 1
        if self._nodes % 256 == 0 and time.perf_counter() > self._until:
            raise _OutOfTime
        if i == len(order):
            self.save_if_best()
            return
        # What is decided costs at least wall.cost minus the undecided topics' off-wall charges; of the
        # undecided, those beyond the free cells stay off whatever happens.
        undecided_off = sum(weights.left_off_vote * inst.value[t] + inst.slot_move_cost(t, inst.off) for t in order[i:])
        free_cells = sum(len(inst.free_rooms[s]) - len(wall.members[s]) for s in range(inst.S))
        bound = wall.cost - undecided_off + weights.left_off_vote * suffix[min(len(order), i + free_cells)]
        if bound >= self.best_cost:
            return
        t = order[i]
        torn = wall.move_torn(t)
        options: list[Step] = []
        for s in range(inst.S):
            if len(wall.members[s]) >= len(inst.free_rooms[s]):
                continue
            if not wall.everyone[s] and any(twins[e] == twins[s] and not wall.everyone[e] for e in range(s)):
                continue  # an identical earlier slot is empty too: placing there gives the same walls
            step = wall.price_move(t, s, int(torn[s]))
            if step is not None:
                options.append(step)
        options.sort(key=lambda step: step.delta)
        options.append(Step(t, inst.off, None, 0, 0, None, None))  # leaving it off: already priced in
        for step in options:
            if step.to != inst.off:
                wall.apply(step)
            self._branch(order, i + 1, suffix, twins)
            if step.to != inst.off:
                back = wall.price_move(t, inst.off, -self._torn_of_leaving(t))
                assert back is not None
                wall.apply(back)

    def _torn_of_leaving(self, t: int) -> int:
        """How many fewer torn attendees when t leaves its slot."""
        at = int(self.wall.slot_of[t])
        voters = self.inst.voters[t]
        return int((self.wall.n[voters, at] >= 2).sum())

    def _interchangeable_slots(self) -> list[int]:
        """For each slot, the first slot that is the same for the search: same free rooms, nothing kept or
        published in either, and every topic allowed in both or neither."""
        inst = self.inst
        published = {s for s in inst.current_slot if s is not None}
        twins = list(range(inst.S))
        for s in range(inst.S):
            if s in published or len(inst.free_rooms[s]) != inst.R:
                continue
            for earlier in range(s):
                if (
                    twins[earlier] == earlier
                    and earlier not in published
                    and len(inst.free_rooms[earlier]) == inst.R
                    and np.array_equal(inst.allowed[:, earlier], inst.allowed[:, s])
                ):
                    twins[s] = earlier
                    break
        return twins


def _schedule(inst: Instance, search: _Search, proven: bool, started: float) -> Schedule:
    problem = inst.problem
    wall = search.wall
    wall.restore(search.best)
    placements: dict[int, Cell] = {}
    for t in range(inst.T):
        fixed = inst.fixed[t]
        if fixed is not None:
            placements[inst.topics[t].id] = inst.cell(*fixed)
    for s in range(inst.S):
        members = wall.members_of(s)
        seating = inst.slot_rooms(s, members)
        assert seating is not None
        for t, r in zip(members, seating.rooms, strict=True):
            placements[inst.topics[t].id] = inst.cell(r, s)
    moves = tuple(
        Move(topic_id=topic_id, before=before, after=placements.get(topic_id))
        for topic_id, before in problem.current.items()
        if placements.get(topic_id) != before
    ) + tuple(
        Move(topic_id=topic_id, before=None, after=cell)
        for topic_id, cell in placements.items()
        if topic_id not in problem.current
    )
    figures = evaluate(problem, placements)
    left_off = _reasons(inst, placements)
    return Schedule(
        placements=placements,
        figures=figures,
        moves=moves,
        left_off=left_off,
        proven_optimal=proven,
        seconds=time.perf_counter() - started,
    )


def _reasons(inst: Instance, placements: dict[int, Cell]) -> dict[int, str]:
    """Why each topic is not on the wall, in the words a facilitator would use."""
    slot_index = inst.slot_index
    in_slot: list[list[int]] = [[] for _ in range(inst.S)]
    for topic_id, cell in placements.items():
        in_slot[slot_index[cell.slot_id]].append(inst.topic_index[topic_id])
    reasons: dict[int, str] = {}
    biggest = inst.capacity[0]
    for t in range(inst.T):
        topic = inst.topics[t]
        if topic.id in placements:
            continue
        if inst.min_capacity[t] > biggest:
            reasons[topic.id] = f"It needs a room for {inst.min_capacity[t]}; the biggest room holds {biggest}."
            continue
        fitting = [s for s in range(inst.S) if inst.allowed[t, s]]
        if not fitting:
            in_time = [s for s, slot in enumerate(inst.slots) if slot_fits(topic, slot.starts_at, slot.ends_at)]
            if not in_time:
                reasons[topic.id] = _times(topic) + " No session slot fits those times."
            elif all(inst.slots[s].started for s in in_time):
                reasons[topic.id] = "Every slot its times allow has started already."
            else:
                reasons[topic.id] = (
                    f"It needs a room for {inst.min_capacity[t]}; in the slots it could take, the big enough "
                    "rooms are pinned."
                )
            continue
        convener_busy = [s for s in fitting if any(inst.conveners[o] & inst.conveners[t] for o in in_slot[s])]
        kept_apart = [s for s in fitting if inst.apart[t] & set(in_slot[s])]
        blocked = set(convener_busy) | set(kept_apart)
        if blocked == set(fitting):
            if convener_busy and topic.co_conveners:
                reasons[topic.id] = "One of its conveners already runs a session in every slot it could take."
            elif convener_busy:
                who = topic.convener_name or "Its convener"
                reasons[topic.id] = f"{who} already runs a session in every slot it could take."
            else:
                names = ", ".join(topic_name(inst.topics[o]) for o in sorted(inst.apart[t])[:3])
                reasons[topic.id] = f"It must not share a slot with {names}, which fill every slot it could take."
            continue
        open_slots = [s for s in fitting if s not in blocked]
        rivals = [o for s in open_slots for o in in_slot[s] if inst.fixed[o] is None]
        if not rivals:
            reasons[topic.id] = "Every cell it could take is pinned or has started."
            continue
        fewest = min(inst.votes[o] for o in rivals)
        reasons[topic.id] = (
            f"The wall is full: every cell it could take holds a topic with at least {_dots(fewest)}; "
            f"it has {_dots(inst.votes[t])}."
            if inst.votes[t] <= fewest
            else "Placing it would have broken a pin, a convener's other session or a topic constraint elsewhere."
        )
    return reasons


def _dots(count: int) -> str:
    return f"{count} dot" if count == 1 else f"{count} dots"


def _times(topic: Topic) -> str:
    parts = []
    if topic.not_before is not None:
        parts.append(f"not before {clock(topic.not_before)}")
    if topic.not_after is not None:
        parts.append(f"not after {clock(topic.not_after)}")
    return ("It runs " + " and ".join(parts) + ".") if parts else ""
