"""The venue screen and the agenda wall: read by anyone, placed on by the facilitator (or conveners)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.csrf import CsrfChecked
from app.deps import EventDep, SessionDep, SettingsDep, Visitor, VisitorDep, WriterDep
from app.errors import status_for
from app.models import Attendee, Event, id_of
from app.models._base import MAX_ROW_ID
from app.routes.pages.rendering import is_htmx, render, see_other
from app.services import attendance, placements
from app.services.board import Board, DaySlot, load_board
from app.services.changes import BoardChange
from app.services.errors import DomainError, NotAllowed
from app.services.placements import Actor

router = APIRouter()

TopicField = Annotated[int, Form(ge=1, le=MAX_ROW_ID)]


@router.get("/e/{slug}/board", response_class=HTMLResponse)
def board(request: Request, event: EventDep, session: SessionDep, settings: SettingsDep) -> Response:
    """The venue screen: no login, large type, the join code always on it; live over the websocket."""
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)  # the screen shows none
    ctx = {
        "event": loaded.event,
        "board": loaded,
        "top": loaded.top(),
        "now_next": loaded.now_next(),
        "live_version": loaded.version,
        "join_link": f"{settings.public_url}/e/{event.slug}".removeprefix("https://").removeprefix("http://"),
    }
    return render(request, "pages/board.html", ctx)


@router.get("/e/{slug}/board/now", response_class=HTMLResponse)
def board_now(request: Request, event: EventDep, session: SessionDep) -> Response:
    """Now and next change with the clock, not only with the wall: the board asks every half minute."""
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)
    return render(request, "partials/board_now.html", {"event": loaded.event, "now_next": loaded.now_next()})


@router.get("/e/{slug}/wall", response_class=HTMLResponse)
def wall(request: Request, event: EventDep, visitor: VisitorDep, session: SessionDep) -> Response:
    """The agenda wall: everyone reads it, attendees say where they go, placers place."""
    return render(request, "pages/wall.html", wall_context(session, event, visitor.attendee, visitor.is_facilitator))


@router.get("/e/{slug}/wall/my-day", response_class=HTMLResponse)
def my_day(request: Request, event: EventDep, visitor: VisitorDep, session: SessionDep) -> Response:
    """This attendee's day again: asked by the wall page when a session they go to moved or left."""
    if visitor.attendee is None:
        raise NotAllowed("Join the event to have a day of your own.")
    loaded = load_board(session=session, event_id=id_of(event), with_clashes=False)
    return render(request, "partials/my_day.html", {"event": event, "day": _day(session, loaded, visitor.attendee)})


@router.post("/e/{slug}/wall/place", dependencies=[CsrfChecked])
async def place(
    request: Request,
    event: EventDep,
    visitor: VisitorDep,
    session: SessionDep,
    writer: WriterDep,
    topic_id: TopicField,
    room_id: TopicField,
    slot_id: TopicField,
) -> Response:
    """Put a topic into a cell, or move it there; a refusal is said in place with its reason."""
    actor = _actor(visitor)

    def work(s: Session) -> BoardChange:
        return placements.move_topic(
            session=s, event_id=id_of(event), actor=actor, topic_id=topic_id, room_id=room_id, slot_id=slot_id
        )[1]

    return await _placing(request, event, visitor, session, writer, work, "Placed.")


@router.post("/e/{slug}/wall/swap", dependencies=[CsrfChecked])
async def swap(
    request: Request,
    event: EventDep,
    visitor: VisitorDep,
    session: SessionDep,
    writer: WriterDep,
    topic_id: TopicField,
    other_topic_id: TopicField,
) -> Response:
    """Exchange the cells of two sessions; their "I'm going"s follow them."""
    actor = _actor(visitor)

    def work(s: Session) -> BoardChange:
        return placements.swap_topics(
            session=s, event_id=id_of(event), actor=actor, topic_id=topic_id, other_topic_id=other_topic_id
        )

    return await _placing(request, event, visitor, session, writer, work, "Swapped.")


@router.post("/e/{slug}/wall/unplace", dependencies=[CsrfChecked])
async def unplace(
    request: Request,
    event: EventDep,
    visitor: VisitorDep,
    session: SessionDep,
    writer: WriterDep,
    topic_id: TopicField,
) -> Response:
    """Take a topic off the wall: back to the marketplace with its dots; its "I'm going"s end."""
    actor = _actor(visitor)

    def work(s: Session) -> BoardChange:
        return placements.take_off_wall(session=s, event_id=id_of(event), actor=actor, topic_id=topic_id)

    return await _placing(request, event, visitor, session, writer, work, "Taken off the wall.")


@router.post("/e/{slug}/wall/pin", dependencies=[CsrfChecked])
async def pin(
    request: Request,
    event: EventDep,
    visitor: VisitorDep,
    session: SessionDep,
    writer: WriterDep,
    topic_id: TopicField,
    pinned: Annotated[bool, Form()],
) -> Response:
    """Pin a session to its cell for the auto-scheduler, or unpin it (the facilitator only)."""
    actor = _actor(visitor)

    def work(s: Session) -> BoardChange:
        return placements.set_pinned(session=s, event_id=id_of(event), actor=actor, topic_id=topic_id, pinned=pinned)

    done = "Pinned: the auto-scheduler keeps it there." if pinned else "Unpinned: the auto-scheduler may move it."
    return await _placing(request, event, visitor, session, writer, work, done)


async def _placing(
    request: Request,
    event: Event,
    visitor: Visitor,
    session: Session,
    writer: WriterDep,
    work: Callable[[Session], BoardChange],
    done: str,
) -> Response:
    error: DomainError | None = None
    try:
        await writer.run(work, change=lambda change: change)
    except DomainError as refused:
        error = refused
    if not is_htmx(request):
        if error is None:
            return see_other(f"/e/{event.slug}/wall")
        ctx = wall_context(session, event, visitor.attendee, visitor.is_facilitator, error=error)
        return render(request, "pages/wall.html", ctx, status_code=status_for(error))
    # htmx: the message in place, and the whole wall out of band, so the placer sees the result at
    # once even while their socket reconnects. The version goes with it: the websocket message for
    # this same change is then known as already shown and not drawn a second time (static/js/hallway.js).
    ctx = await run_in_threadpool(
        wall_context, session, event, visitor.attendee, visitor.is_facilitator, error=error, message=done
    )
    ctx["version"] = ctx["live_version"]
    parts = ["wall_message", "wall_grid", "wall_tray", "live_version"]
    body = "".join(
        bytes(render(request, f"partials/{name}.html", {**ctx, "oob": i > 0}).body).decode()
        for i, name in enumerate(parts)
    )
    return HTMLResponse(body, status_code=status_for(error) if error else 200)


def _actor(visitor: Visitor) -> Actor:
    if visitor.is_facilitator:
        return Actor(is_facilitator=True)
    if visitor.attendee is None:
        raise NotAllowed("Join the event (or open the facilitator link) to place topics on the wall.")
    return Actor(is_facilitator=False, attendee_id=id_of(visitor.attendee))


def _day(session: Session, board: Board, attendee: Attendee | None) -> list[DaySlot]:
    if attendee is None:
        return []
    return board.day_of(attendance.my_day(session=session, attendee_id=id_of(attendee)))


def wall_context(
    session: Session, event: Event, attendee: Attendee | None, is_facilitator: bool, **extra: Any
) -> dict[str, Any]:
    loaded = load_board(session=session, event_id=id_of(event))
    return {
        "event": loaded.event,
        "board": loaded,
        "attendee": attendee,
        "is_facilitator": is_facilitator,
        "can_place": is_facilitator or (attendee is not None and loaded.event.self_placement),
        "day": _day(session, loaded, attendee),
        "live_view": "wall",
        "live_version": loaded.version,
        "error": None,
        "message": None,
        **extra,
    }
