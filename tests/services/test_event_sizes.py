"""How big events are: counted per event, for the organisers' list and the facilitator's overview."""

from __future__ import annotations

from datetime import date

from app.models import SlotKind
from app.models.event import EventUpdate
from app.services import event_sizes, events, topics
from app.services.actors import Actor
from app.services.event_sizes import EventSize
from tests.factories import Factory


def test_an_event_is_counted_by_its_people_topics_sessions_dots_and_frame(factory: Factory, backend):
    event = factory.event(slug="busy")
    ada, bo, cy = (factory.attendee(event, name=name) for name in ("Ada", "Bo", "Cy"))
    hall, _attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    factory.slot(event, starts="11:00", ends="11:30", kind=SlotKind.break_)
    factory.theme(event, name="Care")
    placed, waiting = factory.topic(event, ada, title="Rest"), factory.topic(event, bo, title="Play")
    hidden = factory.topic(event, None, title="Spam")
    factory.place(event, placed, hall, morning)
    factory.vote(ada, placed)
    factory.vote(bo, waiting)
    factory.vote(cy, hidden)
    with factory.database.write_session() as session:
        topics.hide_topic(session=session, event_id=event.id, topic_id=hidden.id, actor=Actor.facilitator(event.id))
        # Hidden: Cy's dot went back to Cy, and the topic counts no more.

    with factory.database.read_session() as session:
        size = event_sizes.sizes_of(session=session, event_ids=[event.id])[event.id]

    assert size == EventSize(attendees=3, topics=2, sessions=1, dots=2, rooms=2, slots=2, session_slots=1, themes=1)
    assert (size.waiting, size.free_cells) == (1, 1)


def test_an_empty_event_counts_zeros_and_other_events_are_apart(factory: Factory, backend):
    empty, other = factory.event(slug="empty"), factory.event(slug="other")
    factory.attendee(other, name="Ada")
    factory.room(other, name="Hall")

    with factory.database.read_session() as session:
        asked = event_sizes.sizes_of(session=session, event_ids=[empty.id])
        everyone = event_sizes.sizes_of(session=session)

    assert asked == {empty.id: EventSize()}
    assert everyone[other.id] == EventSize(attendees=1, rooms=1)


def test_the_events_are_listed_latest_date_first_each_with_its_size(factory: Factory, backend):
    factory.event(name="Beta", slug="beta")
    alpha, later = factory.event(name="Alpha", slug="alpha"), factory.event(name="Zeta", slug="zeta")
    factory.attendee(alpha, name="Ada")
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=later.id, update=EventUpdate(date=date(2027, 5, 1)))

    with factory.database.read_session() as session:
        listed = event_sizes.list_events(session=session)

    # The latest date first; on one date, by name.
    assert [(item.event.slug, item.size.attendees) for item in listed] == [("zeta", 0), ("alpha", 1), ("beta", 0)]
