"""A live message encoded once as a websocket frame, and written as those same bytes to every socket that can
take them.

A server's frames are not masked (RFC 6455, section 5.1), so without a per-connection extension (compression)
a message is the same bytes on every socket. Sending through the ASGI `send` instead encodes the text and
builds the frame again for each of the 2,000 sockets of a hall, through Starlette's and uvicorn's layers:
about a fifth of the server's CPU in a vote storm that 2,000 pages follow (py-spy during bench/fanout.py).

Only uvicorn's websockets-sansio protocol (`hallway serve` runs it) is written to directly, and only while
its connection is open, not compressed and its transport not paused for a slow reader. Otherwise
`frame_writer` answers None, or the writer False, and the message goes through `send` as before: nothing
is ever written twice or out of order (app/realtime/hub.py's `Client.offer` decides which).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from websockets.frames import Frame, Opcode
from websockets.protocol import State

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # pragma: no cover - an older uvicorn, or another server runs the app: ASGI send it is
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

# What `write` below reads of uvicorn's protocol: not its public API, so checked before it is relied on.
_PROTOCOL_STATE = ("conn", "transport", "writable", "close_sent", "disconnected")
_changed_protocol_told = False

# Where the outermost middleware (app/observability.py) leaves the server's own `send` for a websocket: the
# route's `send` is wrapped by Starlette's layers, and only the server's leads to its socket.
SERVER_SEND = "hallway.server_send"

FrameWriter = Callable[[bytes], bool]


def text_frame(message: str) -> bytes:
    """The whole frame of a text message, as a server sends it: final, unmasked, no extension."""
    return Frame(Opcode.TEXT, message.encode()).serialize(mask=False)


def frame_writer(send: Any) -> FrameWriter | None:
    """A function that writes a whole frame to this socket and says whether it did, when `send` is uvicorn's
    websockets-sansio protocol with no extension negotiated; None for any other server or socket."""
    global _changed_protocol_told
    protocol = getattr(send, "__self__", None)
    if WebSocketsSansIOProtocol is None or not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    if not all(hasattr(protocol, name) for name in _PROTOCOL_STATE):
        if not _changed_protocol_told:  # once, not for each of a hall's sockets
            _changed_protocol_told = True
            log.warning("uvicorn's websocket protocol has changed: live messages go through ASGI send")
        return None
    conn, transport, writable = protocol.conn, protocol.transport, protocol.writable
    if conn.extensions:  # compressed: each socket's bytes are its own
        return None

    def write(frame: bytes) -> bool:
        # What uvicorn's own send checks before writing, and its wait for a paused transport: a slow reader's
        # message is left to its sender task, which waits properly.
        if (
            protocol.close_sent
            or protocol.disconnected
            or conn.state is not State.OPEN
            or not writable.is_set()
            or transport.is_closing()
        ):
            return False
        transport.write(frame)
        return True

    return write
