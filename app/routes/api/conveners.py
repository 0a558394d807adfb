"""A topic's co-conveners: invited by a convener, accepted by the invitee, stepping down or removed
(app/services/co_conveners.py says who may do what)."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlmodel import Session

from app.deps import ApiActor, ApiKnownActor, EventDep, RowId, SessionDep, WriterDep, api_limit
from app.models import Event, id_of
from app.models.topic_convener import ConvenerInvite, ConvenerPublic
from app.routes.api.answers import answers
from app.services import co_conveners
from app.services.actors import Actor
from app.services.changes import Written
from app.services.privacy import Names, reader_names

router = APIRouter(tags=["topics"])


def conveners_public(listed: co_conveners.Conveners, names: Names) -> list[ConvenerPublic]:
    """The main convener first (an attendee, or null for the facilitator), then the co-conveners."""
    main = listed.main
    first = ConvenerPublic(
        attendee_id=main.id if main else None,
        name=names.name(main.display_name, main.id, listed=main.name_listed) if main else None,
        main=True,
        accepted=True,
    )
    return [first, *(_co_public(c, names) for c in listed.co)]


def _co_public(co: co_conveners.CoConvener, names: Names) -> ConvenerPublic:
    return ConvenerPublic(
        attendee_id=co.attendee_id,
        name=names.name(co.display_name, co.attendee_id, listed=co.name_listed),
        main=False,
        accepted=co.accepted,
        invited_at=co.invited_at,
        accepted_at=co.accepted_at,
    )


def _one(session: Session, event: Event, topic_id: int, actor: Actor, attendee_id: int) -> ConvenerPublic:
    """The co-convener (or invitee) `attendee_id` of the topic, as the actor who just wrote sees them."""
    listed = co_conveners.list_conveners(session=session, event_id=id_of(event), topic_id=topic_id, actor=actor)
    found = next(c for c in listed.co if c.attendee_id == attendee_id)
    return _co_public(found, reader_names(event, actor))


@router.get("/events/{slug}/topics/{topic_id}/conveners", responses=answers(401, 404))
def list_conveners(topic_id: RowId, event: EventDep, actor: ApiActor, session: SessionDep) -> list[ConvenerPublic]:
    """Who convenes the topic: its main convener, then its co-conveners in the order they were invited. An
    invitation not yet accepted is listed to the topic's conveners, the invitee and the facilitator only."""
    listed = co_conveners.list_conveners(session=session, event_id=id_of(event), topic_id=topic_id, actor=actor)
    return conveners_public(listed, reader_names(event, actor))


@router.post(
    "/events/{slug}/topics/{topic_id}/conveners",
    status_code=status.HTTP_201_CREATED,
    dependencies=[api_limit("edits")],
    responses=answers(400, 401, 403, 404, 409, 413, 429),
)
async def invite(
    topic_id: RowId, body: ConvenerInvite, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> ConvenerPublic:
    """Invite an attendee of the event to co-convene the topic (a convener of it, or the facilitator). They
    accept on their own (`…/conveners/{attendee_id}/accept`). Someone of another event answers 404; oneself or
    the main convener, 422; someone invited already, or a topic with four co-conveners and invitations, 409."""

    def work(session: Session) -> Written[ConvenerPublic]:
        written = co_conveners.invite(
            session=session, event_id=id_of(event), topic_id=topic_id, actor=actor, attendee_id=body.attendee_id
        )
        return written.with_result(_one(session, event, topic_id, actor, body.attendee_id))

    return await writer.run(work)


@router.post(
    "/events/{slug}/topics/{topic_id}/conveners/{attendee_id}/accept",
    dependencies=[api_limit("edits")],
    responses=answers(401, 403, 404, 409, 429),
)
async def accept(
    topic_id: RowId, attendee_id: RowId, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> ConvenerPublic:
    """The invitee (and only they) accepts: they convene the topic too from now on. Refused (409) when the topic
    is on the wall at a time they already run another session."""

    def work(session: Session) -> Written[ConvenerPublic]:
        written = co_conveners.accept(
            session=session, event_id=id_of(event), topic_id=topic_id, actor=actor, attendee_id=attendee_id
        )
        return written.with_result(_one(session, event, topic_id, actor, attendee_id))

    return await writer.run(work)


@router.delete(
    "/events/{slug}/topics/{topic_id}/conveners/{attendee_id}",
    dependencies=[api_limit("edits")],
    responses=answers(401, 403, 404, 429),
)
async def remove(
    topic_id: RowId, attendee_id: RowId, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> list[ConvenerPublic]:
    """A co-convener steps down, an invitee declines, or the main convener (or the facilitator) removes either.
    Answers who convenes the topic now."""

    def work(session: Session) -> Written[list[ConvenerPublic]]:
        written = co_conveners.remove(
            session=session, event_id=id_of(event), topic_id=topic_id, actor=actor, attendee_id=attendee_id
        )
        listed = co_conveners.list_conveners(session=session, event_id=id_of(event), topic_id=topic_id, actor=actor)
        return written.with_result(conveners_public(listed, reader_names(event, actor)))

    return await writer.run(work)
