"""The printable booklet: one self-contained HTML file (cover, agenda, then per theme its sessions, one per
page, the sessions with no theme, and everything to carry forward).

It is written in the event's language (whoever downloads it: it is the event's record, sent to everyone who
came). Browsers print it to PDF. The stylesheet is inlined so the file works offline; the notes' Markdown is
rendered and sanitised by app/markdown.py (markdown-it-py, then nh3), and everything else a
person typed is escaped by the template. When the booklet is served, CONTENT_SECURITY_POLICY allows
exactly that one stylesheet and nothing else: no script, no outside resource.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from app import i18n
from app.exporters.base import Export, file_name
from app.exporters.data import ExportData, NoteText, Session, SlotData, ThemeData
from app.exporters.harvest import Action, parse_actions, who_came
from app.i18n import _, translated
from app.markdown import render_markdown

CONTENT_TYPE = "text/html; charset=utf-8"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "exports"
STYLESHEET = Path(__file__).resolve().parent.parent.parent / "static" / "css" / "booklet.css"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)


# The catalogues of app/i18n.py, looked up in the language being spoken when the booklet renders (Jinja's
# new-style wrappers fill in the `%(name)s` values). The pages' environment (app/templating.py) is the web's.
def _gettext(message: str) -> str:
    return i18n.translations(i18n.current_language()).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return i18n.translations(i18n.current_language()).ngettext(singular, plural, count)


_environment.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
_environment.filters.update({"hhmm": i18n.hour_minute})
_css = STYLESHEET.read_text(encoding="utf-8")
_css_hash = base64.b64encode(hashlib.sha256(_css.encode()).digest()).decode()

CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_css_hash}'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)


@dataclass(frozen=True)
class AgendaRow:
    slot: SlotData
    sessions: list[Session]


@dataclass(frozen=True)
class SessionPage:
    """One session's page: its notes rendered, the structured fields split into lines."""

    session: Session
    body: Markup
    key_points: Markup
    actions: tuple[Action, ...]
    who_came: list[str]
    continue_url: str
    continue_is_link: bool
    empty: bool


@dataclass(frozen=True)
class ThemePart:
    """A theme's part of the booklet (theme None: the sessions with no theme), its sessions' pages in it."""

    theme: ThemeData | None
    heading: str
    pages: list[SessionPage]

    @property
    def has_notes(self) -> bool:
        return any(not page.empty for page in self.pages)


@dataclass(frozen=True)
class CarriedAction:
    action: Action
    page: SessionPage
    theme: ThemeData | None


def export_booklet(data: ExportData) -> Export:
    html = render_booklet(data)
    with i18n.speaking(data.event.language):
        name = translated(_("{event} booklet", event=data.event.name))
    return Export(content=html.encode(), content_type=CONTENT_TYPE, filename=file_name(name, extension="html"))


def render_booklet(data: ExportData) -> str:
    """The booklet's HTML, in the event's language."""
    with i18n.speaking(data.event.language):
        return _render(data)


def _render(data: ExportData) -> str:
    event = data.event
    agenda = [
        AgendaRow(slot=slot, sessions=[s for s in data.sessions if s.slot is not None and s.slot.id == slot.id])
        for slot in data.slots
        if slot.kind != "break"
    ]
    generated = data.generated_at
    # Grouped as the harvest is: each theme in the facilitator's order (one without sessions says so), then
    # the sessions with no theme ("Sessions" when the event has no themes at all).
    parts = [
        ThemePart(
            theme=theme,
            heading=theme.name if theme else (_("Other topics") if data.themes else _("Sessions")),
            pages=[_page(session) for session in sessions],
        )
        for theme, sessions in data.sessions_by_theme
    ]
    return _environment.get_template("booklet.html").render(
        css=Markup(_css),
        event=event,
        language=i18n.current_language(),
        day=i18n.full_date(event.date),
        sessions=data.sessions,
        attendee_count=len(data.attendees),
        topic_count=sum(1 for t in data.topics if t.status != "hidden"),
        agenda=agenda,
        off_wall=[s for s in data.sessions if s.slot is None],
        parts=parts,
        carried=[
            CarriedAction(action, page, part.theme) for part in parts for page in part.pages for action in page.actions
        ],
        themes_of={s.topic.id: data.theme_of(s.topic) for s in data.sessions},
        other_topics=list(data.unplaced_topics),
        generated=i18n.long_date(generated),
        wall_url=data.page_url("/wall"),
    )


def _page(session: Session) -> SessionPage:
    notes = session.notes.text if session.notes else NoteText()
    url = notes.continue_url.strip()
    return SessionPage(
        session=session,
        body=render_markdown(notes.body) if notes.body.strip() else Markup(""),
        key_points=render_markdown(notes.key_points) if notes.key_points.strip() else Markup(""),
        actions=parse_actions(notes.actions),
        who_came=who_came(notes.attendees_text).lines(),
        continue_url=url,
        continue_is_link=bool(re.fullmatch(r"https?://\S+", url)),
        empty=notes.is_empty,
    )
