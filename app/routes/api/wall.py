"""The agenda wall: placements, and attendees saying where they are going."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from sqlmodel import Session

from app.deps import ApiAttendee, ApiCaller, EventDep, RowId, SessionDep, WriterDep
from app.models import id_of
from app.models.attendance import AttendancePublic, AttendanceSet
from app.models.placement import PinSet, Placement, PlacementPublic, PlacementSet
from app.services import attendance, placements
from app.services.board import board_json, load_board
from app.services.changes import BoardChange
from app.services.errors import NotAuthenticated
from app.services.placements import Actor

router = APIRouter(tags=["wall"])


def actor_of(caller: ApiCaller) -> Actor:
    """The caller as a changer of the wall or of a topic; nobody known is refused."""
    if caller.attendee is None and not caller.is_facilitator:
        raise NotAuthenticated("Send the facilitator key, or your attendee token, as a bearer token.")
    return Actor(is_facilitator=caller.is_facilitator, attendee_id=caller.attendee_id)


@router.get("/events/{slug}/board")
def get_board(event: EventDep, session: SessionDep) -> dict[str, Any]:
    """The whole wall with a `version` that grows with every change; the websocket's snapshots are the same."""
    return board_json(load_board(session=session, event_id=id_of(event), with_clashes=False))


@router.put("/events/{slug}/topics/{topic_id}/placement")
async def place(
    topic_id: RowId, body: PlacementSet, event: EventDep, caller: ApiCaller, writer: WriterDep
) -> PlacementPublic:
    """Place a topic into a cell (or move it). Taken cells, convener clashes and break slots answer 409."""
    actor = actor_of(caller)
    placement, _ = await writer.run(
        lambda s: placements.move_topic(
            session=s, event_id=id_of(event), actor=actor, topic_id=topic_id, room_id=body.room_id, slot_id=body.slot_id
        ),
        change=lambda moved: moved[1],
    )
    return PlacementPublic.model_validate(placement, from_attributes=True)


@router.delete("/events/{slug}/topics/{topic_id}/placement", status_code=status.HTTP_204_NO_CONTENT)
async def unplace(topic_id: RowId, event: EventDep, caller: ApiCaller, writer: WriterDep) -> Response:
    actor = actor_of(caller)
    await writer.run(
        lambda s: placements.take_off_wall(session=s, event_id=id_of(event), actor=actor, topic_id=topic_id),
        change=lambda change: change,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/events/{slug}/topics/{topic_id}/pin")
async def pin(topic_id: RowId, body: PinSet, event: EventDep, caller: ApiCaller, writer: WriterDep) -> PlacementPublic:
    """Pin a placed topic (the facilitator): the auto-scheduler keeps it where it is. A topic off the wall is 409."""
    actor = actor_of(caller)

    def work(session: Session) -> tuple[Placement, BoardChange]:
        change = placements.set_pinned(
            session=session, event_id=id_of(event), actor=actor, topic_id=topic_id, pinned=body.pinned
        )
        return placements.get_placement(session=session, event_id=id_of(event), topic_id=topic_id), change

    placement, _ = await writer.run(work, change=lambda pinned: pinned[1])
    return PlacementPublic.model_validate(placement, from_attributes=True)


@router.put("/events/{slug}/slots/{slot_id}/attendance")
async def attend(
    slot_id: RowId, body: AttendanceSet, event: EventDep, attendee: ApiAttendee, writer: WriterDep
) -> AttendancePublic:
    """ "I'm going": replaces the attendee's earlier choice in this slot. A full room is said, not refused."""
    result = await writer.run(
        lambda s: attendance.attend(session=s, attendee_id=id_of(attendee), slot_id=slot_id, topic_id=body.topic_id),
        change=BoardChange.of(id_of(event), "attendance", slot_ids=slot_id),
    )
    return AttendancePublic.model_validate(result, from_attributes=True)


@router.delete("/events/{slug}/slots/{slot_id}/attendance")
async def leave(slot_id: RowId, event: EventDep, attendee: ApiAttendee, writer: WriterDep) -> AttendancePublic:
    result = await writer.run(
        lambda s: attendance.leave(session=s, attendee_id=id_of(attendee), slot_id=slot_id),
        change=BoardChange.of(id_of(event), "attendance", slot_ids=slot_id),
    )
    return AttendancePublic.model_validate(result, from_attributes=True)
