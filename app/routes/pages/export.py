"""Exports from the facilitator's page (the cookie session), the attendees' calendar pages and feeds, and the
schedule that schedule apps subscribe to."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import EventDep, PageAttendee, PageFacilitator, SessionDep, SettingsDep
from app.exporters import EXPORTERS
from app.exporters.base import Export
from app.exporters.icalendar import export_personal_calendar
from app.exporters.schedule import export_schedule_json, export_schedule_xml
from app.i18n import _
from app.models import id_of
from app.routes.common import export_response, run_export
from app.routes.pages.rendering import render
from app.services import attendance
from app.services.errors import NotFound
from app.services.export_data import attendee_of_calendar_token, load_export_data
from app.services.links import calendar_links
from app.services.privacy import names_shown

router = APIRouter()

FORMATS = ", ".join(EXPORTERS)


@router.get("/e/{slug}/facilitate/export.{export_format}")
def export_event(
    export_format: str, event: EventDep, _facilitator: PageFacilitator, session: SessionDep, settings: SettingsDep
) -> Response:
    """The facilitator page's export links; the booklet opens in the browser, ready to print."""
    if export_format not in EXPORTERS:
        raise NotFound(
            _(
                "There is no export in the format '{asked}'. The formats are {formats}.",
                asked=export_format,
                formats=FORMATS,
            )
        )
    export = run_export(session=session, event=event, settings=settings, export_format=export_format)
    return export_response(export, inline=export_format == "html")


@router.get("/e/{slug}/calendar", response_class=HTMLResponse)
def my_calendar(
    request: Request, event: EventDep, attendee: PageAttendee, session: SessionDep, settings: SettingsDep
) -> Response:
    """The attendee's private calendar link, to subscribe to or download."""
    going = len(attendance.my_day(session=session, attendee_id=id_of(attendee)))
    links = calendar_links(
        public_url=settings.public_url, secret_key=settings.secret_key, event=event, attendee=attendee
    )
    context = {"event": event, "going": going, **links}
    response = render(request, "pages/calendar.html", context)
    response.headers["Cache-Control"] = "no-store"  # the page shows a private link
    return response


# HEAD too: some calendar apps ask for the headers before they subscribe.
@router.api_route("/e/{slug}/calendar/{token}.ics", methods=["GET", "HEAD"])
def calendar_feed(token: str, event: EventDep, session: SessionDep, settings: SettingsDep) -> Response:
    """An attendee's day as an iCalendar feed; the link itself is the key (calendar apps send no cookies)."""
    attendee = attendee_of_calendar_token(session=session, secret_key=settings.secret_key, event=event, token=token)
    data = load_export_data(session=session, event=event, public_url=settings.public_url, with_notes=False)
    return export_response(export_personal_calendar(data, attendee_id=id_of(attendee)))


# --- Schedule apps (Giggity, ConfClerk, EventFahrplan…): the wall in frab's format ---------------------
# Read by anyone, like the venue screen: apps send no cookie, so on an event with a join code the schedule
# names nobody (app/services/privacy.py). Apps ask again now and then; the entity tag spares them the body
# when nothing changed.


@router.api_route("/e/{slug}/schedule.xml", methods=["GET", "HEAD"])
def schedule_xml(request: Request, event: EventDep, session: SessionDep, settings: SettingsDep) -> Response:
    """The wall as frab schedule XML, as pretalx publishes it."""
    data = load_export_data(session=session, event=event, public_url=settings.public_url, with_notes=False)
    return _schedule_response(request, export_schedule_xml(data, names=names_shown(event, None)))


@router.api_route("/e/{slug}/schedule.json", methods=["GET", "HEAD"])
def schedule_json(request: Request, event: EventDep, session: SessionDep, settings: SettingsDep) -> Response:
    """The same schedule in pretalx's schedule.json layout."""
    data = load_export_data(session=session, event=event, public_url=settings.public_url, with_notes=False)
    return _schedule_response(request, export_schedule_json(data, names=names_shown(event, None)))


def _schedule_response(request: Request, export: Export) -> Response:
    headers = {
        "ETag": export.etag,
        "Cache-Control": "no-cache",  # kept, but asked again each time: the wall changes during the day
        "Content-Disposition": export.content_disposition(inline=True),
        "Access-Control-Allow-Origin": "*",  # public data; web schedule viewers fetch it from their own site
    }
    if export.etag in _entity_tags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(content=export.content, media_type=export.content_type, headers=headers)


def _entity_tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
