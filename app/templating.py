"""The Jinja2 environment shared by pages, htmx fragments and (later) websocket pushes."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from app.csrf import CSRF_FIELD, csrf_token
from app.static_files import static_url

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _request_context(request: Request) -> dict[str, Any]:
    return {"csrf_token": csrf_token(request), "csrf_field": CSRF_FIELD}


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_request_context])
templates.env.autoescape = True
# `{{ static_url("css/hallway.css") }}`: the file's address with its version, cached for a year (app/static_files.py).
templates.env.globals["static_url"] = static_url
