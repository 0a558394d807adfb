"""The front page: what Hallway is, and the demo event's links when it exists."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import SessionDep
from app.routes.pages.rendering import render
from app.services import events
from app.services.errors import NotFound

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    try:
        demo = events.get_event(session=session, slug="demo")
    except NotFound:
        demo = None
    return render(request, "pages/home.html", {"demo": demo})
