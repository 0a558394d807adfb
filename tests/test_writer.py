"""The one writer: units of a batch are independent, and a failing unit undoes only itself."""

import asyncio
import threading

import pytest
from sqlalchemy import select

from app.models import Topic
from app.services import topics
from app.services.actors import Actor
from app.services.changes import BoardChange, Written, board_version
from app.services.errors import InvalidInput
from app.writer import Writer, WriterStopped, write_now


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _propose(event_id):
    return lambda title: (
        lambda s: topics.propose_topic(session=s, event_id=event_id, actor=Actor.facilitator(event_id), title=title)
    )


def _titles(database, event_id):
    with database.read_session() as session:
        return list(session.exec(select(Topic.title).where(Topic.event_id == event_id).order_by(Topic.id)).scalars())


@pytest.mark.anyio
async def test_writer_keeps_the_other_units_of_a_batch_when_one_fails(factory, database, backend):
    event = factory.event()
    writer = Writer(database)
    await writer.start()
    propose = _propose(event.id)
    # Queued in one go, the three units are committed as one batch.
    results = await asyncio.gather(
        writer.run(propose("Before")), writer.run(propose("")), writer.run(propose("After")), return_exceptions=True
    )
    await writer.stop()
    assert results[0].title == "Before" and results[2].title == "After"
    assert isinstance(results[1], InvalidInput)
    assert _titles(database, event.id) == ["Before", "After"]


@pytest.mark.anyio
@pytest.mark.parametrize("off_loop", [False, True], ids=["on the loop", "on its thread"])
async def test_writer_answers_each_unit_alone_when_a_unit_breaks_the_batch(factory, database, backend, off_loop):
    event = factory.event()
    writer = Writer(database, off_loop=off_loop)
    await writer.start()
    propose = _propose(event.id)

    def broken(session):
        propose("Written, then undone")(session)
        raise RuntimeError("a bug in one unit")

    results = await asyncio.gather(
        writer.run(propose("Kept")),
        writer.run(broken, savepoint=False),
        writer.run(propose("Also kept")),
        return_exceptions=True,
    )
    await writer.stop()
    assert isinstance(results[1], RuntimeError)
    assert [r.title for r in (results[0], results[2])] == ["Kept", "Also kept"]
    assert _titles(database, event.id) == ["Kept", "Also kept"]


@pytest.mark.anyio
async def test_writer_refuses_work_once_stopping(database):
    writer = Writer(database)
    await writer.start()
    await writer.stop()
    with pytest.raises(WriterStopped):
        await writer.run(lambda s: None)


@pytest.mark.anyio
async def test_writer_refuses_work_that_does_not_say_what_it_changed(factory, database, backend):
    event = factory.event()
    announced: list[tuple[int, BoardChange]] = []
    writer = Writer(database, on_change=lambda version, change: announced.append((version, change)))
    await writer.start()

    def silent(session):
        return _propose(event.id)("Not announced")(session).result  # the Topic alone: its change is lost

    with pytest.raises(TypeError, match="not Written: a write must say what it changed on the live board"):
        await writer.run(silent)
    await writer.stop()

    assert _titles(database, event.id) == []  # refused whole: no row the open pages would never hear of
    assert announced == []


@pytest.mark.anyio
async def test_writer_publishes_the_change_a_service_declares_with_the_next_version(factory, database, backend):
    event = factory.event()
    announced: list[tuple[int, BoardChange]] = []
    writer = Writer(database, on_change=lambda version, change: announced.append((version, change)))
    await writer.start()
    with database.read_session() as session:
        before = board_version(session=session, event_id=event.id)

    topic = await writer.run(_propose(event.id)("Announced"))
    await writer.stop()

    assert announced == [
        (before + 1, BoardChange.of(event.id, "topic", topic_ids=topic.id, new_topics=True)),
    ]


@pytest.mark.anyio
async def test_writer_announces_nothing_for_a_write_no_page_shows(database, backend):
    announced: list[tuple[int, BoardChange]] = []
    writer = Writer(database, on_change=lambda version, change: announced.append((version, change)))
    await writer.start()

    value = await writer.run(lambda s: Written("done", None))
    await writer.stop()

    assert value == "done"
    assert announced == []


def test_writer_runs_the_database_work_on_its_thread_for_postgresql_and_on_the_loop_for_sqlite(database, backend):
    assert Writer(database).off_loop is (backend == "postgresql")


@pytest.mark.anyio
async def test_writer_off_the_loop_writes_on_its_thread_and_announces_and_answers_on_the_loop(
    factory, database, backend
):
    event = factory.event()
    loop_thread = threading.current_thread().name
    announced: list[tuple[str, int]] = []
    writer = Writer(
        database,
        off_loop=True,
        on_change=lambda version, change: announced.append((threading.current_thread().name, version)),
    )
    await writer.start()
    propose = _propose(event.id)
    wrote_on: list[str] = []

    def proposed(title):
        def work(session):
            wrote_on.append(threading.current_thread().name)
            return propose(title)(session)

        return work

    results = await asyncio.gather(
        writer.run(proposed("First")), writer.run(proposed("")), writer.run(proposed("Second")), return_exceptions=True
    )
    await writer.stop()

    assert [r.title for r in (results[0], results[2])] == ["First", "Second"]
    assert isinstance(results[1], InvalidInput)
    assert set(wrote_on) == {"hallway-writer_0"}
    assert [thread for thread, _ in announced] == [loop_thread]  # one version for the batch, heard on the loop
    assert _titles(database, event.id) == ["First", "Second"]


def test_write_now_advances_the_board_version_for_a_command(factory, database, backend):
    event = factory.event()
    with database.read_session() as session:
        before = board_version(session=session, event_id=event.id)

    topic = write_now(database, _propose(event.id)("From a terminal"))

    with database.read_session() as session:
        assert board_version(session=session, event_id=event.id) == before + 1
    assert topic.title == "From a terminal"


def test_write_now_refuses_work_that_does_not_say_what_it_changed(factory, database, backend):
    event = factory.event()

    with pytest.raises(TypeError, match="not Written"):
        write_now(database, lambda session: _propose(event.id)("Lost")(session).result)

    assert _titles(database, event.id) == []
