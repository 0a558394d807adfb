"""The domain's errors. Each carries a sentence a person can act on; app/errors.py maps classes to HTTP.

The sentences are marked with `_` (app/i18n.py): English as strings, said in the reader's language where
they are shown (a page renders them, the error handlers call `translated()`).
"""

from app.i18n import _


class DomainError(Exception):
    """Base class: the request broke a rule of the domain; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A value is empty, too long or malformed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """No such thing in this event (unknown ids and other events' ids look the same)."""


class NotAllowed(DomainError):
    """The caller's role may not do this (not the convener, not the facilitator, wrong join code)."""


class NotAuthenticated(NotAllowed):
    """No valid attendee token or facilitator key was presented."""


class Banned(NotAllowed):
    """The facilitator banned this attendee: their token is refused."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("The facilitator has removed you from this event. If you think it's a mistake, talk to them.")
        )


class Removed(NotAuthenticated):
    """The token of someone removed from the event ("forget me", or the facilitator's removal): refused with a
    sentence that says so; the device may join again, as someone new."""

    def __init__(self, *, by_facilitator: bool = False) -> None:
        if by_facilitator:
            message = _(
                "The facilitator removed you from this event: your name, dots and “I'm going”s are gone from it. "
                "To take part again, join with your name."
            )
        else:
            message = _(
                "You removed yourself from this event: your name, dots and “I'm going”s are gone from it. "
                "To take part again, join with your name."
            )
        super().__init__(message)


class PhaseClosed(NotAllowed):
    """Proposals or voting are closed for this event."""


class Conflict(DomainError):
    """The request clashes with the current state of the event."""


class BudgetSpent(Conflict):
    pass


class CellTaken(Conflict):
    pass


class ConvenerClash(Conflict):
    pass


class SlotOverlap(Conflict):
    pass


class SlotNotForSessions(Conflict):
    pass


class TopicLimitReached(Conflict):
    """The event holds as many topics as its facilitator allows."""


class AlreadyRemoved(Conflict):
    """Removing someone who was removed already: there is nothing left to remove."""


class TopicNotActive(Conflict):
    """The topic was withdrawn, hidden or merged: it no longer takes votes, places or attendees."""
