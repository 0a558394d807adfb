"""One request to an event's pages, as the page routes see it: who, which event, and how to read and write.

Built once by a dependency, so a route takes one `VisitDep` (or a page object built on it, such as the
marketplace's `Market` or the facilitator's `Desk`) instead of the same five parameters every time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session

from app.deps import EventDep, RequestWriter, SessionDep, VisitorDep, WriterDep
from app.i18n import _
from app.models import Event, id_of
from app.services.actors import Actor
from app.services.changes import Written
from app.services.errors import DomainError, NotAuthenticated
from app.services.privacy import names_shown

T = TypeVar("T")
V = TypeVar("V", bound="Visit")


@dataclass
class Visit:
    request: Request
    event: Event
    visitor: Actor
    session: Session
    writer: RequestWriter

    @property
    def event_id(self) -> int:
        return id_of(self.event)

    @property
    def slug(self) -> str:
        return self.event.slug

    async def write(self, work: Callable[[Session], Written[T]]) -> tuple[T | None, DomainError | None]:
        """Run a write; a refusal of the domain comes back as a value, to be shown in place."""
        try:
            return await self.writer.run(work), None
        except DomainError as error:
            return None, error

    def extend(self, page: type[V], **more: Any) -> V:
        """This visit as a page object that knows more (the attendee, the listing, the settings…)."""
        return page(**{f.name: getattr(self, f.name) for f in fields(Visit)}, **more)


async def get_visit(
    request: Request, event: EventDep, visitor: VisitorDep, session: SessionDep, writer: WriterDep
) -> Visit:
    return Visit(request=request, event=event, visitor=visitor, session=session, writer=writer)


VisitDep = Annotated[Visit, Depends(get_visit)]


async def require_names_visible(event: EventDep, visitor: VisitorDep) -> None:
    """On an event with a join code, the pages that name people (the wall, the notes) are for those who
    joined (app/services/privacy.py); the venue screen stays open to all, with counts and no names."""
    if not names_shown(event, visitor):
        raise NotAuthenticated(
            _(
                "{event} is for the people who joined it. Join at /e/{slug} with the code shown at the venue, "
                "then this page opens.",
                event=event.name,
                slug=event.slug,
            )
        )


JoinedWhenCoded = Depends(require_names_visible)
