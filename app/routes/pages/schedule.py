"""The facilitator's auto-schedule page: propose a wall, look at what it changes, put it up.

The work is shared with the JSON API (app/routes/common.py): plan on the threadpool, solve in the runner's
worker process, describe; applying goes through the writer as one change every board hears of. A plain
post is answered with the whole page (or, once applied, a redirect to the wall); an htmx post with the
proposal's partial, and a refusal in place: the form's for proposing, the Apply button's for applying.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app.csrf import CsrfChecked
from app.deps import EventDep, PageFacilitator, SessionDep
from app.errors import status_for
from app.i18n import _, translated
from app.models import Event, id_of
from app.models._base import MAX_ROW_ID
from app.routes.common import runner_of, work_out
from app.routes.pages.rendering import Part, fragments, see_other, swapped, wants_fragment
from app.routes.pages.visit import VisitDep
from app.scheduling import Cell, Weights
from app.services import scheduling
from app.services.errors import DomainError, InvalidInput
from app.templating import templates

router = APIRouter()

PAGE = "pages/schedule.html"
FORM = "partials/schedule_form.html"
NOW = "partials/schedule_now.html"
PROPOSAL = "partials/schedule_proposal.html"
APPLY_ERROR = "partials/schedule_apply_error.html"
NO_STORE = {"Cache-Control": "no-store"}  # the page carries the CSRF token

MAX_WEIGHT = 1_000_000  # as the API allows
MAX_PLACEMENTS = 1000
UNREADABLE = _("This proposal could not be read: propose again.")
FormField = Annotated[str | None, Form()]


@dataclass(frozen=True)
class WeightField:
    """One weight of app.scheduling.Weights as the form asks for it."""

    name: str  # the form field, and the attribute of Weights
    label: str


WEIGHT_FIELDS = (
    WeightField("left_off_vote", _("Each dot left off the wall costs")),
    WeightField("torn", _("Each torn attendee costs")),
    WeightField("seat_short", _("Each seat short costs")),
    WeightField("move", _("Each session moved costs")),
    WeightField("theme_clash", _("Each theme clash costs")),
)
DEFAULT_VALUES = {
    "time_limit": f"{scheduling.DEFAULT_TIME_LIMIT:g}",
    **{field.name: str(value) for field, value in zip(WEIGHT_FIELDS, Weights().as_dict().values(), strict=True)},
}


@dataclass(frozen=True)
class Ask:
    """What the form asks for: how long to search, and what each figure costs."""

    time_limit: float
    weights: Weights


@router.get("/e/{slug}/schedule", response_class=HTMLResponse)
def schedule_page(request: Request, event: EventDep, _facilitator: PageFacilitator, session: SessionDep) -> Response:
    """The wall's figures as it stands, and the form that asks for a proposal."""
    runner_of(request).warm_up()
    planning = scheduling.plan(session=session, event_id=id_of(event))
    return _page(request, event, planning)


class ProposeForm(BaseModel):
    """The time limit and the five weights as typed; checked in the form's order by `_ask`."""

    time_limit: str | None = None
    left_off_vote: str | None = None
    torn: str | None = None
    seat_short: str | None = None
    move: str | None = None
    theme_clash: str | None = None


@router.post("/e/{slug}/schedule/propose", dependencies=[CsrfChecked])
async def propose(visit: VisitDep, _facilitator: PageFacilitator, form: Annotated[ProposeForm, Form()]) -> Response:
    """Work out a wall (nothing is written): its figures against today's, its grid, its moves and what is left off."""
    request, event, session = visit.request, visit.event, visit.session
    values = {name: (value or "").strip() for name, value in form.model_dump().items()}
    event_id = id_of(event)
    try:
        ask = _ask(values)
        planning, result = await work_out(request, session, event_id, time_limit=ask.time_limit, weights=ask.weights)
    except DomainError as refused:
        if wants_fragment(request):
            ctx = {"event": event, "values": values, "error": refused}
            return _fragments(request, [(FORM, ctx)], status_for(refused), retarget="#schedule-form")
        planning = await run_in_threadpool(lambda: scheduling.plan(session=session, event_id=event_id))
        return _page(request, event, planning, values=values, error=refused, status=status_for(refused))
    proposal = scheduling.describe(planning, result)
    if wants_fragment(request):
        ctx = {"event": event, "values": values, "error": None, **_proposal_context(proposal)}
        # The form comes along out of band: a message from an earlier refusal goes.
        return _fragments(request, swapped(PROPOSAL, FORM, context=ctx), 200)
    return _page(request, event, planning, values=values, proposal=proposal)


@router.post("/e/{slug}/schedule/apply", dependencies=[CsrfChecked])
async def apply(
    visit: VisitDep, _facilitator: PageFacilitator, placements: FormField = None, based_on: FormField = None
) -> Response:
    """Put a proposal up, in one change every board shows; refused if the wall changed since it was proposed."""
    request, event, session, writer = visit.request, visit.event, visit.session, visit.writer
    event_id = id_of(event)
    try:
        wall = read_placements(placements)
        was = read_placements(based_on, field="based_on")
        await writer.run(
            lambda s: scheduling.apply_schedule(
                session=s, event_id=event_id, placements=wall, based_on=was, actor=visit.visitor.as_facilitator
            )
        )
    except DomainError as refused:
        if wants_fragment(request):
            # Said beside the Apply button; the proposal stays on the page to compare with.
            said = {"apply_error": refused}
            return _fragments(request, [(APPLY_ERROR, said)], status_for(refused), retarget="#schedule-apply-error")
        planning = await run_in_threadpool(lambda: scheduling.plan(session=session, event_id=event_id))
        return _page(request, event, planning, error=refused, status=status_for(refused))
    if not wants_fragment(request):
        return see_other(f"/e/{event.slug}/wall")
    planning = await run_in_threadpool(lambda: scheduling.plan(session=session, event_id=event_id))
    ctx = {"event": event, "applied": True, **_now_context(planning)}
    return _fragments(request, swapped(PROPOSAL, NOW, context=ctx), 200)


# --- Reading what the browser sent ---------------------------------------------------------------


def _ask(values: dict[str, str]) -> Ask:
    time_limit = _seconds(values["time_limit"])  # checked in the form's order: the first refusal is said
    weights = {field.name: _weight(values[field.name], field) for field in WEIGHT_FIELDS}
    return Ask(time_limit=time_limit, weights=Weights(**weights))


def _seconds(text: str) -> float:
    low, high = scheduling.MIN_TIME_LIMIT, scheduling.MAX_TIME_LIMIT
    message = _(
        "The time limit must be a number of seconds from {low} to {high}.", low=format(low, "g"), high=format(high, "g")
    )
    try:
        seconds = float(text.replace(",", "."))  # "2,5" as some keyboards type it
    except ValueError:
        raise InvalidInput(message, field="time_limit") from None
    if not math.isfinite(seconds) or not low <= seconds <= high:
        raise InvalidInput(message, field="time_limit")
    return seconds


def _weight(text: str, field: WeightField) -> int:
    # The label as this reader reads it: a Text's values are put in as they are, not looked up again.
    message = _(
        "“{label}” must be a whole number from 0 to {most}.",
        label=translated(field.label),
        most=format(MAX_WEIGHT, ","),
    )
    # The length first: int() refuses strings of thousands of digits with an error of its own.
    if not text.isascii() or not text.isdigit() or len(text) > 7 or int(text) > MAX_WEIGHT:
        raise InvalidInput(message, field=field.name)
    return int(text)


def read_placements(text: str | None, field: str = "placements") -> dict[int, Cell]:
    """A wall as the Apply form carried it (the proposed one, or the one it was based on): untrusted, so read strictly.

    A JSON list of at most MAX_PLACEMENTS objects, each with whole-number topic_id, room_id and slot_id
    and each topic once. Whether the ids belong to this event and fit its wall is apply_schedule's to check.
    """
    try:
        items = json.loads(text or "")
    except (ValueError, RecursionError):
        raise InvalidInput(UNREADABLE, field=field) from None
    if not isinstance(items, list) or len(items) > MAX_PLACEMENTS:
        raise InvalidInput(UNREADABLE, field=field)
    wall: dict[int, Cell] = {}
    for item in items:
        if not isinstance(item, dict) or set(item) != {"topic_id", "room_id", "slot_id"}:
            raise InvalidInput(UNREADABLE, field=field)
        topic_id, room_id, slot_id = (item[key] for key in ("topic_id", "room_id", "slot_id"))
        if not all(_is_row_id(value) for value in (topic_id, room_id, slot_id)) or topic_id in wall:
            raise InvalidInput(UNREADABLE, field=field)
        wall[topic_id] = Cell(room_id=room_id, slot_id=slot_id)
    return wall


def _is_row_id(value: object) -> bool:
    # bool is an int in Python, and JSON's true must not pass for topic 1.
    return type(value) is int and 1 <= value <= MAX_ROW_ID


# --- Answering ------------------------------------------------------------------------------------


def wall_json(wall: Mapping[int, Cell]) -> str:
    """A wall as the Apply form carries it back (read again by `read_placements`)."""
    return json.dumps(
        [
            {"topic_id": topic_id, "room_id": cell.room_id, "slot_id": cell.slot_id}
            for topic_id, cell in sorted(wall.items())
        ],
        separators=(",", ":"),
    )


def _now_context(planning: scheduling.Planning) -> dict[str, Any]:
    return {
        "now": scheduling.figures_of_current_wall(planning),
        "notice": planning.notice,
        "themed": bool(planning.theme_names),  # no themes: no theme figure to show
    }


def _proposal_context(proposal: scheduling.Proposal) -> dict[str, Any]:
    used = proposal.planning.problem.weights.as_dict()
    return {
        "proposal": proposal,
        "rooms": proposal.planning.problem.rooms,
        "placements_json": wall_json(proposal.schedule.placements),
        "based_on_json": wall_json(proposal.planning.wall),
        "weights_used": [(field.label, used[field.name]) for field in WEIGHT_FIELDS],
    }


def _page(
    request: Request,
    event: Event,
    planning: scheduling.Planning,
    *,
    values: dict[str, str] | None = None,
    error: DomainError | None = None,
    proposal: scheduling.Proposal | None = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "event": event,
        "values": values or DEFAULT_VALUES,
        "error": error,
        "proposal": None,
        "applied": False,
        **_now_context(planning),
    }
    if proposal is not None:
        context.update(_proposal_context(proposal))
    context.update(_form_context())
    return templates.TemplateResponse(request, PAGE, context, status_code=status, headers=NO_STORE)


def _form_context() -> dict[str, Any]:
    return {
        "weight_fields": WEIGHT_FIELDS,
        "min_time_limit": f"{scheduling.MIN_TIME_LIMIT:g}",
        "max_time_limit": f"{scheduling.MAX_TIME_LIMIT:g}",
        "max_weight": MAX_WEIGHT,
    }


def _fragments(request: Request, parts: Sequence[Part], status: int, *, retarget: str | None = None) -> HTMLResponse:
    """The page's partials in one htmx answer, each with what every part of this page reads."""
    base: dict[str, Any] = {"oob": False, "proposal": None, "applied": False, **_form_context()}
    return fragments(
        request,
        [(name, {**base, **ctx}) for name, ctx in parts],
        status_code=status,
        headers=NO_STORE,
        retarget=retarget,
    )
