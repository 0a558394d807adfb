"""Reading what a page's form sent, where more than one page reads the same kind of field."""

from __future__ import annotations

from app.i18n import _
from app.models._base import MAX_ROW_ID
from app.services.errors import InvalidInput


def chosen_theme(value: str | None) -> int | None:
    """A theme picked in a select: its id, or None for the empty choice ("no theme"). The service checks that
    the theme is the event's; this only refuses what no select sends (a hand-made post)."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= MAX_ROW_ID:
        raise InvalidInput(_("Choose one of this event's themes."), field="theme_id")
    return int(text)
