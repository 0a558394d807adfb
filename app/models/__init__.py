"""The table models, one file per aggregate; importing this package registers them all on SQLModel.metadata."""

from app.models._base import id_of
from app.models.activity import Activity, ActivityKind
from app.models.announcement import Announcement
from app.models.attendance import Attendance
from app.models.attendee import Attendee
from app.models.cancelled_attendance import CancelledAttendance
from app.models.enums import SlotKind, TopicStatus
from app.models.event import Event
from app.models.facilitator import Facilitator
from app.models.not_duplicate import NotDuplicate
from app.models.note import FoldedVersion, Note, NoteRevision, RevisionKind
from app.models.placement import Placement
from app.models.room import Room
from app.models.slot import Slot
from app.models.theme import Theme
from app.models.topic import Topic
from app.models.topic_apart import TopicApart
from app.models.topic_convener import TopicConvener
from app.models.vote import Vote

__all__ = [
    "Activity",
    "ActivityKind",
    "Announcement",
    "Attendance",
    "Attendee",
    "CancelledAttendance",
    "Event",
    "Facilitator",
    "FoldedVersion",
    "NotDuplicate",
    "Note",
    "NoteRevision",
    "Placement",
    "RevisionKind",
    "Room",
    "Slot",
    "SlotKind",
    "Theme",
    "Topic",
    "TopicApart",
    "TopicConvener",
    "TopicStatus",
    "Vote",
    "id_of",
]
