"""Loading an event for the exporters, and the personal calendar links."""

from __future__ import annotations

import pytest

from app.models import Attendee
from app.services import events
from app.services.errors import NotFound
from app.services.export_data import attendee_of_calendar_token, calendar_token, load_export_data
from tests.exporters.events import NOTES_BODY, lively_event

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def test_loader_reads_rooms_slots_people_topics_votes_places_attendance_and_notes(factory, database):
    lively = lively_event(factory)
    with database.read_session() as session:
        data = load_export_data(session=session, event=lively.event.event, public_url="https://h.example/")

    assert data.public_url == "https://h.example"
    assert [r.name for r in data.rooms] == ["Main hall", "Bibliothèque"]
    assert [(s.label, s.kind) for s in data.slots] == [
        ("Opening circle", "plenary"),
        ("Session 1", "sessions"),
        ("Coffee", "break"),
        ("Session 2", "sessions"),
    ]
    assert [a.display_name for a in data.attendees] == ["Ada", "Zoë", "Bob"]
    by_title = {(t.title, t.convener_id): t for t in data.topics}
    brews = by_title[('Café / Thé: "best" brews', lively.ada.id)]
    assert (brews.status, brews.votes, brews.going) == ("placed", 3, 2)
    assert (brews.room_id, brews.slot_id) == (lively.hall.id, lively.first.id)
    assert brews.notes is not None
    assert brews.notes.text.body == NOTES_BODY
    assert [(r.version, r.kind, r.author_name) for r in brews.notes.revisions] == [
        (1, "save", "Ada"),
        (2, "save", "Facilitator"),
    ]
    assert [(s.number, s.topic.title, s.room.name if s.room else None) for s in data.sessions] == [
        (1, 'Café / Thé: "best" brews', "Main hall"),
        (2, "Remote work", "Bibliothèque"),
        (3, "Remote work", "Main hall"),
    ]
    assert {t.title: t.status for t in data.topics}["Spam"] == "hidden"
    assert [t.title for t in data.unplaced_topics] == ['=HYPERLINK("https://evil.example","click")']


def test_loader_without_notes_for_the_calendars(factory, database):
    lively = lively_event(factory)
    with database.read_session() as session:
        data = load_export_data(session=session, event=lively.event.event, with_notes=False)

    assert all(t.notes is None for t in data.topics)
    assert data.page_url("/wall") is None


def test_loader_of_an_empty_event(factory, database):
    event = factory.event()
    with database.read_session() as session:
        data = load_export_data(session=session, event=event.event)

    assert (data.rooms, data.slots, data.attendees, data.topics, data.sessions) == ((), (), (), (), ())


def test_calendar_token_finds_its_attendee_and_nothing_else(factory, database):
    event, other = factory.event(slug="one"), factory.event(slug="two")
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    token = calendar_token(secret_key=SECRET, event=event.event, attendee=ada.attendee)

    with database.read_session() as session:
        found = attendee_of_calendar_token(session=session, secret_key=SECRET, event=event.event, token=token)
        bad = [
            token.replace(str(ada.id), str(bob.id), 1),  # another attendee's id with Ada's MAC
            token[:-1] + ("A" if token[-1] != "A" else "B"),
            token + "x",
            "1-short",
            "",
        ]
        for wrong in bad:
            with pytest.raises(NotFound):
                attendee_of_calendar_token(session=session, secret_key=SECRET, event=event.event, token=wrong)
        with pytest.raises(NotFound):
            attendee_of_calendar_token(session=session, secret_key=SECRET, event=other.event, token=token)
        with pytest.raises(NotFound):
            attendee_of_calendar_token(session=session, secret_key="another-secret" * 4, event=event.event, token=token)

    assert isinstance(found, Attendee) and found.id == ada.id
    assert token != calendar_token(secret_key=SECRET, event=event.event, attendee=bob.attendee)


def test_calendar_token_is_stable_and_not_the_attendee_token(factory, database):
    event = factory.event()
    ada = factory.attendee(event)
    with database.read_session() as session:
        again = session.get(Attendee, ada.id)
        same_event = events.get_event(session=session, slug=event.slug)
    assert again is not None

    token = calendar_token(secret_key=SECRET, event=event.event, attendee=ada.attendee)

    assert token == calendar_token(secret_key=SECRET, event=same_event, attendee=again)
    assert ada.token.split(".")[1] not in token
