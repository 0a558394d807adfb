"""The services' words for people: marked where they are made (English as strings, for logs and tests), said in
the reader's language where they are shown; the activity list written once, in the event's language."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import i18n
from app.i18n import Text, translated
from app.models.event import EventUpdate
from app.services import activity, events, lookups, team, topics
from app.services.errors import InvalidInput, NotFound, TopicLimitReached
from app.services.text import clean_line
from tests.factories import EventWithKey, Factory
from tests.stand_in_catalogues import Messages, stand_in


@pytest.fixture
def catalogues(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Messages], None]:
    return stand_in(monkeypatch)


def test_a_refusal_is_marked_words_carrying_its_values(factory: Factory, database):
    event = factory.event()

    with database.read_session() as session, pytest.raises(NotFound) as refused:
        lookups.get_topic(session=session, event_id=event.id, topic_id=999)

    message = refused.value.message
    assert isinstance(message, Text)
    assert (message.msgid, message.params) == ("There is no topic {id} in this event.", {"id": 999})
    assert message == "There is no topic 999 in this event."  # English as a string: logs, tests, the API's default


def test_a_refusal_is_said_in_the_reader_language_with_the_field_it_names(catalogues):
    catalogues("es", {"{label} can't be empty.": "{label} no puede estar vacío.", "The title": "El título"})

    with pytest.raises(InvalidInput) as refused:
        clean_line("   ", field="title", label=i18n._("The title"), max_length=120)

    with i18n.speaking("es"):
        assert translated(refused.value.message) == "El título no puede estar vacío."
    assert translated(refused.value.message) == "The title can't be empty."


def test_a_count_in_a_refusal_takes_the_language_plural_form(factory: Factory, database, catalogues):
    singular = (
        "This event has reached its limit of {count} topics. Give your dots to a topic already proposed, or ask the "
        "facilitator to make room for more."
    )
    plural = singular  # the English says "topics" whatever the count, as it did; other languages have their forms
    welsh = ("dim {count}", "un {count}", "dau {count}", "tri {count}", "chwech {count}", "llawer {count}")
    catalogues("cy", {(singular, plural): welsh})
    event = factory.event()
    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(topic_limit=2))
    ada = factory.attendee(event, name="Ada")
    factory.topic(event, ada, title="One")
    factory.topic(event, ada, title="Two")

    with pytest.raises(TopicLimitReached) as refused:
        factory.topic(event, ada, title="Three")  # the facilitator is not held to the limit; attendees are

    assert refused.value.message == plural.format(count=2)
    with i18n.speaking("cy"):
        assert translated(refused.value.message) == "dau 2"  # Welsh's "two" form, of its six


def _renamed_member(database, event: EventWithKey, name: str):
    with database.write_session() as session:
        member = team.member_for_key(session=session, event_id=event.id, key=event.key)
        assert member is not None
        member.name = name
        session.add(member)
        return team.actor_of(member)


def _set_language(database, event: EventWithKey, language: str) -> None:
    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(language=language))


def _latest(database, event: EventWithKey) -> activity.ActivityLine:
    with database.read_session() as session:
        return activity.recent(session=session, event_id=event.id)[0]


def test_the_activity_list_is_written_in_the_event_language_whoever_acts(factory: Factory, database, catalogues):
    catalogues("es", {"hid {topic}": "ocultó {topic}", "“{title}”": "«{title}»"})
    event = factory.event()
    sam = _renamed_member(database, event, "Sam")
    _set_language(database, event, "es")
    spam = factory.topic(event, None, title="Spam")

    with database.write_session() as session:  # the facilitator's own browser speaks English
        topics.hide_topic(session=session, event_id=event.id, topic_id=spam.id, actor=sam)

    line = _latest(database, event)
    assert line.activity.summary == "ocultó «Spam»"  # stored so: the team reads one list
    assert line.text == "Sam ocultó «Spam»"


def test_an_english_event_keeps_an_english_list_when_a_spanish_speaker_acts(factory: Factory, database, catalogues):
    catalogues("es", {"hid {topic}": "ocultó {topic}"})
    event = factory.event()
    sam = _renamed_member(database, event, "Sam")
    spam = factory.topic(event, None, title="Spam")

    with i18n.speaking("es"), database.write_session() as session:
        topics.hide_topic(session=session, event_id=event.id, topic_id=spam.id, actor=sam)

    assert _latest(database, event).activity.summary == "hid “Spam”"


def test_several_settings_changed_at_once_are_one_line_in_the_event_language(factory: Factory, database, catalogues):
    catalogues(
        "es",
        {
            "closed voting": "cerró la votación",
            "set the dot budget to {value}": "fijó los puntos en {value}",
        },
    )
    event = factory.event()
    sam = _renamed_member(database, event, "Sam")
    _set_language(database, event, "es")

    with database.write_session() as session:
        events.update_event(
            session=session,
            event_id=event.id,
            update=EventUpdate(voting_open=False, votes_per_attendee=4),
            actor=sam,
        )

    assert _latest(database, event).activity.summary == "cerró la votación, fijó los puntos en 4"


def test_messages_said_one_after_another_are_each_in_the_reader_language(catalogues):
    catalogues("de", {"opened voting": "öffnete die Abstimmung"})
    said = i18n.joined([i18n._("opened voting"), i18n._("set the dot budget to {value}", value=6)], "; ")

    assert said == "opened voting; set the dot budget to 6"
    with i18n.speaking("de"):
        assert translated(said) == "öffnete die Abstimmung; set the dot budget to 6"
