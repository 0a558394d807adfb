"""On an event with a join code, names and who goes where are for the people who joined: the public board
shows counts (and the code only on the facilitator's display link), the API names nobody to a reader
without a token, the wall and notes pages ask to join first, and their live feeds refuse outsiders."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.services.links import display_token
from app.services.tokens import hash_secret
from tests.factories import Factory
from tests.routes.pages_helpers import join


@pytest.fixture
def coded(factory: Factory):
    event = factory.event(slug="closed", join_code="OWL42")
    ada = factory.attendee(event, name="Ada Lovelace")
    topic = factory.topic(event, ada, title="Community data")
    hall, morning = factory.room(event, name="Hall"), factory.slot(event, starts="10:00", ends="11:00")
    factory.place(event, topic, hall, morning)
    factory.attend(ada, morning, topic)
    return event, ada, topic


def test_the_api_names_nobody_to_a_reader_without_a_token(client: TestClient, coded, backend):
    event, ada, topic = coded
    client.put(f"/api/events/closed/topics/{topic.id}/notes", json={"body": "Hi", "base_version": 0}, headers=ada.auth)

    public = {
        "topics": client.get("/api/events/closed/topics").json()[0]["convener_name"],
        "topic": client.get(f"/api/events/closed/topics/{topic.id}").json()["convener_name"],
        "board": client.get("/api/events/closed/board").json()["topics"][0]["convener_name"],
        "going": client.get(f"/api/events/closed/topics/{topic.id}/notes").json()["going"],
        "saved by": client.get(f"/api/events/closed/topics/{topic.id}/notes").json()["updated_by"],
        "revision": client.get(f"/api/events/closed/topics/{topic.id}/notes/revisions").json()[0]["author_name"],
    }
    joined = client.get(f"/api/events/closed/topics/{topic.id}/notes", headers=ada.auth).json()

    assert public == {
        "topics": "a participant",
        "topic": "a participant",
        "board": "a participant",
        "going": [],
        "saved by": "a participant",
        "revision": "a participant",
    }
    assert joined["going"] == ["Ada Lovelace"]
    assert client.get("/api/events/closed/topics", headers=event.auth).json()[0]["convener_name"] == "Ada Lovelace"
    assert client.get("/api/events/closed/board", headers=ada.auth).json()["topics"][0]["convener_name"] == (
        "Ada Lovelace"
    )


def test_an_event_without_a_join_code_names_people_to_anyone(client: TestClient, factory: Factory, backend):
    event = factory.event(slug="open")
    factory.topic(event, factory.attendee(event, name="Ada Lovelace"), title="Community data")

    assert client.get("/api/events/open/topics").json()[0]["convener_name"] == "Ada Lovelace"
    assert "Ada Lovelace" in client.get("/e/open/board").text


def test_the_public_board_shows_counts_and_no_code_and_the_display_link_shows_the_code(
    client: TestClient, coded, settings, backend
):
    event, _, _ = coded
    token = display_token(secret_key=settings.secret_key, event=event.event, fingerprint=hash_secret(event.key))

    public = client.get("/e/closed/board")
    venue = client.get(f"/e/closed/board?display={token}")
    forged = client.get("/e/closed/board?display=0123456789abcdef0123456789abcdef")

    assert "OWL42" not in public.text and "Ada Lovelace" not in public.text
    assert "Community data" in public.text and "1/50" in public.text  # the session and its count stay
    assert "the code the organisers show at the venue" in public.text
    assert "OWL42" in venue.text and "Ada Lovelace" not in venue.text  # the projector names nobody either
    assert venue.headers["referrer-policy"] == "no-referrer"
    assert "OWL42" not in forged.text


def test_the_facilitator_page_hands_out_the_display_link(client: TestClient, coded, settings, backend):
    event, _, _ = coded
    client.get(f"/e/closed/facilitate?key={event.key}")

    page = client.get("/e/closed/facilitate/setup").text

    token = display_token(secret_key=settings.secret_key, event=event.event, fingerprint=hash_secret(event.key))
    assert f"/e/closed/board?display={token}" in page
    assert "OWL42" in client.get("/e/closed/board").text  # the facilitator's own browser sees the code too


def test_replacing_the_facilitator_key_ends_the_display_link(client: TestClient, coded, settings, backend):
    event, _, _ = coded
    token = display_token(secret_key=settings.secret_key, event=event.event, fingerprint=hash_secret(event.key))

    client.post("/api/events/closed/facilitator-key", headers=event.auth)

    assert "OWL42" not in client.get(f"/e/closed/board?display={token}").text


@pytest.mark.parametrize("page", ["/e/closed/wall", "/e/closed/notes", "/e/closed/topics/{topic}/notes"])
def test_the_pages_that_name_people_ask_outsiders_to_join_first(client: TestClient, coded, page, backend):
    _, _, topic = coded
    url = page.format(topic=topic.id)

    outsider = client.get(url)
    join(client, "closed", "Bo", join_code="owl42")
    member = client.get(url)

    assert outsider.status_code == 401
    assert "is for the people who joined it" in outsider.text
    assert "Ada Lovelace" not in outsider.text
    assert member.status_code == 200


def test_the_live_feeds_that_name_people_refuse_outsiders(client: TestClient, coded, backend):
    with (
        client.websocket_connect("/ws/events/closed?view=wall") as socket,
        pytest.raises(WebSocketDisconnect) as refused,
    ):
        socket.receive_text()
    with client.websocket_connect("/ws/events/closed?view=board") as socket:
        board = socket.receive_text()
    join(client, "closed", "Bo", join_code="OWL42")
    with client.websocket_connect("/ws/events/closed?view=wall") as socket:
        wall = socket.receive_text()

    assert refused.value.code == 1008
    assert "Community data" in board and "Ada Lovelace" not in board
    assert "Ada Lovelace" in wall
