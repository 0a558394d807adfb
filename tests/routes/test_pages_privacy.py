"""Privacy on the pages: the name switch at join and on "Your privacy", "Remove me from this event" (plain and
htmx), the join page afterwards, the facilitator's Remove beside Ban, and "Delete this event"."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import HTMX, element, join, page_csrf
from tests.routes.test_pages_facilitator import enter, post


def _event(factory: Factory) -> EventWithKey:
    event = factory.event(slug="meadow")
    factory.topic(event, factory.attendee(event, name="Bo Listed"), title="Tea rituals")
    return event


def test_joining_with_the_box_ticked_lists_you_as_a_participant(client: TestClient, factory: Factory, backend):
    event = _event(factory)
    token = page_csrf(client, "/e/meadow")
    client.post("/e/meadow/join", data={"csrf_token": token, "display_name": "Zoe Quiet", "hide_name": "yes"})
    client.post("/e/meadow/topics", data={"csrf_token": token, "title": "Walking meetings"})

    market = client.get("/e/meadow").text

    assert "You are Zoe Quiet (others see “a participant”)." in market
    assert "by a participant" in market and "by Zoe Quiet" not in market  # as the live feed would draw it
    conveners = {
        t["title"]: t["convener_name"] for t in client.get("/api/events/meadow/topics", headers=event.auth).json()
    }
    assert conveners == {"Tea rituals": "Bo Listed", "Walking meetings": "Zoe Quiet"}


def test_the_privacy_page_switches_the_name_by_plain_post_and_by_htmx(client: TestClient, factory: Factory, backend):
    _event(factory)
    token = join(client, "meadow", "Zoe Quiet")

    page = client.get("/e/meadow/privacy")
    plain = client.post("/e/meadow/privacy", data={"csrf_token": token, "name_listed": "no"}, follow_redirects=False)
    after = client.get(plain.headers["location"]).text
    htmx = client.post("/e/meadow/privacy", data={"name_listed": "yes"}, headers={**HTMX, "X-CSRF-Token": token})
    bad = client.post("/e/meadow/privacy", data={"name_listed": "maybe"}, headers={**HTMX, "X-CSRF-Token": token})

    assert page.status_code == 200 and "Your name on lists" in page.text and "Remove me from this event" in page.text
    assert (plain.status_code, plain.headers["location"]) == (303, "/e/meadow/privacy#privacy-name")
    assert "Others now read “a participant” where your name was" in after
    assert 'id="listed-no" name="name_listed" value="no" checked' in after
    assert htmx.status_code == 200 and htmx.text.startswith('<section id="privacy-name"')
    assert "Others now read your name, Zoe Quiet." in htmx.text
    assert bad.status_code == 422 and "Choose whether others see your name" in bad.text
    assert client.get("/e/meadow").text.count("You are Zoe Quiet.") == 1


def test_the_privacy_page_is_for_attendees(client: TestClient, factory: Factory, backend):
    _event(factory)

    assert client.get("/e/meadow/privacy").status_code == 401


def test_removing_yourself_by_plain_post_asks_first_then_the_join_page_says_so(
    client: TestClient, factory: Factory, backend
):
    _event(factory)
    token = join(client, "meadow", "Zoe Quiet")

    asked = client.post("/e/meadow/privacy/remove", data={"csrf_token": token})
    removed = client.post(
        "/e/meadow/privacy/remove", data={"csrf_token": token, "confirmed": "yes"}, follow_redirects=False
    )
    landing = client.get(removed.headers["location"])
    later = client.get("/e/meadow")

    assert "Remove yourself from" in asked.text and 'name="confirmed" value="yes"' in asked.text
    assert (removed.status_code, removed.headers["location"]) == (303, "/e/meadow")
    join_form = element(landing.text, "join")
    assert "You removed yourself from this event" in join_form
    assert 'action="/e/meadow/join"' in join_form  # the form, not the banned message
    assert "has removed you" not in join_form
    assert landing.status_code == 200
    assert "You removed yourself" not in later.text  # said once: the old token is dropped from the cookie
    join(client, "meadow", "Zoe again")  # and the phone can join again
    assert "You are Zoe again." in client.get("/e/meadow").text


def test_removing_yourself_with_htmx_redirects_to_the_join_page(client: TestClient, factory: Factory, backend):
    event = _event(factory)
    token = join(client, "meadow", "Zoe Quiet")

    removed = client.post(
        "/e/meadow/privacy/remove", data={"confirmed": "yes"}, headers={**HTMX, "X-CSRF-Token": token}
    )

    assert (removed.status_code, removed.headers["hx-redirect"]) == (200, "/e/meadow")
    people = json.loads(client.get("/api/events/meadow/export?format=json", headers=event.auth).text)["attendees"]
    assert [p["display_name"] for p in people] == ["Bo Listed", "a former participant"]


def test_the_facilitator_removes_a_convener_beside_ban(client: TestClient, factory: Factory, backend):
    event = factory.event(slug="meadow")
    bo = factory.attendee(event, name="Bo Listed")
    factory.topic(event, bo, title="Tea rituals")
    token = enter(client, event)

    page = client.get("/e/meadow/facilitate/moderation").text
    asked = post(client, event, f"/attendees/{bo.id}/remove", token, {})
    removed = post(client, event, f"/attendees/{bo.id}/remove", token, {"confirmed": "yes"}, headers=HTMX)

    assert f'action="/e/meadow/facilitate/attendees/{bo.id}/remove"' in page
    assert "Remove Bo Listed from the event?" in asked.text
    assert removed.status_code == 200 and "(removed)" in removed.text and "a former participant" in removed.text
    assert (
        client.get("/api/events/meadow/me", headers=bo.auth)
        .json()["detail"]
        .startswith("The facilitator removed you from this event")
    )


def test_deleting_the_event_on_the_facilitator_page_needs_the_slug(client: TestClient, factory: Factory, backend):
    event = _event(factory)
    token = enter(client, event)

    page = client.get("/e/meadow/facilitate/exports").text
    wrong = post(client, event, "/delete", token, {"confirm": "the meadow"})
    deleted = post(client, event, "/delete", token, {"confirm": "meadow"})

    section = element(page, "facilitate-delete")
    assert 'href="/e/meadow/facilitate/export.json"' in section and "download the whole event as JSON" in section
    assert wrong.status_code == 422 and "type its short name (meadow) in confirm" in element(
        wrong.text, "facilitate-delete"
    )
    assert deleted.status_code == 200 and "Autumn Gathering is deleted" in deleted.text
    assert client.get("/e/meadow").status_code == 404
    assert client.get("/e/meadow/facilitate").status_code == 404
