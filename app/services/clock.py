"""The venue's wall clock: the time where the event happens, written as its slots are (naive, local there).

One place asks for it, so that what runs now, which day is today and which slots have started all agree; and
so that tests can set the hour (they replace `venue_now`: callers reach it through this module).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def venue_now(timezone: str) -> dt.datetime:
    """Now at the venue, to the second, without its offset: comparable with a slot's start and end."""
    return dt.datetime.now(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)
