"""The harvest page: what the day found, per theme; the facilitator's while the day runs (with the button that
publishes it), everyone's with the event's link once published.

Before it is published, anyone else gets the page saying so, answered 403 like the other pages that refuse a
visitor (the facilitator's page, a closed phase): the sentence in place, the event's pages a tap away.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from app.config import Settings
from app.csrf import CsrfChecked
from app.deps import PageFacilitator, SettingsDep
from app.errors import status_for
from app.exporters.harvest import Harvest
from app.i18n import _, translated
from app.markdown import render_markdown
from app.models.event import EventUpdate
from app.routes.pages.rendering import flash, pop_flash, render, see_other, wants_fragment
from app.routes.pages.visit import Visit, VisitDep
from app.services import events, harvest
from app.services.errors import DomainError, InvalidInput
from app.services.links import schedule_links
from app.services.privacy import names_shown

router = APIRouter()

NO_STORE = {"Cache-Control": "no-store"}  # it changes as notes are written, and the publish form carries CSRF


@router.get("/e/{slug}/harvest", response_class=HTMLResponse)
def harvest_page(visit: VisitDep, settings: SettingsDep) -> Response:
    """The harvest, per theme; "not published yet" (403) to anyone but the facilitator until it is."""
    event, visitor = visit.event, visit.visitor
    try:
        harvest.check_readable(event=event, actor=visitor)
    except DomainError as error:
        context = {"event": event, "refused": error.message, "harvest": None, "facilitating": False}
        return render(visit.request, "pages/harvest.html", context, status_code=403, headers=NO_STORE)
    found = harvest.load_harvest(session=visit.session, event_id=visit.event_id, names=names_shown(event, visitor))
    return render(visit.request, "pages/harvest.html", _context(visit, found, settings), headers=NO_STORE)


def _context(visit: Visit, found: Harvest, settings: Settings) -> dict[str, Any]:
    return {
        "schedule": schedule_links(public_url=settings.public_url, event=visit.event),
        "event": visit.event,
        "refused": None,
        "harvest": found,
        "facilitating": visit.visitor.is_facilitator,
        # Key points are Markdown: rendered and sanitised (nh3) here, never shown raw with |safe.
        "key_points": {s.topic_id: render_markdown(s.key_points) for s in found.sessions if s.key_points},
        "flash": pop_flash(visit.request),
        "publish_error": None,
    }


@router.post("/e/{slug}/harvest/publish", dependencies=[CsrfChecked])
async def publish(
    visit: VisitDep, actor: PageFacilitator, settings: SettingsDep, published: Annotated[str | None, Form()] = None
) -> Response:
    """Publish the harvest (`published=true`) for everyone with the event's link, or take it back (`false`)."""
    event_id = visit.event_id
    try:
        value = _switch(published)
        await visit.writer.run(
            lambda s: events.update_event(
                session=s, event_id=event_id, update=EventUpdate(harvest_published=value), actor=actor.as_facilitator
            )
        )
    except DomainError as error:
        return _answer(visit, settings, error=error.message, status=status_for(error))
    return _answer(visit, settings, error=None, status=200)


def _answer(visit: Visit, settings: Settings, *, error: str | None, status: int) -> Response:
    event = visit.event
    if wants_fragment(visit.request):
        context = {"event": event, "publish_error": error, "facilitating": True}
        return render(visit.request, "partials/harvest_publish.html", context, status_code=status, headers=NO_STORE)
    if error is None:
        said = _("The harvest is published.") if event.harvest_published else _("The harvest is unpublished.")
        flash(visit.request, translated(said))  # kept until the next page: in the reader's words now
        return see_other(f"/e/{event.slug}/harvest")
    found = harvest.load_harvest(session=visit.session, event_id=visit.event_id, names=True)
    context = {**_context(visit, found, settings), "publish_error": error}
    return render(visit.request, "pages/harvest.html", context, status_code=status, headers=NO_STORE)


def _switch(value: str | None) -> bool:
    if value in ("true", "false"):
        return value == "true"
    raise InvalidInput(_("Say whether to publish the harvest: published is 'true' or 'false'."), field="published")
