"""POST/GET /api/events/{slug}/announcements, and the announcement reaching live pages and scripts."""

from __future__ import annotations

import json

from starlette.testclient import TestClient


def test_the_facilitator_announces_and_everyone_can_read_the_list(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")

    made = client.post(
        "/api/events/gathering/announcements", json={"text": "Lunch is in the garden"}, headers=event.auth
    )
    listed = client.get("/api/events/gathering/announcements")

    assert made.status_code == 201
    assert made.json()["text"] == "Lunch is in the garden"
    assert [a["text"] for a in listed.json()] == ["Lunch is in the garden"]
    assert listed.json()[0]["id"] == made.json()["id"]


def test_an_attendee_cant_announce(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    ada = factory.attendee(event)

    refused = client.post("/api/events/gathering/announcements", json={"text": "Free beer"}, headers=ada.auth)

    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Only the event's facilitator can do this: send the facilitator key as a bearer token."
    }
    assert client.get("/api/events/gathering/announcements").json() == []


def test_an_overlong_announcement_is_refused_naming_the_field(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")

    refused = client.post("/api/events/gathering/announcements", json={"text": "x" * 281}, headers=event.auth)

    assert refused.status_code == 422
    assert refused.json()["detail"] == "The announcement is too long: 281 characters, at most 280."
    assert client.get("/api/events/gathering/announcements").json() == []


def test_an_announcement_reaches_scripts_and_every_kind_of_live_page(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    since = client.get("/api/events/gathering/board").json()["version"]
    views = ("market", "wall", "board", "notes")
    sockets = {view: client.websocket_connect(f"/ws/events/gathering?view={view}&since={since}") for view in views}
    with client.websocket_connect(f"/ws/events/gathering?format=json&since={since}") as script:
        for socket in sockets.values():
            socket.__enter__()
        client.post("/api/events/gathering/announcements", json={"text": "Lunch <b>now</b>"}, headers=event.auth)

        message = json.loads(script.receive_text())
        pages = {view: socket.receive_text() for view, socket in sockets.items()}
        for socket in sockets.values():
            socket.__exit__(None, None, None)

    assert message["type"] == "update" and message["kinds"] == ["announcement"]
    assert message["announcement"]["text"] == "Lunch <b>now</b>"
    for view, html in pages.items():
        assert 'id="announcement"' in html and 'hx-swap-oob="true"' in html, view
        assert "Lunch &lt;b&gt;now&lt;/b&gt;" in html and "<b>now" not in html, view
