"""The topic's "When and where" page: its convener or the facilitator tells the auto-scheduler what the topic needs.

A plain post is answered with a redirect back to the page ("Saved" shown once), or the page with the message
next to the field; an htmx post with the form's partial only. The rules live in app/services/topic_constraints.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from app import i18n
from app.csrf import CsrfChecked
from app.deps import EventDep, RowId, SessionDep, VisitorDep
from app.errors import status_for
from app.i18n import _, _n, translated
from app.models import Event, SlotKind, Topic, id_of
from app.models._base import MAX_ROW_ID
from app.routes.pages.rendering import flash, pop_flash, render, see_other, wants_fragment
from app.routes.pages.visit import VisitDep
from app.services import lookups, topic_constraints, topics, wall_setup
from app.services.actors import Actor
from app.services.errors import DomainError, InvalidInput
from app.services.topic_constraints import TopicConstraints

router = APIRouter()

SAVED = _("Saved.")
FormText = Annotated[str | None, Form()]


@dataclass(frozen=True)
class TimeChoice:
    """One option of the "Not before" or "Not after" select: a slot's start or end."""

    value: str  # the ISO wall-clock time the form sends
    label: str  # "11:00 · Morning 2"


@dataclass(frozen=True)
class FormValues:
    """What the form shows: the saved constraints, or what was sent when it was refused."""

    not_before: str = ""
    not_after: str = ""
    min_room_capacity: str = ""
    apart_from: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, constraints: TopicConstraints) -> FormValues:
        return cls(
            not_before=constraints.not_before.isoformat() if constraints.not_before else "",
            not_after=constraints.not_after.isoformat() if constraints.not_after else "",
            min_room_capacity=str(constraints.min_room_capacity or ""),
            apart_from=frozenset(constraints.apart_from),
        )


@dataclass(frozen=True)
class FormError:
    message: str
    field: str | None  # the form field it is about; None: said above the form


@router.get("/e/{slug}/topics/{topic_id}/constraints", response_class=HTMLResponse)
def constraints_page(
    request: Request, topic_id: RowId, event: EventDep, visitor: VisitorDep, session: SessionDep
) -> Response:
    topic = _topic_for(session, event, visitor, topic_id)
    message = pop_flash(request)
    ctx = _context(session, event, topic, visitor, message=message)
    return render(request, "pages/topic_constraints.html", ctx)


class ConstraintsForm(BaseModel):
    """What the form sends; an empty field or no ticked box is None."""

    not_before: str | None = None
    not_after: str | None = None
    min_room_capacity: str | None = None
    apart_from: list[str] | None = None


@router.post("/e/{slug}/topics/{topic_id}/constraints", dependencies=[CsrfChecked])
async def save_constraints(topic_id: RowId, visit: VisitDep, form: Annotated[ConstraintsForm, Form()]) -> Response:
    """Replace the topic's constraints with what the form sent (an unticked box, an empty field: none)."""
    request, event, actor, session, writer = visit.request, visit.event, visit.visitor, visit.session, visit.writer
    topic = _topic_for(session, event, actor, topic_id)
    event_id, apart_from = id_of(event), form.apart_from
    sent = FormValues(
        not_before=form.not_before or "",
        not_after=form.not_after or "",
        min_room_capacity=(form.min_room_capacity or "").strip(),
        apart_from=frozenset(int(v) for v in apart_from or () if _is_id(v)),
    )
    try:
        before = _time(sent.not_before, field="not_before", refusal=_("Choose “Not before” from the list."))
        after = _time(sent.not_after, field="not_after", refusal=_("Choose “Not after” from the list."))
        seats = _seats(sent.min_room_capacity)
        partners = _ids(apart_from or [])
        await writer.run(
            lambda s: topic_constraints.set_constraints(
                session=s,
                event_id=event_id,
                actor=actor,
                topic_id=topic_id,
                not_before=before,
                not_after=after,
                min_room_capacity=seats,
                apart_from=partners,
            )
        )  # only the auto-scheduler reads constraints: no board change
    except DomainError as refused:
        error = FormError(message=refused.message, field=getattr(refused, "field", None))
        ctx = _context(session, event, topic, actor, values=sent, error=error)
        template = "partials/topic_constraints_form.html" if wants_fragment(request) else "pages/topic_constraints.html"
        return render(request, template, ctx, status_code=status_for(refused))
    if not wants_fragment(request):
        flash(request, translated(SAVED))  # kept in the session until the next page: said in words now
        return see_other(_url(event, topic_id))
    return render(
        request, "partials/topic_constraints_form.html", _context(session, event, topic, actor, message=SAVED)
    )


def _topic_for(session: Session, event: Event, visitor: Actor, topic_id: int) -> Topic:
    """The topic, when this visitor may see and change its constraints (the refusal page otherwise)."""
    topic = lookups.get_active_topic(session=session, event_id=id_of(event), topic_id=topic_id)
    topic_constraints.check_may_constrain(session=session, actor=visitor, topic=topic)
    return topic


def _context(
    session: Session,
    event: Event,
    topic: Topic,
    visitor: Actor,
    *,
    values: FormValues | None = None,
    error: FormError | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    event_id, topic_id = id_of(event), id_of(topic)
    saved = topic_constraints.get_constraints(session=session, event_id=event_id, topic_id=topic_id)
    slots = [s for s in wall_setup.list_slots(session=session, event_id=event_id) if s.kind == SlotKind.sessions]
    several_days = len({s.starts_at.date() for s in slots}) > 1
    rooms = wall_setup.list_rooms(session=session, event_id=event_id)
    others = sorted(
        (v.topic for v in topics.list_topics(session=session, event_id=event_id) if v.topic.id != topic_id),
        key=lambda t: t.title.casefold(),
    )
    starts = [_choice(s.starts_at, s.label, several_days) for s in slots]
    ends = [_choice(s.ends_at, s.label, several_days) for s in slots]
    return {
        "event": event,
        "topic": topic,
        "is_facilitator": visitor.is_facilitator,
        "url": _url(event, topic_id),
        "starts": _with_saved(starts, saved.not_before, several_days),
        "ends": _with_saved(ends, saved.not_after, several_days),
        "biggest_room": max((r.capacity for r in rooms), default=None),
        "others": others,
        "values": values or FormValues.of(saved),
        "summary": _summary(saved, {id_of(t): t.title for t in others}, several_days),
        "error": error,
        "message": message,
    }


def _url(event: Event, topic_id: int) -> str:
    return f"/e/{event.slug}/topics/{topic_id}/constraints"


def _clock(moment: datetime, several_days: bool) -> str:
    """A slot's time as the reader writes it, with its day when the event has several."""
    time = i18n.hour_minute(moment)
    return f"{i18n.day_name(moment)} {time}" if several_days else time


def _choice(moment: datetime, label: str, several_days: bool) -> TimeChoice:
    clock = _clock(moment, several_days)
    return TimeChoice(value=moment.isoformat(), label=f"{clock} · {label}" if label else clock)


def _with_saved(choices: list[TimeChoice], saved: datetime | None, several_days: bool) -> list[TimeChoice]:
    """The slots' times, and the saved time too when it is none of them (set over the API, or the slot moved):
    saving the form unchanged must not lose it."""
    if saved is None or any(c.value == saved.isoformat() for c in choices):
        return choices
    extra = TimeChoice(saved.isoformat(), translated(_("{time} (no slot)", time=_clock(saved, several_days))))
    return sorted([*choices, extra], key=lambda choice: choice.value)


def _summary(saved: TopicConstraints, titles: dict[int, str], several_days: bool) -> list[str]:
    """The saved constraints in words, one line each."""
    before = _clock(saved.not_before, several_days) if saved.not_before else None
    after = _clock(saved.not_after, several_days) if saved.not_after else None
    if before and after:
        when = _("Between {start} and {end}", start=before, end=after)
    elif before:
        when = _("Not before {time}", time=before)
    elif after:
        when = _("Not after {time}", time=after)
    else:
        when = _("Any time")
    seats = saved.min_room_capacity
    if seats:
        room = _n("A room for at least {count} person", "A room for at least {count} people", seats)
    else:
        room = _("Any room")
    lines: list[str] = [when, room]
    if saved.apart_from:
        # The titles are people's words, listed as they wrote them; a topic gone since is named by its number.
        names = ", ".join(f"“{titles.get(i) or translated(_('topic {number}', number=i))}”" for i in saved.apart_from)
        lines.append(_("Not in the same slot as {titles}", titles=names))
    return lines


# --- Reading what the form sent (the rules on the values stay in the service) ------------------------


def _time(value: str, *, field: str, refusal: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(refusal, field=field) from None


def _seats(value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(
            _("The room size is a whole number of people, not '{typed}'.", typed=value[:20]), field="min_room_capacity"
        ) from None


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ROW_ID


def _ids(values: list[str]) -> list[int]:
    if not all(_is_id(value) for value in values):
        raise InvalidInput(_("Tick topics from the list."), field="apart_from")
    return [int(value) for value in values]
