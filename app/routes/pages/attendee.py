"""The attendee's pages: join, the marketplace (propose, vote, my topics), and the join QR code.

Every form works as a plain post (answered 303 back to the page, or the page with the error in place and
a 4xx status) and with htmx (answered with the changed partials only, the error inside them). "I'm going"
is on the wall's routes (app/routes/pages/board.py).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import i18n
from app.csrf import CsrfChecked
from app.deps import (
    EventDep,
    PageAttendee,
    RequestWriter,
    RowId,
    VisitorDep,
    Voter,
    WriterDep,
    get_event,
    join_counting_wrong_codes,
    page_address_limit,
    page_limit,
    refusal_of,
    remember_attendee,
    settings_of,
)
from app.errors import status_for
from app.i18n import _
from app.models import Attendee, Topic, id_of
from app.ratelimits import TooManyRequests
from app.routes.pages.forms import chosen_theme
from app.routes.pages.live import live_context
from app.routes.pages.rendering import (
    flash,
    fragments,
    pop_flash,
    render,
    see_other,
    swapped,
    wants_fragment,
)
from app.routes.pages.visit import Visit, VisitDep
from app.services import attendees, co_conveners, lookups, themes, topics, votes
from app.services.actors import Actor
from app.services.changes import Written
from app.services.errors import Banned, DomainError, InvalidInput, NotAllowed, NotAuthenticated
from app.services.topics import ThemeFilter, TopicSort

router = APIRouter()


@dataclass(frozen=True)
class Listing:
    """How the marketplace's topic list is shown: its order and search. Forms carry it in their action."""

    sort: TopicSort = "votes"
    q: str = ""
    theme: ThemeFilter = None  # one theme's topics (its id), those in none ("none"), or all

    @property
    def query(self) -> str:
        """The query string (with its "?") that shows this listing; empty for the default one."""
        pairs = (("sort", self.sort if self.sort != "votes" else ""), ("q", self.q), ("theme", self.theme or ""))
        params = {k: str(v) for k, v in pairs if v}
        return "?" + urlencode(params) if params else ""


def _theme_filter(value: str) -> ThemeFilter:
    """The theme a listing shows: an id or "none"; anything else (a stale or mangled link) shows every topic."""
    if value == "none":
        return "none"
    return int(value) if value.isdigit() and len(value) < 10 else None


async def get_listing(
    request: Request, sort: Literal["votes", "newest"] = "votes", q: str = "", theme: str = ""
) -> Listing:
    """The listing a form was posted from: its action's query string, or with htmx the page's current URL
    (an htmx search pushes a new URL without re-rendering the forms outside the list)."""
    current = request.headers.get("hx-current-url")
    if request.method == "POST" and wants_fragment(request) and current:
        params = parse_qs(urlsplit(current).query)
        shown = params.get("sort", ["votes"])[0]
        return Listing(
            sort="newest" if shown == "newest" else "votes",
            q=params.get("q", [""])[0],
            theme=_theme_filter(params.get("theme", [""])[0]),
        )
    return Listing(sort=sort, q=q, theme=_theme_filter(theme))


ListingDep = Annotated[Listing, Depends(get_listing)]


@dataclass(frozen=True)
class PageError:
    """A refused request, shown in place: `at` names the part of the page that shows it."""

    at: str
    message: str
    field: str | None = None
    topic_id: int | None = None
    values: dict[str, str] = dataclasses.field(default_factory=dict)


# --- The marketplace, seen from one request --------------------------------------------------------


@dataclass
class Market(Visit):
    """One attendee's visit to the marketplace: also who they are, and how the list is shown."""

    attendee: Attendee
    listing: Listing

    @property
    def actor(self) -> Actor:
        """The marketplace acts for the person, as an attendee."""
        return Actor(event_id=self.event_id, attendee_id=id_of(self.attendee), attendee_name=self.attendee.display_name)

    def back(self, anchor: str) -> Response:
        """A plain post's answer: the marketplace as it was listed, at `anchor`."""
        return see_other(f"/e/{self.event.slug}{self.listing.query}#{anchor}")

    def context(self, **extra: Any) -> dict[str, Any]:
        session, event, listing = self.session, self.event, self.listing
        error = extra.pop("error", None)
        try:
            listed = topics.list_topics(
                session=session, event_id=self.event_id, sort=listing.sort, search=listing.q, theme=listing.theme
            )
        except InvalidInput as invalid:
            listed, error = [], PageError(at="topics", message=invalid.message, field="q")
        mine = topics.list_topics(session=session, event_id=self.event_id, sort="newest", convener_id=self.attendee.id)
        # An error about a topic that is not (or no longer) shown beside it goes to the top of its section.
        if error is not None and error.at == "topic" and all(v.topic.id != error.topic_id for v in listed):
            error = PageError(at="topics", message=error.message)
        if error is not None and error.at == "my-topic" and all(v.topic.id != error.topic_id for v in mine):
            error = PageError(at="my-topics", message=error.message)
        held = votes.dots(session=session, event=event, attendee_id=id_of(self.attendee))
        theme_list = themes.list_themes(session=session, event_id=self.event_id)
        return {
            "event": event,
            "attendee": self.attendee,
            "listing": listing,
            "themes": theme_list,
            "theme_by_id": {theme.id: theme for theme in theme_list},
            "topics": listed,
            "my_topics": mine,
            # Each of my topics' co-conveners and invitations out (partials/co_conveners.html), and mine to answer.
            "co_conveners_by_topic": co_conveners.co_conveners_of(
                session=session, topic_ids=[id_of(view.topic) for view in mine], accepted_only=False
            ),
            "invitations": co_conveners.invitations_for(
                session=session, event_id=self.event_id, attendee_id=id_of(self.attendee)
            ),
            "voted": held.voted,
            "votes_left": held.left,
            "invite_url": f"{settings_of(self.request).public_url}/e/{event.slug}",
            "request_key": uuid.uuid4().hex,  # the next proposal's name (see propose_form.html)
            "error": error,
            **extra,
        }

    async def answer(self, names: list[str], extra: dict[str, Any], status_code: int = 200) -> Response:
        """With htmx: the first partial is the target, the others swap out of band. Without: the whole page.
        Rendered on the threadpool: the lists and the page are the heavy part of a marketplace answer."""
        return await run_in_threadpool(self.answer_now, names, extra, status_code)

    def answer_now(self, names: list[str], extra: dict[str, Any], status_code: int) -> Response:
        ctx = self.context(**extra)
        if wants_fragment(self.request):
            return fragments(self.request, swapped(*names, context=ctx), status_code=status_code)
        return self.page(ctx, status_code)

    def page(self, ctx: dict[str, Any], status_code: int) -> HTMLResponse:
        """The whole marketplace: only a whole page follows the live feed and shows the announcement (two
        more reads, which the partial answers to a hall's taps don't need)."""
        ctx = {**ctx, **live_context(self.session, self.event, "market")}
        return render(self.request, "pages/marketplace.html", ctx, status_code=status_code)

    async def refused(self, names: list[str], error: PageError, status_code: int) -> Response:
        return await self.answer(names, {"error": error}, status_code)


async def get_market(visit: VisitDep, attendee: PageAttendee, listing: ListingDep) -> Market:
    return visit.extend(Market, attendee=attendee, listing=listing)


MarketDep = Annotated[Market, Depends(get_market)]
FormText = Annotated[str, Form()]

MY_TOPICS = "partials/my_topics.html"
TOPIC_LIST = "partials/topic_list.html"
DOTS_LEFT = "partials/dots_left.html"
PROPOSE_FORM = "partials/propose_form.html"


# --- Join and the marketplace --------------------------------------------------------------------


@router.get("/e/{slug}", response_class=HTMLResponse)
def marketplace(visit: VisitDep, listing: ListingDep) -> Response:
    """The join form for newcomers; the marketplace for attendees (only its topic list for an htmx search)."""
    request, visitor = visit.request, visit.visitor
    attendee = visit.session.get(Attendee, visitor.attendee_id) if visitor.attendee_id is not None else None
    if attendee is None:
        context = {
            "event": visit.event,
            "forgotten": visitor.forgotten,
            "banned": visitor.banned,
            "farewell": visitor.farewell,
        }
        response = render(request, "pages/join.html", context, status_code=403 if visitor.banned else 200)
    else:
        market = visit.extend(Market, attendee=attendee, listing=listing)
        ctx = market.context(flash=pop_flash(request))
        status = 422 if ctx["error"] is not None else 200
        response = (
            render(request, TOPIC_LIST, ctx, status_code=status)
            if wants_fragment(request)
            else market.page(ctx, status)
        )
    # The same URL answers a page or (to htmx) a fragment: caches and the back button must not mix them.
    response.headers["Vary"] = "HX-Request"
    return response


@router.post("/e/{slug}/join", dependencies=[CsrfChecked, page_address_limit("joins")])
async def join(
    request: Request,
    slug: str,
    event: EventDep,
    visitor: VisitorDep,
    writer: WriterDep,
    display_name: FormText = "",
    join_code: FormText = "",
    hide_name: FormText = "",
) -> Response:
    event_id = id_of(event)
    listed = not hide_name
    try:
        if visitor.banned:
            raise Banned()
        refused = refusal_of(request)
        if refused is not None:
            raise refused
        joined = await join_counting_wrong_codes(
            request,
            lambda: writer.run(
                lambda s: attendees.join_event(
                    session=s,
                    event_id=event_id,
                    display_name=display_name,
                    join_code=join_code or None,
                    name_listed=listed,
                )
            ),
        )
    except (DomainError, TooManyRequests) as error:
        wrong_code = isinstance(error, NotAllowed)
        page_error = PageError(
            at="join", message=error.message, field="join_code" if wrong_code else getattr(error, "field", None)
        )
        ctx = {
            "event": event,
            "error": page_error,
            "display_name": display_name,
            "join_code": join_code,
            "hide_name": bool(hide_name),
        }
        ctx["banned"] = isinstance(error, Banned)
        template = "partials/join_form.html" if wants_fragment(request) else "pages/join.html"
        if isinstance(error, TooManyRequests):
            response = await run_in_threadpool(render, request, template, ctx, status_code=429)
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        return await run_in_threadpool(render, request, template, ctx, status_code=status_for(error))
    remember_attendee(request, slug, joined.token)
    # Known to this worker's vote path from now on (app/routes/pages/votes.py), as the API's join does: when
    # voting opens, a hall's first taps need no read to say who is tapping.
    request.app.state.known_attendees.remember(slug, joined.attendee)
    if wants_fragment(request):
        return Response(status_code=200, headers={"HX-Redirect": f"/e/{slug}"})
    return see_other(f"/e/{slug}")


@router.post("/e/{slug}/topics", dependencies=[CsrfChecked, page_limit("proposals")])
async def propose(
    market: MarketDep,
    title: FormText = "",
    description: FormText = "",
    request_key: FormText = "",
    theme_id: FormText = "",
) -> Response:
    event_id, actor = market.event_id, market.actor
    topic, error = await market.write(
        lambda s: topics.propose_topic(
            session=s,
            event_id=event_id,
            actor=actor,
            title=title,
            description=description,
            theme_id=chosen_theme(theme_id),
            request_key=request_key,
        )
    )
    if topic is not None:
        message = _("Your topic “{title}” is on the marketplace.", title=topic.title)
        if not wants_fragment(market.request):
            flash(market.request, message)
            return market.back(f"topic-{topic.id}")
        return await market.answer([PROPOSE_FORM, TOPIC_LIST, MY_TOPICS], {"propose_message": message})
    assert error is not None
    page_error = PageError(
        at="propose",
        message=error.message,
        field=getattr(error, "field", None),
        values={"title": title, "description": description, "theme_id": theme_id},
    )
    return await market.refused([PROPOSE_FORM], page_error, status_for(error))


@router.post("/e/{slug}/topics/{topic_id}/vote", dependencies=[CsrfChecked, page_limit("votes")])
async def vote(topic_id: RowId, market: MarketDep) -> Response:
    attendee_id = id_of(market.attendee)
    result, error = await market.write(lambda s: votes.cast_vote(session=s, attendee_id=attendee_id, topic_id=topic_id))
    return await _after_vote(market, topic_id, result, error)


@router.post("/e/{slug}/topics/{topic_id}/unvote", dependencies=[CsrfChecked, page_limit("votes")])
async def unvote(topic_id: RowId, market: MarketDep) -> Response:
    attendee_id = id_of(market.attendee)
    result, error = await market.write(
        lambda s: votes.retract_vote(session=s, attendee_id=attendee_id, topic_id=topic_id)
    )
    return await _after_vote(market, topic_id, result, error)


async def answer_page_vote(
    request: Request,
    slug: str,
    voter: Voter,
    topic_id: int,
    result: votes.VoteResult | None,
    error: DomainError | None,
    card: topics.VoteCard | None,
) -> Response:
    """The answer to a vote that app/routes/pages/votes.py took without this module's dependencies: the same
    as `vote` and `unvote` give. The card was read in the vote's transaction; anything else (the last dot,
    a refusal, a topic no longer active) is answered with the whole list, read after the write."""
    if result is not None and card is not None:
        i18n.event_language_is(card.event.language)  # the fallback, as the page route's event sets it
        return _vote_card_answer(request, card, await get_listing(request), result)
    with request.app.state.database.read_session() as session:
        event = await get_event(slug, session)
        attendee = session.get(Attendee, voter.attendee_id)
        if attendee is None:  # removed meanwhile: as the page's own route says it
            raise NotAuthenticated(_("Join the event with your name first."))
        market = Market(
            request=request,
            event=event,
            visitor=Actor(event_id=voter.event_id, attendee_id=voter.attendee_id, attendee_name=attendee.display_name),
            session=session,
            writer=RequestWriter(request.app.state.writer, session),
            attendee=attendee,
            listing=await get_listing(request),
        )
        return await _after_vote(market, topic_id, result, error)


async def _after_vote(
    market: Market, topic_id: int, result: votes.VoteResult | None, error: DomainError | None
) -> Response:
    request = market.request
    if error is None and not wants_fragment(request):
        return market.back(f"topic-{topic_id}")
    if result is not None and result.votes_left > 1:
        # The common case, when a whole hall votes at once: only this topic's card and the dots left
        # change. The card stays where it is: re-sorting the list under a thumb would misplace taps.
        # Two prebuilt reads and a small template: cheaper on the loop than a hop to the threadpool.
        card = topics.vote_card(session=market.session, event_id=market.event_id, topic_id=topic_id)
        if card is not None:
            return _vote_card_answer(request, card, market.listing, result)
    # Spending the last dot (or getting it back) disables (or enables) every other button, and an
    # error is shown in place: the whole list, retargeted from the card it was posted from. (So is a dot
    # taken back from a topic hidden meanwhile: its card is gone from the list.)
    page_error = PageError(at="topic", message=error.message, topic_id=topic_id) if error else None
    response = await market.answer([TOPIC_LIST, DOTS_LEFT], {"error": page_error}, status_for(error) if error else 200)
    response.headers.update({"HX-Retarget": "#topic-list", "HX-Reswap": "outerHTML"})
    return response


def _vote_card_answer(request: Request, card: topics.VoteCard, listing: Listing, result: votes.VoteResult) -> Response:
    ctx = {
        "event": card.event,
        "listing": listing,
        "view": card.view,
        "voted": {result.topic_id} if result.voted else set(),
        "votes_left": result.votes_left,
        # The card's own theme only, not the event's list, on the path a hall votes on.
        "theme_by_id": {card.theme.id: card.theme} if card.theme is not None else {},
    }
    return fragments(request, swapped("partials/topic_card.html", DOTS_LEFT, context=ctx))


@router.post("/e/{slug}/topics/{topic_id}/edit", dependencies=[CsrfChecked, page_limit("edits")])
async def edit(
    topic_id: RowId,
    market: MarketDep,
    title: FormText = "",
    description: FormText = "",
    theme_id: Annotated[str | None, Form()] = None,
) -> Response:
    """The convener edits their topic; the theme only when the form had a theme choice (the event has themes)."""
    event_id, actor = market.event_id, market.actor

    def work(s: Session) -> Written[Topic]:
        theme = topics.UNCHANGED if theme_id is None else chosen_theme(theme_id)
        return topics.edit_topic(
            session=s,
            event_id=event_id,
            topic_id=topic_id,
            actor=actor,
            title=title,
            description=description,
            theme_id=theme,
        )

    topic, error = await market.write(work)
    message = _("Saved “{title}”.", title=topic.title) if topic is not None else ""
    sent = {"title": title, "description": description, "theme_id": theme_id or ""}
    return await _after_my_topic(market, topic_id, error, message, sent)


@router.post("/e/{slug}/topics/{topic_id}/withdraw", dependencies=[CsrfChecked, page_limit("edits")])
async def withdraw(topic_id: RowId, market: MarketDep, confirmed: FormText = "") -> Response:
    """Withdraw one's own topic. htmx asks with hx-confirm; a plain form gets a page that asks first."""
    if confirmed != "yes":
        return await run_in_threadpool(_confirm_withdraw, market, topic_id)
    event_id, actor = market.event_id, market.actor
    topic, error = await market.write(
        lambda s: topics.withdraw_topic(session=s, event_id=event_id, topic_id=topic_id, actor=actor)
    )
    message = (
        _("You withdrew “{title}”; the dots on it went back to everyone.", title=topic.title)
        if topic is not None
        else ""
    )
    return await _after_my_topic(market, topic_id, error, message)


def _confirm_withdraw(market: Market, topic_id: int) -> Response:
    try:
        topic = lookups.get_active_topic(session=market.session, event_id=market.event_id, topic_id=topic_id)
    except DomainError as error:
        page_error = PageError(at="my-topics", message=error.message)
        return market.answer_now([MY_TOPICS], {"error": page_error}, status_for(error))
    ctx = {"event": market.event, "topic": topic, "listing": market.listing}
    return render(market.request, "pages/withdraw.html", ctx)


async def _after_my_topic(
    market: Market, topic_id: int, error: DomainError | None, message: str, values: dict[str, str] | None = None
) -> Response:
    if error is None:
        if not wants_fragment(market.request):
            flash(market.request, message)
            return market.back("my-topics")
        return await market.answer([MY_TOPICS, TOPIC_LIST, DOTS_LEFT], {"my_message": message})
    page_error = PageError(at="my-topic", message=error.message, topic_id=topic_id, values=values or {})
    return await market.refused([MY_TOPICS], page_error, status_for(error))
