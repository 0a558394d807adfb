"""The OpenAPI document is true: schemathesis calls every documented operation of the running app, as the
facilitator and as an attendee, and fails on any 5xx, an undocumented status code, a body, header or
content type that breaks the document, or a 405 without the right `Allow`.

The run is bounded and seeded (the same cases every time) and works on a database holding an event with
rooms, slots, placed topics, votes and notes; path parameters are mapped onto those rows, so that the
operations get past "not found" and reach their rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode, HookContext, Response
from schemathesis.core.failures import Failure
from schemathesis.errors import FailureGroup
from schemathesis.python.asgi import shutdown_lifespans
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.models import SlotKind
from app.models._base import MAX_ROW_ID
from tests.factories import AttendeeWithToken, EventWithKey, Factory

SEED = 20261124
EXAMPLES_PER_OPERATION = 10
# Generous enough that a seeded run never meets a limit: the limits have tests of their own
# (tests/routes/test_rate_limits.py), and here a 429 would hide the operation's other answers.
NO_LIMIT = "100000/minute"


@dataclass(frozen=True)
class World:
    """The rows a generated request may name."""

    event: EventWithKey
    attendee: AttendeeWithToken
    ids: dict[str, list[int]]  # path parameter name → existing ids


def build_world(factory: Factory) -> World:
    event = factory.event(slug="conformance", self_placement=True)
    ada = factory.attendee(event, name="Ada")
    grace = factory.attendee(event, name="Grace")
    rooms = [factory.room(event, name="Main hall", capacity=40), factory.room(event, name="Garden", capacity=12)]
    slots = [
        factory.slot(event, starts="10:00", ends="11:00"),
        factory.slot(event, starts="11:00", ends="11:30", kind=SlotKind.break_),
        factory.slot(event, starts="11:30", ends="12:30"),
    ]
    topics = [
        factory.topic(event, ada, title="Remote work"),
        factory.topic(event, grace, title="Community gardens"),
        factory.topic(event, None, title="Open data"),
        factory.topic(event, ada, title="Bikes in winter"),
    ]
    factory.vote(ada, topics[1])
    factory.vote(grace, topics[0])
    factory.place(event, topics[0], rooms[0], slots[0])
    factory.place(event, topics[1], rooms[1], slots[0])
    factory.place(event, topics[2], rooms[0], slots[2])
    factory.attend(ada, slots[0], topics[1])
    factory.notes(event, topics[0], body="# Remote work\n\n- async first")
    factory.notes(event, topics[0], body="# Remote work\n\n- async first\n- fewer meetings")
    return World(
        event=event,
        attendee=ada,
        ids={
            "topic_id": [t.id for t in topics],  # type: ignore[misc]
            "room_id": [r.id for r in rooms],  # type: ignore[misc]
            "slot_id": [s.id for s in slots],  # type: ignore[misc]
            "version": [1, 2],
        },
    )


@pytest.fixture
def world(factory: Factory) -> World:
    return build_world(factory)


@pytest.fixture
def api_schema(settings: Settings, world: World) -> Iterator[BaseSchema]:
    """The document as the app serves it, loaded through the running app (its lifespan started)."""
    unlimited = settings.model_copy(
        update={name: NO_LIMIT for name in Settings.model_fields if name.startswith("limit_")}
    )
    # Every check schemathesis has but one: "positive data acceptance" wants each schema-valid request taken,
    # while some rules are the domain's, not the document's (a slot ends after it starts, a time zone is one
    # that exists, a name is not blank once cleaned): those answer a documented 422 with a sentence.
    config = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {"enabled": False}}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(unlimited), config=config)

    @schema.hook("map_path_parameters")
    def onto_rows(context: HookContext, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
        """Name the event's own rows: a generated id is folded onto an existing one, while a malformed value
        (a negative case: text, zero, too large) is left as generated, to meet the validation."""
        if not path_parameters:
            return path_parameters
        mapped = dict(path_parameters)
        if "slug" in mapped:
            mapped["slug"] = world.event.slug
        for name, ids in world.ids.items():
            value = mapped.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID:
                mapped[name] = ids[value % len(ids)]
        return mapped

    keys = iter(range(1, 1_000_000))

    @schema.hook("map_headers")
    def a_key_a_proposal(context: HookContext, headers: dict[str, Any] | None) -> dict[str, Any] | None:
        """An Idempotency-Key names one proposal: sent again, it answers the topic the first one made, whatever
        the body (tests/routes/api/test_topics_api.py). Generated keys collide; each case gets its own."""
        if not headers:
            return headers
        return {
            name: f"conformance-{next(keys)}" if name.lower() == "idempotency-key" else value
            for name, value in headers.items()
        }

    @schema.hook("filter_failure")
    def not_text_cleaned_shorter(context: HookContext, failure: Failure, case: Case, response: Response) -> bool:
        """The services measure a text once cleaned (control and invisible characters dropped, spaces folded:
        app/services/text.py), so a raw value over the documented maxLength can fold within it and be taken.
        The document gives the limit a person meets; cleaning only ever takes more, never refuses less."""
        return not (failure.code == "ST201" and "violates `maxLength`" in failure.message)

    yield schema
    # from_asgi started the app's lifespan (its writer, its database): end it with this test, not at exit.
    shutdown_lifespans()


def run_operation(operation: APIOperation, mode: GenerationMode, headers: dict[str, str]) -> dict[str, str]:
    """A bounded, seeded run of one operation: each kind of failure found, with its first report (and curl)."""
    failures: dict[str, str] = {}

    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        database=None,  # no replay of an earlier run's failures: the same cases every time
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # failures are reported, not shrunk
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def call(case: Case) -> None:
        try:
            case.call_and_validate(headers=headers)
        except FailureGroup as found:  # every case runs: one run names every kind of failure
            for failure in found.exceptions:
                failures.setdefault(failure.title, found.message)

    try:
        call()
    except hypothesis.errors.Unsatisfiable:
        # Negative cases need a value that can be wrong: an operation whose only input is a string
        # (GET /api/events/{slug}) has none, and that is the one way this run generates nothing.
        assert mode is GenerationMode.NEGATIVE, operation.label
    return failures


@pytest.mark.parametrize("caller", ["facilitator", "attendee"])
def test_every_operation_answers_as_documented(api_schema: BaseSchema, world: World, caller: str) -> None:
    headers = world.event.auth if caller == "facilitator" else world.attendee.auth
    operations = [result.ok() for result in api_schema.get_all_operations()]
    failures = {
        f"{mode.value} {operation.label}": found
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (found := run_operation(operation, mode, headers))
    }

    assert len(operations) >= 40  # every route of app/routes/api, the plain vote routes included
    assert not failures, "\n\n".join(
        f"{name}: {title}\n{report}" for name, found in failures.items() for title, report in found.items()
    )


def test_a_method_an_address_does_not_answer_is_405_naming_every_method_it_does(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    answers = {}
    for path, operations in document["paths"].items():
        documented = {method.upper() for method in operations}
        other = next(m for m in ("PATCH", "PUT", "DELETE", "POST", "GET") if m not in documented)
        answer = client.request(other, re.sub(r"\{[^}]+\}", "1", path))
        answers[path] = (answer.status_code, set(answer.headers.get("allow", "").split(", ")), answer.json())

    assert answers["/api/events/{slug}/topics/{topic_id}"] == (
        405,
        {"GET", "PATCH", "DELETE"},
        {"detail": "This address answers DELETE, GET, PATCH only."},
    )
    # …/topics/similar has the shape of …/topics/{topic_id} too: its other methods are that route's, which
    # refuses "similar" as a topic's id (tests/routes/api/test_similar_api.py).
    shared = "/api/events/{slug}/topics/similar"
    assert {path: answer[:2] for path, answer in answers.items() if path != shared} == {
        path: (405, {method.upper() for method in operations})
        for path, operations in document["paths"].items()
        if path != shared
    }
