"""A lively event for the export tests, written through the services as on the day; and a hand-made ExportData."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from babel.support import NullTranslations

from app import i18n
from app.exporters.data import (
    AttendeeData,
    CancelledData,
    EventInfo,
    ExportData,
    NotesData,
    NoteText,
    RevisionData,
    RoomData,
    SlotData,
    ThemeData,
    TopicData,
)
from app.models import Room, Slot, SlotKind, Theme, Topic
from app.services import attendance, notes, topics
from app.services.actors import Actor
from tests.factories import AttendeeWithToken, EventWithKey, Factory

EVENT_NAME = "Rencontres d'été: Café & Co"
NOTES_BODY = "We *agreed* on [tea](https://tea.example/) first.\n\n<script>alert('x')</script>\n\n- one\n- two"


@dataclass
class Lively:
    event: EventWithKey
    ada: AttendeeWithToken
    zoe: AttendeeWithToken
    bob: AttendeeWithToken
    hall: Room
    library: Room
    opening: Slot
    first: Slot
    coffee: Slot
    second: Slot
    brews: Topic  # placed in the hall, first slot, with notes saved twice
    formula: Topic  # proposed, a title that a spreadsheet would run
    remote: Topic  # placed in the library, first slot
    remote_again: Topic  # the same title, by the facilitator, placed in the hall, second slot
    withdrawn: Topic
    hidden: Topic


def lively_event(factory: Factory, *, slug: str = "ete") -> Lively:
    event = factory.event(name=EVENT_NAME, slug=slug)
    ada, zoe, bob = (factory.attendee(event, name=name) for name in ("Ada", "Zoë", "Bob"))
    hall = factory.room(event, name="Main hall", capacity=40)
    library = factory.room(event, name="Bibliothèque", capacity=2)
    opening = factory.slot(event, starts="09:00", ends="09:30", label="Opening circle", kind=SlotKind.plenary)
    first = factory.slot(event, starts="10:00", ends="11:00", label="Session 1")
    coffee = factory.slot(event, starts="11:00", ends="11:30", label="Coffee", kind=SlotKind.break_)
    second = factory.slot(event, starts="11:30", ends="12:30", label="Session 2")
    brews = factory.topic(event, ada, title='Café / Thé: "best" brews', description="Bring a mug.\nOr two.")
    formula = factory.topic(event, bob, title='=HYPERLINK("https://evil.example","click")')
    remote = factory.topic(event, zoe, title="Remote work")
    remote_again = factory.topic(event, None, title="Remote work")
    withdrawn = factory.topic(event, bob, title="Withdrawn idea")
    hidden = factory.topic(event, bob, title="Spam")
    for voter, topic in [(ada, brews), (zoe, brews), (bob, brews), (ada, formula), (zoe, remote), (bob, remote_again)]:
        factory.vote(voter, topic)
    factory.place(event, brews, hall, first)
    factory.place(event, remote, library, first)
    factory.place(event, remote_again, hall, second)
    factory.pin(event, brews)
    factory.constrain(
        event,
        remote,
        not_before=dt.datetime(2026, 11, 24, 10, 0),
        not_after=dt.datetime(2026, 11, 24, 12, 30),
        min_room_capacity=2,
        apart_from=(brews, formula),
    )
    with factory.database.write_session() as session:
        for who, topic, slot in [
            (ada, brews, first),
            (zoe, brews, first),
            (bob, remote, first),
            (ada, remote_again, second),
        ]:
            attendance.attend(session=session, attendee_id=who.id, slot_id=slot.id, topic_id=topic.id)  # type: ignore[arg-type]
        topics.withdraw_topic(
            session=session,
            event_id=event.id,
            topic_id=withdrawn.id,
            actor=Actor(event_id=event.id, attendee_id=bob.id, attendee_name=bob.attendee.display_name),
        )
        topics.hide_topic(session=session, event_id=event.id, topic_id=hidden.id)  # type: ignore[arg-type]
    with factory.database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=brews.id,  # type: ignore[arg-type]
            actor=Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada"),
            base_version=0,
            data=notes.NoteInput(body="First draft"),
        )
    with factory.database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=brews.id,  # type: ignore[arg-type]
            actor=Actor.facilitator(event.id),
            base_version=1,
            data=notes.NoteInput(
                body=NOTES_BODY,
                key_points="Tea **before** coffee",
                actions="Buy a kettle — Zoë\nWrite it up — Ada",
                continue_url="https://chat.example/brews",
                attendees_text="Ada\nZoë",
            ),
        )
    return Lively(
        event, ada, zoe, bob, hall, library, opening, first, coffee, second, brews, formula, remote, remote_again,
        withdrawn, hidden,
    )  # fmt: skip


@dataclass
class ThemedDay:
    """Three themes (the last with no session), four sessions on the wall, two with notes, one topic unplaced."""

    event: EventWithKey
    ada: AttendeeWithToken
    zoe: AttendeeWithToken
    care: Theme  # first in the order
    data: Theme  # second
    quiet: Theme  # third: no session at all
    hall: Room
    attic: Room
    morning: Slot
    afternoon: Slot
    kettle: Topic  # data, placed in the afternoon, with notes
    owners: Topic  # care, placed in the attic in the morning, no notes
    rest: Topic  # care, placed in the hall in the morning, with notes
    loose: Topic  # no theme, placed in the attic in the afternoon
    waiting: Topic  # care, still on the marketplace: not a session


def themed_day(factory: Factory, *, slug: str | None = None) -> ThemedDay:
    event = factory.event(name="Community Tech", slug=slug)
    ada, zoe = factory.attendee(event, name="Ada"), factory.attendee(event, name="Zoë")
    care = factory.theme(event, name="Care", description="Looking after each other")
    data = factory.theme(event, name="Community data")
    quiet = factory.theme(event, name="Quiet")
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic", capacity=8)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    afternoon = factory.slot(event, starts="14:00", ends="15:00")
    kettle = factory.topic(event, ada, title="Who owns the kettle data?", theme=data)
    owners = factory.topic(event, zoe, title="Owners", theme=care)
    rest = factory.topic(event, ada, title="Rest", theme=care)
    loose = factory.topic(event, None, title="Loose ends")
    waiting = factory.topic(event, zoe, title="Waiting", theme=care)
    factory.place(event, kettle, hall, afternoon)
    factory.place(event, owners, attic, morning)
    factory.place(event, rest, hall, morning)
    factory.place(event, loose, attic, afternoon)
    factory.attend(ada, morning, rest)
    factory.attend(zoe, morning, rest)
    factory.attend(ada, afternoon, kettle)
    factory.notes(
        event,
        kettle,
        body="We talked.",
        key_points="- Data **belongs** to the people it describes",
        actions="- Draft a data charter — Ada\nAsk the council\nFollow-up call – Zoë & Bob",
        continue_url="https://chat.example/kettle",
        attendees_text="Ada\nZoë\n\nBob\n",
    )
    factory.notes(event, rest, body="Breaks matter.", actions="Book a quiet room - Zoë")
    return ThemedDay(
        event, ada, zoe, care, data, quiet, hall, attic, morning, afternoon, kettle, owners, rest, loose, waiting
    )


# --- Hand-made data for the pure exporter tests ------------------------------------------------------

GENERATED = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 24)


def at(hhmm: str) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time.fromisoformat(hhmm))


def topic(
    topic_id: int,
    title: str,
    *,
    convener_id: int | None = 1,
    status: str = "proposed",
    room_id: int | None = None,
    slot_id: int | None = None,
    voter_ids: tuple[int, ...] = (),
    going_ids: tuple[int, ...] = (),
    description: str = "",
    notes: NotesData | None = None,
    theme_id: int | None = None,
) -> TopicData:
    created = dt.datetime(2026, 11, 24, 9, topic_id % 60, tzinfo=dt.UTC)
    return TopicData(
        id=topic_id,
        title=title,
        description=description,
        convener_id=convener_id,
        status=status,
        created_at=created,
        updated_at=created,
        voter_ids=voter_ids,
        room_id=room_id,
        slot_id=slot_id,
        going_ids=going_ids,
        notes=notes,
        theme_id=theme_id,
    )


def written(body: str, **fields: str) -> NotesData:
    text = NoteText(body=body, **fields)
    revision = RevisionData(
        version=1,
        kind="save",
        base_version=0,
        text=text,
        submitted=None,
        author_name="Ada",
        author_id=1,
        created_at=GENERATED,
    )
    return NotesData(
        version=1, text=text, created_at=GENERATED, updated_at=GENERATED, updated_by="Ada", revisions=(revision,)
    )


def export_data(
    *,
    name: str = "Autumn Gathering",
    timezone: str = "Europe/London",
    rooms: tuple[RoomData, ...] = (RoomData(id=1, name="Hall", capacity=30), RoomData(id=2, name="Attic", capacity=8)),
    slots: tuple[SlotData, ...] = (
        SlotData(id=1, starts_at=at("10:00"), ends_at=at("11:00"), label="Morning"),
        SlotData(id=2, starts_at=at("11:30"), ends_at=at("12:30"), label=""),
    ),
    attendees: tuple[AttendeeData, ...] = (
        AttendeeData(id=1, display_name="Ada", joined_at=GENERATED),
        AttendeeData(id=2, display_name="Zoë", joined_at=GENERATED),
    ),
    topics: tuple[TopicData, ...] = (),
    public_url: str = "https://hallway.example",
    themes: tuple[ThemeData, ...] = (),
    cancelled: tuple[CancelledData, ...] = (),
) -> ExportData:
    return ExportData(
        event=EventInfo(
            slug="autumn",
            name=name,
            timezone=timezone,
            date=DAY,
            proposals_open=False,
            voting_open=False,
            self_placement=False,
            votes_per_attendee=5,
            join_code=None,
        ),
        rooms=rooms,
        slots=slots,
        attendees=attendees,
        topics=topics,
        generated_at=GENERATED,
        public_url=public_url,
        themes=themes,
        cancelled=cancelled,
    )


CARE = ThemeData(id=7, name="Care & repair", description="Looking after each other", mark="heart", symbol="♥")
DATA = ThemeData(id=3, name="Community data", description="", mark="square", symbol="■", position=1)
QUIET = ThemeData(id=9, name="Quiet", description="Nobody came", mark="moon", symbol="☾", position=2)


def themed_data() -> ExportData:
    """Three themes (the last without sessions), a session in each of the first two, one with no theme."""
    return export_data(
        themes=(CARE, DATA, QUIET),
        topics=(
            topic(1, "Kettles", status="placed", room_id=1, slot_id=2, theme_id=3,
                  notes=written("Talked.", key_points="Tea *first*", actions="Buy one — Zoë\nAsk around")),
            topic(2, "Rest", status="placed", room_id=2, slot_id=1, theme_id=7, going_ids=(1, 2),
                  notes=written("", actions="Book a quiet room - Ada", continue_url="https://chat.example/rest")),
            topic(3, "Loose ends", convener_id=None, status="placed", room_id=1, slot_id=1),
            topic(4, "Not placed", theme_id=7),
        ),
    )  # fmt: skip


# --- The event's language ---------------------------------------------------------------------------

# A few of the exports' words in Spanish: the tests need no catalogue to exist, only the lookup to be used.
SPANISH = {
    "Agenda": "Programa",
    "Other topics": "Otros temas",
    "Key points": "Puntos clave",
    "{event} booklet": "Cuadernillo de {event}",
    "{event} notes": "Notas de {event}",
    "Who came": "Quién vino",
    "%(num)d dot": "%(num)d punto",
    "%(num)d dots": "%(num)d puntos",
    "{count} going": "{count} van",
}


class FakeCatalogue(NullTranslations):
    """A catalogue that knows only `words` (plurals: the singular's or the plural's own entry)."""

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()
        self.words = words

    def gettext(self, message: str) -> str:
        return self.words.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        chosen = singular if n == 1 else plural
        return self.words.get(chosen, chosen)


def speak_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spanish words for the language "es", English for any other."""
    spanish = FakeCatalogue(SPANISH)
    monkeypatch.setattr(i18n, "translations", lambda language: spanish if language == "es" else NullTranslations())


def in_language(data: ExportData, language: str) -> ExportData:
    return replace(data, event=replace(data.event, language=language))
