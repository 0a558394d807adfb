"""The notes merge rule and saves: clean merges, conflicts, the same edit twice, delete against edit, and,
with generated edits, that both texts of any pair of concurrent saves are recoverable from the revisions."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import Database
from app.models import RevisionKind
from app.services import notes
from app.services.actors import Actor
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
