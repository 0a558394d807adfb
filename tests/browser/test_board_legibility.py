"""The venue screen read from the back row: type and QR sizes measured in the page, at a projector's 1280x720
and a 1080p screen, for walls of 4, 6 and 12 rooms (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from app.models import SlotKind
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.browser.test_live_wall import _no_overflow

SCREENS = ((1280, 720), (1920, 1080))
# The smallest title on the wall: what the back row of a hall reads on a weak projector.
SMALLEST_TITLE = {4: 24, 6: 24, 12: 16}


def _wall(live_server: LiveServer, rooms: int) -> None:
    factory = live_server.factory
    event = factory.event(slug=f"hall-{rooms}", name="Community Tech Open Space")
    placed_in = [factory.room(event, name=f"Room {n}", capacity=30) for n in range(1, rooms + 1)]
    slots = [
        factory.slot(event, starts=f"{9 + n:02d}:00", ends=f"{9 + n:02d}:50", label=f"Round {n}") for n in range(7)
    ]
    slots.append(factory.slot(event, starts="17:00", ends="17:30", label="Closing circle", kind=SlotKind.plenary))
    convener = factory.attendee(event, name="Maximiliana Wolkenstein")
    for s, slot in enumerate(slots[:7]):
        for r, room in enumerate(placed_in):
            title = f"Who owns community data when the project ends? ({s}.{r})"
            factory.place(event, factory.topic(event, convener if (s, r) == (0, 0) else None, title=title), room, slot)


@pytest.mark.browser
@pytest.mark.parametrize("rooms", sorted(SMALLEST_TITLE))
def test_board_titles_and_qr_code_read_from_the_back_row(browser: Browser, live_server: LiveServer, rooms: int):
    _wall(live_server, rooms)
    for width, height in SCREENS:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{live_server.url}/e/hall-{rooms}/board")
        page.locator("body").evaluate("body => body.setAttribute('data-mode', 'wall')")

        sizes = page.eval_on_selector_all(
            ".b-row:not(.past):not(.later) .b-cell .b-title",
            "titles => titles.filter(t => t.offsetParent).map(t => parseFloat(getComputedStyle(t).fontSize))",
        )
        lines = page.eval_on_selector_all(
            ".b-cell .b-title", "titles => titles.map(t => getComputedStyle(t).webkitLineClamp)"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"board-{rooms}-rooms-{width}x{height}.png"))
        assert sizes and min(sizes) >= SMALLEST_TITLE[rooms], (width, height, min(sizes))
        assert set(lines) == {"2"}  # titles wrap to two lines
        assert _no_overflow(page) == {"scrollX": False, "scrollY": False, "spilled": 0, "offscreen": 0}
        expect(page.locator(".b-legend")).to_be_visible()
        expect(page.locator(".b-row.later").first).to_be_hidden()
        expect(page.locator("#board-later")).to_have_text("…and 3 more slots later")

        page.locator("body").evaluate("body => body.setAttribute('data-mode', 'join')")
        qr = page.locator(".b-join-mode img").bounding_box()
        page.screenshot(path=str(ARTIFACTS / f"board-join-{width}x{height}.png"))
        assert qr is not None and qr["height"] >= height / 3, (width, height, qr)
        expect(page.locator(".b-join-link")).to_be_visible()

        page.locator("body").evaluate("body => body.setAttribute('data-mode', 'now')")
        page.screenshot(path=str(ARTIFACTS / f"board-now-{rooms}-rooms-{width}x{height}.png"))
        context.close()
