"""The hub: each event's changes rendered once per kind of page and fanned out to every open page.

The path of a change: the writer commits it and calls `announce` with its board version; the hub
publishes it on the broadcaster (the event's channel); every worker's feed for that event hears it,
merges it into what is pending, and at most `FLUSH_INTERVAL` after the previous message renders the
pending parts once per view (from the database, so the latest state wins and a storm of votes becomes
one message) and hands the same string to each client, with its websocket frame encoded once: an idle
socket is written those bytes directly (app/realtime/frames.py), the others queue the message. A client
that falls `CLIENT_QUEUE_LIMIT` messages behind is dropped; its page reconnects and catches up, and
nobody else waited for it.

Versions: a message is labelled with the highest board version it covers. A page that reconnects says
which label it saw last (`since`); the feed replays the messages after it, or, when those are gone or
a gap shows that the broadcaster lost something, sends a snapshot rendered from the database.

With several workers, versions can arrive out of order: two workers commit one after the other and the
second publishes first. A missing version is therefore taken as late, not lost, until the next flush
(at least `LATE_GRACE` later): only a version still missing then costs a snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from app import metrics
from app.realtime.broadcaster import Broadcaster
from app.realtime.frames import FrameWriter, text_frame
from app.services.changes import BoardChange

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.25  # seconds: at most four messages a second to a page, however busy the event
CLIENT_QUEUE_LIMIT = 16  # messages a client may fall behind before it is dropped (it reconnects)
REPLAY_LIMIT = 128  # messages kept per view for pages that reconnect
IDLE_FEED_SECONDS = 60.0  # a feed outlives its last page this long, so a wifi drop can replay
CONSISTENCY_CHECK_SECONDS = 5.0  # how often a feed compares its version with the database's
CONSISTENCY_GRACE = 0.5  # seconds the broadcasts of versions the database already has may take to arrive
RESUBSCRIBE_SECONDS = 1.0
LATE_GRACE = 0.05  # seconds a missing version may still arrive (from another worker) before a flush
LATE_LIMIT = 64  # a gap wider than this is a loss at once, not versions on their way


@dataclass(frozen=True)
class Rendered:
    """One render of a change (or of everything): the label and each view's message."""

    version: int
    messages: dict[str, str]


class Renderer:
    """What the hub needs from the database and templates; app/realtime/render.py implements it."""

    def current_version(self, event_id: int) -> int:
        raise NotImplementedError

    def render(self, *, event_id: int, change: BoardChange | None, views: frozenset[str], version: int) -> Rendered:
        """Messages for `views` at `version`; `change` None means everything (a snapshot)."""
        raise NotImplementedError

    def facilitator_keys(self, event_id: int) -> dict[int, str] | None:
        """The event's facilitation team now, member id → key hash; None when unknown (nothing is checked)."""
        return None


class Client:
    """One open page or script: the messages it has not been sent yet, and the task that sends them.

    An idle sender waits on a future of its own that `offer` resolves with the message itself: the
    cheapest wake asyncio has, which matters when one change goes to thousands of sockets at once.
    """

    __slots__ = (
        "_backlog",
        "_waiter",
        "closed",
        "dropped",
        "facilitator",
        "going_away",
        "refused",
        "sender",
        "sending",
        "transmit",
        "view",
        "write_frame",
    )

    def __init__(self, view: str, facilitator: tuple[int, str] | None = None) -> None:
        self.view = view
        # The member of the facilitation team whose session opened this page (id, key hash), if any: the
        # page is closed when that key is replaced or the member removed (EventFeed._check_facilitators).
        self.facilitator = facilitator
        self.refused = False
        self._backlog: deque[str] = deque()
        self._waiter: asyncio.Future[str | None] | None = None
        self.closed = False
        self.dropped = False  # fell too far behind: the sender stops and the page reconnects
        self.going_away = False  # the server is stopping: the page is told to reconnect (to another worker)
        self.sender: asyncio.Task[None] | None = None
        self.sending = False
        # The socket's send, for sending at once from the fan-out (see _send_at_once).
        self.transmit: Callable[[str], Coroutine[Any, Any, None]] | None = None
        # Writes the message's frame, encoded once for every socket, straight to this one (app/realtime/frames.py).
        self.write_frame: FrameWriter | None = None

    def offer(self, message: str, frame: bytes | None = None) -> None:
        """Send `message` (whose websocket frame is `frame`, when the fan-out encoded it) or queue it."""
        if self.closed:
            return
        waiter = self._waiter
        # Only an idle client is written to from here: one with a backlog gets its messages in order from its sender.
        if waiter is not None and frame is not None and self.write_frame is not None and self.write_frame(frame):
            return
        if waiter is not None and self._send_at_once(message):
            return
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(message)
                return
        if len(self._backlog) >= CLIENT_QUEUE_LIMIT:
            self.drop()
            return
        self._backlog.append(message)

    def _send_at_once(self, message: str) -> bool:
        """Send from the caller, without waking the sender task, when the socket takes it at once.

        Python 3.11 has no eager tasks, and waking one task per socket was a third of the fan-out's
        time with 2,000 sockets. So the send coroutine is run by hand for one step: it finishes
        when the socket's buffer has room (the usual case, the bytes are written), or it stops to
        wait for a slow client's buffer to drain, before writing anything (uvicorn's sansio socket
        waits first, then writes). Then the step is abandoned and the idle sender task, which waits
        properly, sends the message: a slow client never holds up the others. (A server that wrote
        before waiting would at worst send the message twice; every message is a whole state, so a
        page or script is none the worse.)
        """
        if self.transmit is None:
            return False
        step = self.transmit(message)
        try:
            step.send(None)
        except StopIteration:
            return True
        except Exception:  # the client went away: its reader sees the disconnect
            self.close()
            return True
        step.close()
        return False

    def drop(self) -> None:
        metrics.LIVE_CLIENTS_DROPPED.inc()
        metrics.LIVE_MESSAGES_DROPPED.inc(len(self._backlog) + 1)  # the backlog, and the message that overflowed
        self.dropped = True
        self._backlog.clear()
        self.close()
        # A sender stuck writing to a client that does not read would never see the flag.
        if self.sending and self.sender is not None:
            self.sender.cancel()

    def go_away(self) -> None:
        """The server is stopping: send nothing more, and close the socket with "reconnect" (ws.py). What was
        waiting is not sent: the page catches up from its last version wherever it reconnects."""
        self.going_away = True
        self._backlog.clear()
        self.close()

    def refuse(self) -> None:
        """The session that opened this page is no longer good: send nothing more, and close it (ws.py)."""
        self.refused = True
        self._backlog.clear()
        self.close()

    def close(self) -> None:
        self.closed = True
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next_message(self) -> str | None:
        """The next message to send, or None once the client is closed."""
        if self.dropped:
            return None
        if self._backlog:
            return self._backlog.popleft()
        if self.closed:
            return None
        self._waiter = asyncio.get_running_loop().create_future()
        return await self._waiter


class EventFeed:
    """One event's live state in this worker: pending changes, clients by view, recent messages."""

    def __init__(self, hub: Hub, event_id: int) -> None:
        self.hub = hub
        self.event_id = event_id
        self.channel = hub.channel_of(event_id)
        self.clients: defaultdict[str, set[Client]] = defaultdict(set)
        self.label = 0  # the version the last message (or snapshot) covered
        self.seen = 0  # the highest version heard from the broadcaster
        self.pending: BoardChange | None = None
        self.resync = False
        self.missing: set[int] = set()  # versions skipped by the broadcaster so far: late, or lost
        self.history: defaultdict[str, deque[tuple[int, int, str]]] = defaultdict(lambda: deque(maxlen=REPLAY_LIMIT))
        self.snapshots: dict[str, tuple[int, str]] = {}
        self.render_lock = asyncio.Lock()
        self.last_flush = 0.0
        self.flush_scheduled = False
        self.idle_since: float | None = None
        self.listener: asyncio.Task[None] | None = None
        self.checker: asyncio.Task[None] | None = None
        self.subscribed = asyncio.Event()

    async def start(self) -> None:
        version = await asyncio.to_thread(self.hub.renderer.current_version, self.event_id)
        self.label = self.seen = version
        self.listener = asyncio.create_task(self._listen(), name=f"hallway-feed-{self.event_id}")
        self.checker = asyncio.create_task(self._check_consistency(), name=f"hallway-check-{self.event_id}")
        await self.subscribed.wait()

    async def stop(self) -> None:
        for task in (self.listener, self.checker):
            if task is not None:
                task.cancel()
        for task in (self.listener, self.checker):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        for clients in self.clients.values():
            for client in clients:
                client.go_away()

    @property
    def client_count(self) -> int:
        return sum(len(c) for c in self.clients.values())

    async def _listen(self) -> None:
        while True:
            try:
                async with self.hub.broadcaster.subscribe(self.channel) as messages:
                    if self.subscribed.is_set():
                        # Resubscribed after losing the broadcaster: whatever it said meanwhile is lost.
                        self._note_gap()
                    self.subscribed.set()
                    async for raw in messages:
                        self._hear(raw)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the broadcaster for event %d; resubscribing", self.event_id, exc_info=True)
                self.subscribed.set()  # never keep a joining page waiting on a broken backend
                await asyncio.sleep(RESUBSCRIBE_SECONDS)

    def _hear(self, raw: str) -> None:
        try:
            data = json.loads(raw)
            version = int(data["version"])
            change = BoardChange.from_json(data["change"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed broadcast on %s", self.channel)
            return
        if version > self.seen + LATE_LIMIT:
            self._note_gap()  # versions went missing on the way: render everything once
        elif version > self.seen + 1:
            self.missing.update(range(self.seen + 1, version))  # late (another worker's), or lost: see _flush
        else:
            self.missing.discard(version)
        self.seen = max(self.seen, version)
        metrics.LIVE_CHANGES.inc()
        if self.pending is None:
            self.pending = change
        else:
            metrics.LIVE_COALESCED.inc()
            self.pending = self.pending.merge(change)
        self._schedule_flush()

    def _note_gap(self) -> None:
        self.resync = True
        self._schedule_flush()

    async def _check_consistency(self) -> None:
        """Catch a change the broadcaster lost (or a command's write, which is not broadcast) when no later
        change reveals the gap. The database being ahead is a loss only if it stays so a moment: under a
        storm it nearly always is, by the commits whose broadcasts are on their way."""
        while True:
            await asyncio.sleep(CONSISTENCY_CHECK_SECONDS)
            try:
                version = await asyncio.to_thread(self.hub.renderer.current_version, self.event_id)
            except Exception:
                log.warning("could not read the board version of event %d", self.event_id, exc_info=True)
                continue
            if version > self.seen:
                await asyncio.sleep(CONSISTENCY_GRACE)
            if version > self.seen and self.pending is None and not self.flush_scheduled:
                self.seen = version
                self._note_gap()

    def _schedule_flush(self) -> None:
        if self.flush_scheduled:
            return
        self.flush_scheduled = True
        wait = max(LATE_GRACE if self.missing else 0.0, self.last_flush + FLUSH_INTERVAL - time.monotonic())
        asyncio.get_running_loop().call_later(wait, self._start_flush)

    def _start_flush(self) -> None:
        task = asyncio.create_task(self._flush())
        self.hub.track(task)

    async def _flush(self) -> None:
        async with self.render_lock:
            self.flush_scheduled = False
            self.last_flush = time.monotonic()
            if self.missing:  # still missing after the grace: lost, so the database says what they changed
                self.missing.clear()
                self.resync = True
            change, resync = self.pending, self.resync
            self.pending, self.resync = None, False
            if change is None and not resync:
                return
            if resync or (change is not None and "team" in change.kinds):
                await self._check_facilitators()
            views = frozenset(view for view, clients in self.clients.items() if clients)
            try:
                label = max(self.label, self.seen)
                if resync:  # after a gap, the database says how far the board got
                    label = max(label, await asyncio.to_thread(self.hub.renderer.current_version, self.event_id))
                # On a thread: the database work of a render releases the GIL, and with a wall page
                # open a big event's render is tens of milliseconds the loop keeps for sending.
                rendered = await asyncio.to_thread(
                    self.hub.renderer.render,
                    event_id=self.event_id,
                    change=None if resync else change,
                    views=views,
                    version=label,
                )
            except Exception:
                log.exception("could not render board version %d of event %d", self.seen, self.event_id)
                self.resync = True  # try again with everything on the next change or check
                return
            previous, self.label = self.label, rendered.version
            metrics.LIVE_MESSAGES.inc(len(rendered.messages))
            for view, message in rendered.messages.items():
                if change is not None and change.names:
                    # A name was hidden or forgotten: the messages before this one may carry it. Pages
                    # older than this one get a snapshot instead of a replay.
                    self.history[view].clear()
                if resync:
                    # After a gap nobody can replay across it: pages older than this get a snapshot.
                    self.history[view].clear()
                    self.snapshots[view] = (rendered.version, message)
                else:
                    self.history[view].append((previous, rendered.version, message))
                clients = self.clients.get(view, ())
                metrics.LIVE_DELIVERIES.inc(len(clients))
                frame = text_frame(message) if clients else None
                for client in clients:
                    client.offer(message, frame)
        if self.pending is not None or self.resync:
            self._schedule_flush()

    async def _check_facilitators(self) -> None:
        """A key was replaced or a member left the team (or a gap hides whether one did): pages opened with a
        session that is no longer good are closed before anything more is sent to them."""
        opened_as = [c for clients in self.clients.values() for c in clients if c.facilitator is not None]
        if not opened_as:
            return
        try:
            keys = await asyncio.to_thread(self.hub.renderer.facilitator_keys, self.event_id)
        except Exception:
            log.warning("could not read the facilitation team of event %d", self.event_id, exc_info=True)
            return
        if keys is None:
            return
        for client in opened_as:
            assert client.facilitator is not None
            member_id, key_hash = client.facilitator
            if keys.get(member_id) != key_hash:
                client.refuse()
                self.leave(client)

    async def join(self, client: Client, since: int | None) -> None:
        """Queue what the client missed since `since` (or a snapshot), then follow the live messages."""
        async with self.render_lock:
            for message in await self._catch_up(client.view, since):
                client.offer(message)
            self.clients[client.view].add(client)
            self.idle_since = None

    def leave(self, client: Client) -> None:
        client.close()
        clients = self.clients.get(client.view)
        if clients is not None:
            clients.discard(client)
        if self.client_count == 0:
            self.idle_since = time.monotonic()

    async def _catch_up(self, view: str, since: int | None) -> list[str]:
        if since is not None and since == self.label:
            return []
        if since is not None and since < self.label:
            kept = list(self.history[view])
            missed = [entry for entry in kept if entry[1] > since]
            if missed and missed[0][0] <= since:
                return [message for _, _, message in missed]
        if since is not None and since > self.label:
            # The page was rendered after the last message: a change is on its way to us, or the
            # number is made up. The database tells which.
            version = await asyncio.to_thread(self.hub.renderer.current_version, self.event_id)
            if since <= version:
                return []
        return [await self._snapshot(view)]

    async def _snapshot(self, view: str) -> str:
        # The feed hears every change of its event, so with nothing pending its label is the current
        # version: after a server restart, 2,000 pages asking at once share one render and no query.
        label = max(self.label, self.seen)
        cached = self.snapshots.get(view)
        if cached is not None and cached[0] == label and self.pending is None and not self.resync:
            return cached[1]
        rendered = await asyncio.to_thread(
            self.hub.renderer.render, event_id=self.event_id, change=None, views=frozenset({view}), version=label
        )
        message = rendered.messages[view]
        self.snapshots[view] = (label, message)
        return message


class Hub:
    """Every event feed of this worker, and the ordered publishing of the writer's changes."""

    def __init__(self, *, broadcaster: Broadcaster, renderer: Renderer, channel_prefix: str = "hallway") -> None:
        self.broadcaster = broadcaster
        self.renderer = renderer
        self.channel_prefix = channel_prefix
        self.feeds: dict[int, EventFeed] = {}
        self.event_ids: dict[str, tuple[int, float]] = {}  # slug → (id, when read), for the websocket route
        self._feed_starting: dict[int, asyncio.Future[EventFeed]] = {}
        self._outbox: asyncio.Queue[tuple[int, BoardChange] | None] = asyncio.Queue()
        self._publisher: asyncio.Task[None] | None = None
        self._reaper: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.broadcaster.start()
        self._outbox = asyncio.Queue()
        self._publisher = asyncio.create_task(self._publish_in_order(), name="hallway-publisher")
        self._reaper = asyncio.create_task(self._reap_idle_feeds(), name="hallway-feed-reaper")

    async def stop(self) -> None:
        if self._publisher is not None:
            self._outbox.put_nowait(None)
            try:
                await asyncio.wait_for(self._publisher, timeout=5)
            except (TimeoutError, Exception):
                self._publisher.cancel()
        if self._reaper is not None:
            self._reaper.cancel()
        for feed in list(self.feeds.values()):
            await feed.stop()
        self.feeds.clear()
        for task in list(self._tasks):
            task.cancel()
        await self.broadcaster.stop()

    def channel_of(self, event_id: int) -> str:
        return f"{self.channel_prefix}:board:{event_id}"

    def track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def announce(self, version: int, change: BoardChange) -> None:
        """The writer committed `change` as board `version`: tell every worker (in commit order)."""
        self._outbox.put_nowait((version, change))

    async def _publish_in_order(self) -> None:
        # One task, one message at a time: the order of commits is the order on the channel.
        while True:
            item = await self._outbox.get()
            if item is None:
                return
            version, change = item
            message = json.dumps({"version": version, "change": change.to_json()}, separators=(",", ":"))
            try:
                await self.broadcaster.publish(self.channel_of(change.event_id), message)
            except Exception:
                # Lost: the pages notice the gap at the next version or at the feed's consistency check.
                log.warning("could not publish board version %d of event %d", version, change.event_id, exc_info=True)

    async def feed(self, event_id: int) -> EventFeed:
        feed = self.feeds.get(event_id)
        if feed is not None:
            return feed
        starting = self._feed_starting.get(event_id)
        if starting is not None:
            return await starting
        future: asyncio.Future[EventFeed] = asyncio.get_running_loop().create_future()
        self._feed_starting[event_id] = future
        try:
            feed = EventFeed(self, event_id)
            await feed.start()
            self.feeds[event_id] = feed
            future.set_result(feed)
            return feed
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: the waiters re-raise it themselves
            raise
        finally:
            del self._feed_starting[event_id]

    async def connect(
        self, *, event_id: int, view: str, since: int | None, facilitator: tuple[int, str] | None = None
    ) -> tuple[EventFeed, Client]:
        feed = await self.feed(event_id)
        client = Client(view, facilitator)
        await feed.join(client, since)
        return feed, client

    async def _reap_idle_feeds(self) -> None:
        while True:
            await asyncio.sleep(IDLE_FEED_SECONDS / 4)
            now = time.monotonic()
            for event_id, feed in list(self.feeds.items()):
                if feed.client_count == 0 and feed.idle_since is not None and now - feed.idle_since > IDLE_FEED_SECONDS:
                    del self.feeds[event_id]
                    await feed.stop()
