"""An attendee's privacy page: whether others read their name, and "remove me from this event".

Both forms work as plain posts (303 back, or a page asking once more before removing) and with htmx (the
changed partial; after a removal, a redirect to the join page). The join page then says, once, that the
person removed themselves: the device's old token is refused from now on (app/deps.py, get_visitor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, Response

from app.csrf import CsrfChecked
from app.deps import PageAttendee
from app.errors import status_for
from app.i18n import _
from app.models import Attendee, id_of
from app.models.attendee import PARTICIPANT
from app.routes.pages.rendering import flash, fragments, pop_flash, render, see_other, swapped, wants_fragment
from app.routes.pages.visit import Visit, VisitDep
from app.services import attendees
from app.services.errors import DomainError, InvalidInput

router = APIRouter()

FormText = Annotated[str, Form()]
NAME_PART = "partials/privacy_name.html"


@dataclass
class Privacy(Visit):
    """An attendee's visit to their privacy page."""

    attendee: Attendee

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "event": self.event,
            "attendee": self.attendee,
            "participant": PARTICIPANT,
            "error": None,
            "message": None,
            **extra,
        }


def get_privacy(visit: VisitDep, attendee: PageAttendee) -> Privacy:
    return visit.extend(Privacy, attendee=attendee)


PrivacyDep = Annotated[Privacy, Depends(get_privacy)]


@router.get("/e/{slug}/privacy", response_class=HTMLResponse)
def privacy_page(privacy: PrivacyDep) -> Response:
    """What others see of you, and the way out."""
    ctx = privacy.context(flash=pop_flash(privacy.request))
    return render(privacy.request, "pages/privacy.html", ctx)


def _listed(value: str) -> bool:
    if value not in ("yes", "no"):
        raise InvalidInput(
            _("Choose whether others see your name (yes) or “{participant}” (no).", participant=PARTICIPANT),
            field="name_listed",
        )
    return value == "yes"


@router.post("/e/{slug}/privacy", dependencies=[CsrfChecked])
async def set_name_listed(privacy: PrivacyDep, name_listed: FormText = "") -> Response:
    """The name switch: listed by name, or "a participant" on every list others read."""
    request, event_id, attendee_id = privacy.request, privacy.event_id, id_of(privacy.attendee)
    changed: Attendee | None = None
    error: DomainError | None = None
    try:
        listed = _listed(name_listed)
    except InvalidInput as invalid:
        error = invalid
    else:
        changed, error = await privacy.write(
            lambda s: attendees.set_name_listed(session=s, event_id=event_id, attendee_id=attendee_id, listed=listed)
        )
    if changed is not None:
        privacy.attendee = changed
    message = None
    if changed is not None:
        message = (
            _("Others now read your name, {name}.", name=changed.display_name)
            if changed.name_listed
            else _(
                "Others now read “{participant}” where your name was; the facilitator still sees it.",
                participant=PARTICIPANT,
            )
        )
    if error is None and not wants_fragment(request):
        flash(request, message or "")
        return see_other(f"/e/{privacy.slug}/privacy#privacy-name")
    status = status_for(error) if error else 200
    ctx = privacy.context(error=error, message=message)
    if wants_fragment(request):
        return fragments(request, swapped(NAME_PART, context=ctx), status_code=status)
    return render(request, "pages/privacy.html", ctx, status_code=status)


@router.post("/e/{slug}/privacy/remove", dependencies=[CsrfChecked])
async def remove_me(privacy: PrivacyDep, confirmed: FormText = "") -> Response:
    """Forget me. htmx asks with hx-confirm; a plain form gets a page that asks first."""
    request = privacy.request
    if confirmed != "yes":
        return render(request, "pages/privacy_remove.html", privacy.context())
    event_id, attendee_id = privacy.event_id, id_of(privacy.attendee)
    _, error = await privacy.write(
        lambda s: attendees.remove_attendee(session=s, event_id=event_id, attendee_id=attendee_id)
    )
    if error is not None:
        return render(request, "pages/privacy.html", privacy.context(error=error), status_code=status_for(error))
    request.app.state.known_attendees.forget(attendee_id)
    # The cookie keeps the old token for one more page: the join page reads it, says why it is refused, and
    # drops it (app/deps.py). The phone may join again from there.
    if wants_fragment(request):
        return Response(status_code=200, headers={"HX-Redirect": f"/e/{privacy.slug}"})
    return see_other(f"/e/{privacy.slug}")
