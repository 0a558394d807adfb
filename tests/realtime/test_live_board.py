"""The live board over websockets: every kind of change reaches open pages and scripts, with versions.

Through the real app (Starlette's TestClient runs its lifespan: writer, hub, in-process broadcaster).
"""

from __future__ import annotations

import json
import re
import time

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.models import SlotKind
from app.realtime import hub as hub_module
from app.services import votes
from app.services.changes import board_version
from app.writer import write_now

JSON = "?format=json"


def _receive_until(socket, predicate, *, limit: int = 20) -> dict:
    """Messages in order until one matches (updates of other changes may come first)."""
    for _ in range(limit):
        message = json.loads(socket.receive_text())
        if predicate(message):
            return message
    raise AssertionError("no matching message")


def _setup(factory):
    event = factory.event()
    hall = factory.room(event, name="Main hall", capacity=2)
    library = factory.room(event, name="Library", capacity=20)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    ada = factory.attendee(event, name="Ada")
    topic = factory.topic(event, ada, title="Remote work")
    return event, hall, library, morning, afternoon, ada, topic


def test_json_client_without_since_gets_a_snapshot_of_the_board(client: TestClient, factory, backend):
    event, hall, _, morning, _, _, topic = _setup(factory)
    factory.place(event, topic, hall, morning)

    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as socket:
        message = json.loads(socket.receive_text())

    assert message["type"] == "snapshot"
    board = message["board"]
    assert board["version"] == message["version"]
    assert [r["name"] for r in board["rooms"]] == ["Main hall", "Library"]
    assert board["placements"] == [
        {"topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id, "going": 0, "pinned": False}
    ]
    assert [t["title"] for t in board["topics"]] == ["Remote work"]


def test_board_api_and_version_grow_with_every_change(client: TestClient, factory, backend):
    event, hall, _, morning, _, ada, topic = _setup(factory)
    before = client.get(f"/api/events/{event.slug}/board").json()

    client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
    after_vote = client.get(f"/api/events/{event.slug}/board").json()
    client.put(
        f"/api/events/{event.slug}/topics/{topic.id}/placement",
        json={"room_id": hall.id, "slot_id": morning.id},
        headers=event.auth,
    )
    after_placement = client.get(f"/api/events/{event.slug}/board").json()

    assert before["version"] < after_vote["version"] < after_placement["version"]
    assert after_vote["topics"][0]["votes"] == 1
    assert after_placement["placements"] == [
        {"topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id, "going": 0, "pinned": False}
    ]


@pytest.mark.parametrize(
    "kind",
    [
        "vote",
        "propose",
        "edit",
        "withdraw",
        "hide",
        "merge",
        "placement",
        "unplace",
        "attendance",
        "phase",
        "room",
        "slot",
    ],
)
def test_every_kind_of_change_reaches_a_json_client(client: TestClient, factory, backend, kind):
    event, hall, library, morning, afternoon, ada, topic = _setup(factory)
    other = factory.topic(event, None, title="Gardening")
    factory.place(event, other, library, afternoon)
    base = f"/api/events/{event.slug}"
    actions = {
        "vote": lambda: client.put(f"{base}/topics/{topic.id}/vote", headers=ada.auth),
        "propose": lambda: client.post(f"{base}/topics", json={"title": "Brand new"}, headers=ada.auth),
        "edit": lambda: client.patch(
            f"{base}/topics/{topic.id}", json={"title": "Remote work, really"}, headers=ada.auth
        ),
        "withdraw": lambda: client.delete(f"{base}/topics/{topic.id}", headers=ada.auth),
        "hide": lambda: client.post(f"{base}/topics/{topic.id}/hide", headers=event.auth),
        "merge": lambda: client.post(
            f"{base}/topics/{topic.id}/merge", json={"into_topic_id": other.id}, headers=event.auth
        ),
        "placement": lambda: client.put(
            f"{base}/topics/{topic.id}/placement", json={"room_id": hall.id, "slot_id": morning.id}, headers=event.auth
        ),
        "unplace": lambda: client.delete(f"{base}/topics/{other.id}/placement", headers=event.auth),
        "attendance": lambda: client.put(
            f"{base}/slots/{afternoon.id}/attendance", json={"topic_id": other.id}, headers=ada.auth
        ),
        "phase": lambda: client.patch(base, json={"voting_open": False}, headers=event.auth),
        "room": lambda: client.post(f"{base}/rooms", json={"name": "Garden", "capacity": 12}, headers=event.auth),
        "slot": lambda: client.post(
            f"{base}/slots",
            json={"starts_at": f"{event.event.date}T16:00", "ends_at": f"{event.event.date}T17:00"},
            headers=event.auth,
        ),
    }

    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as socket:
        snapshot = json.loads(socket.receive_text())
        response = actions[kind]()
        assert response.status_code < 300, response.text
        message = _receive_until(socket, lambda m: m["version"] > snapshot["version"])

    expected = {
        "vote": lambda m: m["type"] == "update" and m["topics"][0]["votes"] == 1,
        "propose": lambda m: m["type"] == "update" and [t["title"] for t in m["topics"]] == ["Brand new"],
        "edit": lambda m: m["topics"][0]["title"] == "Remote work, really",
        "withdraw": lambda m: m["type"] == "snapshot" and topic.id not in [t["id"] for t in m["board"]["topics"]],
        "hide": lambda m: m["type"] == "snapshot" and topic.id not in [t["id"] for t in m["board"]["topics"]],
        "merge": lambda m: m["type"] == "snapshot" and [t["title"] for t in m["board"]["topics"]] == ["Gardening"],
        "placement": lambda m: (
            m["slots"]
            == [
                {
                    "slot_id": morning.id,
                    "placements": [
                        {"topic_id": topic.id, "room_id": hall.id, "slot_id": morning.id, "going": 0, "pinned": False}
                    ],
                }
            ]
        ),
        "unplace": lambda m: m["slots"] == [{"slot_id": afternoon.id, "placements": []}],
        "attendance": lambda m: m["slots"][0]["placements"][0]["going"] == 1,
        "phase": lambda m: m["type"] == "snapshot" and m["board"]["event"]["voting_open"] is False,
        "room": lambda m: m["type"] == "snapshot" and "Garden" in [r["name"] for r in m["board"]["rooms"]],
        "slot": lambda m: m["type"] == "snapshot" and len(m["board"]["slots"]) == 3,
    }
    assert expected[kind](message), message


def test_htmx_wall_page_gets_the_changed_row_as_an_out_of_band_fragment(client: TestClient, factory, backend):
    event, hall, _, morning, _, _ada, topic = _setup(factory)
    page = client.get(f"/e/{event.slug}/wall").text
    since = re.search(r"view=wall&amp;since=(\d+)", page).group(1)

    with client.websocket_connect(f"/ws/events/{event.slug}?view=wall&since={since}") as socket:
        client.put(
            f"/api/events/{event.slug}/topics/{topic.id}/placement",
            json={"room_id": hall.id, "slot_id": morning.id},
            headers=event.auth,
        )
        html = socket.receive_text()

    assert html.startswith(f'<section id="row-{morning.id}" class="row sessions"')
    assert 'hx-swap-oob="true"' in html.split(">")[0]
    assert "Remote work" in html and "0 going · room for 2" in html
    # A change, not a snapshot: a page that already shows this version may leave it undrawn.
    assert re.search(r'<span id="live-version" data-version="(\d+)" hidden hx-swap-oob="true">', html)
    assert "csrf_token" not in html  # shared by everyone: nothing personal in it


def test_htmx_marketplace_gets_vote_counts_and_loses_withdrawn_topics(client: TestClient, factory, backend):
    event, *_, ada, topic = _setup(factory)
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    with client.websocket_connect(f"/ws/events/{event.slug}?view=market&since={since}") as socket:
        client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
        counted = socket.receive_text()
        client.delete(f"/api/events/{event.slug}/topics/{topic.id}", headers=ada.auth)
        withdrawn = socket.receive_text()

    assert f'<div id="topic-head-{topic.id}" class="topic-head" hx-swap-oob="true">' in counted
    assert "<b>1 dot</b>" in counted
    assert f'<li id="topic-{topic.id}" hx-swap-oob="delete"></li>' in withdrawn


def test_reconnect_with_since_replays_only_what_was_missed(client: TestClient, factory, backend):
    event, *_, ada, topic = _setup(factory)
    other = factory.topic(event, None, title="Gardening")
    base = f"/api/events/{event.slug}"

    # Another page follows the board throughout, as the rest of the hall does: the feed keeps its messages
    # for whoever comes back (with nobody following, a page coming back gets a snapshot instead).
    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as hall:
        hall.receive_text()
        with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as socket:
            seen = json.loads(socket.receive_text())["version"]
            client.put(f"{base}/topics/{topic.id}/vote", headers=ada.auth)
            seen = _receive_until(socket, lambda m: m["version"] > seen)["version"]
        # Offline (a wifi drop): two more changes happen.
        client.put(f"{base}/topics/{other.id}/vote", headers=ada.auth)
        client.patch(f"{base}/topics/{topic.id}", json={"title": "Remote work 2"}, headers=ada.auth)
        latest = client.get(f"{base}/board").json()["version"]
        _receive_until(hall, lambda m: m["version"] >= latest)

        with client.websocket_connect(f"/ws/events/{event.slug}{JSON}&since={seen}") as socket:
            replayed = [json.loads(socket.receive_text())]
            while replayed[-1]["version"] < latest:
                replayed.append(json.loads(socket.receive_text()))

    assert all(m["type"] == "update" for m in replayed)
    titles = {t["title"]: t["votes"] for m in replayed for t in m.get("topics", [])}
    assert titles == {"Gardening": 1, "Remote work 2": 1}


def test_reconnect_with_an_unknown_or_future_version_gets_a_snapshot(client: TestClient, factory, backend):
    event, *_ = _setup(factory)

    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}&since=123456789") as socket:
        message = json.loads(socket.receive_text())

    assert message["type"] == "snapshot"


def test_a_page_ahead_of_the_server_gets_a_snapshot_it_is_told_to_draw(client: TestClient, factory, backend):
    """A page showing a version the event never reached (the event was made anew): the wall is sent whole,
    marked as a snapshot, so the page draws it although its number is lower than the page's."""
    event, *_ = _setup(factory)

    with client.websocket_connect(f"/ws/events/{event.slug}?view=wall&since=123456789") as socket:
        html = socket.receive_text()

    assert html.startswith('<div id="wall-grid"')
    assert re.search(r'<span id="live-version" data-version="\d+" data-snapshot hidden hx-swap-oob="true">', html)


def test_websocket_from_another_site_is_refused(client: TestClient, factory, backend):
    event, *_ = _setup(factory)

    evil = {"origin": "https://evil.example"}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(f"/ws/events/{event.slug}{JSON}", headers=evil),
    ):
        pass

    assert refused.value.code == 1008


def test_websocket_from_the_site_itself_is_accepted(client: TestClient, factory, backend):
    event, *_ = _setup(factory)

    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}", headers={"origin": "http://testserver"}) as socket:
        assert json.loads(socket.receive_text())["type"] == "snapshot"


@pytest.mark.parametrize("query", ["?view=nonsense", "?format=json&since=abc", "?format=json&since=-1"])
def test_websocket_with_a_bad_view_or_version_is_closed_with_a_policy_code(client, factory, backend, query):
    event, *_ = _setup(factory)

    with (
        client.websocket_connect(f"/ws/events/{event.slug}{query}") as socket,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        socket.receive_text()

    assert closed.value.code == 1008


def test_websocket_of_an_unknown_event_is_closed_for_good(client: TestClient, backend):
    with client.websocket_connect("/ws/events/nope" + JSON) as socket, pytest.raises(WebSocketDisconnect) as closed:
        socket.receive_text()

    assert closed.value.code == 4404


def test_websocket_client_that_floods_is_closed_and_the_board_goes_on(client: TestClient, factory, backend):
    event, *_, ada, topic = _setup(factory)

    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as flooder:
        flooder.receive_text()
        for _ in range(50):
            flooder.send_text("garbage" * 10)
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(5):
                flooder.receive_text()
    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as reader:
        start = json.loads(reader.receive_text())["version"]
        client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
        message = _receive_until(reader, lambda m: m["version"] > start)

    assert closed.value.code == 1008
    assert message["topics"][0]["votes"] == 1


def test_websocket_message_too_big_is_closed(client: TestClient, factory, backend):
    event, *_ = _setup(factory)

    with client.websocket_connect(f"/ws/events/{event.slug}{JSON}") as socket:
        socket.receive_text()
        socket.send_text("x" * 10_000)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()

    assert closed.value.code == 1009


def test_plenary_slot_placement_is_refused_and_the_board_does_not_change(client: TestClient, factory, backend):
    event, *_, topic = _setup(factory)
    hall = factory.room(event, name="Big", capacity=100)
    opening = factory.slot(event, starts="09:00", ends="09:30", label="Opening", kind=SlotKind.plenary)
    before = client.get(f"/api/events/{event.slug}/board").json()

    response = client.put(
        f"/api/events/{event.slug}/topics/{topic.id}/placement",
        json={"room_id": hall.id, "slot_id": opening.id},
        headers=event.auth,
    )

    assert response.status_code == 409
    assert "only session slots take topics" in response.json()["detail"]
    assert client.get(f"/api/events/{event.slug}/board").json() == before


def test_venue_screen_gets_the_changed_row_and_the_top_topics(client: TestClient, factory, backend):
    event, hall, _, morning, _, ada, topic = _setup(factory)
    page = client.get(f"/e/{event.slug}/board").text
    since = re.search(r"view=board&amp;since=(\d+)", page).group(1)

    with client.websocket_connect(f"/ws/events/{event.slug}?view=board&since={since}") as socket:
        client.put(
            f"/api/events/{event.slug}/topics/{topic.id}/placement",
            json={"room_id": hall.id, "slot_id": morning.id},
            headers=event.auth,
        )
        placed = socket.receive_text()
        client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
        voted = socket.receive_text()

    assert (
        f'<div id="board-row-{morning.id}" class="b-row sessions" data-starts="2026-11-24T10:00:00" '
        'data-ends="2026-11-24T11:00:00" hx-swap-oob="true">'
    ) in placed
    assert f'id="board-cell-{hall.id}-{morning.id}" class="b-cell taken"' in placed
    assert re.search(
        r'<ol id="board-top" class="b-top" hx-swap-oob="true">\s*<li><span class="b-votes">1</span>', voted
    )


def test_a_burst_of_votes_is_coalesced_and_the_last_message_has_the_final_count(client: TestClient, factory, backend):
    event = factory.event(votes_per_attendee=1)
    topic = factory.topic(event, None, title="Popular")
    voters = [factory.attendee(event, name=f"Voter {n}") for n in range(30)]
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    with client.websocket_connect(f"/ws/events/{event.slug}?format=json&since={since}") as socket:
        for voter in voters:
            client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=voter.auth)
        latest = client.get(f"/api/events/{event.slug}/board").json()["version"]
        messages = [json.loads(socket.receive_text())]
        while messages[-1]["version"] < latest:
            messages.append(json.loads(socket.receive_text()))

    assert messages[-1]["topics"] == [{**messages[-1]["topics"][0], "id": topic.id, "votes": 30}]
    assert [m["version"] for m in messages] == sorted({m["version"] for m in messages})  # in order, no repeats
    assert len(messages) < len(voters)  # at most one message a quarter second, not one per vote


def test_a_lost_broadcast_is_noticed_by_its_version_and_answered_with_a_snapshot(client: TestClient, factory, backend):
    event, *_ = _setup(factory)
    hub = client.app.state.hub
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    with client.websocket_connect(f"/ws/events/{event.slug}?format=json&since={since}") as socket:
        # What another worker would publish after a version this worker never heard of (Redis dropped it).
        gap = json.dumps({"version": since + 5, "change": {"event_id": event.id, "kinds": ["vote"], "topic_ids": []}})
        client.portal.call(hub.broadcaster.publish, hub.channel_of(event.id), gap)
        message = json.loads(socket.receive_text())

    assert message["type"] == "snapshot"
    assert message["version"] == since + 5
    assert [t["title"] for t in message["board"]["topics"]] == ["Remote work"]


def test_versions_that_arrive_out_of_order_from_two_workers_are_not_taken_for_a_loss(
    client: TestClient, factory, backend
):
    event, *_, topic = _setup(factory)
    hub = client.app.state.hub
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    def broadcast(version: int) -> str:
        change = {"event_id": event.id, "kinds": ["vote"], "topic_ids": [topic.id]}
        return json.dumps({"version": version, "change": change})

    with client.websocket_connect(f"/ws/events/{event.slug}?format=json&since={since}") as socket:
        # Two workers committed since+1 then since+2; the second published first.
        client.portal.call(hub.broadcaster.publish, hub.channel_of(event.id), broadcast(since + 2))
        client.portal.call(hub.broadcaster.publish, hub.channel_of(event.id), broadcast(since + 1))
        message = json.loads(socket.receive_text())

    assert (message["type"], message["version"]) == ("update", since + 2)
    assert [t["id"] for t in message["topics"]] == [topic.id]


def _vote_without_broadcast(database, event, attendee, topic) -> int:
    """A vote committed with its new board version but never published: a lost broadcast, or a command's write."""
    write_now(database, lambda s: votes.cast_vote(session=s, attendee_id=attendee.id, topic_id=topic.id))
    with database.read_session() as session:
        return board_version(session=session, event_id=event.id)


def test_a_version_the_database_has_but_nobody_broadcast_is_noticed_by_the_check(
    client: TestClient, factory, database, backend, monkeypatch
):
    monkeypatch.setattr(hub_module, "CONSISTENCY_CHECK_SECONDS", 0.05)
    monkeypatch.setattr(hub_module, "CONSISTENCY_GRACE", 0.2)
    event, *_, ada, topic = _setup(factory)
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    with client.websocket_connect(f"/ws/events/{event.slug}?format=json&since={since}") as socket:
        version = _vote_without_broadcast(database, event, ada, topic)
        message = json.loads(socket.receive_text())

    assert (message["type"], message["version"]) == ("snapshot", version)
    assert [t["votes"] for t in message["board"]["topics"]] == [1]


def test_a_broadcast_on_its_way_when_the_check_runs_is_not_taken_for_a_loss(
    client: TestClient, factory, database, backend, monkeypatch
):
    monkeypatch.setattr(hub_module, "CONSISTENCY_CHECK_SECONDS", 0.05)
    monkeypatch.setattr(hub_module, "CONSISTENCY_GRACE", 1.0)
    event, *_, ada, topic = _setup(factory)
    hub = client.app.state.hub
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]
    change = {"event_id": event.id, "kinds": ["vote"], "topic_ids": [topic.id]}

    with client.websocket_connect(f"/ws/events/{event.slug}?format=json&since={since}") as socket:
        version = _vote_without_broadcast(database, event, ada, topic)
        time.sleep(0.3)  # the check has seen the database ahead: the broadcast arrives within its grace
        client.portal.call(
            hub.broadcaster.publish, hub.channel_of(event.id), json.dumps({"version": version, "change": change})
        )
        message = json.loads(socket.receive_text())

    assert (message["type"], message["version"]) == ("update", version)
    assert message["topics"] == [{**message["topics"][0], "id": topic.id, "votes": 1}]


def test_notes_pages_hear_when_the_facilitator_locks_the_notes(client: TestClient, factory, backend):
    event, *_ = _setup(factory)
    since = client.get(f"/api/events/{event.slug}/board").json()["version"]

    with client.websocket_connect(f"/ws/events/{event.slug}?view=notes&since={since}") as socket:
        client.patch(f"/api/events/{event.slug}", json={"notes_locked": True}, headers=event.auth)
        message = socket.receive_text()

    assert message.startswith('<p id="notes-lock" class="note" role="status" hx-swap-oob="true">')
    assert "The facilitator has locked these notes" in message


def test_a_renamed_theme_reaches_the_venue_screen_and_scripts(client: TestClient, factory, backend):
    event, hall, _, morning, _, ada, topic = _setup(factory)
    theme = factory.theme(event, name="Care")
    client.patch(f"/api/events/{event.slug}/topics/{topic.id}", json={"theme_id": theme.id}, headers=ada.auth)
    factory.place(event, topic, hall, morning)
    page = client.get(f"/e/{event.slug}/board").text
    since = re.search(r"view=board&amp;since=(\d+)", page).group(1)

    with (
        client.websocket_connect(f"/ws/events/{event.slug}?view=board&since={since}") as screen,
        client.websocket_connect(f"/ws/events/{event.slug}{JSON}&since={since}") as script,
    ):
        renamed = {"name": "Kindness", "mark": "heart"}
        client.patch(f"/api/events/{event.slug}/themes/{theme.id}", json=renamed, headers=event.auth)
        shown = screen.receive_text()
        sent = json.loads(script.receive_text())

    assert '<span class="b-mark" title="Kindness" aria-hidden="true">♥</span>' in shown
    assert '<p id="board-theme-key" class="b-theme-key" hx-swap-oob="true">' in shown
    assert sent["type"] == "snapshot"
    assert sent["board"]["themes"][0]["name"] == "Kindness"
    assert sent["board"]["topics"][0]["theme_id"] == theme.id
