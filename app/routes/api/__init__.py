"""The JSON API of DESIGN.md, over the same services as the pages."""

from fastapi import APIRouter

from app.routes.api import attendees, constraints, events, export, notes, schedule, topics, votes, wall

__all__ = ["router", "votes"]

router = APIRouter(prefix="/api")
router.include_router(events.router)
router.include_router(attendees.router)
router.include_router(topics.router)
router.include_router(wall.router)
router.include_router(constraints.router)
router.include_router(notes.router)
router.include_router(export.router)
router.include_router(schedule.router)
