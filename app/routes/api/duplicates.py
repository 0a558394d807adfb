"""Likely duplicates, for the facilitator before the vote: pairs of topics to merge, or to keep apart for good."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response, status

from app.deps import ApiFacilitator, EventDep, SessionDep, WriterDep
from app.models import id_of
from app.models.topic import DuplicatePairPublic, NotDuplicateCreate
from app.routes.api.answers import answers
from app.routes.api.topics import topic_public
from app.services import similarity
from app.services.privacy import reader_names

router = APIRouter(tags=["topics"])


@router.get("/events/{slug}/duplicates", responses=answers(401, 403, 404))
def list_duplicates(
    event: EventDep,
    actor: ApiFacilitator,
    session: SessionDep,
    limit: int = Query(default=20, ge=1, le=100, description="at most this many pairs"),
) -> list[DuplicatePairPublic]:
    """Pairs of live topics that look like one conversation, most likely first, with the suggested merge (the
    one with fewer dots into the one with more); pairs said not to be duplicates are left out."""
    names = reader_names(event, actor)  # the facilitator's: every convener by name
    return [
        DuplicatePairPublic(
            topic=topic_public(pair.topic, names),
            other=topic_public(pair.other, names),
            score=pair.score,
            merge_from_id=id_of(pair.merge_from.topic),
            merge_into_id=id_of(pair.merge_into.topic),
        )
        for pair in similarity.duplicate_pairs(session=session, event_id=id_of(event), limit=limit)
    ]


@router.post(
    "/events/{slug}/duplicates/not",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=answers(401, 403, 404, 409, 400, 413),
)
async def not_a_duplicate(body: NotDuplicateCreate, event: EventDep, _: ApiFacilitator, writer: WriterDep) -> Response:
    """Two topics are different conversations: never suggested as a pair again (saying it twice is fine)."""
    await writer.run(
        lambda s: similarity.mark_not_duplicate(
            session=s, event_id=id_of(event), topic_id=body.topic_id, other_topic_id=body.other_topic_id
        )
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
