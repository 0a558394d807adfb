"""The live feeds render one copy for every follower: the name of someone who chose not to be listed never
reaches it, whoever follows (the snapshot, the updates, the marketplace's and the notes' fragments)."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.factories import Factory


def _meadow(factory: Factory, client: TestClient):  # type: ignore[no-untyped-def]
    event = factory.event(slug="meadow")
    ada, zoe = factory.attendee(event, name="Ada Lovelace"), factory.attendee(event, name="Zoe Quiet")
    topic = factory.topic(event, zoe, title="Walking meetings")
    factory.place(event, topic, factory.room(event, name="Hall"), factory.slot(event, starts="10:00", ends="11:00"))
    assert client.patch("/api/events/meadow/me", json={"name_listed": False}, headers=zoe.auth).status_code == 200
    return event, ada, zoe, topic


def test_the_json_snapshot_and_updates_never_carry_an_unlisted_name(client: TestClient, factory: Factory, backend):
    _event, ada, zoe, topic = _meadow(factory, client)

    # Zoe follows the feed with her own token: the copy is the same for everyone, hers included.
    with client.websocket_connect("/ws/events/meadow?format=json", headers=zoe.auth) as socket:
        snapshot = socket.receive_text()
        client.put(f"/api/events/meadow/topics/{topic.id}/vote", headers=ada.auth)
        update = socket.receive_text()

    assert "Zoe Quiet" not in snapshot and "Zoe Quiet" not in update
    assert json.loads(snapshot)["board"]["topics"][0]["convener_name"] == "a participant"
    assert json.loads(update)["topics"][0]["convener_name"] == "a participant"


def test_hiding_a_name_redraws_the_marketplace_without_it(client: TestClient, factory: Factory, backend):
    event = factory.event(slug="meadow")
    zoe = factory.attendee(event, name="Zoe Quiet")
    topic = factory.topic(event, zoe, title="Walking meetings")
    since = client.get("/api/events/meadow/board").json()["version"]

    with client.websocket_connect(f"/ws/events/meadow?view=market&since={since}") as socket:
        client.patch("/api/events/meadow/me", json={"name_listed": False}, headers=zoe.auth)
        hidden = socket.receive_text()
        client.patch("/api/events/meadow/me", json={"name_listed": True}, headers=zoe.auth)
        shown = socket.receive_text()

    assert f'id="topic-head-{topic.id}"' in hidden and "by a participant" in hidden and "Zoe Quiet" not in hidden
    assert "by Zoe Quiet" in shown


def test_the_notes_feed_says_a_participant_saved(client: TestClient, factory: Factory, backend):
    _event, _ada, zoe, topic = _meadow(factory, client)
    since = client.get("/api/events/meadow/board").json()["version"]

    with client.websocket_connect(f"/ws/events/meadow?view=notes&since={since}") as socket:
        client.put(
            f"/api/events/meadow/topics/{topic.id}/notes",
            json={"body": "We walked", "base_version": 0},
            headers=zoe.auth,
        )
        line = socket.receive_text()

    assert "Saved by a participant" in line and "Zoe Quiet" not in line


def test_forgetting_oneself_redraws_the_wall_with_a_former_participant(client: TestClient, factory: Factory, backend):
    _event, _ada, zoe, _topic = _meadow(factory, client)
    client.patch("/api/events/meadow/me", json={"name_listed": True}, headers=zoe.auth)
    since = client.get("/api/events/meadow/board").json()["version"]

    with client.websocket_connect(f"/ws/events/meadow?view=wall&since={since}") as socket:
        client.delete("/api/events/meadow/attendees/me", headers=zoe.auth)
        row = socket.receive_text()

    assert "by a former participant" in row and "Zoe Quiet" not in row


def test_a_page_reconnecting_after_a_name_was_hidden_gets_no_replay_that_carries_it(
    client: TestClient, factory: Factory, backend
):
    event = factory.event(slug="meadow")
    ada, zoe = factory.attendee(event, name="Ada Lovelace"), factory.attendee(event, name="Zoe Quiet")
    topic = factory.topic(event, zoe, title="Walking meetings")
    before = client.get("/api/events/meadow/board").json()["version"]

    # A page follows the feed (so it keeps a replay history), and a vote names Zoe as the convener in it.
    with client.websocket_connect(f"/ws/events/meadow?format=json&since={before}") as follower:
        client.put(f"/api/events/meadow/topics/{topic.id}/vote", headers=ada.auth)
        assert "Zoe Quiet" in follower.receive_text()
        client.patch("/api/events/meadow/me", json={"name_listed": False}, headers=zoe.auth)
        follower.receive_text()
        # A phone that saw the board before the vote comes back: it must not be replayed the vote's message.
        with client.websocket_connect(f"/ws/events/meadow?format=json&since={before}") as phone:
            caught_up = phone.receive_text()

    assert "Zoe Quiet" not in caught_up
    assert json.loads(caught_up)["type"] == "snapshot"
