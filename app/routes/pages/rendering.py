"""How the page routes answer: a whole page, a redirect after a plain post, or partials for htmx.

One way for every page: `wants_fragment` decides, `fragments` puts several partials into one htmx answer
(the first swaps into the request's target, the others carry `hx-swap-oob` because their context says
`oob`), and `flash` carries a message across the redirect that answers a plain form post.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.i18n import translated
from app.templating import templates

FLASH_KEY = "flash"

Part = tuple[str, Mapping[str, Any]]


def wants_fragment(request: Request) -> bool:
    """An htmx request, answered with partials; htmx's history restore (a GET) wants the whole page."""
    headers = request.headers
    return headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    return templates.TemplateResponse(request, template, dict(context), status_code=status_code, headers=headers)


def swapped(target: str, *out_of_band: str, context: Mapping[str, Any]) -> list[Part]:
    """The parts of an answer that share one context: `target` in place, the others out of band."""
    return [(target, context), *((name, {**context, "oob": True}) for name in out_of_band)]


def fragments(
    request: Request,
    parts: Sequence[Part],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    retarget: str | None = None,
) -> HTMLResponse:
    """Partials in one htmx answer, each rendered as a page would be (with the CSRF token).

    `retarget` replaces the element with that selector instead of the request's own target.
    """
    # Rendered straight from the templates, not through a response object each: a hall's taps are answered
    # with two partials each (measured with bench/vote_storm.py --via page).
    page_context: dict[str, Any] = {"request": request}
    for processor in templates.context_processors:
        page_context.update(processor(request))
    body = "".join(templates.get_template(name).render({**context, **page_context}) for name, context in parts)
    answer_headers = dict(headers or {})
    if retarget is not None:
        answer_headers.update({"HX-Retarget": retarget, "HX-Reswap": "outerHTML"})
    return HTMLResponse(body.encode(), status_code=status_code, headers=answer_headers)


def see_other(url: str) -> Response:
    """After a plain form post: back to a page, so that reloading it doesn't post again."""
    return RedirectResponse(url, status_code=303)


def flash(request: Request, message: str) -> None:
    """A message for the page a plain form post is redirected to, shown there once.

    Kept in the session cookie as words, not as a message to look up: said now, in the reader's language."""
    request.session[FLASH_KEY] = translated(message)


def pop_flash(request: Request) -> str | None:
    return request.session.pop(FLASH_KEY, None) if FLASH_KEY in request.session else None
