"""A Note: the notes of one placed session, and every NoteRevision of them, kept forever.

Every save that changes the notes takes the next version number, and a revision is named by the version
it holds. Mostly each save is a revision of its own. A save by the author of the latest revision, soon
after it, is folded into it instead (app/services/notes.py): that revision takes the new text, time and
number, so a burst of autosaves is one revision named by its last version, and the numbers it passed
through are no revision any more. The note's `version` is the revision whose text the notes show now; a
`conflict` revision takes a number too but does not become current. So current versions skip numbers.

A version folded away may still be the base of someone's editor: its text is kept for a while as a
FoldedVersion, only to merge such a stale save on what its author really saw.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models._base import MAX_ROW_ID, utcnow

# Markdown body, measured in bytes of UTF-8; the structured fields, in characters.
MAX_NOTES_BYTES = 200 * 1024
MAX_FIELD_CHARS = 20_000
MAX_URL_CHARS = 500


class RevisionKind(StrEnum):
    save = "save"  # saved on the current version: became the notes as sent
    merge = "merge"  # saved on an older version: merged with what was saved meanwhile, and that became the notes
    conflict = "conflict"  # saved on an older version and clashing: kept aside as sent, the notes unchanged
    restore = "restore"  # an earlier revision's text, brought back as the notes


FIELD_NAMES = ("body", "key_points", "actions", "continue_url", "attendees_text")


class NoteFields(SQLModel):
    """What people write: the Markdown body and the structured fields of an open space report."""

    body: str = Field(default="", sa_type=Text)
    key_points: str = Field(default="", sa_type=Text)
    # One action a line, "what — owner".
    actions: str = Field(default="", sa_type=Text)
    # Where the conversation goes on (a chat channel, a repository, a mailing list): http(s) only.
    continue_url: str = Field(default="", max_length=MAX_URL_CHARS)
    # Who came, one name a line; starts from the "I'm going" list and is edited by hand.
    attendees_text: str = Field(default="", sa_type=Text)


class Note(NoteFields, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    # Kept when the topic is later unplaced: what was written stays readable (and writable).
    topic_id: int = Field(foreign_key="topic.id", unique=True, ondelete="CASCADE")
    version: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=40)


class NoteRevision(NoteFields, table=True):
    __table_args__ = (UniqueConstraint("note_id", "version", name="uq_noterevision_note_version"),)

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="note.id", index=True, ondelete="CASCADE")
    version: int
    kind: RevisionKind = Field(sa_type=String(16))
    # The version the author's text was based on: the previous version for a plain save, older for a merge.
    base_version: int
    # What its author sent ({field: text} for every field of FIELD_NAMES), when what was stored differs
    # from it (a merge); None when the revision holds the text as sent.
    submitted: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    author_name: str = Field(max_length=40)
    # None for the facilitator, or an attendee who has since been removed.
    author_id: int | None = Field(default=None, foreign_key="attendee.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)

    def sent(self, field: str = "body") -> str:
        """A field as its author sent it (for a restore: the restored text)."""
        if self.submitted is not None and field in self.submitted:
            return str(self.submitted[field])
        return str(getattr(self, field))


class FoldedVersion(NoteFields, table=True):
    """The text of a version that a fold replaced: a merge base for editors still on it, not history.

    The service keeps the last few of each note (see `FOLDED_VERSIONS_KEPT`) and deletes older ones.
    """

    __table_args__ = (UniqueConstraint("note_id", "version", name="uq_foldedversion_note_version"),)

    id: int | None = Field(default=None, primary_key=True)
    # No index of its own: the unique constraint's index starts with note_id.
    note_id: int = Field(foreign_key="note.id", ondelete="CASCADE")
    version: int


class NoteSave(SQLModel):
    """A save: the body, the version it was based on, and the structured fields to change (omitted: kept)."""

    body: str
    base_version: int = Field(ge=0, le=MAX_ROW_ID)
    key_points: str | None = None
    actions: str | None = None
    continue_url: str | None = None
    attendees_text: str | None = None


class NotePublic(SQLModel):
    topic_id: int
    version: int
    body: str
    key_points: str
    actions: str
    continue_url: str
    attendees_text: str
    # The "I'm going" list, to start `attendees_text` from: the names of those who chose to be listed…
    going: list[str]
    # …and how many others are going (app/services/privacy.py).
    going_others: int = 0
    updated_at: datetime | None
    updated_by: str | None
    locked: bool


class NoteRevisionPublic(SQLModel):
    version: int
    kind: RevisionKind
    base_version: int
    body: str
    key_points: str
    actions: str
    continue_url: str
    attendees_text: str
    submitted: dict[str, Any] | None
    author_name: str
    author_id: int | None
    created_at: datetime
