"""Rendering helpers shared by the page routes."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.templating import templates


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def see_other(url: str) -> Response:
    """After a plain form post: back to a page, so that reloading it doesn't post again."""
    return RedirectResponse(url, status_code=303)
