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
