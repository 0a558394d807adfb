"""Co-conveners: inviting, accepting, declining, stepping down and removing; what every convener may do; nobody in
two rooms at once through a co-convenership; privacy, removal from the event, the exports and the auto-scheduler."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.db import Database
from app.exporters.json import document
from app.i18n import speaking
from app.models import Room, Slot, Topic, TopicConvener
from app.models.topic_convener import CO_CONVENERS_MAX
from app.name_lists import NameList
from app.services import (
    attendees,
    co_conveners,
    event_import,
    events,
    placements,
    scheduling,
    themes,
    topic_constraints,
    topics,
)
from app.services.actors import Actor
from app.services.changes import BoardChange
from app.services.errors import Conflict, ConvenerClash, DomainError, InvalidInput, NotAllowed, NotFound
from app.services.export_data import load_export_data
from tests.factories import AttendeeWithToken, EventWithKey, Factory


@dataclass
class Team:
    """Ada's topic (placed in the morning), Bo and Cy of the same event, Sam of another."""

    event: EventWithKey
    ada: AttendeeWithToken
    bo: AttendeeWithToken
    cy: AttendeeWithToken
    sam: AttendeeWithToken
    topic: Topic
    hall: Room
    attic: Room
    morning: Slot
    afternoon: Slot

    def actor(self, who: AttendeeWithToken) -> Actor:
        return Actor(event_id=self.event.id, attendee_id=who.id, attendee_name=who.attendee.display_name)

    @property
    def facilitator(self) -> Actor:
        return Actor.facilitator(self.event.id)


@pytest.fixture
def team(factory: Factory) -> Team:
    event = factory.event(self_placement=True)
    ada, bo, cy = (factory.attendee(event, name=name) for name in ("Ada", "Bo", "Cy"))
    sam = factory.attendee(factory.event(name="Elsewhere"), name="Sam")
    topic = factory.topic(event, ada, title="Pair programming")
    hall, attic = factory.room(event, name="Hall"), factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    afternoon = factory.slot(event, starts="14:00", ends="15:00")
    factory.place(event, topic, hall, morning)
    return Team(event, ada, bo, cy, sam, topic, hall, attic, morning, afternoon)


def invite(database: Database, team: Team, by: Actor, who: int, topic: Topic | None = None) -> None:
    with database.write_session() as session:
        co_conveners.invite(
            session=session, event_id=team.event.id, topic_id=(topic or team.topic).id, actor=by, attendee_id=who
        )


def accept(database: Database, team: Team, who: AttendeeWithToken, topic: Topic | None = None) -> BoardChange | None:
    with database.write_session() as session:
        return co_conveners.accept(
            session=session,
            event_id=team.event.id,
            topic_id=(topic or team.topic).id,
            actor=team.actor(who),
            attendee_id=who.id,
        ).change


def remove(database: Database, team: Team, by: Actor, who: int) -> co_conveners.LeftTopic:
    with database.write_session() as session:
        return co_conveners.remove(
            session=session, event_id=team.event.id, topic_id=team.topic.id, actor=by, attendee_id=who
        ).result


def rows(database: Database) -> list[tuple[int, int, bool]]:
    with database.read_session() as session:
        found = session.exec(select(TopicConvener).order_by(TopicConvener.id)).scalars()  # type: ignore[call-overload, arg-type]
        return [(row.topic_id, row.attendee_id, row.accepted_at is not None) for row in found]


def shown(database: Database, team: Team) -> str | None:
    """Who convenes Ada's topic as the marketplace shows it."""
    with database.read_session() as session:
        view = topics.get_topic_view(
            session=session, event_id=team.event.id, topic_id=team.topic.id, actor=team.facilitator
        )
        return view.listed_convener_name


# --- Inviting and accepting ---------------------------------------------------------------------------------


def test_an_invitee_who_accepts_convenes_the_topic_and_is_named_on_it(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)

    assert shown(database, team) == "Ada"  # invited is not yet convening
    assert rows(database) == [(team.topic.id, team.bo.id, False)]
    change = accept(database, team, team.bo)

    assert change == BoardChange.of(team.event.id, "topic", topic_ids=team.topic.id)
    assert shown(database, team) == "Ada and Bo"
    with database.read_session() as session:
        bos = topics.list_topics(session=session, event_id=team.event.id, convener_id=team.bo.id)
        assert [view.topic.id for view in bos] == [team.topic.id]
        assert co_conveners.invitations_for(session=session, event_id=team.event.id, attendee_id=team.bo.id) == []


def test_a_co_convener_may_invite_others_and_three_are_listed_in_the_order_invited(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)
    invite(database, team, team.actor(team.bo), team.cy.id)
    accept(database, team, team.cy)

    assert shown(database, team) == "Ada, Bo and Cy"


def test_the_names_are_joined_in_the_readers_language():
    names = NameList(["Ada", "Bo", "Cy"])

    with speaking("es"):
        said = names.__html__()

    assert (str(names), said) == ("Ada, Bo and Cy", "Ada, Bo y Cy")


def test_the_invitation_waits_in_the_invitees_list_with_who_convenes_it(database, team, backend):
    invite(database, team, team.facilitator, team.bo.id)

    with database.read_session() as session:
        waiting = co_conveners.invitations_for(session=session, event_id=team.event.id, attendee_id=team.bo.id)

    assert [(i.topic.title, i.conveners) for i in waiting] == [("Pair programming", "Ada")]


@pytest.mark.parametrize(
    ("who_invites", "whom", "refusal", "message"),
    [
        ("ada", "sam", NotFound, "There is no attendee"),  # of another event
        ("ada", "ada", InvalidInput, "You convene “Pair programming” already: invite someone else."),
        ("facilitator", "ada", InvalidInput, "Ada proposed “Pair programming”: they convene it already."),
        ("cy", "bo", NotAllowed, "Only a convener of “Pair programming” or the facilitator can invite co-conveners."),
        ("bo", "cy", NotAllowed, "Only a convener of “Pair programming”"),  # Bo is invited, not accepted yet
        ("ada", "bo", Conflict, "Bo is invited to co-convene “Pair programming” already."),  # twice
    ],
)
def test_a_bad_invitation_is_refused_and_writes_nothing(database, team, backend, who_invites, whom, refusal, message):
    invite(database, team, team.actor(team.ada), team.bo.id)
    before = rows(database)
    actor = team.facilitator if who_invites == "facilitator" else team.actor(getattr(team, who_invites))

    with pytest.raises(refusal) as refused:
        invite(database, team, actor, getattr(team, whom).id)

    assert message in refused.value.message
    assert rows(database) == before


def test_someone_removed_from_the_event_cannot_be_invited(database, team, backend):
    with database.write_session() as session:
        attendees.remove_attendee(session=session, event_id=team.event.id, attendee_id=team.cy.id)

    with pytest.raises(Conflict, match="no longer in this event"):
        invite(database, team, team.actor(team.ada), team.cy.id)
    assert rows(database) == []


def test_a_topic_takes_at_most_its_co_conveners_invitations_included(database, team, factory, backend):
    for n in range(CO_CONVENERS_MAX):
        invite(database, team, team.actor(team.ada), factory.attendee(team.event, name=f"Person {n}").id)

    with pytest.raises(Conflict, match=f"has {CO_CONVENERS_MAX} co-conveners and invitations already"):
        invite(database, team, team.actor(team.ada), team.bo.id)
    assert len(rows(database)) == CO_CONVENERS_MAX


def test_only_the_invitee_accepts_and_only_an_invitation(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)

    with pytest.raises(NotAllowed, match="Only the person invited can accept"), database.write_session() as session:
        co_conveners.accept(
            session=session,
            event_id=team.event.id,
            topic_id=team.topic.id,
            actor=team.actor(team.cy),
            attendee_id=team.bo.id,
        )
    with pytest.raises(NotFound, match="You have no invitation to co-convene “Pair programming”"):
        accept(database, team, team.cy)
    assert rows(database) == [(team.topic.id, team.bo.id, False)]


def test_accepting_twice_changes_nothing_the_second_time(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)

    assert accept(database, team, team.bo) is None
    assert rows(database) == [(team.topic.id, team.bo.id, True)]


def test_an_invitation_to_a_withdrawn_topic_can_no_longer_be_accepted(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session, event_id=team.event.id, topic_id=team.topic.id, actor=team.actor(team.ada)
        )

    with pytest.raises(DomainError, match="withdrawn"):
        accept(database, team, team.bo)
    with database.read_session() as session:
        assert co_conveners.invitations_for(session=session, event_id=team.event.id, attendee_id=team.bo.id) == []


# --- Declining, stepping down, removing ----------------------------------------------------------------------


def test_the_main_convener_removes_a_co_convener_and_the_cards_say_so(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)

    with database.write_session() as session:
        written = co_conveners.remove(
            session=session,
            event_id=team.event.id,
            topic_id=team.topic.id,
            actor=team.actor(team.ada),
            attendee_id=team.bo.id,
        )

    assert (written.result.was_accepted, written.result.by_themselves) == (True, False)
    assert written.change == BoardChange.of(team.event.id, "topic", topic_ids=team.topic.id)
    assert (rows(database), shown(database, team)) == ([], "Ada")


def test_a_co_convener_steps_down_and_an_invitee_declines(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    invite(database, team, team.actor(team.ada), team.cy.id)
    accept(database, team, team.bo)

    stepped = remove(database, team, team.actor(team.bo), team.bo.id)
    with database.write_session() as session:
        declined = co_conveners.remove(
            session=session,
            event_id=team.event.id,
            topic_id=team.topic.id,
            actor=team.actor(team.cy),
            attendee_id=team.cy.id,
        )

    assert (stepped.was_accepted, stepped.by_themselves) == (True, True)
    assert (declined.result.was_accepted, declined.change) == (False, None)  # an invitation was on nobody's page
    assert rows(database) == []


def test_a_co_convener_cannot_remove_another_and_nobody_removes_who_is_not_one(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    invite(database, team, team.actor(team.ada), team.cy.id)
    accept(database, team, team.bo)
    accept(database, team, team.cy)

    with pytest.raises(NotAllowed, match="Only the convener who proposed “Pair programming”, or the facilitator"):
        remove(database, team, team.actor(team.bo), team.cy.id)
    with pytest.raises(NotFound, match="neither co-convenes"):
        remove(database, team, team.facilitator, team.ada.id)
    assert len(rows(database)) == 2
    assert remove(database, team, team.facilitator, team.cy.id).was_accepted is True


# --- What every convener may do -------------------------------------------------------------------------------


def test_a_co_convener_edits_the_topic_its_theme_and_its_constraints_but_does_not_withdraw_it(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)
    bo = team.actor(team.bo)
    with database.write_session() as session:
        theme = themes.add_theme(session=session, event_id=team.event.id, name="Craft").result
    with database.write_session() as session:
        topics.edit_topic(session=session, event_id=team.event.id, topic_id=team.topic.id, actor=bo, title="Pairing")
        themes.set_topic_theme(
            session=session, event_id=team.event.id, topic_id=team.topic.id, actor=bo, theme_id=theme.id
        )
        topic_constraints.set_constraints(
            session=session,
            event_id=team.event.id,
            actor=bo,
            topic_id=team.topic.id,
            not_before=None,
            not_after=None,
            min_room_capacity=4,
            apart_from=[],
        )

    with pytest.raises(NotAllowed) as refused, database.write_session() as session:
        topics.withdraw_topic(session=session, event_id=team.event.id, topic_id=team.topic.id, actor=bo)

    assert refused.value.message == (
        "Only the convener who proposed “Pairing”, or the facilitator, can withdraw it; as a co-convener, you can "
        "step down instead."
    )
    with database.read_session() as session:
        topic = session.get(Topic, team.topic.id)
        assert (topic.title, topic.theme_id, topic.min_room_capacity, topic.status) == (
            "Pairing",
            theme.id,
            4,
            "placed",
        )


def test_an_invitee_who_has_not_accepted_may_not_edit(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)

    with (
        pytest.raises(NotAllowed, match="Only the topic's convener or the facilitator can edit it"),
        database.write_session() as session,
    ):
        topics.edit_topic(
            session=session, event_id=team.event.id, topic_id=team.topic.id, actor=team.actor(team.bo), title="X"
        )


def test_a_co_convener_places_and_moves_the_topic_when_conveners_place_their_own(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)

    with database.write_session() as session:
        placements.place_topic(
            session=session,
            event_id=team.event.id,
            actor=team.actor(team.bo),
            topic_id=team.topic.id,
            room_id=team.attic.id,
            slot_id=team.afternoon.id,
        )
        assert placements.slot_of(session=session, topic_id=team.topic.id) == team.afternoon.id


# --- Nobody in two rooms at once --------------------------------------------------------------------------------


def place(database: Database, team: Team, topic: Topic, room: Room, slot: Slot) -> None:
    with database.write_session() as session:
        placements.place_topic(
            session=session,
            event_id=team.event.id,
            actor=team.facilitator,
            topic_id=topic.id,
            room_id=room.id,
            slot_id=slot.id,
        )


def test_a_co_conveners_own_topic_is_refused_in_the_slot_of_the_topic_they_co_convene(database, team, factory, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)
    bos = factory.topic(team.event, team.bo, title="Bo's own")

    with pytest.raises(ConvenerClash) as refused:
        place(database, team, bos, team.attic, team.morning)

    assert refused.value.message == (
        "“Pair programming” is in this slot already and shares a convener with this topic: nobody can be in two "
        "rooms at once. Pick another slot, or move “Pair programming” first."
    )
    place(database, team, bos, team.attic, team.afternoon)
    # And the other way round: the co-convened topic can't join Bo's in the afternoon either.
    with pytest.raises(ConvenerClash, match="“Bo's own” is in this slot already"):
        place(database, team, team.topic, team.hall, team.afternoon)


def test_two_topics_co_convened_by_one_person_are_kept_apart_too(database, team, factory, backend):
    cys = factory.topic(team.event, team.cy, title="Cy's")
    for topic in (team.topic, cys):
        invite(database, team, team.facilitator, team.bo.id, topic)
        accept(database, team, team.bo, topic)

    with pytest.raises(ConvenerClash):
        place(database, team, cys, team.attic, team.morning)


def test_accepting_is_refused_when_the_invitee_runs_another_session_at_that_time(database, team, factory, backend):
    bos = factory.topic(team.event, team.bo, title="Bo's own")
    place(database, team, bos, team.attic, team.morning)
    invite(database, team, team.actor(team.ada), team.bo.id)

    with pytest.raises(ConvenerClash) as refused:
        accept(database, team, team.bo)

    assert refused.value.message.startswith("You already run “Bo's own” at the time “Pair programming” is on the wall")
    assert rows(database) == [(team.topic.id, team.bo.id, False)]
    place(database, team, bos, team.attic, team.afternoon)
    accept(database, team, team.bo)  # once one of them moved


def test_the_auto_scheduler_is_given_every_accepted_convener(database, team, factory, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    invite(database, team, team.actor(team.ada), team.cy.id)
    accept(database, team, team.bo)

    with database.read_session() as session:
        planned = scheduling.plan(session=session, event_id=team.event.id)

    topic = next(t for t in planned.problem.topics if t.id == team.topic.id)
    assert topic.convener_ids == {team.ada.id, team.bo.id}  # Cy has not accepted


# --- Leaving the event, privacy ----------------------------------------------------------------------------------


def test_someone_removed_from_the_event_or_banned_leaves_every_co_convenership(database, team, factory, backend):
    other = factory.topic(team.event, team.ada, title="Second")
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)
    invite(database, team, team.actor(team.ada), team.bo.id, other)  # still only invited
    invite(database, team, team.actor(team.ada), team.cy.id)
    accept(database, team, team.cy)

    with database.write_session() as session:
        removed = attendees.remove_attendee(session=session, event_id=team.event.id, attendee_id=team.bo.id)
    with database.write_session() as session:
        banned = attendees.ban_attendee(session=session, event_id=team.event.id, attendee_id=team.cy.id)

    assert rows(database) == []
    assert removed.change is not None and team.topic.id in removed.change.topic_ids
    assert banned.change is not None and team.topic.id in banned.change.topic_ids
    assert shown(database, team) == "Ada"


def test_a_co_convener_not_listed_by_name_is_a_participant_on_the_cards(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)

    with database.write_session() as session:
        written = attendees.set_name_listed(
            session=session, event_id=team.event.id, attendee_id=team.bo.id, listed=False
        )

    assert written.change is not None and team.topic.id in written.change.topic_ids  # the cards are redrawn
    assert shown(database, team) == "Ada and a participant"


def test_finding_people_to_invite_by_name(database, team, factory, backend):
    factory.attendee(team.event, name="Bob Marley")
    hidden = factory.attendee(team.event, name="Bobby")
    with database.write_session() as session:
        attendees.set_name_listed(session=session, event_id=team.event.id, attendee_id=hidden.id, listed=False)
    invite(database, team, team.actor(team.ada), team.cy.id)

    def found(typed: str, by: AttendeeWithToken | None = None) -> list[str]:
        with database.read_session() as session:
            people = co_conveners.find_people(
                session=session,
                event_id=team.event.id,
                topic_id=team.topic.id,
                actor=team.actor(by or team.ada),
                typed=typed,
            )
            return [person.display_name for person in people]

    assert found("BO") == ["Bo", "Bob Marley"]  # not Bobby, who is not listed by name
    assert found("bob mar") == ["Bob Marley"]
    assert found("cy") == []  # invited already
    assert found("ada") == []  # convenes it
    assert found("  ") == []
    assert found("%") == []  # a wildcard is a character like any other
    with pytest.raises(NotAllowed):
        found("bo", by=team.bo)


def test_finding_people_to_invite_ignores_the_case_of_accented_letters(database, team, factory, backend):
    for name in ("Zoë Ørsted", "Émile", "zoe"):
        factory.attendee(team.event, name=name)

    with database.read_session() as session:

        def found(typed: str) -> list[str]:
            people = co_conveners.find_people(
                session=session, event_id=team.event.id, topic_id=team.topic.id, actor=team.actor(team.ada), typed=typed
            )
            return [person.display_name for person in people]

        assert found("zoë") == ["Zoë Ørsted"]
        assert found("ZOË ørsted") == ["Zoë Ørsted"]
        assert found("émile") == ["Émile"]
        assert found("ÉMILE") == ["Émile"]


# --- The JSON export and its import ----------------------------------------------------------------------------------


def test_the_json_export_lists_co_conveners_and_the_import_restores_them(database, team, backend):
    invite(database, team, team.actor(team.ada), team.bo.id)
    accept(database, team, team.bo)
    invite(database, team, team.actor(team.ada), team.cy.id)  # an invitation is not exported
    with database.read_session() as session:
        event = events.get_event(session=session, slug=team.event.slug)
        exported = document(load_export_data(session=session, event=event))

    [part] = [t for t in exported.topics if t.title == "Pair programming"]
    assert (part.convener, part.co_conveners) == ("attendee-1", ["attendee-2"])
    raw = json.loads(exported.model_dump_json())
    with database.write_session() as session:
        imported = event_import.import_event(
            session=session, document=event_import.parse_document(json.dumps(raw)), slug="copy"
        )
    with database.read_session() as session:
        again = document(load_export_data(session=session, event=imported.event))
    assert again.model_dump(exclude={"event"}) == exported.model_dump(exclude={"event"})


@pytest.mark.parametrize(
    ("co", "message"),
    [
        (["attendee-9"], "'attendee-9' is not one of the attendees"),
        (["attendee-1"], "'attendee-1' is its convener already"),
        (["attendee-2", "attendee-2"], "someone is listed twice"),
    ],
)
def test_the_import_refuses_bad_co_conveners_and_writes_nothing(database, team, backend, co, message):
    with database.read_session() as session:
        event = events.get_event(session=session, slug=team.event.slug)
        raw = json.loads(document(load_export_data(session=session, event=event)).model_dump_json())
    next(t for t in raw["topics"] if t["title"] == "Pair programming")["co_conveners"] = co
    with database.read_session() as session:
        before = session.exec(select(func.count()).select_from(Topic)).scalar_one()  # type: ignore[call-overload]

    with pytest.raises(InvalidInput, match=message), database.write_session() as session:
        event_import.import_event(session=session, document=event_import.parse_document(json.dumps(raw)), slug="copy")

    with database.read_session() as session:
        assert session.exec(select(func.count()).select_from(Topic)).scalar_one() == before  # type: ignore[call-overload]
    assert rows(database) == []
