"""Topic constraints for the auto-scheduler: when a topic may run, the room it needs, what it is kept apart from."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import ApiKnownActor, EventDep, RowId, SessionDep, WriterDep
from app.models import id_of
from app.models.topic import TopicConstraintsPublic, TopicConstraintsSet
from app.routes.api.answers import answers
from app.services import topic_constraints
from app.services.topic_constraints import TopicConstraints

router = APIRouter(tags=["constraints"])


def constraints_public(topic_id: int, constraints: TopicConstraints) -> TopicConstraintsPublic:
    return TopicConstraintsPublic(
        topic_id=topic_id,
        not_before=constraints.not_before,
        not_after=constraints.not_after,
        min_room_capacity=constraints.min_room_capacity,
        apart_from=list(constraints.apart_from),
    )


@router.get("/events/{slug}/topics/{topic_id}/constraints", responses=answers(404))
def get_constraints(topic_id: RowId, event: EventDep, session: SessionDep) -> TopicConstraintsPublic:
    """A topic's constraints; `apart_from` holds both sides of every pair (A apart from B lists B, and B lists A)."""
    return constraints_public(
        topic_id, topic_constraints.get_constraints(session=session, event_id=id_of(event), topic_id=topic_id)
    )


@router.put("/events/{slug}/topics/{topic_id}/constraints", responses=answers(401, 403, 404, 409, 400, 413))
async def set_constraints(
    topic_id: RowId, body: TopicConstraintsSet, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> TopicConstraintsPublic:
    """Replace a topic's constraints (its convener or the facilitator). Only the auto-scheduler reads them,
    so the board does not change."""
    constraints = await writer.run(
        lambda s: topic_constraints.set_constraints(
            session=s,
            event_id=id_of(event),
            actor=actor,
            topic_id=topic_id,
            not_before=body.not_before,
            not_after=body.not_after,
            min_room_capacity=body.min_room_capacity,
            apart_from=body.apart_from,
        )
    )
    return constraints_public(topic_id, constraints)
