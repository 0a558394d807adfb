"""Events, rooms and slots: the facilitator's set-up of the wall."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.deps import AdminDep, ApiFacilitator, EventDep, RowId, SessionDep, SettingsDep, WriterDep, forget_event
from app.models import Event, Room, Slot, id_of
from app.models.event import EventCopy, EventCreate, EventDelete, EventListed, EventPublic, EventUpdate
from app.models.room import RoomCreate, RoomPublic, RoomUpdate
from app.models.slot import SlotCreate, SlotPublic, SlotUpdate
from app.routes.api.answers import answers
from app.services import event_copy, event_sizes, events, wall_setup
from app.services.links import event_links

router = APIRouter(tags=["events"])


def event_public(event: Event) -> EventPublic:
    return EventPublic.model_validate(
        event, update={"has_join_code": bool(event.join_code), "last_date": event.last_day}
    )


@router.get("/events", dependencies=[AdminDep], responses=answers(401, 403, 429))
def list_events(session: SessionDep) -> list[EventListed]:
    """Every event of the deployment (admin token), the latest date first, with how big each is."""
    return [
        EventListed(
            slug=item.event.slug,
            name=item.event.name,
            date=item.event.date,
            timezone=item.event.timezone,
            language=item.event.language,
            attendees=item.size.attendees,
            topics=item.size.topics,
            sessions_placed=item.size.sessions,
            rooms=item.size.rooms,
            slots=item.size.slots,
            themes=item.size.themes,
        )
        for item in event_sizes.list_events(session=session)
    ]


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    dependencies=[AdminDep],
    responses=answers(401, 403, 409, 400, 413, 429),
)
async def create_event(body: EventCreate, writer: WriterDep, settings: SettingsDep) -> dict[str, Any]:
    """Create an event (admin token). The facilitator key is shown once, here."""
    created = await writer.run(lambda s: events.create_event(session=s, **body.model_dump()))
    return {
        "slug": created.event.slug,
        "facilitator_key": created.facilitator_key,
        "join_code": created.event.join_code,
        "links": event_links(
            public_url=settings.public_url, event=created.event, facilitator_key=created.facilitator_key
        ),
    }


@router.post(
    "/events/{slug}/copy",
    status_code=status.HTTP_201_CREATED,
    dependencies=[AdminDep],
    responses=answers(401, 403, 404, 409, 400, 413, 429),
)
async def copy_event(body: EventCopy, event: EventDep, writer: WriterDep, settings: SettingsDep) -> dict[str, Any]:
    """A new event made from this one as a template (admin token): its rooms, its slots moved to the new date
    (each keeping its time of day), its themes and settings; none of its people, topics, dots or notes. The new
    event's first facilitator key is answered here, once. A slug already taken is a 409, and nothing is written."""
    event_id = id_of(event)
    made = await writer.run(lambda s: event_copy.copy_event(session=s, event_id=event_id, **body.model_dump()))
    new = made.new
    return {
        "slug": new.event.slug,
        "facilitator_key": new.facilitator_key,
        "join_code": new.event.join_code,
        "links": event_links(public_url=settings.public_url, event=new.event, facilitator_key=new.facilitator_key),
        "copied": {"rooms": made.rooms, "slots": made.slots, "themes": made.themes},
    }


@router.get("/events/{slug}", responses=answers(404))
def get_event(event: EventDep) -> EventPublic:
    return event_public(event)


@router.patch("/events/{slug}", responses=answers(401, 403, 404, 409, 400, 413))
async def update_event(body: EventUpdate, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> dict[str, Any]:
    """Switch phases, change the dot budget, set or clear the join code (null clears it)."""
    updated = await writer.run(
        lambda s: events.update_event(session=s, event_id=id_of(event), update=body, actor=actor)
    )
    return {**event_public(updated).model_dump(), "join_code": updated.join_code}


@router.delete("/events/{slug}", responses=answers(401, 403, 404, 409, 400, 413))
async def delete_event(
    request: Request, body: EventDelete, event: EventDep, _: ApiFacilitator, writer: WriterDep
) -> dict[str, Any]:
    """Delete the event and everything about everyone in it, for good: send `{"confirm": "<slug>"}` (the slug
    typed again). Download the JSON export first (`GET …/export?format=json`) to keep a copy. Afterwards every
    page and API address of the slug answers 404."""
    event_id, slug = id_of(event), event.slug
    await writer.run(lambda s: events.delete_event(session=s, event_id=event_id, confirm=body.confirm))
    forget_event(request.app, slug)
    return {"slug": slug, "deleted": True}


@router.post(
    "/events/{slug}/facilitator-key", status_code=status.HTTP_201_CREATED, responses=answers(401, 403, 404, 409)
)
async def replace_facilitator_key(
    event: EventDep, actor: ApiFacilitator, writer: WriterDep, settings: SettingsDep
) -> dict[str, Any]:
    """Replace the caller's facilitator key (a leaked link): the new key is answered here, once; the old one is
    refused from now on, as a bearer token and in every browser that opened the old link. The rest of the
    team keep theirs."""
    key = await writer.run(
        lambda s: events.rotate_facilitator_key(
            session=s, event_id=id_of(event), facilitator_id=actor.facilitator_id, actor=actor
        )
    )
    links = event_links(public_url=settings.public_url, event=event, facilitator_key=key)
    return {"facilitator_key": key, "links": {"facilitator": links["facilitator"]}}


@router.get("/events/{slug}/rooms", responses=answers(404))
def list_rooms(event: EventDep, session: SessionDep) -> list[RoomPublic]:
    return [RoomPublic.model_validate(r) for r in wall_setup.list_rooms(session=session, event_id=id_of(event))]


@router.post(
    "/events/{slug}/rooms", status_code=status.HTTP_201_CREATED, responses=answers(401, 403, 404, 409, 400, 413)
)
async def add_room(body: RoomCreate, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> RoomPublic:
    room = await writer.run(
        lambda s: wall_setup.add_room(session=s, event_id=id_of(event), **body.model_dump(), actor=actor)
    )
    return RoomPublic.model_validate(room)


@router.patch("/events/{slug}/rooms/{room_id}", responses=answers(401, 403, 404, 409, 400, 413))
async def update_room(
    room_id: RowId, body: RoomUpdate, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> RoomPublic:
    room: Room = await writer.run(
        lambda s: wall_setup.update_room(
            session=s, event_id=id_of(event), room_id=room_id, **body.model_dump(exclude_unset=True), actor=actor
        )
    )
    return RoomPublic.model_validate(room)


@router.delete(
    "/events/{slug}/rooms/{room_id}", status_code=status.HTTP_204_NO_CONTENT, responses=answers(401, 403, 404, 409)
)
async def remove_room(room_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> Response:
    await writer.run(lambda s: wall_setup.remove_room(session=s, event_id=id_of(event), room_id=room_id, actor=actor))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/events/{slug}/slots", responses=answers(404))
def list_slots(event: EventDep, session: SessionDep) -> list[SlotPublic]:
    return [SlotPublic.model_validate(s) for s in wall_setup.list_slots(session=session, event_id=id_of(event))]


@router.post(
    "/events/{slug}/slots", status_code=status.HTTP_201_CREATED, responses=answers(401, 403, 404, 409, 400, 413)
)
async def add_slot(body: SlotCreate, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> SlotPublic:
    slot = await writer.run(
        lambda s: wall_setup.add_slot(session=s, event_id=id_of(event), **body.model_dump(), actor=actor)
    )
    return SlotPublic.model_validate(slot)


@router.patch("/events/{slug}/slots/{slot_id}", responses=answers(401, 403, 404, 409, 400, 413))
async def update_slot(
    slot_id: RowId, body: SlotUpdate, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> SlotPublic:
    changes = body.model_dump(exclude_unset=True)
    slot: Slot = await writer.run(
        lambda s: wall_setup.update_slot(session=s, event_id=id_of(event), slot_id=slot_id, **changes, actor=actor)
    )
    return SlotPublic.model_validate(slot)


@router.delete(
    "/events/{slug}/slots/{slot_id}", status_code=status.HTTP_204_NO_CONTENT, responses=answers(401, 403, 404, 409)
)
async def remove_slot(slot_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> Response:
    await writer.run(lambda s: wall_setup.remove_slot(session=s, event_id=id_of(event), slot_id=slot_id, actor=actor))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
