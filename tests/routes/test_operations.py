"""/healthz, /readyz and /metrics (app/routes/operations.py), and the request id every answer carries."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.migrate import upgrade
from app.realtime.hub import CLIENT_QUEUE_LIMIT, Client
from app.services.changes import BoardChange
from tests.factories import Factory

METRICS_TOKEN = "metrics-token-for-the-tests"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LOOPBACK = ("127.0.0.1", 50000)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient, **labels_wanted: str) -> Samples:
    """Every sample /metrics shows, by name and labels."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    """How much a sample grew between two scrapes."""
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.fixture
def monitored(settings: Settings) -> Iterator[TestClient]:
    """The app with a metrics token, as a deployment scraped from another machine runs it."""
    with TestClient(create_app(settings.model_copy(update={"metrics_token": METRICS_TOKEN}))) as client:
        yield client


# --- /healthz and /readyz --------------------------------------------------------------------------------


def test_healthz_answers_without_asking_the_database(settings):
    down = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    client = TestClient(create_app(down))  # no lifespan: the app would refuse to start on that database

    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_on_a_migrated_database(client, backend):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_says_the_database_does_not_answer(settings):
    down = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    client = TestClient(create_app(down))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {"database": "unreachable"},
        "detail": "The database does not answer.",
    }


def test_readyz_says_the_database_is_behind_the_code(settings, tmp_path: Path):
    older = f"sqlite:///{tmp_path / 'older.db'}"
    upgrade(older, "0012")
    client = TestClient(create_app(settings.model_copy(update={"database_url": older})))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "migrations": "behind"}
    assert "hallway migrate" in response.json()["detail"]


def test_readyz_says_an_empty_database_is_not_migrated(settings, tmp_path: Path):
    client = TestClient(create_app(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})))

    response = client.get("/readyz")

    assert (response.status_code, response.json()["checks"]) == (503, {"database": "ok", "migrations": "not migrated"})


def test_readyz_says_redis_does_not_answer(settings):
    # Nothing listens on port 1: the broadcaster of this app never started (no lifespan), and its ping fails.
    client = TestClient(create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "unreachable"}
    assert response.json()["detail"] == "Redis (HALLWAY_REDIS_URL) does not answer."


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it)")
def test_readyz_asks_redis_when_there_is_one(settings):
    with TestClient(create_app(settings.model_copy(update={"redis_url": REDIS_URL}))) as client:
        response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}


# --- Who may read /metrics ----------------------------------------------------------------------------------


def test_metrics_without_a_token_are_for_loopback_only(settings):
    with TestClient(create_app(settings), client=LOOPBACK) as here:
        from_here = here.get("/metrics")
    with TestClient(create_app(settings), client=("192.0.2.7", 50000)) as elsewhere:
        from_elsewhere = elsewhere.get("/metrics", headers={"Accept": "application/json"})

    assert from_here.status_code == 200
    assert from_here.headers["content-type"].startswith("text/plain; version=")
    assert "hallway_http_request_duration_seconds_count" in from_here.text
    assert from_elsewhere.status_code == 403
    assert from_elsewhere.json() == {
        "detail": "The metrics are read from this machine only: set HALLWAY_METRICS_TOKEN to read them from elsewhere."
    }


def test_metrics_with_a_token_want_it_even_from_loopback(settings):
    app = create_app(settings.model_copy(update={"metrics_token": METRICS_TOKEN}))
    with TestClient(app, client=LOOPBACK) as here:
        without = here.get("/metrics", headers={"Accept": "application/json"})
        wrong = here.get("/metrics", headers={"Authorization": "Bearer not-the-token", "Accept": "application/json"})
        right = here.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert (without.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert wrong.json()["detail"] == "The metrics are for the deployment's monitoring: send HALLWAY_METRICS_TOKEN."


# --- What /metrics counts -----------------------------------------------------------------------------------


def test_requests_are_counted_by_route_template_not_by_path(monitored, factory: Factory):
    first, second = factory.event(slug="first"), factory.event(slug="second")
    before = scrape(monitored)

    for slug in (first.slug, second.slug):
        assert monitored.get(f"/api/events/{slug}").status_code == 200
    assert monitored.get("/no/such/page/3f9a").status_code == 404
    after = scrape(monitored)

    route = {"method": "GET", "route": "/api/events/{slug}", "status": "200"}
    assert grew(before, after, "hallway_http_request_duration_seconds_count", **route) == 2
    assert grew(before, after, "hallway_http_request_duration_seconds_bucket", **route, le="+Inf") == 2
    unrouted = {"method": "GET", "route": "unrouted", "status": "404"}
    assert grew(before, after, "hallway_http_request_duration_seconds_count", **unrouted) == 1
    assert not any("first" in dict(labels).get("route", "") for _, labels in after)


def test_the_vote_routes_and_the_static_files_are_counted_by_their_templates_too(monitored, factory: Factory):
    """Plain Starlette routes (the votes) and the static files' mount leave no FastAPI route in the scope."""
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    before = scrape(monitored)

    monitored.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
    monitored.get("/static/css/hallway.css")
    after = scrape(monitored)

    vote = {"method": "PUT", "route": "/api/events/{slug}/topics/{topic_id}/vote", "status": "200"}
    assert grew(before, after, "hallway_http_request_duration_seconds_count", **vote) == 1
    static = {"method": "GET", "route": "/static", "status": "200"}
    assert grew(before, after, "hallway_http_request_duration_seconds_count", **static) == 1


def test_votes_and_refusals_are_counted_with_the_writers_batches(monitored, factory: Factory):
    event = factory.event(votes_per_attendee=1)
    ada = factory.attendee(event)
    topics = [factory.topic(event, None, title=f"Topic {n}") for n in range(2)]
    before = scrape(monitored)

    cast = monitored.put(f"/api/events/{event.slug}/topics/{topics[0].id}/vote", headers=ada.auth)
    refused = monitored.put(f"/api/events/{event.slug}/topics/{topics[1].id}/vote", headers=ada.auth)
    after = scrape(monitored)

    assert (cast.status_code, refused.status_code) == (200, 409)
    assert grew(before, after, "hallway_writes_total", kind="vote") == 1
    assert grew(before, after, "hallway_writes_refused_total", error="BudgetSpent") == 1
    assert grew(before, after, "hallway_writer_batch_size_count") == 2  # one request at a time: a batch each
    assert grew(before, after, "hallway_writer_wait_seconds_count") == 2


def test_open_sockets_are_counted_per_event(monitored, factory: Factory):
    factory.event(slug="hall")
    before = value(scrape(monitored), "hallway_websocket_clients", event="hall")

    with (
        monitored.websocket_connect("/ws/events/hall?format=json") as first,
        monitored.websocket_connect("/ws/events/hall?format=json") as second,
    ):
        first.receive_text(), second.receive_text()  # the snapshots: both are followed now
        while_open = value(scrape(monitored), "hallway_websocket_clients", event="hall")
    after = value(scrape(monitored), "hallway_websocket_clients", event="hall")

    assert (while_open - before, after - before) == (2, 0)


def test_changes_that_arrive_together_are_coalesced_into_one_message(monitored, factory: Factory):
    event = factory.event(slug="hall")
    topic = factory.topic(event, None)
    hub = monitored.app.state.hub  # type: ignore[attr-defined]
    changes = [BoardChange.of(event.id, "vote", topic_ids=[topic.id]) for _ in range(3)]
    with monitored.websocket_connect("/ws/events/hall?format=json") as socket:
        version = json.loads(socket.receive_text())["version"]
        before = scrape(monitored)

        def announce_all() -> None:  # on the app's loop, in one go: the feed hears all three before it flushes
            for n, change in enumerate(changes, start=1):
                hub.announce(version + n, change)

        monitored.portal.call(announce_all)  # type: ignore[union-attr]
        message = json.loads(socket.receive_text())
        after = scrape(monitored)

    assert message["version"] == version + 3
    assert grew(before, after, "hallway_live_changes_total") == 3
    assert grew(before, after, "hallway_live_changes_coalesced_total") == 2
    assert grew(before, after, "hallway_live_deliveries_total") == 1


def test_a_client_dropped_for_falling_behind_is_counted_with_its_backlog(monitored):
    before = scrape(monitored)
    client = Client("board")

    for n in range(CLIENT_QUEUE_LIMIT + 1):
        client.offer(f"message {n}")
    after = scrape(monitored)

    assert client.dropped
    assert grew(before, after, "hallway_live_clients_dropped_total") == 1
    dropped = grew(before, after, "hallway_live_messages_dropped_total")
    assert dropped == CLIENT_QUEUE_LIMIT + 1


# --- The request id --------------------------------------------------------------------------------------


def test_every_answer_carries_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")

    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_the_proxys_request_id_is_echoed_and_a_garbled_one_replaced(client):
    given = client.get("/healthz", headers={"X-Request-ID": "caddy-4f1c2a9e-7d"})
    garbled = client.get("/healthz", headers={"X-Request-ID": 'two words" and a quote'})

    assert given.headers["x-request-id"] == "caddy-4f1c2a9e-7d"
    assert garbled.headers["x-request-id"] != 'two words" and a quote'
    assert len(garbled.headers["x-request-id"]) == 32
