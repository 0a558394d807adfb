"""Exports of an event (facilitator) and an attendee's private calendar link, over the JSON API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.config import Settings
from app.deps import ApiAttendee, ApiFacilitator, EventDep, SessionDep, SettingsDep
from app.exporters import EXPORTERS, Export
from app.exporters.booklet import CONTENT_SECURITY_POLICY
from app.models import Attendee, Event
from app.services.export_data import calendar_token, load_export_data

router = APIRouter(tags=["export"])

FORMATS = ", ".join(EXPORTERS)
FormatQuery = Annotated[
    Literal["md", "html", "csv", "json", "ics"],
    Query(
        alias="format",
        description="md: a zip of Markdown files, one a session, with an index; html: the printable booklet; "
        "csv: topics for spreadsheets; json: the whole event (docs/export-format.md); ics: the agenda.",
    ),
]


def export_response(export: Export, *, inline: bool = False) -> Response:
    """The file as a download (or inline, for the booklet opened to print), never cached by proxies."""
    headers = {"Content-Disposition": export.content_disposition(inline=inline), "Cache-Control": "private, no-store"}
    if export.content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return Response(content=export.content, media_type=export.content_type, headers=headers)


def run_export(*, session: SessionDep, event: Event, settings: Settings, export_format: str) -> Export:
    data = load_export_data(
        session=session, event=event, public_url=settings.public_url, with_notes=export_format != "ics"
    )
    return EXPORTERS[export_format](data)


def calendar_links(request: Request, settings: Settings, event: Event, attendee: Attendee) -> dict[str, str]:
    """An attendee's private calendar feed: as https for downloads and pasting, as webcal for subscribing."""
    token = calendar_token(secret_key=settings.secret_key, event=event, attendee=attendee)
    url = f"{settings.public_url}/e/{event.slug}/calendar/{token}.ics"
    return {"url": url, "webcal_url": "webcal://" + url.partition("://")[2]}


@router.get(
    "/events/{slug}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The exported file, with Content-Disposition naming it.",
            "content": {
                t: {} for t in ("application/zip", "text/html", "text/csv", "application/json", "text/calendar")
            },
        }
    },
)
def export_event(
    event: EventDep, _: ApiFacilitator, session: SessionDep, settings: SettingsDep, export_format: FormatQuery
) -> Response:
    """Export the event: Markdown zip, booklet, CSV, JSON or iCalendar (facilitator key)."""
    return export_response(run_export(session=session, event=event, settings=settings, export_format=export_format))


@router.get("/events/{slug}/me/calendar")
def my_calendar(request: Request, event: EventDep, attendee: ApiAttendee, settings: SettingsDep) -> dict[str, str]:
    """The private link of the caller's calendar feed: the sessions they said they are going to."""
    return calendar_links(request, settings, event, attendee)
