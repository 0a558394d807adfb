"""The one writer: units of a batch are independent, and a failing unit undoes only itself."""

import asyncio

import pytest
from sqlalchemy import select

from app.models import Topic
from app.services import topics
from app.services.errors import InvalidInput
from app.writer import Writer, WriterStopped


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _propose(event_id):
    return lambda title: (
        lambda s: topics.propose_topic(session=s, event_id=event_id, convener_id=None, title=title, description="")
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
async def test_writer_answers_each_unit_alone_when_a_unit_breaks_the_batch(factory, database, backend):
    event = factory.event()
    writer = Writer(database)
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
