"""A Theme: one of the event's few strands of conversation. A topic has at most one (Topic.theme_id)."""

from typing import Annotated

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.i18n import _
from app.models._base import said

THEME_NAME_MAX = 60
THEME_DESCRIPTION_MAX = 200

# A theme's mark says which theme a topic belongs to without colour (a projector washes colours out, and
# one person in twelve can't tell red from green): a symbol from this set, shown beside the theme's name.
# The key is stored and sent; the symbol and its spoken name are what people see and hear (the name marked
# for translation: a template shows it in the reader's language).
# Translators: the names of the symbols that mark a theme, read out by screen readers and shown in a list.
THEME_MARKS: dict[str, tuple[str, str]] = {
    "circle": ("●", _("circle")),
    "square": ("■", _("square")),
    "triangle": ("▲", _("triangle")),
    "diamond": ("◆", _("diamond")),
    "star": ("★", _("star")),
    "cross": ("✚", _("cross")),
    "heart": ("♥", _("heart")),
    "club": ("♣", _("club")),
    "spade": ("♠", _("spade")),
    "sun": ("☀", _("sun")),
    "flower": ("✿", _("flower")),
    "moon": ("☾", _("moon")),
}
THEMES_MAX = len(THEME_MARKS)


class Theme(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("event_id", "name", name="uq_theme_event_name"),
        CheckConstraint("position >= 0", name="ck_theme_position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=THEME_NAME_MAX)
    description: str = Field(default="", max_length=THEME_DESCRIPTION_MAX)
    mark: str = Field(max_length=16)
    position: int = 0

    @property
    def symbol(self) -> str:
        return mark_symbol(self.mark)


def mark_symbol(mark: str) -> str:
    """The symbol people see for a mark (a mark no longer in the set shows as a plain bullet)."""
    return THEME_MARKS.get(mark, ("•", mark))[0]


class ThemeCreate(SQLModel):
    name: Annotated[str, said(minLength=1, maxLength=THEME_NAME_MAX)]
    description: Annotated[str, said(maxLength=THEME_DESCRIPTION_MAX)] = ""
    # Left out: the first mark no other theme of the event has.
    mark: Annotated[str | None, said(enum=list(THEME_MARKS))] = None


class ThemeUpdate(SQLModel):
    name: Annotated[str | None, said(minLength=1, maxLength=THEME_NAME_MAX)] = None
    description: Annotated[str | None, said(maxLength=THEME_DESCRIPTION_MAX)] = None
    mark: Annotated[str | None, said(enum=list(THEME_MARKS))] = None
    position: Annotated[int | None, said(minimum=0, maximum=THEMES_MAX)] = None


class ThemePublic(SQLModel):
    id: int
    name: str
    description: str
    mark: str
    symbol: str
    position: int
