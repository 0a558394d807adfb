"""Joining an event."""

from fastapi import APIRouter, status

from app.deps import EventDep, WriterDep
from app.models.attendee import AttendeeCreate, AttendeeJoined
from app.services import attendees

router = APIRouter(tags=["attendees"])


@router.post("/events/{slug}/attendees", status_code=status.HTTP_201_CREATED)
async def join(body: AttendeeCreate, event: EventDep, writer: WriterDep) -> AttendeeJoined:
    """Join with a display name (and the join code, when the event has one); keep the token it returns."""
    joined = await writer.run(
        lambda s: attendees.join_event(
            session=s, event_id=event.id, display_name=body.display_name, join_code=body.join_code
        )
    )
    return AttendeeJoined(id=joined.attendee.id, display_name=joined.attendee.display_name, token=joined.token)  # type: ignore[arg-type]
