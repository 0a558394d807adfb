"""The organisers' page, /admin: every event of the deployment with its date and size; create one, copy one as a
template, delete one once it is exported.

The admin token (HALLWAY_ADMIN_TOKEN) is typed here once and kept as a pass in the session cookie, like the
facilitator's (app/deps.py: admin_pass); wrong tokens count against the address. Plain forms: each post is
answered with the page (an event just made shows its facilitator link, once) or a redirect, and a refusal is
shown beside the form that caused it. The rules live in app/services (events, event_copy, event_sizes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.csrf import CsrfChecked
from app.deps import (
    EventDep,
    PageAdmin,
    SessionDep,
    SettingsDep,
    WriterDep,
    admin_token_is,
    forget_admin,
    forget_attendee,
    forget_event,
    forget_facilitator,
    is_admin_visitor,
    remember_admin,
)
from app.errors import status_for
from app.i18n import SOURCE_LANGUAGE, _
from app.models import id_of
from app.routes.common import export_response, run_export
from app.routes.pages.rendering import flash, pop_flash, render, see_other
from app.services import event_copy, event_sizes, events
from app.services.errors import Conflict, DomainError, InvalidInput
from app.services.links import event_links

router = APIRouter()

FormField = Annotated[str | None, Form()]
PAGE = "pages/admin.html"
SIGN_IN = "pages/admin_enter.html"
# The page shows secret links once and carries the CSRF token: never kept by a cache.
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# Suggested as a time zone is typed: the IANA names of places (and UTC), not the aliases kept for old systems.
TIMEZONES = ["UTC", *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))]

NOT_SET_UP = _(
    "The organisers' page needs HALLWAY_ADMIN_TOKEN to be set on the server. Until it is, create events with "
    "`hallway create-event` there."
)
WRONG_TOKEN = _("That is not the admin token. Check it with whoever runs this Hallway (it is HALLWAY_ADMIN_TOKEN).")


@dataclass(frozen=True)
class FormError:
    """A refusal shown beside one form: "create", "copy-<slug>" or "delete-<slug>"; `field` is marked invalid."""

    form: str
    message: str
    field: str | None = None


@dataclass(frozen=True)
class Made:
    """An event just created or copied: its links, the facilitator's shown this once."""

    name: str
    slug: str
    links: dict[str, str]
    copied_from: str | None = None
    copied: event_copy.CopiedEvent | None = None


def _page(
    request: Request,
    session: Session,
    *,
    made: Made | None = None,
    error: FormError | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    listed = event_sizes.list_events(session=session)
    context: dict[str, Any] = {
        "listed": listed,
        "made": made,
        "error": error,
        "values": values or {},
        "said": pop_flash(request),
        "timezones": TIMEZONES,
        # A new event's time zone: the latest event's, as most deployments serve one place.
        "usual_timezone": listed[0].event.timezone if listed else "UTC",
        "source_language": SOURCE_LANGUAGE,
    }
    return render(request, PAGE, context, status_code=status, headers=NO_STORE)


def _signing_in(request: Request, *, error: str | None, status: int, set_up: bool = True) -> HTMLResponse:
    context = {"error": error, "set_up": set_up, "said": pop_flash(request)}
    return render(request, SIGN_IN, context, status_code=status, headers=NO_STORE)


@router.get("/admin", response_class=HTMLResponse)
def organisers_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The events of the deployment, for whoever gave the admin token; the sign-in form for anyone else."""
    if not settings.admin_token:
        return _signing_in(request, error=NOT_SET_UP, status=403, set_up=False)
    if not is_admin_visitor(request):
        return _signing_in(request, error=None, status=403)
    return _page(request, session)


@router.post("/admin/enter", dependencies=[CsrfChecked])
async def enter_with_token(request: Request, settings: SettingsDep, token: FormField = None) -> Response:
    """The admin token in a POST body (never a URL): this browser becomes an organiser's until it signs out."""
    if not settings.admin_token:
        return _signing_in(request, error=NOT_SET_UP, status=403, set_up=False)
    if not await admin_token_is(request, settings, (token or "").strip()):
        return _signing_in(request, error=WRONG_TOKEN, status=403)
    remember_admin(request)
    return see_other("/admin")


@router.post("/admin/leave", dependencies=[CsrfChecked])
async def sign_out(request: Request) -> Response:
    """This browser forgets the admin token (a shared computer at the venue)."""
    forget_admin(request)
    flash(request, _("Signed out. The admin token is needed again to come back."))
    return see_other("/admin")


@router.post("/admin/events", dependencies=[CsrfChecked, PageAdmin])
async def create_event(
    request: Request,
    session: SessionDep,
    writer: WriterDep,
    settings: SettingsDep,
    name: FormField = None,
    day: Annotated[str | None, Form(alias="date")] = None,
    last_day: Annotated[str | None, Form(alias="last_date")] = None,
    timezone: FormField = None,
    slug: FormField = None,
    join_code: FormField = None,
    votes_per_attendee: FormField = None,
    language: FormField = None,
    facilitator_name: FormField = None,
) -> Response:
    """A new event, as `hallway create-event` makes one; its facilitator link is shown once, on the answer."""
    values = {
        "name": name or "",
        "date": day or "",
        "last_date": last_day or "",
        "timezone": timezone or "",
        "slug": slug or "",
        "join_code": join_code or "",
        "votes_per_attendee": votes_per_attendee or "",
        "language": language or "",
        "facilitator_name": facilitator_name or "",
    }
    try:
        on, zone, budget = _date(day), _timezone(timezone), _budget(votes_per_attendee)
        until = _date(last_day, field="last_date") if (last_day or "").strip() else None
        created = await writer.run(
            lambda s: events.create_event(
                session=s,
                name=values["name"],
                timezone=zone,
                date=on,
                last_date=until,
                slug=values["slug"].strip() or None,
                join_code=values["join_code"] or None,
                votes_per_attendee=budget,
                facilitator_name=values["facilitator_name"] or None,
                language=values["language"] or SOURCE_LANGUAGE,
            )
        )
    except DomainError as error:
        refusal = FormError(form="create", message=error.message, field=_field_of(error))
        return _page(request, session, error=refusal, values=values, status=status_for(error))
    links = event_links(public_url=settings.public_url, event=created.event, facilitator_key=created.facilitator_key)
    return _page(request, session, made=Made(name=created.event.name, slug=created.event.slug, links=links))


@router.post("/admin/events/{slug}/copy", dependencies=[CsrfChecked, PageAdmin])
async def copy_event(
    request: Request,
    event: EventDep,
    session: SessionDep,
    writer: WriterDep,
    settings: SettingsDep,
    name: FormField = None,
    day: Annotated[str | None, Form(alias="date")] = None,
    new_slug: Annotated[str | None, Form(alias="slug")] = None,
    timezone: FormField = None,
    join_code: FormField = None,
    facilitator_name: FormField = None,
) -> Response:
    """A new event made from this one as a template (app/services/event_copy.py); a slug taken is said in place."""
    source_id, source_name, form = id_of(event), event.name, f"copy-{event.slug}"
    values = {
        "name": name or "",
        "date": day or "",
        "slug": new_slug or "",
        "timezone": timezone or "",
        "join_code": join_code or "",
        "facilitator_name": facilitator_name or "",
    }
    try:
        on = _date(day)
        made = await writer.run(
            lambda s: event_copy.copy_event(
                session=s,
                event_id=source_id,
                date=on,
                name=values["name"] or None,
                slug=values["slug"].strip() or None,
                timezone=values["timezone"].strip() or None,
                join_code=values["join_code"] or None,
                facilitator_name=values["facilitator_name"] or None,
            )
        )
    except DomainError as error:
        refusal = FormError(form=form, message=error.message, field=_field_of(error))
        return _page(request, session, error=refusal, values=values, status=status_for(error))
    new = made.new
    links = event_links(public_url=settings.public_url, event=new.event, facilitator_key=new.facilitator_key)
    copied = Made(name=new.event.name, slug=new.event.slug, links=links, copied_from=source_name, copied=made)
    return _page(request, session, made=copied)


@router.post("/admin/events/{slug}/delete", dependencies=[CsrfChecked, PageAdmin])
async def delete_event(
    request: Request, event: EventDep, session: SessionDep, writer: WriterDep, confirm: FormField = None
) -> Response:
    """Delete an event for good, once its slug is typed again (the form says to download its JSON first), with
    the same service as the facilitator's page and DELETE /api/events/{slug}."""
    event_id, name, slug = id_of(event), event.name, event.slug
    try:
        await writer.run(lambda s: events.delete_event(session=s, event_id=event_id, confirm=confirm))
    except DomainError as error:
        refusal = FormError(form=f"delete-{slug}", message=error.message, field="confirm")
        return _page(request, session, error=refusal, values={"confirm": confirm or ""}, status=status_for(error))
    forget_event(request.app, slug)
    forget_facilitator(request, slug)
    forget_attendee(request, slug)
    flash(request, _("{event} is deleted: every link to /e/{slug} now answers “not found”.", event=name, slug=slug))
    return see_other("/admin")


@router.get("/admin/events/{slug}/export.json", dependencies=[PageAdmin])
def export_event(event: EventDep, session: SessionDep, settings: SettingsDep) -> Response:
    """The whole event as JSON, for the organisers to keep before deleting it (`hallway import` loads it)."""
    return export_response(run_export(session=session, event=event, settings=settings, export_format="json"))


def _field_of(error: DomainError) -> str | None:
    """The field a refusal is about, to mark it; the one conflict making an event meets is a slug taken."""
    return "slug" if isinstance(error, Conflict) else getattr(error, "field", None)


def _date(value: str | None, *, field: str = "date") -> dt.date:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("Give the event's date, like 2026-11-24."), field=field)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("The date must look like 2026-11-24."), field=field) from None


def _timezone(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("Give the venue's time zone, such as Europe/London."), field="timezone")
    return text


def _budget(value: str | None) -> int:
    text = (value or "").strip()
    if not text:
        return 5  # the form's default, as `hallway create-event` has it
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(
            _("The dot budget must be a whole number, not '{typed}'.", typed=text[:20]), field="votes_per_attendee"
        ) from None
