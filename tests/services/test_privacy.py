"""Privacy in the services: the one rule of who reads whose name, the name switch, "forget me", the facilitator's
removal, deleting an event, and the exports of an event whose people chose not to be listed."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlmodel import select

from app.db import Database
from app.exporters.booklet import render_booklet
from app.exporters.csv import export_csv
from app.exporters.json import export_json
from app.exporters.markdown_zip import session_file
from app.models import Attendance, Attendee, Event, Note, NoteRevision, Topic, Vote
from app.models.attendee import FORMER_PARTICIPANT, PARTICIPANT
from app.services import attendees, events, notes, topics
from app.services.actors import Actor
from app.services.board import load_board
from app.services.errors import AlreadyRemoved, InvalidInput, NotAuthenticated, NotFound, Removed
from app.services.export_data import load_export_data
from app.services.privacy import Names, names_for, reader_names
from tests.factories import AttendeeWithToken, EventWithKey, Factory


@dataclass
class Day:
    event: EventWithKey
    ada: AttendeeWithToken  # listed
    zoe: AttendeeWithToken  # chose "a participant"
    topic: Topic  # Zoe's, placed; both going, Ada's dot on it
    slot_id: int


@pytest.fixture
def day(factory: Factory, database: Database) -> Day:
    event = factory.event(slug="meadow")
    ada, zoe = factory.attendee(event, name="Ada Lovelace"), factory.attendee(event, name="Zoe Quiet")
    topic = factory.topic(event, zoe, title="Walking meetings")
    hall, morning = factory.room(event, name="Hall"), factory.slot(event, starts="10:00", ends="11:00")
    factory.place(event, topic, hall, morning)
    factory.vote(ada, topic)
    factory.attend(ada, morning, topic)
    factory.attend(zoe, morning, topic)
    with database.write_session() as session:
        zoe_actor = Actor(event_id=event.id, attendee_id=zoe.id, attendee_name="Zoe Quiet")
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=topic.id,  # type: ignore[arg-type]
            actor=zoe_actor,
            base_version=0,
            data=notes.NoteInput("We walked.", attendees_text="Ada Lovelace\nZoe Quiet"),
        )
        attendees.set_name_listed(session=session, event_id=event.id, attendee_id=zoe.id, listed=False)
    return Day(event, ada, zoe, topic, morning.id)  # type: ignore[arg-type]


def _actor(day: Day, who: AttendeeWithToken) -> Actor:
    return Actor(event_id=day.event.id, attendee_id=who.id, attendee_name=who.attendee.display_name)


# --- The rule -------------------------------------------------------------------------------------------


def test_names_reads_an_unlisted_name_to_its_owner_and_the_facilitator_only():
    def reader(**kw: object) -> Names:
        return Names(joined=True, unlisted=frozenset({7}), **kw)  # type: ignore[arg-type]

    read = {
        "another attendee": reader(reader_id=3).name("Zoe", 7),
        "herself": reader(reader_id=7).name("Zoe", 7),
        "the facilitator": reader(facilitator=True).name("Zoe", 7),
        "anyone": reader().name("Zoe", 7),
        "a listed name": reader(reader_id=3).name("Ada", 3),
        "an outsider of a coded event": Names(joined=False).name("Ada", 3),
        "a role": Names(joined=False).name(FORMER_PARTICIPANT, 9),
    }

    assert read == {
        "another attendee": PARTICIPANT,
        "herself": "Zoe",
        "the facilitator": "Zoe",
        "anyone": PARTICIPANT,
        "a listed name": "Ada",
        "an outsider of a coded event": PARTICIPANT,
        "a role": FORMER_PARTICIPANT,
    }


def test_an_attendee_is_listed_by_name_unless_they_say_otherwise(factory: Factory, backend):
    event = factory.event()

    assert factory.attendee(event, name="Bo").attendee.name_listed is True


# --- The name switch --------------------------------------------------------------------------------------


def test_the_board_rendered_for_everyone_never_holds_an_unlisted_name(day: Day, database: Database, backend):
    with database.read_session() as session:
        board = load_board(session=session, event_id=day.event.id)

    assert [t.convener_name for t in board.topics] == [PARTICIPANT]
    assert [c.topic.convener_name for row in board.rows for c in row.placed if c.topic] == [PARTICIPANT]


def test_lists_name_an_unlisted_convener_to_herself_and_the_facilitator(day: Day, database: Database, backend):
    with database.read_session() as session:
        event = session.get(Event, day.event.id)
        assert event is not None
        view = topics.list_topics(session=session, event_id=day.event.id)[0]

        def read(actor: Actor) -> str | None:
            return reader_names(event, actor).name(view.convener_name, view.topic.convener_id, listed=False)

        read_by = {
            "Ada": read(_actor(day, day.ada)),
            "Zoe": read(_actor(day, day.zoe)),
            "facilitator": read(Actor.facilitator(day.event.id)),
        }

    assert view.listed_convener_name == PARTICIPANT
    assert read_by == {"Ada": PARTICIPANT, "Zoe": "Zoe Quiet", "facilitator": "Zoe Quiet"}


def test_notes_name_who_saved_and_who_goes_only_if_listed(day: Day, database: Database, backend):
    with database.read_session() as session:
        as_ada = notes.get_notes(
            session=session, event_id=day.event.id, topic_id=day.topic.id, actor=_actor(day, day.ada)
        )  # type: ignore[arg-type]
        revisions = notes.list_revisions(
            session=session,
            event_id=day.event.id,
            topic_id=day.topic.id,  # type: ignore[arg-type]
            actor=_actor(day, day.ada),
        )
        event = session.get(Event, day.event.id)
        names = names_for(session=session, event=event, reader=_actor(day, day.ada))  # type: ignore[arg-type]
        as_facilitator = names_for(session=session, event=event, reader=Actor.facilitator(day.event.id))  # type: ignore[arg-type]

    assert (as_ada.note.updated_by if as_ada.note else None) == PARTICIPANT  # stored as everyone may read it
    assert (as_ada.going, as_ada.going_others, as_ada.going_list) == (
        ["Ada Lovelace"],
        1,
        ["Ada Lovelace", "and 1 other"],
    )
    assert as_ada.convener_name == PARTICIPANT
    assert [e.name for e in notes.editors(revisions, names)] == [PARTICIPANT]
    assert [e.name for e in notes.editors(revisions, as_facilitator)] == ["Zoe Quiet"]
    assert revisions[0].author_name == "Zoe Quiet"  # kept: shown through the rule


def test_listing_the_name_again_gives_it_back_everywhere(day: Day, database: Database, backend):
    with database.write_session() as session:
        written = attendees.set_name_listed(session=session, event_id=day.event.id, attendee_id=day.zoe.id, listed=True)
    with database.read_session() as session:
        board = load_board(session=session, event_id=day.event.id)
        note = session.exec(select(Note)).one()

    assert written.change is not None and written.change.notes_topic_ids == {day.topic.id}
    assert (board.topics[0].convener_name, note.updated_by) == ("Zoe Quiet", "Zoe Quiet")


# --- Forget me ------------------------------------------------------------------------------------------


def test_forget_me_replaces_the_name_removes_dots_and_going_and_keeps_the_topics(day: Day, database: Database, backend):
    ada_topic = Factory(database).topic(day.event, day.ada, title="Tea rituals")
    with database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=day.event.id,
            topic_id=day.topic.id,  # type: ignore[arg-type]
            actor=_actor(day, day.ada),
            base_version=1,
            data=notes.NoteInput("We walked far."),
        )
        written = attendees.remove_attendee(session=session, event_id=day.event.id, attendee_id=day.ada.id)

    with database.read_session() as session:
        ada = session.get(Attendee, day.ada.id)
        votes = session.exec(select(Vote).where(Vote.attendee_id == day.ada.id)).all()
        going = session.exec(select(Attendance).where(Attendance.attendee_id == day.ada.id)).all()
        authors = [r.author_name for r in session.exec(select(NoteRevision).order_by(NoteRevision.version))]
        note = session.exec(select(Note)).one()
        board = load_board(session=session, event_id=day.event.id)

    assert ada is not None and (ada.display_name, ada.removed_at is not None) == (FORMER_PARTICIPANT, True)
    assert (votes, going) == ([], [])
    assert (written.result.votes_removed, written.result.attendance_removed, written.result.topics_kept) == (1, 1, 1)
    assert authors == ["Zoe Quiet", FORMER_PARTICIPANT]
    assert note.updated_by == FORMER_PARTICIPANT
    assert note.attendees_text == f"{FORMER_PARTICIPANT}\nZoe Quiet"  # her line in "who came", her name gone
    assert board.topic(ada_topic.id).convener_name == FORMER_PARTICIPANT  # type: ignore[arg-type, union-attr]
    assert written.change is not None and written.change.slot_ids == {day.slot_id}


def test_the_token_of_someone_removed_is_refused_with_a_sentence(day: Day, database: Database, backend):
    with database.write_session() as session:
        attendees.remove_attendee(session=session, event_id=day.event.id, attendee_id=day.ada.id)

    with database.read_session() as session, pytest.raises(Removed) as refused:
        event = session.get(Event, day.event.id)
        attendees.authenticate(session=session, event=event, token=day.ada.token)  # type: ignore[arg-type]

    assert refused.value.message.startswith("You removed yourself from this event")
    assert isinstance(refused.value, NotAuthenticated)


def test_removing_someone_twice_is_refused_and_someone_of_another_event_is_not_found(
    day: Day, factory: Factory, database: Database, backend
):
    stranger = factory.attendee(factory.event(slug="elsewhere"), name="Sam")
    with database.write_session() as session:
        attendees.remove_attendee(session=session, event_id=day.event.id, attendee_id=day.ada.id, by_facilitator=True)

    with database.write_session() as session, pytest.raises(AlreadyRemoved):
        attendees.remove_attendee(session=session, event_id=day.event.id, attendee_id=day.ada.id, by_facilitator=True)
    with database.write_session() as session, pytest.raises(NotFound):
        attendees.remove_attendee(session=session, event_id=day.event.id, attendee_id=stranger.id, by_facilitator=True)


def test_a_who_came_line_stays_when_someone_else_has_the_same_name(
    day: Day, factory: Factory, database: Database, backend
):
    factory.attendee(day.event, name="ada lovelace")  # another Ada: the line may be hers

    with database.write_session() as session:
        attendees.remove_attendee(session=session, event_id=day.event.id, attendee_id=day.ada.id)
    with database.read_session() as session:
        note = session.exec(select(Note)).one()

    assert note.attendees_text == "Ada Lovelace\nZoe Quiet"


def test_forget_me_finds_the_name_in_who_came_whatever_the_case_of_its_accented_letters(
    factory: Factory, database: Database, backend
):
    event = factory.event(slug="meadow")
    zoe = factory.attendee(event, name="Zoë Ørsted")
    topic = factory.topic(event, None, title="Walking meetings")
    factory.place(event, topic, factory.room(event, name="Hall"), factory.slot(event, starts="10:00", ends="11:00"))
    with database.write_session() as session:
        facilitator = Actor.facilitator(event.id)
        for base, who_came in enumerate(("ZOË ØRSTED\nAda", "Ada")):
            notes.save_notes(
                session=session,
                event_id=event.id,
                topic_id=topic.id,  # type: ignore[arg-type]
                actor=facilitator,
                base_version=base,
                data=notes.NoteInput("We walked.", attendees_text=who_came),
            )

    with database.write_session() as session:
        attendees.remove_attendee(session=session, event_id=event.id, attendee_id=zoe.id)
    with database.read_session() as session:
        kept = [r.attendees_text for r in session.exec(select(NoteRevision).order_by(NoteRevision.version))]

    assert kept == [f"{FORMER_PARTICIPANT}\nAda", "Ada"]  # the old revision too: the name is gone from its history


def test_a_who_came_line_stays_when_someone_else_has_the_same_name_in_other_accented_capitals(
    factory: Factory, database: Database, backend
):
    event = factory.event(slug="meadow")
    zoe = factory.attendee(event, name="Zoë Ørsted")
    factory.attendee(event, name="ZOË ØRSTED")  # another Zoë: the line may be hers
    topic = factory.topic(event, None, title="Walking meetings")
    factory.place(event, topic, factory.room(event, name="Hall"), factory.slot(event, starts="10:00", ends="11:00"))
    with database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=topic.id,  # type: ignore[arg-type]
            actor=Actor.facilitator(event.id),
            base_version=0,
            data=notes.NoteInput("We walked.", attendees_text="Zoë Ørsted"),
        )

    with database.write_session() as session:
        attendees.remove_attendee(session=session, event_id=event.id, attendee_id=zoe.id)
    with database.read_session() as session:
        note = session.exec(select(Note)).one()

    assert note.attendees_text == "Zoë Ørsted"


# --- Deleting an event -------------------------------------------------------------------------------------


def test_deleting_an_event_needs_its_slug_and_takes_everything_with_it(
    day: Day, factory: Factory, database: Database, backend
):
    other = factory.event(slug="elsewhere")
    factory.attendee(other, name="Sam")

    refusals = []
    for typed in ("meado", "Meadow", "", None):
        with database.write_session() as session, pytest.raises(InvalidInput) as refused:
            events.delete_event(session=session, event_id=day.event.id, confirm=typed)
        refusals.append(refused.value.field)
    with database.write_session() as session:
        events.delete_event(session=session, event_id=day.event.id, confirm=" meadow ")  # a phone's stray space

    with database.read_session() as session:
        left = {
            "events": [e.slug for e in session.exec(select(Event))],
            "attendees": [a.display_name for a in session.exec(select(Attendee))],
            "topics": session.exec(select(Topic)).all(),
            "notes": session.exec(select(Note)).all(),
            "revisions": session.exec(select(NoteRevision)).all(),
        }
    assert refusals == ["confirm"] * 4
    assert left == {"events": ["elsewhere"], "attendees": ["Sam"], "topics": [], "notes": [], "revisions": []}


# --- Exports --------------------------------------------------------------------------------------------


def test_exports_name_only_the_people_who_chose_to_be_listed(day: Day, database: Database, backend):
    with database.read_session() as session:
        event = session.get(Event, day.event.id)
        data = load_export_data(session=session, event=event)  # type: ignore[arg-type]

    booklet = render_booklet(data)
    markdown = session_file(data, data.sessions[0])
    csv = export_csv(data).content.decode("utf-8-sig")
    document = json.loads(export_json(data).content)

    for text in (booklet, markdown, csv, json.dumps(document)):
        assert "Zoe Quiet" not in text
    assert "Ada Lovelace, and 1 other" in booklet
    assert "## Who came\n\n- Ada Lovelace\n- and 1 other\n" in markdown
    assert "Convened by a participant" in markdown
    assert [a["display_name"] for a in document["attendees"]] == ["Ada Lovelace", PARTICIPANT]
