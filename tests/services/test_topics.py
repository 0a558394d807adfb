"""Topics: proposing, the title and description rules, editing and withdrawing, hiding, merging, and the lists."""

from __future__ import annotations

import pytest

from app.models import Topic, TopicStatus
from app.services import attendance, placements, topics, votes
from app.services.actors import Actor
from app.services.errors import InvalidInput, NotAllowed, NotFound, PhaseClosed, TopicNotActive
from tests.factories import AttendeeWithToken, EventWithKey


def as_attendee(event: EventWithKey, attendee: AttendeeWithToken) -> Actor:
    return Actor(event_id=event.id, attendee_id=attendee.id, attendee_name=attendee.attendee.display_name)


def propose(database, event: EventWithKey, actor: Actor, title: str, description: str = "") -> Topic:
    with database.write_session() as session:
        return topics.propose_topic(
            session=session, event_id=event.id, actor=actor, title=title, description=description
        ).result


def edit(database, event: EventWithKey, actor: Actor, topic: Topic, **values: str | None) -> Topic:
    with database.write_session() as session:
        return topics.edit_topic(session=session, event_id=event.id, topic_id=topic.id, actor=actor, **values).result


def withdraw(database, event: EventWithKey, actor: Actor, topic: Topic) -> Topic:
    with database.write_session() as session:
        return topics.withdraw_topic(session=session, event_id=event.id, topic_id=topic.id, actor=actor).result


def hide(database, event: EventWithKey, topic: Topic) -> Topic:
    with database.write_session() as session:
        return topics.hide_topic(session=session, event_id=event.id, topic_id=topic.id).result


def merge(database, event: EventWithKey, source: Topic, target: Topic) -> Topic:
    with database.write_session() as session:
        return topics.merge_topics(session=session, event_id=event.id, source_id=source.id, target_id=target.id).result


def stored(database, topic: Topic) -> Topic:
    with database.read_session() as session:
        found = session.get(Topic, topic.id)
        assert found is not None
        return found


def titles(database, event: EventWithKey, **options) -> list[str]:
    with database.read_session() as session:
        return [view.topic.title for view in topics.list_topics(session=session, event_id=event.id, **options)]


def vote_count(database, event: EventWithKey, topic: Topic) -> int:
    with database.read_session() as session:
        return topics.get_topic_view(
            session=session, event_id=event.id, topic_id=topic.id, actor=Actor.facilitator(event.id)
        ).votes


def voted(database, attendee: AttendeeWithToken) -> set[int]:
    with database.read_session() as session:
        return votes.topics_voted(session=session, attendee_id=attendee.id)


def topic_count(database, event: EventWithKey) -> int:
    with database.read_session() as session:
        return len(topics.list_topics(session=session, event_id=event.id, include_retired=True))


# --- Proposing ---------------------------------------------------------------------------------------


def test_propose_topic_as_an_attendee_makes_them_its_convener(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")

    topic = propose(database, event, as_attendee(event, ada), "Remote work", "How we stay in touch.")

    assert (topic.title, topic.description, topic.convener_id, topic.status) == (
        "Remote work",
        "How we stay in touch.",
        ada.id,
        TopicStatus.proposed,
    )
    with database.read_session() as session:
        view = topics.get_topic_view(
            session=session, event_id=event.id, topic_id=topic.id, actor=Actor.facilitator(event.id)
        )
    assert (view.topic.title, view.votes, view.convener_name) == ("Remote work", 0, "Ada")


def test_propose_topic_as_the_facilitator_has_no_convener(factory, database, backend):
    event = factory.event()

    topic = propose(database, event, Actor.facilitator(event.id), "Opening circle")

    assert (stored(database, topic).title, stored(database, topic).convener_id) == ("Opening circle", None)


def test_propose_topic_while_proposals_are_closed_is_refused_for_an_attendee(factory, database, backend):
    event = factory.event(proposals_open=False)
    ada = factory.attendee(event)

    with pytest.raises(PhaseClosed) as refused:
        propose(database, event, as_attendee(event, ada), "Too late")

    assert refused.value.message == "Proposals are closed for this event."
    assert topic_count(database, event) == 0


def test_propose_topic_while_proposals_are_closed_is_allowed_for_the_facilitator(factory, database, backend):
    event = factory.event(proposals_open=False)

    topic = propose(database, event, Actor.facilitator(event.id), "Closing circle")

    assert titles(database, event) == ["Closing circle"]
    assert topic.convener_id is None


def test_propose_topic_by_a_visitor_is_refused(factory, database, backend):
    event = factory.event()

    with pytest.raises(NotAllowed) as refused:
        propose(database, event, Actor(event_id=event.id), "Anonymous")

    assert refused.value.message == "Join the event first to propose a topic."
    assert topic_count(database, event) == 0


def test_propose_topic_by_an_actor_of_another_event_is_refused(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")

    with pytest.raises(NotAllowed) as refused:
        propose(database, event, Actor.facilitator(elsewhere.id), "Intruder")

    assert refused.value.message == "You are not part of this event."
    assert topic_count(database, event) == 0


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Remote \t  work  ", "Remote work"),
        ("Remote\nwork", "Remote work"),
        ("Re\u200bmote\u202e work\x07", "Remote work"),
        ("Cafe\u0301 culture", "Café culture"),
    ],
)
def test_propose_topic_cleans_the_title(factory, database, backend, typed, kept):
    event = factory.event()

    topic = propose(database, event, Actor.facilitator(event.id), typed)

    assert stored(database, topic).title == kept


def test_propose_topic_keeps_the_descriptions_line_breaks(factory, database, backend):
    event = factory.event()

    topic = propose(database, event, Actor.facilitator(event.id), "Notes", "  First line\r\n\tSecond\rThird\x00  \n")

    assert stored(database, topic).description == "First line\n\tSecond\nThird"


def test_propose_topic_title_and_description_at_their_limits_are_accepted(factory, database, backend):
    event = factory.event()
    title, description = "T" * 120, "D" * 2000

    topic = propose(database, event, Actor.facilitator(event.id), title, description)

    assert (stored(database, topic).title, stored(database, topic).description) == (title, description)


def test_propose_topic_counts_the_title_after_cleaning(factory, database, backend):
    event = factory.event()
    title = "e\u0301" * 120  # 240 code points typed, 120 characters once composed

    topic = propose(database, event, Actor.facilitator(event.id), f"  {title}  ")

    assert stored(database, topic).title == "é" * 120


@pytest.mark.parametrize(
    ("title", "description", "field", "message"),
    [
        ("", "", "title", "The title can't be empty."),
        (" \t\u200b\n ", "", "title", "The title can't be empty."),
        ("T" * 121, "", "title", "The title is too long: 121 characters, at most 120."),
        ("Fine", "D" * 2001, "description", "The description is too long: 2,001 characters, at most 2,000."),
    ],
)
def test_propose_topic_with_an_invalid_title_or_description_is_refused(
    factory, database, backend, title, description, field, message
):
    event = factory.event()
    ada = factory.attendee(event)

    with pytest.raises(InvalidInput) as refused:
        propose(database, event, as_attendee(event, ada), title, description)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert topic_count(database, event) == 0


# --- Editing -----------------------------------------------------------------------------------------


def test_edit_topic_by_its_convener_changes_what_is_given(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada, title="Old title", description="Old description")

    edit(database, event, as_attendee(event, ada), topic, title="  New   title ")

    assert (stored(database, topic).title, stored(database, topic).description) == ("New title", "Old description")


def test_edit_topic_by_the_facilitator_on_an_attendees_topic(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada, title="Title", description="Old")

    edited = edit(database, event, Actor.facilitator(event.id), topic, description="New\nlines")

    assert (edited.title, stored(database, topic).description) == ("Title", "New\nlines")


def test_edit_topic_with_an_empty_description_clears_it(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None, description="Something")

    edit(database, event, Actor.facilitator(event.id), topic, description="")

    assert stored(database, topic).description == ""


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("another attendee", "Only the topic's convener or the facilitator can edit it."),
        ("a visitor", "Only the topic's convener or the facilitator can edit it."),
        ("another event's facilitator", "You are not part of this event."),
    ],
)
def test_edit_topic_by_anyone_else_is_refused(factory, database, backend, who, message):
    event = factory.event(slug="here")
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada, title="Ada's")
    actor = {
        "another attendee": as_attendee(event, bob),
        "a visitor": Actor(event_id=event.id),
        "another event's facilitator": Actor.facilitator(factory.event(slug="elsewhere").id),
    }[who]

    with pytest.raises(NotAllowed) as refused:
        edit(database, event, actor, topic, title="Bob's now")

    assert refused.value.message == message
    assert stored(database, topic).title == "Ada's"


def test_edit_topic_of_the_facilitator_by_an_attendee_is_refused(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None, title="Facilitator's")

    with pytest.raises(NotAllowed) as refused:
        edit(database, event, as_attendee(event, ada), topic, title="Mine")

    assert refused.value.message == "Only the topic's convener or the facilitator can edit it."


def test_edit_topic_with_a_valid_title_and_a_too_long_description_writes_nothing(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Title", description="Short")

    with pytest.raises(InvalidInput) as refused:
        edit(database, event, Actor.facilitator(event.id), topic, title="New title", description="D" * 2001)

    assert refused.value.field == "description"
    assert (stored(database, topic).title, stored(database, topic).description) == ("Title", "Short")


def test_edit_topic_to_an_empty_title_is_refused(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Title")

    with pytest.raises(InvalidInput) as refused:
        edit(database, event, Actor.facilitator(event.id), topic, title="   ")

    assert (refused.value.field, refused.value.message) == ("title", "The title can't be empty.")
    assert stored(database, topic).title == "Title"


def test_edit_topic_once_withdrawn_is_refused(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada, title="Gone")
    withdraw(database, event, as_attendee(event, ada), topic)

    with pytest.raises(TopicNotActive) as refused:
        edit(database, event, as_attendee(event, ada), topic, title="Back")

    assert refused.value.message == "'Gone' was withdrawn: it is no longer on the marketplace."
    assert stored(database, topic).title == "Gone"


def test_edit_topic_of_another_event_is_not_found(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    theirs = factory.topic(elsewhere, None, title="Theirs")

    with pytest.raises(NotFound) as refused:
        edit(database, event, Actor.facilitator(event.id), theirs, title="Ours")

    assert refused.value.message == f"There is no topic {theirs.id} in this event."
    assert stored(database, theirs).title == "Theirs"


# --- Withdrawing -------------------------------------------------------------------------------------


def test_withdraw_topic_returns_its_dots_and_takes_it_off_the_wall(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic, other = factory.topic(event, ada, title="Withdrawn"), factory.topic(event, None, title="Other")
    hall, morning = factory.room(event), factory.slot(event)
    factory.vote(bob, topic)
    factory.vote(bob, other)
    factory.place(event, topic, hall, morning)
    factory.attend(bob, morning, topic)

    withdrawn = withdraw(database, event, as_attendee(event, ada), topic)

    assert withdrawn.status == TopicStatus.withdrawn
    assert stored(database, topic).status == TopicStatus.withdrawn
    assert voted(database, bob) == {other.id}
    assert vote_count(database, event, topic) == 0
    with database.read_session() as session:
        assert placements.list_placements(session=session, event_id=event.id) == []
        assert attendance.my_day(session=session, attendee_id=bob.id) == {}
    assert titles(database, event) == ["Other"]


def test_withdraw_topic_by_the_facilitator(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada)

    withdraw(database, event, Actor.facilitator(event.id), topic)

    assert stored(database, topic).status == TopicStatus.withdrawn


def test_withdraw_topic_by_another_attendee_is_refused(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada)
    factory.vote(bob, topic)

    with pytest.raises(NotAllowed) as refused:
        withdraw(database, event, as_attendee(event, bob), topic)

    assert refused.value.message == "Only the topic's convener or the facilitator can withdraw it."
    assert (stored(database, topic).status, voted(database, bob)) == (TopicStatus.proposed, {topic.id})


def test_withdraw_topic_twice_is_refused(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, ada, title="Gone")
    withdraw(database, event, as_attendee(event, ada), topic)

    with pytest.raises(TopicNotActive) as refused:
        withdraw(database, event, as_attendee(event, ada), topic)

    assert refused.value.message == "'Gone' was withdrawn: it is no longer on the marketplace."


# --- Hiding ------------------------------------------------------------------------------------------


def test_hide_topic_returns_its_dots_and_takes_it_off_the_wall(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada, title="Spam")
    hall, morning = factory.room(event), factory.slot(event)
    factory.vote(bob, topic)
    factory.place(event, topic, hall, morning)
    factory.attend(bob, morning, topic)

    hidden = hide(database, event, topic)

    assert (hidden.status, stored(database, topic).status) == (TopicStatus.hidden, TopicStatus.hidden)
    assert (voted(database, bob), vote_count(database, event, topic)) == (set(), 0)
    with database.read_session() as session:
        assert placements.list_placements(session=session, event_id=event.id) == []
        assert attendance.my_day(session=session, attendee_id=bob.id) == {}
    assert titles(database, event) == []


def test_hide_topic_twice_is_the_same_as_once(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Spam")
    hide(database, event, topic)

    again = hide(database, event, topic)

    assert (again.id, again.status) == (topic.id, TopicStatus.hidden)
    assert stored(database, topic).status == TopicStatus.hidden


@pytest.mark.parametrize("retired", ["withdrawn", "merged"])
def test_hide_topic_that_was_withdrawn_or_merged_is_refused(factory, database, backend, retired):
    event = factory.event()
    ada = factory.attendee(event)
    topic, target = factory.topic(event, ada, title="Retired"), factory.topic(event, None, title="Target")
    if retired == "withdrawn":
        withdraw(database, event, as_attendee(event, ada), topic)
    else:
        merge(database, event, topic, target)

    with pytest.raises(TopicNotActive) as refused:
        hide(database, event, topic)

    assert refused.value.message == f"'Retired' was {retired} already."
    assert stored(database, topic).status == TopicStatus(retired)


def test_hide_topic_of_another_event_is_not_found(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    theirs = factory.topic(elsewhere, None)

    with pytest.raises(NotFound) as refused:
        hide(database, event, theirs)

    assert refused.value.message == f"There is no topic {theirs.id} in this event."
    assert stored(database, theirs).status == TopicStatus.proposed


# --- Merging -----------------------------------------------------------------------------------------


def test_merge_topics_moves_the_dots_and_retires_the_source(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    source, target = factory.topic(event, None, title="Duplicate"), factory.topic(event, None, title="Original")
    factory.vote(ada, source)
    factory.vote(bob, target)

    merged = merge(database, event, source, target)

    assert (merged.id, merged.status) == (target.id, TopicStatus.proposed)
    assert (stored(database, source).status, stored(database, source).merged_into_id) == (TopicStatus.merged, target.id)
    assert (vote_count(database, event, target), vote_count(database, event, source)) == (2, 0)
    assert (voted(database, ada), voted(database, bob)) == ({target.id}, {target.id})
    assert titles(database, event) == ["Original"]


def test_merge_topics_leaves_nobody_with_two_dots_on_one_topic(factory, database, backend):
    event = factory.event(votes_per_attendee=2)
    ada = factory.attendee(event)
    source, target = factory.topic(event, None, title="Duplicate"), factory.topic(event, None, title="Original")
    factory.vote(ada, source)
    factory.vote(ada, target)

    merge(database, event, source, target)

    assert (vote_count(database, event, target), voted(database, ada)) == (1, {target.id})
    with database.read_session() as session:
        assert votes.dots(session=session, event=event.event, attendee_id=ada.id).left == 1


def test_merge_topics_puts_nobody_over_budget(factory, database, backend):
    event = factory.event(votes_per_attendee=2)
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    source, target = factory.topic(event, None, title="Duplicate"), factory.topic(event, None, title="Original")
    third = factory.topic(event, None, title="Third")
    for who, topic in ((ada, source), (ada, target), (bob, source), (bob, third)):
        factory.vote(who, topic)

    merge(database, event, source, target)

    with database.read_session() as session:
        left = {who.id: votes.dots(session=session, event=event.event, attendee_id=who.id).left for who in (ada, bob)}
    assert left == {ada.id: 1, bob.id: 0}
    assert (voted(database, ada), voted(database, bob)) == ({target.id}, {target.id, third.id})


def test_merge_topics_of_a_placed_source_ends_its_attendance(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    source, target = factory.topic(event, None, title="Duplicate"), factory.topic(event, None, title="Original")
    hall, morning = factory.room(event), factory.slot(event)
    factory.place(event, source, hall, morning)
    factory.attend(ada, morning, source)

    merge(database, event, source, target)

    with database.read_session() as session:
        assert placements.list_placements(session=session, event_id=event.id) == []
        assert attendance.my_day(session=session, attendee_id=ada.id) == {}
    assert (stored(database, source).status, stored(database, target).status) == (
        TopicStatus.merged,
        TopicStatus.proposed,
    )


def test_merge_topics_into_itself_is_refused(factory, database, backend):
    event = factory.event()
    topic = factory.topic(event, None)

    with pytest.raises(InvalidInput) as refused:
        merge(database, event, topic, topic)

    assert refused.value.message == "A topic can't be merged into itself."
    assert stored(database, topic).status == TopicStatus.proposed


def test_merge_topics_into_a_retired_topic_is_refused_and_the_dots_stay(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    source, target = factory.topic(event, None, title="Duplicate"), factory.topic(event, None, title="Hidden")
    factory.vote(ada, source)
    hide(database, event, target)

    with pytest.raises(TopicNotActive) as refused:
        merge(database, event, source, target)

    assert refused.value.message == "'Hidden' was hidden: it is no longer on the marketplace."
    assert (stored(database, source).status, voted(database, ada)) == (TopicStatus.proposed, {source.id})


def test_merge_topics_of_another_events_topic_is_not_found(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    ours, theirs = factory.topic(event, None, title="Ours"), factory.topic(elsewhere, None, title="Theirs")

    with pytest.raises(NotFound) as refused:
        merge(database, event, theirs, ours)

    assert refused.value.message == f"There is no topic {theirs.id} in this event."
    assert stored(database, theirs).status == TopicStatus.proposed


# --- Lists -------------------------------------------------------------------------------------------


def test_list_topics_sorts_by_votes_then_by_age(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    one, two, three = (factory.topic(event, None, title=title) for title in ("One", "Two", "Three"))
    factory.vote(ada, three)
    factory.vote(bob, three)
    factory.vote(ada, two)

    with database.read_session() as session:
        views = topics.list_topics(session=session, event_id=event.id)

    assert [(view.topic.title, view.votes) for view in views] == [("Three", 2), ("Two", 1), ("One", 0)]
    assert titles(database, event, sort="newest") == ["Three", "Two", "One"]
    factory.vote(bob, one)
    assert titles(database, event) == ["Three", "One", "Two"]  # a tie keeps the older first


def test_list_topics_leaves_out_retired_topics_unless_asked(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    factory.topic(event, ada, title="Kept")
    withdrawn = factory.topic(event, ada, title="Withdrawn")
    hidden = factory.topic(event, None, title="Hidden")
    withdraw(database, event, as_attendee(event, ada), withdrawn)
    hide(database, event, hidden)

    assert titles(database, event) == ["Kept"]
    assert titles(database, event, include_retired=True) == ["Kept", "Withdrawn", "Hidden"]


def test_list_topics_by_convener_and_event(factory, database, backend):
    event, elsewhere = factory.event(slug="here"), factory.event(slug="elsewhere")
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    factory.topic(event, ada, title="Ada's")
    factory.topic(event, bob, title="Bob's")
    factory.topic(elsewhere, None, title="Elsewhere")

    assert titles(database, event, convener_id=ada.id) == ["Ada's"]
    assert titles(database, event) == ["Ada's", "Bob's"]


def test_list_topics_search_needs_every_word_in_the_title_or_description(factory, database, backend):
    event = factory.event()
    factory.topic(event, None, title="Remote work", description="Tools for distributed teams")
    factory.topic(event, None, title="Working remotely")
    factory.topic(event, None, title="Remote", description="Also about WORK")
    factory.topic(event, None, title="Office work")

    assert titles(database, event, search="remote work") == ["Remote work", "Working remotely", "Remote"]
    assert titles(database, event, search="  TEAMS   remote ") == ["Remote work"]
    assert titles(database, event, search="remote pizza") == []
    assert titles(database, event, search="   ") == ["Remote work", "Working remotely", "Remote", "Office work"]


def test_list_topics_search_takes_percent_underscore_and_backslash_literally(factory, database, backend):
    event = factory.event()
    for title in ("100% remote", "1000 remote", "snake_case names", "snakeXcase names", "C:\\temp", "C:temp"):
        factory.topic(event, None, title=title)

    assert titles(database, event, search="0%") == ["100% remote"]
    assert titles(database, event, search="%") == ["100% remote"]
    assert titles(database, event, search="e_c") == ["snake_case names"]
    assert titles(database, event, search="_") == ["snake_case names"]
    assert titles(database, event, search=":\\t") == ["C:\\temp"]


def test_list_topics_search_too_long_is_refused(factory, database, backend):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused, database.read_session() as session:
        topics.list_topics(session=session, event_id=event.id, search="x" * 101)

    assert (refused.value.field, refused.value.message) == ("q", "The search is too long: 101 characters, at most 100.")


def test_list_topics_counts_the_votes_and_shows_the_conveners_name(factory, database, backend):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada, title="Ada's")
    factory.vote(ada, topic)
    factory.vote(bob, topic)

    with database.read_session() as session:
        (view,) = topics.list_topics(session=session, event_id=event.id)

    assert (view.topic.id, view.votes, view.convener_name) == (topic.id, 2, "Ada")


def test_list_topics_search_ignores_the_case_of_accented_letters(factory, database, backend):
    event = factory.event()
    factory.topic(event, None, title="École ouverte")
    factory.topic(event, None, title="Über Zusammenarbeit")
    factory.topic(event, None, title="Αθήνα", description="ΠΌΛΗ ΚΑΙ ΘΆΛΑΣΣΑ")

    assert titles(database, event, search="école") == ["École ouverte"]
    assert titles(database, event, search="ÉCOLE OUVERTE") == ["École ouverte"]
    assert titles(database, event, search="ÜBER") == ["Über Zusammenarbeit"]
    assert titles(database, event, search="ΑΘΉΝΑ") == ["Αθήνα"]
    assert titles(database, event, search="θάλασσα") == ["Αθήνα"]  # in the description
    assert titles(database, event, search="ecole") == []  # an accent still counts: only the case is set aside


def test_merge_candidates_ignore_the_case_of_accented_letters(factory, database, backend):
    event = factory.event()
    duplicate = factory.topic(event, None, title="école ouverte, encore")
    factory.topic(event, None, title="École ouverte")
    factory.topic(event, None, title="L'ÉCOLE DEHORS")

    with database.read_session() as session:
        found = topics.merge_candidates(session=session, event_id=event.id, topic_id=duplicate.id, typed="école")

    assert [view.topic.title for view in found] == ["École ouverte", "L'ÉCOLE DEHORS"]


# --- A proposal sent again -----------------------------------------------------------------------------


def _propose_keyed(database, event, actor, key, title="Remote work"):
    with database.write_session() as session:
        return topics.propose_topic(session=session, event_id=event.id, actor=actor, title=title, request_key=key)


def test_propose_topic_sent_again_with_its_request_key_makes_one_topic(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    actor = Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada")

    first = _propose_keyed(database, event, actor, "k-1")
    again = _propose_keyed(database, event, actor, "k-1", title="Remote work (retyped)")

    assert again.result.id == first.result.id
    assert again.result.title == "Remote work"
    assert again.change is None  # nothing new to announce
    assert first.change is not None
    with database.read_session() as session:
        assert [v.topic.title for v in topics.list_topics(session=session, event_id=event.id)] == ["Remote work"]


def test_propose_topic_with_someone_elses_request_key_is_refused(factory, database, backend):
    event = factory.event()
    ada, bo = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bo")
    _propose_keyed(database, event, Actor(event_id=event.id, attendee_id=ada.id, attendee_name="Ada"), "k-1")

    with pytest.raises(InvalidInput) as refused:
        _propose_keyed(database, event, Actor(event_id=event.id, attendee_id=bo.id, attendee_name="Bo"), "k-1", "Bo's")

    assert (refused.value.field, refused.value.message) == (
        "request_key",
        "This request key was used for another proposal.",
    )


@pytest.mark.parametrize("key", ["x" * 65, "clé", "a\x00b"])
def test_propose_topic_with_a_malformed_request_key_is_refused(factory, database, backend, key):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused:
        _propose_keyed(database, event, Actor.facilitator(event.id), key)

    assert refused.value.field == "request_key"
    with database.read_session() as session:
        assert topics.list_topics(session=session, event_id=event.id) == []


# --- The card a tap answers with -----------------------------------------------------------------------


def card(database, event: EventWithKey, topic: Topic) -> topics.VoteCard | None:
    with database.read_session() as session:
        return topics.vote_card(session=session, event_id=event.id, topic_id=topic.id)  # type: ignore[arg-type]


def test_a_topics_card_carries_its_count_conveners_theme_and_the_events_voting_state(database, factory, backend):
    event = factory.event(votes_per_attendee=4, voting_open=True)
    theme = factory.theme(event, name="Care")
    ada, sam = factory.attendee(event, name="Ada"), factory.attendee(event, name="Sam")
    topic = factory.topic(event, ada, title="Rest", description="Why we skip it", theme=theme)
    factory.co_convener(event, topic, sam)
    factory.vote(ada, topic)
    factory.vote(sam, topic)

    shown = card(database, event, topic)

    assert shown is not None
    assert (shown.event.slug, shown.event.voting_open, shown.event.votes_per_attendee) == (event.slug, True, 4)
    assert (shown.view.topic.title, shown.view.topic.description, shown.view.votes) == ("Rest", "Why we skip it", 2)
    assert shown.view.listed_convener_name == "Ada and Sam"
    assert shown.theme is not None and (shown.theme.name, shown.theme.symbol) == ("Care", "●")


def test_no_card_for_a_hidden_merged_withdrawn_or_another_events_topic(database, factory, backend):
    event, elsewhere = factory.event(), factory.event(name="Elsewhere")
    ada = factory.attendee(event, name="Ada")
    hidden, merged, kept, withdrawn = (factory.topic(event, ada, title=t) for t in ("H", "M", "K", "W"))
    hide(database, event, hidden)
    merge(database, event, merged, kept)
    withdraw(database, event, as_attendee(event, ada), withdrawn)
    foreign = factory.topic(elsewhere, None, title="Theirs")

    assert [card(database, event, t) for t in (hidden, merged, withdrawn)] == [None, None, None]
    assert card(database, event, foreign) is None  # asked for under this event's id
    assert card(database, event, kept) is not None
