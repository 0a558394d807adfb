"""The closed vocabularies of the domain (see DESIGN.md, glossary)."""

from enum import StrEnum


class SlotKind(StrEnum):
    sessions = "sessions"
    plenary = "plenary"
    break_ = "break"


class TopicStatus(StrEnum):
    proposed = "proposed"
    placed = "placed"
    withdrawn = "withdrawn"
    hidden = "hidden"
    merged = "merged"


# Topics that still take part in the event: they can be voted on, placed and attended.
ACTIVE_TOPIC_STATUSES = (TopicStatus.proposed, TopicStatus.placed)
