"""The facilitation team: members invited by name, each with a key of their own, removed, replaced."""

from __future__ import annotations

import pytest

from app.models import Facilitator, id_of
from app.services import activity, events, team, tokens
from app.services.actors import Actor
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.factories import EVENT_DATE, EventWithKey


def _member(database, event: EventWithKey, key: str) -> Facilitator | None:
    with database.read_session() as session:
        return team.member_for_key(session=session, event_id=event.id, key=key)


def _first(database, event: EventWithKey) -> Actor:
    member = _member(database, event, event.key)
    assert member is not None
    return team.actor_of(member)


def _invite(database, event: EventWithKey, name: str) -> team.NewKey:
    with database.write_session() as session:
        return team.invite(session=session, event_id=event.id, actor=_first(database, event), name=name).result


def test_an_event_starts_with_one_facilitator_named_as_given(database, backend):
    with database.write_session() as session:
        created = events.create_event(
            session=session, name="Spring", timezone="UTC", date=EVENT_DATE, facilitator_name="  Noor  "
        ).result
        members = team.list_team(session=session, event_id=id_of(created.event))

    assert [(m.name, m.key_hash == tokens.hash_secret(created.facilitator_key)) for m in members] == [("Noor", True)]


def test_an_invited_member_gets_a_key_of_their_own_and_the_first_keeps_theirs(factory, database, backend):
    event = factory.event()

    sam = _invite(database, event, "Sam")

    assert sam.key != event.key and sam.facilitator.name == "Sam"
    assert _member(database, event, sam.key).id == sam.facilitator.id  # type: ignore[union-attr]
    assert _member(database, event, event.key).name == "Facilitator"  # type: ignore[union-attr]
    with database.read_session() as session:
        assert [line.text for line in activity.recent(session=session, event_id=event.id)][:1] == [
            "Facilitator invited Sam to the team"
        ]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("", "The facilitator's name can't be empty."),
        ("\u200b \t", "The facilitator's name can't be empty."),
        ("x" * 41, "The facilitator's name is too long: 41 characters, at most 40."),
        ("facilitator", "Give the new facilitator their own name, so the activity list can tell you apart."),
    ],
)
def test_a_bad_name_is_refused_naming_the_field(factory, database, backend, name, said):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused, database.write_session() as session:
        team.invite(session=session, event_id=event.id, actor=_first(database, event), name=name)

    assert (refused.value.message, refused.value.field) == (said, "name")
    with database.read_session() as session:
        assert len(team.list_team(session=session, event_id=event.id)) == 1


def test_two_members_of_one_name_are_refused(factory, database, backend):
    event = factory.event()
    _invite(database, event, "Sam")

    with pytest.raises(Conflict) as refused, database.write_session() as session:
        team.invite(session=session, event_id=event.id, actor=_first(database, event), name="sam")

    assert refused.value.message == "Sam is on the team already: give the new member another name (a surname, say)."


def test_an_attendee_cant_invite(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)

    with pytest.raises(NotAllowed), database.write_session() as session:
        team.invite(session=session, event_id=event.id, actor=Actor(event_id=event.id, attendee_id=ada.id), name="Bo")


def test_a_removed_members_key_no_longer_lets_them_in(factory, database, backend):
    event = factory.event()
    sam = _invite(database, event, "Sam")

    with database.write_session() as session:
        written = team.remove(
            session=session, event_id=event.id, actor=_first(database, event), facilitator_id=id_of(sam.facilitator)
        )

    assert written.change is not None and written.change.kinds == frozenset({"team"})
    assert _member(database, event, sam.key) is None
    assert _member(database, event, event.key) is not None
    with database.read_session() as session:
        assert [m.name for m in team.list_team(session=session, event_id=event.id)] == ["Facilitator"]
        assert activity.recent(session=session, event_id=event.id)[0].text == "Facilitator removed Sam from the team"


def test_the_last_facilitator_cant_be_removed(factory, database, backend):
    event = factory.event()
    first = _first(database, event)

    with pytest.raises(Conflict) as refused, database.write_session() as session:
        team.remove(session=session, event_id=event.id, actor=first, facilitator_id=first.facilitator_id or 0)

    assert refused.value.message == (
        "Facilitator is the last facilitator of this event: invite someone else before leaving."
    )
    assert _member(database, event, event.key) is not None


def test_a_member_of_another_event_is_not_found(factory, database, backend):
    one, two = factory.event(slug="one"), factory.event(slug="two")
    theirs = _member(database, two, two.key)
    assert theirs is not None

    with pytest.raises(NotFound), database.write_session() as session:
        team.remove(session=session, event_id=one.id, actor=_first(database, one), facilitator_id=id_of(theirs))

    assert _member(database, one, two.key) is None  # a key works at its own event only


def test_replacing_a_key_retires_the_old_one_at_once(factory, database, backend):
    event = factory.event()
    sam = _invite(database, event, "Sam")

    with database.write_session() as session:
        new_key = team.replace_key(session=session, event_id=event.id, facilitator_id=id_of(sam.facilitator)).result

    assert _member(database, event, sam.key) is None
    assert _member(database, event, new_key).id == sam.facilitator.id  # type: ignore[union-attr]
    assert _member(database, event, event.key) is not None  # the others keep theirs


def test_the_display_link_follows_the_earliest_member(factory, database, backend):
    event = factory.event()
    sam = _invite(database, event, "Sam")
    first = _first(database, event).facilitator_id or 0
    with database.read_session() as session:
        before = team.display_fingerprint(session=session, event_id=event.id)

    with database.write_session() as session:
        team.remove(session=session, event_id=event.id, actor=team.actor_of(sam.facilitator), facilitator_id=first)

    with database.read_session() as session:
        after = team.display_fingerprint(session=session, event_id=event.id)
    assert (before, after) == (tokens.hash_secret(event.key), tokens.hash_secret(sam.key))
