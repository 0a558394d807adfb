"""Joining an event."""

from typing import Any

from fastapi import APIRouter, Request, status

from app.deps import (
    ApiAttendee,
    ApiFacilitator,
    EventDep,
    RowId,
    SessionDep,
    WriterDep,
    address_limit,
    join_counting_wrong_codes,
)
from app.models import id_of
from app.models.attendee import AttendeeBanned, AttendeeCreate, AttendeeJoined
from app.routes.api.answers import answers
from app.services import attendance, attendees, votes

router = APIRouter(tags=["attendees"])


@router.post(
    "/events/{slug}/attendees",
    status_code=status.HTTP_201_CREATED,
    dependencies=[address_limit("joins")],
    responses=answers(403, 404, 409, 400, 413, 429),
)
async def join(request: Request, body: AttendeeCreate, event: EventDep, writer: WriterDep) -> AttendeeJoined:
    """Join with a display name (and the join code, when the event has one); keep the token it returns."""
    joined = await join_counting_wrong_codes(
        request,
        lambda: writer.run(
            lambda s: attendees.join_event(
                session=s, event_id=id_of(event), display_name=body.display_name, join_code=body.join_code
            )
        ),
    )
    # The server knows the token it just issued: the attendee's first vote needs no database read.
    request.app.state.known_attendees.remember(event.slug, joined.attendee)
    return AttendeeJoined(id=id_of(joined.attendee), display_name=joined.attendee.display_name, token=joined.token)


@router.get("/events/{slug}/me", responses=answers(401, 404))
def me(event: EventDep, attendee: ApiAttendee, session: SessionDep) -> dict[str, Any]:
    """The calling attendee: dots left, the topics they put dots on, and their day (slot id → topic id)."""
    held = votes.dots(session=session, event=event, attendee_id=id_of(attendee))
    return {
        "id": attendee.id,
        "display_name": attendee.display_name,
        "votes_left": held.left,
        "voted_topic_ids": sorted(held.voted),
        "going": {
            str(slot): topic for slot, topic in attendance.my_day(session=session, attendee_id=id_of(attendee)).items()
        },
    }


@router.post("/events/{slug}/attendees/{attendee_id}/ban", responses=answers(401, 403, 404))
async def ban(
    request: Request, attendee_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> AttendeeBanned:
    """Moderation: the attendee's token is refused from now on, their topics hidden, their dots and
    attendance taken back. Banning someone banned already changes nothing."""
    event_id = id_of(event)
    banned = await writer.run(
        lambda s: attendees.ban_attendee(session=s, event_id=event_id, attendee_id=attendee_id, actor=actor)
    )
    request.app.state.known_attendees.forget(attendee_id)
    return AttendeeBanned(
        id=attendee_id,
        display_name=banned.attendee.display_name,
        banned=True,
        hidden_topic_ids=list(banned.hidden_topic_ids),
    )
