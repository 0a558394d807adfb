"""Themes: the event's few strands of conversation, set up by the facilitator; a topic belongs to at most one."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session, col

from app.db import exec_select
from app.i18n import _
from app.models import ActivityKind, Theme, Topic
from app.models.theme import THEME_DESCRIPTION_MAX, THEME_MARKS, THEME_NAME_MAX, THEMES_MAX
from app.services import activity, co_conveners
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from app.services.lookups import get_active_topic
from app.services.text import clean_line

# Built once: every render of the live board reads it (app/db.py's exec_select says why).
_THEMES = select(Theme).where(col(Theme.event_id) == bindparam("event_id")).order_by(col(Theme.position), col(Theme.id))


def list_themes(*, session: Session, event_id: int) -> list[Theme]:
    return list(exec_select(session, _THEMES, event_id=event_id).scalars())


def themes_by_id(*, session: Session, event_id: int) -> dict[int, Theme]:
    """The event's themes by id: what a page needs to show each topic's mark and name."""
    return {theme.id: theme for theme in list_themes(session=session, event_id=event_id) if theme.id is not None}


def get_theme(*, session: Session, event_id: int, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.event_id != event_id:
        raise NotFound(_("There is no theme {id} in this event.", id=theme_id))
    return theme


def add_theme(
    *,
    session: Session,
    event_id: int,
    name: str,
    description: str = "",
    mark: str | None = None,
    actor: Actor | None = None,
) -> Written[Theme]:
    """A new theme, last in the event's order; without a mark it takes the first one no other theme has."""
    themes = list_themes(session=session, event_id=event_id)
    if len(themes) >= THEMES_MAX:
        raise Conflict(_("An event has at most {most} themes, one for each mark. Remove one first.", most=THEMES_MAX))
    cleaned = _name(name)
    _check_name_free(themes, cleaned)
    taken = {theme.mark for theme in themes}
    theme = Theme(
        event_id=event_id,
        name=cleaned,
        description=_description(description),
        mark=_free_mark(themes, mark) if mark is not None else next(m for m in THEME_MARKS if m not in taken),
        position=len(themes),
    )
    session.add(theme)
    session.flush()
    _record(session, actor, event_id, _("added the theme {name}", name=theme.name))
    return Written(theme, theme_change(event_id))


def update_theme(
    *,
    session: Session,
    event_id: int,
    theme_id: int,
    name: str | None = None,
    description: str | None = None,
    mark: str | None = None,
    position: int | None = None,
    actor: Actor | None = None,
) -> Written[Theme]:
    theme = get_theme(session=session, event_id=event_id, theme_id=theme_id)
    themes = list_themes(session=session, event_id=event_id)
    was = theme.name
    if name is not None:
        cleaned = _name(name)
        _check_name_free([t for t in themes if t.id != theme.id], cleaned)
        theme.name = cleaned
    if description is not None:
        theme.description = _description(description)
    if mark is not None:
        theme.mark = _free_mark([t for t in themes if t.id != theme.id], mark)
    session.add(theme)
    if position is not None:
        _reorder(session, themes, theme, position)
    session.flush()
    if theme.name != was:
        _record(session, actor, event_id, _("changed the theme {was}, now {name}", was=was, name=theme.name))
    else:
        _record(session, actor, event_id, _("changed the theme {name}", name=was))
    return Written(theme, theme_change(event_id))


def move_theme(
    *, session: Session, event_id: int, theme_id: int, by: int, actor: Actor | None = None
) -> Written[Theme]:
    """Move a theme up (by=-1) or down (by=+1) in the event's order."""
    theme = get_theme(session=session, event_id=event_id, theme_id=theme_id)
    themes = list_themes(session=session, event_id=event_id)
    _reorder(session, themes, theme, themes.index(theme) + by)
    session.flush()
    if by < 0:
        _record(session, actor, event_id, _("moved the theme {name} up", name=theme.name))
    else:
        _record(session, actor, event_id, _("moved the theme {name} down", name=theme.name))
    return Written(theme, theme_change(event_id))


def remove_theme(*, session: Session, event_id: int, theme_id: int, actor: Actor | None = None) -> Written[None]:
    """Remove a theme: its topics stay, unthemed."""
    theme = get_theme(session=session, event_id=event_id, theme_id=theme_id)
    session.exec(update(Topic).where(col(Topic.theme_id) == theme.id).values(theme_id=None))
    session.delete(theme)
    session.flush()
    _reorder(session, list_themes(session=session, event_id=event_id), None, 0)
    session.flush()
    _record(session, actor, event_id, _("removed the theme {name}", name=theme.name))
    return Written(None, theme_change(event_id))


def set_topic_theme(
    *, session: Session, event_id: int, topic_id: int, actor: Actor, theme_id: int | None
) -> Written[Topic]:
    """Move a topic to another theme, or out of any (None): the facilitator any topic, a convener (or co-convener)
    their own."""
    actor.check_in(event_id)
    topic = get_active_topic(session=session, event_id=event_id, topic_id=topic_id)
    if not co_conveners.may_change(session=session, actor=actor, topic=topic):
        raise NotAllowed(_("Only the topic's convener or the facilitator can change its theme."))
    was = topic.theme_id
    topic.theme_id = checked_theme_id(session=session, event_id=event_id, theme_id=theme_id)
    session.add(topic)
    session.flush()
    if topic.theme_id != was:
        theme = session.get(Theme, topic.theme_id) if topic.theme_id is not None else None
        title = activity.quoted(topic.title)
        activity.record(
            session=session,
            actor=actor,
            event_id=event_id,
            kind=ActivityKind.theme,
            summary=_("moved {topic} into the theme {name}", topic=title, name=theme.name)
            if theme is not None
            else _("moved {topic} out of its theme", topic=title),
            topic_id=topic_id,
        )
    return Written(topic, BoardChange.of(event_id, "topic", topic_ids=topic_id))


def checked_theme_id(*, session: Session, event_id: int, theme_id: int | None) -> int | None:
    """A theme id a topic may carry: one of this event's themes, or None."""
    if theme_id is None:
        return None
    theme = session.get(Theme, theme_id)
    if theme is None or theme.event_id != event_id:
        raise InvalidInput(_("Choose one of this event's themes."), field="theme_id")
    return theme_id


def check_theme_given(*, session: Session, event_id: int, theme_required: bool, theme_id: int | None) -> None:
    """An event that requires a theme refuses a proposal without one, once it has themes to choose from."""
    if theme_id is not None or not theme_required:
        return
    has_themes = exec_select(
        session, select(func.count()).select_from(Theme).where(col(Theme.event_id) == event_id)
    ).scalar_one()
    if has_themes:
        raise InvalidInput(_("Choose the theme your topic belongs to."), field="theme_id")


def _record(session: Session, actor: Actor | None, event_id: int, summary: str) -> None:
    activity.record(session=session, actor=actor, event_id=event_id, kind=ActivityKind.theme, summary=summary)


def theme_change(event_id: int) -> BoardChange:
    """A theme was added, renamed, re-marked, moved or removed: every page that shows themes is drawn again."""
    return BoardChange.of(event_id, "theme", wall=True, event=True)


def _reorder(session: Session, themes: list[Theme], moved: Theme | None, position: int) -> None:
    others = [t for t in themes if moved is None or t.id != moved.id]
    if moved is not None:
        others.insert(max(0, min(position, len(others))), moved)
    for index, theme in enumerate(others):
        if theme.position != index:
            theme.position = index
            session.add(theme)


def _check_name_free(themes: list[Theme], name: str) -> None:
    folded = name.casefold()
    if any(theme.name.casefold() == folded for theme in themes):
        raise InvalidInput(_("This event already has a theme called “{name}”.", name=name), field="name")


def _name(name: str) -> str:
    return clean_line(name, field="name", label=_("The theme's name"), max_length=THEME_NAME_MAX)


def _description(description: str) -> str:
    return clean_line(
        description, field="description", label=_("The description"), max_length=THEME_DESCRIPTION_MAX, required=False
    )


def _free_mark(others: list[Theme], mark: str) -> str:
    """A mark from the set that no other theme of the event has: two themes with one mark can't be told apart."""
    if mark not in THEME_MARKS:
        raise InvalidInput(_("A theme's mark is one of: {marks}.", marks=", ".join(THEME_MARKS)), field="mark")
    holder = next((theme for theme in others if theme.mark == mark), None)
    if holder is not None:
        symbol, spoken = THEME_MARKS[mark]
        raise InvalidInput(
            _("The {mark} {symbol} is the mark of “{name}” already.", mark=spoken, symbol=symbol, name=holder.name),
            field="mark",
        )
    return mark
