"""The links people are handed: attendee, board and the secret facilitator link."""

from app.config import Settings
from app.models import Event


def event_links(settings: Settings, event: Event, facilitator_key: str | None = None) -> dict[str, str]:
    base = f"{settings.public_url}/e/{event.slug}"
    links = {"attendee": base, "board": f"{base}/board", "wall": f"{base}/wall"}
    if facilitator_key:
        links["facilitator"] = f"{base}/facilitate?key={facilitator_key}"
    return links
