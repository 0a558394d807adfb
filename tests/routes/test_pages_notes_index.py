"""The event's list of notes: every session in the order of the day, what has been written, and nothing hidden."""

from __future__ import annotations

from app.services import notes, placements, topics
from app.services.actors import Actor
from app.services.notes import NoteInput
from tests.routes.pages_helpers import element


def _write(database, event, topic, body: str, by: str) -> None:
    with database.write_session() as session:
        notes.save_notes(
            session=session,
            event_id=event.id,
            topic_id=topic.id,
            actor=Actor(event_id=event.id, attendee_name=by),
            base_version=0,
            data=NoteInput(body=body),
        )


def test_notes_list_the_day_in_order_with_what_was_written(client, factory, database, backend):
    event = factory.event(slug="gathering")
    library, hall = factory.room(event, name="Library"), factory.room(event, name="Main hall")
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="")
    remote = factory.topic(event, None, title="Remote work")
    garden = factory.topic(event, None, title="Gardening")
    talks = factory.topic(event, None, title="Lightning talks")
    dropped = factory.topic(event, None, title="Dropped idea")
    abuse = factory.topic(event, None, title="Spam <b>here</b>")
    factory.topic(event, None, title="Never placed")
    factory.place(event, talks, library, afternoon)
    factory.place(event, garden, hall, morning)
    factory.place(event, remote, library, morning)
    factory.place(event, dropped, hall, afternoon)
    _write(database, event, remote, "What stuck: async stand-ups.\n\nWhat didn't: *core hours*.", by="Grace")
    _write(database, event, dropped, "Only two came.", by="Linus")
    with database.write_session() as session:
        placements.take_off_wall(
            session=session, event_id=event.id, actor=Actor.facilitator(event.id), topic_id=dropped.id
        )
    factory.place(event, abuse, hall, afternoon)
    _write(database, event, abuse, "bad words", by="Troll")
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=event.id, topic_id=abuse.id)

    page = client.get("/e/gathering/notes")

    assert page.status_code == 200
    text = element(page.text, "main")
    order = [text.index(f"notes-entry-{t.id}") for t in (remote, garden, talks, dropped)]
    assert order == sorted(order), "morning (by room), then the afternoon, then what is off the wall"
    assert '10:00 <span class="meta">Morning</span>' in text
    assert ">14:00</h2>" in text  # a slot without a label is named by its time
    assert "No longer on the wall" in text
    assert "Library · 8 words, last edited" in element(text, f"notes-entry-{remote.id}")
    assert "by Grace" in element(text, f"notes-entry-{remote.id}")
    assert "Main hall · no notes yet" in element(text, f"notes-entry-{garden.id}")
    assert "3 words, last edited" in element(text, f"notes-entry-{dropped.id}")
    assert f'href="/e/gathering/topics/{remote.id}/notes"' in text
    assert "Spam" not in text and "bad words" not in text  # hidden: not listed
    assert "Never placed" not in text  # notes open once a session is placed
    assert 'href="/e/gathering/notes" aria-current="page">Notes</a>' in page.text


def test_notes_list_before_anything_is_placed_says_when_notes_open(client, factory, backend):
    factory.event(slug="gathering")

    text = client.get("/e/gathering/notes").text

    assert "notes open for a session once it is placed on the wall" in text


def test_notes_list_of_an_unknown_event_is_a_404(client, backend):
    assert client.get("/e/nowhere/notes").status_code == 404
