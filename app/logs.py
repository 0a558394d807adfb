"""Logs a collector can read: one JSON object a line, each naming the request it was written for.

`HALLWAY_LOG_FORMAT=json` switches `hallway serve` to it (app/cli.py builds uvicorn's logging config). The
request's id comes from its `X-Request-ID` header when the reverse proxy sends a sensible one, so the proxy's
log line and ours share it; otherwise a new one is made (app/observability.py). It is kept in a context
variable, which asyncio copies into the request's tasks and threads, so every line logged while answering
carries it.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str | None] = ContextVar("hallway_request_id", default=None)

# What we take from a client or proxy as a request id: a uuid, a hex or base64 token, at most 128 characters.
# Anything else (spaces, quotes, a novel) is replaced, so that it can't forge or garble a log line.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")

# uvicorn's access log line: its arguments, by name.
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class WithRequestId(logging.Filter):
    """Stamps each record with the id of the request being answered (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, and the exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(ACCESS_FIELDS, record.args, strict=True))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
