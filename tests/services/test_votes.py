"""Dot voting: the budget, idempotency, closed voting, retired topics and taking dots back."""

import pytest

from app.models.event import EventUpdate
from app.services import events, topics, votes
from app.services.actors import Actor
from app.services.errors import BudgetSpent, NotFound, PhaseClosed, TopicNotActive


def test_cast_vote_counts_the_dot_and_the_budget(factory, database, backend):
    event = factory.event(votes_per_attendee=2)
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    with database.write_session() as session:
        result = votes.cast_vote(session=session, attendee_id=ada.id, topic_id=topic.id).result
    assert (result.voted, result.votes, result.votes_left, result.budget) == (True, 1, 1, 2)


def test_cast_vote_twice_on_one_topic_changes_nothing(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    factory.vote(ada, topic)
    with database.write_session() as session:
        again = votes.cast_vote(session=session, attendee_id=ada.id, topic_id=topic.id).result
    assert (again.votes, again.votes_left) == (1, 4)


def test_cast_vote_over_the_budget_is_refused(factory, database, backend):
    event = factory.event(votes_per_attendee=2)
    ada = factory.attendee(event)
    first, second, third = (factory.topic(event, None, title=t) for t in ("One", "Two", "Three"))
    factory.vote(ada, first)
    factory.vote(ada, second)
    with pytest.raises(BudgetSpent), database.write_session() as session:
        votes.cast_vote(session=session, attendee_id=ada.id, topic_id=third.id)
    with database.read_session() as session:
        assert votes.topics_voted(session=session, attendee_id=ada.id) == {first.id, second.id}


def test_cast_vote_while_voting_is_closed_is_refused(factory, database, backend):
    event = factory.event(voting_open=False)
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    with pytest.raises(PhaseClosed), database.write_session() as session:
        votes.cast_vote(session=session, attendee_id=ada.id, topic_id=topic.id)


@pytest.mark.parametrize("retire", ["withdraw", "hide"])
def test_cast_vote_on_a_retired_topic_is_refused(factory, database, backend, retire):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada)
    with database.write_session() as session:
        if retire == "withdraw":
            topics.withdraw_topic(
                session=session,
                event_id=event.id,
                topic_id=topic.id,
                actor=Actor(event_id=event.id, attendee_id=ada.id),
            )
        else:
            topics.hide_topic(session=session, event_id=event.id, topic_id=topic.id)
    with pytest.raises(TopicNotActive), database.write_session() as session:
        votes.cast_vote(session=session, attendee_id=ada.id, topic_id=topic.id)


def test_cast_vote_on_another_events_topic_is_not_found(factory, database, backend):
    ada = factory.attendee(factory.event(slug="one"))
    elsewhere = factory.topic(factory.event(slug="two"), None)
    with pytest.raises(NotFound), database.write_session() as session:
        votes.cast_vote(session=session, attendee_id=ada.id, topic_id=elsewhere.id)


def test_dots_on_a_withdrawn_topic_go_back_to_the_budget(factory, database, backend):
    event = factory.event(votes_per_attendee=1)
    ada, bob = factory.attendee(event), factory.attendee(event, name="Bob")
    withdrawn, other = factory.topic(event, bob, title="Gone"), factory.topic(event, None, title="Other")
    factory.vote(ada, withdrawn)
    with database.write_session() as session:
        topics.withdraw_topic(
            session=session,
            event_id=event.id,
            topic_id=withdrawn.id,
            actor=Actor(event_id=event.id, attendee_id=bob.id),
        )
        result = votes.cast_vote(session=session, attendee_id=ada.id, topic_id=other.id).result
    assert (result.votes, result.votes_left) == (1, 0)


def test_retract_vote_returns_the_dot_and_is_idempotent(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    factory.vote(ada, topic)
    with database.write_session() as session:
        back = votes.retract_vote(session=session, attendee_id=ada.id, topic_id=topic.id).result
        again = votes.retract_vote(session=session, attendee_id=ada.id, topic_id=topic.id).result
    assert (back.voted, back.votes, back.votes_left) == (False, 0, 5)
    assert (again.voted, again.votes, again.votes_left) == (False, 0, 5)


def test_retract_vote_while_voting_is_closed_is_refused(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    factory.vote(ada, topic)
    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(voting_open=False))
    with pytest.raises(PhaseClosed), database.write_session() as session:
        votes.retract_vote(session=session, attendee_id=ada.id, topic_id=topic.id)
