"""Exports of an event (facilitator) and an attendee's private calendar link, over the JSON API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.deps import ApiAttendee, ApiFacilitator, EventDep, SessionDep, SettingsDep
from app.routes.api.answers import answers
from app.routes.common import export_response, run_export
from app.services.links import calendar_links

router = APIRouter(tags=["export"])

FormatQuery = Annotated[
    Literal["md", "html", "csv", "json", "ics"],
    Query(
        alias="format",
        description="md: a zip of Markdown files, one a session, with an index; html: the printable booklet; "
        "csv: topics for spreadsheets; json: the whole event (docs/export-format.md); ics: the agenda.",
    ),
]


@router.get(
    "/events/{slug}/export",
    response_class=Response,
    responses={
        **answers(401, 403, 404),
        200: {
            "description": "The exported file, with Content-Disposition naming it.",
            "content": {
                t: {} for t in ("application/zip", "text/html", "text/csv", "application/json", "text/calendar")
            },
        },
    },
)
def export_event(
    event: EventDep, _: ApiFacilitator, session: SessionDep, settings: SettingsDep, export_format: FormatQuery
) -> Response:
    """Export the event: Markdown zip, booklet, CSV, JSON or iCalendar (facilitator key)."""
    return export_response(run_export(session=session, event=event, settings=settings, export_format=export_format))


@router.get("/events/{slug}/me/calendar", responses=answers(401, 404))
def my_calendar(event: EventDep, attendee: ApiAttendee, settings: SettingsDep) -> dict[str, str]:
    """The private link of the caller's calendar feed: the sessions they said they are going to."""
    return calendar_links(
        public_url=settings.public_url, secret_key=settings.secret_key, event=event, attendee=attendee
    )
