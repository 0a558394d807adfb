"""The one writer: units of a batch are independent, and a failing unit undoes only itself."""

import threading

import pytest
from sqlalchemy import func, select

from app.models import Topic
from app.services import topics
from app.services.errors import InvalidInput
from app.writer import Writer


def test_writer_keeps_the_other_units_of_a_batch_when_one_fails(factory, database, backend):
    event = factory.event()
    writer = Writer(database)
    gate = threading.Event()

    def propose(title):
        return writer.submit(
            lambda s: topics.propose_topic(session=s, event_id=event.id, convener_id=None, title=title, description="")
        )

    # The first unit holds the writer until the three others are queued: they then form one batch.
    blocker = writer.submit(lambda s: gate.wait(5))
    first, failing, last = propose("Before"), propose(""), propose("After")
    gate.set()
    try:
        assert blocker.result(5) is True
        assert first.result(5).title == "Before"
        with pytest.raises(InvalidInput):
            failing.result(5)
        assert last.result(5).title == "After"
    finally:
        writer.stop()
    with database.read_session() as session:
        titles = session.exec(select(Topic.title).where(Topic.event_id == event.id).order_by(Topic.id)).scalars()
        assert list(titles) == ["Before", "After"]
        assert session.exec(select(func.count()).select_from(Topic)).scalar_one() == 2
