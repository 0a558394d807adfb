"""The answers an API operation gives besides its success, for the OpenAPI document: each status it really
answers, with the body app/errors.py sends for every one of them (`{"detail": "<a sentence>"}`).

Declared with `responses=answers(…)` on each route (422 and 503 once, on the API's router), so that the
document lists what a script must handle; tests/routes/api/test_openapi_conformance.py fails on a status
an operation answers without declaring it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "string"}},
}

SAID: dict[int, str] = {
    400: "The body could not be read: send JSON, encoded as UTF-8.",
    401: "No valid bearer token for this event: join first, or send the facilitator key.",
    403: "Known, but not allowed: not the facilitator, not the convener, or that phase is closed.",
    404: "No such event, or nothing with that id in this event.",
    409: "It clashes with the current state: a taken cell, a spent budget, a stale version, a race.",
    413: "The request body is larger than the server takes.",
    422: "The input breaks a rule; the sentence says which field and why.",
    429: "Too many of these lately from this attendee or network; Retry-After says when to try again.",
    503: "The database or the live-updates service is unreachable, or the server is restarting: retry soon.",
}


class Problem(BaseModel):
    """Every error of the API: one sentence a person can act on (some 409s add fields, named where they do)."""

    detail: str = Field(description="What went wrong and what to do about it, in words.")


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of these error statuses."""
    declared: dict[int | str, dict[str, Any]] = {}
    for status in sorted(statuses):
        declared[status] = {"model": Problem, "description": SAID[status]}
        if status in (429, 503):
            declared[status]["headers"] = RETRY_AFTER
    return declared
