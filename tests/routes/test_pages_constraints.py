"""A topic's "When and where" page: the convener or the facilitator, plain posts and htmx, errors next to the field."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.routes.pages_helpers import HTMX, csrf_token, element, join


@pytest.fixture
def day(factory):
    """An event with two morning slots, lunch and an afternoon slot, and two rooms."""
    event = factory.event()
    factory.room(event, name="Hall", capacity=80)
    factory.room(event, name="Attic", capacity=12)
    factory.slot(event, starts="10:00", ends="11:00", label="Morning 1")
    factory.slot(event, starts="11:00", ends="12:00", label="Morning 2")
    factory.slot(event, starts="12:00", ends="13:00", label="Lunch", kind="break")
    factory.slot(event, starts="13:00", ends="14:30")
    return event


def url(event, topic_id) -> str:
    return f"/e/{event.slug}/topics/{topic_id}/constraints"


def propose(client, event, token, title) -> int:
    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": title})
    return next(t["id"] for t in client.get(f"/api/events/{event.slug}/topics").json() if t["title"] == title)


def options(html: str, select_id: str) -> list[tuple[str, str, bool]]:
    select = element(html, select_id)
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    ]


def now(html: str) -> list[str]:
    return re.findall(r"<li>([^<]*)</li>", element(html, "topic-constraints"))


def constraints(client, event, topic_id) -> dict:
    return client.get(f"/api/events/{event.slug}/topics/{topic_id}/constraints").json()


def test_the_convener_sees_slot_times_rooms_and_the_other_topics(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")
    factory.topic(event, None, title="<b>Bold</b> idea")

    page = client.get(url(event, mine))

    assert page.status_code == 200
    assert "<h1>When and where: Mine</h1>" in page.text
    assert "For the auto-scheduler." in page.text
    assert now(page.text) == ["Any time", "Any room"]
    assert options(page.text, "c-not-before") == [
        ("", "Any time", False),
        ("2026-11-24T10:00:00", "10:00 · Morning 1", False),
        ("2026-11-24T11:00:00", "11:00 · Morning 2", False),
        ("2026-11-24T13:00:00", "13:00", False),
    ]
    assert [label for _, label, _ in options(page.text, "c-not-after")] == [
        "Any time",
        "11:00 · Morning 1",
        "12:00 · Morning 2",
        "14:30",
    ]
    assert "the biggest holds 80" in page.text
    assert "&lt;b&gt;Bold&lt;/b&gt; idea</label>" in page.text  # titles are escaped
    assert 'value="' + str(mine) + '"' not in element(page.text, "topic-constraints").split("<fieldset")[1]


def test_the_convener_saves_with_a_plain_post_and_sees_saved(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")
    other = factory.topic(event, None, title="Other")

    response = client.post(
        url(event, mine),
        data={
            "csrf_token": token,
            "not_before": "2026-11-24T13:00:00",
            "not_after": "",
            "min_room_capacity": "30",
            "apart_from": [str(other.id)],
        },
        follow_redirects=False,
    )
    page = client.get(response.headers["location"]).text
    again = client.get(url(event, mine)).text

    assert (response.status_code, response.headers["location"]) == (303, url(event, mine))
    assert '<p class="note" role="status">Saved.</p>' in page
    assert now(page) == ["Not before 13:00", "A room for at least 30 people", "Not in the same slot as “Other”"]
    assert ("2026-11-24T13:00:00", "13:00", True) in options(page, "c-not-before")
    assert f'value="{other.id}" checked' in page
    assert 'name="min_room_capacity" type="number" inputmode="numeric" min="1" max="100000" step="1" value="30"' in page
    assert "Saved." not in again  # said once
    assert constraints(client, event, mine) == {
        "topic_id": mine,
        "not_before": "2026-11-24T13:00:00",
        "not_after": None,
        "min_room_capacity": 30,
        "apart_from": [other.id],
    }


def test_saving_with_htmx_answers_the_form_with_saved_and_the_constraints(client, factory, day):
    event = day
    topic = factory.topic(event, None, title="Facilitated")
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    token = csrf_token(client.get(url(event, topic.id)).text)

    response = client.post(
        url(event, topic.id),
        data={"csrf_token": token, "not_before": "2026-11-24T10:00:00", "not_after": "2026-11-24T12:00:00"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.startswith('<section id="topic-constraints"')
    assert "Saved." in response.text
    assert now(response.text) == ["Between 10:00 and 12:00", "Any room"]
    assert constraints(client, event, topic.id)["not_after"] == "2026-11-24T12:00:00"


def test_not_before_after_not_after_is_said_next_to_the_field(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")

    response = client.post(
        url(event, mine),
        data={
            "csrf_token": token,
            "not_before": "2026-11-24T13:00:00",
            "not_after": "2026-11-24T12:00:00",
            "min_room_capacity": "12",
        },
        headers=HTMX,
    )

    assert response.status_code == 422
    assert (
        '<p id="c-not-after-error" class="error" role="alert">“Not before” must be earlier than “Not after”.</p>'
        in (response.text)
    )
    assert 'id="c-not-after" name="not_after" aria-invalid="true"' in response.text
    assert ("2026-11-24T13:00:00", "13:00", True) in options(response.text, "c-not-before")  # what was sent stays
    assert 'value="12"' in response.text
    assert now(response.text) == ["Any time", "Any room"]  # nothing was saved
    assert constraints(client, event, mine)["min_room_capacity"] is None


@pytest.mark.parametrize(
    ("seats", "message"),
    [
        ("0", "The room size must be between 1 and 100,000 people."),
        ("100001", "The room size must be between 1 and 100,000 people."),
        ("lots", "The room size is a whole number of people, not &#39;lots&#39;."),
    ],
)
def test_a_wrong_room_size_is_said_next_to_it(client, factory, day, seats, message):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")

    response = client.post(url(event, mine), data={"csrf_token": token, "min_room_capacity": seats})

    assert response.status_code == 422
    assert f'<p id="c-seats-error" class="error" role="alert">{message}</p>' in response.text
    assert "<h1>When and where: Mine</h1>" in response.text  # the whole page, without htmx


def test_ticking_a_topic_withdrawn_meanwhile_is_said_next_to_the_boxes(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")
    gone = propose(client, event, token, "Gone")
    client.delete(f"/api/events/{event.slug}/topics/{gone}", headers=event.auth)

    response = client.post(url(event, mine), data={"csrf_token": token, "apart_from": [str(gone)]}, headers=HTMX)

    assert response.status_code == 422
    assert (
        '<p id="c-apart-error" class="error" role="alert">'
        "“Gone” was withdrawn: it won&#39;t be scheduled, so there is nothing to keep apart from.</p>"
    ) in response.text


def test_a_time_not_from_the_list_is_refused(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")

    response = client.post(url(event, mine), data={"csrf_token": token, "not_before": "after lunch"}, headers=HTMX)

    assert response.status_code == 422
    assert "Choose “Not before” from the list." in element(response.text, "c-not-before-error")


def test_a_time_set_over_the_api_stays_selectable(client, factory, day):
    event = day
    topic = factory.topic(event, None, title="Facilitated")
    factory.constrain(event, topic, not_after=datetime(2026, 11, 24, 15, 45))
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")

    page = client.get(url(event, topic.id)).text

    assert options(page, "c-not-after")[-1] == ("2026-11-24T15:45:00", "15:45 (no slot)", True)
    assert now(page) == ["Not after 15:45", "Any room"]


def test_another_attendee_gets_the_refusal_page(client, factory, day):
    event = day
    ada = factory.attendee(event, name="Ada")
    topic = factory.topic(event, ada, title="Ada's")
    token = join(client, event.slug, name="Bob")

    seen = client.get(url(event, topic.id))
    posted = client.post(url(event, topic.id), data={"csrf_token": token, "min_room_capacity": "5"})

    for response in (seen, posted):
        assert response.status_code == 403
        assert "<h1>Not allowed</h1>" in response.text
        assert "Only the topic&#39;s convener or the facilitator can say when and where it may run." in response.text
    assert constraints(client, event, topic.id)["min_room_capacity"] is None


def test_a_stranger_gets_the_refusal_page(client, factory, day):
    event = day
    topic = factory.topic(event, None, title="Facilitated")

    response = client.get(url(event, topic.id))

    assert response.status_code == 403
    assert "Only the topic&#39;s convener or the facilitator can say when and where it may run." in response.text


def test_posting_without_the_form_token_is_refused(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")

    response = client.post(url(event, mine), data={"min_room_capacity": "5"})

    assert response.status_code == 403
    assert constraints(client, event, mine)["min_room_capacity"] is None


def test_my_topics_and_the_facilitator_page_link_to_it(client, factory, day):
    event = day
    token = join(client, event.slug, name="Ada")
    mine = propose(client, event, token, "Mine")
    marketplace = client.get(f"/e/{event.slug}").text
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    facilitate = client.get(f"/e/{event.slug}/facilitate/moderation").text

    link = f'<a href="{url(event, mine)}">When and where<span class="vh"> for “Mine”</span></a>'
    assert link in element(marketplace, f"my-topic-{mine}")
    assert f'<a href="{url(event, mine)}">When and where' in element(facilitate, f"topic-{mine}")
