"""Dot votes: the hottest path of a live event (thousands of phones at once when voting opens).

These two endpoints are plain Starlette routes placed before every other route, not FastAPI path
operations: measured in-process, FastAPI's routing, parameter solving and response handling took
about 100 µs of a vote's 285 µs, and the vote storm's target (3,000 votes/s on 2 cores) needs that
time back (docs/architecture.md). They stay as thin as the others: authenticate, call the service
through the writer, answer. Errors still go through app/errors.py, and `document()` adds both
operations to the OpenAPI document by hand.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Protocol

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.deps import get_api_voter, rate_limits
from app.i18n import _
from app.models._base import MAX_ROW_ID
from app.models.vote import VotePublic
from app.routes.api.answers import RETRY_AFTER, SAID, Problem
from app.services import votes
from app.services.changes import Written
from app.services.errors import InvalidInput

VOTE_PATH = "/api/events/{slug}/topics/{topic_id}/vote"


async def put_vote(request: Request) -> Response:
    """Put a dot on the topic. Idempotent: a second call changes nothing."""
    return await _vote(request, votes.cast_vote)


async def delete_vote(request: Request) -> Response:
    """Take the dot back. Idempotent."""
    return await _vote(request, votes.retract_vote)


async def _vote(request: Request, change: VoteChange) -> Response:
    slug, topic_id = _path(request)
    voter = await get_api_voter(request, slug)
    await rate_limits(request).hit("votes", f"attendee:{voter.attendee_id}")
    result = await request.app.state.writer.run(
        lambda s: change(session=s, attendee_id=voter.attendee_id, topic_id=topic_id),
        savepoint=False,  # both vote services raise before they write
    )
    return _json(asdict(result))


class VoteChange(Protocol):
    def __call__(self, *, session: Session, attendee_id: int, topic_id: int) -> Written[votes.VoteResult]: ...


routes = [
    Route(VOTE_PATH, put_vote, methods=["PUT"], name="vote"),
    Route(VOTE_PATH, delete_vote, methods=["DELETE"], name="unvote"),
]


def _path(request: Request) -> tuple[str, int]:
    topic_id = request.path_params["topic_id"]
    if not topic_id.isdigit() or not 1 <= int(topic_id) <= MAX_ROW_ID:
        raise InvalidInput(_("topic_id: must be a whole number from 1 to {most}", most=MAX_ROW_ID), field="topic_id")
    return request.path_params["slug"], int(topic_id)


def _json(body: dict[str, Any]) -> Response:
    return Response(json.dumps(body, separators=(",", ":")).encode(), media_type="application/json")


def document(schema: dict[str, Any]) -> None:
    """Add the two vote operations to the app's OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["VotePublic"] = VotePublic.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    schemas = schema["components"]["schemas"]
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    parameters = [
        {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
        {
            "name": "topic_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
        },
    ]
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    said = {
        **SAID,
        403: "Voting is closed",
        404: "No such event, or no such topic in it",
        409: "All dots spent (PUT), or the topic was withdrawn, hidden or merged",
        422: f"topic_id is not a whole number from 1 to {MAX_ROW_ID}",
    }
    answers: dict[str, Any] = {
        "200": {
            "description": "The topic's vote count and the attendee's dots left after the change",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VotePublic"}}},
        },
    }
    for status in (401, 403, 404, 409, 422, 429, 503):
        answers[str(status)] = {"description": said[status], "content": problem}
        if status in (429, 503):
            answers[str(status)]["headers"] = RETRY_AFTER
    common = {"tags": ["topics"], "parameters": parameters, "responses": answers, "security": [{"bearer": []}]}
    schema.setdefault("paths", {})[VOTE_PATH] = {
        "put": {"summary": "Vote", "description": put_vote.__doc__, "operationId": "vote", **common},
        "delete": {"summary": "Unvote", "description": delete_vote.__doc__, "operationId": "unvote", **common},
    }
    schema["components"].setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
