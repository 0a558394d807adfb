"""Helpers for testing the HTML pages through HTTP: CSRF tokens, joining, htmx headers, finding elements."""

from __future__ import annotations

import re

from sqlmodel import col, select
from starlette.testclient import TestClient

from app.db import Database
from app.models import Activity, Topic, Vote

HTMX = {"HX-Request": "true"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The hidden csrf_token of the first form in the page, or else the one htmx sends as a header."""
    match = _CSRF.search(html) or re.search(r"hx-headers='\{\"X-CSRF-Token\": \"([^\"]+)\"\}'", html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def page_csrf(client: TestClient, url: str) -> str:
    """GET a page (which makes the session's token) and read the token from its forms."""
    return csrf_token(client.get(url).text)


def join(client: TestClient, slug: str, name: str = "Ada", join_code: str | None = None) -> str:
    """Join an event through its join form; returns the CSRF token for the next posts."""
    token = page_csrf(client, f"/e/{slug}")
    data = {"csrf_token": token, "display_name": name}
    if join_code is not None:
        data["join_code"] = join_code
    response = client.post(f"/e/{slug}/join", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return token


def element(html: str, element_id: str) -> str:
    """The opening tag and content of the element whose id is given (same-tag nesting inside is followed)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    tag = match.group(1)
    depth, position = 1, match.end()
    for tag_match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[match.end() :]):
        depth += -1 if tag_match.group(1) else 1
        if depth == 0:
            position = match.end() + tag_match.end()
            break
    return html[match.start() : position]


def button(html: str, button_id: str) -> str:
    """The opening tag of the button whose id is given."""
    match = re.search(rf'<button[^>]*\bid="{re.escape(button_id)}"[^>]*>', html)
    assert match, f"no button with id {button_id}"
    return match.group(0)


def confirmation_form(html: str) -> tuple[str, dict[str, str]]:
    """The "Are you sure?" page's form: where it posts, and every hidden field it posts again."""
    confirm = r'<section class="fac-section fac-confirm".*?<form method="post" action="([^"]+)".*?</form>'
    form = re.search(confirm, html, re.S)
    assert form, "no confirmation form in the page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0)))
    return form.group(1), fields


def stored_topics_and_dots(database: Database) -> tuple[list[tuple[object, ...]], list[tuple[int, int]], int]:
    """What a merge changes, as stored: each topic's status and where it went, the dots, the activity lines."""
    with database.read_session() as session:
        stored = [(t.id, t.status, t.merged_into_id) for t in session.exec(select(Topic).order_by(col(Topic.id)))]
        dots = sorted((v.attendee_id, v.topic_id) for v in session.exec(select(Vote)))
        return stored, dots, len(session.exec(select(Activity)).all())
