"""The vote's statements sent without waiting (app/pipeline.py): nothing a phone was told is lost, and a write
the database refuses late is still answered to the request that sent it, and to no other."""

import asyncio

import pytest
from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from app import pipeline
from app.models import Vote
from app.models._base import utcnow
from app.pipeline import PreparedStatement
from app.services import votes
from app.services.changes import BoardChange, Written
from app.writer import Writer

# A statement is compiled once with the parameters it names: an insert names its columns.
_INSERT_VOTE = PreparedStatement(
    insert(Vote).values(
        attendee_id=bindparam("attendee_id"), topic_id=bindparam("topic_id"), created_at=bindparam("created_at")
    )
)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _dots(database, topic_id):
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(Vote).where(Vote.topic_id == topic_id))


@pytest.mark.anyio
async def test_a_write_refused_late_fails_only_the_request_that_sent_it(factory, database, backend):
    event = factory.event()
    ada, bea, cy = (factory.attendee(event, name=name) for name in ("Ada", "Bea", "Cy"))
    topic = factory.topic(event, None)
    writer = Writer(database)
    await writer.start()

    def vote(attendee):
        return lambda session: votes.cast_vote(session=session, attendee_id=attendee.id, topic_id=topic.id)

    def dot_on_a_topic_that_is_gone(session):
        # Sent, not waited for: on PostgreSQL the database's refusal (no topic 999999) arrives after the
        # next vote's statements have gone out, inside the same batch.
        params = {"attendee_id": bea.id, "topic_id": 999_999, "created_at": utcnow()}
        pipeline.send(session, _INSERT_VOTE, params)
        return Written(None, BoardChange.of(event.id, "vote", topic_ids=topic.id))

    results = await asyncio.gather(
        writer.run(vote(ada), savepoint=False),
        writer.run(dot_on_a_topic_that_is_gone, savepoint=False),
        writer.run(vote(cy), savepoint=False),
        return_exceptions=True,
    )
    await writer.stop()

    assert isinstance(results[1], IntegrityError)  # SQLAlchemy's error, which the app answers in words
    assert [(r.voted, r.votes_left) for r in (results[0], results[2])] == [(True, 4), (True, 4)]
    assert _dots(database, topic.id) == 2


def test_a_read_after_a_sent_write_sees_it(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    with database.write_session() as session:
        pipeline.send(session, _INSERT_VOTE, {"attendee_id": ada.id, "topic_id": topic.id, "created_at": utcnow()})
        # SQLAlchemy's own statement: the pipeline is ended (its write done) before it runs.
        assert session.scalar(select(func.count()).select_from(Vote).where(Vote.topic_id == topic.id)) == 1
        counted = pipeline.run(session, PreparedStatement(select(func.count()).select_from(Vote)), {})
        assert counted is not None and counted[0] == 1
    assert _dots(database, topic.id) == 1


@pytest.mark.only_on("postgresql")
def test_a_transaction_rolled_back_with_writes_in_flight_leaves_the_connection_clean(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), database.write_session() as session:
        params = {"attendee_id": ada.id, "topic_id": topic.id, "created_at": utcnow()}
        pipeline.send(session, _INSERT_VOTE, params)
        pipeline.send(session, _INSERT_VOTE, {**params, "topic_id": 999_999})  # refused: not raised here
        raise Undone

    assert _dots(database, topic.id) == 0
    # The same pooled connection takes the next write as if nothing happened.
    with database.write_session() as session:
        result = votes.cast_vote(session=session, attendee_id=ada.id, topic_id=topic.id).result
    assert (result.voted, result.votes) == (True, 1)
    assert _dots(database, topic.id) == 1


@pytest.mark.only_on("postgresql")
def test_the_writer_keeps_its_prepared_statements_from_one_batch_to_the_next(factory, database, backend):
    """psycopg forgets prepared statements at every rollback, and every read ends with one: if the writer shared
    its connections with the pages' reads, its batches of votes would prepare and plan their statements again."""
    event = factory.event()
    ada = factory.attendee(event)
    first, second = factory.topic(event, None, title="First"), factory.topic(event, None, title="Second")
    with database.write_session() as session:
        votes.cast_vote(session=session, attendee_id=ada.id, topic_id=first.id)
    assert _dots(database, first.id) == 1  # a page's read in between, rolled back at its end

    with database.write_session() as session:
        prepared = session.scalar(text("select count(*) from pg_prepared_statements"))
        votes.cast_vote(session=session, attendee_id=ada.id, topic_id=second.id)

    assert prepared >= 3  # the vote's lock, read and write, still there
    assert _dots(database, second.id) == 1


@pytest.mark.only_on("postgresql")
def test_a_connection_returned_inside_a_transaction_is_still_rolled_back(factory, database, backend):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    connection = database.write_engine.raw_connection()
    connection.cursor().execute(
        "insert into vote (attendee_id, topic_id, created_at) values (%s, %s, now())", (ada.id, topic.id)
    )
    connection.close()  # back to the pool, never committed

    assert _dots(database, topic.id) == 0
    with database.write_session() as session:  # and the pooled connection is clean
        assert votes.cast_vote(session=session, attendee_id=ada.id, topic_id=topic.id).result.votes == 1


def test_a_time_sent_through_the_driver_reads_back_to_the_microsecond(factory, database, backend):
    """On SQLite the statement bypasses SQLAlchemy's execution: each value is still bound as SQLAlchemy binds it
    for its column (a time as the text SQLite keeps), so the ORM reads back the time that was sent."""
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    sent = utcnow().replace(microsecond=123456)
    with database.write_session() as session:
        pipeline.send(session, _INSERT_VOTE, {"attendee_id": ada.id, "topic_id": topic.id, "created_at": sent})

    with database.read_session() as session:
        stored = session.scalars(select(Vote).where(Vote.topic_id == topic.id)).one()
    assert stored.created_at.replace(tzinfo=None) == sent.replace(tzinfo=None)
