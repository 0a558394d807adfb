"""The notes as Markdown: a zip with one file per session (YAML front matter, then the notes) and an index.

Front matter values are written as JSON strings and numbers, which YAML reads as they are: a title
with quotes, colons or a newline can't break out of its field. File names come from the titles (any
script, separators dropped) behind the session's number, so two sessions with one title never clash.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from itertools import groupby

from app.exporters.base import Export, file_name, slug_name, unique_names
from app.exporters.data import ExportData, NoteText, Session

CONTENT_TYPE = "application/zip"
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BLOCK_MARK = re.compile(r"^([#+\-=>])")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
# YAML double-quoted scalars take JSON's escapes; these characters must be escaped in YAML too.
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def export_markdown_zip(data: ExportData) -> Export:
    folder = data.event.slug
    width = max(2, len(str(len(data.sessions))))
    names = unique_names(f"{session.number:0{width}d}-{slug_name(session.topic.title)}.md" for session in data.sessions)
    buffer = io.BytesIO()
    stamp = data.generated_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, text: str) -> None:
            member = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, text.encode())

        add("index.md", index(data, dict(zip((s.topic.id for s in data.sessions), names, strict=True))))
        for session, name in zip(data.sessions, names, strict=True):
            add(name, session_file(data, session))
    return Export(
        content=buffer.getvalue(),
        content_type=CONTENT_TYPE,
        filename=file_name(f"{data.event.name} notes", extension="zip"),
    )


def session_file(data: ExportData, session: Session) -> str:
    topic, room, slot = session.topic, session.room, session.slot
    front = {
        "title": topic.title,
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
        lines += ["*No notes were written for this session.*", ""]
    else:
        lines += _notes_sections(notes)
    url = data.page_url(f"/topics/{topic.id}/notes")
    if url:
        lines += [f"Notes online: {_link(url)}", ""]
    return "\n".join(lines)


def index(data: ExportData, files: dict[int, str]) -> str:
    event = data.event
    lines = [
        f"# {escape(event.name)}",
        "",
        f"{event.date:%A} {event.date.day} {event.date:%B %Y} ({event.timezone})",
        "",
    ]
    placed = [s for s in data.sessions if s.slot is not None]
    off_wall = [s for s in data.sessions if s.slot is None]
    if not data.sessions:
        lines += ["No sessions were placed on the wall.", ""]
    for slot, group in groupby(placed, key=lambda session: session.slot):
        assert slot is not None
        times = f"{slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
        lines += [f"## {escape(slot.label)} ({times})" if slot.label else f"## {times}", ""]
        lines += [_index_line(session, files[session.topic.id]) for session in group]
        lines.append("")
    if off_wall:
        lines += ["## Notes of sessions taken off the wall", ""]
        lines += [_index_line(session, files[session.topic.id]) for session in off_wall]
        lines.append("")
    if data.unplaced_topics:
        lines += ["## Other topics proposed", ""]
        for topic in data.unplaced_topics:
            dots = "dot" if topic.votes == 1 else "dots"
            lines.append(f"- {escape(topic.title)} ({topic.votes} {dots}), by {escape(data.convener_name(topic))}")
        lines.append("")
    return "\n".join(lines)


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
    parts = [f"Convened by {session.convener_name}"]
    if session.room is not None:
        parts.append(session.room.name)
    if session.slot is not None:
        slot = session.slot
        parts.append(f"{slot.name}, {slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}")
    parts.append(f"{session.topic.going} going")
    return " · ".join(parts)


def _notes_sections(notes: NoteText) -> list[str]:
    lines: list[str] = []
    if notes.body.strip():
        lines += ["## Notes", "", notes.body.strip(), ""]
    if notes.key_points.strip():
        lines += ["## Key points", "", notes.key_points.strip(), ""]
    if notes.actions.strip():
        lines += ["## Actions", ""]
        lines += [f"- {escape(line)}" for line in notes.actions.splitlines() if line.strip()]
        lines.append("")
    if notes.attendees_text.strip():
        lines += ["## Who came", ""]
        lines += [f"- {escape(line)}" for line in notes.attendees_text.splitlines() if line.strip()]
        lines.append("")
    if notes.continue_url.strip():
        lines += ["## Where it continues", "", _link(notes.continue_url.strip()), ""]
    return lines


def _index_line(session: Session, file: str) -> str:
    details = [session.room.name] if session.room else []
    details += [f"by {session.convener_name}", f"{session.topic.going} going"]
    return f"- [{escape(session.topic.title)}](<{file}>): {escape(', '.join(details))}"


def _link(url: str) -> str:
    """An address as a Markdown autolink when it can be one, else as plain text."""
    if re.fullmatch(r"https?://[^\s<>]+", url):
        return f"<{url}>"
    return escape(url)
