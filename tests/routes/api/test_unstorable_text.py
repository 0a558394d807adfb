"""A lone surrogate ("p\\ud800", valid JSON, not valid UTF-8) in any field a person types is cleaned away or
refused in words: never a 500, never a batch of other people's writes failing with it."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

LONE = "p\\ud800"  # as JSON carries it: json.dumps can't write a lone surrogate itself


def _post(client: TestClient, method: str, url: str, body: str, headers: dict[str, str]):
    return client.request(method, url, content=body, headers={**headers, "Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("what", "method", "path", "template"),
    [
        ("display name", "POST", "/attendees", '{"display_name": "%s"}'),
        ("topic title", "POST", "/topics", '{"title": "%s", "description": "%s"}'),
        ("room name", "POST", "/rooms", '{"name": "%s", "capacity": 10}'),
        (
            "slot label",
            "POST",
            "/slots",
            '{"starts_at": "2026-11-24T15:00", "ends_at": "2026-11-24T16:00", "label": "%s"}',
        ),
        ("event name", "PATCH", "", '{"name": "%s"}'),
        ("join code", "PATCH", "", '{"join_code": "%s"}'),
        ("announcement", "POST", "/announcements", '{"text": "%s"}'),
    ],
)
def test_a_lone_surrogate_is_cleaned_away_not_a_500(client: TestClient, factory, backend, what, method, path, template):
    event = factory.event(slug="gathering")
    body = template.replace("%s", LONE)

    answer = _post(client, method, f"/api/events/gathering{path}", body, event.auth)

    assert answer.status_code in (200, 201), (what, answer.status_code, answer.text)
    assert (
        "\ud800" not in json.dumps(answer.json(), ensure_ascii=False, default=str).encode("utf-8", "replace").decode()
    )


def test_a_wrong_join_code_with_a_lone_surrogate_is_refused_in_words(client: TestClient, factory, backend):
    factory.event(slug="gathering", join_code="FOX")

    answer = _post(
        client, "POST", "/api/events/gathering/attendees", f'{{"display_name": "Ada", "join_code": "{LONE}"}}', {}
    )

    assert answer.status_code == 403
    assert answer.json() == {"detail": "That join code is not right. It is shown on the screen at the venue."}
