"""WS /ws/events/{slug}: the live board, as HTML fragments for htmx pages or as JSON for scripts.

`?view=market|wall|board|notes` picks the fragments of one kind of page; `?format=json` the JSON
changes. `since=V` is the last version the client saw: it gets what it missed, or a snapshot.
Clients have nothing to say here: what they send is read only to notice a flood or a closed socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from app import metrics
from app.config import Settings
from app.deps import ATTENDEES_KEY, FACILITATORS_KEY, facilitator_of_pass
from app.i18n import _, translated
from app.models import id_of
from app.ratelimits import RateLimits, TooManyRequests
from app.realtime.frames import SERVER_SEND, frame_writer
from app.realtime.hub import Client, EventFeed, Hub
from app.realtime.render import JSON_VIEW, VIEWS, view_in_language
from app.services import attendees, events
from app.services.errors import NotAllowed, NotFound
from app.sessions import read_page_session

log = logging.getLogger(__name__)

router = APIRouter()

MAX_CLIENT_MESSAGE = 4096  # bytes: nothing a client needs to say is longer
MAX_CLIENT_MESSAGES = 20  # in RATE_WINDOW seconds, before the socket is closed as a flood
RATE_WINDOW = 10.0

# Close codes: the htmx extension reconnects after 1006, 1011, 1012 and 1013 only, so the refusals
# that a retry cannot fix use 1008 (policy) or 4404 (no such event) and stay closed. A server that stops
# says 1012 (service restart), not 1001 (going away): the extension leaves a 1001 closed, and the hall's
# phones would stay offline until someone reloads. uvicorn closes its sockets with 1012 on a stop too.
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_RESTARTING = 1012
CLOSE_TRY_AGAIN = 1013
CLOSE_NO_EVENT = 4404
# How long a slug's event id is trusted before it is read again (see `_event_id`).
EVENT_ID_MEMORY_SECONDS = 60.0


@router.websocket("/ws/events/{slug}")
async def live_board(websocket: WebSocket, slug: str) -> None:
    settings: Settings = websocket.app.state.settings
    hub: Hub = websocket.app.state.hub
    if not origin_allowed(websocket, settings):
        # Refused before the handshake completes: a page of another site must not read the board
        # with this browser's cookies (cross-site websocket hijacking).
        await websocket.close(code=CLOSE_POLICY)
        return
    params = websocket.query_params
    view = JSON_VIEW if params.get("format") == "json" else params.get("view", "board")
    try:
        since = _since(params.get("since"))
    except ValueError:
        since = -1
    event_id = _event_id(websocket, slug)
    limits: RateLimits = websocket.app.state.rate_limits
    try:
        await limits.hit("websockets", f"address:{websocket.client.host if websocket.client else 'unknown'}")
    except TooManyRequests as refused:
        await websocket.accept()  # to say why, and when to come back (the page's reconnection waits anyway)
        await websocket.close(code=CLOSE_TRY_AGAIN, reason=close_reason(refused.message))
        return
    if view not in VIEWS or since == -1 or event_id is None:
        await websocket.accept()  # to say why: a refused handshake can't carry a reason
        if event_id is None:
            await websocket.close(code=CLOSE_NO_EVENT, reason=close_reason(_("No event at this address.")))
        else:
            said = _("Unknown view or since: see the API docs.")
            await websocket.close(code=CLOSE_POLICY, reason=close_reason(said))
        return
    cookie = read_page_session(websocket.scope, secret_key=settings.secret_key)
    facilitator: tuple[int, str] | None = None
    if view in NAMING_VIEWS or cookie.get(FACILITATORS_KEY, {}).get(slug):
        # Only then a read: the phones of a hall following the board hold no facilitator pass.
        who = _who(websocket, slug, cookie)
        refusal = who.refusal(view)
        if refusal is not None:
            await websocket.accept()
            await websocket.close(code=CLOSE_POLICY, reason=close_reason(refusal))
            return
        facilitator = who.facilitator
    # Follow the feed before the handshake completes: once the client sees the socket open, no
    # change can fall between what it was sent to catch up and the live messages.
    # Pages in another language than English follow fragments rendered in theirs (app/realtime/render.py).
    followed = view_in_language(view, params.get("lang"))
    feed, client = await hub.connect(event_id=event_id, view=followed, since=since, facilitator=facilitator)
    try:
        await websocket.accept()
    except BaseException:
        feed.leave(client)
        raise
    # By slug: an event's own (one series per event with pages open), never a made-up one (refused above).
    open_sockets = metrics.WEBSOCKET_CLIENTS.labels(slug)
    open_sockets.inc()
    try:
        await _serve(websocket, feed, client)
    finally:
        open_sockets.dec()


async def _serve(websocket: WebSocket, feed: EventFeed, client: Client) -> None:
    """Send from a task of its own; read here, until the client leaves.

    Why a task: a sender wakes once per message. Woken at the bottom of the route's call chain (the
    middleware and routing frames above this function), each wake cost more than the send itself;
    with 2,000 sockets that made the fan-out's p99 twice the bare broadcast's (py-spy during
    bench/fanout.py). A task started here resumes through two frames.
    """
    sender = asyncio.create_task(_send(websocket, client), name="hallway-ws-sender")
    client.sender = sender
    client.transmit = websocket.send_text
    client.write_frame = frame_writer(websocket.scope.get(SERVER_SEND))
    try:
        await _read(websocket, client)
    finally:
        client.close()
        feed.leave(client)
        if not sender.done():
            sender.cancel()  # stuck writing to a client that went away
        with contextlib.suppress(asyncio.CancelledError):
            await sender


RESTARTING = _("The server is restarting: reconnect, and catch up from your last version.")
REFUSED_SESSION = _("Your facilitator link was replaced or you left the team: ask a facilitator for a new link.")
JOIN_FIRST = _("This event is for the people who joined it: join first.")
CLOSE_REASON_MAX_BYTES = 123  # what a close frame holds


def close_reason(message: str) -> str:
    """A close reason in the page's language (the socket's `?lang=`, as its page), cut to fit a close frame
    without splitting a character."""
    return translated(message).encode()[:CLOSE_REASON_MAX_BYTES].decode(errors="ignore")


async def _send(websocket: WebSocket, client: Client) -> None:
    try:
        while (message := await client.next_message()) is not None:
            client.sending = True
            await websocket.send_text(message)
            client.sending = False
    except asyncio.CancelledError:
        # Our own cancel of a client that stopped reading (Client.drop) ends the sending quietly; a
        # server shutdown or the route's own end still cancels as usual.
        if not client.dropped:
            raise
    except Exception:  # the client went away mid-send: the reader sees the disconnect
        client.close()
        return
    if client.refused and websocket.client_state == WebSocketState.CONNECTED:
        # Opened with a facilitator's session that ended (the link replaced, the member removed): closed for
        # good (1008 is not retried), with the reason.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(code=CLOSE_POLICY, reason=close_reason(REFUSED_SESSION)), timeout=2)
    elif client.going_away and websocket.client_state == WebSocketState.CONNECTED:
        # The server is stopping (app/main.py's lifespan, through Hub.stop): come back, to this server once it
        # is up again or to another worker, and catch up from the last version seen.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(code=CLOSE_RESTARTING, reason=close_reason(RESTARTING)), timeout=2)
    elif client.dropped and websocket.client_state == WebSocketState.CONNECTED:
        # Fallen too far behind: told to come back (the htmx pages do, with backoff), then caught up.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(code=CLOSE_TRY_AGAIN), timeout=2)


async def _read(websocket: WebSocket, client: Client) -> None:
    """Read what the client sends: a close ends the feed, a flood or a big message closes it."""
    window_start, count = time.monotonic(), 0
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            size = len(message.get("text") or "") + len(message.get("bytes") or b"")
            now = time.monotonic()
            if now - window_start > RATE_WINDOW:
                window_start, count = now, 0
            count += 1
            if size > MAX_CLIENT_MESSAGE or count > MAX_CLIENT_MESSAGES:
                log.info("closing a live board socket that sent too much (%d bytes, %d messages)", size, count)
                with contextlib.suppress(Exception):
                    await websocket.close(code=CLOSE_TOO_BIG if size > MAX_CLIENT_MESSAGE else CLOSE_POLICY)
                break
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        client.close()


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    """Browsers always send Origin: it must be this site's. Scripts that send none are let in."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    public = urlsplit(settings.public_url)
    if origin == f"{public.scheme}://{public.netloc}".lower():
        return True
    # The address the browser used for the page, when it is not the configured public one
    # (127.0.0.1 versus localhost in development, say): same scheme family and the same host.
    host = websocket.headers.get("host", "").lower()
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    return bool(host) and origin == f"{scheme}://{host}"


def _since(value: str | None) -> int | None:
    """The client's last version, None when absent; ValueError when it is not a version at all."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValueError(value)
    return int(value)


# The pages whose live fragments name people; the board's and the JSON feed's never do on an event with a
# join code (app/realtime/render.py), so anyone may follow those.
NAMING_VIEWS = frozenset({"market", "wall", "notes"})


@dataclass(frozen=True)
class _Who:
    """Who opens a live page, as its session cookie says (app/deps.py decides the same way for the pages)."""

    coded: bool  # the event has a join code
    attendee: bool  # a good attendee token of this event
    facilitator: tuple[int, str] | None  # the member of the team the pass stands for: (id, key hash)
    stale_pass: bool  # a facilitator pass that is no longer good

    def refusal(self, view: str) -> str | None:
        if self.stale_pass and not self.attendee:
            return REFUSED_SESSION
        if view in NAMING_VIEWS and self.coded and not self.attendee and self.facilitator is None:
            return JOIN_FIRST
        return None


def _who(websocket: WebSocket, slug: str, cookie: dict[str, Any]) -> _Who:
    database = websocket.app.state.database
    settings: Settings = websocket.app.state.settings
    with database.read_session() as session:
        try:
            event = events.get_event(session=session, slug=slug)
        except NotFound:
            return _Who(coded=True, attendee=False, facilitator=None, stale_pass=False)
        attendee = False
        token = cookie.get(ATTENDEES_KEY, {}).get(slug)
        if token:
            try:
                attendees.authenticate(session=session, event=event, token=token)
                attendee = True
            except NotAllowed:
                pass
        shown = cookie.get(FACILITATORS_KEY, {}).get(slug)
        member = facilitator_of_pass(session, settings.secret_key, event, shown) if shown else None
        return _Who(
            coded=bool(event.join_code),
            attendee=attendee,
            facilitator=(id_of(member), member.key_hash) if member is not None else None,
            stale_pass=bool(shown) and member is None,
        )


def _event_id(websocket: WebSocket, slug: str) -> int | None:
    """The event's id, remembered a while: a restart brings every page back at once, and they share one read.
    Not for ever: an event deleted in another worker may give its slug to a new event, with a new id."""
    known: dict[str, tuple[int, float]] = websocket.app.state.hub.event_ids
    now = time.monotonic()
    remembered = known.get(slug)
    if remembered is not None and now - remembered[1] < EVENT_ID_MEMORY_SECONDS:
        return remembered[0]
    database = websocket.app.state.database
    with database.read_session() as session:
        try:
            event_id = id_of(events.get_event(session=session, slug=slug))
        except NotFound:
            known.pop(slug, None)
            return None
    known[slug] = (event_id, now)
    return event_id
