"""The facilitation team and its activity list: members invited and removed, what they did, and undo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from sqlmodel import SQLModel

from app.deps import ApiFacilitator, EventDep, RowId, SessionDep, SettingsDep, WriterDep
from app.i18n import translated
from app.models import id_of
from app.models.facilitator import FacilitatorCreate, FacilitatorPublic
from app.routes.api.answers import answers
from app.services import activity, team, undo
from app.services.links import event_links

router = APIRouter(tags=["team"])


class ActivityPublic(SQLModel):
    """One line of the activity list."""

    id: int
    kind: str
    text: str
    facilitator_id: int | None
    created_at: datetime
    undoable: bool
    undone_at: datetime | None


@router.get("/events/{slug}/facilitators", responses=answers(401, 403, 404))
def list_facilitators(event: EventDep, _: ApiFacilitator, session: SessionDep) -> list[FacilitatorPublic]:
    """The members of the facilitation team now, the earliest first (never their keys)."""
    return [FacilitatorPublic.model_validate(m) for m in team.list_team(session=session, event_id=id_of(event))]


@router.post(
    "/events/{slug}/facilitators", status_code=status.HTTP_201_CREATED, responses=answers(401, 403, 404, 409, 400, 413)
)
async def invite_facilitator(
    body: FacilitatorCreate, event: EventDep, actor: ApiFacilitator, writer: WriterDep, settings: SettingsDep
) -> dict[str, Any]:
    """Invite someone to the team: their own key and link are answered here, once."""
    made = await writer.run(lambda s: team.invite(session=s, event_id=id_of(event), actor=actor, name=body.name))
    links = event_links(public_url=settings.public_url, event=event, facilitator_key=made.key)
    return {
        "id": made.facilitator.id,
        "name": made.facilitator.name,
        "facilitator_key": made.key,
        "links": {"facilitator": links["facilitator"]},
    }


@router.delete(
    "/events/{slug}/facilitators/{facilitator_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=answers(401, 403, 404, 409),
)
async def remove_facilitator(
    facilitator_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> Response:
    """Take someone off the team: their key is refused at once, and their open pages are closed. The last
    member can't be removed (409)."""
    await writer.run(
        lambda s: team.remove(session=s, event_id=id_of(event), actor=actor, facilitator_id=facilitator_id)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/events/{slug}/activity", responses=answers(401, 403, 404))
def list_activity(event: EventDep, _: ApiFacilitator, session: SessionDep) -> list[ActivityPublic]:
    """What the team did lately, newest first, in words."""
    return [
        ActivityPublic(
            id=line.id,
            kind=line.activity.kind,
            text=translated(line.text),  # in the reader's language: English unless Accept-Language asks
            facilitator_id=line.activity.facilitator_id,
            created_at=line.created_at,
            undoable=line.undoable,
            undone_at=line.activity.undone_at,
        )
        for line in activity.recent(session=session, event_id=id_of(event))
    ]


@router.post("/events/{slug}/activity/{activity_id}/undo", responses=answers(401, 403, 404, 409))
async def undo_activity(
    activity_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> dict[str, Any]:
    """Undo a hide, a merge or a take-off-the-wall: `{message, topic_id}` says what happened. Undone already, or
    overtaken by a later change of the topic: 409 with the reason."""
    done = await writer.run(lambda s: undo.undo(session=s, event_id=id_of(event), actor=actor, activity_id=activity_id))
    return {"message": translated(done.message), "topic_id": done.topic_id}
