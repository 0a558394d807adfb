"""The notes merge rule and saves: clean merges, conflicts, the same edit twice, delete against edit, and,
with generated edits, that both texts of any pair of concurrent saves are recoverable from the revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app.db import Database
from app.models import FoldedVersion, RevisionKind
from app.services import notes
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import NotFound
from app.services.notes import NoteInput, merge_text
from tests.factories import Factory

ADA, BOB = "Ada", "Bob"  # authors by name; each save is credited to one


def test_merge_of_edits_on_different_lines_keeps_both():
    merged = merge_text(base="one\n\ntwo\n\nthree\n", theirs="ONE\n\ntwo\n\nthree\n", yours="one\n\ntwo\n\nTHREE\n")

    assert (merged.text, merged.conflicted) == ("ONE\n\ntwo\n\nTHREE\n", False)


def test_merge_of_different_edits_to_one_line_is_a_conflict():
    merged = merge_text(base="the plan\n", theirs="Ada's plan\n", yours="Bob's plan\n")

    assert (merged.text, merged.conflicted) == ("Ada's plan\n", True)


def test_merge_of_the_same_edit_twice_is_that_edit():
    merged = merge_text(base="a\nb\n", theirs="a\nB\n", yours="a\nB\n")

    assert (merged.text, merged.conflicted) == ("a\nB\n", False)


def test_merge_of_a_delete_against_an_edit_of_that_line_is_a_conflict():
    merged = merge_text(base="keep\ndrop\nend\n", theirs="keep\nend\n", yours="keep\ndrop it now\nend\n")

    assert merged.conflicted is True


def test_merge_of_a_delete_and_an_edit_elsewhere_keeps_both():
    base = "a\n\nb\n\nc\n\nd\n"

    merged = merge_text(base=base, theirs="a\n\nb\n\nc\n\n", yours="A\n\nb\n\nc\n\nd\n")

    assert (merged.text, merged.conflicted) == ("A\n\nb\n\nc\n\n", False)


def test_merge_of_two_additions_at_the_end_keeps_both_theirs_first():
    merged = merge_text(base="- a", theirs="- a\n- from Ada", yours="- a\n- from Bob")

    assert (merged.text, merged.conflicted) == ("- a\n- from Ada\n- from Bob", False)


# --- Saves through the service, on the database ---------------------------------------------------


@pytest.fixture
def placed(factory: Factory) -> tuple[int, int]:
    event = factory.event()
    topic = factory.topic(event, factory.attendee(event))
    factory.place(event, topic, factory.room(event), factory.slot(event))
    return event.id, topic.id  # type: ignore[return-value]


def _save(database: Database, placed: tuple[int, int], author: str, base: int, body: str) -> notes.SaveResult:
    with database.write_session() as session:
        return notes.save_notes(
            session=session,
            event_id=placed[0],
            topic_id=placed[1],
            actor=Actor(event_id=placed[0], attendee_name=author),
            base_version=base,
            data=NoteInput(body=body),
        ).result


def _sent_texts(database: Database, placed: tuple[int, int]) -> list[str]:
    with database.read_session() as session:
        return [
            r.sent()
            for r in notes.list_revisions(
                session=session, event_id=placed[0], topic_id=placed[1], actor=Actor.facilitator(placed[0])
            )
        ]


def test_a_conflicting_save_is_kept_and_the_notes_unchanged(database, placed, backend):
    _save(database, placed, ADA, 0, "start")
    _save(database, placed, ADA, 1, "Ada's")

    result = _save(database, placed, BOB, 1, "Bob's")

    assert (result.outcome, result.note.version, result.note.body, result.conflicts) == (
        "conflict",
        2,
        "Ada's",
        ("body",),
    )
    assert result.revision is not None
    assert (result.revision.kind, result.revision.version, result.revision.body) == (RevisionKind.conflict, 3, "Bob's")


def test_the_next_save_after_a_conflict_takes_the_next_number(database, placed, backend):
    _save(database, placed, ADA, 0, "start")
    _save(database, placed, ADA, 1, "Ada's")
    _save(database, placed, BOB, 1, "Bob's")

    result = _save(database, placed, BOB, 2, "Ada's and Bob's")

    assert (result.outcome, result.note.version) == ("saved", 4)


def test_a_merge_keeps_the_text_as_sent(database, placed, backend):
    _save(database, placed, ADA, 0, "a\n\nb\n")
    _save(database, placed, ADA, 1, "A\n\nb\n")

    result = _save(database, placed, BOB, 1, "a\n\nB\n")

    assert result.outcome == "merged"
    assert result.revision is not None and result.revision.submitted is not None
    assert (result.note.body, result.revision.submitted["body"]) == ("A\n\nB\n", "a\n\nB\n")


lines = st.lists(st.sampled_from(["alpha", "beta", "gamma", "", "- item", "**bold**", "delta"]), max_size=6)


@st.composite
def edit_of(draw: st.DrawFn, base: list[str]) -> str:
    """An edit of the base: some lines deleted, changed or inserted."""
    out: list[str] = []
    for line in base:
        action = draw(st.sampled_from(["keep", "keep", "drop", "change", "insert"]))
        if action == "keep":
            out.append(line)
        elif action == "change":
            out.append(line + draw(st.sampled_from(["!", " more", "?"])))
        elif action == "insert":
            out.extend([line, draw(st.sampled_from(["new", "added", "x"]))])
    out.extend(draw(lines))
    return "\n".join(out)


@st.composite
def concurrent_edits(draw: st.DrawFn) -> tuple[str, str, str]:
    base = draw(lines)
    return "\n".join(base), draw(edit_of(base)), draw(edit_of(base))


@given(concurrent_edits())
def test_merge_is_clean_or_says_conflict_and_keeps_both_changes_when_clean(edits):
    base, theirs, yours = edits

    merged = merge_text(base=base, theirs=theirs, yours=yours)

    if merged.conflicted or yours in (base, theirs):
        assert merged.text == theirs
    elif theirs == base:
        assert merged.text == yours
    else:
        # Every line either side added survives a clean merge.
        for added in (set(theirs.splitlines()) - set(base.splitlines())) | (
            set(yours.splitlines()) - set(base.splitlines())
        ):
            assert added in merged.text.splitlines()


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=concurrent_edits())
def test_both_texts_of_two_concurrent_saves_are_in_the_revisions(factory, edits):
    base, theirs, yours = edits
    event = factory.event()
    topic = factory.topic(event, factory.attendee(event))
    factory.place(event, topic, factory.room(event), factory.slot(event))
    placed = (event.id, topic.id)
    first = _save(factory.database, placed, ADA, 0, base)

    _save(factory.database, placed, ADA, first.note.version, theirs)
    _save(factory.database, placed, BOB, first.note.version, yours)

    sent = _sent_texts(factory.database, placed)
    # Each text is a revision as sent, or changed nothing: the notes already said it (the empty start,
    # the base, or the other person's text).
    assert base in sent or base == ""
    assert theirs in sent or theirs == base
    assert yours in sent or yours in (base, theirs)


# --- Reading the latest notes ---------------------------------------------------------------------


def test_latest_notes_are_those_saved_for_the_asked_topics(factory, database, backend):
    event = factory.event()
    room, slot = factory.room(event), factory.slot(event)
    asked, unwritten, unasked = (factory.topic(event, None, title=t) for t in ("Asked", "Unwritten", "Unasked"))
    factory.place(event, asked, room, slot)
    factory.place(event, unwritten, factory.room(event, name="Garden"), slot)
    factory.place(event, unasked, factory.room(event, name="Library"), slot)
    _save(database, (event.id, asked.id), ADA, 0, "asked, first")
    _save(database, (event.id, asked.id), BOB, 1, "asked, second")
    _save(database, (event.id, unasked.id), ADA, 0, "not asked for")

    with database.read_session() as session:
        latest = notes.latest_notes(session=session, event_id=event.id, topic_ids={asked.id, unwritten.id, 999})

    assert [(n.topic_id, n.version, n.body, n.updated_by) for n in latest] == [(asked.id, 2, "asked, second", "Bob")]


# --- The fold rule: one person's saves within the window are one revision ----------------------------

WINDOW = timedelta(seconds=60)
T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@dataclass
class Room:
    """A placed session with three people who write in its notes."""

    database: Database
    event_id: int
    topic_id: int
    ada: Actor
    bob: Actor
    cy: Actor

    @property
    def facilitator(self) -> Actor:
        return Actor.facilitator(self.event_id)

    def save(self, actor: Actor, base: int, body: str, seconds: float) -> Written[notes.SaveResult]:
        """`actor` saves `body` on `base`, `seconds` after T0, with the fold window on."""
        with self.database.write_session() as session:
            return notes.save_notes(
                session=session,
                event_id=self.event_id,
                topic_id=self.topic_id,
                actor=actor,
                base_version=base,
                data=NoteInput(body=body),
                fold_within=WINDOW,
                now=T0 + timedelta(seconds=seconds),
            )

    def history(self) -> list[tuple[int, str, str, str, int]]:
        """(version, kind, author, body, base version) of every revision, oldest first."""
        with self.database.read_session() as session:
            revisions = notes.list_revisions(
                session=session, event_id=self.event_id, topic_id=self.topic_id, actor=self.facilitator
            )
        return [(r.version, str(r.kind), r.author_name, r.body, r.base_version) for r in revisions]

    def current(self) -> tuple[int, str]:
        with self.database.read_session() as session:
            note = notes.get_note_row(session=session, topic_id=self.topic_id)
        assert note is not None
        return note.version, note.body


@pytest.fixture
def room(factory: Factory) -> Room:
    event = factory.event()
    people = [factory.attendee(event, name=name) for name in ("Ada", "Bob", "Cy")]
    topic = factory.topic(event, people[0])
    factory.place(event, topic, factory.room(event), factory.slot(event))
    ada, bob, cy = (Actor(event_id=event.id, attendee_id=p.id, attendee_name=p.attendee.display_name) for p in people)
    return Room(factory.database, event.id, topic.id, ada, bob, cy)  # type: ignore[arg-type]


def test_a_save_59_seconds_after_the_same_attendees_revision_is_folded_into_it(room, backend):
    room.save(room.ada, 0, "- first", 0)

    written = room.save(room.ada, 1, "- first\n- second", 59)

    assert room.history() == [(2, "save", "Ada", "- first\n- second", 0)]
    assert room.current() == (2, "- first\n- second")
    assert written.result.outcome == "saved"
    assert written.result.revision is not None
    assert (written.result.revision.version, _utc(written.result.revision.created_at)) == (
        2,
        T0 + timedelta(seconds=59),
    )
    # Still announced: the other pages learn of version 2 as of any save.
    assert written.change == BoardChange.of(room.event_id, "notes", notes_topic_ids={room.topic_id})


def test_a_save_61_seconds_after_the_same_attendees_revision_is_a_new_revision(room, backend):
    room.save(room.ada, 0, "- first", 0)

    room.save(room.ada, 1, "- first\n- second", 61)

    assert room.history() == [(1, "save", "Ada", "- first", 0), (2, "save", "Ada", "- first\n- second", 1)]


def test_the_window_runs_from_the_last_save_folded_in(room, backend):
    room.save(room.ada, 0, "a", 0)
    room.save(room.ada, 1, "ab", 50)

    room.save(room.ada, 2, "abc", 100)  # 100 s after the first save, 50 s after the last

    assert room.history() == [(3, "save", "Ada", "abc", 0)]


def test_the_facilitators_saves_fold_too(room, backend):
    room.save(room.facilitator, 0, "agenda", 0)

    room.save(room.facilitator, 1, "agenda, amended", 30)

    assert room.history() == [(2, "save", "Facilitator", "agenda, amended", 0)]


def test_without_a_window_every_save_is_a_revision(room, backend):
    with room.database.write_session() as session:
        for base, body in ((0, "one"), (1, "two")):
            notes.save_notes(
                session=session,
                event_id=room.event_id,
                topic_id=room.topic_id,
                actor=room.ada,
                base_version=base,
                data=NoteInput(body=body),
                now=T0,
            )

    assert [r[:4] for r in room.history()] == [(1, "save", "Ada", "one"), (2, "save", "Ada", "two")]


def test_another_persons_save_in_between_starts_a_new_revision(room, backend):
    room.save(room.ada, 0, "Ada's line", 0)
    room.save(room.bob, 1, "Ada's line\nBob's line", 10)

    room.save(room.ada, 2, "Ada's line\nBob's line\nAda again", 20)

    assert [r[:3] for r in room.history()] == [(1, "save", "Ada"), (2, "save", "Bob"), (3, "save", "Ada")]
    assert [r[3] for r in room.history()] == [
        "Ada's line",
        "Ada's line\nBob's line",
        "Ada's line\nBob's line\nAda again",
    ]


def test_a_merged_save_is_a_revision_of_its_own_and_nothing_folds_into_it(room, backend):
    room.save(room.ada, 0, "a\n\nb", 0)
    room.save(room.bob, 1, "A\n\nb", 5)
    merged = room.save(room.ada, 1, "a\n\nB", 10).result  # Ada's editor was still on version 1

    room.save(room.ada, 3, "A\n\nB\n\nc", 15)

    assert merged.outcome == "merged"
    assert [r[:3] for r in room.history()] == [
        (1, "save", "Ada"),
        (2, "save", "Bob"),
        (3, "merge", "Ada"),
        (4, "save", "Ada"),
    ]
    assert room.current() == (4, "A\n\nB\n\nc")


def test_a_conflict_kept_aside_after_a_revision_stops_it_folding(room, backend):
    room.save(room.ada, 0, "the plan", 0)
    room.save(room.ada, 1, "Ada's plan", 5)  # folded: version 2
    conflict = room.save(room.bob, 1, "Bob's plan", 6).result

    room.save(room.ada, 2, "Ada's plan, final", 10)

    assert conflict.outcome == "conflict"
    assert [r[:4] for r in room.history()] == [
        (2, "save", "Ada", "Ada's plan"),
        (3, "conflict", "Bob", "Bob's plan"),
        (4, "save", "Ada", "Ada's plan, final"),
    ]


def test_a_stale_save_on_a_version_folded_away_merges_on_the_text_its_editor_saw(room, backend):
    room.save(room.ada, 0, "- a", 0)  # Bob's editor loads version 1
    room.save(room.ada, 1, "- a\n- from Ada", 5)
    room.save(room.ada, 2, "- a\n- from Ada\n- more from Ada", 10)  # versions 1 and 2 folded into 3

    result = room.save(room.bob, 1, "- a\n- from Bob", 12).result

    assert (result.outcome, result.note.body) == ("merged", "- a\n- from Ada\n- more from Ada\n- from Bob")
    assert [r[:3] for r in room.history()] == [(3, "save", "Ada"), (4, "merge", "Bob")]


def test_past_the_kept_folded_versions_a_stale_save_loses_no_line(room, backend):
    room.save(room.bob, 0, "intro", 0)
    lines = ["intro"]
    for n in range(notes.FOLDED_VERSIONS_KEPT + 2):  # Cy's editor loads Ada's first version, 2
        lines.append(f"- Ada {n}")
        room.save(room.ada, len(lines) - 1, "\n".join(lines), 1 + n)
    cys = "intro\n- Ada 0\n- from Cy"

    result = room.save(room.cy, 2, cys, 30).result

    assert result.outcome == "merged"
    merged_lines = result.note.body.splitlines()
    assert set(lines) | set(cys.splitlines()) <= set(merged_lines)
    with room.database.read_session() as session:
        kept = session.exec(select(FoldedVersion)).all()
    assert len(kept) == notes.FOLDED_VERSIONS_KEPT  # bounded, however long the burst


def test_a_version_folded_away_is_not_found_naming_the_revision_it_went_into(room, backend):
    room.save(room.ada, 0, "one", 0)
    room.save(room.ada, 1, "two", 5)

    with room.database.read_session() as session, pytest.raises(NotFound, match="Version 1 was folded into version 2"):
        notes.get_revision(
            session=session, event_id=room.event_id, topic_id=room.topic_id, actor=room.facilitator, version=1
        )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
