"""HALLWAY_LOG_FORMAT=json: one JSON object a line, each with the id of the request it was written for."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.cli import _log_config
from app.logs import REQUEST_ID, JsonLines, WithRequestId
from app.main import create_app

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture
def json_logging() -> Iterator[io.StringIO]:
    """The logging `hallway serve` sets up with HALLWAY_LOG_FORMAT=json, written here; put back after."""
    kept = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level) for name in LOGGERS}
    logging.config.dictConfig(_log_config(quiet_sockets=True, json_lines=True))
    written = io.StringIO()
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(written)
    yield written
    for name, (handlers, level) in kept.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)


def lines(written: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in written.getvalue().splitlines() if line.strip()]


def test_a_line_logged_while_answering_carries_the_answers_request_id(json_logging, settings):
    down = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    client = TestClient(create_app(down))

    response = client.get("/readyz", headers={"X-Request-ID": "proxy-id-42"})
    logged = [line for line in lines(json_logging) if line["logger"] == "app.routes.operations"]

    assert response.status_code == 503 and response.headers["x-request-id"] == "proxy-id-42"
    assert len(logged) == 1
    assert logged[0]["request_id"] == "proxy-id-42"
    assert logged[0]["level"] == "warning"
    assert str(logged[0]["message"]).startswith("readiness: the database does not answer")


def test_the_access_log_line_is_json_with_its_fields_and_no_facilitator_key(json_logging):
    token = REQUEST_ID.set("a1b2c3")
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "10.0.0.7:5123", "GET", "/e/demo/facilitate?key=s3cr3t", "1.1", 303
        )
    finally:
        REQUEST_ID.reset(token)

    (line,) = lines(json_logging)
    assert {k: line[k] for k in ("logger", "request_id", "client", "method", "path", "status")} == {
        "logger": "uvicorn.access",
        "request_id": "a1b2c3",
        "client": "10.0.0.7:5123",
        "method": "GET",
        "path": "/e/demo/facilitate?key=(hidden)",
        "status": 303,
    }
    assert "s3cr3t" not in json.dumps(line)


def test_an_exception_is_one_line_with_its_traceback_inside():
    formatter, stamp = JsonLines(), WithRequestId()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("app.writer", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    stamp.filter(record)

    text = formatter.format(record)

    assert "\n" not in text
    entry = json.loads(text)
    assert (entry["message"], entry["request_id"]) == ("failed here", None)
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_text_logs_stay_as_they_were_unless_json_is_asked():
    plain = _log_config(quiet_sockets=True)

    assert "json" not in plain["formatters"] and "root" not in plain
    assert {h["formatter"] for h in _log_config(quiet_sockets=True, json_lines=True)["handlers"].values()} == {"json"}
