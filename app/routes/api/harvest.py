"""The harvest: what the day found, per theme; the facilitator's while the day runs, anyone's once published."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import ApiActor, EventDep, SessionDep
from app.exporters.harvest import Harvest, HarvestSession
from app.models import id_of
from app.models.event import EventPublic
from app.models.harvest import (
    HarvestActionPublic,
    HarvestGatheredActionPublic,
    HarvestPublic,
    HarvestSessionPublic,
    HarvestThemePublic,
)
from app.routes.api.answers import answers
from app.routes.api.events import event_public
from app.services import harvest
from app.services.privacy import names_shown

router = APIRouter(tags=["harvest"])


@router.get("/events/{slug}/harvest", responses=answers(401, 403, 404))
def get_harvest(event: EventDep, actor: ApiActor, session: SessionDep) -> HarvestPublic:
    """Per theme (in the facilitator's order) its sessions with key points, actions and where the conversation
    continues; then the sessions with no theme, and every action gathered in one list.

    The facilitator (bearer key) always; anyone once the event's `harvest_published` is true. Before that,
    anyone else is answered 403 "The harvest is not published yet…" (not 404: the event is there and public,
    and the page says the same sentence). On an event with a join code, conveners are named only to the
    people who joined (`convener` is null for anyone else).
    """
    harvest.check_readable(event=event, actor=actor)
    found = harvest.load_harvest(session=session, event_id=id_of(event), names=names_shown(event, actor))
    return harvest_public(event_public(event), found)


def harvest_public(event: EventPublic, found: Harvest) -> HarvestPublic:
    return HarvestPublic.model_validate(
        {
            "event": event,
            "themes": [
                HarvestThemePublic(
                    id=theme.id,
                    name=theme.name,
                    description=theme.description,
                    mark=theme.mark,
                    symbol=theme.symbol,
                    position=theme.position,
                    has_notes=theme.has_notes,
                    sessions=[session_public(s) for s in theme.sessions],
                )
                for theme in found.themes
            ],
            "unthemed": [session_public(s) for s in found.unthemed],
            "actions": [
                HarvestGatheredActionPublic(
                    what=gathered.action.what,
                    owner=gathered.action.owner,
                    line=gathered.action.line,
                    topic_id=gathered.topic_id,
                    title=gathered.title,
                    theme_id=gathered.theme.id if gathered.theme else None,
                    theme_name=gathered.theme.name if gathered.theme else None,
                )
                for gathered in found.actions
            ],
        }
    )


def session_public(session: HarvestSession) -> HarvestSessionPublic:
    return HarvestSessionPublic(
        topic_id=session.topic_id,
        title=session.title,
        theme_id=session.theme_id,
        room=session.room,
        slot=session.slot,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        convener=session.convener,
        came=session.came,
        came_from=session.came_from,
        key_points=session.key_points,
        actions=[HarvestActionPublic(what=a.what, owner=a.owner, line=a.line) for a in session.actions],
        continue_url=session.continue_url,
        has_notes=session.has_notes,
    )
