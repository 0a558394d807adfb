"""Themes on the pages: the facilitator sets them up; the marketplace, the wall and the board show and filter them."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from app.models.theme import THEME_MARKS
from app.services import clock
from app.static_files import static_url
from tests.factories import EVENT_DATE
from tests.routes.pages_helpers import HTMX, csrf_token, element, join


def _facilitating(client, event) -> str:
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    return csrf_token(client.get(f"/e/{event.slug}/facilitate").text)


def _theme_names(client, event) -> list[str]:
    return [t["name"] for t in client.get(f"/api/events/{event.slug}/themes").json()]


def test_facilitator_adds_themes_with_plain_posts_and_htmx(client, factory):
    event = factory.event()
    token = _facilitating(client, event)
    base = f"/e/{event.slug}/facilitate/themes"

    plain = client.post(base, data={"csrf_token": token, "name": "Tech for humans"}, follow_redirects=False)
    swapped = client.post(
        base, data={"csrf_token": token, "name": "Community data", "description": "Not big data"}, headers=HTMX
    )

    assert plain.status_code == 303 and plain.headers["location"].endswith("#facilitate-themes")
    section = element(swapped.text, "facilitate-themes")
    assert "Community data" in section and 'value="Not big data"' in section
    assert _theme_names(client, event) == ["Tech for humans", "Community data"]


def test_a_taken_theme_name_is_said_next_to_the_form_and_keeps_what_was_typed(client, factory):
    event = factory.event()
    factory.theme(event, name="Care")
    token = _facilitating(client, event)

    refused = client.post(
        f"/e/{event.slug}/facilitate/themes",
        data={"csrf_token": token, "name": "care", "description": "Looking after each other"},
        headers=HTMX,
    )

    assert refused.status_code == 422
    assert "This event already has a theme called “care”." in refused.text
    assert 'value="Looking after each other"' in refused.text
    assert _theme_names(client, event) == ["Care"]


def test_facilitator_renames_re_marks_moves_and_removes_a_theme(client, factory):
    event = factory.event()
    data, care = factory.theme(event, name="Data"), factory.theme(event, name="Care")
    topic = factory.topic(event, None, title="Caring tech", theme=care)
    token = _facilitating(client, event)
    base = f"/e/{event.slug}/facilitate/themes"

    client.post(f"{base}/{care.id}", data={"csrf_token": token, "name": "Kindness", "mark": "heart"}, headers=HTMX)
    client.post(f"{base}/{care.id}/move", data={"csrf_token": token, "direction": "up"}, headers=HTMX)
    assert [(t["name"], t["mark"]) for t in client.get(f"/api/events/{event.slug}/themes").json()] == [
        ("Kindness", "heart"),
        ("Data", "circle"),
    ]

    asked = client.post(f"{base}/{care.id}/remove", data={"csrf_token": token})
    assert "Remove the theme 'Kindness'? Its topics stay, without a theme." in html.unescape(asked.text)
    assert _theme_names(client, event) == ["Kindness", "Data"]
    client.post(f"{base}/{care.id}/remove", data={"csrf_token": token, "confirmed": "yes"}, headers=HTMX)

    assert _theme_names(client, event) == ["Data"]
    assert client.get(f"/api/events/{event.slug}/topics/{topic.id}").json()["theme_id"] is None
    assert data.id is not None


def test_facilitator_moves_a_topic_to_another_theme_from_the_topics_section(client, factory):
    event = factory.event()
    data, care = factory.theme(event, name="Data"), factory.theme(event, name="Care")
    topic = factory.topic(event, factory.attendee(event), title="Data trusts", theme=data)
    token = _facilitating(client, event)
    url = f"/e/{event.slug}/facilitate/topics/{topic.id}/theme"

    moved = client.post(url, data={"csrf_token": token, "theme_id": str(care.id)}, headers=HTMX)
    assert moved.status_code == 200
    assert client.get(f"/api/events/{event.slug}/topics/{topic.id}").json()["theme_id"] == care.id
    row = element(moved.text, f"topic-{topic.id}")
    assert re.search(rf'<option value="{care.id}" selected>✚|<option value="{care.id}" selected>', row)

    forged = client.post(url, data={"csrf_token": token, "theme_id": "abc"}, headers=HTMX)
    assert forged.status_code == 422 and "Choose one of this event's themes." in html.unescape(forged.text)
    client.post(url, data={"csrf_token": token, "theme_id": ""}, headers=HTMX)
    assert client.get(f"/api/events/{event.slug}/topics/{topic.id}").json()["theme_id"] is None


def test_marketplace_shows_each_topics_theme_and_filters_by_theme(client, factory):
    event = factory.event()
    data, care = factory.theme(event, name="Community data"), factory.theme(event, name="Care")
    factory.topic(event, None, title="Data trusts", theme=data)
    factory.topic(event, None, title="Rest as resistance", theme=care)
    factory.topic(event, None, title="Lunch plans")
    join(client, event.slug)

    everything = client.get(f"/e/{event.slug}").text
    only_data = client.get(f"/e/{event.slug}?theme={data.id}", headers=HTMX).text
    unthemed = client.get(f"/e/{event.slug}?theme=none", headers=HTMX).text
    mangled = client.get(f"/e/{event.slug}?theme=%27%3Cx", headers=HTMX).text

    card = element(everything, "topic-list")
    assert 'Theme: </span><span class="theme-symbol" aria-hidden="true">●</span> Community data' in card
    assert '<select id="theme" name="theme"' in everything
    assert _titles(only_data) == ["Data trusts"] and "1 topic in ● Community data" in only_data
    assert _titles(unthemed) == ["Lunch plans"] and "in no theme" in unthemed
    assert sorted(_titles(mangled)) == ["Data trusts", "Lunch plans", "Rest as resistance"]


def test_a_vote_keeps_the_cards_theme(client, factory):
    event = factory.event(voting_open=True)
    care = factory.theme(event, name="Care")
    topic = factory.topic(event, None, title="Rest", theme=care)
    token = join(client, event.slug)

    voted = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token}, headers=HTMX)

    assert voted.status_code == 200 and "● Care" not in voted.text and "</span> Care</span>" in voted.text


def test_the_wall_reads_one_theme_at_a_time(client, factory):
    event = factory.event()
    data, care = factory.theme(event, name="Data"), factory.theme(event, name="Care")
    hall, garden = factory.room(event, name="Hall"), factory.room(event, name="Garden")
    morning = factory.slot(event)
    factory.place(event, factory.topic(event, None, title="Data trusts", theme=data), hall, morning)
    factory.place(event, factory.topic(event, None, title="Rest", theme=care), garden, morning)

    page = client.get(f"/e/{event.slug}/wall?theme={care.id}").text
    every = client.get(f"/e/{event.slug}/wall").text

    assert 'data-theme-filter="square"' in page and "Showing the sessions of" in page
    assert f'<link rel="stylesheet" href="{static_url("css/wall-themes.css")}">' in page
    assert 'data-mark="circle"' in page and 'data-mark="square"' in page
    assert "data-theme-filter" not in every


def test_every_mark_has_the_walls_theme_filter_rule():
    css = Path("static/css/wall-themes.css").read_text(encoding="utf-8")
    for mark in THEME_MARKS:
        assert f'body[data-theme-filter="{mark}"] .cell.taken:not([data-mark="{mark}"]) .card' in css


def test_the_board_by_theme_shows_each_themes_sessions_now_and_next(client, factory, monkeypatch):
    # The venue's clock stands at 10:10 of the event's day, whatever the hour the test runs at.
    monkeypatch.setattr(clock, "venue_now", lambda timezone: dt.datetime.combine(EVENT_DATE, dt.time(10, 10)))
    event = factory.event()
    data, care = factory.theme(event, name="Data"), factory.theme(event, name="Care")
    hall, garden = factory.room(event, name="Hall"), factory.room(event, name="Garden")
    running = factory.slot(event, starts="10:00", ends="11:00")
    later = factory.slot(event, starts="11:00", ends="12:00")
    factory.place(event, factory.topic(event, None, title="Data trusts", theme=data), hall, running)
    factory.place(event, factory.topic(event, None, title="Rest", theme=care), garden, later)
    factory.place(event, factory.topic(event, None, title="Lunch plans"), hall, later)

    page = client.get(f"/e/{event.slug}/board").text
    refreshed = client.get(f"/e/{event.slug}/board/themes").text

    by_theme = element(page, "board-themes")
    assert by_theme == element(refreshed, "board-themes")
    sections = re.findall(r"<h2>(.*?)</h2>", by_theme)
    assert [re.sub(r"<[^>]+>", "", h).strip() for h in sections] == ["● Data", "■ Care", "Other topics"]
    assert by_theme.index("Data trusts") < by_theme.index("Rest") < by_theme.index("Lunch plans")
    assert 'data-cycle="wall now themes market join"' in page and 'data-mode-label="themes"' in page


def test_the_board_cycles_without_the_theme_mode_when_there_are_no_themes(client, factory):
    event = factory.event()
    page = client.get(f"/e/{event.slug}/board").text
    assert 'data-cycle="wall now market join"' in page
    assert "This event has no themes." in element(page, "board-themes")


def _titles(html: str) -> list[str]:
    return re.findall(r'<div id="topic-head-\d+" class="topic-head">\s*<h3>(.*?)</h3>', html)


def test_a_convener_moves_their_topic_to_another_theme_from_my_topics(client, factory):
    event = factory.event()
    data, care = factory.theme(event, name="Data"), factory.theme(event, name="Care")
    token = join(client, event.slug, "Ada")
    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Data trusts"})
    topic = client.get(f"/api/events/{event.slug}/topics").json()[0]
    url = f"/e/{event.slug}/topics/{topic['id']}/edit"
    form = {"csrf_token": token, "title": "Data trusts", "description": ""}

    themed = client.post(url, data={**form, "theme_id": str(data.id)}, headers=HTMX)
    kept = client.post(url, data={**form, "title": "Data trusts, again"}, headers=HTMX)
    refused = client.post(url, data={**form, "theme_id": "9999999"}, headers=HTMX)

    assert themed.status_code == 200 and "</span> Data</span>" in element(themed.text, "my-topics")
    assert kept.status_code == 200
    assert refused.status_code == 422 and "Choose one of this event's themes." in html.unescape(refused.text)
    assert client.get(f"/api/events/{event.slug}/topics/{topic['id']}").json()["theme_id"] == data.id
    assert care.id != data.id
