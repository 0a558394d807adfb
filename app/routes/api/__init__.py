"""The JSON API of DESIGN.md, over the same services as the pages."""

from fastapi import APIRouter

from app.routes.api import announcements, attendees, constraints, events, export, notes, schedule, topics, votes, wall

__all__ = ["router", "votes"]

router = APIRouter(prefix="/api")
for module in (events, attendees, topics, wall, constraints, notes, export, schedule, announcements):
    router.include_router(module.router)
