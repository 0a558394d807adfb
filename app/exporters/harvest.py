"""The harvest: what the day found, per theme, grouped from an event's loaded data (ExportData).

One rule for every place it shows: the harvest page and its API (app/services/harvest.py), the booklet and
the Markdown zip. A pure function of the data it is given, so it lives beside the exporters.

Which sessions: every session of the exports (placed topics in agenda order, then topics taken off the wall
whose notes were written: what was written stays part of the day) but merged ones, whose conversation went
into the topic they were merged into and whose notes only the facilitator reads. Hidden topics never
appear (ExportData.sessions leaves them out).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from app.exporters.data import EventInfo, ExportData, NoteText, Session, ThemeData
from app.models.attendee import FORMER_PARTICIPANT, OTHERS_LINE, PARTICIPANT, others_line

# A list marker someone typed in front of an action: "- ", "* ", "• ", "1. ", "2) ".
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")
# "what — owner": an em or en dash, spaced or not, or a hyphen with a space on each side (a hyphen inside a
# word, "follow-up", is no separator). Not a colon: "Next step: write it up" names no one, and "Ada: write
# it up" puts the owner first, so a colon can't tell which side the owner is on.
_OWNER_SEPARATOR = re.compile(r"\s*[—–]\s*|\s+-\s+")
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)

CameFrom = Literal["notes", "going"]


@dataclass(frozen=True)
class Action:
    """One line of a session's actions: what is to be done and who takes it on (None when the line names
    nobody after a dash; `what` is then the whole line)."""

    what: str
    owner: str | None
    line: str  # as written, without a list marker


@dataclass(frozen=True)
class HarvestSession:
    topic_id: int
    title: str
    theme_id: int | None
    number: int  # the session's number in the exports (agenda order)
    room: str | None
    slot: str | None  # its label, or its times
    starts_at: dt.datetime | None  # wall-clock at the venue, like the slots
    ends_at: dt.datetime | None
    convener: str | None  # None where names are not shown
    came: int
    came_from: CameFrom  # "notes": lines of the notes' "who came"; "going": how many said "I'm going"
    key_points: str  # Markdown, as written
    actions: tuple[Action, ...]
    continue_url: str | None  # http(s) only
    has_notes: bool


@dataclass(frozen=True)
class HarvestTheme:
    id: int
    name: str
    description: str
    mark: str
    symbol: str
    position: int
    sessions: tuple[HarvestSession, ...]

    @property
    def has_notes(self) -> bool:
        """Whether any of its sessions has notes yet: a theme without is shown all the same, saying so."""
        return any(session.has_notes for session in self.sessions)


@dataclass(frozen=True)
class GatheredAction:
    """An action with where it comes from: its session, and that session's theme (None: no theme)."""

    action: Action
    topic_id: int
    title: str
    theme: ThemeData | None


@dataclass(frozen=True)
class Harvest:
    event: EventInfo
    themes: tuple[HarvestTheme, ...]
    unthemed: tuple[HarvestSession, ...]
    actions: tuple[GatheredAction, ...]  # every session's, themes in order, then the unthemed sessions'
    names_shown: bool

    @property
    def sessions(self) -> tuple[HarvestSession, ...]:
        return tuple(s for theme in self.themes for s in theme.sessions) + self.unthemed

    @property
    def has_notes(self) -> bool:
        return any(session.has_notes for session in self.sessions)


def build_harvest(data: ExportData, *, names: bool) -> Harvest:
    """The harvest of the event in `data`; `names=False` leaves every convener out (None)."""
    themes: list[HarvestTheme] = []
    unthemed: tuple[HarvestSession, ...] = ()
    for theme, sessions in data.sessions_by_theme:
        harvested = tuple(harvest_session(s, names=names) for s in sessions if s.topic.status != "merged")
        if theme is None:
            unthemed = harvested
        else:
            themes.append(
                HarvestTheme(
                    id=theme.id,
                    name=theme.name,
                    description=theme.description,
                    mark=theme.mark,
                    symbol=theme.symbol,
                    position=theme.position,
                    sessions=harvested,
                )
            )
    gathered = [
        GatheredAction(action=action, topic_id=s.topic_id, title=s.title, theme=data.themes_by_id.get(s.theme_id or 0))
        for s in (*(s for t in themes for s in t.sessions), *unthemed)
        for action in s.actions
    ]
    return Harvest(
        event=data.event, themes=tuple(themes), unthemed=unthemed, actions=tuple(gathered), names_shown=names
    )


def harvest_session(session: Session, *, names: bool) -> HarvestSession:
    topic, slot = session.topic, session.slot
    text = session.notes.text if session.notes else NoteText()
    came_lines = who_came(text.attendees_text)
    return HarvestSession(
        topic_id=topic.id,
        title=topic.title,
        theme_id=topic.theme_id,
        number=session.number,
        room=session.room.name if session.room else None,
        slot=slot.name if slot else None,
        starts_at=slot.starts_at if slot else None,
        ends_at=slot.ends_at if slot else None,
        convener=session.convener_name if names else None,
        # Who came, as the notes say, is the better count: people move (the law of two feet), and not everyone
        # says "I'm going". Until someone writes it, the "I'm going" count is what there is.
        came=came_lines.count if came_lines.count else topic.going,
        came_from="notes" if came_lines else "going",
        key_points=text.key_points.strip(),
        actions=parse_actions(text.actions),
        continue_url=web_address(text.continue_url),
        has_notes=not text.is_empty,
    )


def parse_actions(text: str) -> tuple[Action, ...]:
    """The actions written one a line as "what — owner" (an en dash or " - " too); a line without an owner,
    or with nothing on one side of the dash, is kept whole with no owner. The last dash separates, so the
    "what" may hold dashes of its own."""
    actions = []
    for raw in text.splitlines():
        line = _LIST_MARKER.sub("", raw).strip()
        if not line:
            continue
        separators = list(_OWNER_SEPARATOR.finditer(line))
        if separators:
            last = separators[-1]
            what, owner = line[: last.start()].strip(), line[last.end() :].strip()
            if what and owner:
                actions.append(Action(what=what, owner=owner, line=line))
                continue
        actions.append(Action(what=line.strip(" —–-"), owner=None, line=line))
    return tuple(actions)


@dataclass(frozen=True)
class WhoCame:
    """The notes' "who came" as a list: the names in it, and how many more came unnamed."""

    names: tuple[str, ...]
    others: int

    @property
    def count(self) -> int:
        return len(self.names) + self.others

    def lines(self) -> list[str]:
        """One a line, the unnamed last: "and 3 others"."""
        return [*self.names, *([others_line(self.others)] if self.others else [])]

    def __bool__(self) -> bool:
        return self.count > 0


def who_came(text: str) -> WhoCame:
    """Read "who came": a line is a name, except "a participant" or "a former participant" (someone not
    listed by name, app/services/privacy.py) and "and 3 others", which count people without naming them."""
    names, others = [], 0
    for line in lines_of(text):
        counted = OTHERS_LINE.fullmatch(line)
        if counted:
            others += int(counted.group(1))
        elif line.casefold() in (PARTICIPANT, FORMER_PARTICIPANT):
            others += 1
        else:
            names.append(line)
    return WhoCame(names=tuple(names), others=others)


def lines_of(text: str) -> list[str]:
    """The lines with something on them, list markers taken off: the notes' "who came", one a line."""
    return [_LIST_MARKER.sub("", line).strip() for line in text.splitlines() if _LIST_MARKER.sub("", line).strip()]


def web_address(url: str) -> str | None:
    """The link to continue the conversation, when it is a web address (the notes check it on save; an
    imported document may hold anything)."""
    url = url.strip()
    return url if _WEB_ADDRESS.fullmatch(url) else None
