"""Topics and dot votes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, status
from sqlmodel import Session

from app.deps import (
    ApiActor,
    ApiFacilitator,
    ApiKnownActor,
    ApiReader,
    EventDep,
    RequestWriter,
    RowId,
    SessionDep,
    WriterDep,
    api_limit,
)
from app.models import Topic, id_of
from app.models.topic import (
    REQUEST_KEY_MAX,
    SEARCH_MAX,
    SIMILAR_TITLE_MAX,
    SimilarTopicPublic,
    TopicCreate,
    TopicMerge,
    TopicPublic,
    TopicUpdate,
)
from app.models.topic_convener import CoConvenerPublic
from app.routes.api.answers import answers
from app.services import similarity, topics
from app.services.actors import Actor
from app.services.changes import Written
from app.services.privacy import Names, reader_names
from app.services.topics import TopicView

router = APIRouter(tags=["topics"])


def topic_public(view: TopicView, names: Names) -> TopicPublic:
    """A topic as this reader may read it: its conveners named or "a participant" (app/services/privacy.py)."""
    name = names.name(view.convener_name, view.topic.convener_id, listed=view.convener_listed)
    co = [
        CoConvenerPublic(
            attendee_id=c.attendee_id, name=names.name(c.display_name, c.attendee_id, listed=c.name_listed)
        )
        for c in view.co_conveners
    ]
    return TopicPublic.model_validate(
        view.topic, update={"votes": view.votes, "convener_name": name, "co_conveners": co}
    )


@router.get("/events/{slug}/topics", responses=answers(404))
def list_topics(
    event: EventDep,
    reader: ApiReader,
    session: SessionDep,
    sort: Literal["votes", "newest"] = "votes",
    q: str | None = Query(default=None, max_length=SEARCH_MAX, description="words that must all appear"),
) -> list[TopicPublic]:
    """The marketplace: every topic still on offer with its vote count."""
    views = topics.list_topics(session=session, event_id=id_of(event), sort=sort, search=q)
    names = reader_names(event, reader)
    return [topic_public(v, names) for v in views]


# Before /topics/{topic_id}: "similar" is not a topic's id.
@router.get("/events/{slug}/topics/similar", responses=answers(404))
def similar_topics(
    event: EventDep,
    reader: ApiReader,
    session: SessionDep,
    title: str = Query(default="", max_length=SIMILAR_TITLE_MAX, description="the title being typed"),
) -> list[SimilarTopicPublic]:
    """Topics that look like the same conversation as `title`, most similar first; `[]` when none does. A
    suggestion only: nothing is refused for looking similar."""
    names = reader_names(event, reader)
    return [
        SimilarTopicPublic.model_validate(topic_public(found.view, names).model_dump() | {"score": found.score})
        for found in similarity.similar_topics(session=session, event_id=id_of(event), title=title)
    ]


@router.get("/events/{slug}/topics/{topic_id}", responses=answers(401, 404))
def get_topic(topic_id: RowId, event: EventDep, actor: ApiActor, session: SessionDep) -> TopicPublic:
    """One topic with its dots; a hidden or merged one answers 404 but to the facilitator."""
    view = topics.get_topic_view(session=session, event_id=id_of(event), topic_id=topic_id, actor=actor)
    return topic_public(view, reader_names(event, actor))


@router.post(
    "/events/{slug}/topics",
    status_code=status.HTTP_201_CREATED,
    dependencies=[api_limit("proposals")],
    responses=answers(401, 403, 404, 409, 400, 413, 429),
)
async def propose(
    body: TopicCreate,
    event: EventDep,
    actor: ApiKnownActor,
    writer: WriterDep,
    idempotency_key: Annotated[str | None, Header(max_length=REQUEST_KEY_MAX)] = None,
) -> TopicPublic:
    """Propose a topic as an attendee (you convene it) or as the facilitator. With an `Idempotency-Key` header,
    sending the same proposal again (after a lost answer) gives back the topic the first one made."""
    topic = await writer.run(
        lambda s: topics.propose_topic(
            session=s,
            event_id=id_of(event),
            actor=actor,
            title=body.title,
            description=body.description,
            theme_id=body.theme_id,
            request_key=idempotency_key,
        )
    )
    return TopicPublic.model_validate(topic, update={"votes": 0, "convener_name": actor.attendee_name})


@router.patch(
    "/events/{slug}/topics/{topic_id}",
    dependencies=[api_limit("edits")],
    responses=answers(401, 403, 404, 409, 400, 413, 429),
)
async def edit(
    topic_id: RowId, body: TopicUpdate, event: EventDep, actor: ApiKnownActor, writer: WriterDep
) -> TopicPublic:
    changes = body.model_dump(exclude_unset=True)
    return await _viewed(
        writer,
        actor,
        lambda s: topics.edit_topic(session=s, event_id=id_of(event), topic_id=topic_id, actor=actor, **changes),
    )


@router.delete(
    "/events/{slug}/topics/{topic_id}", dependencies=[api_limit("edits")], responses=answers(401, 403, 404, 409, 429)
)
async def withdraw(topic_id: RowId, event: EventDep, actor: ApiKnownActor, writer: WriterDep) -> TopicPublic:
    """Withdraw a topic (its convener or the facilitator); the dots on it go back to their owners."""
    topic = await writer.run(
        lambda s: topics.withdraw_topic(session=s, event_id=id_of(event), topic_id=topic_id, actor=actor)
    )
    return _retired_public(topic)


@router.post("/events/{slug}/topics/{topic_id}/hide", responses=answers(401, 403, 404, 409))
async def hide(topic_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> TopicPublic:
    """Moderation: hide an abusive topic from every page."""
    return _retired_public(
        await writer.run(lambda s: topics.hide_topic(session=s, event_id=id_of(event), topic_id=topic_id, actor=actor))
    )


@router.post("/events/{slug}/topics/{topic_id}/merge", responses=answers(401, 403, 404, 409, 400, 413))
async def merge(
    topic_id: RowId, body: TopicMerge, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> TopicPublic:
    """Merge this (duplicate) topic into another; its dots move along. Answers the merged-into topic."""
    return await _viewed(
        writer,
        actor,
        lambda s: topics.merge_topics(
            session=s, event_id=id_of(event), source_id=topic_id, target_id=body.into_topic_id, actor=actor
        ),
    )


async def _viewed(writer: RequestWriter, actor: Actor, work: Callable[[Session], Written[Topic]]) -> TopicPublic:
    """Write, then answer with the topic the write returned as lists show it (its dots, its convener)."""

    def write_and_view(session: Session) -> Written[TopicView]:
        written = work(session)
        topic = written.result
        return written.with_result(
            topics.get_topic_view(session=session, event_id=topic.event_id, topic_id=id_of(topic), actor=actor)
        )

    # The writer is its convener or the facilitator: a reader who sees the convener's own name.
    return topic_public(
        await writer.run(write_and_view),
        Names(joined=True, reader_id=actor.attendee_id, facilitator=actor.is_facilitator),
    )


def _retired_public(topic: Topic) -> TopicPublic:
    """A topic that left the marketplace: it holds no dots any more, and its convener is not said."""
    return TopicPublic.model_validate(topic, update={"votes": 0, "convener_name": None})
