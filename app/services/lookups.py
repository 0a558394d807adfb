"""Finding one thing of one event by id: unknown ids and other events' ids answer the same NotFound."""

from sqlmodel import Session

from app.i18n import Text, _, at_time
from app.models import Event, Room, Slot, Topic, TopicStatus
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.services.actors import Actor
from app.services.errors import NotFound, TopicNotActive

# A hidden topic was abusive; a merged one lives on in another. Either, and its notes, is the facilitator's alone.
FACILITATOR_ONLY_STATUSES = frozenset({TopicStatus.hidden, TopicStatus.merged})

# Translators: a topic's status, said in sentences such as "“X” was withdrawn: it no longer takes dots."
STATUS_WORDS: dict[str, str] = {
    TopicStatus.proposed: _("proposed"),
    TopicStatus.placed: _("placed"),
    TopicStatus.withdrawn: _("withdrawn"),
    TopicStatus.hidden: _("hidden"),
    TopicStatus.merged: _("merged"),
}


def status_word(status: str) -> str:
    """A topic's status as a sentence says it, in the reader's language."""
    return STATUS_WORDS.get(status, status)  # a StrEnum's member is found by its plain value too


def get_topic(*, session: Session, event_id: int, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None or topic.event_id != event_id:
        raise NotFound(_("There is no topic {id} in this event.", id=topic_id))
    return topic


def get_readable_topic(*, session: Session, event_id: int, topic_id: int, actor: Actor) -> Topic:
    """A topic as this actor may read it: a hidden or merged one answers as if it did not exist, but to the
    facilitator (its title, convener and notes must not leak through a guessed id)."""
    topic = get_topic(session=session, event_id=event_id, topic_id=topic_id)
    if topic.status in FACILITATOR_ONLY_STATUSES and not actor.is_facilitator:
        raise NotFound(_("There is no topic {id} in this event.", id=topic_id))
    return topic


def get_active_topic(*, session: Session, event_id: int, topic_id: int) -> Topic:
    """A topic that still takes votes, places and attendees."""
    topic = get_topic(session=session, event_id=event_id, topic_id=topic_id)
    if topic.status not in ACTIVE_TOPIC_STATUSES:
        raise TopicNotActive(
            _(
                "'{title}' was {status}: it is no longer on the marketplace.",
                title=topic.title,
                status=status_word(topic.status),
            )
        )
    return topic


def get_room(*, session: Session, event_id: int, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None or room.event_id != event_id:
        raise NotFound(_("There is no room {id} in this event.", id=room_id))
    return room


def get_slot(*, session: Session, event_id: int, slot_id: int) -> Slot:
    slot = session.get(Slot, slot_id)
    if slot is None or slot.event_id != event_id:
        raise NotFound(_("There is no slot {id} in this event.", id=slot_id))
    return slot


def get_event_by_id(*, session: Session, event_id: int) -> Event:
    """The event as it is inside the current transaction (its phase switches may just have changed)."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(_("This event no longer exists."))
    return event


def slot_time(session: Session, slot: Slot) -> Text:
    """A slot's start as a sentence names it ("in Studio at {time}"), with its day on an event of several days."""
    event = session.get(Event, slot.event_id)
    return at_time(slot.starts_at, with_day=event is not None and event.several_days)
