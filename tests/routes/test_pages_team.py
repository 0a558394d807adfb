"""The facilitator page's Team and Activity sections through HTTP: invite, remove, replace one's link, undo;
plain posts and htmx; and a removed member's open page, its requests and its live socket, let go at once."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.deps import REFUSED_KEY
from app.main import create_app
from app.routes.ws import REFUSED_SESSION
from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import HTMX, element, page_csrf


def enter(client: TestClient, event: EventWithKey, key: str | None = None) -> str:
    assert client.get(f"/e/{event.slug}/facilitate", params={"key": key or event.key}).status_code == 200
    return page_csrf(client, f"/e/{event.slug}/facilitate")


def post(client: TestClient, event: EventWithKey, path: str, token: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(f"/e/{event.slug}/facilitate{path}", data={**data, "csrf_token": token}, follow_redirects=False)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _invite(client: TestClient, event: EventWithKey, token: str, name: str = "Sam") -> str:
    """Invite through the page; answers the new member's key, read from the link shown once."""
    page = post(client, event, "/team", token, name=name)
    assert page.status_code == 200, page.text
    match = re.search(r'<code id="new-member-link">[^<]*#key=([^<]+)</code>', page.text)
    assert match, text_of(element(page.text, "facilitate-team"))
    return match.group(1)


def test_inviting_shows_the_new_link_once_with_a_copy_button(client: TestClient, factory: Factory, backend):
    event = factory.event(slug="hall")
    token = enter(client, event)

    page = post(client, event, "/team", token, name="Sam")
    again = client.get("/e/hall/facilitate/team")
    moderation = client.get("/e/hall/facilitate/moderation")

    team = element(page.text, "facilitate-team")
    assert "Sam is on the team. Send them this link, shown only this once" in text_of(team)
    assert 'data-copy="#new-member-link"' in team
    assert page.headers["cache-control"] == "no-store"
    assert "new-member-link" not in again.text  # shown once
    assert re.findall(r'class="fac-member-name">([^<]+)', again.text) == ["Facilitator ", "Sam"]
    assert "Facilitator invited Sam to the team" in text_of(element(moderation.text, "facilitate-activity"))


def test_inviting_with_htmx_answers_the_team_section(client, factory, backend):
    event = factory.event(slug="hall")
    token = enter(client, event)

    answer = client.post("/e/hall/facilitate/team", data={"name": "Sam", "csrf_token": token}, headers=HTMX)

    assert answer.text.startswith('<section id="facilitate-team"')
    assert 'id="new-member-link"' in answer.text
    # The activity list is on another tab (Moderation), read when it is opened or redrawn.
    assert 'id="facilitate-activity"' not in answer.text


def test_an_empty_name_is_said_next_to_the_invite_form(client: TestClient, factory: Factory, backend):
    event = factory.event(slug="hall")
    token = enter(client, event)

    answer = client.post("/e/hall/facilitate/team", data={"name": "  ", "csrf_token": token}, headers=HTMX)

    assert answer.status_code == 422
    assert (
        '<p id="team-invite-error" class="fac-error" role="alert">The facilitator&#39;s name can&#39;t be empty.</p>'
        in answer.text
    )


def test_removing_asks_first_then_lets_the_member_go_everywhere(settings, factory: Factory, backend):
    event = factory.event(slug="hall")
    with TestClient(create_app(settings)) as mine, TestClient(create_app(settings)) as theirs:
        token = enter(mine, event)
        sam_key = _invite(mine, event, token)
        sam_token = enter(theirs, event, sam_key)
        sam_id = int(re.findall(r'id="member-(\d+)"', mine.get("/e/hall/facilitate/team").text)[-1])

        asked = post(mine, event, f"/team/{sam_id}/remove", token)
        done = post(mine, event, f"/team/{sam_id}/remove", token, confirmed="yes")

        assert "Remove Sam from the team? Their link stops working at once, on every device." in asked.text
        assert (done.status_code, done.headers["location"]) == (303, "/e/hall/facilitate/team#facilitate-team")
        # Their open page's next request: refused with a sentence, and nothing of the event.
        posted = theirs.post(
            "/e/hall/facilitate/rooms", data={"name": "Cellar", "capacity": "5", "csrf_token": sam_token}
        )
        assert (posted.status_code, str(escape(REFUSED_KEY)) in posted.text) == (401, True)
        assert "Cellar" not in mine.get("/e/hall/facilitate/wall").text
        assert theirs.get("/e/hall/facilitate").status_code == 403  # then the sign-in form, like anyone's


def test_a_removed_members_open_live_page_is_closed(settings, factory: Factory, backend):
    event = factory.event(slug="hall")
    with TestClient(create_app(settings)) as mine, TestClient(create_app(settings)) as theirs:
        token = enter(mine, event)
        sam_key = _invite(mine, event, token)
        enter(theirs, event, sam_key)
        sam_id = int(re.findall(r'id="member-(\d+)"', mine.get("/e/hall/facilitate/team").text)[-1])

        with theirs.websocket_connect("/ws/events/hall?view=market") as socket:
            socket.receive_text()  # the snapshot
            post(mine, event, f"/team/{sam_id}/remove", token, confirmed="yes")
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    socket.receive_text()

        assert (closed.value.code, closed.value.reason) == (1008, REFUSED_SESSION)
        # And a new one is refused outright.
        with (
            theirs.websocket_connect("/ws/events/hall?view=market") as socket,
            pytest.raises(WebSocketDisconnect) as again,
        ):
            socket.receive_text()
        assert (again.value.code, again.value.reason) == (1008, REFUSED_SESSION)


def test_undo_of_a_hide_as_a_plain_post_says_what_happened_on_the_page(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    topic = factory.topic(event, factory.attendee(event), title="Spam?")
    token = enter(client, event)
    post(client, event, f"/topics/{topic.id}/hide", token, confirmed="yes")
    hidden = re.search(r'id="activity-(\d+)"', client.get("/e/hall/facilitate/moderation").text)
    assert hidden

    done = post(client, event, f"/activity/{hidden.group(1)}/undo", token)
    page = client.get(done.headers["location"])

    assert (done.status_code, done.headers["location"]) == (303, "/e/hall/facilitate/moderation#facilitate-activity")
    activity = text_of(element(page.text, "facilitate-activity"))
    assert "“Spam?” is back on the marketplace." in activity
    assert "Facilitator undid: hid “Spam?”" in activity and "(undone by Facilitator)" in activity
    assert "“Spam?” is back on the marketplace." not in client.get("/e/hall/facilitate/moderation").text  # once


def test_undo_with_htmx_answers_the_list_and_the_topics_out_of_band(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    topic = factory.topic(event, factory.attendee(event), title="Spam?")
    token = enter(client, event)
    post(client, event, f"/topics/{topic.id}/hide", token, confirmed="yes")
    hidden = re.search(r'id="activity-(\d+)"', client.get("/e/hall/facilitate/moderation").text)
    assert hidden

    answer = client.post(
        f"/e/hall/facilitate/activity/{hidden.group(1)}/undo", data={"csrf_token": token}, headers=HTMX
    )
    again = client.post(f"/e/hall/facilitate/activity/{hidden.group(1)}/undo", data={"csrf_token": token}, headers=HTMX)

    assert answer.text.startswith('<section id="facilitate-activity"')
    assert '<p class="note" role="status">“Spam?” is back on the marketplace.</p>' in answer.text
    assert re.search(r'<section id="facilitate-topics"[^>]*hx-swap-oob="true"', answer.text)
    assert again.status_code == 409
    assert '<p class="fac-error" role="alert">This was undone already.</p>' in again.text


def test_undoing_a_merge_asks_first(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    ada = factory.attendee(event)
    source, target = factory.topic(event, ada, title="Data trusts"), factory.topic(event, ada, title="Data")
    token = enter(client, event)
    post(client, event, f"/topics/{source.id}/merge", token, into_topic_id=str(target.id), confirmed="yes")
    page = client.get("/e/hall/facilitate/moderation").text
    merged = re.search(r'id="activity-(\d+)"', page)
    assert merged
    # The line quotes the topics already: the question does not quote it again (no quotes within quotes).
    assert 'hx-confirm="Undo this merge? Facilitator merged “Data trusts” into “Data”. The merged topic' in element(
        page, f"activity-{merged.group(1)}"
    )

    asked = post(client, event, f"/activity/{merged.group(1)}/undo", token)
    done = post(client, event, f"/activity/{merged.group(1)}/undo", token, confirmed="yes")

    assert "Are you sure?" in asked.text and "Undo the merge" in asked.text
    assert client.get(f"/api/events/hall/topics/{source.id}").json()["status"] == "proposed"
    assert done.status_code == 303


def test_removing_someone_from_the_moderation_tab_is_in_the_activity_list_without_their_name(
    client: TestClient, factory, backend
):
    event = factory.event(slug="hall")
    bo = factory.attendee(event, name="Bo")
    token = enter(client, event)

    done = post(client, event, f"/attendees/{bo.id}/remove", token, confirmed="yes")
    activity = text_of(element(client.get("/e/hall/facilitate/moderation").text, "facilitate-activity"))

    assert done.status_code == 303
    assert "Facilitator removed someone from the event" in activity and "Bo" not in activity
