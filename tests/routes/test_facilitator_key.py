"""A leaked facilitator link is replaced in one press (page, API, terminal): the old key dies at once, in every
browser that opened it; and the session cookie never holds the key itself."""

from __future__ import annotations

import base64
import json

from starlette.testclient import TestClient

from app.main import SESSION_COOKIE, create_app
from tests.routes.pages_helpers import page_csrf


def _cookie_data(client: TestClient) -> str:
    """What the signed session cookie says (signed, not encrypted: anyone holding it can read it)."""
    value = next(c.value for c in client.cookies.jar if c.name == SESSION_COOKIE)
    payload = value.split(".", 1)[0]
    return base64.b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_the_session_cookie_of_a_facilitator_does_not_hold_the_key(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")

    client.get(f"/e/gathering/facilitate?key={event.key}")

    data = _cookie_data(client)
    assert event.key not in data
    assert "gathering" in json.loads(data)["facilitators"]
    assert client.get("/e/gathering/facilitate").status_code == 200


def test_the_api_replaces_the_key_and_the_old_one_is_refused(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")

    answer = client.post("/api/events/gathering/facilitator-key", headers=event.auth)
    new_key = answer.json()["facilitator_key"]

    assert answer.status_code == 201
    assert answer.json()["links"]["facilitator"].endswith(f"/e/gathering/facilitate?key={new_key}")
    assert client.patch("/api/events/gathering", json={"name": "Renamed"}, headers=event.auth).status_code == 401
    renamed = client.patch(
        "/api/events/gathering", json={"name": "Renamed"}, headers={"Authorization": f"Bearer {new_key}"}
    )
    assert renamed.status_code == 200


def test_an_attendee_cant_replace_the_key(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    ada = factory.attendee(event)

    refused = client.post("/api/events/gathering/facilitator-key", headers=ada.auth)

    assert refused.status_code == 403
    assert client.patch("/api/events/gathering", json={"name": "Still mine"}, headers=event.auth).status_code == 200


def test_replacing_the_link_on_the_page_lets_every_other_browser_go(settings, factory, backend):
    event = factory.event(slug="gathering")
    with TestClient(create_app(settings)) as mine, TestClient(create_app(settings)) as leaked:
        mine.get(f"/e/gathering/facilitate?key={event.key}")
        leaked.get(f"/e/gathering/facilitate?key={event.key}")
        token = page_csrf(mine, "/e/gathering/facilitate")

        asked = mine.post("/e/gathering/facilitate/key", data={"csrf_token": token})
        replaced = mine.post("/e/gathering/facilitate/key", data={"csrf_token": token, "confirmed": "yes"})

        assert "Replace the facilitator link? The old one stops working at once" in asked.text
        assert replaced.status_code == 200
        assert "The facilitator link was replaced: the old one no longer works, in any browser." in replaced.text
        assert event.key not in replaced.text
        assert mine.get("/e/gathering/facilitate").status_code == 200  # this browser stays in
        assert leaked.get("/e/gathering/facilitate").status_code == 403  # the other is let go at once
        assert leaked.get(f"/e/gathering/facilitate?key={event.key}").status_code == 403
