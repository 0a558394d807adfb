"""The facilitator announces from their page; every live page and the board show the latest announcement."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.routes.pages_helpers import HTMX, element, join, page_csrf


def _facilitate(client: TestClient, event) -> str:
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    return page_csrf(client, f"/e/{event.slug}/facilitate")


def test_facilitator_announces_with_a_plain_form_and_sees_it_listed(client, factory, backend):
    event = factory.event(slug="gathering")
    token = _facilitate(client, event)

    posted = client.post(
        "/e/gathering/facilitate/announcements",
        data={"csrf_token": token, "text": "Lunch is in the garden"},
        follow_redirects=False,
    )
    page = client.get("/e/gathering/facilitate/phases").text

    assert posted.status_code == 303
    assert posted.headers["location"] == "/e/gathering/facilitate/phases#facilitate-announcements"
    assert "Lunch is in the garden</li>" in element(page, "facilitate-announcements")


def test_facilitator_announces_with_htmx_and_gets_the_section_back(client, factory, backend):
    event = factory.event(slug="gathering")
    token = _facilitate(client, event)

    answer = client.post(
        "/e/gathering/facilitate/announcements",
        data={"text": "Session 2 starts at 11:15"},
        headers={**HTMX, "X-CSRF-Token": token},
    )

    assert answer.status_code == 200
    assert answer.text.startswith('<section id="facilitate-announcements"')
    assert "Session 2 starts at 11:15</li>" in answer.text


def test_an_empty_announcement_is_refused_in_place_with_nothing_said(client, factory, backend):
    event = factory.event(slug="gathering")
    token = _facilitate(client, event)

    answer = client.post(
        "/e/gathering/facilitate/announcements", data={"text": "  "}, headers={**HTMX, "X-CSRF-Token": token}
    )

    assert answer.status_code == 422
    assert (
        '<p id="announcement-error" class="fac-error" role="alert">The announcement can&#39;t be empty.</p>'
        in answer.text
    )
    assert client.get("/api/events/gathering/announcements").json() == []


def test_an_attendee_cant_post_to_the_facilitators_form(client, factory, backend):
    factory.event(slug="gathering")
    token = join(client, "gathering")

    refused = client.post("/e/gathering/facilitate/announcements", data={"csrf_token": token, "text": "Free beer"})

    assert refused.status_code == 403
    assert client.get("/api/events/gathering/announcements").json() == []


@pytest.mark.parametrize("page", ["", "/wall", "/board"])
def test_live_pages_show_the_latest_announcement(client, factory, backend, page):
    event = factory.event(slug="gathering")
    client.post("/api/events/gathering/announcements", json={"text": "Old news"}, headers=event.auth)
    client.post("/api/events/gathering/announcements", json={"text": "Lunch is in the garden"}, headers=event.auth)
    join(client, "gathering")

    html = client.get(f"/e/gathering{page}").text

    shown = element(html, "announcement")
    assert "Lunch is in the garden" in shown and "Old news" not in shown
    assert "hidden" not in shown.split(">", 1)[0]


def test_the_marketplace_is_a_live_page(client, factory, backend):
    factory.event(slug="gathering")
    join(client, "gathering")

    html = client.get("/e/gathering").text

    assert 'ws-connect="/ws/events/gathering?view=market&amp;since=' in html
    assert element(html, "announcement").split(">", 1)[0].endswith(" hidden")  # nothing said yet
