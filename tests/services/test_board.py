"""The board's marks: more dots than seats, and the people torn between sessions of one slot."""

from __future__ import annotations

from app.services.board import board_json, load_board


def test_torn_attendees_count_each_persons_dotted_topics_beyond_their_first(factory, database, backend):
    event = factory.event(votes_per_attendee=5)
    rooms = [factory.room(event, name=f"Room {n}", capacity=2) for n in range(3)]
    morning = factory.slot(event, starts="10:00", ends="11:00")
    afternoon = factory.slot(event, starts="14:00", ends="15:00")
    a, b, c, d = (factory.topic(event, None, title=title) for title in ("A", "B", "C", "D"))
    for topic, room in zip((a, b, c), rooms, strict=True):
        factory.place(event, topic, room, morning)
    factory.place(event, d, rooms[0], afternoon)
    ballots = {"P1": (a, b), "P2": (a, b, c), "P3": (c, d), "P4": (a, d)}
    for name, topics in ballots.items():
        person = factory.attendee(event, name=name)
        for topic in topics:
            factory.vote(person, topic)

    with database.read_session() as session:
        board = load_board(session=session, event_id=event.id)

    row = board.row(morning.id)
    cells = {cell.topic.title: cell for cell in row.placed}
    assert row.torn == 3  # P1 one extra topic, P2 two; P3 and P4 have one each in the morning
    assert {title: [(c.other_title, c.people) for c in cell.clashes] for title, cell in cells.items()} == {
        "A": [("B", 2), ("C", 1)],
        "B": [("A", 2), ("C", 1)],
        "C": [("A", 1), ("B", 1)],
    }
    assert cells["A"].clash_summary == "2 also dotted “B”; 1 also dotted “C”"
    assert cells["A"].over_capacity is True  # 3 dots for 2 seats
    assert cells["C"].over_capacity is False
    assert board.row(afternoon.id).torn == 0


def test_the_board_without_clashes_reads_no_dots_but_keeps_the_counts(factory, database, backend):
    event = factory.event()
    room = factory.room(event, name="Hall", capacity=10)
    slot = factory.slot(event)
    topic = factory.topic(event, None, title="Only")
    factory.place(event, topic, room, slot)
    factory.vote(factory.attendee(event, name="Ada"), topic)

    with database.read_session() as session:
        board = load_board(session=session, event_id=event.id, with_clashes=False)

    assert [(t.title, t.votes) for t in board.topics] == [("Only", 1)]
    assert board.row(slot.id).torn == 0


def test_the_board_knows_which_placements_are_pinned(factory, database, backend):
    event = factory.event()
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    slot = factory.slot(event)
    kept, loose = factory.topic(event, None, title="Kept"), factory.topic(event, None, title="Loose")
    factory.place(event, kept, hall, slot)
    factory.place(event, loose, attic, slot)
    factory.pin(event, kept)

    with database.read_session() as session:
        board = load_board(session=session, event_id=event.id, with_clashes=False)

    assert board.pinned == {kept.id}
    assert [(cell.topic.title, cell.pinned) for cell in board.row(slot.id).placed] == [("Kept", True), ("Loose", False)]
    assert [(p["topic_id"], p["pinned"]) for p in board_json(board)["placements"]] == [
        (kept.id, True),
        (loose.id, False),
    ]
