"""QR codes of an event's public links, as SVG: the join link, and the schedule for schedule apps."""

from __future__ import annotations

import io

import segno
from fastapi import APIRouter
from fastapi.responses import Response

from app.deps import EventDep, SettingsDep

router = APIRouter()

QR_MAX_AGE = 60 * 60 * 24


@router.get("/e/{slug}/qr.svg")
def qr_code(event: EventDep, settings: SettingsDep) -> Response:
    """The attendee link as a QR code, for the venue screen and for "Invite others"."""
    return qr_response(f"{settings.public_url}/e/{event.slug}")


@router.get("/e/{slug}/schedule-qr.svg")
def schedule_qr_code(event: EventDep, settings: SettingsDep) -> Response:
    """The schedule's address (schedule.xml) as a QR code: Giggity and the like scan it to add the event."""
    return qr_response(f"{settings.public_url}/e/{event.slug}/schedule.xml")


def qr_response(url: str) -> Response:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, dark="#000", light="#fff")
    return Response(
        buffer.getvalue(),
        media_type="image/svg+xml",
        headers={"Cache-Control": f"public, max-age={QR_MAX_AGE}"},
    )
