"""The service worker that keeps the wall and the marketplace readable offline (static/js/sw.js).

Served from the root, not /static/: a worker may only control pages under the folder its script is
served from, and the pages it serves are under /e/. It is registered for /e/ only, and says so
(`Service-Worker-Allowed`). Never cached by the browser's HTTP cache: a new version must reach phones
on their next visit (browsers check for one at each navigation in the scope).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter()

SERVICE_WORKER = Path(__file__).resolve().parents[3] / "static" / "js" / "sw.js"
SCOPE = "/e/"


@router.get("/sw.js")
def service_worker() -> FileResponse:
    return FileResponse(
        SERVICE_WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": SCOPE},
    )
