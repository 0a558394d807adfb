"""HTML pages: server-rendered, phone-first, progressively enhanced with htmx.

Every form works as a plain form post (answered with a redirect, or the page with the error in
place); with htmx, only the changed fragment (a file of templates/partials/) is swapped.
"""

from fastapi import APIRouter

from app.routes.pages import (
    admin,
    attendee,
    board,
    co_conveners,
    constraints,
    export,
    facilitator,
    harvest,
    home,
    notes,
    offline,
    privacy,
    qr,
    schedule,
    similar,
    votes,  # noqa: F401  # its routes go first of all (app/main.py), not on this router
)

router = APIRouter(include_in_schema=False)
for module in (
    home,
    admin,
    attendee,
    co_conveners,
    privacy,
    board,
    facilitator,
    similar,
    notes,
    harvest,
    constraints,
    schedule,
    export,
    qr,
    offline,
):
    router.include_router(module.router)
