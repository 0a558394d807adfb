"""Several workers: a change made through one app instance reaches a websocket client of another.

Two app instances share one database and the Redis server of TEST_REDIS_URL (CI sets it; when it is
set and Redis can't be reached, the test fails rather than skips).
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
import redis
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.realtime.broadcaster import BroadcasterUnavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (CI sets it)")


@pytest.fixture
def redis_settings(settings: Settings) -> Settings:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at TEST_REDIS_URL ({REDIS_URL}) is not reachable: {error}")
    # A prefix of this test's own: other test runs on the same Redis never hear these changes.
    return settings.model_copy(update={"redis_url": REDIS_URL, "redis_channel_prefix": f"test-{uuid.uuid4().hex}"})


def test_change_on_one_instance_reaches_a_websocket_client_of_another(redis_settings, factory, backend):
    event = factory.event(slug=f"redis-{uuid.uuid4().hex[:8]}")
    ada = factory.attendee(event, name="Ada")
    topic = factory.topic(event, ada, title="Across workers")

    with (
        TestClient(create_app(redis_settings)) as first,
        TestClient(create_app(redis_settings)) as second,
        second.websocket_connect(f"/ws/events/{event.slug}?format=json") as socket,
    ):
        snapshot = json.loads(socket.receive_text())
        response = first.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
        update = json.loads(socket.receive_text())

    assert response.status_code == 200
    assert snapshot["type"] == "snapshot"
    assert update["type"] == "update"
    assert update["version"] > snapshot["version"]
    assert update["topics"] == [{**update["topics"][0], "id": topic.id, "title": "Across workers", "votes": 1}]


def test_redis_that_cannot_be_reached_stops_the_app_with_a_clear_message(settings: Settings, backend):
    unreachable = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})

    with (
        pytest.raises(BroadcasterUnavailable, match=r"HALLWAY_REDIS_URL .* is not reachable"),
        TestClient(create_app(unreachable)),
    ):
        pass


def test_rate_limits_are_shared_by_the_workers_through_redis(redis_settings, factory, backend):
    event = factory.event(slug=f"limits-{uuid.uuid4().hex[:8]}")
    ada = factory.attendee(event, name="Ada")
    tight = redis_settings.model_copy(update={"limit_proposals": "3/minute"})
    url = f"/api/events/{event.slug}/topics"

    with TestClient(create_app(tight)) as one, TestClient(create_app(tight)) as other:
        answers = [
            (one if n % 2 == 0 else other).post(url, json={"title": f"Topic {n}"}, headers=ada.auth) for n in range(4)
        ]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]


def test_each_worker_counts_its_share_before_redis_and_the_limit_holds_across_them(redis_settings, factory, backend):
    # 16 a minute: each worker counts 2 (an eighth) alone, then hands Redis all it counted.
    event = factory.event(slug=f"share-{uuid.uuid4().hex[:8]}")
    ada, bea = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bea")
    tight = redis_settings.model_copy(update={"limit_proposals": "16/minute"})
    url = f"/api/events/{event.slug}/topics"

    with TestClient(create_app(tight)) as one, TestClient(create_app(tight)) as other:
        # Ada's proposals alternate between the workers: exactly the limit, then refused.
        taken_turns = [
            (one if n % 2 == 0 else other).post(url, json={"title": f"Ada {n}"}, headers=ada.auth).status_code
            for n in range(18)
        ]
        # Bea stays within her share on one worker; the other then lets her reach the limit there, no more:
        # across the workers she got one share past it, the most the shares allow with two workers.
        on_one = [one.post(url, json={"title": f"Bea {n}"}, headers=bea.auth).status_code for n in range(2)]
        on_other = [other.post(url, json={"title": f"Bea {n}"}, headers=bea.auth).status_code for n in range(17)]

    assert taken_turns == [201] * 16 + [429] * 2
    assert on_one == [201, 201]
    assert on_other == [201] * 16 + [429]
