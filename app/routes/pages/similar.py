"""Duplicates on the pages: what the proposal form shows while a title is typed, and the facilitator's
"Likely duplicates" (merge, or "not a duplicate").

The rules live in app/services/similarity.py and app/services/topics.py (merging); this module only reads the
forms. The facilitator's section is drawn by the facilitator page (its `duplicates` section) and answered here
like every section of it: a redirect after a plain post, the section's partial for htmx.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, Response

from app.csrf import CsrfChecked
from app.deps import PageAttendee
from app.i18n import _
from app.models._base import MAX_ROW_ID
from app.models.topic import SIMILAR_TITLE_MAX
from app.routes.pages.facilitator import DeskDep
from app.routes.pages.rendering import Part, fragments
from app.routes.pages.visit import VisitDep
from app.services import similarity, themes
from app.services.errors import InvalidInput

router = APIRouter()

FormField = Annotated[str | None, Form()]
# The proposal form shows a few: the list is for "vote for it instead", not for browsing.
SHOWN_WHILE_TYPING = 3


@router.get("/e/{slug}/similar", response_class=HTMLResponse)
def similar_while_typing(
    visit: VisitDep, _attendee: PageAttendee, title: str = Query(default="", max_length=SIMILAR_TITLE_MAX)
) -> Response:
    """The topics that look like the title typed so far, and (out of band) the nearest theme."""
    session, event_id = visit.session, visit.event_id
    found = similarity.similar_topics(session=session, event_id=event_id, title=title, limit=SHOWN_WHILE_TYPING)
    context = {"event": visit.event, "similar": found}
    parts: list[Part] = [("partials/propose_similar.html", context)]
    if themes.list_themes(session=session, event_id=event_id):
        nearest = similarity.nearest_theme(session=session, event_id=event_id, title=title)
        parts.append(("partials/propose_theme_hint.html", {**context, "nearest": nearest, "oob": True}))
    return fragments(visit.request, parts, headers={"Cache-Control": "no-store"})


@router.post("/e/{slug}/facilitate/duplicates/merge", dependencies=[CsrfChecked])
async def merge_duplicate(
    desk: DeskDep, merge_from: FormField = None, merge_into: FormField = None, confirmed: FormField = None
) -> Response:
    """Merge one topic of a likely pair into the other (the existing merge: its dots move, nobody over budget),
    asked once more first, as the topics' own merge is."""

    def ids() -> tuple[int, int]:
        return _topic_id(merge_from, "merge_from"), _topic_id(merge_into, "merge_into")

    return await desk.merge_once_sure(
        confirmed=confirmed,
        section="duplicates",
        form="section",
        parse=ids,
        action=f"{desk.base}/duplicates/merge",
        fields=lambda source, target: {"merge_from": str(source), "merge_into": str(target)},
    )


@router.post("/e/{slug}/facilitate/duplicates/not", dependencies=[CsrfChecked])
async def not_a_duplicate(desk: DeskDep, topic_id: FormField = None, other_topic_id: FormField = None) -> Response:
    """Two topics are different conversations: the pair is never suggested again."""
    event_id = desk.event_id

    def ids() -> tuple[int, int]:
        return _topic_id(topic_id, "topic_id"), _topic_id(other_topic_id, "other_topic_id")

    return await desk.act(
        section="duplicates",
        form="section",
        values={},
        parse=ids,
        work=lambda s, pair: similarity.mark_not_duplicate(
            session=s, event_id=event_id, topic_id=pair[0], other_topic_id=pair[1]
        ),
    )


def _topic_id(value: str | None, field: str) -> int:
    text = (value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_ROW_ID:
        raise InvalidInput(_("Choose two topics of the list: this form names a topic that isn't one."), field=field)
    return int(text)
