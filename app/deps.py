"""Dependencies shared by the routes: the database, the writer, the event of the URL and who is calling.

Existence and permission checks live here once, not as copies in each route.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import i18n
from app.config import Settings
from app.db import Database
from app.i18n import _
from app.models import Attendee, Event, Facilitator, id_of
from app.models._base import MAX_ROW_ID
from app.ratelimits import LimitName, RateLimits, TooManyRequests
from app.services import attendees, events, team, tokens
from app.services.actors import Actor
from app.services.changes import Written
from app.services.errors import Banned, NotAllowed, NotAuthenticated, Removed
from app.writer import Writer

T = TypeVar("T")

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
""" A room, slot or topic id in a URL."""


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# The dependencies are async: FastAPI runs a plain `def` dependency on the threadpool, and under a storm
# those hops (several a request, each a GIL hand-over) cost more than the work itself. Those that read
# do one lookup by primary key or unique index: about 50 µs on SQLite, run on the loop like the writer.
# The HTML vote went from 136 to 380 requests/s with this (docs/architecture.md).


async def get_settings_dep(request: Request) -> Settings:
    return settings_of(request)


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_session(database: Annotated[Database, Depends(get_database)]) -> AsyncIterator[Session]:
    """A read session for the request; every write goes through the writer instead."""
    with database.read_session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


class RequestWriter:
    """The app's writer, seen from one request: after a write, the request's read session forgets
    what it had loaded, so that the answer is rendered from the state the write left.

    The work runs inside the writer's batch: capture plain values (ids) for it, never lazy-load
    through objects of the request's read session inside it.
    """

    def __init__(self, writer: Writer, session: Session) -> None:
        self._writer = writer
        self._session = session

    async def run(self, work: Callable[[Session], Written[T]]) -> T:
        """Commit `work` (a service write, which declares its live change) through the writer."""
        # Give the read connection back while waiting: under a storm, requests parked on the writer
        # must not hold every pooled connection. The loaded objects stay usable (expire_on_commit=False).
        self._session.commit()
        try:
            return await self._writer.run(work)
        finally:
            self._session.expire_all()


async def get_writer(request: Request, session: SessionDep) -> RequestWriter:
    return RequestWriter(request.app.state.writer, session)


WriterDep = Annotated[RequestWriter, Depends(get_writer)]


async def get_event(slug: str, session: SessionDep) -> Event:
    event = events.get_event(session=session, slug=slug)
    i18n.event_language_is(event.language)  # the fallback for the pages of this request (app/i18n.py)
    return event


EventDep = Annotated[Event, Depends(get_event)]


def bearer_token(request: Request) -> str | None:
    scheme, _space, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _attendee_actor(event: Event, attendee: Attendee | None, *, is_facilitator: bool = False) -> Actor:
    return Actor(
        event_id=id_of(event),
        attendee_id=attendee.id if attendee else None,
        attendee_name=attendee.display_name if attendee else None,
        is_facilitator=is_facilitator,
    )


async def get_api_actor(request: Request, event: EventDep, session: SessionDep) -> Actor:
    """Who makes an API request: from the bearer token, an attendee or the facilitator; nobody known without one."""
    token = bearer_token(request)
    if token is None:
        return Actor(event_id=id_of(event))
    # Attendee tokens are "<id>.<secret>"; facilitator keys never contain a dot.
    if "." in token:
        return _attendee_actor(event, attendees.authenticate(session=session, event=event, token=token))
    member = team.member_for_key(session=session, event_id=id_of(event), key=token)
    if member is not None:
        return team.actor_of(member)
    raise NotAuthenticated(REFUSED_KEY)


# Said to a key or a session that is not (or no longer) one of the event's facilitators, and nothing else.
REFUSED_KEY = _(
    "This facilitator key is not valid for this event: it may have been replaced, or its holder taken off the "
    "team. Ask one of the event's facilitators for a new link."
)


ApiActor = Annotated[Actor, Depends(get_api_actor)]


async def get_api_reader(request: Request, event: EventDep, session: SessionDep) -> Actor:
    """Who reads something anyone may read: the token, if it is good, only decides whether names show
    (app/services/privacy.py); a missing, stale or foreign one reads as anyone does, never refused."""
    try:
        return await get_api_actor(request, event, session)
    except NotAllowed:
        return Actor(event_id=id_of(event))


ApiReader = Annotated[Actor, Depends(get_api_reader)]


async def require_api_known(actor: ApiActor) -> Actor:
    """An attendee or the facilitator: whoever may change a topic or the wall, the services decide."""
    if not actor.is_known:
        raise NotAuthenticated(
            _("Join the event and send your attendee token (or the facilitator key) as a bearer token.")
        )
    return actor


async def require_api_attendee(actor: ApiActor, session: SessionDep) -> Attendee:
    attendee = session.get(Attendee, actor.attendee_id) if actor.attendee_id is not None else None
    if attendee is None:
        raise NotAuthenticated(_("Join the event first and send your attendee token as a bearer token."))
    return attendee


async def require_api_facilitator(actor: ApiActor) -> Actor:
    if not actor.is_facilitator:
        raise NotAllowed(_("Only the event's facilitator can do this: send the facilitator key as a bearer token."))
    return actor


async def require_admin(request: Request, settings: SettingsDep) -> None:
    """The deployment's admin, by the bearer token; a wrong token counts against the address (see admin_token_is)."""
    token = bearer_token(request)
    if not settings.admin_token:
        raise NotAllowed(
            _("Creating events over the API needs HALLWAY_ADMIN_TOKEN to be set; or use `hallway create-event`.")
        )
    if token is None:
        raise NotAuthenticated(_("Send the admin token (HALLWAY_ADMIN_TOKEN) as a bearer token."))
    if not await admin_token_is(request, settings, token):
        raise NotAuthenticated(_("Send the admin token (HALLWAY_ADMIN_TOKEN) as a bearer token."))


async def admin_token_is(request: Request, settings: Settings, token: str) -> bool:
    """Whether `token` is the admin token. An address that tried too many wrong ones lately is refused first
    (429), whatever it sends now, and a wrong one counts against it: the token opens every event of the
    deployment, so guessing it, from the organisers' page or the API, soon has to wait."""
    address = f"address:{client_address(request)}"
    await rate_limits(request).check("admin_token_tries", address)
    if settings.admin_token and tokens.secrets_equal(token, settings.admin_token):
        return True
    await rate_limits(request).hit("admin_token_tries", address)
    return False


ApiAttendee = Annotated[Attendee, Depends(require_api_attendee)]


# --- The vote path: no threadpool hop and no read session when the attendee is known -------------


@dataclass(frozen=True)
class Voter:
    """An attendee authenticated for one event, by id only: all the vote path needs."""

    attendee_id: int
    event_id: int


class KnownAttendees:
    """Attendees recently authenticated, so that a vote needs no database read before the writer.

    Safe to keep: tokens never change and attendees are never deleted one by one (a ban or a removal is
    checked again inside the vote's transaction). Every entry is
    re-proved on each use (the token's hash is compared in constant time, the slug must match), and
    the write transaction still checks that the attendee exists. Only identities are kept here, never
    phase switches or budgets: those are read inside the write transaction. A bounded dict: the oldest
    entries make room first.
    """

    def __init__(self, max_size: int = 100_000) -> None:
        self._max_size = max_size
        self._known: dict[int, tuple[str, int, str]] = {}  # attendee id → (slug, event id, token hash)

    def match(self, slug: str, token: str) -> Voter | None:
        parsed = tokens.split_attendee_token(token)
        known = self._known.get(parsed[0]) if parsed else None
        if parsed is None or known is None or known[0] != slug or not tokens.secret_matches(parsed[1], known[2]):
            return None
        return Voter(attendee_id=parsed[0], event_id=known[1])

    def forget(self, attendee_id: int) -> None:
        """The attendee was banned or removed: this worker stops trusting their token at once (the vote's own
        transaction refuses them on every worker anyway)."""
        self._known.pop(attendee_id, None)

    def forget_event(self, slug: str) -> None:
        """The event was deleted: none of its attendees' tokens is trusted any more."""
        for attendee_id in [i for i, known in self._known.items() if known[0] == slug]:
            del self._known[attendee_id]

    def remember(self, slug: str, attendee: Attendee) -> Voter:
        if len(self._known) >= self._max_size:
            del self._known[next(iter(self._known))]
        attendee_id = id_of(attendee)
        self._known[attendee_id] = (slug, attendee.event_id, attendee.token_hash)
        return Voter(attendee_id=attendee_id, event_id=attendee.event_id)


async def get_api_voter(request: Request, slug: str) -> Voter:
    """The calling attendee, from the in-process cache when possible, from the database otherwise."""
    token = bearer_token(request)
    if token is None or "." not in token:
        raise NotAuthenticated(_("Join the event first and send your attendee token as a bearer token."))
    return await known_voter(request, slug, token)


async def known_voter(request: Request, slug: str, token: str) -> Voter:
    """The attendee of this token, from the in-process cache when possible, from the database otherwise (the
    refusals of `attendees.authenticate` come through: unknown, removed, banned)."""
    known: KnownAttendees = request.app.state.known_attendees
    voter = known.match(slug, token)
    if voter is None:
        attendee = await run_in_threadpool(_authenticate_attendee, request.app.state.database, slug, token)
        voter = known.remember(slug, attendee)
    return voter


def _authenticate_attendee(database: Database, slug: str, token: str) -> Attendee:
    with database.read_session() as session:
        event = events.get_event(session=session, slug=slug)
        return attendees.authenticate(session=session, event=event, token=token)


ApiKnownActor = Annotated[Actor, Depends(require_api_known)]
ApiFacilitator = Annotated[Actor, Depends(require_api_facilitator)]
AdminDep = Depends(require_admin)


# --- The HTML pages: who is visiting, from the signed session cookie -------------------------------

ATTENDEES_KEY = "attendees"  # session["attendees"][slug] = attendee token
FACILITATORS_KEY = "facilitators"  # session["facilitators"][slug] = facilitator pass (see facilitator_pass)


async def get_visitor(request: Request, event: EventDep, session: SessionDep) -> Actor:
    """Who is looking at a page of one event, from the session cookie's attendee token and facilitator key."""
    known_attendees: dict[str, str] = request.session.get(ATTENDEES_KEY, {})
    passes: dict[str, str] = request.session.get(FACILITATORS_KEY, {})
    attendee, forgotten, banned, farewell = None, False, False, None
    token = known_attendees.get(event.slug)
    if token:
        try:
            attendee = attendees.authenticate(session=session, event=event, token=token)
            # A phone back after a restart is known to the vote path again as soon as a page is open.
            request.app.state.known_attendees.remember(event.slug, attendee)
        except Removed as removed:
            # Removed at their request (or the facilitator's): said once, and the device may join again.
            forget_attendee(request, event.slug)
            farewell = removed.message
        except NotAuthenticated:
            # A stale cookie (the event was reset) or a forged one: forget it, ask to join again.
            forget_attendee(request, event.slug)
            forgotten = True
        except Banned:
            # Kept in the cookie: the pages read as for anyone, but this device can't join again.
            banned = True
    shown = passes.get(event.slug)
    member = facilitator_of_pass(session, settings_of(request).secret_key, event, shown) if shown else None
    if shown and member is None:  # the link was replaced or its member removed since (or a forged cookie)
        forget_facilitator(request, event.slug)
    actor = _attendee_actor(event, attendee, is_facilitator=member is not None)
    if member is not None:
        actor = replace(actor, facilitator_id=member.id, facilitator_name=member.name)
    return replace(
        actor, forgotten=forgotten, banned=banned, farewell=farewell, facilitator_refused=bool(shown) and member is None
    )


VisitorDep = Annotated[Actor, Depends(get_visitor)]


async def require_page_attendee(visitor: VisitorDep, session: SessionDep) -> Attendee:
    # The visitor's attendee row is in the session already (get_visitor loaded it): no second read.
    attendee = session.get(Attendee, visitor.attendee_id) if visitor.attendee_id is not None else None
    if attendee is None:
        raise NotAuthenticated(_("Join the event with your name first."))
    return attendee


async def require_page_facilitator(visitor: VisitorDep) -> Actor:
    if visitor.facilitator_refused:
        raise NotAuthenticated(REFUSED_KEY)
    if not visitor.is_facilitator:
        raise NotAllowed(_("Only the event's facilitator can do this. Open the facilitator link first."))
    return visitor


PageAttendee = Annotated[Attendee, Depends(require_page_attendee)]
PageFacilitator = Annotated[Actor, Depends(require_page_facilitator)]


def remember_attendee(request: Request, slug: str, token: str) -> None:
    request.session[ATTENDEES_KEY] = {**request.session.get(ATTENDEES_KEY, {}), slug: token}


def forget_attendee(request: Request, slug: str) -> None:
    request.session[ATTENDEES_KEY] = {k: v for k, v in request.session.get(ATTENDEES_KEY, {}).items() if k != slug}


def forget_event(app: Any, slug: str) -> None:
    """This worker's memories of a deleted event: its attendees' tokens and the websocket route's slug → id.
    (Another worker's slug → id goes within a minute; the database refuses what its tokens would let through.)"""
    app.state.known_attendees.forget_event(slug)
    app.state.hub.event_ids.pop(slug, None)


def facilitator_pass(secret_key: str, event: Event, member: Facilitator) -> str:
    """What the session cookie keeps for a member of the team. Not the key: a signed cookie is readable,
    and the key is a credential for the API and a link to pass on. The member's id, and a MAC of their key's
    fingerprint under the deployment's secret: worthless elsewhere, and dead the moment the key is replaced."""
    message = f"facilitator:{event.slug}:{member.id}:{member.key_hash}".encode()
    return f"{member.id}:{hmac.new(secret_key.encode(), message, 'sha256').hexdigest()}"


def facilitator_of_pass(session: Session, secret_key: str, event: Event, shown: object) -> Facilitator | None:
    """The member of the team a cookie's pass stands for, if it is still good: one read by primary key."""
    member_id, _colon, _rest = str(shown).partition(":")
    if member_id.isdigit() and len(member_id) <= 10:
        member = session.get(Facilitator, int(member_id))
        if member is None or member.event_id != event.id or member.removed_at is not None:
            return None
        return member if tokens.secrets_equal(str(shown), facilitator_pass(secret_key, event, member)) else None
    # A pass from before the team (the MAC of the event's one key): that key is its first member's now.
    first = team.first_member(session=session, event_id=id_of(event))
    if first is None:
        return None
    before = hmac.new(secret_key.encode(), f"facilitator:{event.slug}:{first.key_hash}".encode(), "sha256").hexdigest()
    return first if tokens.secrets_equal(str(shown), before) else None


def remember_facilitator(request: Request, event: Event, member: Facilitator) -> None:
    """This browser is this member of the event's team (the caller checked the key) until their key is replaced
    or they leave the team."""
    request.session[FACILITATORS_KEY] = {
        **request.session.get(FACILITATORS_KEY, {}),
        event.slug: facilitator_pass(settings_of(request).secret_key, event, member),
    }


def forget_facilitator(request: Request, slug: str) -> None:
    request.session[FACILITATORS_KEY] = {
        k: v for k, v in request.session.get(FACILITATORS_KEY, {}).items() if k != slug
    }


# --- The organisers' page: the admin token, given once in the browser ---------------------------------

ADMIN_KEY = "admin"  # session["admin"] = the organisers' pass (see admin_pass)


def admin_pass(settings: Settings) -> str:
    """What the session cookie keeps for someone who gave the admin token: not the token (a signed cookie is
    readable), but a MAC of its fingerprint under the deployment's secret, worthless elsewhere and dead the
    moment HALLWAY_ADMIN_TOKEN (or the secret) changes. Like the facilitator's pass (facilitator_pass)."""
    fingerprint = tokens.hash_secret(settings.admin_token)
    return hmac.new(settings.secret_key.encode(), f"admin:{fingerprint}".encode(), "sha256").hexdigest()


def is_admin_visitor(request: Request) -> bool:
    """Whether this browser gave the admin token (and it is still the deployment's)."""
    settings = settings_of(request)
    shown = request.session.get(ADMIN_KEY)
    return bool(settings.admin_token) and isinstance(shown, str) and tokens.secrets_equal(shown, admin_pass(settings))


def remember_admin(request: Request) -> None:
    """This browser is the deployment's admin until it signs out, or the admin token is changed."""
    request.session[ADMIN_KEY] = admin_pass(settings_of(request))


def forget_admin(request: Request) -> None:
    request.session.pop(ADMIN_KEY, None)


async def require_page_admin(request: Request) -> None:
    """The organisers' forms: only for a browser that gave the admin token."""
    if not is_admin_visitor(request):
        raise NotAllowed(_("Only the deployment's organisers can do this. Open /admin and give the admin token first."))


PageAdmin = Depends(require_page_admin)


# --- Rate limits (app/ratelimits.py): counted before the work, per attendee or per address -------------


def client_address(request: Request) -> str:
    """The address a request came from (behind a proxy, as uvicorn's --proxy-headers reads it)."""
    return request.client.host if request.client else "unknown"


def rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


async def count_for(request: Request, name: LimitName, actor: Actor) -> None:
    """One more `name` for this actor: an attendee by id, anyone else by address; the facilitator is exempt."""
    if actor.is_facilitator:
        return
    who = f"attendee:{actor.attendee_id}" if actor.attendee_id is not None else f"address:{client_address(request)}"
    await rate_limits(request).hit(name, who)


def page_limit(name: LimitName) -> Any:
    """A page route's limit, counted for the visitor."""

    async def count(request: Request, visitor: VisitorDep) -> None:
        await count_for(request, name, visitor)

    return Depends(count)


def api_limit(name: LimitName) -> Any:
    """An API route's limit, counted for the caller of the bearer token."""

    async def count(request: Request, actor: ApiActor) -> None:
        await count_for(request, name, actor)

    count.hallway_limit = (name, "attendee")  # type: ignore[attr-defined]  # read by ratelimits.FastRefusals
    return Depends(count)


def address_limit(name: LimitName) -> Any:
    """A limit per address, for what comes before anyone is known (joining)."""

    async def count(request: Request) -> None:
        await rate_limits(request).hit(name, f"address:{client_address(request)}")

    count.hallway_limit = (name, "address")  # type: ignore[attr-defined]  # read by ratelimits.FastRefusals
    return Depends(count)


def page_address_limit(name: LimitName) -> Any:
    """A page's limit per address, counted before anything is read (a join waiting its turn holds no database
    connection); a refusal is kept for the page to say in its own form (`refusal_of`), the form still filled in."""

    async def count(request: Request) -> None:
        try:
            await rate_limits(request).hit(name, f"address:{client_address(request)}")
        except TooManyRequests as refused:
            request.state.refused = refused

    return Depends(count)


def refusal_of(request: Request) -> TooManyRequests | None:
    """The refusal `page_address_limit` kept for this request, if any."""
    refused: TooManyRequests | None = getattr(request.state, "refused", None)
    return refused


async def join_counting_wrong_codes(request: Request, joining: Callable[[], Awaitable[T]]) -> T:
    """Join, refusing an address that tried too many wrong join codes lately; a wrong one counts against it.

    Only the failures count: a hall of phones behind one address joins with the right code freely, while
    guessing a code from one place soon has to wait.
    """
    address = f"address:{client_address(request)}"
    await rate_limits(request).check("join_code_tries", address)
    try:
        return await joining()
    except NotAllowed:
        await rate_limits(request).hit("join_code_tries", address)
        raise
