"""Attendees: joining an event, what one says about themselves, and leaving it ("forget me").

`DELETE …/attendees/me` is declared before `DELETE …/attendees/{attendee_id}`: routes match in order, and
"me" would otherwise be read (and refused) as an id.
"""

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
from app.models.attendee import AttendeeBanned, AttendeeCreate, AttendeeJoined, AttendeeRemoved, AttendeeUpdate
from app.routes.api.answers import answers
from app.services import attendance, attendees, votes

router = APIRouter(tags=["attendees"])


@router.post(
    "/events/{slug}/attendees",
    status_code=status.HTTP_201_CREATED,
    dependencies=[address_limit("joins")],
    responses=answers(403, 404, 409, 400, 413, 429),
)
async def join(request: Request, slug: str, body: AttendeeCreate) -> AttendeeJoined:
    """Join with a display name (and the join code, when the event has one); keep the token it returns."""
    # The event is found inside the write, not by a read before it (attendees.join_event_at says why).
    joined = await join_counting_wrong_codes(
        request,
        lambda: request.app.state.writer.run(
            lambda s: attendees.join_event_at(
                session=s,
                slug=slug,
                display_name=body.display_name,
                join_code=body.join_code,
                name_listed=body.name_listed,
            )
        ),
    )
    # The server knows the token it just issued: the attendee's first vote needs no database read.
    request.app.state.known_attendees.remember(slug, joined.attendee)
    return AttendeeJoined(
        id=id_of(joined.attendee),
        display_name=joined.attendee.display_name,
        name_listed=joined.attendee.name_listed,
        token=joined.token,
    )


@router.get("/events/{slug}/me", responses=answers(401, 404))
def me(event: EventDep, attendee: ApiAttendee, session: SessionDep) -> dict[str, Any]:
    """The calling attendee: dots left, the topics they put dots on, and their day (slot id → topic id)."""
    held = votes.dots(session=session, event=event, attendee_id=id_of(attendee))
    return {
        "id": attendee.id,
        "display_name": attendee.display_name,
        "name_listed": attendee.name_listed,
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


@router.patch("/events/{slug}/me", responses=answers(401, 404, 409, 400, 413))
async def update_me(body: AttendeeUpdate, event: EventDep, attendee: ApiAttendee, writer: WriterDep) -> dict[str, Any]:
    """Say whether others read your name on their lists (`name_listed`), or "a participant" there. The
    facilitator still sees your name, and so do you."""
    event_id, attendee_id = id_of(event), id_of(attendee)
    listed = attendee.name_listed if body.name_listed is None else body.name_listed
    changed = await writer.run(
        lambda s: attendees.set_name_listed(session=s, event_id=event_id, attendee_id=attendee_id, listed=listed)
    )
    return {"id": attendee_id, "display_name": changed.display_name, "name_listed": changed.name_listed}


def _removed(result: attendees.RemoveResult) -> AttendeeRemoved:
    return AttendeeRemoved(
        id=id_of(result.attendee),
        display_name=result.attendee.display_name,
        removed=True,
        votes_removed=result.votes_removed,
        attendance_removed=result.attendance_removed,
        topics_kept=result.topics_kept,
    )


@router.delete("/events/{slug}/attendees/me", responses=answers(401, 404, 409))
async def forget_me(request: Request, event: EventDep, attendee: ApiAttendee, writer: WriterDep) -> AttendeeRemoved:
    """Forget me: your name is replaced by "a former participant" (on your topics and notes revisions too),
    your dots and "I'm going"s are removed, and this token is refused from now on. Your topics stay on offer
    unless you withdraw them first. Sent again with the same token: 401, saying you removed yourself."""
    event_id, attendee_id = id_of(event), id_of(attendee)
    removed = await writer.run(
        lambda s: attendees.remove_attendee(session=s, event_id=event_id, attendee_id=attendee_id)
    )
    request.app.state.known_attendees.forget(attendee_id)
    return _removed(removed)


@router.delete("/events/{slug}/attendees/{attendee_id}", responses=answers(401, 403, 404, 409))
async def remove(
    request: Request, attendee_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> AttendeeRemoved:
    """The facilitator removes someone the same way (at their request, say, by mail): name replaced, dots and
    attendance removed, token refused. Unlike a ban, the person may join again. Twice: 409."""
    event_id = id_of(event)
    removed = await writer.run(
        lambda s: attendees.remove_attendee(
            session=s, event_id=event_id, attendee_id=attendee_id, by_facilitator=True, actor=actor
        )
    )
    request.app.state.known_attendees.forget(attendee_id)
    return _removed(removed)
