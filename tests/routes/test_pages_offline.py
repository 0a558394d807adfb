"""The service worker's script (static/js/sw.js): served from the root for the scope /e/, never stale."""

from __future__ import annotations

from pathlib import Path

SERVICE_WORKER = Path(__file__).resolve().parents[2] / "static" / "js" / "sw.js"


def test_service_worker_is_served_as_javascript_for_the_event_pages(client, backend):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/javascript"
    assert response.headers["service-worker-allowed"] == "/e/"
    assert response.text == SERVICE_WORKER.read_text()


def test_service_worker_is_checked_again_at_every_visit(client, backend):
    response = client.get("/sw.js")

    assert response.headers["cache-control"] == "no-cache"


def test_service_worker_runs_under_the_strict_content_security_policy(client, backend):
    response = client.get("/sw.js")

    assert "script-src 'self'" in response.headers["content-security-policy"]
