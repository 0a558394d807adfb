"""Co-conveners on the pages, through HTTP: finding someone by name, inviting, accepting, declining and stepping
down, as plain form posts and with htmx; and "by Ada and Bo" wherever the topic is shown."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from app.models import Attendee, TopicConvener
from tests.routes.pages_helpers import HTMX, element, join


class People:
    """Several people on one test client: each keeps their own cookies (their session)."""

    def __init__(self, client: TestClient, slug: str) -> None:
        self.client, self.slug = client, slug
        self.cookies: dict[str, dict[str, str]] = {}
        self.csrf: dict[str, str] = {}

    def join(self, name: str) -> None:
        self.client.cookies.clear()
        self.csrf[name] = join(self.client, self.slug, name)
        self.cookies[name] = dict(self.client.cookies.items())

    def as_(self, name: str) -> TestClient:
        self.client.cookies.clear()
        for key, value in self.cookies[name].items():
            self.client.cookies.set(key, value)
        return self.client

    def post(self, name: str, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.as_(name).post(url, data={"csrf_token": self.csrf[name], **(data or {})}, **kwargs)


def _ada_proposes(client: TestClient, factory: Any, **event: Any) -> tuple[Any, People, int]:
    made = factory.event(**event)
    people = People(client, made.slug)
    for name in ("Ada", "Bo", "Cy"):
        people.join(name)
    people.post("Ada", f"/e/{made.slug}/topics", {"title": "Pair programming"})
    html = people.as_("Ada").get(f"/e/{made.slug}").text
    topic_id = int(re.search(r'id="my-topic-(\d+)"', html).group(1))  # type: ignore[union-attr]
    return made, people, topic_id


def _bo_id(database: Any) -> int:
    with database.read_session() as session:
        return int(session.exec(select(Attendee.id).where(Attendee.display_name == "Bo")).scalar_one())


def _rows(database: Any) -> int:
    with database.read_session() as session:
        return int(session.exec(select(func.count()).select_from(TopicConvener)).scalar_one())


def test_a_convener_finds_invites_and_the_invitee_accepts_with_plain_forms(client, factory, database, backend):
    event, people, topic_id = _ada_proposes(client, factory)
    base = f"/e/{event.slug}/topics/{topic_id}/conveners"

    found = people.as_("Ada").get(f"{base}/search", params={"q": "bo"})
    assert found.status_code == 200
    assert "<h1>Add a co-convener</h1>" in found.text
    listed = element(found.text, f"co-found-{topic_id}")
    assert 'Invite<span class="vh"> Bo to co-convene “Pair programming”</span>' in listed
    assert "Cy" not in listed and "hx-post" not in listed  # a plain page: plain forms

    invited = people.post("Ada", base, {"attendee_id": str(_bo_id(database))})
    assert invited.history[0].status_code == 303
    assert invited.history[0].headers["location"] == f"/e/{event.slug}#my-topics"
    mine = element(invited.text, "my-topics")
    assert "Bo is invited to co-convene “Pair programming”: they accept on their phone." in invited.text
    assert "invited, no answer yet" in mine and "Take back" in mine

    waiting = element(people.as_("Bo").get(f"/e/{event.slug}").text, "co-invitations")
    assert "“Pair programming”, convened by Ada" in waiting
    accepted = people.post("Bo", f"{base}/{_bo_id(database)}/accept")
    assert "You co-convene “Pair programming” now: it is in your topics below." in accepted.text
    bos = element(accepted.text, f"my-topic-{topic_id}")
    assert 'Step down<span class="vh"> as co-convener of “Pair programming”</span>' in bos
    assert "/withdraw" not in bos  # the main convener's to withdraw
    assert "by Ada and Bo" in element(accepted.text, "topic-list")
    assert 'id="co-invitations"' not in accepted.text


def test_the_name_search_with_htmx_answers_the_list_only_and_never_lists_the_unlisted(
    client, factory, database, backend
):
    event, people, topic_id = _ada_proposes(client, factory)
    people.join("Bobby")
    people.post("Bobby", f"/e/{event.slug}/privacy", {"name_listed": "no"})
    search = f"/e/{event.slug}/topics/{topic_id}/conveners/search"

    answer = people.as_("Ada").get(search, params={"q": "BO"}, headers=HTMX)
    nobody = people.as_("Ada").get(search, params={"q": "zz"}, headers=HTMX)

    assert answer.text.lstrip().startswith(f'<div id="co-found-{topic_id}"')
    assert re.findall(r"<span>(.*?)</span>", answer.text) == ["Bo"]  # not Bobby, not listed by name
    assert 'hx-target="#my-topics"' in answer.text
    assert "Nobody called “zz” can be invited" in nobody.text
    assert answer.headers["cache-control"] == "no-store"


def test_only_a_convener_searches_and_invites(client, factory, database, backend):
    event, people, topic_id = _ada_proposes(client, factory)
    base = f"/e/{event.slug}/topics/{topic_id}/conveners"

    searched = people.as_("Cy").get(f"{base}/search", params={"q": "bo"})
    invited = people.post("Cy", base, {"attendee_id": str(_bo_id(database))}, headers=HTMX)

    assert searched.status_code == 403
    assert "Only a convener of “Pair programming” or the facilitator can invite co-conveners." in searched.text
    assert invited.status_code == 403
    assert 'role="alert">Only a convener of “Pair programming”' in element(invited.text, "my-topics")
    assert _rows(database) == 0


def test_a_bad_invitation_is_said_beside_the_topic_and_writes_nothing(client, factory, database, backend):
    event, people, topic_id = _ada_proposes(client, factory)
    base = f"/e/{event.slug}/topics/{topic_id}/conveners"
    people.post("Ada", base, {"attendee_id": str(_bo_id(database))}, headers=HTMX)

    twice = people.post("Ada", base, {"attendee_id": str(_bo_id(database))}, headers=HTMX)
    nonsense = people.post("Ada", base, {"attendee_id": "somebody"}, headers=HTMX)

    assert twice.status_code == 409
    assert "Bo is invited to co-convene “Pair programming” already." in element(twice.text, f"my-topic-{topic_id}")
    assert nonsense.status_code == 404
    assert _rows(database) == 1


def test_decline_and_step_down_with_htmx_answer_my_topics(client, factory, database, backend):
    event, people, topic_id = _ada_proposes(client, factory)
    base = f"/e/{event.slug}/topics/{topic_id}/conveners"
    bo = _bo_id(database)
    people.post("Ada", base, {"attendee_id": str(bo)}, headers=HTMX)

    declined = people.post("Bo", f"{base}/{bo}/remove", headers=HTMX)
    assert declined.text.lstrip().startswith('<section id="my-topics"')
    assert "You declined to co-convene “Pair programming”." in declined.text

    people.post("Ada", base, {"attendee_id": str(bo)}, headers=HTMX)
    people.post("Bo", f"{base}/{bo}/accept", headers=HTMX)
    stepped = people.post("Bo", f"{base}/{bo}/remove", headers=HTMX)
    assert "You stepped down: you no longer co-convene “Pair programming”." in stepped.text
    assert f'id="my-topic-{topic_id}"' not in stepped.text
    assert _rows(database) == 0


def test_the_wall_the_notes_and_the_board_say_by_ada_and_bo(client, factory, database, backend):
    event, people, topic_id = _ada_proposes(client, factory)
    base = f"/e/{event.slug}/topics/{topic_id}/conveners"
    bo = _bo_id(database)
    people.post("Ada", base, {"attendee_id": str(bo)})
    people.post("Bo", f"{base}/{bo}/accept")
    hall = factory.room(event, name="Hall")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    assert client.put(
        f"/api/events/{event.slug}/topics/{topic_id}/placement",
        json={"room_id": hall.id, "slot_id": morning.id},
        headers=event.auth,
    ).is_success

    wall = people.as_("Cy").get(f"/e/{event.slug}/wall").text
    notes = people.as_("Cy").get(f"/e/{event.slug}/topics/{topic_id}/notes").text
    board = client.get(f"/e/{event.slug}/board").text
    spanish = people.as_("Cy").get(f"/e/{event.slug}?lang=es").text

    assert "by Ada and Bo" in element(wall, f"cell-{hall.id}-{morning.id}")
    assert "convened by Ada and Bo" in notes
    assert "Ada and Bo" in board
    assert "Ada y Bo" in element(spanish, "topic-list")  # the list is joined in the reader's language
