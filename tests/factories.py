"""Factories with explicit arguments, writing through the services (so every row obeys the domain's rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.db import Database
from app.models import Attendee, Event, Room, Slot, SlotKind, Theme, Topic
from app.models.event import EventUpdate
from app.services import (
    attendance,
    attendees,
    co_conveners,
    events,
    notes,
    placements,
    themes,
    topic_constraints,
    topics,
    votes,
    wall_setup,
)
from app.services.actors import Actor

EVENT_DATE = date(2026, 11, 24)


@dataclass
class EventWithKey:
    event: Event
    key: str

    @property
    def slug(self) -> str:
        return self.event.slug

    @property
    def id(self) -> int:
        return self.event.id  # type: ignore[return-value]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class AttendeeWithToken:
    attendee: Attendee
    token: str

    @property
    def id(self) -> int:
        return self.attendee.id  # type: ignore[return-value]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    def __init__(self, database: Database) -> None:
        self.database = database

    def event(
        self,
        *,
        name: str = "Autumn Gathering",
        slug: str | None = None,
        voting_open: bool = True,
        proposals_open: bool = True,
        self_placement: bool = False,
        join_code: str | None = None,
        votes_per_attendee: int = 5,
    ) -> EventWithKey:
        with self.database.write_session() as session:
            created = events.create_event(
                session=session,
                name=name,
                slug=slug,
                timezone="Europe/London",
                date=EVENT_DATE,
                join_code=join_code,
                votes_per_attendee=votes_per_attendee,
            ).result
            events.update_event(
                session=session,
                event_id=created.event.id,  # type: ignore[arg-type]
                update=EventUpdate(
                    voting_open=voting_open, proposals_open=proposals_open, self_placement=self_placement
                ),
            )
        return EventWithKey(event=created.event, key=created.facilitator_key)

    def attendee(self, event: EventWithKey, *, name: str = "Ada") -> AttendeeWithToken:
        with self.database.write_session() as session:
            joined = attendees.join_event(
                session=session, event_id=event.id, display_name=name, join_code=event.event.join_code
            ).result
        return AttendeeWithToken(attendee=joined.attendee, token=joined.token)

    def topic(
        self,
        event: EventWithKey,
        convener: AttendeeWithToken | None,
        *,
        title: str = "Remote work",
        description: str = "",
        theme: Theme | None = None,
    ) -> Topic:
        with self.database.write_session() as session:
            actor = (
                Actor(event_id=event.id, attendee_id=convener.id, attendee_name=convener.attendee.display_name)
                if convener
                else Actor.facilitator(event.id)
            )
            return topics.propose_topic(
                session=session,
                event_id=event.id,
                actor=actor,
                title=title,
                description=description,
                theme_id=theme.id if theme else None,
            ).result

    def co_convener(
        self, event: EventWithKey, topic: Topic, attendee: AttendeeWithToken, *, accepted: bool = True
    ) -> None:
        """The facilitator invites the attendee to co-convene the topic; they accept unless `accepted` is False."""
        with self.database.write_session() as session:
            co_conveners.invite(
                session=session,
                event_id=event.id,
                topic_id=topic.id,  # type: ignore[arg-type]
                actor=Actor.facilitator(event.id),
                attendee_id=attendee.id,
            )
            if accepted:
                co_conveners.accept(
                    session=session,
                    event_id=event.id,
                    topic_id=topic.id,  # type: ignore[arg-type]
                    actor=Actor(event_id=event.id, attendee_id=attendee.id),
                    attendee_id=attendee.id,
                )

    def theme(self, event: EventWithKey, *, name: str = "Tech for humans", description: str = "") -> Theme:
        with self.database.write_session() as session:
            return themes.add_theme(session=session, event_id=event.id, name=name, description=description).result

    def room(self, event: EventWithKey, *, name: str = "Main hall", capacity: int = 50) -> Room:
        with self.database.write_session() as session:
            return wall_setup.add_room(session=session, event_id=event.id, name=name, capacity=capacity).result

    def slot(
        self,
        event: EventWithKey,
        *,
        starts: str = "10:00",
        ends: str = "11:00",
        label: str = "",
        kind: SlotKind = SlotKind.sessions,
    ) -> Slot:
        day = EVENT_DATE.isoformat()
        with self.database.write_session() as session:
            return wall_setup.add_slot(
                session=session,
                event_id=event.id,
                starts_at=datetime.fromisoformat(f"{day}T{starts}"),
                ends_at=datetime.fromisoformat(f"{day}T{ends}"),
                label=label,
                kind=kind,
            ).result

    def vote(self, attendee: AttendeeWithToken, topic: Topic) -> None:
        with self.database.write_session() as session:
            votes.cast_vote(session=session, attendee_id=attendee.id, topic_id=topic.id)  # type: ignore[arg-type]

    def place(self, event: EventWithKey, topic: Topic, room: Room, slot: Slot) -> None:
        with self.database.write_session() as session:
            placements.place_topic(
                session=session,
                event_id=event.id,
                actor=Actor.facilitator(event.id),
                topic_id=topic.id,  # type: ignore[arg-type]
                room_id=room.id,  # type: ignore[arg-type]
                slot_id=slot.id,  # type: ignore[arg-type]
            )

    def attend(self, attendee: AttendeeWithToken, slot: Slot, topic: Topic) -> None:
        """The attendee says "I'm going" to a topic placed in that slot."""
        with self.database.write_session() as session:
            attendance.attend(session=session, attendee_id=attendee.id, slot_id=slot.id, topic_id=topic.id)  # type: ignore[arg-type]

    def notes(
        self,
        event: EventWithKey,
        topic: Topic,
        *,
        body: str,
        key_points: str | None = None,
        actions: str | None = None,
        continue_url: str | None = None,
        attendees_text: str | None = None,
    ) -> int:
        """Save a placed topic's notes as the facilitator, on the latest version; answers the new version."""
        with self.database.write_session() as session:
            actor = Actor.facilitator(event.id)
            latest = notes.get_notes(session=session, event_id=event.id, topic_id=topic.id, actor=actor).version  # type: ignore[arg-type]
            saved = notes.save_notes(
                session=session,
                event_id=event.id,
                topic_id=topic.id,  # type: ignore[arg-type]
                actor=actor,
                base_version=latest,
                data=notes.NoteInput(
                    body=body,
                    key_points=key_points,
                    actions=actions,
                    continue_url=continue_url,
                    attendees_text=attendees_text,
                ),
            ).result
        assert saved.revision is not None
        return saved.revision.version

    def pin(self, event: EventWithKey, topic: Topic, *, pinned: bool = True) -> None:
        with self.database.write_session() as session:
            placements.set_pinned(
                session=session,
                event_id=event.id,
                actor=Actor.facilitator(event.id),
                topic_id=topic.id,  # type: ignore[arg-type]
                pinned=pinned,
            )

    def constrain(
        self,
        event: EventWithKey,
        topic: Topic,
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        min_room_capacity: int | None = None,
        apart_from: tuple[Topic, ...] = (),
    ) -> topic_constraints.TopicConstraints:
        """Set a topic's constraints as the facilitator."""
        with self.database.write_session() as session:
            return topic_constraints.set_constraints(
                session=session,
                event_id=event.id,
                actor=Actor.facilitator(event.id),
                topic_id=topic.id,  # type: ignore[arg-type]
                not_before=not_before,
                not_after=not_after,
                min_room_capacity=min_room_capacity,
                apart_from=[t.id for t in apart_from],  # type: ignore[misc]
            ).result
