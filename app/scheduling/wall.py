"""A wall under search: where each topic is, who is torn, and the cost, all kept up to date step by step.

The cost is the one `figures.evaluate` computes, split so that one step only touches what it changes:

    left_off_vote × (dots + 1) of each topic off the wall
    + torn × torn attendees              (from the attendee × slot counts `n`)
    + each slot's seating cost           (seats short, and rooms changed within the slot: `Instance.slot_rooms`)
    + move × published topics that left their slot or the wall
    + theme_clash × pairs of one theme's sessions in one slot   (from the theme × slot counts)
    + the seats short of kept topics (a constant)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.scheduling.instance import Instance, SlotRooms


@dataclass(frozen=True)
class Step:
    """Move `topic` to slot `to`; when `other` is set, it goes to the topic's old slot (a swap)."""

    topic: int
    to: int
    other: int | None
    delta: int
    torn_delta: int  # the part of `delta` that is torn attendees (before weighting)
    seat_from: SlotRooms | None
    seat_to: SlotRooms | None


class Wall:
    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        S, off = inst.S, inst.off
        self.slot_of = np.full(inst.T, off, dtype=np.int64)
        self.members: list[set[int]] = [set() for _ in range(S + 1)]  # movable topics per slot
        self.everyone: list[set[int]] = [set() for _ in range(S + 1)]  # movable and kept
        self.conveners: list[Counter[int]] = [Counter() for _ in range(S + 1)]
        self.seating: list[SlotRooms] = [SlotRooms(0, ()) for _ in range(S)]
        self.n = np.zeros((max(inst.A, 1), S + 1), dtype=np.int32)
        self.torn = 0
        # theme_count[h, s]: sessions of theme h in slot s. The row of "no theme" (H) and the column of
        # "off the wall" stay 0, so that lookups there price nothing.
        self.theme_count = np.zeros((inst.H + 1, S + 1), dtype=np.int64)
        self.clashes = 0
        weights = inst.weights
        self.cost = inst.fixed_cost
        for t in range(inst.T):
            fixed = inst.fixed[t]
            if fixed is not None:
                self._enter(t, fixed[1])
            else:
                self._enter(t, off)
                self.cost += weights.left_off_vote * inst.value[t] + inst.slot_move_cost(t, off)
        self.torn = int(np.maximum(self.n[:, :S] - 1, 0).sum())
        self.cost += weights.torn * self.torn + weights.theme_clash * self.clashes
        self._dirty = True
        self.mispriced = False  # set if a step's predicted torn change was wrong (a bug the tests look for)
        self.enter = np.zeros((inst.T, S), dtype=np.int64)
        self.leave = np.zeros((inst.T, S), dtype=np.int64)

    # Bookkeeping

    def _enter(self, t: int, s: int) -> None:
        self.slot_of[t] = s
        self.everyone[s].add(t)
        if self.inst.fixed[t] is None:
            self.members[s].add(t)
        self.conveners[s].update(self.inst.conveners[t])
        self.n[self.inst.voters[t], s] += 1
        h = self.inst.theme[t]
        if h != self.inst.H and s != self.inst.off:
            self.clashes += int(self.theme_count[h, s])
            self.theme_count[h, s] += 1

    def _leave(self, t: int, s: int) -> None:
        self.everyone[s].discard(t)
        self.members[s].discard(t)
        self.conveners[s].subtract(self.inst.conveners[t])
        self.n[self.inst.voters[t], s] -= 1
        h = self.inst.theme[t]
        if h != self.inst.H and s != self.inst.off:
            self.theme_count[h, s] -= 1
            self.clashes -= int(self.theme_count[h, s])

    def refresh(self) -> None:
        """enter[t, s]: t's voters with a dot in slot s already; leave[t, s]: those with two or more there."""
        if not self._dirty:
            return
        S = self.inst.S
        self.enter = np.asarray(self.inst.incidence @ (self.n[:, :S] >= 1).astype(np.int32))
        self.leave = np.asarray(self.inst.incidence @ (self.n[:, :S] >= 2).astype(np.int32))
        self._dirty = False

    def snapshot(self) -> npt.NDArray[np.int64]:
        return self.slot_of.copy()

    def restore(self, slot_of: npt.NDArray[np.int64]) -> None:
        """Go back to a saved wall by moving only the topics that differ."""
        changed = [int(t) for t in np.nonzero(self.slot_of != slot_of)[0]]
        for t in changed:
            self._leave(t, int(self.slot_of[t]))
        for t in changed:
            self._enter(t, int(slot_of[t]))
        self._recount()

    def _recount(self) -> None:
        inst, weights, S = self.inst, self.inst.weights, self.inst.S
        self.torn = int(np.maximum(self.n[:, :S] - 1, 0).sum())
        cost = inst.fixed_cost + weights.torn * self.torn + weights.theme_clash * self.clashes
        for s in range(S):
            seating = inst.slot_rooms(s, self.members_of(s))
            assert seating is not None, "a saved wall is always seatable"
            self.seating[s] = seating
            cost += seating.cost
        for t in inst.movable:
            s = int(self.slot_of[t])
            cost += inst.slot_move_cost(t, s)
            if s == inst.off:
                cost += weights.left_off_vote * inst.value[t]
        self.cost = cost
        self._dirty = True

    def members_of(self, s: int, without: int | None = None, with_: int | None = None) -> tuple[int, ...]:
        members = self.members[s]
        if without is not None or with_ is not None:
            members = set(members)
            if without is not None:
                members.discard(without)
            if with_ is not None:
                members.add(with_)
        return tuple(sorted(members))

    def member_count(self) -> npt.NDArray[np.int64]:
        """Movable topics in each slot (not counting off the wall)."""
        return np.array([len(self.members[s]) for s in range(self.inst.S)], dtype=np.int64)

    # Rules

    def can_host(self, t: int, s: int, leaving: int | None = None) -> bool:
        """The hard rules for putting t into slot s while `leaving` goes out of it."""
        inst = self.inst
        if s == inst.off:
            return inst.fixed[t] is None
        if not inst.allowed[t, s]:
            return False
        leaving_conveners = inst.conveners[leaving] if leaving is not None else frozenset()
        for convener in inst.conveners[t]:
            # The one leaving frees its own conveners' place in the slot.
            if self.conveners[s][convener] - (convener in leaving_conveners) > 0:
                return False
        clash = inst.apart[t] & self.everyone[s]
        return not clash or clash == {leaving}

    # Steps

    def price_move(self, t: int, to: int, torn_delta: int) -> Step | None:
        """The exact cost change of moving t to slot `to` (a free cell there, or off the wall)."""
        inst, weights = self.inst, self.inst.weights
        at = int(self.slot_of[t])
        if to == at or not self.can_host(t, to):
            return None
        delta = (
            weights.torn * torn_delta
            + weights.theme_clash * self.theme_move(t, at, to)
            + inst.slot_move_cost(t, to)
            - inst.slot_move_cost(t, at)
        )
        seat_from = seat_to = None
        if at == inst.off:
            delta -= weights.left_off_vote * inst.value[t]
        else:
            seat_from = inst.slot_rooms(at, self.members_of(at, without=t))
            assert seat_from is not None  # fewer topics always fit
            delta += seat_from.cost - self.seating[at].cost
        if to == inst.off:
            delta += weights.left_off_vote * inst.value[t]
        else:
            seat_to = inst.slot_rooms(to, self.members_of(to, with_=t))
            if seat_to is None:
                return None
            delta += seat_to.cost - self.seating[to].cost
        return Step(t, to, None, delta, torn_delta, seat_from, seat_to)

    def price_swap(self, t: int, u: int, torn_delta: int) -> Step | None:
        """The exact cost change of t and u trading slots (one of them may be off the wall)."""
        inst, weights = self.inst, self.inst.weights
        a, b = int(self.slot_of[t]), int(self.slot_of[u])
        if a == b or not self.can_host(t, b, leaving=u) or not self.can_host(u, a, leaving=t):
            return None
        delta = (
            weights.torn * torn_delta
            + inst.slot_move_cost(t, b)
            - inst.slot_move_cost(t, a)
            + inst.slot_move_cost(u, a)
            - inst.slot_move_cost(u, b)
        )
        if inst.theme[t] != inst.theme[u]:  # two of one theme trading slots change no clash
            delta += weights.theme_clash * (self.theme_move(t, a, b) + self.theme_move(u, b, a))
        seat_a = seat_b = None
        if a == inst.off:
            delta += weights.left_off_vote * (inst.value[u] - inst.value[t])
        else:
            seat_a = inst.slot_rooms(a, self.members_of(a, without=t, with_=u))
            if seat_a is None:
                return None
            delta += seat_a.cost - self.seating[a].cost
        if b == inst.off:
            delta += weights.left_off_vote * (inst.value[t] - inst.value[u])
        else:
            seat_b = inst.slot_rooms(b, self.members_of(b, without=u, with_=t))
            if seat_b is None:
                return None
            delta += seat_b.cost - self.seating[b].cost
        return Step(t, b, u, delta, torn_delta, seat_a, seat_b)

    def apply(self, step: Step) -> None:
        inst = self.inst
        t, to, u = step.topic, step.to, step.other
        at = int(self.slot_of[t])
        before = self._torn_in((at, to))
        self._leave(t, at)
        if u is not None:
            self._leave(u, to)
            self._enter(u, at)
        self._enter(t, to)
        torn_delta = self._torn_in((at, to)) - before
        self.torn += torn_delta
        # The vectorised torn deltas only rank the steps; the wall counts the ones it takes.
        self.mispriced = self.mispriced or torn_delta != step.torn_delta
        if step.seat_from is not None:
            self.seating[at] = step.seat_from
        if step.seat_to is not None:
            self.seating[to] = step.seat_to
        self.cost += step.delta + inst.weights.torn * (torn_delta - step.torn_delta)
        self._dirty = True

    def _torn_in(self, slots: tuple[int, int]) -> int:
        columns = [s for s in set(slots) if s != self.inst.off]
        if not columns:
            return 0
        return int(np.maximum(self.n[:, columns] - 1, 0).sum())

    # Theme clashes: exact and cheap from the theme x slot counts, so priced directly

    def theme_move(self, t: int, at: int, to: int) -> int:
        """Clash change of moving t from slot `at` to slot `to` (either may be off the wall)."""
        inst = self.inst
        h = inst.theme[t]
        if h == inst.H:
            return 0
        # Entering meets every session of the theme there; leaving parts from the others in the old slot.
        left = int(self.theme_count[h, at]) - 1 if at != inst.off else 0
        return int(self.theme_count[h, to]) - left

    def move_theme(self, t: int) -> npt.NDArray[np.int64]:
        """`theme_move` of t to each slot (and, in the last entry, off the wall)."""
        inst = self.inst
        h = inst.theme[t]
        out = np.zeros(inst.S + 1, dtype=np.int64)
        if h == inst.H:
            return out
        out += self.theme_count[h]
        at = int(self.slot_of[t])
        if at != inst.off:
            out -= self.theme_count[h, at] - 1
        return out

    def swap_theme(self, t: int, others: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Clash change of t trading slots with each of `others`, which are in slots `b` (none in t's slot)."""
        inst, count = self.inst, self.theme_count
        a = int(self.slot_of[t])
        hu = inst.theme_array[others]
        # u meets its theme in a and parts from it in b; the "no theme" row is all 0, hence the mask.
        delta: npt.NDArray[np.int64] = (count[hu, a] - count[hu, b] + (b != inst.off)) * inst.themed_array[others]
        ht = inst.theme[t]
        if ht != inst.H:
            delta += count[ht, b] - (count[ht, a] - 1 if a != inst.off else 0)
            delta[hu == ht] = 0  # two of one theme trading slots change nothing
        return delta

    # Vectorised torn deltas for one topic, against every slot and every other topic

    def move_torn(self, t: int) -> npt.NDArray[np.int64]:
        """Torn change of moving t to each slot (and, in the last entry, off the wall)."""
        self.refresh()
        inst = self.inst
        at = int(self.slot_of[t])
        out = np.zeros(inst.S + 1, dtype=np.int64)
        out[: inst.S] = self.enter[t]
        if at != inst.off:
            out -= self.leave[t, at]
        return out

    def swap_torn(self, t: int, others: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Torn change of t trading slots with each of `others` (none of them in t's slot)."""
        self.refresh()
        inst = self.inst
        S = inst.S
        a = int(self.slot_of[t])
        b = self.slot_of[others]
        on_b = b != inst.off
        b_col = np.where(on_b, b, 0)
        delta = np.where(on_b, self.enter[t, b_col] - self.leave[others, b_col], 0)
        shared = inst.co_votes[t, others]
        if a != inst.off:
            delta = delta - self.leave[t, a] + self.enter[others, a]
        if not shared.any():
            return delta.astype(np.int64)
        # Attendees who dotted both keep the same count in both slots; the sums above treated them as if
        # only one topic moved, so take their part back out.
        voters = inst.voters[t]
        twice = np.zeros((self.n.shape[0], S), dtype=np.int32)
        twice[voters] = self.n[voters, :S] >= 2
        both_twice = np.asarray(inst.incidence @ twice)[others]  # rows: others; columns: slots
        correction = shared * on_b - np.where(on_b, both_twice[np.arange(len(others)), b_col], 0)
        if a != inst.off:
            correction = correction + shared - both_twice[:, a]
        return np.asarray(delta - correction, dtype=np.int64)
