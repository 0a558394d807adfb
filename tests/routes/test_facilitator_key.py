"""A leaked facilitator link is replaced in one press (page, API, terminal): the old key dies at once, in every
browser that opened it; and the session cookie never holds the key itself."""

from __future__ import annotations

import base64
import json

from markupsafe import escape
from starlette.testclient import TestClient

from app.deps import REFUSED_KEY
from app.main import SESSION_COOKIE, create_app
from app.static_files import static_url
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
    assert answer.json()["links"]["facilitator"].endswith(f"/e/gathering/facilitate#key={new_key}")
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

        assert "Replace your facilitator link? The old one stops working at once" in asked.text
        assert replaced.status_code == 200
        assert "Your link was replaced: the old one no longer works, in any browser." in replaced.text
        assert event.key not in replaced.text
        assert mine.get("/e/gathering/facilitate").status_code == 200  # this browser stays in
        refused = leaked.get("/e/gathering/facilitate")  # the other is let go at once, and told why
        assert (refused.status_code, str(escape(REFUSED_KEY)) in refused.text) == (401, True)
        assert leaked.get("/e/gathering/facilitate").status_code == 403  # said once; then the sign-in form
        assert leaked.get(f"/e/gathering/facilitate?key={event.key}").status_code == 403


# --- The key out of the address bar: after the # of the link, then in a POST body --------------------


def test_the_printed_link_carries_the_key_after_the_hash_never_in_the_query(client: TestClient, factory, backend):
    made = client.post(
        "/api/events",
        json={"name": "Hash Gathering", "date": "2026-12-05"},
        headers={"Authorization": "Bearer test-admin-token"},
    ).json()

    link = made["links"]["facilitator"]

    assert link == f"http://testserver/e/hash-gathering/facilitate#key={made['facilitator_key']}"
    assert "?" not in link  # browsers never send what follows the #: no server or proxy log sees the key


def test_the_page_without_a_cookie_is_a_sign_in_form_that_takes_the_key_from_the_link(client: TestClient, factory):
    factory.event(slug="gathering")

    page = client.get("/e/gathering/facilitate")

    assert page.status_code == 403
    assert 'action="/e/gathering/facilitate/enter"' in page.text
    assert 'name="key" type="password"' in page.text
    assert f'<script src="{static_url("js/enter.js")}" defer></script>' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"


def test_the_key_posted_lets_this_browser_in_and_a_wrong_one_is_said_in_place(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    token = page_csrf(client, "/e/gathering/facilitate")

    wrong = client.post("/e/gathering/facilitate/enter", data={"csrf_token": token, "key": "not-the-key"})
    right = client.post(
        "/e/gathering/facilitate/enter", data={"csrf_token": token, "key": f" {event.key} "}, follow_redirects=False
    )

    assert wrong.status_code == 403
    assert "This facilitator link is not valid" in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    assert right.status_code == 303
    assert right.headers["location"] == "/e/gathering/facilitate"
    assert event.key not in right.headers["location"]
    assert event.key not in _cookie_data(client)
    assert client.get("/e/gathering/facilitate").status_code == 200


def test_the_key_post_needs_the_page_csrf_token(client: TestClient, factory, backend):
    event = factory.event(slug="gathering")

    forged = client.post("/e/gathering/facilitate/enter", data={"key": event.key})

    assert forged.status_code == 403
    assert client.get("/e/gathering/facilitate").status_code == 403


def test_wrong_keys_from_one_address_soon_have_to_wait(settings, factory, backend):
    factory.event(slug="gathering")
    limited = settings.model_copy(update={"limit_join_code_tries": "3/minute"})
    with TestClient(create_app(limited)) as client:
        token = page_csrf(client, "/e/gathering/facilitate")
        answers = [
            client.post("/e/gathering/facilitate/enter", data={"csrf_token": token, "key": f"guess-{n}"}).status_code
            for n in range(5)
        ]

    assert answers[:3] == [403, 403, 403]
    assert answers[3:] == [429, 429]
