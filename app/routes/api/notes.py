"""Session notes: read them, save them on a base version (merged or answered 409, never overwritten), revisions.

A save answers 200 with the notes and `outcome`: "saved", "merged" (saved on an older version and merged
with what was saved meanwhile: the body answered is the merged one), or "unchanged". A save that clashes
is answered 409 with both texts, and the text sent is kept as a `conflict` revision all the same:

    {"detail": "...", "outcome": "conflict", "yours": "<your body>", "theirs": "<the current body>",
     "base_version": <your base>, "version": <the current version>, "revision": <your text's revision>,
     "conflicts": ["body", ...], "fields": {"<field>": {"yours": ..., "theirs": ...}, ...}}

Resolve by saving again with `base_version` set to `version`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.deps import ApiActor, ApiKnownActor, EventDep, RowId, SessionDep, SettingsDep, WriterDep, api_limit
from app.i18n import _, translated
from app.models import NoteRevision, id_of
from app.models.note import FIELD_NAMES, NotePublic, NoteRevisionPublic, NoteSave
from app.routes.api.answers import answers
from app.services import notes
from app.services.notes import NoteInput, SaveResult
from app.services.privacy import Names, names_for, names_shown, shown_name

router = APIRouter(tags=["notes"])


def notes_public(view: notes.NotesView, *, names: bool = True) -> NotePublic:
    """The notes as this reader may see them: on an event with a join code, who is going and who saved
    are named only to the people in it (app/services/privacy.py)."""
    note = view.note
    return NotePublic(
        topic_id=id_of(view.topic),
        version=view.version,
        **{name: view.value(name) for name in FIELD_NAMES},
        going=view.going if names else [],
        going_others=view.going_others if names else 0,
        updated_at=note.updated_at if note and note.version else None,
        updated_by=shown_name(note.updated_by, shown=names) if note and note.version else None,
        locked=view.locked,
    )


def revision_public(revision: NoteRevision, names: Names) -> NoteRevisionPublic:
    """A revision as this reader may see it: its author named, or "a participant" (app/services/privacy.py)."""
    public = NoteRevisionPublic.model_validate(revision)
    return public.model_copy(update={"author_name": names.name(revision.author_name, revision.author_id)})


@router.get("/events/{slug}/topics/{topic_id}/notes", responses=answers(401, 404))
def get_notes(topic_id: RowId, event: EventDep, actor: ApiActor, session: SessionDep) -> NotePublic:
    """A placed session's notes; version 0 and empty before the first save."""
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=actor)
    return notes_public(view, names=names_shown(event, actor))


@router.put(
    "/events/{slug}/topics/{topic_id}/notes",
    response_model=None,
    dependencies=[api_limit("notes_saves")],
    responses=answers(401, 403, 404, 409, 400, 413, 429),
)
async def save_notes(
    topic_id: RowId,
    body: NoteSave,
    event: EventDep,
    actor: ApiKnownActor,
    writer: WriterDep,
    session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any] | JSONResponse:
    """Save on `base_version`: stored, merged with saves made since, or 409 with both texts (kept as a revision).

    A save soon after the same person's previous one updates that revision (its number becomes the new
    version): `revision` in the answer is then that revision, not a new one.
    """
    event_id, base, data = id_of(event), body.base_version, NoteInput(**body.model_dump(exclude={"base_version"}))
    fold_within = settings.notes_fold_window
    result = await writer.run(
        lambda s: notes.save_notes(
            session=s,
            event_id=event_id,
            topic_id=topic_id,
            actor=actor,
            base_version=base,
            data=data,
            fold_within=fold_within,
        )
    )
    view = notes.get_notes(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    if result.outcome == "conflict":
        return JSONResponse(conflict_answer(result, view, body.base_version), status_code=409)
    return {
        **notes_public(view).model_dump(mode="json"),
        "outcome": result.outcome,
        "merged": result.outcome == "merged",
        "revision": result.revision.version if result.revision else None,
    }


def conflict_answer(result: SaveResult, view: notes.NotesView, base_version: int) -> dict[str, Any]:
    assert result.revision is not None
    theirs = {name: view.value(name) for name in FIELD_NAMES}
    return {
        "detail": translated(
            _(
                "Someone saved version {version} after your version {base} and changed the same lines. "
                "Your text is kept as revision {revision}; compare both texts, then save again "
                "with base_version {version}.",
                version=view.version,
                base=base_version,
                revision=result.revision.version,
            )
        ),
        "outcome": "conflict",
        "yours": result.sent["body"],
        "theirs": theirs["body"],
        "base_version": base_version,
        "version": view.version,
        "revision": result.revision.version,
        "conflicts": list(result.conflicts),
        "fields": {
            name: {"yours": result.sent[name], "theirs": theirs[name]} for name in result.conflicts if name != "body"
        },
    }


@router.get("/events/{slug}/topics/{topic_id}/notes/revisions", responses=answers(401, 404))
def list_revisions(topic_id: RowId, event: EventDep, actor: ApiActor, session: SessionDep) -> list[NoteRevisionPublic]:
    """Every revision, oldest first: saves, merges, conflicts kept aside, restores."""
    revisions = notes.list_revisions(session=session, event_id=id_of(event), topic_id=topic_id, actor=actor)
    names = names_for(session=session, event=event, reader=actor)
    return [revision_public(r, names) for r in revisions]


@router.get("/events/{slug}/topics/{topic_id}/notes/revisions/{version}", responses=answers(401, 404))
def get_revision(
    topic_id: RowId, version: RowId, event: EventDep, actor: ApiActor, session: SessionDep
) -> NoteRevisionPublic:
    revision = notes.get_revision(
        session=session, event_id=id_of(event), topic_id=topic_id, actor=actor, version=version
    )
    return revision_public(revision, names_for(session=session, event=event, reader=actor))


@router.post(
    "/events/{slug}/topics/{topic_id}/notes/revisions/{version}/restore",
    dependencies=[api_limit("notes_saves")],
    responses=answers(401, 403, 404, 409, 429),
)
async def restore_revision(
    topic_id: RowId, version: RowId, event: EventDep, actor: ApiKnownActor, writer: WriterDep, session: SessionDep
) -> dict[str, Any]:
    """Make an earlier revision the notes again; the restore is a new revision."""
    event_id = id_of(event)
    result = await writer.run(
        lambda s: notes.restore_revision(session=s, event_id=event_id, topic_id=topic_id, actor=actor, version=version)
    )
    view = notes.get_notes(session=session, event_id=event_id, topic_id=topic_id, actor=actor)
    return {
        **notes_public(view).model_dump(mode="json"),
        "outcome": result.outcome,
        "revision": result.revision.version if result.revision else None,
    }
