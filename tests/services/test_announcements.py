"""Announcements: the facilitator's word to everyone, cleaned and kept in a short list."""

from __future__ import annotations

import pytest

from app.services import announcements
from app.services.actors import Actor
from app.services.errors import InvalidInput, NotAllowed


def _announce(database, actor: Actor, text: str):
    with database.write_session() as session:
        return announcements.announce(session=session, event_id=actor.event_id, actor=actor, text=text).result


def _recent(database, event_id: int) -> list[str]:
    with database.read_session() as session:
        return [a.text for a in announcements.recent(session=session, event_id=event_id)]


def test_announce_keeps_the_text_cleaned_on_one_line(factory, database, backend):
    event = factory.event()

    said = _announce(database, Actor.facilitator(event.id), "  Lunch is\nin the   garden \u202e ")

    assert said.text == "Lunch is in the garden"
    assert _recent(database, event.id) == ["Lunch is in the garden"]


def test_recent_announcements_are_the_latest_five_newest_first(factory, database, backend):
    event = factory.event()
    for n in range(7):
        _announce(database, Actor.facilitator(event.id), f"Message {n}")

    assert _recent(database, event.id) == ["Message 6", "Message 5", "Message 4", "Message 3", "Message 2"]


def test_announce_is_for_the_facilitator_only(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)

    with pytest.raises(NotAllowed) as refused:
        _announce(database, Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada"), "Free beer")

    assert refused.value.message == "Only the event's facilitator makes announcements."
    assert _recent(database, event.id) == []


def test_announce_by_the_facilitator_of_another_event_is_refused(factory, database, backend):
    event, other = factory.event(), factory.event(name="Other")

    with pytest.raises(NotAllowed) as refused, database.write_session() as session:
        announcements.announce(session=session, event_id=event.id, actor=Actor.facilitator(other.id), text="Hi")

    assert refused.value.message == "You are not part of this event."
    assert _recent(database, event.id) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "The announcement can't be empty."),
        ("x" * 281, "The announcement is too long: 281 characters, at most 280."),
        ("\ud800", "The announcement can't be empty."),  # a lone surrogate alone is nothing to say
    ],
)
def test_announce_bad_text_is_refused_naming_the_field(factory, database, backend, text, message):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        _announce(database, Actor.facilitator(event.id), text)

    assert (refused.value.field, refused.value.message) == ("text", message)
    assert _recent(database, event.id) == []


def test_announce_with_a_lone_surrogate_keeps_the_rest(factory, database, backend):
    event = factory.event()

    said = _announce(database, Actor.facilitator(event.id), "Room p\ud800 moved")

    assert said.text == "Room p moved"
