"""The notes pages: a session's notes (anyone reads; attendees and the facilitator write), history, diffs, restore.

The editor form works as a plain post (303 back to the page, or the page with the message in place: 409 for
a clash, 422/403 for a refusal) and with htmx, which also autosaves a few seconds after typing: then only
the save status comes back, with the new base version and any merged text swapped out of band.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.csrf import CsrfChecked
from app.deps import EventDep, RowId, SessionDep, VisitorDep, WriterDep, page_limit, settings_of
from app.errors import status_for
from app.i18n import _, day_name, hour_minute
from app.markdown import preview_of, render_markdown
from app.models import Event, NoteRevision, id_of
from app.models.note import FIELD_NAMES
from app.realtime.notes_view import latest_context, local_time, saved_fragments
from app.routes.pages.live import live_context
from app.routes.pages.rendering import flash, fragments, pop_flash, render, see_other, wants_fragment
from app.routes.pages.visit import JoinedWhenCoded, VisitDep
from app.services import notes
from app.services.actors import Actor
from app.services.errors import DomainError, InvalidInput, NotAuthenticated
from app.services.notes import NoteInput, NotesView, SaveResult
from app.services.privacy import Names, names_for

router = APIRouter()

FormText = Annotated[str | None, Form()]


def _base(event: Event, topic_id: int) -> str:
    return f"/e/{event.slug}/topics/{topic_id}/notes"


def _author(visitor: Actor) -> Actor:
    if not visitor.is_known:
        raise NotAuthenticated(_("Join the event with your name first to write in the notes."))
    return visitor


def _page_context(
    request: Request, session: Session, event: Event, view: NotesView, visitor: Actor, **extra: Any
) -> dict[str, Any]:
    topic_id = id_of(view.topic)
    revisions = notes.list_revisions(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    values = {name: view.value(name) for name in FIELD_NAMES}
    values["attendees_text"] = view.attendees_or_going
    names = names_for(session=session, event=event, reader=visitor)
    return {
        "event": event,
        "view": view,
        "visitor": visitor,
        "base": _base(event, topic_id),
        "can_write": view.writable_by(visitor),
        "base_version": view.version,
        "values": values,
        "report_open": any(view.value(n) for n in ("key_points", "actions", "continue_url")),
        "rendered": render_markdown(view.value("body")),
        "saved_fields": {name: view.value(name) for name in FIELD_NAMES},
        "preview_title": _("The notes as saved"),
        "editors": notes.editors(revisions, names),
        "local_time": lambda moment: local_time(event, moment),
        # Slot times are the venue's wall clock already (stored without a zone): not converted like edit times.
        "when": _slot_time(event, view.slot_starts_at),
        "flash": pop_flash(request),
        **live_context(session, event, "notes"),
        "error": None,
        "error_field": None,
        "conflict": None,
        **latest_context(event, topic_id, view.note),
        **extra,
    }


def _slot_time(event: Event, starts_at: dt.datetime | None) -> str:
    """When a slot starts, as its session's notes say it: with its day on an event of several days."""
    if starts_at is None or not event.several_days:
        return hour_minute(starts_at)
    return f"{day_name(starts_at)}, {hour_minute(starts_at)}"


@dataclass(frozen=True)
class _NotesGroup:
    heading: str  # the slot's time, or that these are off the wall
    label: str | None
    entries: list[notes.NotesEntry]


@router.get("/e/{slug}/notes", response_class=HTMLResponse, dependencies=[JoinedWhenCoded])
def notes_index(request: Request, event: EventDep, session: SessionDep) -> Response:
    """Every session's notes, by slot: to read a session one left or missed, and for the write-up."""
    groups: list[_NotesGroup] = []
    for starts_at, entries in groupby(notes.list_notes(session=session, event_id=id_of(event)), lambda e: e.starts_at):
        listed = list(entries)
        if starts_at is None:
            groups.append(_NotesGroup(_("No longer on the wall"), None, listed))
        else:
            groups.append(_NotesGroup(_slot_time(event, starts_at), listed[0].slot_label, listed))  # venue wall-clock
    ctx = {"event": event, "groups": groups, "local_time": lambda moment: local_time(event, moment)}
    return render(request, "pages/notes_index.html", ctx)


@router.get("/e/{slug}/topics/{topic_id}/notes", response_class=HTMLResponse, dependencies=[JoinedWhenCoded])
def notes_page(
    request: Request, topic_id: RowId, event: EventDep, visitor: VisitorDep, session: SessionDep
) -> Response:
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    return render(request, "pages/notes.html", _page_context(request, session, event, view, visitor))


class NotesForm(BaseModel):
    """What the editor sends. A field left out or empty is None: the structured fields then keep their text."""

    body: str | None = None
    base_version: str | None = None
    key_points: str | None = None
    actions: str | None = None
    continue_url: str | None = None
    attendees_text: str | None = None

    def note_input(self) -> NoteInput:
        return NoteInput(**{**self.model_dump(exclude={"base_version"}), "body": self.body or ""})


@router.post("/e/{slug}/topics/{topic_id}/notes", dependencies=[CsrfChecked, page_limit("notes_saves")])
async def save_notes(topic_id: RowId, visit: VisitDep, form: Annotated[NotesForm, Form()]) -> Response:
    request, event, visitor, session, writer = visit.request, visit.event, visit.visitor, visit.session, visit.writer
    sent: dict[str, str | None] = {**form.model_dump(exclude={"base_version"}), "body": form.body or ""}
    base_version, data, event_id = form.base_version, form.note_input(), id_of(event)
    fold_within = settings_of(request).notes_fold_window
    try:
        author, base = _author(visitor), _version(base_version)
        result = await writer.run(
            lambda s: notes.save_notes(
                session=s,
                event_id=event_id,
                topic_id=topic_id,
                actor=author,
                base_version=base,
                data=data,
                fold_within=fold_within,
            )
        )
    except DomainError as error:
        return await run_in_threadpool(_refused, request, session, event, topic_id, visitor, error, sent, base_version)
    return await run_in_threadpool(_answer, request, session, event, topic_id, visitor, result, sent)


def _version(value: str | None) -> int:
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput(_("The base version must be a whole number, not '{text}'. Reload the page.", text=text[:20]))
    return int(text)


def _answer(
    request: Request,
    session: Session,
    event: Event,
    topic_id: int,
    visitor: Actor,
    result: SaveResult,
    sent: dict[str, str | None],
) -> Response:
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    conflict = _conflict(event, view, result) if result.outcome == "conflict" else None
    status = 409 if conflict else 200
    if wants_fragment(request):
        changed = {n: view.value(n) for n in FIELD_NAMES if sent.get(n) is not None and sent[n] != view.value(n)}
        ctx = {
            "outcome": result.outcome,
            "version": view.version,
            "conflict": conflict,
            "changed_fields": {} if conflict else changed,
        }
        parts = [
            ("partials/notes_save_status.html", ctx),
            ("partials/notes_sync.html", ctx),  # out of band by itself: it sits in the form, off the target
            ("partials/notes_conflict.html", {**ctx, "oob": True}),
            ("partials/notes_latest.html", {**latest_context(event, topic_id, view.note), "oob": True}),
        ]
        return fragments(request, parts, status_code=status)
    if conflict is None:
        flash(
            request,
            _("Merged with what others saved meanwhile — version {version}.", version=view.version)
            if result.outcome == "merged"
            else _("Saved — version {version}.", version=view.version),
        )
        return see_other(_base(event, topic_id))
    # The page again, the visitor's text in the editor and theirs beside it; the next save is on theirs.
    ctx = _page_context(request, session, event, view, visitor, conflict=conflict, outcome="conflict")
    ctx["values"] = {name: result.sent[name] for name in FIELD_NAMES}
    return render(request, "pages/notes.html", ctx, status_code=status)


def _conflict(event: Event, view: NotesView, result: SaveResult) -> dict[str, Any]:
    assert result.revision is not None
    return {
        "revision": result.revision.version,
        "base_version": result.revision.base_version,
        "version": view.version,
        "theirs": view.value("body"),
        "theirs_by": view.note.updated_by if view.note else "",
        "diff": notes.diff_lines(view.value("body"), result.sent["body"]),
    }


def _refused(
    request: Request,
    session: Session,
    event: Event,
    topic_id: int,
    visitor: Actor,
    error: DomainError,
    sent: dict[str, str | None],
    base_version: str | None,
) -> Response:
    status = status_for(error)
    if wants_fragment(request):
        return render(request, "partials/notes_save_status.html", {"save_error": error.message}, status_code=status)
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    ctx = _page_context(
        request, session, event, view, visitor, error=error.message, error_field=getattr(error, "field", None)
    )
    # Nothing typed is thrown away: the editor shows what was sent, on the base it was sent on.
    ctx["values"] = {name: value if value is not None else ctx["values"][name] for name, value in sent.items()}
    if base_version and base_version.strip().isdigit() and len(base_version.strip()) <= 9:
        ctx["base_version"] = int(base_version)
    return render(request, "pages/notes.html", ctx, status_code=status)


@router.get("/e/{slug}/topics/{topic_id}/notes/latest", response_class=HTMLResponse, dependencies=[JoinedWhenCoded])
def latest_notes(topic_id: RowId, event: EventDep, visitor: VisitorDep, session: SessionDep) -> Response:
    """The saved notes of one session as fragments, for its open pages to take when its latest line changes."""
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    return HTMLResponse(saved_fragments(topic_id=topic_id, note=view.note), headers={"Cache-Control": "no-store"})


@router.post("/e/{slug}/topics/{topic_id}/notes/preview", dependencies=[CsrfChecked])
async def preview(request: Request, topic_id: RowId, event: EventDep, body: FormText = None) -> Response:
    """The editor's text rendered as it will be shown (a short preview), without saving it."""
    text = body or ""
    if len(text) > 300_000:
        text = text[:300_000]
    return render(request, "partials/notes_preview.html", {"rendered": preview_of(text), "preview_title": _("Preview")})


@router.get("/e/{slug}/topics/{topic_id}/notes/revisions", response_class=HTMLResponse, dependencies=[JoinedWhenCoded])
def revisions_page(
    request: Request, topic_id: RowId, event: EventDep, visitor: VisitorDep, session: SessionDep
) -> Response:
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    revisions = notes.list_revisions(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    names = names_for(session=session, event=event, reader=visitor)
    return render(
        request,
        "pages/notes_revisions.html",
        {
            "event": event,
            "view": view,
            "base": _base(event, topic_id),
            "revisions": list(reversed(revisions)),
            "editors": notes.editors(revisions, names),
            "who": _who(names),
            "local_time": lambda moment: local_time(event, moment),
        },
    )


def _who(names: Names) -> Callable[[NoteRevision], str]:
    """A revision's author as this reader may read it (app/services/privacy.py), for the templates."""
    return lambda revision: names.name(revision.author_name, revision.author_id) or revision.author_name


@router.get(
    "/e/{slug}/topics/{topic_id}/notes/revisions/{version}", response_class=HTMLResponse, dependencies=[JoinedWhenCoded]
)
def revision_page(
    request: Request,
    topic_id: RowId,
    version: RowId,
    event: EventDep,
    visitor: VisitorDep,
    session: SessionDep,
    against: int | None = None,
) -> Response:
    """One revision: its text, rendered, and what changed from another (the previous one by default)."""
    view = notes.get_notes(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    revisions = notes.list_revisions(session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor)
    revision = notes.get_revision(
        session=session, event_id=id_of(event), topic_id=topic_id, actor=visitor, version=version
    )
    earlier = [r for r in revisions if r.version < version]
    other = _other(revisions, earlier, against, revision)
    names = names_for(session=session, event=event, reader=visitor)
    return render(
        request,
        "pages/notes_revision.html",
        {
            "event": event,
            "view": view,
            "base": _base(event, topic_id),
            "revision": revision,
            "other": other,
            "revisions": revisions,
            "diff": notes.diff_lines(other.body if other else "", revision.body),
            "rendered": render_markdown(revision.body),
            "can_restore": view.writable_by(visitor) and revision.version != view.version,
            "who": _who(names),
            "local_time": lambda moment: local_time(event, moment),
        },
    )


def _other(
    revisions: list[NoteRevision], earlier: list[NoteRevision], against: int | None, revision: NoteRevision
) -> NoteRevision | None:
    """The revision to compare with: the one asked for, else the one this was based on, else the previous."""
    by_version = {r.version: r for r in revisions}
    if against is not None and against in by_version:
        return by_version[against]
    if revision.base_version in by_version and revision.base_version != revision.version:
        return by_version[revision.base_version]
    return earlier[-1] if earlier else None


@router.post(
    "/e/{slug}/topics/{topic_id}/notes/revisions/{version}/restore",
    dependencies=[CsrfChecked, page_limit("notes_saves")],
)
async def restore(
    request: Request,
    topic_id: RowId,
    version: RowId,
    event: EventDep,
    visitor: VisitorDep,
    writer: WriterDep,
    session: SessionDep,
) -> Response:
    event_id = id_of(event)
    try:
        author = _author(visitor)
        result = await writer.run(
            lambda s: notes.restore_revision(
                session=s, event_id=event_id, topic_id=topic_id, actor=author, version=version
            )
        )
    except DomainError as error:
        view = notes.get_notes(session=session, event_id=event_id, topic_id=topic_id, actor=visitor)
        ctx = _page_context(request, session, event, view, visitor, error=error.message)
        return render(request, "pages/notes.html", ctx, status_code=status_for(error))
    flash(
        request,
        _("Version {version} restored as version {new}.", version=version, new=result.version)
        if result.outcome == "restored"
        else _("Version {version} is what the notes already say.", version=version),
    )
    return see_other(_base(event, topic_id))
