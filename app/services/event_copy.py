"""An event made from another as a template: the same wall, themes and settings, for a new date; nobody in it yet.

What an organiser runs every year (or every month) is mostly the same venue and the same shape of day. A
copy takes the rooms, the slots (moved by as many days as the new date is from the old one, each keeping its
time of day), the themes and the settings; it leaves behind the people, their topics, dots and notes, the
activity and the facilitation team (a new first facilitator gets a new key), the join code (the old one is
known to last time's people) and the phase switches, which start as a new event's do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from app.models import Event, Room, Slot, Theme, id_of
from app.models.event import EVENT_SETTINGS, settings_of
from app.services import events, themes, wall_setup
from app.services.changes import Written
from app.services.errors import NotFound

# A new event starts with these as every new event does: they are where a day has got to, not how it is run.
PHASE_SWITCHES = frozenset({"proposals_open", "voting_open", "self_placement", "notes_locked", "harvest_published"})
# Given for the new event (or left to their defaults): never the old one's. Its last day is as far from its
# date as the old one's was: a copy lasts as many days.
OWN_TO_EACH_EVENT = frozenset({"name", "date", "last_date", "timezone", "join_code"})
COPIED_SETTINGS = tuple(name for name in EVENT_SETTINGS if name not in PHASE_SWITCHES | OWN_TO_EACH_EVENT)


@dataclass(frozen=True)
class CopiedEvent:
    """The new event, its first facilitator's key (in clear only here) and what came with it."""

    new: events.NewEvent
    rooms: int
    slots: int
    themes: int


def copy_event(
    *,
    session: Session,
    event_id: int,
    date: dt.date,
    name: str | None = None,
    slug: str | None = None,
    timezone: str | None = None,
    join_code: str | None = None,
    facilitator_name: str | None = None,
) -> Written[CopiedEvent]:
    """A new event from `date`, as many days long, with the rooms, slots, themes and settings of event `event_id`.

    The new event is created by `events.create_event`, so its name, slug, time zone and join code obey the
    same rules (a slug already taken is a Conflict); any refusal leaves nothing written, the caller's
    transaction being rolled back.
    """
    source = session.get(Event, event_id)
    if source is None:
        raise NotFound(f"There is no event {event_id} to copy.")
    copied = settings_of(source)
    new = events.create_event(
        session=session,
        name=name if name is not None else source.name,
        timezone=timezone or source.timezone,
        date=date,
        last_date=date + (source.last_day - source.date),
        slug=slug,
        join_code=join_code,
        votes_per_attendee=source.votes_per_attendee,
        facilitator_name=facilitator_name,
        language=source.language,
    ).result
    event = new.event
    for setting in COPIED_SETTINGS:
        setattr(event, setting, copied[setting])
    session.add(event)
    new_id = id_of(event)
    shift = date - source.date  # slots keep their times of day, and their days relative to the event's
    rooms = wall_setup.list_rooms(session=session, event_id=event_id)
    slots = wall_setup.list_slots(session=session, event_id=event_id)
    themes_of_source = themes.list_themes(session=session, event_id=event_id)
    for room in rooms:
        session.add(
            Room(
                event_id=new_id,
                name=room.name,
                capacity=room.capacity,
                position=room.position,
                location_notes=room.location_notes,
            )
        )
    for slot in slots:
        session.add(
            Slot(
                event_id=new_id,
                starts_at=slot.starts_at + shift,
                ends_at=slot.ends_at + shift,
                label=slot.label,
                kind=slot.kind,
            )
        )
    for theme in themes_of_source:
        session.add(
            Theme(
                event_id=new_id,
                name=theme.name,
                description=theme.description,
                mark=theme.mark,
                position=theme.position,
            )
        )
    session.flush()
    made = CopiedEvent(new=new, rooms=len(rooms), slots=len(slots), themes=len(themes_of_source))
    return Written(made, None)  # a new event: no page of it is open yet
