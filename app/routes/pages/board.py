"""The venue screen and the agenda wall: read by anyone, placed on by the facilitator (or conveners)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import i18n
from app.csrf import CsrfChecked
from app.deps import REFUSED_KEY, EventDep, PageAttendee, RowId, SessionDep, SettingsDep, VisitorDep, page_limit
from app.errors import status_for
from app.i18n import _
from app.models import Event, id_of
from app.models._base import MAX_ROW_ID
from app.routes.pages.live import announcement_context
from app.routes.pages.rendering import fragments, render, see_other, swapped, wants_fragment
from app.routes.pages.visit import JoinedWhenCoded, Visit, VisitDep
from app.services import attendance, placements, team
from app.services.actors import Actor
from app.services.board import Board, DaySlot, load_board
from app.services.changes import Written
from app.services.errors import DomainError, NotAllowed, NotAuthenticated
from app.services.links import display_token_matches

router = APIRouter()

IdField = Annotated[int, Form(ge=1, le=MAX_ROW_ID)]  # a topic, room or slot id sent by a form
PLACING_PARTS = ("wall_message", "wall_grid", "wall_tray", "live_version")


@router.get("/e/{slug}/board", response_class=HTMLResponse)
def board(
    request: Request,
    event: EventDep,
    visitor: VisitorDep,
    session: SessionDep,
    settings: SettingsDep,
    display: str | None = None,
) -> Response:
    """The venue screen: no login, large type; live over the websocket.

    With a join code, the screen shows the code only when opened with the facilitator's display link (or by
    the facilitator): the public /board link is shared online, the code is for the people in the room. It
    then names nobody either (app/services/privacy.py): counts only.
    """
    i18n.for_the_room()  # in the event's language, whatever the laptop showing it speaks
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)  # the screen shows none
    shows_code = visitor.is_facilitator or (
        display is not None
        and display_token_matches(
            display,
            secret_key=settings.secret_key,
            event=event,
            fingerprint=team.display_fingerprint(session=session, event_id=id_of(event)),
        )
    )
    if event.join_code:
        loaded = loaded.without_names()
    ctx = {
        "event": loaded.event,
        "board": loaded,
        "top": loaded.top(),
        "now_next": loaded.now_next(),
        "live_version": loaded.version,
        **announcement_context(loaded.event, loaded.announcement),
        "venue_clock": _venue_clock(loaded.event),
        "join_link": f"{settings.public_url}/e/{event.slug}".removeprefix("https://").removeprefix("http://"),
        "join_code": event.join_code if shows_code else None,
    }
    # The display link's token must not travel on to other sites in a Referer.
    return render(request, "pages/board.html", ctx, headers={"Referrer-Policy": "no-referrer"})


@router.get("/e/{slug}/board/now", response_class=HTMLResponse)
def board_now(request: Request, event: EventDep, session: SessionDep) -> Response:
    """Now and next change with the clock, not only with the wall: the board asks every half minute."""
    i18n.for_the_room()  # said as the board around it is
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)
    return render(request, "partials/board_now.html", {"event": loaded.event, "now_next": loaded.now_next()})


@router.get("/e/{slug}/board/themes", response_class=HTMLResponse)
def board_themes(request: Request, event: EventDep, session: SessionDep) -> Response:
    """Each theme's sessions now and next: like now and next, asked every half minute. Names no one."""
    i18n.for_the_room()
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)
    context = {"event": loaded.event, "board": loaded, "now_next": loaded.now_next()}
    return render(request, "partials/board_themes.html", context)


@router.get("/e/{slug}/wall", response_class=HTMLResponse, dependencies=[JoinedWhenCoded])
def wall(request: Request, event: EventDep, visitor: VisitorDep, session: SessionDep, theme: str = "") -> Response:
    """The agenda wall: everyone reads it, attendees say where they go, placers place. With `?theme=` (a theme's
    id) it shows that theme's sessions only; an unknown theme shows them all."""
    ctx = wall_context(session, event, visitor)
    board: Board = ctx["board"]
    ctx["showing_theme"] = board.theme_of(int(theme)) if theme.isdigit() and len(theme) < 10 else None
    return render(request, "pages/wall.html", ctx)


@router.get("/e/{slug}/wall/my-day", response_class=HTMLResponse)
def my_day(request: Request, event: EventDep, visitor: VisitorDep, session: SessionDep) -> Response:
    """This attendee's day again: asked by the wall page when a session they go to moved or left."""
    if visitor.attendee_id is None:
        raise NotAllowed(_("Join the event to have a day of your own."))
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)
    return render(request, "partials/my_day.html", {"event": event, "day": _day(session, loaded, visitor)})


@router.post("/e/{slug}/wall/place", dependencies=[CsrfChecked])
async def place(visit: VisitDep, topic_id: IdField, room_id: IdField, slot_id: IdField) -> Response:
    """Put a topic into a cell, or move it there; a refusal is said in place with its reason."""
    event_id, actor = visit.event_id, _placer(visit.visitor)
    return await _placing(
        visit,
        lambda s: placements.place_topic(
            session=s, event_id=event_id, actor=actor, topic_id=topic_id, room_id=room_id, slot_id=slot_id
        ),
        _("Placed."),
    )


@router.post("/e/{slug}/wall/swap", dependencies=[CsrfChecked])
async def swap(visit: VisitDep, topic_id: IdField, other_topic_id: IdField) -> Response:
    """Exchange the cells of two sessions; their "I'm going"s follow them."""
    event_id, actor = visit.event_id, _placer(visit.visitor)
    return await _placing(
        visit,
        lambda s: placements.swap_topics(
            session=s, event_id=event_id, actor=actor, topic_id=topic_id, other_topic_id=other_topic_id
        ),
        _("Swapped."),
    )


@router.post("/e/{slug}/wall/unplace", dependencies=[CsrfChecked])
async def unplace(visit: VisitDep, topic_id: IdField) -> Response:
    """Take a topic off the wall: back to the marketplace with its dots; its "I'm going"s end."""
    event_id, actor = visit.event_id, _placer(visit.visitor)
    return await _placing(
        visit,
        lambda s: placements.take_off_wall(session=s, event_id=event_id, actor=actor, topic_id=topic_id),
        _("Taken off the wall."),
    )


@router.post("/e/{slug}/wall/pin", dependencies=[CsrfChecked])
async def pin(visit: VisitDep, topic_id: IdField, pinned: Annotated[bool, Form()]) -> Response:
    """Pin a session to its cell for the auto-scheduler, or unpin it (the facilitator only)."""
    event_id, actor = visit.event_id, _placer(visit.visitor)
    return await _placing(
        visit,
        lambda s: placements.set_pinned(session=s, event_id=event_id, actor=actor, topic_id=topic_id, pinned=pinned),
        _("Pinned: the auto-scheduler keeps it there.") if pinned else _("Unpinned: the auto-scheduler may move it."),
    )


async def _placing(visit: Visit, work: Callable[[Session], Written[Any]], done: str) -> Response:
    """One shape for every change of the wall by hand: write, then answer with the wall as it is now."""
    _, error = await visit.write(work)
    request = visit.request
    if not wants_fragment(request):
        if error is None:
            return see_other(f"/e/{visit.slug}/wall")
        ctx = wall_context(visit.session, visit.event, visit.visitor, error=error)
        return render(request, "pages/wall.html", ctx, status_code=status_for(error))
    # htmx: the message in place, and the whole wall out of band, so the placer sees the result at
    # once even while their socket reconnects. The version goes with it: the websocket message for
    # this same change is then known as already shown and not drawn a second time (static/js/hallway.js).
    ctx = await run_in_threadpool(wall_context, visit.session, visit.event, visit.visitor, error=error, message=done)
    ctx["version"] = ctx["live_version"]
    parts = swapped(*(f"partials/{name}.html" for name in PLACING_PARTS), context=ctx)
    return fragments(request, parts, status_code=status_for(error) if error else 200)


# --- "I'm going" ----------------------------------------------------------------------------------


@router.post("/e/{slug}/slots/{slot_id}/attend", dependencies=[CsrfChecked, page_limit("attendance")])
async def attend(slot_id: RowId, visit: VisitDep, attendee: PageAttendee, topic_id: IdField) -> Response:
    """ "I'm going": replaces the earlier choice in the slot (the law of two feet)."""
    attendee_id = id_of(attendee)
    return await _going(
        visit,
        slot_id,
        lambda s: attendance.attend(session=s, attendee_id=attendee_id, slot_id=slot_id, topic_id=topic_id),
    )


@router.post("/e/{slug}/slots/{slot_id}/leave", dependencies=[CsrfChecked, page_limit("attendance")])
async def leave(slot_id: RowId, visit: VisitDep, attendee: PageAttendee) -> Response:
    attendee_id = id_of(attendee)
    return await _going(visit, slot_id, lambda s: attendance.leave(session=s, attendee_id=attendee_id, slot_id=slot_id))


async def _going(visit: Visit, slot_id: int, work: Callable[[Session], Written[Any]]) -> Response:
    """One shape for "I'm going" and "not going": write, then the slot's row and My day as they are now."""
    _, error = await visit.write(work)
    if error is None and not wants_fragment(visit.request):
        return see_other(f"/e/{visit.slug}/wall#row-{slot_id}")
    return await run_in_threadpool(_going_answer, visit, slot_id, error)


def _going_answer(visit: Visit, slot_id: int, error: DomainError | None) -> Response:
    status = status_for(error) if error else 200
    ctx = wall_context(visit.session, visit.event, visit.visitor, error=error)
    row = ctx["board"].row(slot_id)
    if wants_fragment(visit.request) and row is not None:
        # The slot's row (shared with everyone, who get it over the websocket too) and My day.
        parts = swapped(
            "partials/wall_row.html", "partials/my_day.html", "partials/wall_message.html", context={**ctx, "row": row}
        )
        return fragments(visit.request, parts, status_code=status)
    return render(visit.request, "pages/wall.html", ctx, status_code=status)


def _venue_clock(event: Event) -> str:
    """The venue's wall clock now. The pages' scripts fold, mark and scroll to slots by it (carried forward from
    page load), whatever the time zone of the device showing them."""
    return dt.datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None).isoformat(timespec="seconds")


def _placer(visitor: Actor) -> Actor:
    """Who places: the visitor, said plainly when they are nobody known yet (the services decide the rest)."""
    if not visitor.is_known:
        if visitor.facilitator_refused:
            raise NotAuthenticated(REFUSED_KEY)
        raise NotAllowed(_("Join the event (or open the facilitator link) to place topics on the wall."))
    return visitor


def _day(session: Session, board: Board, visitor: Actor) -> list[DaySlot]:
    if visitor.attendee_id is None:
        return []
    return board.day_of(attendance.my_day(session=session, attendee_id=visitor.attendee_id))


def wall_context(session: Session, event: Event, visitor: Actor, **extra: Any) -> dict[str, Any]:
    loaded = load_board(session=session, event_id=id_of(event))
    is_attendee = visitor.attendee_id is not None
    return {
        "event": loaded.event,
        "board": loaded,
        "attendee": is_attendee,
        "is_facilitator": visitor.is_facilitator,
        "can_place": visitor.is_facilitator or (is_attendee and loaded.event.self_placement),
        "day": _day(session, loaded, visitor),
        "live_view": "wall",
        "live_version": loaded.version,
        "venue_clock": _venue_clock(loaded.event),
        **announcement_context(loaded.event, loaded.announcement),
        "error": None,
        "message": None,
        **extra,
    }
