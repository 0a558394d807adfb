"""Faults answered in words: the database gone mid-event gives 503 with Retry-After and a sentence, for the API
and the pages, never a plain 500; and the same request works again once it is back."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from app.config import Settings
from app.db import connect
from app.errors import DATABASE_DOWN
from app.main import create_app
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.factories import Factory


def _close(*sockets: socket.socket) -> None:
    for each in sockets:
        with contextlib.suppress(OSError):
            each.shutdown(socket.SHUT_RDWR)
        each.close()


class _Pipe(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        upstream = socket.create_connection(self.server.upstream)  # type: ignore[attr-defined]
        self.server.open.append((self.request, upstream))  # type: ignore[attr-defined]

        def pump(source: socket.socket, target: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    target.sendall(data)
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

        back = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
        back.start()
        pump(self.request, upstream)
        back.join(timeout=5)
        _close(upstream)


class Link:
    """A TCP link to the database that the test can cut (as a network drop or a database restart would)."""

    def __init__(self, host: str, port: int) -> None:
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Pipe)
        self.server.daemon_threads = True
        self.server.upstream = (host, port)  # type: ignore[attr-defined]
        self.server.open = []  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def cut(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        for client, upstream in self.server.open:  # type: ignore[attr-defined]
            for each in (client, upstream):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)


# A database over the network is PostgreSQL's case (SQLite is a file beside the server): CI sets it up.
pytestmark = pytest.mark.skipif(
    not (POSTGRES_URL or REQUIRE_POSTGRES), reason="TEST_DATABASE_URL is not set (CI sets it)"
)


@pytest.fixture
def cut_off(migrated_postgres: str, tmp_path: Path) -> Iterator[tuple[TestClient, Link, Factory]]:
    database = connect(migrated_postgres)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with database.write_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    url = make_url(migrated_postgres)
    link = Link(url.host or "127.0.0.1", url.port or 5432)
    through = url.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        DATABASE_URL=through,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        public_url="http://testserver",
    )
    with TestClient(create_app(settings)) as client:
        yield client, link, Factory(database)
    database.dispose()


def test_the_database_gone_is_a_503_in_words_for_the_api_and_the_pages(cut_off):
    client, link, factory = cut_off
    factory.event(slug="gathering")
    assert client.get("/api/events/gathering").status_code == 200

    link.cut()
    api = client.get("/api/events/gathering")
    page = client.get("/e/gathering/board")

    assert api.status_code == 503
    assert api.json() == {"detail": DATABASE_DOWN}
    assert api.headers["retry-after"] == "5"
    assert page.status_code == 503
    assert "can&#39;t reach its database just now" in page.text
