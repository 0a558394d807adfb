"""The activity list in words, and undo of a hide, a merge and a take-off-the-wall (and when it is refused)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.models import Attendance, Placement, Topic, TopicStatus, Vote, id_of
from app.models.event import EventUpdate
from app.services import activity, events, placements, team, topics, undo
from app.services.actors import Actor
from app.services.errors import CellTaken, Conflict
from tests.factories import AttendeeWithToken, EventWithKey, Factory


@dataclass
class Scene:
    event: EventWithKey
    sam: Actor  # the first member, renamed Sam
    ada: AttendeeWithToken
    bo: AttendeeWithToken


@pytest.fixture
def scene(factory: Factory, database) -> Scene:
    event = factory.event(votes_per_attendee=3)
    return Scene(event, _sam(database, event), factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo"))


def _sam(database, event: EventWithKey, **update: object) -> Actor:
    """The event's first facilitator, renamed Sam (and the event updated with `update`), as an actor."""
    with database.write_session() as session:
        member = team.member_for_key(session=session, event_id=event.id, key=event.key)
        assert member is not None
        member.name = "Sam"
        session.add(member)
        if update:
            events.update_event(session=session, event_id=event.id, update=EventUpdate(**update))
        return team.actor_of(member)


def _lines(database, scene: Scene) -> list[str]:
    with database.read_session() as session:
        return [line.text for line in activity.recent(session=session, event_id=scene.event.id)]


def _latest_id(database, scene: Scene) -> int:
    with database.read_session() as session:
        return activity.recent(session=session, event_id=scene.event.id)[0].id


def _undo(database, scene: Scene, activity_id: int, *, by: Actor | None = None) -> str:
    with database.write_session() as session:
        done = undo.undo(session=session, event_id=scene.event.id, actor=by or scene.sam, activity_id=activity_id)
    return done.result.message


def _dots(database, topic_id: int) -> list[int]:
    with database.read_session() as session:
        return sorted(session.exec(select(col(Vote.attendee_id)).where(col(Vote.topic_id) == topic_id)).scalars())


def _status(database, topic_id: int) -> TopicStatus:
    with database.read_session() as session:
        topic = session.get(Topic, topic_id)
        assert topic is not None
        return topic.status


# --- The list, in words ---------------------------------------------------------------------------


def test_facilitator_actions_are_listed_in_words_newest_first(factory, database, scene, backend):
    topic = factory.topic(scene.event, scene.ada, title="Who owns community data?")
    studio = factory.room(scene.event, name="Studio")
    slot = factory.slot(scene.event, starts="10:30", ends="11:30")
    with database.write_session() as session:
        placements.place_topic(
            session=session,
            event_id=scene.event.id,
            actor=scene.sam,
            topic_id=id_of(topic),
            room_id=id_of(studio),
            slot_id=id_of(slot),
        )
        placements.set_pinned(
            session=session, event_id=scene.event.id, actor=scene.sam, topic_id=id_of(topic), pinned=True
        )
        events.update_event(
            session=session,
            event_id=scene.event.id,
            update=EventUpdate(voting_open=False, votes_per_attendee=4),
            actor=scene.sam,
        )

    assert _lines(database, scene)[:3] == [
        "Sam closed voting, set the dot budget to 4",
        "Sam pinned “Who owns community data?”",
        "Sam placed “Who owns community data?” in Studio at 10:30",
    ]


@pytest.mark.parametrize(
    ("language", "placed", "back"),
    [
        (
            "en",
            "Sam placed “Rivers” in Studio at Wed 25 10:30",
            "“Rivers” is back on the wall in Studio at Wed 25 10:30.",
        ),
        ("es", "Sam colocó «Rivers» en Studio a las mié 25 10:30", None),
    ],
)
def test_on_an_event_of_several_days_a_line_says_the_slot_s_day(factory, database, language, placed, back, backend):
    event = factory.event(days=2)
    sam = _sam(database, event, language=language)
    topic = factory.topic(event, None, title="Rivers")
    studio = factory.room(event, name="Studio")
    wednesday = factory.slot(event, starts="10:30", ends="11:30", day=2)
    with database.write_session() as session:
        placements.place_topic(session=session, event_id=event.id, actor=sam, topic_id=id_of(topic),
                               room_id=id_of(studio), slot_id=id_of(wednesday))  # fmt: skip
        placements.take_off_wall(session=session, event_id=event.id, actor=sam, topic_id=id_of(topic))

    with database.read_session() as session:
        lines = [line.text.replace("\u00a0", " ") for line in activity.recent(session=session, event_id=event.id)]
        taken_off = activity.recent(session=session, event_id=event.id)[0].id
    assert lines[1] == placed
    if back is not None:
        assert "from Studio at Wed 25 10:30" in lines[0]
        with database.write_session() as session:
            done = undo.undo(session=session, event_id=event.id, actor=sam, activity_id=taken_off)
        assert str(done.result.message).replace("\u00a0", " ") == back


def test_an_attendee_placing_their_own_topic_is_not_listed(factory, database, scene, backend):
    with database.write_session() as session:
        events.update_event(session=session, event_id=scene.event.id, update=EventUpdate(self_placement=True))
    topic = factory.topic(scene.event, scene.ada)
    room, slot = factory.room(scene.event), factory.slot(scene.event)
    as_ada = Actor(event_id=scene.event.id, attendee_id=scene.ada.id, attendee_name="Ada")
    before = _lines(database, scene)

    with database.write_session() as session:
        placements.place_topic(
            session=session,
            event_id=scene.event.id,
            actor=as_ada,
            topic_id=id_of(topic),
            room_id=id_of(room),
            slot_id=id_of(slot),
        )

    assert _lines(database, scene) == before


def test_a_ban_is_listed_with_the_name_it_has_now(factory, database, scene, backend):
    from app.services import attendees

    with database.write_session() as session:
        attendees.ban_attendee(session=session, event_id=scene.event.id, attendee_id=scene.bo.id, actor=scene.sam)

    assert _lines(database, scene)[0] == "Sam banned Bo"


def test_every_change_the_team_makes_to_a_topic_is_listed_with_who_made_it(factory, database, scene, backend):
    from app.services import co_conveners, topic_constraints

    event_id = scene.event.id
    with database.write_session() as session:
        topic_id = id_of(
            topics.propose_topic(session=session, event_id=event_id, actor=scene.sam, title="Tea rota").result
        )
    with database.write_session() as session:
        topics.edit_topic(session=session, event_id=event_id, topic_id=topic_id, actor=scene.sam, title="Tea rotas")
        topic_constraints.set_constraints(
            session=session,
            event_id=event_id,
            actor=scene.sam,
            topic_id=topic_id,
            not_before=None,
            not_after=None,
            min_room_capacity=10,
            apart_from=[],
        )
        co_conveners.invite(
            session=session, event_id=event_id, topic_id=topic_id, actor=scene.sam, attendee_id=scene.ada.id
        )
        co_conveners.remove(
            session=session, event_id=event_id, topic_id=topic_id, actor=scene.sam, attendee_id=scene.ada.id
        )
        topics.withdraw_topic(session=session, event_id=event_id, topic_id=topic_id, actor=scene.sam)

    assert _lines(database, scene)[:6] == [
        "Sam withdrew “Tea rotas”",
        "Sam took back Ada's invitation to co-convene “Tea rotas”",
        "Sam invited Ada to co-convene “Tea rotas”",
        "Sam set when and where “Tea rotas” may run",
        "Sam edited “Tea rotas”",
        "Sam proposed “Tea rota”",
    ]


def test_an_edit_that_changes_nothing_is_not_listed(factory, database, scene, backend):
    topic = factory.topic(scene.event, scene.ada, title="Tea rota")
    before = _lines(database, scene)

    with database.write_session() as session:
        topics.edit_topic(
            session=session, event_id=scene.event.id, topic_id=id_of(topic), actor=scene.sam, title="Tea rota"
        )

    assert _lines(database, scene) == before


def test_a_convener_changing_their_own_topic_is_not_listed(factory, database, scene, backend):
    as_ada = Actor(event_id=scene.event.id, attendee_id=scene.ada.id, attendee_name="Ada")
    topic = factory.topic(scene.event, scene.ada, title="Tea rota")
    before = _lines(database, scene)

    with database.write_session() as session:
        topics.edit_topic(session=session, event_id=scene.event.id, topic_id=id_of(topic), actor=as_ada, title="Teas")
        topics.withdraw_topic(session=session, event_id=scene.event.id, topic_id=id_of(topic), actor=as_ada)

    assert _lines(database, scene) == before


def test_removing_someone_is_listed_without_the_name_they_asked_to_lose(factory, database, scene, backend):
    from app.services import attendees

    with database.write_session() as session:
        attendees.remove_attendee(
            session=session, event_id=scene.event.id, attendee_id=scene.bo.id, by_facilitator=True, actor=scene.sam
        )

    assert _lines(database, scene)[0] == "Sam removed someone from the event"
    assert not any("Bo" in line for line in _lines(database, scene))


# --- Undo a hide ----------------------------------------------------------------------------------


def test_undoing_a_hide_puts_the_topic_back_and_says_its_dots_are_not_restored(factory, database, scene, backend):
    topic = factory.topic(scene.event, scene.ada, title="Spam?")
    factory.vote(scene.bo, topic)
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=scene.event.id, topic_id=id_of(topic), actor=scene.sam)

    said = _undo(database, scene, _latest_id(database, scene))

    assert said == (
        "“Spam?” is back on the marketplace. Its dot went back to its owner when it was hidden and is not restored."
    )
    assert (_status(database, id_of(topic)), _dots(database, id_of(topic))) == (TopicStatus.proposed, [])
    lines = _lines(database, scene)
    assert lines[:2] == ["Sam undid: hid “Spam?”", "Sam hid “Spam?”"]


def test_undoing_twice_is_refused(factory, database, scene, backend):
    topic = factory.topic(scene.event, scene.ada, title="Spam?")
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=scene.event.id, topic_id=id_of(topic), actor=scene.sam)
    hidden = _latest_id(database, scene)
    _undo(database, scene, hidden)

    with pytest.raises(Conflict) as refused:
        _undo(database, scene, hidden)

    assert refused.value.message == "This was undone already."


def test_what_cant_be_undone_is_refused(factory, database, scene, backend):
    with database.write_session() as session:
        events.update_event(
            session=session, event_id=scene.event.id, update=EventUpdate(voting_open=False), actor=scene.sam
        )

    with pytest.raises(Conflict) as refused:
        _undo(database, scene, _latest_id(database, scene))

    assert refused.value.message == (
        "Only hiding, merging and taking a topic off the wall can be undone from the activity list."
    )


# --- Undo a merge ---------------------------------------------------------------------------------


def _merge(database, scene: Scene, source: Topic, target: Topic) -> int:
    with database.write_session() as session:
        topics.merge_topics(
            session=session, event_id=scene.event.id, source_id=id_of(source), target_id=id_of(target), actor=scene.sam
        )
    return _latest_id(database, scene)


def test_undoing_a_merge_brings_the_topic_back_with_the_dots_that_moved(factory, database, scene, backend):
    source, target = (
        factory.topic(scene.event, scene.ada, title="Data trusts"),
        factory.topic(scene.event, scene.bo, title="Data"),
    )
    factory.vote(scene.ada, source)  # moves to the target
    factory.vote(scene.bo, source)
    factory.vote(scene.bo, target)  # Bo had both: one came back to Bo at the merge
    merged = _merge(database, scene, source, target)
    assert _dots(database, id_of(target)) == [scene.ada.id, scene.bo.id]

    said = _undo(database, scene, merged)

    assert said == "“Data trusts” is back on the marketplace, apart from “Data”, with its 2 dots."
    assert _status(database, id_of(source)) == TopicStatus.proposed
    assert (_dots(database, id_of(source)), _dots(database, id_of(target))) == (
        [scene.ada.id, scene.bo.id],
        [scene.bo.id],
    )


def test_dots_spent_since_the_merge_dont_come_back_and_the_message_says_so(factory, database, scene, backend):
    source, target = (
        factory.topic(scene.event, scene.ada, title="Data trusts"),
        factory.topic(scene.event, scene.bo, title="Data"),
    )
    factory.vote(scene.bo, source)
    factory.vote(scene.bo, target)
    merged = _merge(database, scene, source, target)
    # Bo spends the dot the merge gave back, and more: the budget (3) is full.
    for title in ("One", "Two"):
        factory.vote(scene.bo, factory.topic(scene.event, scene.ada, title=title))

    said = _undo(database, scene, merged)

    assert said == (
        "“Data trusts” is back on the marketplace, apart from “Data”, with 0 of its 1 dots: 1 could not come back, "
        "their owners have spent them since (nobody holds more dots than the budget)."
    )
    assert _dots(database, id_of(source)) == []


def test_a_merge_overtaken_by_a_later_merge_of_its_target_is_refused(factory, database, scene, backend):
    source, target, third = (factory.topic(scene.event, scene.ada, title=t) for t in ("A", "B", "C"))
    merged = _merge(database, scene, source, target)
    _merge(database, scene, target, third)

    with pytest.raises(Conflict) as refused:
        _undo(database, scene, merged)

    assert refused.value.message == (
        "Something happened to it since (merged “B” into “C”): undo that first, or put things right by hand."
    )
    assert _status(database, id_of(source)) == TopicStatus.merged


def test_a_merge_whose_target_was_edited_since_is_refused(factory, database, scene, backend):
    source, target = factory.topic(scene.event, scene.ada, title="A"), factory.topic(scene.event, scene.bo, title="B")
    merged = _merge(database, scene, source, target)
    with database.write_session() as session:
        as_bo = Actor(event_id=scene.event.id, attendee_id=scene.bo.id, attendee_name="Bo")
        topics.edit_topic(
            session=session, event_id=scene.event.id, topic_id=id_of(target), actor=as_bo, title="B and A"
        )

    with pytest.raises(Conflict) as refused:
        _undo(database, scene, merged)

    assert refused.value.message.startswith("“B and A” was edited since the merge")


# --- Undo a take-off-the-wall ---------------------------------------------------------------------


def _placed(factory, database, scene: Scene):
    topic = factory.topic(scene.event, scene.ada, title="Gardening")
    room, slot = factory.room(scene.event, name="Studio"), factory.slot(scene.event, starts="10:30", ends="11:30")
    factory.place(scene.event, topic, room, slot)
    factory.attend(scene.ada, slot, topic)
    factory.attend(scene.bo, slot, topic)
    with database.write_session() as session:
        placements.set_pinned(
            session=session, event_id=scene.event.id, actor=scene.sam, topic_id=id_of(topic), pinned=True
        )
        placements.take_off_wall(session=session, event_id=scene.event.id, actor=scene.sam, topic_id=id_of(topic))
    return topic, room, slot


def test_undoing_a_take_off_puts_it_back_in_its_cell_with_its_pin_and_its_people(factory, database, scene, backend):
    topic, room, slot = _placed(factory, database, scene)
    assert _lines(database, scene)[0] == "Sam took “Gardening” off the wall from Studio at 10:30"

    said = _undo(database, scene, _latest_id(database, scene))

    assert said == "“Gardening” is back on the wall in Studio at 10:30, with the 2 people going to it."
    with database.read_session() as session:
        placement = session.exec(select(Placement).where(col(Placement.topic_id) == topic.id)).scalars().one()
        going = session.exec(
            select(func.count()).select_from(Attendance).where(col(Attendance.topic_id) == topic.id)
        ).scalar_one()
    assert (placement.room_id, placement.slot_id, placement.pinned, going) == (room.id, slot.id, True, 2)


def test_a_take_off_whose_cell_was_taken_since_is_refused_clearly(factory, database, scene, backend):
    topic, room, slot = _placed(factory, database, scene)
    taken_off = _latest_id(database, scene)
    factory.place(scene.event, factory.topic(scene.event, scene.bo, title="Knitting"), room, slot)

    with pytest.raises(CellTaken) as refused:
        _undo(database, scene, taken_off)

    assert refused.value.message == (
        "It can't go back: Studio at 10:30 already has 'Knitting'. Place it somewhere else by hand."
    )
    assert _status(database, id_of(topic)) == TopicStatus.proposed


def test_a_take_off_placed_again_since_is_overtaken(factory, database, scene, backend):
    topic, _, slot = _placed(factory, database, scene)
    taken_off = _latest_id(database, scene)
    other = factory.room(scene.event, name="Garden")
    with database.write_session() as session:
        placements.place_topic(
            session=session,
            event_id=scene.event.id,
            actor=scene.sam,
            topic_id=id_of(topic),
            room_id=id_of(other),
            slot_id=id_of(slot),
        )

    with pytest.raises(Conflict) as refused:
        _undo(database, scene, taken_off)

    assert refused.value.message == (
        "Something happened to it since (placed “Gardening” in Garden at 10:30): undo that first, or put things "
        "right by hand."
    )


def test_any_member_of_the_team_may_undo_and_the_list_says_who(factory, database, scene, backend):
    topic = factory.topic(scene.event, scene.ada, title="Spam?")
    with database.write_session() as session:
        topics.hide_topic(session=session, event_id=scene.event.id, topic_id=id_of(topic), actor=scene.sam)
        kim = team.actor_of(
            team.invite(session=session, event_id=scene.event.id, actor=scene.sam, name="Kim").result.facilitator
        )
    hidden = next(line.id for line in _recent(database, scene) if line.activity.kind == "hide")

    _undo(database, scene, hidden, by=kim)

    lines = {line.id: line for line in _recent(database, scene)}
    assert lines[hidden].undone_by == "Kim" and not lines[hidden].undoable


def _recent(database, scene: Scene) -> list[activity.ActivityLine]:
    with database.read_session() as session:
        return activity.recent(session=session, event_id=scene.event.id)
