"""The JSON API of DESIGN.md, over the same services as the pages."""

from fastapi import APIRouter

from app.routes.api import (
    announcements,
    attendees,
    constraints,
    conveners,
    duplicates,
    events,
    export,
    harvest,
    notes,
    schedule,
    team,
    themes,
    topics,
    votes,
    wall,
)
from app.routes.api.answers import answers

__all__ = ["router", "votes"]

# Every operation may refuse its input (422, in words) or meet the database gone (503): said once, here.
router = APIRouter(prefix="/api", responses=answers(422, 503))
for module in (
    events,
    team,
    themes,
    attendees,
    topics,
    conveners,
    duplicates,
    wall,
    constraints,
    notes,
    export,
    harvest,
    schedule,
    announcements,
):
    router.include_router(module.router)
