"""Themes: the event's strands of conversation, which topics belong to."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.deps import ApiFacilitator, EventDep, RowId, SessionDep, WriterDep
from app.models import Theme, id_of
from app.models.theme import ThemeCreate, ThemePublic, ThemeUpdate
from app.routes.api.answers import answers
from app.services import themes

router = APIRouter(tags=["themes"])


def theme_public(theme: Theme) -> ThemePublic:
    return ThemePublic.model_validate(theme, from_attributes=True)


@router.get("/events/{slug}/themes", responses=answers(404))
def list_themes(event: EventDep, session: SessionDep) -> list[ThemePublic]:
    """The event's themes in the facilitator's order, each with its mark (a symbol, not a colour)."""
    return [theme_public(t) for t in themes.list_themes(session=session, event_id=id_of(event))]


@router.post(
    "/events/{slug}/themes", status_code=status.HTTP_201_CREATED, responses=answers(401, 403, 404, 409, 400, 413)
)
async def add_theme(body: ThemeCreate, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> ThemePublic:
    """Add a theme, last in the order; without a `mark`, the first one no other theme has."""
    theme = await writer.run(
        lambda s: themes.add_theme(session=s, event_id=id_of(event), **body.model_dump(), actor=actor)
    )
    return theme_public(theme)


@router.patch("/events/{slug}/themes/{theme_id}", responses=answers(401, 403, 404, 409, 400, 413))
async def update_theme(
    theme_id: RowId, body: ThemeUpdate, event: EventDep, actor: ApiFacilitator, writer: WriterDep
) -> ThemePublic:
    """Rename a theme, change its description or mark, or move it (`position`, from 0)."""
    changes = body.model_dump(exclude_unset=True)
    theme = await writer.run(
        lambda s: themes.update_theme(session=s, event_id=id_of(event), theme_id=theme_id, **changes, actor=actor)
    )
    return theme_public(theme)


@router.delete(
    "/events/{slug}/themes/{theme_id}", status_code=status.HTTP_204_NO_CONTENT, responses=answers(401, 403, 404, 409)
)
async def remove_theme(theme_id: RowId, event: EventDep, actor: ApiFacilitator, writer: WriterDep) -> Response:
    """Remove a theme; its topics stay, without a theme."""
    await writer.run(lambda s: themes.remove_theme(session=s, event_id=id_of(event), theme_id=theme_id, actor=actor))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
