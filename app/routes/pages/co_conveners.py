"""Co-conveners on the marketplace: finding someone to invite, inviting, and answering an invitation.

All of it is shown in My topics (partials/co_conveners.html in each topic, partials/co_conveners_invitations.html
at the top): with htmx a form answers the section, without it a redirect back to it. Finding someone by name is
a search the server filters (a few names at a time, never the list of everyone); without htmx it is a small page.
The rules are app/services/co_conveners.py's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.csrf import CsrfChecked
from app.deps import RowId, page_limit
from app.errors import status_for
from app.i18n import _, translated
from app.models import Attendee
from app.models.topic_convener import PERSON_SEARCH_MAX
from app.routes.pages.attendee import MY_TOPICS, TOPIC_LIST, Market, MarketDep, PageError
from app.routes.pages.rendering import flash, render, wants_fragment
from app.services import co_conveners, lookups
from app.services.changes import Written
from app.services.errors import DomainError
from app.services.privacy import listed_name

router = APIRouter()

FOUND = "partials/co_conveners_found.html"


@router.get("/e/{slug}/topics/{topic_id}/conveners/search", response_class=HTMLResponse)
def find_people(
    topic_id: RowId, market: MarketDep, q: Annotated[str, Query(max_length=PERSON_SEARCH_MAX * 4)] = ""
) -> Response:
    """People of the event whose name has the words typed, for a convener to invite (a few at most)."""
    in_place = wants_fragment(market.request)
    context: dict[str, Any] = {
        "event": market.event,
        "listing": market.listing,
        "typed": q.strip(),
        "people": [],
        "in_place": in_place,
    }
    status = 200
    try:
        context["topic"] = lookups.get_active_topic(session=market.session, event_id=market.event_id, topic_id=topic_id)
        context["people"] = co_conveners.find_people(
            session=market.session, event_id=market.event_id, topic_id=topic_id, actor=market.actor, typed=q
        )
    except DomainError as error:
        if "topic" not in context:
            raise  # no such topic here: the error page says so
        context["search_error"], status = error.message, status_for(error)
    template = FOUND if in_place else "pages/co_conveners_find.html"
    response = render(market.request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "HX-Request"
    return response


@router.post("/e/{slug}/topics/{topic_id}/conveners", dependencies=[CsrfChecked, page_limit("edits")])
async def invite(topic_id: RowId, market: MarketDep, attendee_id: Annotated[str, Form()] = "") -> Response:
    """A convener invites someone found by name: the invitation waits on the invitee's phone."""
    event_id, actor = market.event_id, market.actor
    invitee = int(attendee_id) if attendee_id.isdigit() and len(attendee_id) < 10 else 0

    def work(session: Session) -> Written[str]:
        written = co_conveners.invite(
            session=session, event_id=event_id, topic_id=topic_id, actor=actor, attendee_id=invitee
        )
        topic = lookups.get_topic(session=session, event_id=event_id, topic_id=topic_id)
        name = _name_of(session, invitee)
        said = _("{name} is invited to co-convene “{title}”: they accept on their phone.", name=name, title=topic.title)
        return written.with_result(said)

    said, error = await market.write(work)
    return await _answer(market, topic_id, said, error, at="my-topic")


@router.post(
    "/e/{slug}/topics/{topic_id}/conveners/{attendee_id}/accept", dependencies=[CsrfChecked, page_limit("edits")]
)
async def accept(topic_id: RowId, attendee_id: RowId, market: MarketDep) -> Response:
    """The invitee accepts: the topic joins their My topics, and its cards name them too."""
    event_id, actor = market.event_id, market.actor

    def work(session: Session) -> Written[str]:
        written = co_conveners.accept(
            session=session, event_id=event_id, topic_id=topic_id, actor=actor, attendee_id=attendee_id
        )
        topic = lookups.get_topic(session=session, event_id=event_id, topic_id=topic_id)
        return written.with_result(_("You co-convene “{title}” now: it is in your topics below.", title=topic.title))

    said, error = await market.write(work)
    return await _answer(market, topic_id, said, error, at="my-topics")


@router.post(
    "/e/{slug}/topics/{topic_id}/conveners/{attendee_id}/remove", dependencies=[CsrfChecked, page_limit("edits")]
)
async def remove(topic_id: RowId, attendee_id: RowId, market: MarketDep) -> Response:
    """Decline an invitation, step down as co-convener, or (the main convener) remove one or take an invitation
    back."""
    event_id, actor = market.event_id, market.actor

    def work(session: Session) -> Written[str]:
        written = co_conveners.remove(
            session=session, event_id=event_id, topic_id=topic_id, actor=actor, attendee_id=attendee_id
        )
        return written.with_result(_removed_said(session, written.result))

    said, error = await market.write(work)
    return await _answer(market, topic_id, said, error, at="my-topics")


def _name_of(session: Session, attendee_id: int) -> str:
    """A person's name as the lists of the topic show it to its conveners (app/services/privacy.py)."""
    person = session.get(Attendee, attendee_id)
    return (listed_name(person.display_name, listed=person.name_listed) or "") if person is not None else ""


def _removed_said(session: Session, left: co_conveners.LeftTopic) -> str:
    title = left.topic.title
    if left.by_themselves:
        if left.was_accepted:
            return _("You stepped down: you no longer co-convene “{title}”.", title=title)
        return _("You declined to co-convene “{title}”.", title=title)
    name = _name_of(session, left.attendee_id)
    if left.was_accepted:
        return _("{name} no longer co-convenes “{title}”.", name=name, title=title)
    return _("You took back the invitation of {name} to co-convene “{title}”.", name=name, title=title)


async def _answer(market: Market, topic_id: int, said: str | None, error: DomainError | None, *, at: str) -> Response:
    """My topics again, with what happened said in it (or the refusal, beside the topic it was about)."""
    request = market.request
    if error is None:
        if not wants_fragment(request):
            flash(request, translated(said or ""))
            return market.back("my-topics")
        return await market.answer([MY_TOPICS, TOPIC_LIST], {"my_message": said})
    page_error = PageError(at=at, message=error.message, topic_id=topic_id)
    return await market.refused([MY_TOPICS], page_error, status_for(error))
