"""The marketplace's vote from a phone: the htmx post a whole hall sends at once when voting opens.

A route of its own, placed before the page routes as the API's vote is (app/routes/api/votes.py). Measured
with `bench/vote_storm.py --via page`, the page route spent about 3.8 ms of one core on a vote: FastAPI's
dependencies read the event and the attendee and solved nine parameters before the write, and the answer
read them again after it. This route takes the common case only: an htmx post, with its session's CSRF
token in the header, from an attendee this worker knows (app/deps.py, KnownAttendees). It checks what the
page route checks (the token, the limit, the vote's own rules in its transaction) and answers with the
same templates, through `attendee.answer_page_vote`. Every other request (a plain form post, a stranger, a
facilitator, a missing or wrong token) goes on, untouched, to the page route, which answers or refuses
it as before: this route only ever makes the same answer cheaper.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from app.csrf import CSRF_HEADER, CSRF_KEY
from app.deps import ATTENDEES_KEY, FACILITATORS_KEY, Voter, known_voter, rate_limits
from app.models._base import MAX_ROW_ID
from app.routes.pages.attendee import answer_page_vote
from app.routes.pages.rendering import wants_fragment
from app.services import tokens, topics, votes
from app.services.changes import Written
from app.services.errors import DomainError

VoteChange = Callable[..., Written[votes.VoteResult]]
PASSED_ON = "hallway.page_vote_passed_on"  # in the scope of a request this route gave to the page route


class PageVote:
    """One of the two votes (add a dot, take it back), as an ASGI app: it can hand the request on unread."""

    def __init__(self, change: VoteChange) -> None:
        self.change = change

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        slug, topic_id = scope["path_params"]["slug"], scope["path_params"]["topic_id"]
        voter = await _known_attendee(request, slug) if topic_id.isdigit() else None
        if voter is None or not 1 <= int(topic_id) <= MAX_ROW_ID:
            scope[PASSED_ON] = True
            await scope["app"].router(scope, receive, send)  # matched again, by the page route this time
            return
        await rate_limits(request).hit("votes", f"attendee:{voter.attendee_id}")
        attendee_id, event_id, change = voter.attendee_id, voter.event_id, self.change
        result: votes.VoteResult | None = None
        card: topics.VoteCard | None = None
        error: DomainError | None = None
        try:
            result, card = await request.app.state.writer.run(
                lambda s: _vote_and_card(change, s, attendee_id, event_id, int(topic_id)),
                savepoint=False,  # both vote services raise before they write, and the card only reads
            )
        except DomainError as refused:
            error = refused
        response = await answer_page_vote(request, slug, voter, int(topic_id), result, error, card)
        await response(scope, receive, send)


def _vote_and_card(
    change: VoteChange, session: Session, attendee_id: int, event_id: int, topic_id: int
) -> Written[tuple[votes.VoteResult, topics.VoteCard | None]]:
    """The vote, and the card that answers it read in the same transaction (no read session of its own):
    when more than one dot is left; otherwise the answer is the whole list, read after."""
    written = change(session=session, attendee_id=attendee_id, topic_id=topic_id)
    result = written.result
    card = topics.vote_card(session=session, event_id=event_id, topic_id=topic_id) if result.votes_left > 1 else None
    return written.with_result((result, card))


async def _known_attendee(request: Request, slug: str) -> Voter | None:
    """The attendee of this page session, when the request is one this route takes; None hands it on."""
    if not wants_fragment(request):
        return None
    session = request.session
    if session.get(FACILITATORS_KEY, {}).get(slug):
        return None  # a facilitator's votes are not counted against a limit: the page route knows them
    token = session.get(ATTENDEES_KEY, {}).get(slug)
    expected, given = session.get(CSRF_KEY), request.headers.get(CSRF_HEADER)
    if not token or not expected or not given or not tokens.secrets_equal(given, expected):
        return None
    try:
        return await known_voter(request, slug, token)
    except DomainError:
        return None  # unknown, removed or banned: the page route says so, and forgets the cookie as it should


class PageVoteRoute(Route):
    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get(PASSED_ON):
            return Match.NONE, {}
        return super().matches(scope)


routes = [
    PageVoteRoute("/e/{slug}/topics/{topic_id}/vote", PageVote(votes.cast_vote), methods=["POST"], name="page_vote"),
    PageVoteRoute(
        "/e/{slug}/topics/{topic_id}/unvote", PageVote(votes.retract_vote), methods=["POST"], name="page_unvote"
    ),
]
