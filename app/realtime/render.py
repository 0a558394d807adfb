"""Turn a board change into the messages each kind of live page needs: rendered once, sent to all.

htmx pages get HTML fragments that the websocket extension swaps out of band by id; every fragment is
the same partial template the page itself includes, rendered without anything personal (the personal
bits of a page, like "my day" or the dots left, live outside these fragments). Scripts get JSON.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from app import i18n
from app.db import Database
from app.models import TopicStatus, id_of
from app.realtime.hub import Rendered, Renderer
from app.realtime.notes_view import local_time
from app.services import team
from app.services.board import (
    Board,
    add_clashes,
    announcement_json,
    board_json,
    load_board,
    placement_json,
    topic_json,
)
from app.services.changes import BoardChange, board_version
from app.templating import templates

JSON_VIEW = "json"
HTML_VIEWS = frozenset({"market", "wall", "board", "notes"})
VIEWS = HTML_VIEWS | {JSON_VIEW}
PUBLIC_VIEWS = frozenset({"board", JSON_VIEW})  # followed by anyone, with or without joining


def view_in_language(view: str, language: str | None) -> str:
    """The hub's name for a kind of page read in a language: "market" in English, "market:es" in Spanish.
    Each language a page of the event is open in is rendered once per change; JSON has no language."""
    spoken = i18n.supported(language) or i18n.SOURCE_LANGUAGE
    return view if view == JSON_VIEW or spoken == i18n.SOURCE_LANGUAGE else f"{view}:{spoken}"


def _kind(view: str) -> str:
    return view.partition(":")[0]


def _language(view: str) -> str:
    return view.partition(":")[2] or i18n.SOURCE_LANGUAGE


class BoardRenderer(Renderer):
    def __init__(self, database: Database) -> None:
        self._database = database

    def current_version(self, event_id: int) -> int:
        with self._database.read_session() as session:
            return board_version(session=session, event_id=event_id)

    def facilitator_keys(self, event_id: int) -> dict[int, str]:
        with self._database.read_session() as session:
            return {id_of(m): m.key_hash for m in team.list_team(session=session, event_id=event_id)}

    def render(self, *, event_id: int, change: BoardChange | None, views: frozenset[str], version: int) -> Rendered:
        with self._database.read_session() as session:
            board = load_board(session=session, event_id=event_id, with_clashes=False)
            kinds = {_kind(view) for view in views}
            if "wall" in kinds:
                # Only the wall shows who is torn between two sessions, and only its redrawn rows need it.
                redrawn = None if change is None or change.wall or change.event else _dirty_slots(board, change)
                add_clashes(session=session, board=board, slot_ids=redrawn)
            # The board's and the JSON feed's followers need not have joined: on an event with a join code
            # they get the wall without names (app/services/privacy.py); ws.py admits the others.
            # Copied only when someone follows one of those views: the broadcast path does nothing it needn't.
            nameless = board.without_names() if board.event.join_code and kinds & PUBLIC_VIEWS else board
            messages = {}
            for view in views:
                kind = _kind(view)
                if kind not in VIEWS:
                    continue
                with i18n.speaking(_language(view)):
                    messages[view] = _render_view(
                        session, nameless if kind in PUBLIC_VIEWS else board, kind, change, version
                    )
        return Rendered(version=version, messages={v: m for v, m in messages.items() if m})


def _render_view(session: Session, board: Board, view: str, change: BoardChange | None, version: int) -> str:
    if view == JSON_VIEW:
        return _json_message(board, change, version)
    parts: list[str]
    if view == "market":
        parts = _market(board, change)
    elif view == "wall":
        parts = _wall(board, change)
    elif view == "board":
        parts = _board(board, change)
    else:
        parts = _notes(session, board, change)
    if change is None or change.announcement:
        parts.append(_announcement(board))
    parts.append(_fragment("partials/live_version.html", version=version, snapshot=change is None))
    return "".join(parts)


def _announcement(board: Board) -> str:
    said = board.announcement
    return _fragment(
        "partials/announcement.html",
        announcement=said,
        announcement_time=local_time(board.event, said.created_at) if said else "",
    )


def _fragment(template: str, **context: Any) -> str:
    return templates.get_template(template).render(oob=True, **context)


def _dirty_slots(board: Board, change: BoardChange) -> set[int]:
    """Slots to re-render: those the change names, and those where a changed topic is placed."""
    slots = set(change.slot_ids)
    slots.update(board.placements[t][1] for t in change.topic_ids if t in board.placements)
    return slots


def _market(board: Board, change: BoardChange | None) -> list[str]:
    event = board.event
    if change is None:
        return [
            _fragment("partials/topic_head.html", event=event, topic=topic, live=True) for topic in board.topics
        ] + [_fragment("partials/live_notice.html", event=event, notice=None)]
    parts = []
    for topic_id in sorted(change.topic_ids):
        topic = board.topic(topic_id)
        if topic is None:  # withdrawn, hidden or merged: off every list
            parts.append(f'<li id="topic-{topic_id}" hx-swap-oob="delete"></li>')
        else:
            parts.append(_fragment("partials/topic_head.html", event=event, topic=topic, live=True))
    if change.event:
        parts.append(_fragment("partials/live_notice.html", event=event, notice="event"))
    elif change.new_topics:
        parts.append(_fragment("partials/live_notice.html", event=event, notice="new_topics"))
    return parts


def _wall(board: Board, change: BoardChange | None) -> list[str]:
    event = board.event
    if change is None or change.wall or change.event:
        return [
            _fragment("partials/wall_grid.html", event=event, board=board),
            _fragment("partials/wall_tray.html", event=event, board=board),
        ]
    parts = [
        _fragment("partials/wall_row.html", event=event, board=board, row=row)
        for slot_id in sorted(_dirty_slots(board, change))
        if (row := board.row(slot_id)) is not None
    ]
    if change.topic_ids or change.new_topics:
        parts.append(_fragment("partials/wall_tray.html", event=event, board=board))
    return parts


def _board(board: Board, change: BoardChange | None) -> list[str]:
    event = board.event
    if change is None or change.wall or change.event:
        return [
            _fragment("partials/board_grid.html", event=event, board=board),
            _fragment("partials/board_top.html", event=event, board=board, top=board.top()),
            _fragment("partials/board_now.html", event=event, board=board, now_next=board.now_next()),
            _fragment("partials/board_themes.html", event=event, board=board, now_next=board.now_next()),
            _fragment("partials/board_config.html", event=event, board=board),
            _fragment("partials/board_theme_key.html", event=event, board=board),
        ]
    parts = [
        _fragment("partials/board_row.html", event=event, board=board, row=row)
        for slot_id in sorted(_dirty_slots(board, change))
        if (row := board.row(slot_id)) is not None
    ]
    if change.topic_ids or change.new_topics:
        parts.append(_fragment("partials/board_top.html", event=event, board=board, top=board.top()))
    if parts:
        now_next = board.now_next()
        parts.append(_fragment("partials/board_now.html", event=event, board=board, now_next=now_next))
        parts.append(_fragment("partials/board_themes.html", event=event, board=board, now_next=now_next))
    return parts


def _notes(session: Session, board: Board, change: BoardChange | None) -> list[str]:
    parts = []
    if change is None or change.event:
        parts.append(_fragment("partials/notes_lock.html", locked=board.event.notes_locked))
    if change is None or not change.notes_topic_ids:
        return parts
    # Imported here: the notes view lands with the notes pages (app/realtime/notes_view.py).
    from app.realtime.notes_view import render_notes_update

    return [*parts, render_notes_update(session=session, event=board.event, topic_ids=change.notes_topic_ids)]


def _json_message(board: Board, change: BoardChange | None, version: int) -> str:
    if change is None or change.wall or change.event:
        snapshot = board_json(board)
        snapshot["version"] = version
        return json.dumps({"version": version, "type": "snapshot", "board": snapshot}, separators=(",", ":"))
    message: dict[str, object] = {"version": version, "type": "update", "kinds": sorted(change.kinds)}
    if change.topic_ids:
        message["topics"] = [_topic_or_gone(board, topic_id) for topic_id in sorted(change.topic_ids)]
    slots = _dirty_slots(board, change)
    if slots:
        message["slots"] = [
            {
                "slot_id": slot_id,
                "placements": [
                    placement_json(board, topic_id)
                    for topic_id, (_, placed_slot) in sorted(board.placements.items())
                    if placed_slot == slot_id
                ],
            }
            for slot_id in sorted(slots)
        ]
    if change.notes_topic_ids:
        message["notes_topic_ids"] = sorted(change.notes_topic_ids)
    if change.announcement:
        message["announcement"] = announcement_json(board.announcement)
    return json.dumps(message, separators=(",", ":"))


def _topic_or_gone(board: Board, topic_id: int) -> dict[str, object]:
    topic = board.topic(topic_id)
    if topic is not None:
        return topic_json(topic)
    # No longer on offer; scripts drop it. (Which of withdrawn, hidden or merged is not public.)
    return {"id": topic_id, "status": TopicStatus.withdrawn.value, "votes": 0}
