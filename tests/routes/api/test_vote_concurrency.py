"""Fifty votes at once from one attendee: exactly the budget is accepted, whatever the interleaving."""

import asyncio

import httpx
import pytest

from app.main import create_app


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_parallel_votes_accept_exactly_the_budget(settings, factory, backend):
    event = factory.event(votes_per_attendee=5)
    ada = factory.attendee(event)
    topics = [factory.topic(event, None, title=f"Topic {n}") for n in range(50)]
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://testserver") as client,
    ):
        answers = await asyncio.gather(
            *(client.put(f"/api/events/{event.slug}/topics/{t.id}/vote", headers=ada.auth) for t in topics)
        )
        stored = (await client.get(f"/api/events/{event.slug}/topics")).json()
    statuses = sorted(a.status_code for a in answers)
    refused = {a.json()["detail"] for a in answers if a.status_code == 409}
    assert statuses == [200] * 5 + [409] * 45
    assert refused == {"You have spent all 5 of your dots. Take one back from another topic to vote for this one."}
    assert sum(t["votes"] for t in stored) == 5


@pytest.mark.anyio
async def test_two_facilitators_dropping_into_one_cell_at_once_one_wins_the_other_is_told(settings, factory, backend):
    event = factory.event()
    hall = factory.room(event, name="Hall", capacity=20)
    morning = factory.slot(event, starts="10:00", ends="11:00")
    topics = [factory.topic(event, None, title=f"Topic {n}") for n in range(8)]
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://testserver") as client,
    ):
        answers = await asyncio.gather(
            *(
                client.put(
                    f"/api/events/{event.slug}/topics/{t.id}/placement",
                    json={"room_id": hall.id, "slot_id": morning.id},
                    headers=event.auth,
                )
                for t in topics
            )
        )
        board = (await client.get(f"/api/events/{event.slug}/board")).json()
    winners = [t for t, a in zip(topics, answers, strict=True) if a.status_code == 200]
    refused = {a.json()["detail"] for a in answers if a.status_code == 409}
    assert len(winners) == 1
    assert sorted(a.status_code for a in answers) == [200] + [409] * 7
    assert refused == {f"Hall at 10:00 already has '{winners[0].title}'."}
    assert board["placements"] == [
        {"topic_id": winners[0].id, "room_id": hall.id, "slot_id": morning.id, "going": 0, "pinned": False}
    ]
