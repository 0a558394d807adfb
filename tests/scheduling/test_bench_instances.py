"""The scheduler benchmark's own parts: its instances are what they claim, its baselines keep the hard rules."""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from dataclasses import replace

from app.scheduling import Cell, Problem, evaluate, violations, vote_counts
from app.scheduling.instance import Instance
from app.scheduling.solver import _schedule, _Search
from bench.scheduling_baselines import Annealing, brute_force, greedy, random_wall
from bench.scheduling_instances import generate, with_late_proposal


def test_generate_gives_every_attendee_five_distinct_dots_the_same_for_a_seed() -> None:
    problem = generate("medium", 7)

    again = generate("medium", 7)

    assert again == problem
    assert {len(set(ballot)) for ballot in problem.ballots} == {5}
    assert len(problem.ballots) == 800
    assert generate("medium", 8) != problem


def test_generate_skews_the_dots_towards_a_few_topics_that_overflow_the_small_rooms() -> None:
    problem = generate("medium", 1)

    counts = sorted(vote_counts(problem).values(), reverse=True)

    assert sum(counts[:8]) > sum(counts) / 4  # a tenth of the topics draws over a quarter of the dots
    assert counts[0] > max(room.capacity for room in problem.rooms) * 0.9
    assert counts[10] > min(room.capacity for room in problem.rooms)


def test_generate_gives_some_conveners_several_topics_and_some_topics_none() -> None:
    problem = generate("medium", 1)

    per_convener = Counter(topic.convener_id for topic in problem.topics if topic.convener_id is not None)

    assert max(per_convener.values()) in (2, 3)
    assert any(topic.convener_id is None for topic in problem.topics)


def test_greedy_and_random_walls_keep_every_hard_rule_on_a_wall_with_constraints() -> None:
    problem = generate("medium", 2)

    assert violations(problem, greedy(problem)) == []
    assert violations(problem, random_wall(problem, 3)) == []


def test_baselines_keep_started_slots_when_a_late_topic_is_proposed() -> None:
    problem = generate("medium", 2)
    late = with_late_proposal(problem, greedy(problem), started=2, seed=2)

    annealed, _ = Annealing(late, seed=1).run(0.05)

    assert violations(late, greedy(late)) == []
    assert violations(late, random_wall(late, 1)) == []
    assert violations(late, annealed) == []


def test_annealing_bookkeeping_equals_evaluate() -> None:
    problem = generate("medium", 4)
    late = with_late_proposal(problem, greedy(problem), started=2, seed=4)
    annealing = Annealing(late, seed=2)

    annealing.run(0.1)

    assert annealing.cost == evaluate(late, annealing.wall.placements).cost


def test_brute_force_equals_trying_every_wall() -> None:
    problem = generate("small", 5)
    problem = replace(problem, topics=problem.topics[:5], slots=problem.slots[:2])  # 5 topics, 4 cells
    cells = [Cell(room.id, slot.id) for room in problem.rooms for slot in problem.slots]
    ids = [topic.id for topic in problem.topics]
    walls = (
        dict(zip(chosen, where, strict=True))
        for k in range(len(ids) + 1)
        for chosen in itertools.combinations(ids, k)
        for where in itertools.permutations(cells, k)
    )
    cheapest = min(evaluate(problem, wall).cost for wall in walls if not violations(problem, wall))

    exact = brute_force(problem)

    assert exact is not None
    assert evaluate(problem, exact).cost == cheapest


def test_generate_puts_the_topics_under_five_themes_and_nothing_else_changes_without_them() -> None:
    problem = generate("large", 3)

    unthemed = generate("large", 3, announced=0)
    drawn = generate("large", 3, themes_at_random=True)

    def without_themes(p: Problem) -> Problem:
        return replace(p, topics=tuple(replace(topic, theme_id=None) for topic in p.topics))

    assert {topic.theme_id for topic in problem.topics} == {1, 2, 3, 4, 5}
    assert {topic.theme_id for topic in drawn.topics} == {1, 2, 3, 4, 5}
    assert drawn != problem
    assert without_themes(problem) == without_themes(drawn) == unthemed


def test_the_solvers_running_cost_is_the_cost_evaluate_gives_with_themes_pins_and_started_slots() -> None:
    problem = generate("medium", 5)
    late = with_late_proposal(problem, greedy(problem), started=2, seed=5)
    late = replace(late, pinned=frozenset(list(late.current)[-3:]))
    inst = Instance(late)
    search = _Search(inst, random.Random(1), time.perf_counter() + 0.5)
    search.greedy()
    search.improve(until=time.perf_counter() + 0.5)

    schedule = _schedule(inst, search, False, time.perf_counter())

    assert search.wall.cost == schedule.figures.cost == evaluate(late, schedule.placements).cost
    assert schedule.figures.theme_clashes > 0
    assert not search.wall.mispriced
