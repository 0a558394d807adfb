"""Scheduler: the auto-scheduler against a facilitator's greedy wall, simulated annealing and a random wall.

    .venv/bin/python bench/scheduler.py                          # small (20 seeds), medium, large; 5 s each
    .venv/bin/python bench/scheduler.py --sizes small --seeds 5 --time-limit 1
    .venv/bin/python bench/scheduler.py --baselines-only         # the baselines alone (no solver needed)
    .venv/bin/python bench/scheduler.py --themes 0               # no announced themes (the instances before them)
    .venv/bin/python bench/scheduler.py --themes-at-random       # themes drawn whatever people dot

Seeded synthetic unconferences (bench/scheduling_instances.py): every attendee puts 5 dots, skewed by a
Zipf-like popularity and by favourite themes; rooms from a hall to small corners; some conveners with two or
three topics; at medium and large a few not-before, minimum-room and keep-apart rules; nothing pinned. The
topics fall under --themes announced themes (5 by default), each grouping some of the interest clusters
(so the dots already keep a theme's sessions apart, somewhat), or with --themes-at-random drawn topic by
topic (the harder case: only the theme weight spreads them).

    small   6–12 topics, 2 rooms × 4 slots, 40 attendees, --seeds instances (figures summed over them)
    medium  80 topics, 6 rooms × 6 slots, 800 attendees
    large   200 topics, 12 rooms × 10 slots, 2,000 attendees

Methods (bench/scheduling_baselines.py): ours (`app.scheduling.solve`, with `Problem.time_limit`); greedy
(most dots first, each into the biggest free room of the earliest slot where it fits, like a facilitator with
sticky notes); simulated annealing on the same weighted cost, for the same time limit (at small, for as long
as ours took, at least 0.2 s, so that 20 seeds stay quick); a random wall of the top-dotted topics (the mean
of --random-seeds walls); at small, a brute force too. With themes, "ours, no spread" is ours with the
theme weight at 0 (the solver before themes), scored with the default weights like every other row, so its
cost shows what spreading the themes saved. Every wall is scored by `evaluate` and checked by
`violations`, never by the method's own bookkeeping.

Then the reschedule: ours' wall of the largest size is published, its first two slots start, one topic is
proposed late (as many dots as the median topic, half of them moved from other topics), and ours runs again.

Then co-conveners: the largest size again, with 30% of the attendees' topics convened in pairs (a tenth of
those by three), most co-conveners running topics of their own (bench/scheduling_instances.py,
`with_co_conveners`). "co-convener clashes" counts the pairs of sessions in one slot that share a convener,
main or co-convener (every wall of every table is counted so, and every method must keep it at 0);
"ours, blind" is ours given the same event without its co-conveners, scored on the real one: the clashes
an auto-scheduler that knew only the main conveners would publish.

Targets (the figures go in the release note), at the largest size run:
    ours within the time limit, with 0 hard-rule violations;
    fewer torn attendees than greedy and than annealing given the same time;
    at most half the torn attendees of a random wall;
    on every small seed, ours proven optimal (and as cheap as the brute force);
    the reschedule moves at most 5% of the published topics;
    with co-conveners, ours has 0 co-convener clashes and 0 violations (its time is shown, the limit is the same);
    with themes, ours has at most the theme clashes of ours with no spread, at no more cost (default weights).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.scheduling import Cell, Problem, evaluate, violations  # noqa: E402  (after the path above)
from bench.scheduling_baselines import annealing, brute_force, greedy, random_wall  # noqa: E402
from bench.scheduling_instances import (  # noqa: E402
    ANNOUNCED_THEMES,
    CO_CONVENED_SHARE,
    SIZES,
    generate,
    with_co_conveners,
    with_late_proposal,
)

ORDER = ["small", "medium", "large"]


@dataclass(frozen=True)
class Row:
    """One method on one or more walls, as `evaluate` and `violations` see it."""

    method: str
    seconds: float
    violations: float
    placed: float
    total: float
    votes_placed: float
    votes_total: float
    torn: float
    seats_short: float
    moves: float
    theme_clashes: float
    cost: float
    optimal: str = ""
    tries: float = 0.0  # annealing: moves tried
    convener_clashes: float = 0.0  # pairs of sessions in one slot sharing a convener (main or co-convener)


def score(method: str, problem: Problem, placements: dict[int, Cell], seconds: float, optimal: str = "",
          tries: float = 0.0) -> Row:  # fmt: skip
    figures = evaluate(problem, placements)
    return Row(
        method, seconds, len(violations(problem, placements)), figures.topics_placed, figures.topics_total,
        figures.votes_placed, figures.votes_total, figures.torn, figures.seats_short, figures.moves,
        figures.theme_clashes, figures.cost, optimal, tries, convener_clashes(problem, placements),
    )  # fmt: skip


def convener_clashes(problem: Problem, placements: dict[int, Cell]) -> int:
    """Pairs of sessions in one slot that share a convener, main or co-convener: someone due in two rooms."""
    topics = {topic.id: topic for topic in problem.topics}
    by_slot: defaultdict[int, list[int]] = defaultdict(list)
    for topic_id, cell in placements.items():
        if topic_id in topics:
            by_slot[cell.slot_id].append(topic_id)
    return sum(
        bool(topics[a].convener_ids & topics[b].convener_ids)
        for in_slot in by_slot.values()
        for a, b in combinations(sorted(in_slot), 2)
    )


def combine(rows: list[Row], how: Callable[[list[float]], float], optimal: str = "") -> Row:
    """Rows of one method merged field by field (sum over instances, mean over random seeds)."""
    numbers = {
        name: how([getattr(row, name) for row in rows])
        for name in Row.__dataclass_fields__
        if name not in ("method", "optimal")
    }
    return Row(method=rows[0].method, optimal=optimal, **numbers)


def mean(values: list[float]) -> float:
    return statistics.fmean(values)


def total(values: list[float]) -> float:
    return float(sum(values))


def load_solver() -> Callable[[Problem], Any]:
    try:
        from app.scheduling import solve
    except ImportError as error:
        raise SystemExit(
            f"app.scheduling.solve cannot be imported ({error}); run with --baselines-only for the baselines alone"
        ) from error
    return solve


@dataclass
class Ours:
    row: Row
    placements: dict[int, Cell]
    proven_optimal: bool
    own_figures_differ: bool
    own_seconds: float  # Schedule.seconds: the solver's own clock


def run_ours(solve: Callable[[Problem], Any], problem: Problem, *, spread: bool = True) -> Ours:
    """Ours on the problem; with `spread=False`, with the theme weight at 0, scored with the problem's weights."""
    asked = problem if spread else replace(problem, weights=replace(problem.weights, theme_clash=0))
    started = time.perf_counter()
    schedule = solve(asked)
    seconds = time.perf_counter() - started
    placements = dict(schedule.placements)
    optimal = "yes" if schedule.proven_optimal else "no"
    return Ours(
        score("ours" if spread else NO_SPREAD, problem, placements, seconds, optimal),
        placements,
        bool(schedule.proven_optimal),
        schedule.figures != evaluate(asked, placements),
        float(schedule.seconds),
    )


NO_SPREAD = "ours, no spread"


def themed(problem: Problem) -> bool:
    return any(topic.theme_id is not None for topic in problem.topics)


def reach(problem: Problem, placements: dict[int, Cell]) -> float:
    """The share of the themed sessions on the wall that someone following their theme can go to (one a slot)."""
    theme_of = {topic.id: topic.theme_id for topic in problem.topics if topic.theme_id is not None}
    on_wall = [(theme_of[t], cell.slot_id) for t, cell in placements.items() if t in theme_of]
    return 100.0 * len(set(on_wall)) / len(on_wall) if on_wall else 100.0


def timed(method: str, problem: Problem, make: Callable[[], dict[int, Cell]]) -> Row:
    started = time.perf_counter()
    placements = make()
    return score(method, problem, placements, time.perf_counter() - started)


def run_annealing(problem: Problem, seconds: float, seed: int) -> Row:
    started = time.perf_counter()
    placements, tries = annealing(problem, seconds, seed)
    return score("annealing", problem, placements, time.perf_counter() - started, tries=tries)


def run_random(problem: Problem, seeds: int, seed: int) -> Row:
    rows = [timed("random wall", problem, lambda s=s: random_wall(problem, seed * 1000 + s)) for s in range(seeds)]
    return combine(rows, mean)


# --- the table ---------------------------------------------------------------------------------------

HEADER = (
    f"{'method':<15} {'solve s':>8} {'violations':>10} {'placed':>9} {'votes %':>8} {'torn':>8} "
    f"{'seats short':>11} {'moves':>6} {'theme clashes':>13} {'co-convener clashes':>19} {'cost':>11} {'optimal':>8}"
)


def number(value: float, width: int) -> str:
    return f"{value:>{width}.0f}" if float(value).is_integer() else f"{value:>{width}.1f}"


def line(row: Row) -> str:
    votes = 100.0 * row.votes_placed / row.votes_total if row.votes_total else 100.0
    placed = (
        f"{row.placed:.0f}/{row.total:.0f}" if float(row.placed).is_integer() else f"{row.placed:.1f}/{row.total:.0f}"
    )
    return (
        f"{row.method:<15} {row.seconds:>8.2f} {number(row.violations, 10)} {placed:>9} {votes:>8.1f} "
        f"{number(row.torn, 8)} {number(row.seats_short, 11)} {number(row.moves, 6)} "
        f"{number(row.theme_clashes, 13)} {number(row.convener_clashes, 19)} {number(row.cost, 11)} {row.optimal:>8}"
    )


def print_table(title: str, rows: list[Row], notes: list[str]) -> None:
    print(f"\n{title}")
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(line(row))
    for note in notes:
        print(f"  {note}")


# --- the sizes ---------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    rows: dict[str, Row]
    ours: list[Ours]
    problems: list[Problem]
    brute_equal: int = 0
    brute_run: int = 0
    spread_off: list[dict[int, Cell]] = field(default_factory=list)  # ours' walls with the theme weight at 0


def run_small(args: argparse.Namespace, solve: Callable[[Problem], Any] | None) -> SizeResult:
    per_method: dict[str, list[Row]] = {}
    ours: list[Ours] = []
    problems = []
    brute_equal = brute_run = 0
    for seed in range(args.seed, args.seed + args.seeds):
        problem = generate(
            "small", seed, time_limit=args.time_limit, announced=args.themes, themes_at_random=args.themes_at_random
        )
        problems.append(problem)
        rows = []
        sa_seconds = 0.2
        if solve is not None:
            result = run_ours(solve, problem)
            ours.append(result)
            rows.append(result.row)
            sa_seconds = max(sa_seconds, min(args.time_limit, result.row.seconds))
            if themed(problem):
                rows.append(run_ours(solve, problem, spread=False).row)
        rows.append(timed("greedy", problem, lambda p=problem: greedy(p)))
        rows.append(run_annealing(problem, sa_seconds, seed))
        rows.append(run_random(problem, args.random_seeds, seed))
        started = time.perf_counter()
        exact = brute_force(problem)
        if exact is not None:
            brute = score("brute force", problem, exact, time.perf_counter() - started, "exact")
            rows.append(brute)
            if solve is not None:
                brute_run += 1
                brute_equal += ours[-1].row.cost == brute.cost
        for row in rows:
            per_method.setdefault(row.method, []).append(row)
        if args.verbose:
            print_table(f"small seed {seed}", rows, [])
    merged = {}
    for method, rows in per_method.items():
        optimal = ""
        if method in ("ours", NO_SPREAD):
            proven = [row.optimal == "yes" for row in rows]
            optimal = f"{sum(proven)}/{len(proven)}"
        elif method == "brute force":
            optimal = "exact"
        merged[method] = replace(combine(rows, total), seconds=mean([r.seconds for r in rows]), optimal=optimal)
    return SizeResult(merged, ours, problems, brute_equal, brute_run)


def run_one(size: str, args: argparse.Namespace, solve: Callable[[Problem], Any] | None) -> SizeResult:
    problem = generate(
        size, args.seed, time_limit=args.time_limit, announced=args.themes, themes_at_random=args.themes_at_random
    )
    rows: dict[str, Row] = {}
    ours = []
    spread_off = []
    if solve is not None:
        result = run_ours(solve, problem)
        ours.append(result)
        rows["ours"] = result.row
        if themed(problem):
            flat = run_ours(solve, problem, spread=False)
            rows[NO_SPREAD] = flat.row
            spread_off.append(flat.placements)
    rows["greedy"] = timed("greedy", problem, lambda: greedy(problem))
    rows["annealing"] = run_annealing(problem, args.time_limit, args.seed)
    rows["random wall"] = run_random(problem, args.random_seeds, args.seed)
    return SizeResult(rows, ours, [problem], spread_off=spread_off)


def describe(size: str, args: argparse.Namespace, result: SizeResult) -> tuple[str, list[str]]:
    spec = SIZES[size]
    problem = result.problems[0]
    dots = sum(len(b) for b in problem.ballots)
    capacities = "/".join(str(room.capacity) for room in problem.rooms)
    if size == "small":
        title = (
            f"small: {args.seeds} seeds from {args.seed}, {spec.topics[0]}–{spec.topics[1]} topics, "
            f"{spec.rooms} rooms × {spec.slots} slots, {spec.attendees} attendees; figures summed over the seeds, "
            f"seconds per wall"
        )
    else:
        title = (
            f"{size}: seed {args.seed}, {len(problem.topics)} topics, {spec.rooms} rooms × {spec.slots} slots, "
            f"{len(problem.ballots)} attendees, {dots} dots, rooms {capacities}; time limit {args.time_limit:g} s"
        )
    if themed(problem):
        per_theme = Counter(topic.theme_id for topic in problem.topics if topic.theme_id is not None)
        title += f"; themes of {'/'.join(str(n) for _, n in sorted(per_theme.items()))} topics"
    notes = []
    if result.ours and size != "small":
        notes.append(f"ours' own clock (Schedule.seconds): {result.ours[0].own_seconds:.3f} s")
    if result.ours and size != "small" and themed(problem):
        flat = result.spread_off[0] if result.spread_off else None
        said = f"; with no spread {reach(problem, flat):.0f}%" if flat is not None else ""
        notes.append(
            f"someone following one theme can go to {reach(problem, result.ours[0].placements):.0f}% of its "
            f"sessions on ours' wall{said}"
        )
    sa = result.rows["annealing"]
    notes.append(f"annealing tried {sa.tries:,.0f} moves" + (" (over all seeds)" if size == "small" else ""))
    notes.append(f"random wall: mean of {args.random_seeds} seeds")
    if any(o.own_figures_differ for o in result.ours):
        notes.append("WARNING: ours' own figures differ from evaluate() on this wall (the table shows evaluate's)")
    return title, notes


# --- the reschedule ----------------------------------------------------------------------------------


@dataclass
class Reschedule:
    row: Row
    published: int
    moved: int
    late_placed: bool


def run_reschedule(solve: Callable[[Problem], Any], problem: Problem, published: dict[int, Cell],
                   seed: int) -> Reschedule:  # fmt: skip
    late = with_late_proposal(problem, published, started=2, seed=seed)
    result = run_ours(solve, late)
    late_id = max(topic.id for topic in late.topics)
    title = (
        f"reschedule: ours' wall published, the first 2 slots started, topic {late_id} proposed late with "
        f"{sum(late_id in b for b in late.ballots)} dots"
    )
    print_table(title, [result.row], [])
    return Reschedule(result.row, len(published), int(result.row.moves), late_id in result.placements)


# --- co-conveners ------------------------------------------------------------------------------------


BLIND = "ours, blind"


@dataclass
class CoConvened:
    ours: Row


def run_co_conveners(solve: Callable[[Problem], Any], size: str, args: argparse.Namespace) -> CoConvened:
    """The largest size with co-conveners: every method, and ours blind to them (scored on the real event)."""
    plain = generate(
        size, args.seed, time_limit=args.time_limit, announced=args.themes, themes_at_random=args.themes_at_random
    )
    problem = with_co_conveners(plain, seed=args.seed)
    ours = run_ours(solve, problem)
    started = time.perf_counter()
    blind = solve(plain)
    rows = [
        ours.row,
        score(BLIND, problem, dict(blind.placements), time.perf_counter() - started),
        timed("greedy", problem, lambda: greedy(problem)),
        run_annealing(problem, args.time_limit, args.seed),
        run_random(problem, args.random_seeds, args.seed),
    ]
    paired = [topic for topic in problem.topics if topic.co_conveners]
    own = {topic.convener_id for topic in problem.topics}
    also_own = {c.id for topic in paired for c in topic.co_conveners if c.id in own}
    people = {c.id for topic in paired for c in topic.co_conveners}
    title = (
        f"co-conveners: {size}, seed {args.seed}, {len(paired)} of {len(problem.topics)} topics convened by two or "
        f"three ({CO_CONVENED_SHARE:.0%} of the attendees' topics), {len(people)} co-conveners of whom "
        f"{len(also_own)} convene topics of their own; time limit {args.time_limit:g} s"
    )
    print_table(title, rows, [f"{BLIND}: ours given the event without its co-conveners, scored on the real one"])
    return CoConvened(ours.row)


# --- targets -----------------------------------------------------------------------------------------


def targets(
    args: argparse.Namespace,
    results: dict[str, SizeResult],
    reschedule: Reschedule | None,
    co_convened: CoConvened | None = None,
) -> bool:
    checks: list[tuple[str, bool]] = []
    largest = max(results, key=ORDER.index)
    big = results[largest]
    if big.ours:
        ours = big.rows["ours"]
        greedy_torn, sa_torn = big.rows["greedy"].torn, big.rows["annealing"].torn
        random_torn = big.rows["random wall"].torn
        checks += [
            (f"{largest}: ours within the time limit ({ours.seconds:.2f} s, limit {args.time_limit:g} s)",
             ours.seconds <= args.time_limit),
            (f"{largest}: ours keeps every hard rule ({ours.violations:.0f} violations)", ours.violations == 0),
            (f"{largest}: ours tears fewer than greedy and annealing ({ours.torn:.0f}; greedy {greedy_torn:.0f}, "
             f"annealing {sa_torn:.0f})", ours.torn < greedy_torn and ours.torn < sa_torn),
            (f"{largest}: ours tears at most half a random wall's ({ours.torn:.0f}; half of it {random_torn / 2:.1f})",
             ours.torn <= random_torn / 2),
        ]  # fmt: skip
    if big.ours and NO_SPREAD in big.rows:
        ours, flat = big.rows["ours"], big.rows[NO_SPREAD]
        checks += [
            (f"{largest}: ours has at most the theme clashes of no spread ({ours.theme_clashes:.0f}; "
             f"no spread {flat.theme_clashes:.0f}; torn {ours.torn:.0f} and {flat.torn:.0f})",
             ours.theme_clashes <= flat.theme_clashes),
            (f"{largest}: ours costs no more than no spread, both scored with the default weights "
             f"({ours.cost:.0f}; {flat.cost:.0f})", ours.cost <= flat.cost),
        ]  # fmt: skip
    small = results.get("small")
    if small is not None and small.ours:
        proven = sum(o.proven_optimal for o in small.ours)
        checks.append((f"small: ours proven optimal on every seed ({proven}/{len(small.ours)})",
                       proven == len(small.ours)))  # fmt: skip
        if small.brute_run:
            checks.append((f"small: ours as cheap as the brute force on every seed ({small.brute_equal}/"
                           f"{small.brute_run})", small.brute_equal == small.brute_run))  # fmt: skip
        violated = sum(o.row.violations for o in small.ours)
        checks.append((f"small: ours keeps every hard rule ({violated:.0f} violations)", violated == 0))
    if reschedule is not None:
        share = 100.0 * reschedule.moved / reschedule.published if reschedule.published else 0.0
        checks += [
            (f"reschedule: at most 5% of the published topics move ({reschedule.moved}/{reschedule.published} "
             f"= {share:.1f}%)", share <= 5.0),
            (f"reschedule: keeps every hard rule, started slots included ({reschedule.row.violations:.0f} "
             "violations)", reschedule.row.violations == 0),
        ]  # fmt: skip
    if co_convened is not None:
        ours = co_convened.ours
        checks += [
            (f"co-conveners: ours has no co-convener clash ({ours.convener_clashes:.0f}) and keeps every hard rule "
             f"({ours.violations:.0f} violations)", ours.convener_clashes == 0 and ours.violations == 0),
        ]  # fmt: skip
    if not checks:
        print("\ntargets: need the solver (without --baselines-only)")
        return True
    print("\ntargets")
    width = max(len(text) for text, _ in checks)
    for text, met in checks:
        print(f"  {text:<{width}}  {'met' if met else 'NOT MET'}")
    if reschedule is not None:
        print(f"  (the late topic is {'on the wall' if reschedule.late_placed else 'left off'})")
    return all(met for _, met in checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,medium,large", help="comma-separated: small, medium, large")
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds, for ours and for annealing")
    parser.add_argument("--seeds", type=int, default=20, help="small instances")
    parser.add_argument("--seed", type=int, default=1, help="the first small seed, and the medium and large seed")
    parser.add_argument("--random-seeds", type=int, default=5, help="random walls averaged per instance")
    parser.add_argument("--themes", type=int, default=ANNOUNCED_THEMES, help="announced themes (0: none)")
    parser.add_argument("--themes-at-random", action="store_true", help="each topic's theme drawn whatever its dots")
    parser.add_argument("--baselines-only", action="store_true", help="skip ours (before the solver exists)")
    parser.add_argument("--verbose", action="store_true", help="a table per small seed too")
    args = parser.parse_args()
    sizes = sorted({s.strip() for s in args.sizes.split(",") if s.strip()}, key=ORDER.index)
    if not sizes or any(size not in SIZES for size in sizes):
        parser.error(f"--sizes takes some of {', '.join(ORDER)}")
    solve = None if args.baselines_only else load_solver()
    results: dict[str, SizeResult] = {}
    for size in sizes:
        result = run_small(args, solve) if size == "small" else run_one(size, args, solve)
        results[size] = result
        title, notes = describe(size, args, result)
        print_table(title, list(result.rows.values()), notes)
    reschedule = None
    co_convened = None
    largest = results[sizes[-1]]
    if solve is not None and largest.ours:
        reschedule = run_reschedule(solve, largest.problems[0], largest.ours[0].placements, args.seed)
        co_convened = run_co_conveners(solve, sizes[-1], args)
    raise SystemExit(0 if targets(args, results, reschedule, co_convened) else 1)


if __name__ == "__main__":
    main()
