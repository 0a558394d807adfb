"""One person cannot take the day down: proposals, dots, notes saves and "I'm going" are limited per attendee,
joining and wrong join codes per address; a 429 says when to come back, in words, on the API and the pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.config import Settings
from app.main import create_app
from app.models import Attendee
from app.ratelimits import SweptMemoryStorage
from tests.routes.pages_helpers import HTMX, element, join, page_csrf


@pytest.fixture
def tight(settings: Settings) -> Iterator[TestClient]:
    """The app with small limits, so that a test reaches them in a few requests."""
    small = {
        "limit_proposals": "3/minute",
        "limit_votes": "4/minute",
        "limit_notes_saves": "2/minute",
        "limit_attendance": "2/minute",
        "limit_joins": "3/minute",
        "limit_join_code_tries": "2/minute",
        "limit_websockets": "2/minute",
        "refusal_hold_seconds": 0,  # a repeated refusal is answered at once here (its hold has a test below)
    }
    with TestClient(create_app(settings.model_copy(update=small))) as client:
        yield client


def test_proposals_past_the_limit_are_429_with_when_to_come_back(tight: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")

    made = [
        tight.post("/api/events/gathering/topics", json={"title": f"Topic {n}"}, headers=ada.auth) for n in range(4)
    ]
    other = tight.post("/api/events/gathering/topics", json={"title": "Bo's"}, headers=bo.auth)
    facilitator = [
        tight.post("/api/events/gathering/topics", json={"title": f"F{n}"}, headers=event.auth) for n in range(5)
    ]

    assert [m.status_code for m in made] == [201, 201, 201, 429]
    assert made[3].json() == {
        "detail": "You have proposed a lot of topics in a short time: please wait a minute and try again."
    }
    assert 1 <= int(made[3].headers["retry-after"]) <= 60
    assert other.status_code == 201  # counted per person
    assert {f.status_code for f in facilitator} == {201}  # the facilitator is never limited
    titles = [t["title"] for t in tight.get("/api/events/gathering/topics").json()]
    assert "Topic 3" not in titles


def test_votes_past_the_limit_are_429_on_the_api(tight: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    url = f"/api/events/gathering/topics/{topic.id}/vote"

    answers = [
        tight.put(url, headers=ada.auth) if n % 2 == 0 else tight.delete(url, headers=ada.auth) for n in range(5)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert "You have moved your dots very often in a short time" in answers[4].json()["detail"]


def test_a_vote_past_the_limit_is_said_in_place_on_the_marketplace(tight: TestClient, factory, backend):
    event = factory.event(slug="gathering")
    topic = factory.topic(event, None, title="Lightning talks")
    token = join(tight, "gathering")
    headers = {**HTMX, "X-CSRF-Token": token}

    answers = [
        tight.post(f"/e/gathering/topics/{topic.id}/{'vote' if n % 2 == 0 else 'unvote'}", headers=headers)
        for n in range(5)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert "<!doctype" not in answers[4].text  # a fragment for htmx to swap in place, not a whole page
    assert "You have moved your dots very often in a short time: please wait a minute and try again." in answers[4].text
    assert answers[4].headers["retry-after"]


def test_joining_is_limited_per_address_and_wrong_codes_count_only_when_wrong(tight: TestClient, factory, backend):
    factory.event(slug="gathering", join_code="FOX")
    url = "/api/events/gathering/attendees"

    wrong = [tight.post(url, json={"display_name": f"Guess {n}", "join_code": f"X{n}"}) for n in range(3)]
    right = tight.post(url, json={"display_name": "Ada", "join_code": "FOX"})

    assert [w.status_code for w in wrong] == [403, 403, 429]
    assert wrong[2].json()["detail"] == (
        "Too many wrong join codes were tried from this network: please wait a minute and try again."
    )
    assert right.status_code == 429  # guessing from here waits, whatever the guess


def test_many_joins_from_one_address_reach_the_limit(tight: TestClient, factory, backend):
    factory.event(slug="gathering")

    joins = [tight.post("/api/events/gathering/attendees", json={"display_name": f"P{n}"}) for n in range(4)]

    assert [j.status_code for j in joins] == [201, 201, 201, 429]


def test_live_connections_past_the_limit_are_closed_with_try_again(tight: TestClient, factory, backend):
    factory.event(slug="gathering")

    for _ in range(2):
        with tight.websocket_connect("/ws/events/gathering?format=json"):
            pass
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        tight.websocket_connect("/ws/events/gathering?format=json") as ws,
    ):
        ws.receive_text()

    assert closed.value.code == 1013
    assert "Too many live pages were opened from this network" in closed.value.reason


def test_a_limit_that_is_not_a_rate_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="'lots' is not a rate: write it like 10/minute or 300/hour"):
        Settings(data_dir=tmp_path, limit_votes="lots")


def test_the_memory_counts_forget_a_window_once_it_is_over():
    storage = SweptMemoryStorage()

    assert [storage.incr("a", expiry=60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("b", expiry=0.0) == 1  # a window over at once
    assert storage.get("b") == 0
    storage.until_sweep = 1  # the next count sweeps what is over
    assert storage.incr("a", expiry=60) == 4
    assert "b" not in storage.counts


def test_once_refused_the_next_tries_are_answered_before_any_database_read(
    tight: TestClient, factory, backend, monkeypatch
):
    """A flood of refused requests must cost the others next to nothing (bench/abuse.py): after the first
    429, the same attendee's tries of that limit are answered before routing, with the same words."""
    from app.services import events

    event = factory.event(slug="gathering")
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")
    for n in range(3):
        tight.post("/api/events/gathering/topics", json={"title": f"Topic {n}"}, headers=ada.auth)
    first = tight.post("/api/events/gathering/topics", json={"title": "One more"}, headers=ada.auth)
    reads: list[str] = []
    real_get_event = events.get_event
    monkeypatch.setattr(events, "get_event", lambda **kw: reads.append(kw["slug"]) or real_get_event(**kw))

    again = [tight.post("/api/events/gathering/topics", json={"title": "x"}, headers=ada.auth) for _ in range(5)]
    assert reads == []  # none of those reached the app
    bo_proposes = tight.post("/api/events/gathering/topics", json={"title": "Bo's"}, headers=bo.auth)
    ada_votes = tight.get("/api/events/gathering/me", headers=ada.auth)

    assert first.status_code == 429
    assert {a.status_code for a in again} == {429}
    assert again[-1].json() == first.json()
    assert 1 <= int(again[-1].headers["retry-after"]) <= 60
    assert again[-1].headers["x-content-type-options"] == "nosniff"
    assert bo_proposes.status_code == 201  # someone else is not refused
    assert ada_votes.status_code == 200  # nor is Ada, for what is not limited
    assert reads  # those did reach the app


def test_a_repeated_refusal_is_held_before_it_is_answered(settings: Settings, factory, backend, monkeypatch):
    """A script asking again the instant it is refused gets a few answers a second, not thousands."""
    from app import ratelimits

    held: list[float] = []

    async def note(seconds: float) -> None:
        held.append(seconds)

    monkeypatch.setattr(ratelimits, "hold", note)
    tight = settings.model_copy(update={"limit_proposals": "1/minute", "refusal_hold_seconds": 1.5})
    event = factory.event(slug="gathering")
    ada = factory.attendee(event)
    with TestClient(create_app(tight)) as client:
        answers = [
            client.post("/api/events/gathering/topics", json={"title": f"T{n}"}, headers=ada.auth).status_code
            for n in range(4)
        ]

    assert answers == [201, 429, 429, 429]
    assert held == [1.5, 1.5]  # the first refusal comes from the limit itself, the next two are repeated


@pytest.mark.anyio
async def test_a_worker_asks_redis_only_past_its_share_of_a_limit():
    """Several workers: a phone voting at a person's pace is counted in its worker's memory, without a round trip
    to Redis; past the worker's eighth of the limit, Redis gets all that was counted, then one at a time."""
    from limits import parse

    from app.ratelimits import RateLimits

    class RecordingRedisLimiter:
        def __init__(self) -> None:
            self.costs: list[int] = []

        async def hit(self, item, *identifiers, cost=1):
            self.costs.append(cost)
            return True

    redis = RecordingRedisLimiter()
    limits = RateLimits(local=None, shared=redis, items={"votes": parse("300/minute")}, scope="test")  # type: ignore[arg-type]

    for _ in range(37):  # 300 // 8
        await limits.hit("votes", "attendee:1")
    assert redis.costs == []
    for _ in range(3):
        await limits.hit("votes", "attendee:1")
    await limits.hit("votes", "attendee:2")  # someone else's count is their own
    assert redis.costs == [38, 1, 1]


# --- Joins past a burst wait their turn (app/ratelimits.py: Pace) ---------------------------------------


@pytest.fixture
def waited(monkeypatch) -> list[float]:
    """The waits paced requests asked for, recorded instead of slept (the clock doesn't move between them)."""
    from app import ratelimits

    waits: list[float] = []

    async def note(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(ratelimits, "wait_turn", note)
    monkeypatch.setattr(ratelimits.time, "monotonic", lambda: 1000.0)
    return waits


def test_joins_past_the_burst_wait_their_turn_and_all_get_in(settings: Settings, factory, backend, waited):
    factory.event(slug="gathering")
    paced = settings.model_copy(update={"pace_joins": "10/second", "pace_joins_burst": 2})
    with TestClient(create_app(paced)) as client:
        joins = [client.post("/api/events/gathering/attendees", json={"display_name": f"P{n}"}) for n in range(6)]

    assert [j.status_code for j in joins] == [201] * 6
    assert waited == pytest.approx([0.1, 0.2, 0.3])  # three at once (the burst, then the first turn), then 10 a second


def test_a_join_whose_turn_is_past_the_longest_wait_is_refused_in_words_and_nothing_is_written(
    settings: Settings, database, factory, backend, waited
):
    event = factory.event(slug="gathering")
    paced = settings.model_copy(
        update={"pace_joins": "1/second", "pace_joins_burst": 0, "pace_joins_max_wait_seconds": 2}
    )
    with TestClient(create_app(paced), client=("192.0.2.7", 50000)) as phone, TestClient(create_app(paced)) as other:
        joins = [phone.post("/api/events/gathering/attendees", json={"display_name": f"P{n}"}) for n in range(4)]
        elsewhere = other.post("/api/events/gathering/attendees", json={"display_name": "Bo"})

    assert [j.status_code for j in joins] == [201, 201, 201, 429]
    assert waited == [1.0, 2.0]  # the fourth would have waited 3 s
    assert joins[3].headers["Retry-After"] == "1"
    assert joins[3].json()["detail"] == (
        "Very many people joined from this network in a short time: please wait a minute and try again."
    )
    assert elsewhere.status_code == 201  # another address has a line of its own
    with database.read_session() as session:
        joined = session.exec(select(Attendee.display_name).where(Attendee.event_id == event.id)).all()
    assert sorted(joined) == ["Bo", "P0", "P1", "P2"]


def test_the_join_form_waits_its_turn_and_says_a_refusal_in_place(settings: Settings, factory, backend, waited):
    factory.event(slug="gathering")
    paced = settings.model_copy(
        update={"pace_joins": "1/second", "pace_joins_burst": 1, "pace_joins_max_wait_seconds": 1}
    )
    with TestClient(create_app(paced)) as phones:
        token = page_csrf(phones, "/e/gathering")
        answers = [
            phones.post("/e/gathering/join", data={"csrf_token": token, "display_name": f"P{n}"}, headers=HTMX)
            for n in range(4)
        ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert waited == [1.0]
    assert "Very many people joined from this network in a short time" in element(answers[3].text, "join")


def test_a_hall_of_2000_phones_behind_one_address_all_get_in_within_a_minute_by_default():
    """The opening circle: everyone scans the QR code at once. With the default pace, nobody is refused and the
    last phone's turn comes within 50 seconds; the first hundred go at once."""
    from app.ratelimits import RateLimits

    limits = RateLimits.of(Settings(secret_key="x" * 40, database_url="sqlite://"))
    pace = limits.paces["joins"]
    waits = [pace.take_turn("address:venue", 0.0) for _ in range(2000)]

    assert None not in waits
    assert waits[:101] == [0.0] * 101
    assert max(w for w in waits if w is not None) < 50
    assert pace.take_turn("address:elsewhere", 0.0) == 0.0
