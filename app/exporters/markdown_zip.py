"""The notes as Markdown: a zip with one file per session (YAML front matter, then the notes), one file per
theme (its sessions' harvest), the harvest of the whole event (`harvest.md`) and an index.

Front matter values are written as JSON strings and numbers, which YAML reads as they are: a title
with quotes, colons or a newline can't break out of its field. File names come from the titles (any
script, separators dropped) behind the session's number, so two sessions with one title never clash.

The words around the notes are written in the event's language, as the booklet's (the files are the event's
record, sent to everyone who came); the front matter's keys stay English, for the programs that read them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from itertools import groupby

from app import i18n
from app.exporters.base import Export, file_name, slug_name, unique_names
from app.exporters.data import ExportData, NoteText, Session
from app.exporters.harvest import Harvest, HarvestSession, HarvestTheme, build_harvest, who_came
from app.i18n import gettext, ngettext

CONTENT_TYPE = "application/zip"
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BLOCK_MARK = re.compile(r"^([#+\-=>])")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
# YAML double-quoted scalars take JSON's escapes; these characters must be escaped in YAML too.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def export_markdown_zip(data: ExportData) -> Export:
    with i18n.speaking(data.event.language):
        return _export(data)


def _export(data: ExportData) -> Export:
    folder = data.event.slug
    width = max(2, len(str(len(data.sessions))))
    names = unique_names(f"{session.number:0{width}d}-{slug_name(session.topic.title)}.md" for session in data.sessions)
    harvest = build_harvest(data, names=True)  # the exports are the facilitator's: names are theirs to see
    theme_width = max(2, len(str(len(harvest.themes))))
    theme_names = [
        f"themes/{name}"
        for name in unique_names(f"{n:0{theme_width}d}-{slug_name(t.name)}.md" for n, t in enumerate(harvest.themes, 1))
    ]
    buffer = io.BytesIO()
    stamp = data.generated_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, text: str) -> None:
            member = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, text.encode())

        files = dict(zip((s.topic.id for s in data.sessions), names, strict=True))
        themes = dict(zip((t.id for t in harvest.themes), theme_names, strict=True))
        add("index.md", index(data, files, themes))
        add("harvest.md", harvest_file(harvest, files))
        for theme, name in zip(harvest.themes, theme_names, strict=True):
            add(name, theme_file(harvest, theme, {k: f"../{v}" for k, v in files.items()}))
        for session, name in zip(data.sessions, names, strict=True):
            add(name, session_file(data, session))
    return Export(
        content=buffer.getvalue(),
        content_type=CONTENT_TYPE,
        filename=file_name(gettext("{event} notes", event=data.event.name), extension="zip"),
    )


def session_file(data: ExportData, session: Session) -> str:
    topic, room, slot = session.topic, session.room, session.slot
    theme = data.theme_of(topic)
    front = {
        "title": topic.title,
        "theme": theme.name if theme else None,
        "convener": session.convener_name,
        "room": room.name if room else None,
        "slot": slot.name if slot else None,
        "starts_at": slot.starts_at.isoformat(timespec="minutes") if slot else None,
        "ends_at": slot.ends_at.isoformat(timespec="minutes") if slot else None,
        "attendees": topic.going,
        "votes": topic.votes,
        "event": data.event.name,
    }
    lines = ["---", *(f"{key}: {yaml_value(value)}" for key, value in front.items()), "---", ""]
    lines += [f"# {escape(topic.title)}", "", f"*{escape(_where_and_when(session))}*", ""]
    if topic.description:
        lines += [escape_block(topic.description), ""]
    notes = session.notes.text if session.notes else NoteText()
    if notes.is_empty:
        lines += ["*" + gettext("No notes were written for this session.") + "*", ""]
    else:
        lines += _notes_sections(notes)
    url = data.page_url(f"/topics/{topic.id}/notes")
    if url:
        lines += [gettext("Notes online: {url}", url=_link(url)), ""]
    return "\n".join(lines)


def index(data: ExportData, files: dict[int, str], themes: dict[int, str] | None = None) -> str:
    event = data.event
    lines = [
        f"# {escape(event.name)}",
        "",
        f"{i18n.full_date(event.date)} ({event.timezone})",
        "",
        gettext(
            "{harvest}: what each theme's conversations found, and everything to carry forward.",
            harvest="[" + gettext("The harvest") + "](<harvest.md>)",
        ),
        "",
    ]
    if data.themes:
        lines += ["## " + gettext("Themes"), ""]
        for theme in data.themes:
            count = sum(1 for s in data.sessions if s.topic.theme_id == theme.id)
            title = f"{theme.symbol} {escape(theme.name)}"
            linked = f"[{title}](<{themes[theme.id]}>)" if themes and theme.id in themes else title
            sessions = ngettext("{count} session", "{count} sessions", count)
            lines.append(f"- {linked}: {sessions}")
        lines.append("")
    placed = [s for s in data.sessions if s.slot is not None]
    off_wall = [s for s in data.sessions if s.slot is None]
    if not data.sessions:
        lines += [gettext("No sessions were placed on the wall."), ""]
    for slot, group in groupby(placed, key=lambda session: session.slot):
        assert slot is not None
        times = _times(slot.starts_at, slot.ends_at)
        lines += [f"## {escape(slot.label)} ({times})" if slot.label else f"## {times}", ""]
        lines += [_index_line(session, files[session.topic.id]) for session in group]
        lines.append("")
    if off_wall:
        lines += ["## " + gettext("Notes of sessions taken off the wall"), ""]
        lines += [_index_line(session, files[session.topic.id]) for session in off_wall]
        lines.append("")
    if data.unplaced_topics:
        lines += ["## " + gettext("Other topics proposed"), ""]
        for topic in data.unplaced_topics:
            title, name = escape(topic.title), escape(data.convener_name(topic))
            said = ngettext(
                "{title} ({count} dot), by {name}",
                "{title} ({count} dots), by {name}",
                topic.votes,
                title=title,
                name=name,
            )
            lines.append(f"- {said}")
        lines.append("")
    return "\n".join(lines)


def harvest_file(harvest: Harvest, files: dict[int, str]) -> str:
    """The whole harvest: per theme its sessions, then the other topics, then every action in one list."""
    lines = ["# " + gettext("The harvest of {event}", event=escape(harvest.event.name)), ""]
    if not harvest.sessions:
        lines += [gettext("No sessions were placed on the wall."), ""]
    for theme in harvest.themes:
        lines += [f"## {theme.symbol} {escape(theme.name)}", ""]
        lines += _theme_sessions(theme, files, level=3)
    if harvest.unthemed:
        lines += ["## " + (gettext("Other topics") if harvest.themes else gettext("Sessions")), ""]
        lines += [line for s in harvest.unthemed for line in _harvest_session(s, files, level=3)]
    lines += ["## " + gettext("Everything to carry forward"), ""]
    if not harvest.actions:
        lines += ["*" + gettext("No actions were written.") + "*", ""]
    for gathered in harvest.actions:
        where = escape(gathered.title)
        if gathered.theme is not None:
            where += f", {gathered.theme.symbol} {escape(gathered.theme.name)}"
        lines.append(f"- {_action(gathered.action.what, gathered.action.owner)} ({where})")
    return "\n".join([*lines, ""] if lines[-1] else lines)


def theme_file(harvest: Harvest, theme: HarvestTheme, files: dict[int, str]) -> str:
    """One theme: its mark, name and description, then its sessions' harvest, linking to their files."""
    lines = [f"# {theme.symbol} {escape(theme.name)}", "", f"*{escape(harvest.event.name)}*", ""]
    return "\n".join(lines + _theme_sessions(theme, files, level=2))


def _theme_sessions(theme: HarvestTheme, files: dict[int, str], *, level: int) -> list[str]:
    lines = [escape(theme.description), ""] if theme.description else []
    if not theme.sessions:
        lines += ["*" + gettext("No session of this theme was on the wall.") + "*", ""]
    elif not theme.has_notes:
        lines += ["*" + gettext("No notes yet for this theme's sessions.") + "*", ""]
    return lines + [line for s in theme.sessions for line in _harvest_session(s, files, level=level)]


def _harvest_session(session: HarvestSession, files: dict[int, str], *, level: int) -> list[str]:
    heading = "#" * level
    title = escape(session.title)
    lines = [f"{heading} [{title}](<{files[session.topic_id]}>)" if session.topic_id in files else f"{heading} {title}"]
    details = []
    if session.starts_at is not None and session.ends_at is not None:
        details.append(_times(session.starts_at, session.ends_at))
    if session.room:
        details.append(session.room)
    if session.convener:
        details.append(gettext("convened by {name}", name=session.convener))
    if session.came_from == "notes":
        details.append(ngettext("{count} came", "{count} came", session.came))
    else:
        details.append(_going(session.came))
    lines += ["", f"*{escape(' · '.join(details))}*", ""]
    if not session.has_notes:
        lines += ["*" + gettext("No notes yet.") + "*", ""]
    if session.key_points:
        lines += ["**" + gettext("Key points") + "**", "", session.key_points, ""]
    if session.actions:
        lines += ["**" + gettext("Actions") + "**", ""]
        lines += [f"- {_action(action.what, action.owner)}" for action in session.actions]
        lines.append("")
    if session.continue_url:
        lines += [gettext("Continue the conversation: {url}", url=_link(session.continue_url)), ""]
    return lines


def _action(what: str, owner: str | None) -> str:
    return f"{escape(what)} — **{escape(owner)}**" if owner else escape(what)


def yaml_value(value: str | int | None) -> str:
    """A front matter value: null, a number, or a double-quoted string with every special character escaped."""
    if value is None or isinstance(value, int):
        return json.dumps(value)
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def escape(text: str) -> str:
    """Text shown as it is in Markdown: its punctuation can't start a link, emphasis or a heading."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    # At the start of a line these would make a heading, a list or a quote.
    return _LIST_NUMBER.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", escaped))


def escape_block(text: str) -> str:
    """A paragraph of plain text (a topic's description) kept as typed, line breaks included."""
    return "  \n".join(escape(line) for line in text.splitlines() if line.strip())


def _where_and_when(session: Session) -> str:
    parts = [gettext("Convened by {name}", name=session.convener_name)]
    if session.room is not None:
        parts.append(session.room.name)
    if session.slot is not None:
        slot = session.slot
        parts.append(f"{slot.name}, {_times(slot.starts_at, slot.ends_at)}")
    parts.append(_going(session.topic.going))
    return " · ".join(parts)


def _times(starts: dt.datetime, ends: dt.datetime) -> str:
    return f"{i18n.hour_minute(starts)}–{i18n.hour_minute(ends)}"


def _going(count: int) -> str:
    # Translators: how many said "I'm going" to a session.
    return ngettext("{count} going", "{count} going", count)


def _notes_sections(notes: NoteText) -> list[str]:
    lines: list[str] = []
    if notes.body.strip():
        lines += ["## " + gettext("Notes"), "", notes.body.strip(), ""]
    if notes.key_points.strip():
        lines += ["## " + gettext("Key points"), "", notes.key_points.strip(), ""]
    if notes.actions.strip():
        lines += ["## " + gettext("Actions"), ""]
        lines += [f"- {escape(line)}" for line in notes.actions.splitlines() if line.strip()]
        lines.append("")
    came = who_came(notes.attendees_text)
    if came:
        # Names only of those who chose to be listed; the others counted ("and 3 others").
        lines += ["## " + gettext("Who came"), ""]
        lines += [f"- {escape(line)}" for line in came.lines()]
        lines.append("")
    if notes.continue_url.strip():
        lines += ["## " + gettext("Where it continues"), "", _link(notes.continue_url.strip()), ""]
    return lines


def _index_line(session: Session, file: str) -> str:
    details = [session.room.name] if session.room else []
    details += [gettext("by {name}", name=session.convener_name), _going(session.topic.going)]
    return f"- [{escape(session.topic.title)}](<{file}>): {escape(', '.join(details))}"


def _link(url: str) -> str:
    """An address as a Markdown autolink when it can be one, else as plain text."""
    if re.fullmatch(r"https?://[^\s<>]+", url):
        return f"<{url}>"
    return escape(url)
