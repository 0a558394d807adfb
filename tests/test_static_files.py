"""Static files under versioned addresses, cached for a year; other addresses still work, briefly cached."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.static_files import BRIEFLY, IMMUTABLE, STATIC_DIR, static_url
from tests.factories import Factory
from tests.routes.pages_helpers import join

VERSIONED = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def version_of(path: str) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]


def test_static_url_names_the_files_content():
    assert static_url("css/hallway.css") == f"/static/css/hallway.css?v={version_of('css/hallway.css')}"


def test_static_url_of_a_file_that_isnt_there_fails_loudly():
    with pytest.raises(ValueError, match=r"There is no static file 'css/halway\.css'"):
        static_url("css/halway.css")


def test_the_versioned_address_is_cached_for_a_year(client):
    response = client.get(static_url("css/hallway.css"))

    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert response.content == (STATIC_DIR / "css" / "hallway.css").read_bytes()


def test_a_revalidation_of_the_versioned_address_keeps_its_caching(client):
    etag = client.get(static_url("js/hallway.js")).headers["etag"]

    response = client.get(static_url("js/hallway.js"), headers={"If-None-Match": etag})

    assert (response.status_code, response.headers["cache-control"]) == (304, IMMUTABLE)


@pytest.mark.parametrize("address", ["/static/css/hallway.css", "/static/css/hallway.css?v=0123456789ab"])
def test_the_plain_address_or_another_releases_still_works_briefly_cached(client, address):
    response = client.get(address)

    assert response.status_code == 200
    assert response.headers["cache-control"] == BRIEFLY == "public, max-age=300"
    assert response.content == (STATIC_DIR / "css" / "hallway.css").read_bytes()


def test_in_development_every_use_asks_again(settings):
    with TestClient(create_app(settings.model_copy(update={"environment": "development"}))) as client:
        response = client.get(static_url("css/hallway.css"))

    assert response.headers["cache-control"] == "no-cache"


def test_a_missing_file_is_not_cached(client):
    response = client.get("/static/css/nothing-here.css?v=0123456789ab")

    assert response.status_code == 404
    assert "immutable" not in response.headers.get("cache-control", "")


def test_every_page_links_its_files_by_their_versioned_address(client, factory: Factory):
    event = factory.event(slug="hall")
    topic = factory.topic(event, None)
    factory.place(event, topic, factory.room(event), factory.slot(event))
    join(client, "hall")
    pages = [
        "/",
        "/e/hall",
        "/e/hall/wall",
        "/e/hall/board",
        f"/e/hall/topics/{topic.id}/notes",
        f"/e/hall/topics/{topic.id}/notes/revisions",
        "/e/hall/facilitate",  # the sign-in form
    ]

    linked = {url for page in pages for url in VERSIONED.findall(client.get(page).text)}

    assert {url.split("?")[0] for url in linked} >= {
        "/static/css/hallway.css",
        "/static/css/board.css",
        "/static/css/wall.css",
        "/static/css/notes.css",
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/vendor/htmx-ext-ws-2.0.4.min.js",
        "/static/js/hallway.js",
        "/static/js/board.js",
        "/static/js/notes.js",
        "/static/js/enter.js",
    }
    for url in linked:
        path, _, version = url.removeprefix("/static/").partition("?v=")
        assert version == version_of(path), url
        assert client.get(url).headers["cache-control"] == IMMUTABLE, url


def test_the_service_worker_keeps_versioned_files_for_offline_copies():
    """It matches assets by their path, so the ?v= of a versioned address keeps them its own (static/js/sw.js)."""
    worker = (Path(STATIC_DIR) / "js" / "sw.js").read_text()

    assert "var ASSET_PATH = /^\\/static\\/|^\\/e\\/[^/]+\\/qr\\.svg$/;" in worker
    assert "ASSET_PATH.test(url.pathname)" in worker
    assert "cache.match(request.url)" in worker  # kept under the whole address, version included
