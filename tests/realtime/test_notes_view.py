"""The notes pages' live fragments, rendered by calling the function the realtime layer calls."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.models import Event
from app.realtime.notes_view import local_time, render_notes_update
from app.services import notes
from app.services.actors import Actor
from app.services.notes import NoteInput


def test_render_notes_update_names_the_latest_version_and_its_author(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, factory.attendee(event))
    factory.place(event, topic, factory.room(event), factory.slot(event))
    with database.write_session() as session:
        for base, body in ((0, "a"), (1, "b")):
            notes.save_notes(
                session=session,
                event_id=event.id,
                topic_id=topic.id,
                actor=Actor(event_id=event.id, attendee_name="Ana"),
                base_version=base,
                data=NoteInput(body=body),
            )

    with database.read_session() as session:
        html = render_notes_update(session=session, event=event.event, topic_ids=frozenset({topic.id, 999}))

    assert (
        f'<p id="notes-latest-{topic.id}" class="notes-latest" data-version="2" role="status" hx-swap-oob="true">'
        in html
    )
    assert "A newer version (2) was saved by Ana — your text is kept; save to merge" in html
    assert "Saved by Ana at " in html and "— version 2" in html
    assert html.count("<p ") == 1  # nothing for a topic without notes


def test_render_notes_update_escapes_names(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None)
    factory.place(event, topic, factory.room(event), factory.slot(event))
    with database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=topic.id,
            actor=Actor(event_id=event.id, attendee_name="<b>Eve</b>"),
            base_version=0,
            data=NoteInput(body="x"),
        )

    with database.read_session() as session:
        html = render_notes_update(session=session, event=event.event, topic_ids=frozenset({topic.id}))

    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "<b>" not in html


def test_render_notes_update_carries_no_text_to_the_events_other_notes_pages(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None)
    factory.place(event, topic, factory.room(event), factory.slot(event))
    with database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=topic.id,
            actor=Actor(event_id=event.id, attendee_name="Ana"),
            base_version=0,
            data=NoteInput(body="a long text, sent only to the pages of this session"),
        )

    with database.read_session() as session:
        html = render_notes_update(session=session, event=event.event, topic_ids=frozenset({topic.id}))

    assert f'id="notes-latest-{topic.id}"' in html
    assert "a long text" not in html  # its pages ask for it (GET …/notes/latest); the others never get it


@pytest.mark.parametrize(
    ("days", "written_at", "said"),
    [
        (1, "2026-11-24T13:02:00+00:00", "13:02"),  # on the event's one day: the time is enough
        (1, "2026-11-25T09:10:00+00:00", "Wed 25 09:10"),  # written up the day after
        (2, "2026-11-24T13:02:00+00:00", "Tue 24 13:02"),  # an event of several days: every time says its day
        (1, "2026-11-24T23:30:00+00:00", "Wed 25 07:30"),  # the venue's day, not UTC's (Perth, UTC+8)
    ],
)
def test_a_moment_says_its_day_when_the_time_alone_would_not(days, written_at, said):
    timezone = "Australia/Perth" if written_at.endswith("23:30:00+00:00") else "Europe/London"
    event = Event(name="E", slug="e", timezone=timezone, date=date(2026, 11, 24),
                  last_date=date(2026, 11, 23 + days))  # fmt: skip

    shown = local_time(event, datetime.fromisoformat(written_at))

    assert shown.replace("\u00a0", " ") == said
    assert " " not in shown.rsplit("\u00a0", 1)[-1]  # the day and its time are never split across two lines
