"""The agenda wall: placements, and attendees saying where they are going."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from app.deps import ApiAttendee, ApiKnownActor, ApiReader, EventDep, RowId, SessionDep, WriterDep, api_limit
from app.models import id_of
from app.models.attendance import AttendancePublic, AttendanceSet
from app.models.placement import PinSet, PlacementPublic, PlacementSet
from app.routes.api.answers import answers
from app.services import attendance, placements
from app.services.board import board_json, load_board
from app.services.privacy import names_shown

router = APIRouter(tags=["wall"])


@router.get("/events/{slug}/board", responses=answers(404))
def get_board(event: EventDep, reader: ApiReader, session: SessionDep) -> dict[str, Any]:
    """The whole wall with a `version` that grows with every change; the websocket's snapshots are the same.
    On an event with a join code, conveners are named only to the people in it (a token)."""
    board = load_board(session=session, event_id=id_of(event), with_clashes=False)
    return board_json(board if names_shown(event, reader) else board.without_names())


@router.put("/events/{slug}/topics/{topic_id}/placement", responses=answers(401, 403, 404, 409, 400, 413))
async def place(
    topic_id: RowId, body: PlacementSet, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> PlacementPublic:
    """Place a topic into a cell (or move it). Taken cells, convener clashes and break slots answer 409."""
    placement = await writer.run(
        lambda s: placements.place_topic(
            session=s, event_id=id_of(event), actor=actor, topic_id=topic_id, room_id=body.room_id, slot_id=body.slot_id
        )
    )
    return PlacementPublic.model_validate(placement, from_attributes=True)


@router.delete(
    "/events/{slug}/topics/{topic_id}/placement",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=answers(401, 403, 404, 409),
)
async def unplace(topic_id: RowId, event: EventDep, actor: ApiKnownActor, writer: WriterDep) -> Response:
    await writer.run(
        lambda s: placements.take_off_wall(session=s, event_id=id_of(event), actor=actor, topic_id=topic_id)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/events/{slug}/topics/{topic_id}/pin", responses=answers(401, 403, 404, 409, 400, 413))
async def pin(
    topic_id: RowId, body: PinSet, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> PlacementPublic:
    """Pin a placed topic (the facilitator): the auto-scheduler keeps it where it is. A topic off the wall is 409."""
    placement = await writer.run(
        lambda s: placements.set_pinned(
            session=s, event_id=id_of(event), actor=actor, topic_id=topic_id, pinned=body.pinned
        )
    )
    return PlacementPublic.model_validate(placement, from_attributes=True)


@router.put(
    "/events/{slug}/slots/{slot_id}/attendance",
    dependencies=[api_limit("attendance")],
    responses=answers(401, 403, 404, 409, 400, 413, 429),
)
async def attend(
    slot_id: RowId, body: AttendanceSet, event: EventDep, attendee: ApiAttendee, writer: WriterDep
) -> AttendancePublic:
    """ "I'm going": replaces the attendee's earlier choice in this slot. A full room is said, not refused."""
    result = await writer.run(
        lambda s: attendance.attend(session=s, attendee_id=id_of(attendee), slot_id=slot_id, topic_id=body.topic_id)
    )
    return AttendancePublic.model_validate(result, from_attributes=True)


@router.delete(
    "/events/{slug}/slots/{slot_id}/attendance",
    dependencies=[api_limit("attendance")],
    responses=answers(401, 403, 404, 409, 429),
)
async def leave(slot_id: RowId, event: EventDep, attendee: ApiAttendee, writer: WriterDep) -> AttendancePublic:
    result = await writer.run(lambda s: attendance.leave(session=s, attendee_id=id_of(attendee), slot_id=slot_id))
    return AttendancePublic.model_validate(result, from_attributes=True)
