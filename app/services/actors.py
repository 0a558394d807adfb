"""Who is acting: one of an event's attendees, a member of its facilitation team, or nobody known (a visitor).

Built once per request in app/deps.py (from the bearer token, or the page's session cookie) and handed
to the services, which decide with it who may do what and whose name a write carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.services.errors import NotAllowed

FACILITATOR_NAME = "Facilitator"


@dataclass(frozen=True)
class Actor:
    """Someone in one event. A browser may hold both an attendee token and a facilitator key."""

    event_id: int
    attendee_id: int | None = None
    attendee_name: str | None = None
    is_facilitator: bool = False
    # Which member of the facilitation team (app/models/facilitator.py): the activity list says who did what.
    # None for a facilitator acting outside any request (a command, the demo's seeding, a test).
    facilitator_id: int | None = None
    facilitator_name: str | None = None
    # The device held an attendee token this event no longer knows (it was reset): the join page says so.
    forgotten: bool = False
    # The device holds the token of an attendee the facilitator banned: no joining again from it.
    banned: bool = False
    # The device held the token of someone removed from the event (app/services/errors.py, Removed): the join
    # page says so, once, in this sentence; the device may join again.
    farewell: str | None = None
    # The device held a facilitator pass that is dead (the link was replaced, or the member removed).
    facilitator_refused: bool = False

    @classmethod
    def facilitator(cls, event_id: int, *, facilitator_id: int | None = None, name: str | None = None) -> Actor:
        return cls(event_id=event_id, is_facilitator=True, facilitator_id=facilitator_id, facilitator_name=name)

    @property
    def is_known(self) -> bool:
        return self.is_facilitator or self.attendee_id is not None

    @property
    def author_name(self) -> str | None:
        """The name a write is credited to: the attendee's own, else the facilitator's; None for a visitor."""
        if self.attendee_name is not None:
            return self.attendee_name
        return self.doer_name if self.is_facilitator else None

    @property
    def doer_name(self) -> str:
        """The facilitator's name as the activity list and notes show it."""
        return self.facilitator_name or FACILITATOR_NAME

    @property
    def as_facilitator(self) -> Actor:
        """The same person acting as the facilitator only (the facilitator's page, even in a browser that
        also joined as an attendee)."""
        return Actor.facilitator(self.event_id, facilitator_id=self.facilitator_id, name=self.facilitator_name)

    def may_change(self, convener_id: int | None) -> bool:
        """The facilitator changes any topic; an attendee only one they convene."""
        return self.is_facilitator or (self.attendee_id is not None and self.attendee_id == convener_id)

    def check_in(self, event_id: int) -> None:
        """Refuse an actor of another event outright (defence in depth: deps builds actors per event)."""
        if self.event_id != event_id:
            raise NotAllowed(_("You are not part of this event."))
