"""The links people are handed: attendee, board and the secret facilitator link."""

from app.models import Event


def event_links(*, public_url: str, event: Event, facilitator_key: str | None = None) -> dict[str, str]:
    base = f"{public_url}/e/{event.slug}"
    links = {"attendee": base, "board": f"{base}/board", "wall": f"{base}/wall"}
    if facilitator_key:
        links["facilitator"] = f"{base}/facilitate?key={facilitator_key}"
    return links
