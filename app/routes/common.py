"""What the HTML pages and the JSON API both need around a service call, kept in one place.

Only route-level code used by both app/routes/pages and app/routes/api belongs here: helpers that take
the request, answer a response or reach the app's state. Domain rules go to app/services, request
dependencies to app/deps.py. Pages and API never import each other; what both need comes from here.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.exporters import EXPORTERS, Export
from app.exporters.booklet import CONTENT_SECURITY_POLICY
from app.models import Event
from app.schedule_runner import ScheduleRunner
from app.scheduling import Schedule, Weights
from app.services import scheduling
from app.services.export_data import load_export_data

# --- Exports -------------------------------------------------------------------------------------


def export_response(export: Export, *, inline: bool = False) -> Response:
    """The file as a download (or inline, for the booklet opened to print), never cached by proxies."""
    headers = {"Content-Disposition": export.content_disposition(inline=inline), "Cache-Control": "private, no-store"}
    if export.content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return Response(content=export.content, media_type=export.content_type, headers=headers)


def run_export(*, session: Session, event: Event, settings: Settings, export_format: str) -> Export:
    """The event in one format; the calendar shows no notes, so they are not loaded for it."""
    data = load_export_data(
        session=session, event=event, public_url=settings.public_url, with_notes=export_format != "ics"
    )
    return EXPORTERS[export_format](data)


# --- The auto-scheduler --------------------------------------------------------------------------


def runner_of(request: Request) -> ScheduleRunner:
    runner: ScheduleRunner = request.app.state.scheduler
    return runner


async def work_out(
    request: Request, session: Session, event_id: int, *, time_limit: float, weights: Weights
) -> tuple[scheduling.Planning, Schedule]:
    """Read the event as a problem (on the threadpool) and solve it in the runner's worker process.

    The page and the API both propose this way. The read connection goes back to the pool before the
    search, which may take up to a minute, as RequestWriter does while a request waits on the writer.
    """
    planning = await run_in_threadpool(
        lambda: scheduling.plan(session=session, event_id=event_id, time_limit=time_limit, weights=weights)
    )
    session.commit()
    return planning, await runner_of(request).run(event_id, planning.problem)
