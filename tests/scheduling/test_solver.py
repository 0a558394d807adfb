"""The auto-scheduler on its own: hard rules, what it keeps, what it optimises, and what it refuses."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from app.scheduling import Cell, CoConvener, Problem, ProblemError, Topic, Weights, evaluate, solve, violations
from tests.scheduling import oracle
from tests.scheduling.problems import DAY, ballots_for, problems, rooms, slots, topics

RANDOM = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(problems(max_topics=20, max_rooms=4, max_slots=5))
def test_solve_keeps_every_hard_rule_on_random_problems(problem: Problem) -> None:
    schedule = solve(problem)

    assert violations(problem, schedule.placements) == []
    assert schedule.figures == evaluate(problem, schedule.placements)


@RANDOM
@given(problems(max_topics=20, max_rooms=4, max_slots=5))
def test_solve_never_moves_pins_or_started_slots(problem: Problem) -> None:
    schedule = solve(problem)

    started = {slot.id for slot in problem.slots if slot.started}
    kept = {t: cell for t, cell in problem.current.items() if t in problem.pinned or cell.slot_id in started}
    assert {t: schedule.placements.get(t) for t in kept} == kept
    newcomers = {t for t, cell in schedule.placements.items() if cell.slot_id in started} - set(kept)
    assert newcomers == set()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_topics=12, max_rooms=2, max_slots=4))
def test_solve_finds_and_proves_the_brute_force_optimum_on_small_walls(problem: Problem) -> None:
    schedule = solve(replace(problem, time_limit=5.0))

    assert schedule.proven_optimal is True
    assert schedule.figures.cost == oracle.best_cost(problem)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_solve_proves_the_optimum_of_twelve_co_voted_topics_on_two_rooms_and_four_slots(seed: int) -> None:
    import random

    rng = random.Random(seed)
    twelve = topics(12)
    ids = [t.id for t in twelve]
    # Zipf-like popularity: each attendee dots up to 4 topics, the first ones far more often.
    ballots = tuple(tuple(set(rng.choices(ids, weights=[1 / (k + 1) for k in range(12)], k=4))) for _ in range(40))
    problem = Problem(topics=twelve, rooms=rooms(30, 12), slots=slots(4), ballots=ballots, seed=seed)

    schedule = solve(problem)

    assert schedule.proven_optimal is True
    assert schedule.figures.cost == oracle.best_cost(problem)
    assert schedule.figures.topics_placed == 8


def test_solve_places_the_most_dotted_topics_when_there_are_more_topics_than_cells() -> None:
    problem = Problem(
        topics=topics(5), rooms=rooms(50), slots=slots(3), ballots=ballots_for({1: 2, 2: 9, 3: 1, 4: 7, 5: 5})
    )

    schedule = solve(problem)

    assert set(schedule.placements) == {2, 4, 5}
    assert schedule.figures.votes_placed == 21
    assert schedule.figures.votes_total == 24


def test_solve_puts_topics_dotted_by_the_same_people_in_different_slots() -> None:
    # Everyone who dotted 1 also dotted 2; 3 and 4 are dotted by others.
    ballots = ((1, 2),) * 6 + ((3, 4),) * 4
    problem = Problem(topics=topics(4), rooms=rooms(20, 20), slots=slots(2), ballots=ballots)

    schedule = solve(problem)

    slot_of = {t: cell.slot_id for t, cell in schedule.placements.items()}
    assert slot_of[1] != slot_of[2]
    assert slot_of[3] != slot_of[4]
    assert schedule.figures.torn == 0
    assert schedule.proven_optimal is True


def test_solve_gives_the_biggest_room_to_the_most_dotted_topic_of_a_slot() -> None:
    problem = Problem(
        topics=topics(3), rooms=rooms(10, 60, 25), slots=slots(1), ballots=ballots_for({1: 8, 2: 40, 3: 20})
    )

    schedule = solve(problem)

    assert {t: cell.room_id for t, cell in schedule.placements.items()} == {2: 11, 3: 12, 1: 10}
    assert schedule.figures.seats_short == 0


def test_solve_keeps_a_pinned_topic_in_its_cell_even_when_another_wall_would_score_better() -> None:
    # Pinned: the one-dot topic 1 in the big room; 2 has 40 dots and would want that room.
    problem = Problem(
        topics=topics(2),
        rooms=rooms(50, 10),
        slots=slots(1),
        ballots=ballots_for({1: 1, 2: 40}),
        current={1: Cell(10, 100)},
        pinned=frozenset({1}),
    )

    schedule = solve(problem)

    assert schedule.placements == {1: Cell(10, 100), 2: Cell(11, 100)}
    assert schedule.figures.seats_short == 30


def test_solve_leaves_started_slots_exactly_as_they_are() -> None:
    problem = Problem(
        topics=topics(4),
        rooms=rooms(30, 30),
        slots=slots(3, started=1),
        ballots=((1, 2),) * 5 + ballots_for({3: 4, 4: 2}),
        # The started slot holds 1 and 2 together (5 people torn) and has room for nothing else to leave.
        current={1: Cell(10, 100), 2: Cell(11, 100)},
    )

    schedule = solve(problem)

    assert schedule.placements[1] == Cell(10, 100)
    assert schedule.placements[2] == Cell(11, 100)
    assert {schedule.placements[3].slot_id, schedule.placements[4].slot_id} <= {101, 102}
    assert schedule.moves == tuple(m for m in schedule.moves if m.before is None)


def test_reschedule_moves_no_published_topic_to_fit_a_late_proposal_into_a_free_cell() -> None:
    first = Problem(
        topics=topics(5), rooms=rooms(30, 20), slots=slots(3), ballots=ballots_for({1: 9, 2: 8, 3: 7, 4: 6, 5: 5})
    )
    published = solve(first)
    late = Topic(id=6, title="Late")
    again = replace(
        first,
        topics=(*first.topics, late),
        ballots=(*first.ballots, (6,), (6,), (6, 1)),
        current=published.placements,
    )

    schedule = solve(again)

    assert schedule.figures.moves == 0
    assert 6 in schedule.placements
    assert [m.topic_id for m in schedule.moves] == [6]


def test_solve_respects_not_before_not_after_room_size_and_apart_constraints() -> None:
    after_ten = Topic(id=1, title="After ten", not_before=DAY.replace(hour=10))
    before_ten = Topic(id=2, title="Before ten", not_after=DAY.replace(hour=9, minute=50))
    big = Topic(id=3, title="Big", min_room_capacity=40)
    apart = Topic(id=4, title="Apart", apart_from=frozenset({3}))
    problem = Problem(
        topics=(after_ten, before_ten, big, apart), rooms=rooms(50, 10), slots=slots(2), ballots=ballots_for({3: 1})
    )

    schedule = solve(problem)

    assert violations(problem, schedule.placements) == []
    assert schedule.placements[1].slot_id == 101
    assert schedule.placements[2].slot_id == 100
    assert schedule.placements[3].room_id == 10
    assert schedule.placements[4].slot_id != schedule.placements[3].slot_id


def test_solve_says_why_each_topic_is_left_off() -> None:
    problem = Problem(
        topics=(
            Topic(id=1, title="Pinned", convener_id=7, convener_name="Ana"),
            Topic(id=2, title="Early", convener_id=7, convener_name="Ana", not_after=DAY.replace(hour=9, minute=50)),
            Topic(id=3, title="Huge", min_room_capacity=500),
            Topic(id=4, title="Evening", not_before=DAY.replace(hour=18)),
            Topic(id=5, title="Busy"),
            Topic(id=6, title="Quiet"),
            Topic(id=7, title="Busier"),
            Topic(id=8, title="Busiest"),
        ),
        rooms=rooms(40, 20),
        slots=slots(2),
        ballots=ballots_for({2: 9, 5: 8, 6: 1, 7: 7, 8: 6}),
        current={1: Cell(10, 100)},
        pinned=frozenset({1}),
    )

    schedule = solve(problem)

    assert set(schedule.placements) == {1, 5, 7, 8}
    assert schedule.left_off == {
        2: "Ana already runs a session in every slot it could take.",
        3: "It needs a room for 500; the biggest room holds 40.",
        4: "It runs not before 18:00. No session slot fits those times.",
        6: "The wall is full: every cell it could take holds a topic with at least 6 dots; it has 1 dot.",
    }


def test_solve_reports_each_move_with_its_cell_before_and_after() -> None:
    problem = Problem(
        topics=topics(2),
        rooms=rooms(30),
        slots=slots(2),
        ballots=((1, 2),) * 3,
        # 1 is published in the first slot; 2 is new and dotted by the same people.
        current={1: Cell(10, 100)},
    )

    schedule = solve(problem)

    assert [(m.topic_id, m.before, m.after) for m in schedule.moves] == [(2, None, Cell(10, 101))]
    assert schedule.figures.moves == 0


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (Problem(topics=topics(1), rooms=(), slots=slots(1)), "There are no rooms yet"),
        (Problem(topics=topics(1), rooms=rooms(10), slots=()), "There are no session slots yet"),
        (
            Problem(
                topics=(Topic(id=1, title="Odd", not_before=DAY.replace(hour=12), not_after=DAY.replace(hour=11)),),
                rooms=rooms(10),
                slots=slots(1),
            ),
            "“Odd” must start at or after 12:00 and end by 11:00",
        ),
        (
            Problem(topics=topics(3, convener_id=5, convener_name="Bo"), rooms=rooms(10), slots=slots(2)),
            "Bo convenes 3 topics but there are only 2 session slots",
        ),
        (
            Problem(
                topics=(Topic(id=1, title="Late", not_before=DAY.replace(hour=10)),),
                rooms=rooms(10),
                slots=slots(2),
                current={1: Cell(10, 100)},
                pinned=frozenset({1}),
            ),
            "“Late” is pinned at 09:00, outside its own “not before / not after” times",
        ),
        (
            Problem(topics=topics(1), rooms=rooms(10), slots=slots(1), pinned=frozenset({1})),
            "“Topic 1” is pinned but not on the wall",
        ),
        (
            Problem(topics=(Topic(id=1, title="Self", apart_from=frozenset({1})),), rooms=rooms(10), slots=slots(1)),
            "“Self” is set to be apart from itself",
        ),
        (
            Problem(
                topics=topics(3),
                rooms=rooms(10),
                slots=slots(2),
                current={1: Cell(10, 100), 2: Cell(10, 101), 3: Cell(10, 101)},
                pinned=frozenset({1, 2, 3}),
            ),
            "3 topics are pinned but the wall has only 2 session cells.",
        ),
    ],
)
def test_solve_refuses_a_problem_it_cannot_schedule_with_a_sentence(problem: Problem, message: str) -> None:
    with pytest.raises(ProblemError) as refused:
        solve(problem)

    assert str(refused.value).startswith(message)


def test_solve_says_when_the_big_enough_rooms_are_all_pinned() -> None:
    problem = Problem(
        topics=(Topic(id=1, title="Keynote"), Topic(id=2, title="Workshop", min_room_capacity=40)),
        rooms=rooms(50, 10),
        slots=slots(1),
        ballots=ballots_for({1: 30, 2: 20}),
        current={1: Cell(10, 100)},
        pinned=frozenset({1}),
    )

    schedule = solve(problem)

    assert schedule.left_off == {
        2: "It needs a room for 40; in the slots it could take, the big enough rooms are pinned."
    }


# Spreading each theme over the day


def themed(theme_of: dict[int, int | None]) -> tuple[Topic, ...]:
    return tuple(Topic(id=t, title=f"Topic {t}", theme_id=theme) for t, theme in theme_of.items())


def test_evaluate_counts_each_pair_of_one_themes_sessions_in_a_slot_and_never_unthemed_ones() -> None:
    problem = Problem(topics=themed({1: 7, 2: 7, 3: 7, 4: 8, 5: None, 6: None}), rooms=rooms(9, 9, 9), slots=slots(2))
    # Slot 100: three of theme 7 (three pairs). Slot 101: one of theme 8 and the two unthemed topics.
    wall = {1: Cell(10, 100), 2: Cell(11, 100), 3: Cell(12, 100), 4: Cell(10, 101), 5: Cell(11, 101), 6: Cell(12, 101)}

    figures = evaluate(problem, wall)

    assert figures.theme_clashes == 3
    assert figures.cost == 3 * problem.weights.theme_clash


def test_solve_spreads_each_theme_over_the_slots_when_it_can() -> None:
    # Two themes of two topics, two rooms, two slots, nobody torn whatever the wall: only the themes decide.
    problem = Problem(
        topics=themed({1: 1, 2: 1, 3: 2, 4: 2}),
        rooms=rooms(20, 20),
        slots=slots(2),
        ballots=ballots_for({1: 9, 2: 8, 3: 7, 4: 6}),
    )

    schedule = solve(problem)

    slot_of = {t: cell.slot_id for t, cell in schedule.placements.items()}
    assert slot_of[1] != slot_of[2]
    assert slot_of[3] != slot_of[4]
    assert schedule.figures.theme_clashes == 0
    assert schedule.proven_optimal is True


def test_solve_says_how_many_theme_clashes_are_left_when_a_theme_has_more_sessions_than_slots() -> None:
    # Five sessions of one theme in two slots: three and two at once are the fewest clashes (3 + 1).
    problem = Problem(
        topics=themed({1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: None}),
        rooms=rooms(20, 20, 20),
        slots=slots(2),
        ballots=ballots_for({1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1}),
    )

    schedule = solve(problem)

    assert len(schedule.placements) == 6
    assert schedule.figures.theme_clashes == 4
    assert schedule.proven_optimal is True
    assert schedule.figures.cost == oracle.best_cost(problem)


def test_spreading_a_theme_tears_people_only_while_a_clash_costs_more() -> None:
    # 1 and 2 share a theme; 3 and 4 have none. With 1 and 2 together nobody is torn; any other wall tears
    # two attendees per `people`.
    def problem(people: int, theme_clash: int = Weights().theme_clash) -> Problem:
        return Problem(
            topics=themed({1: 1, 2: 1, 3: None, 4: None}),
            rooms=rooms(20, 20),
            slots=slots(2),
            ballots=((1, 3), (2, 4), (1, 4), (2, 3)) * people,
            weights=Weights(theme_clash=theme_clash),
        )

    few, many, off = solve(problem(1)), solve(problem(2)), solve(problem(1, theme_clash=0))

    # A clash costs 30, as much as three torn attendees: two are worth spreading the theme, four are not.
    assert (few.figures.theme_clashes, few.figures.torn) == (0, 2)
    assert (many.figures.theme_clashes, many.figures.torn) == (1, 0)
    assert (off.figures.theme_clashes, off.figures.torn) == (1, 0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_topics=12, max_rooms=2, max_slots=4))
def test_with_the_theme_weight_off_the_optimum_is_the_one_without_themes(problem: Problem) -> None:
    off = replace(problem, weights=Weights(theme_clash=0), time_limit=5.0)
    unthemed = replace(problem, topics=tuple(replace(topic, theme_id=None) for topic in problem.topics))

    schedule = solve(off)

    assert schedule.proven_optimal is True
    assert schedule.figures.cost == oracle.best_cost(unthemed)


def test_pinned_sessions_of_one_theme_stay_together_and_the_rest_of_the_theme_goes_elsewhere() -> None:
    problem = Problem(
        topics=themed({1: 1, 2: 1, 3: 1, 4: None, 5: None}),
        rooms=rooms(20, 20, 20),
        slots=slots(2),
        ballots=ballots_for({1: 1, 2: 1, 3: 9, 4: 9, 5: 9}),
        current={1: Cell(10, 100), 2: Cell(11, 100)},
        pinned=frozenset({1, 2}),
    )

    schedule = solve(problem)

    # The free cell beside the pins goes to an unthemed topic; 3 would have made three clashes there.
    slot_of = {t: cell.slot_id for t, cell in schedule.placements.items()}
    assert (slot_of[1], slot_of[2], slot_of[3]) == (100, 100, 101)
    assert {slot_of[4], slot_of[5]} == {100, 101}
    assert schedule.figures.theme_clashes == 1
    assert schedule.proven_optimal is True


def test_solve_keeps_topics_sharing_a_co_convener_in_different_slots() -> None:
    """Ana and Bo convene a topic each; Bo co-convenes Ana's. Everyone dotted both, so tearing nobody would put
    them side by side; they share Bo, so they run one after the other, and Cy's third topic keeps its place."""
    problem = Problem(
        topics=(
            Topic(id=1, title="Ana's", convener_id=1, convener_name="Ana", co_conveners=(CoConvener(id=2, name="Bo"),)),
            Topic(id=2, title="Bo's", convener_id=2, convener_name="Bo"),
            Topic(id=3, title="Cy's", convener_id=3, convener_name="Cy"),
        ),
        rooms=rooms(30, 30),
        slots=slots(2),
        ballots=((1, 3),) * 5 + ((2, 3),) * 5,
    )

    schedule = solve(problem)

    assert schedule.placements[1].slot_id != schedule.placements[2].slot_id
    assert violations(problem, schedule.placements) == []
    together = {1: Cell(10, 100), 2: Cell(11, 100), 3: Cell(10, 101)}
    assert [(v.rule, v.topic_ids) for v in violations(problem, together)] == [("convener", (1, 2))]


def test_solve_refuses_a_co_convener_with_more_topics_than_slots() -> None:
    bo = (CoConvener(id=9, name="Bo"),)
    problem = Problem(
        topics=(Topic(id=1, convener_id=9, convener_name="Bo"), Topic(id=2, convener_id=1, co_conveners=bo)),
        rooms=rooms(10, 10),
        slots=slots(1),
    )

    with pytest.raises(ProblemError, match="Bo convenes 2 topics but there are only 1 session slots"):
        solve(problem)


def test_solve_says_when_a_co_convener_is_busy_in_every_slot() -> None:
    problem = Problem(
        topics=(
            Topic(id=1, title="Pinned", convener_id=9, convener_name="Bo"),
            Topic(
                id=2,
                title="Shared, early",
                convener_id=1,
                co_conveners=(CoConvener(id=9, name="Bo"),),
                not_after=DAY.replace(hour=9, minute=50),
            ),
        ),
        rooms=rooms(10, 10),
        slots=slots(2),
        current={1: Cell(10, 100)},
        pinned=frozenset({1}),
    )

    schedule = solve(problem)

    assert schedule.left_off == {2: "One of its conveners already runs a session in every slot it could take."}
