"""Announcements: the facilitator's word to the board and every open page."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.deps import ApiFacilitator, EventDep, SessionDep, WriterDep
from app.models import id_of
from app.models.announcement import AnnouncementCreate, AnnouncementPublic
from app.routes.api.answers import answers
from app.services import announcements

router = APIRouter(tags=["announcements"])


@router.get("/events/{slug}/announcements", responses=answers(404))
def list_announcements(event: EventDep, session: SessionDep) -> list[AnnouncementPublic]:
    """The latest few, newest first: what the board shows and what a latecomer may have missed."""
    found = announcements.recent(session=session, event_id=id_of(event))
    return [AnnouncementPublic.model_validate(a, from_attributes=True) for a in found]


@router.post(
    "/events/{slug}/announcements", status_code=status.HTTP_201_CREATED, responses=answers(401, 403, 404, 409, 400, 413)
)
async def announce(
    body: AnnouncementCreate, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> AnnouncementPublic:
    """Say something to everyone now (up to 280 characters): shown on the board and every open page at once."""
    said = await writer.run(
        lambda s: announcements.announce(session=s, event_id=id_of(event), actor=actor, text=body.text)
    )
    return AnnouncementPublic.model_validate(said, from_attributes=True)
