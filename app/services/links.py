"""The links people are handed: attendee, board, the secret facilitator link, and an attendee's calendar feed."""

import hashlib
import hmac

from app.models import Attendee, Event
from app.services.export_data import calendar_token


def event_links(*, public_url: str, event: Event, facilitator_key: str | None = None) -> dict[str, str]:
    base = f"{public_url}/e/{event.slug}"
    links = {"attendee": base, "board": f"{base}/board", "wall": f"{base}/wall"}
    if facilitator_key:
        # After the #: browsers never send it to a server, so the key stays out of logs and proxies
        # (the page's sign-in form posts it; app/routes/pages/facilitator.py).
        links["facilitator"] = f"{base}/facilitate#key={facilitator_key}"
    return links


def schedule_links(*, public_url: str, event: Event) -> dict[str, str]:
    """Where schedule apps find the wall (frab XML, and its JSON twin), and the QR code of the XML's address."""
    base = f"{public_url}/e/{event.slug}"
    return {"xml": f"{base}/schedule.xml", "json": f"{base}/schedule.json", "qr": f"/e/{event.slug}/schedule-qr.svg"}


def calendar_links(*, public_url: str, secret_key: str, event: Event, attendee: Attendee) -> dict[str, str]:
    """An attendee's private calendar feed: as https for downloads and pasting, as webcal for subscribing."""
    token = calendar_token(secret_key=secret_key, event=event, attendee=attendee)
    url = f"{public_url}/e/{event.slug}/calendar/{token}.ics"
    return {"url": url, "webcal_url": "webcal://" + url.partition("://")[2]}


def display_token(*, secret_key: str, event: Event, fingerprint: str) -> str:
    """What the venue screen's link carries so that the board shows the join code, which the public board
    link keeps to itself. Made from `fingerprint`, the key hash of the team's earliest member
    (app/services/team.py display_fingerprint): replacing that leaked link ends this one too."""
    message = f"display:{event.slug}:{fingerprint}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def display_token_matches(token: str | None, *, secret_key: str, event: Event, fingerprint: str) -> bool:
    expected = display_token(secret_key=secret_key, event=event, fingerprint=fingerprint)
    return bool(token) and hmac.compare_digest(str(token), expected)


def display_link(*, public_url: str, secret_key: str, event: Event, fingerprint: str) -> str:
    token = display_token(secret_key=secret_key, event=event, fingerprint=fingerprint)
    return f"{public_url}/e/{event.slug}/board?display={token}"
