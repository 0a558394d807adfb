"""The auto-scheduler: a pure function from a plain problem to a wall and its figures (no DB, no web)."""

from app.scheduling.figures import Violation, evaluate, violations, vote_counts
from app.scheduling.problem import (
    Cell,
    CoConvener,
    Figures,
    Move,
    Problem,
    ProblemError,
    Room,
    Schedule,
    Slot,
    Topic,
    Weights,
)
from app.scheduling.solver import solve

__all__ = [
    "Cell",
    "CoConvener",
    "Figures",
    "Move",
    "Problem",
    "ProblemError",
    "Room",
    "Schedule",
    "Slot",
    "Topic",
    "Violation",
    "Weights",
    "evaluate",
    "solve",
    "violations",
    "vote_counts",
]
