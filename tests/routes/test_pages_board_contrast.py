"""The venue screen's high-contrast, large-type mode: switched on the facilitator page, followed live."""

from __future__ import annotations

import re

from tests.routes.pages_helpers import HTMX, csrf_token


def _facilitating(client, event) -> str:
    client.get(f"/e/{event.slug}/facilitate?key={event.key}")
    return csrf_token(client.get(f"/e/{event.slug}/facilitate").text)


def test_the_facilitator_switches_the_board_to_high_contrast_and_the_screen_follows(client, factory):
    event = factory.event()
    token = _facilitating(client, event)
    since = re.search(r"since=(\d+)", client.get(f"/e/{event.slug}/board").text).group(1)

    with client.websocket_connect(f"/ws/events/{event.slug}?view=board&since={since}") as screen:
        switched = client.post(
            f"/e/{event.slug}/facilitate/event", data={"csrf_token": token, "board_contrast": "true"}, headers=HTMX
        )
        pushed = screen.receive_text()

    assert switched.status_code == 200 and "high contrast, large type" in switched.text
    assert 'data-contrast="high"' in pushed
    assert '<body class="board b-contrast"' in client.get(f"/e/{event.slug}/board").text
    assert client.get(f"/api/events/{event.slug}").json()["board_contrast"] is True
