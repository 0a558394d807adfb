"""The attendee's pages: join, the marketplace (propose, vote, my topics), the wall with "I'm going", the QR code.

Every form works as a plain post (answered 303 back to the page, or the page with the error in place and
a 4xx status) and with htmx (answered with the changed partials only, the error inside them).
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.csrf import CsrfChecked
from app.deps import (
    EventDep,
    PageAttendee,
    RowId,
    SessionDep,
    SettingsDep,
    VisitorDep,
    WriterDep,
    remember_attendee,
    settings_of,
)
from app.errors import status_for
from app.models import Attendee, Event, Topic, id_of
from app.models._base import MAX_ROW_ID
from app.routes.pages.board import wall_context
from app.routes.pages.rendering import is_htmx, render, see_other
from app.services import attendance, attendees, lookups, topics, votes
from app.services.changes import BoardChange
from app.services.errors import DomainError, InvalidInput, NotAllowed
from app.services.topics import TopicSort

router = APIRouter()

T = TypeVar("T")
FLASH_KEY = "flash"
QR_MAX_AGE = 60 * 60 * 24


@dataclass(frozen=True)
class Listing:
    """How the marketplace's topic list is shown: its order and search. Forms carry it in their action."""

    sort: TopicSort = "votes"
    q: str = ""

    @property
    def query(self) -> str:
        """The query string (with its "?") that shows this listing; empty for the default one."""
        params = {k: v for k, v in (("sort", self.sort if self.sort != "votes" else ""), ("q", self.q)) if v}
        return "?" + urlencode(params) if params else ""


async def get_listing(request: Request, sort: Literal["votes", "newest"] = "votes", q: str = "") -> Listing:
    """The listing a form was posted from: its action's query string, or with htmx the page's current URL
    (an htmx search pushes a new URL without re-rendering the forms outside the list)."""
    current = request.headers.get("hx-current-url")
    if request.method == "POST" and is_htmx(request) and current:
        params = parse_qs(urlsplit(current).query)
        shown = params.get("sort", ["votes"])[0]
        return Listing(sort="newest" if shown == "newest" else "votes", q=params.get("q", [""])[0])
    return Listing(sort=sort, q=q)


ListingDep = Annotated[Listing, Depends(get_listing)]


@dataclass(frozen=True)
class PageError:
    """A refused request, shown in place: `at` names the part of the page that shows it."""

    at: str
    message: str
    field: str | None = None
    topic_id: int | None = None
    values: dict[str, str] = dataclasses.field(default_factory=dict)


# --- Join and the marketplace --------------------------------------------------------------------


@router.get("/e/{slug}", response_class=HTMLResponse)
def marketplace(
    request: Request, event: EventDep, visitor: VisitorDep, session: SessionDep, listing: ListingDep
) -> Response:
    """The join form for newcomers; the marketplace for attendees (only its topic list for an htmx search)."""
    if visitor.attendee is None:
        response = render(request, "pages/join.html", {"event": event, "forgotten": visitor.forgotten})
    else:
        ctx = _marketplace_context(request, session, event, visitor.attendee, listing, flash=_pop_flash(request))
        template = "partials/topic_list.html" if _wants_fragment(request) else "pages/marketplace.html"
        response = render(request, template, ctx, status_code=_status_for_page_error(ctx["error"]))
    # The same URL answers a page or (to htmx) a fragment: caches and the back button must not mix them.
    response.headers["Vary"] = "HX-Request"
    return response


@router.post("/e/{slug}/join", dependencies=[CsrfChecked])
async def join(
    request: Request,
    slug: str,
    event: EventDep,
    writer: WriterDep,
    display_name: Annotated[str, Form()] = "",
    join_code: Annotated[str, Form()] = "",
) -> Response:
    event_id = id_of(event)
    joined, error = await _write(
        writer,
        lambda s: attendees.join_event(
            session=s,
            event_id=event_id,
            display_name=display_name,
            join_code=join_code or None,
        ),
    )
    if joined is not None:
        remember_attendee(request, slug, joined.token)
        if _wants_fragment(request):
            return Response(status_code=200, headers={"HX-Redirect": f"/e/{slug}"})
        return see_other(f"/e/{slug}")
    assert error is not None
    wrong_code = isinstance(error, NotAllowed)
    page_error = PageError(
        at="join", message=error.message, field="join_code" if wrong_code else getattr(error, "field", None)
    )
    ctx = {"event": event, "error": page_error, "display_name": display_name, "join_code": join_code}
    template = "partials/join_form.html" if _wants_fragment(request) else "pages/join.html"
    return await run_in_threadpool(render, request, template, ctx, status_code=status_for(error))


@router.post("/e/{slug}/topics", dependencies=[CsrfChecked])
async def propose(
    request: Request,
    slug: str,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
    listing: ListingDep,
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    event_id, attendee_id = id_of(event), id_of(attendee)
    topic, error = await _write(
        writer,
        lambda s: topics.propose_topic(
            session=s,
            event_id=event_id,
            convener_id=attendee_id,
            title=title,
            description=description,
        ),
        _proposed(event_id),
    )
    if topic is not None:
        message = f"Your topic “{topic.title}” is on the marketplace."
        if not _wants_fragment(request):
            _flash(request, message)
            return see_other(f"/e/{slug}{listing.query}#topic-{topic.id}")
        return await run_in_threadpool(
            _marketplace_answer,
            request,
            session,
            event,
            attendee,
            listing,
            ["partials/propose_form.html", "partials/topic_list.html", "partials/my_topics.html"],
            {"propose_message": message},
        )
    assert error is not None
    page_error = PageError(
        at="propose",
        message=error.message,
        field=getattr(error, "field", None),
        values={"title": title, "description": description},
    )
    return await run_in_threadpool(
        _marketplace_answer,
        request,
        session,
        event,
        attendee,
        listing,
        ["partials/propose_form.html"],
        {"error": page_error},
        status_for(error),
    )


@router.post("/e/{slug}/topics/{topic_id}/vote", dependencies=[CsrfChecked])
async def vote(
    request: Request,
    slug: str,
    topic_id: RowId,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
    listing: ListingDep,
) -> Response:
    attendee_id = id_of(attendee)
    result, error = await _write(
        writer,
        lambda s: votes.cast_vote(session=s, attendee_id=attendee_id, topic_id=topic_id),
        BoardChange.of(id_of(event), "vote", topic_ids=topic_id),
    )
    return await _after_vote(request, slug, topic_id, event, attendee, session, listing, result, error)


@router.post("/e/{slug}/topics/{topic_id}/unvote", dependencies=[CsrfChecked])
async def unvote(
    request: Request,
    slug: str,
    topic_id: RowId,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
    listing: ListingDep,
) -> Response:
    attendee_id = id_of(attendee)
    result, error = await _write(
        writer,
        lambda s: votes.retract_vote(session=s, attendee_id=attendee_id, topic_id=topic_id),
        BoardChange.of(id_of(event), "vote", topic_ids=topic_id),
    )
    return await _after_vote(request, slug, topic_id, event, attendee, session, listing, result, error)


async def _after_vote(
    request: Request,
    slug: str,
    topic_id: int,
    event: Event,
    attendee: Attendee,
    session: Session,
    listing: Listing,
    result: votes.VoteResult | None,
    error: DomainError | None,
) -> Response:
    if error is None and not _wants_fragment(request):
        return see_other(f"/e/{slug}{listing.query}#topic-{topic_id}")
    if result is not None and result.votes_left > 1:
        # The common case, when a whole hall votes at once: only this topic's card and the dots left
        # change. The card stays where it is: re-sorting the list under a thumb would misplace taps.
        # Three lookups by key and a small template: cheaper on the loop than a hop to the threadpool.
        return _vote_card_answer(request, session, event, listing, result)
    # Spending the last dot (or getting it back) disables (or enables) every other button, and an
    # error is shown in place: the whole list, retargeted from the card it was posted from.
    page_error = PageError(at="topic", message=error.message, topic_id=topic_id) if error else None
    response = await run_in_threadpool(
        _marketplace_answer,
        request,
        session,
        event,
        attendee,
        listing,
        ["partials/topic_list.html", "partials/dots_left.html"],
        {"error": page_error},
        status_for(error) if error else 200,
    )
    response.headers.update({"HX-Retarget": "#topic-list", "HX-Reswap": "outerHTML"})
    return response


def _vote_card_answer(
    request: Request, session: Session, event: Event, listing: Listing, result: votes.VoteResult
) -> Response:
    view = topics.get_topic_view(session=session, event_id=id_of(event), topic_id=result.topic_id)
    ctx = {
        "event": event,
        "listing": listing,
        "view": view,
        "voted": {result.topic_id} if result.voted else set(),
        "votes_left": result.votes_left,
    }
    return _fragments(request, [("partials/topic_card.html", ctx), ("partials/dots_left.html", {**ctx, "oob": True})])


@router.post("/e/{slug}/topics/{topic_id}/edit", dependencies=[CsrfChecked])
async def edit(
    request: Request,
    slug: str,
    topic_id: RowId,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
    listing: ListingDep,
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    event_id, attendee_id = id_of(event), id_of(attendee)
    topic, error = await _write(
        writer,
        lambda s: topics.edit_topic(
            session=s,
            event_id=event_id,
            topic_id=topic_id,
            editor_id=attendee_id,
            is_facilitator=False,
            title=title,
            description=description,
        ),
        BoardChange.of(event_id, "topic", topic_ids=topic_id),
    )
    message = f"Saved “{topic.title}”." if topic is not None else ""
    return await _after_my_topic(
        request,
        slug,
        topic_id,
        event,
        attendee,
        session,
        listing,
        error,
        message,
        {"title": title, "description": description},
    )


@router.post("/e/{slug}/topics/{topic_id}/withdraw", dependencies=[CsrfChecked])
async def withdraw(
    request: Request,
    slug: str,
    topic_id: RowId,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
    listing: ListingDep,
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """Withdraw one's own topic. htmx asks with hx-confirm; a plain form gets a page that asks first."""
    if confirmed != "yes":
        return await run_in_threadpool(_confirm_withdraw, request, session, event, attendee, listing, topic_id)
    event_id, attendee_id = id_of(event), id_of(attendee)
    topic, error = await _write(
        writer,
        lambda s: topics.withdraw_topic(
            session=s,
            event_id=event_id,
            topic_id=topic_id,
            editor_id=attendee_id,
            is_facilitator=False,
        ),
        BoardChange.of(event_id, "topic", topic_ids=topic_id, wall=True),
    )
    message = f"You withdrew “{topic.title}”; the dots on it went back to everyone." if topic is not None else ""
    return await _after_my_topic(request, slug, topic_id, event, attendee, session, listing, error, message)


def _confirm_withdraw(
    request: Request, session: Session, event: Event, attendee: Attendee, listing: Listing, topic_id: int
) -> Response:
    try:
        topic = lookups.get_active_topic(session=session, event_id=id_of(event), topic_id=topic_id)
    except DomainError as error:
        page_error = PageError(at="my-topics", message=error.message)
        return _marketplace_answer(
            request,
            session,
            event,
            attendee,
            listing,
            ["partials/my_topics.html"],
            {"error": page_error},
            status_for(error),
        )
    return render(request, "pages/withdraw.html", {"event": event, "topic": topic, "listing": listing})


async def _after_my_topic(
    request: Request,
    slug: str,
    topic_id: int,
    event: Event,
    attendee: Attendee,
    session: Session,
    listing: Listing,
    error: DomainError | None,
    message: str,
    values: dict[str, str] | None = None,
) -> Response:
    if error is None:
        if not _wants_fragment(request):
            _flash(request, message)
            return see_other(f"/e/{slug}{listing.query}#my-topics")
        return await run_in_threadpool(
            _marketplace_answer,
            request,
            session,
            event,
            attendee,
            listing,
            ["partials/my_topics.html", "partials/topic_list.html", "partials/dots_left.html"],
            {"my_message": message},
        )
    page_error = PageError(at="my-topic", message=error.message, topic_id=topic_id, values=values or {})
    return await run_in_threadpool(
        _marketplace_answer,
        request,
        session,
        event,
        attendee,
        listing,
        ["partials/my_topics.html"],
        {"error": page_error},
        status_for(error),
    )


def _marketplace_context(
    request: Request, session: Session, event: Event, attendee: Attendee, listing: Listing, **extra: Any
) -> dict[str, Any]:
    error = extra.pop("error", None)
    try:
        listed = topics.list_topics(session=session, event_id=id_of(event), sort=listing.sort, search=listing.q)
    except InvalidInput as invalid:
        listed, error = [], PageError(at="topics", message=invalid.message, field="q")
    mine = topics.list_topics(session=session, event_id=id_of(event), sort="newest", convener_id=attendee.id)
    # An error about a topic that is not (or no longer) shown beside it goes to the top of its section.
    if error is not None and error.at == "topic" and all(v.topic.id != error.topic_id for v in listed):
        error = PageError(at="topics", message=error.message)
    if error is not None and error.at == "my-topic" and all(v.topic.id != error.topic_id for v in mine):
        error = PageError(at="my-topics", message=error.message)
    held = votes.dots(session=session, event=event, attendee_id=id_of(attendee))
    return {
        "event": event,
        "attendee": attendee,
        "listing": listing,
        "topics": listed,
        "my_topics": mine,
        "voted": held.voted,
        "votes_left": held.left,
        "invite_url": f"{settings_of(request).public_url}/e/{event.slug}",
        "error": error,
        **extra,
    }


def _marketplace_answer(
    request: Request,
    session: Session,
    event: Event,
    attendee: Attendee,
    listing: Listing,
    fragments: list[str],
    extra: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """With htmx: the first fragment is the target, the others swap out of band. Without: the whole page."""
    ctx = _marketplace_context(request, session, event, attendee, listing, **extra)
    if _wants_fragment(request):
        parts = [(name, ctx if i == 0 else {**ctx, "oob": True}) for i, name in enumerate(fragments)]
        return _fragments(request, parts, status_code=status_code)
    return render(request, "pages/marketplace.html", ctx, status_code=status_code)


# --- The wall ------------------------------------------------------------------------------------


@router.post("/e/{slug}/slots/{slot_id}/attend", dependencies=[CsrfChecked])
async def attend(
    request: Request,
    slug: str,
    slot_id: RowId,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
    topic_id: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
) -> Response:
    """ "I'm going": replaces the earlier choice in the slot (the law of two feet)."""
    attendee_id = id_of(attendee)
    _, error = await _write(
        writer,
        lambda s: attendance.attend(session=s, attendee_id=attendee_id, slot_id=slot_id, topic_id=topic_id),
        BoardChange.of(id_of(event), "attendance", slot_ids=slot_id),
    )
    return await _after_attendance(request, slug, slot_id, event, attendee, session, error)


@router.post("/e/{slug}/slots/{slot_id}/leave", dependencies=[CsrfChecked])
async def leave(
    request: Request,
    slug: str,
    slot_id: RowId,
    event: EventDep,
    attendee: PageAttendee,
    writer: WriterDep,
    session: SessionDep,
) -> Response:
    attendee_id = id_of(attendee)
    _, error = await _write(
        writer,
        lambda s: attendance.leave(session=s, attendee_id=attendee_id, slot_id=slot_id),
        BoardChange.of(id_of(event), "attendance", slot_ids=slot_id),
    )
    return await _after_attendance(request, slug, slot_id, event, attendee, session, error)


async def _after_attendance(
    request: Request,
    slug: str,
    slot_id: int,
    event: Event,
    attendee: Attendee,
    session: Session,
    error: DomainError | None,
) -> Response:
    if error is None and not _wants_fragment(request):
        return see_other(f"/e/{slug}/wall#row-{slot_id}")
    return await run_in_threadpool(_wall_answer, request, session, event, attendee, slot_id, error)


def _wall_answer(
    request: Request, session: Session, event: Event, attendee: Attendee, slot_id: int, error: DomainError | None
) -> Response:
    status = status_for(error) if error else 200
    ctx = wall_context(session, event, attendee, False, error=error)
    row = ctx["board"].row(slot_id)
    if _wants_fragment(request) and row is not None:
        # The slot's row (shared with everyone, who get it over the websocket too) and My day.
        return _fragments(
            request,
            [
                ("partials/wall_row.html", {**ctx, "row": row}),
                ("partials/my_day.html", {**ctx, "oob": True}),
                ("partials/wall_message.html", {**ctx, "oob": True}),
            ],
            status_code=status,
        )
    return render(request, "pages/wall.html", ctx, status_code=status)


# --- The join QR code ----------------------------------------------------------------------------


@router.get("/e/{slug}/qr.svg")
def qr_code(event: EventDep, settings: SettingsDep) -> Response:
    """The attendee link as a QR code, for the venue screen and for "Invite others"."""
    buffer = io.BytesIO()
    segno.make(f"{settings.public_url}/e/{event.slug}", error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, dark="#000", light="#fff"
    )
    return Response(
        buffer.getvalue(),
        media_type="image/svg+xml",
        headers={"Cache-Control": f"public, max-age={QR_MAX_AGE}"},
    )


# --- Helpers -------------------------------------------------------------------------------------


def _wants_fragment(request: Request) -> bool:
    """An htmx request answered with partials; htmx's history restore wants the whole page."""
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


def _proposed(event_id: int) -> Callable[[Topic], BoardChange]:
    return lambda topic: BoardChange.of(event_id, "topic", topic_ids=id_of(topic), new_topics=True)


async def _write(
    writer: WriterDep, work: Callable[[Session], T], change: BoardChange | Callable[[Any], BoardChange] | None = None
) -> tuple[T | None, DomainError | None]:
    """Run a write; a refusal of the domain comes back as a value, to be shown in place."""
    try:
        return await writer.run(work, change=change), None
    except DomainError as error:
        return None, error


def _fragments(request: Request, parts: list[tuple[str, dict[str, Any]]], *, status_code: int = 200) -> HTMLResponse:
    body = b"".join(bytes(render(request, name, ctx).body) for name, ctx in parts)
    return HTMLResponse(body, status_code=status_code)


def _status_for_page_error(error: PageError | None) -> int:
    return 422 if error is not None else 200


def _flash(request: Request, message: str) -> None:
    """A message for the page a plain form post is redirected to (shown once)."""
    request.session[FLASH_KEY] = message


def _pop_flash(request: Request) -> str | None:
    return request.session.pop(FLASH_KEY, None) if FLASH_KEY in request.session else None
