"""The auto-scheduler over the API: a proposed wall with its figures, applied or not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.deps import ApiFacilitator, EventDep, SessionDep, WriterDep
from app.models import id_of
from app.routes.common import work_out
from app.scheduling import Weights
from app.services import scheduling

router = APIRouter(tags=["schedule"])


class WeightsSet(BaseModel):
    """What one unit of each figure costs; the defaults put votes first, then torn, then seats."""

    model_config = ConfigDict(extra="forbid")

    left_off_vote: int = Field(default=Weights.left_off_vote, ge=0, le=1_000_000)
    torn: int = Field(default=Weights.torn, ge=0, le=1_000_000)
    seat_short: int = Field(default=Weights.seat_short, ge=0, le=1_000_000)
    move: int = Field(default=Weights.move, ge=0, le=1_000_000)


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


@router.post("/events/{slug}/schedule")
async def schedule(
    request: Request, body: ScheduleAsk, event: EventDep, _: ApiFacilitator, session: SessionDep, writer: WriterDep
) -> dict[str, Any]:
    """Auto-schedule: `apply: false` answers the proposed wall and its figures; `apply: true` also puts it up,
    in one change every board sees. Slots that have started are kept; pins are kept; moves are counted."""
    event_id = id_of(event)
    weights = Weights(**body.weights.model_dump())
    planning, result = await work_out(request, session, event_id, time_limit=body.time_limit, weights=weights)
    if body.apply:
        await writer.run(
            lambda s: scheduling.apply_schedule(
                session=s, event_id=event_id, placements=result.placements, based_on=planning.wall
            ),
            change=lambda change: change,
        )
    return scheduling.describe(planning, result).to_json(applied=body.apply)
