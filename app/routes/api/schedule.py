"""The auto-scheduler over the API: a proposed wall with its figures, applied or not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.deps import ApiFacilitator, EventDep, SessionDep, WriterDep
from app.i18n import translated
from app.models import id_of
from app.routes.api.answers import answers
from app.routes.common import work_out
from app.scheduling import Weights
from app.services import scheduling

router = APIRouter(tags=["schedule"])


class WeightsSet(BaseModel):
    """What one unit of each figure costs; the defaults put votes first, then torn, then seats. A theme clash
    (two sessions of one theme in one slot) costs 30 by default: 0 stops spreading the themes."""

    model_config = ConfigDict(extra="forbid")

    left_off_vote: int = Field(default=Weights.left_off_vote, ge=0, le=1_000_000)
    torn: int = Field(default=Weights.torn, ge=0, le=1_000_000)
    seat_short: int = Field(default=Weights.seat_short, ge=0, le=1_000_000)
    move: int = Field(default=Weights.move, ge=0, le=1_000_000)
    theme_clash: int = Field(default=Weights.theme_clash, ge=0, le=1_000_000)


class ScheduleAsk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    apply: bool = False
    time_limit: float = Field(
        default=scheduling.DEFAULT_TIME_LIMIT,
        ge=scheduling.MIN_TIME_LIMIT,
        le=scheduling.MAX_TIME_LIMIT,
        description="Seconds the search may take; the best wall found by then is answered.",
    )
    weights: WeightsSet = Field(default_factory=WeightsSet)


def proposal_json(proposal: scheduling.Proposal, *, applied: bool) -> dict[str, object]:
    """The API's answer: `{placements: […], …figures}` (DESIGN.md), with the rest of what the page shows."""
    figures = proposal.figures
    problem = proposal.planning.problem
    return {
        "applied": applied,
        "placements": [
            {
                "topic_id": topic_id,
                "room_id": cell.room_id,
                "slot_id": cell.slot_id,
                "pinned": topic_id in problem.pinned,
            }
            for topic_id, cell in sorted(proposal.schedule.placements.items())
        ],
        "topics_placed": figures.topics_placed,
        "topics_total": figures.topics_total,
        "votes_placed": figures.votes_placed,
        "votes_total": figures.votes_total,
        "votes_placed_percent": round(figures.votes_placed_percent, 1),
        "torn": figures.torn,
        "seats_short": figures.seats_short,
        "moves": figures.moves,
        "theme_clashes": figures.theme_clashes,
        "cost": figures.cost,
        "before": {
            "topics_placed": proposal.before.topics_placed,
            "votes_placed": proposal.before.votes_placed,
            "torn": proposal.before.torn,
            "seats_short": proposal.before.seats_short,
            "theme_clashes": proposal.before.theme_clashes,
            "cost": proposal.before.cost,
        },
        "weights": problem.weights.as_dict(),
        "proven_optimal": proposal.schedule.proven_optimal,
        "seconds": round(proposal.schedule.seconds, 3),
        "time_limit": problem.time_limit,
        "changes": [
            {"topic_id": m.topic_id, "title": m.title, "from": _said(m.before), "to": _said(m.after)}
            for m in proposal.moves
        ],
        "left_off": [
            {"topic_id": v.topic_id, "title": v.title, "votes": v.votes, "reason": v.reason} for v in proposal.left_off
        ],
        "kept_slot_ids": list(proposal.planning.kept_slot_ids),
        "notice": _said(proposal.planning.notice),
        "based_on": proposal.planning.wall_fingerprint,
    }


def _said(words: str | None) -> str | None:
    """Words for people in the reader's language (English unless the request's Accept-Language asks)."""
    return None if words is None else translated(words)


@router.post("/events/{slug}/schedule", responses=answers(401, 403, 404, 409, 400, 413))
async def schedule(
    request: Request, body: ScheduleAsk, event: EventDep, actor: ApiFacilitator, session: SessionDep, writer: WriterDep
) -> dict[str, Any]:
    """Auto-schedule: `apply: false` answers the proposed wall and its figures; `apply: true` also puts it up,
    in one change every board sees. Slots that have started are kept; pins are kept; moves are counted."""
    event_id = id_of(event)
    weights = Weights(**body.weights.model_dump())
    planning, result = await work_out(request, session, event_id, time_limit=body.time_limit, weights=weights)
    if body.apply:
        await writer.run(
            lambda s: scheduling.apply_schedule(
                session=s, event_id=event_id, placements=result.placements, based_on=planning.wall, actor=actor
            )
        )
    return proposal_json(scheduling.describe(planning, result), applied=body.apply)
