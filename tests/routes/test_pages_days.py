"""An event of several days on its pages: the wall, the venue screen, My day, each by the venue's clock."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.models.event import EventUpdate
from app.services import clock, events
from tests.routes.pages_helpers import HTMX, element, join


@pytest.fixture
def venue_clock(monkeypatch):
    """Sets the venue's wall clock (app/services/clock.py) for the pages read next."""

    def set_to(moment: str) -> None:
        monkeypatch.setattr(clock, "venue_now", lambda timezone: datetime.fromisoformat(moment))

    return set_to


def two_days(factory):
    """Tuesday 24 and Wednesday 25 November: a morning and an afternoon each, one room, a session in each."""
    event = factory.event(days=2)
    hall = factory.room(event, name="Main hall")
    slots = {
        "tue-10": factory.slot(event, starts="10:00", ends="11:00", label="Tuesday morning"),
        "tue-14": factory.slot(event, starts="14:00", ends="15:00", label="Tuesday afternoon"),
        "wed-10": factory.slot(event, starts="10:00", ends="11:00", label="Wednesday morning", day=2),
        "wed-14": factory.slot(event, starts="14:00", ends="15:00", label="Wednesday afternoon", day=2),
    }
    titles = {"tue-10": "Soil", "tue-14": "Seeds", "wed-10": "Rivers", "wed-14": "Rain"}
    for key, slot in slots.items():
        factory.place(event, factory.topic(event, None, title=titles[key]), hall, slot)
    return event, hall, slots


DAY = re.compile(
    r'<details id="(day-[\d-]+)" class="wall-day( today)?" data-day="[\d-]+"( open)?>\s*'
    r'<summary><h2 class="day-head">(.*?)</h2></summary>(.*?)</details>',
    re.S,
)


def days_shown(page: str) -> list[tuple[str, str, str]]:
    """Each day of the wall: its heading's words, "open" or "folded", and the labels of its slots."""
    return [
        (re.sub(r"<[^>]+>", "", heading).strip(), "open" if is_open else "folded", " / ".join(labels(rows)))
        for _day_id, _today, is_open, heading, rows in DAY.findall(page)
    ]


def labels(html: str) -> list[str]:
    return re.findall(r'<span class="label">([^<]*)</span>', html)


def jump_list(page: str) -> list[str]:
    nav = element(page, "wall-grid")
    nav = nav[nav.index('<nav class="slot-jump"') : nav.index("</nav>")]
    return [
        f"{text}{' (current)' if current else ''}"
        for current, text in re.findall(r"<a href=\"#[^\"]+\"[^>]*?( aria-current=\"date\")?>([^<]+)</a>", nav)
    ]


# --- The wall -------------------------------------------------------------------------------------------


def test_the_wall_of_two_days_shows_each_day_under_its_heading(client, factory, venue_clock, backend):
    event, _, _ = two_days(factory)
    venue_clock("2026-11-20T09:00:00")  # before the event: every day open

    page = client.get(f"/e/{event.slug}/wall").text

    assert days_shown(page) == [
        ("Tuesday 24 November", "open", "Tuesday morning / Tuesday afternoon"),
        ("Wednesday 25 November", "open", "Wednesday morning / Wednesday afternoon"),
    ]
    assert '<h3 id="row-h-' in page  # a slot's heading under its day's
    assert jump_list(page) == ["Tue 24", "10:00", "14:00", "Wed 25", "10:00", "14:00"]


def test_the_wall_on_the_second_day_folds_the_first_and_opens_at_today(client, factory, venue_clock, backend):
    event, _, _ = two_days(factory)
    venue_clock("2026-11-25T10:30:00")

    page = client.get(f"/e/{event.slug}/wall").text

    assert days_shown(page) == [
        ("Tuesday 24 November", "folded", "Tuesday morning / Tuesday afternoon"),
        ("Wednesday 25 November Today", "open", "Wednesday morning / Wednesday afternoon"),
    ]
    assert '<details id="day-2026-11-25" class="wall-day today"' in page
    assert jump_list(page) == ["Tue 24", "Wed 25 (current)", "10:00", "14:00"]  # the folded day's times left out
    assert 'data-venue-clock="2026-11-25T10:30:00"' in page  # hallway.js marks the slot running now by it
    assert 'aria-label="Main hall, Wed 25 10:00"' in page  # a cell named with its day: one of two at 10:00


def test_the_wall_after_the_event_folds_no_day(client, factory, venue_clock, backend):
    event, _, _ = two_days(factory)
    venue_clock("2026-11-27T12:00:00")

    page = client.get(f"/e/{event.slug}/wall").text

    assert [state for _, state, _ in days_shown(page)] == ["open", "open"]


def test_the_wall_of_a_one_day_event_has_no_day_headings(client, factory, venue_clock, backend):
    event = factory.event()
    factory.room(event)
    factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    venue_clock("2026-11-24T10:30:00")

    page = client.get(f"/e/{event.slug}/wall").text

    assert "wall-day" not in page
    assert '<h2 id="row-h-' in page
    assert jump_list(page) == ["10:00"]


def test_placing_on_the_second_day_answers_with_the_wall_of_days_folded_as_before(
    client, factory, venue_clock, backend
):
    event, _, slots = two_days(factory)
    garden = factory.room(event, name="Garden")
    topic = factory.topic(event, None, title="Clouds")
    venue_clock("2026-11-25T10:30:00")
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/e/{event.slug}/wall").text).group(1)

    response = client.post(
        f"/e/{event.slug}/wall/place",
        data={"csrf_token": token, "topic_id": topic.id, "room_id": garden.id, "slot_id": slots["wed-14"].id},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert [(heading, state) for heading, state, _ in days_shown(response.text)] == [
        ("Tuesday 24 November", "folded"),
        ("Wednesday 25 November Today", "open"),
    ]
    assert "Clouds" in element(response.text, f"cell-{garden.id}-{slots['wed-14'].id}")


# --- The venue screen -------------------------------------------------------------------------------------


def test_the_board_on_the_second_day_shows_that_day_s_now_and_next(client, factory, venue_clock, backend):
    event, _, _ = two_days(factory)
    venue_clock("2026-11-25T10:30:00")

    page = client.get(f"/e/{event.slug}/board").text
    refreshed = client.get(f"/e/{event.slug}/board/now").text

    for now in (element(page, "board-now"), refreshed):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", now)).strip()
        assert text == "Now 10:00–11:00 30 min left Main hall Rivers Next 14:00–15:00 Main hall Rain"
    assert 'data-venue-clock="2026-11-25T10:30:00"' in page


def test_the_board_on_the_first_evening_names_the_next_day(client, factory, venue_clock, backend):
    event, _, _ = two_days(factory)
    venue_clock("2026-11-24T18:00:00")

    now = client.get(f"/e/{event.slug}/board/now").text

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", now)).strip()
    assert text == "Now Nothing is running. Next Wednesday 25 November 10:00–11:00 Main hall Rivers"


def test_the_board_names_each_slot_s_day_for_its_script_to_show(client, factory, venue_clock, backend):
    event, _, slots = two_days(factory)
    venue_clock("2026-11-25T10:30:00")

    grid = element(client.get(f"/e/{event.slug}/board").text, "board-grid")

    row = element(grid, f"board-row-{slots['wed-10'].id}")
    assert 'data-day="2026-11-25"' in row
    assert '<span class="b-day-name">Wed 25</span><time>10:00</time>' in row


# --- My day ----------------------------------------------------------------------------------------------


def test_my_day_of_two_days_groups_the_sessions_by_day(client, factory, venue_clock, backend):
    event, _, slots = two_days(factory)
    venue_clock("2026-11-24T09:00:00")
    token = join(client, event.slug, "Ada")
    board = client.get(f"/api/events/{event.slug}/board").json()
    topic_in = {p["slot_id"]: p["topic_id"] for p in board["placements"]}
    for key in ("tue-14", "wed-10"):
        slot_id = slots[key].id
        client.post(
            f"/e/{event.slug}/slots/{slot_id}/attend", data={"csrf_token": token, "topic_id": topic_in[slot_id]}
        )

    day = element(client.get(f"/e/{event.slug}/wall").text, "my-day")

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", day)).strip()
    assert text == (
        "My day Tuesday 24 November 10:00 nothing chosen 14:00 Seeds · Main hall · Notes Not going to “Seeds” "
        "Wednesday 25 November 10:00 Rivers · Main hall · Notes Not going to “Rivers” 14:00 nothing chosen"
    )
    assert 'data-where="Main hall on Wednesday 25 November at 10:00"' in day


# --- The notes ---------------------------------------------------------------------------------------------------


def test_the_notes_say_each_session_s_day(client, factory, venue_clock, backend):
    event, _, _ = two_days(factory)
    rivers = next(t for t in client.get(f"/api/events/{event.slug}/topics").json() if t["title"] == "Rivers")

    index = client.get(f"/e/{event.slug}/notes").text
    page = client.get(f"/e/{event.slug}/topics/{rivers['id']}/notes").text

    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<h2 id="notes-group-\d+">(.*?)</h2>', index)]
    assert headings == [
        "Tuesday 24 November, 10:00 Tuesday morning",
        "Tuesday 24 November, 14:00 Tuesday afternoon",
        "Wednesday 25 November, 10:00 Wednesday morning",
        "Wednesday 25 November, 14:00 Wednesday afternoon",
    ]
    assert "Main hall · Wednesday morning, Wednesday 25 November, 10:00 · convened by" in page


def test_the_harvest_says_each_session_s_day(client, factory, backend):
    event, _, _ = two_days(factory)
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(harvest_published=True))

    page = client.get(f"/e/{event.slug}/harvest").text

    times = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<p class="meta">\s*<time[^>]*>(.*?)</time>', page)]
    assert sorted(times) == ["Tue 24 10:00–11:00", "Tue 24 14:00–15:00", "Wed 25 10:00–11:00", "Wed 25 14:00–15:00"]


def test_the_harvest_names_the_facilitator_in_the_event_s_language(client, factory, backend):
    event, _, _ = two_days(factory)
    with factory.database.write_session() as session:
        events.update_event(
            session=session, event_id=event.id, update=EventUpdate(harvest_published=True, language="es")
        )

    page = client.get(f"/e/{event.slug}/harvest", headers={"Accept-Language": "es"}).text

    assert "convoca el facilitador" in page and "the facilitator" not in page


def test_the_board_s_smallest_title_size_is_a_class_the_page_s_policy_lets_through(client, factory, backend):
    """The Content-Security-Policy refuses inline styles: a style attribute setting it was silently dropped."""
    event, _, _ = two_days(factory)

    grid = element(client.get(f"/e/{event.slug}/board").text, "board-grid")

    assert grid.startswith('<div id="board-grid" class="b-grid b-few-rooms"') and "style=" not in grid


def test_the_facilitator_page_says_the_event_s_first_and_last_day(client, factory, backend):
    event, _, _ = two_days(factory)
    assert client.get(f"/e/{event.slug}/facilitate", params={"key": event.key}).status_code == 200

    title = element(client.get(f"/e/{event.slug}/facilitate").text, "facilitate-title")

    assert re.sub(r"<[^>]+>", "", title).split("·")[0].split("\n")[-1].strip() == "24 November 2026 to 25 November 2026"
