"""The harvest: what the day found, per theme (app/exporters/harvest.py groups it), and who may read it.

The facilitator reads it while the day runs; everyone with the event's link once the facilitator publishes
it (Event.harvest_published, set with events.update_event). Before that, anyone else is refused with a
sentence that says so (403): the page shows it, the API sends it as its `detail`.
"""

from __future__ import annotations

from sqlmodel import Session

from app.exporters.harvest import Harvest, build_harvest
from app.i18n import _
from app.models import Event
from app.services.actors import Actor
from app.services.errors import NotAllowed
from app.services.export_data import load_export_data
from app.services.lookups import get_event_by_id

NOT_PUBLISHED = _("The harvest is not published yet: the facilitator publishes it at the end of the day.")


def load_harvest(*, session: Session, event_id: int, names: bool) -> Harvest:
    """The event's harvest; `names=False` leaves the conveners out (app/services/privacy.py decides)."""
    event = get_event_by_id(session=session, event_id=event_id)
    # The notes as they are now: their history is not part of the harvest, and is most of what they weigh.
    data = load_export_data(session=session, event=event, with_revisions=False)
    return build_harvest(data, names=names)


def check_readable(*, event: Event, actor: Actor) -> None:
    """The facilitator always; anyone once the harvest is published."""
    if not event.harvest_published and not actor.is_facilitator:
        raise NotAllowed(NOT_PUBLISHED)
