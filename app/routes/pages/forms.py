"""Reading what a page's form sent, where more than one page reads the same kind of field."""

from __future__ import annotations

from app.services.errors import InvalidInput


def chosen_theme(value: str | None) -> int | None:
    """A theme picked in a select: its id, or None for the empty choice ("no theme"). The service checks that
    the theme is the event's; this only refuses what no select sends (a hand-made post)."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput("Choose one of this event's themes.", field="theme_id")
    return int(text)
