"""The facilitator places a topic on the laptop; the venue screen and an attendee's phone show it live.

Three browser contexts on one real server: a facilitator laptop, an attendee phone and the board.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import APIResponse, Browser, Page, Route, WebSocketRoute, expect

from app.models import SlotKind
from app.services import placements
from app.services.actors import Actor
from app.writer import write_now
from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
LIVE = 1000  # ms: a change must reach every open page within a second


def _no_overflow(page: Page) -> dict:
    """What overflows on the board: the page itself, and any cell whose text spills out of it."""
    return page.evaluate(
        """() => {
          const doc = document.documentElement;
          const spilled = [...document.querySelectorAll('.b-cell, .b-room, .b-time')].filter(cell => {
            const box = cell.getBoundingClientRect();
            return [...cell.children].some(child => {
              const inner = child.getBoundingClientRect();
              const cut = getComputedStyle(child).overflow === 'hidden';
              return inner.right > box.right + 1 || (inner.bottom > box.bottom + 1 && !cut);
            });
          }).length;
          const rows = [...document.querySelectorAll('.b-row')];
          const offscreen = rows.filter(row => row.getBoundingClientRect().bottom > innerHeight + 1).length;
          return {scrollX: doc.scrollWidth > innerWidth, scrollY: doc.scrollHeight > innerHeight, spilled, offscreen};
        }"""
    )


def test_placement_on_the_laptop_reaches_the_board_and_the_phone_within_a_second(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    factory.topic(demo_event, None, title="Late idea")
    afternoon = factory.slot(demo_event, starts="14:00", ends="15:00", label="Afternoon")
    board_row = f"#board-cell-{garden.id}-"
    laptop = browser.new_context(**LAPTOP)
    phone = browser.new_context(**PHONE)
    screen = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        facilitator = laptop.new_page()
        facilitator.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
        facilitator.wait_for_url(f"{live_server.url}/e/demo/facilitate")
        facilitator.wait_for_load_state("networkidle")
        facilitator.goto(f"{live_server.url}/e/demo/wall")
        attendee = phone.new_page()
        attendee.goto(f"{live_server.url}/e/demo")
        attendee.get_by_label("Your name").fill("Ada")
        attendee.get_by_role("button", name="Join").click()
        expect(attendee.get_by_role("heading", name="Marketplace")).to_be_visible()
        attendee.wait_for_load_state("networkidle")
        attendee.goto(f"{live_server.url}/e/demo/wall")
        board = screen.new_page()
        board.goto(f"{live_server.url}/e/demo/board")
        for page in (facilitator, attendee, board):
            page.wait_for_function(
                "() => document.getElementById('live-status') && document.getElementById('live-status').hidden"
            )
        board.wait_for_timeout(300)  # the sockets are open

        facilitator.locator("#wall-tray .tray-item", has_text="Lightning talks").click()
        free_cell = facilitator.locator(f".cell[data-room='{garden.id}']").first  # Morning: the one session slot
        free_cell.click()

        expect(facilitator.locator("#wall-message")).to_have_text("Placed.")
        expect(board.locator(f"{board_row}" + free_cell.get_attribute("data-slot"))).to_contain_text(
            "Lightning talks", timeout=LIVE
        )
        expect(attendee.locator(f"#cell-{garden.id}-{free_cell.get_attribute('data-slot')}")).to_contain_text(
            "Lightning talks", timeout=LIVE
        )
        expect(facilitator.locator("#wall-tray")).not_to_contain_text("Lightning talks")

        # The attendee goes; the facilitator moves the session to the afternoon; their day follows.
        attendee.get_by_role("button", name="I'm going to “Lightning talks”").click()
        my_day = attendee.locator("#my-day")
        expect(my_day).to_contain_text("Lightning talks · Garden")
        facilitator.locator(".cell .card", has_text="Lightning talks").click()
        facilitator.locator(f"#cell-{garden.id}-{afternoon.id}").click()
        expect(my_day.locator("li", has_text="Lightning talks")).to_contain_text("14:00", timeout=2 * LIVE)

        # A refusal is said in place: the taken cell of the Main hall.
        facilitator.locator("#wall-tray .tray-item", has_text="Late idea").click()
        facilitator.locator(".cell.taken", has_text="Remote work").click()
        expect(facilitator.locator("#wall-message")).to_contain_text("already has")

        # The facilitator keeps the board on "now and next", then on the wall: it follows without a reload.
        for mode in ("now", "wall"):
            facilitator.request.patch(
                f"{live_server.url}/api/events/demo",
                data={"board_mode": mode},
                headers={"Authorization": f"Bearer {demo_event.key}"},
            )
            expect(board.locator("body")).to_have_attribute("data-mode", mode, timeout=3 * LIVE)
        ARTIFACTS.mkdir(exist_ok=True)
        board.screenshot(path=str(ARTIFACTS / "board-1920x1080.png"))
        assert _no_overflow(board) == {"scrollX": False, "scrollY": False, "spilled": 0, "offscreen": 0}
    finally:
        for context in (laptop, phone, screen):
            context.close()


def test_board_with_twelve_rooms_and_eight_slots_fits_the_screen(browser: Browser, live_server: LiveServer):
    factory = live_server.factory
    event = factory.event(slug="big", name="A very long gathering name that goes on and on and on")
    rooms = [factory.room(event, name=f"Room number {n} with a long name", capacity=20) for n in range(1, 13)]
    slots = [factory.slot(event, starts=f"{9 + n:02d}:00", ends=f"{9 + n:02d}:50", label=f"Slot {n}") for n in range(7)]
    slots.append(factory.slot(event, starts="17:00", ends="17:30", label="Closing circle", kind=SlotKind.plenary))
    convener = factory.attendee(event, name="Maximiliana Wolkenstein-Oberhausen")
    for slot_index, slot in enumerate(slots[:7]):
        for room in rooms:
            topic = factory.topic(
                event,
                convener if slot_index == 0 and room is rooms[0] else None,
                title=(f"A deliberately long session title about {room.name} in slot {slot_index} " * 2)[:120],
            )
            factory.place(event, topic, room, slot)
    try:
        for width, height in ((1920, 1080), (1280, 720)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{live_server.url}/e/big/board")
            page.locator("body").evaluate("body => body.setAttribute('data-mode', 'wall')")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"board-12x8-{width}x{height}.png"))
            assert _no_overflow(page) == {"scrollX": False, "scrollY": False, "spilled": 0, "offscreen": 0}, (
                width,
                height,
            )
            context.close()
    finally:
        pass


def test_facilitator_drags_topics_onto_the_wall_swaps_and_takes_one_off(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    laptop = browser.new_context(**LAPTOP)
    try:
        page = laptop.new_page()
        page.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
        page.wait_for_url(f"{live_server.url}/e/demo/facilitate")
        page.goto(f"{live_server.url}/e/demo/wall")
        page.wait_for_function("() => document.querySelector('.tray-item[draggable=true]') !== null")
        garden_cell = page.locator(f".cell[data-room='{garden.id}']").first
        message = page.locator("#wall-message")

        page.locator(".tray-item", has_text="Lightning talks").drag_to(garden_cell)
        expect(message).to_have_text("Placed.")
        expect(garden_cell).to_contain_text("Lightning talks")

        remote = page.locator(".cell .card", has_text="Remote work")
        page.locator(".cell .card", has_text="Lightning talks").drag_to(remote)
        expect(message).to_have_text("Swapped.")
        expect(page.locator(f".cell[data-room='{garden.id}']").first).to_contain_text("Remote work")

        page.locator(".cell .card", has_text="Lightning talks").drag_to(page.locator("#wall-tray"))
        expect(message).to_have_text("Taken off the wall.")
        expect(page.locator("#wall-tray")).to_contain_text("Lightning talks")
    finally:
        laptop.close()


# Notes, on every page of the laptop, the versions of the websocket messages as they come (drawn or not).
WATCH_MESSAGES = """
  window.messageVersions = [];
  document.addEventListener("htmx:wsOpen", () => { window.socketOpen = true; });
  document.addEventListener("htmx:wsBeforeMessage", event => {
    const found = /id="live-version" data-version="(\\d+)"/.exec(event.detail.message);
    if (found) window.messageVersions.push(Number(found[1]));
  });
"""


def _open_the_wall_live(page: Page, live_server: LiveServer, demo_event: EventWithKey) -> None:
    """As the facilitator, on the wall, its websocket open and the topics ready to pick up."""
    page.add_init_script(WATCH_MESSAGES)
    page.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
    page.wait_for_url(f"{live_server.url}/e/demo/facilitate")
    page.goto(f"{live_server.url}/e/demo/wall")
    page.wait_for_function("() => window.socketOpen && document.querySelector('.tray-item[draggable=true]')")


def test_a_change_by_someone_else_waits_while_the_facilitator_holds_a_topic(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    """Drawing the wall anew under a held card would drop the drag: the update waits for the release."""
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    late = factory.topic(demo_event, None, title="Late idea")
    api = httpx.Client(base_url=f"{live_server.url}/api/events/demo", headers=demo_event.auth)
    laptop = browser.new_context(**LAPTOP)
    try:
        page = laptop.new_page()
        _open_the_wall_live(page, live_server, demo_event)
        garden_cell = page.locator(f".cell[data-room='{garden.id}']").first
        slot_id = int(garden_cell.get_attribute("data-slot") or 0)
        message = page.locator("#wall-message")
        gardening = page.locator(".cell .card", has_text="Gardening")

        # Pressed, not dragged: someone else places a topic meanwhile; it shows once the button is released.
        gardening.evaluate("card => { window.heldCard = card; }")
        gardening.hover()
        page.mouse.down()
        api.put(f"/topics/{late.id}/placement", json={"room_id": garden.id, "slot_id": slot_id}).raise_for_status()
        page.wait_for_function("() => window.messageVersions.length >= 1")
        assert page.evaluate("() => window.heldCard.isConnected"), "the held card was drawn anew"
        expect(garden_cell).not_to_contain_text("Late idea")
        page.mouse.up()
        expect(garden_cell).to_contain_text("Late idea")
        page.keyboard.press("Escape")  # the press was a click, which picked the topic: put it down

        # Dragged: someone else takes a session off meanwhile; the drag still lands on the tray.
        remote_id = page.locator(".cell .card", has_text="Remote work").get_attribute("data-topic")
        seen = page.evaluate("() => window.messageVersions.length")
        gardening.evaluate("card => { window.heldCard = card; }")
        gardening.hover()
        page.mouse.down()
        api.delete(f"/topics/{remote_id}/placement").raise_for_status()
        page.wait_for_function(f"() => window.messageVersions.length > {seen}")
        assert page.evaluate("() => window.heldCard.isConnected"), "the dragged card was drawn anew"
        tray = page.locator("#wall-tray").bounding_box()
        assert tray is not None
        page.mouse.move(tray["x"] + tray["width"] / 2, tray["y"] + 20, steps=5)
        page.mouse.up()
        expect(message).to_have_text("Taken off the wall.")
        expect(page.locator("#wall-tray")).to_contain_text("Gardening for beginners")
        expect(page.locator("#wall-tray")).to_contain_text("Remote work")
    finally:
        laptop.close()
        api.close()


def test_the_websocket_message_for_the_placers_own_change_is_not_drawn_over_the_answer(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    """The answer to a placement carries the wall at its version; the same wall by websocket is not drawn again."""
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    factory.topic(demo_event, None, title="Late idea")
    laptop = browser.new_context(**LAPTOP)
    held: list[str | bytes] = []
    sockets: list[WebSocketRoute] = []

    def hold_server_messages(socket: WebSocketRoute) -> None:
        # The websocket is made slower than the answer, as on a loaded venue network, deterministically.
        sockets.append(socket)
        socket.connect_to_server().on_message(lambda message: held.append(message))

    try:
        page = laptop.new_page()
        page.route_web_socket(re.compile(r"/ws/events/"), hold_server_messages)
        _open_the_wall_live(page, live_server, demo_event)
        held.clear()

        page.locator(".tray-item", has_text="Late idea").click()
        garden_cell = page.locator(f".cell[data-room='{garden.id}']").first
        cell_id = garden_cell.get_attribute("id")
        garden_cell.click()
        expect(page.locator("#wall-message")).to_have_text("Placed.")
        expect(garden_cell).to_contain_text("Late idea")
        page.evaluate(f"() => {{ window.answeredCell = document.getElementById('{cell_id}'); }}")
        for _ in range(100):  # the server sends its message for this change within its 250 ms tick
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the server sent no websocket message for the placement"
        for message in held:
            sockets[-1].send(message)
        page.wait_for_function(f"() => window.messageVersions.length >= {len(held)}")

        shown = int(page.locator("#live-version").get_attribute("data-version") or 0)
        assert page.evaluate("() => window.messageVersions.at(-1)") == shown
        assert page.evaluate(f"() => document.getElementById('{cell_id}') === window.answeredCell"), "drawn twice"
    finally:
        laptop.close()


def test_an_answer_older_than_the_wall_shown_leaves_the_wall_alone(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    """The answer to a placement, held back until someone else's later change has been drawn, must not
    put the older wall back: only its message is shown."""
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    afternoon = factory.slot(demo_event, starts="14:00", ends="15:00", label="Afternoon")
    factory.topic(demo_event, None, title="Late idea")
    other = factory.topic(demo_event, None, title="Other idea")
    api = httpx.Client(base_url=f"{live_server.url}/api/events/demo", headers=demo_event.auth)
    laptop = browser.new_context(**LAPTOP)
    held: list[tuple[Route, APIResponse]] = []

    def hold_the_answer(route: Route) -> None:
        held.append((route, route.fetch()))  # the server has answered; the page does not have it yet

    try:
        page = laptop.new_page()
        _open_the_wall_live(page, live_server, demo_event)
        page.route("**/e/demo/wall/place", hold_the_answer)
        morning_cell = page.locator(f".cell[data-room='{garden.id}']").first
        afternoon_cell = page.locator(f"#cell-{garden.id}-{afternoon.id}")

        page.locator(".tray-item", has_text="Late idea").click()
        morning_cell.click()
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the placement was not sent"
        api.put(
            f"/topics/{other.id}/placement", json={"room_id": garden.id, "slot_id": afternoon.id}
        ).raise_for_status()
        expect(afternoon_cell).to_contain_text("Other idea")  # by websocket: the page is ahead of the answer
        expect(morning_cell).to_contain_text("Late idea")
        route, answer = held[0]
        route.fulfill(response=answer)

        expect(page.locator("#wall-message")).to_have_text("Placed.")
        expect(afternoon_cell).to_contain_text("Other idea")
        expect(morning_cell).to_contain_text("Late idea")
    finally:
        laptop.close()
        api.close()


@pytest.mark.parametrize("page_is_ahead", [False, True], ids=["behind", "ahead"])
def test_pages_say_they_are_reconnecting_and_catch_up_after_a_server_restart(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey, page_is_ahead: bool
):
    """Ahead: the page shows a version the event never reached (as after the event was made anew from an
    export); the server's snapshot, numbered lower, must still be drawn."""
    factory = live_server.factory
    garden = factory.room(demo_event, name="Garden", capacity=15)
    late = factory.topic(demo_event, None, title="Late idea")
    phone = browser.new_context(**PHONE)
    try:
        page = phone.new_page()
        page.goto(f"{live_server.url}/e/demo/wall")
        status = page.locator("#live-status")
        page.wait_for_function("() => document.getElementById('live-status').hidden")

        if page_is_ahead:
            page.evaluate("() => document.getElementById('live-version').setAttribute('data-version', '999999')")
        live_server.stop()  # a deploy: every socket closes
        expect(status).to_be_visible(timeout=5000)
        expect(status).to_have_text("Reconnecting…")
        # The wall changes while this page is away.
        slot_id = int(page.locator(f".cell[data-room='{garden.id}']").first.get_attribute("data-slot"))
        write_now(  # as a command would, with the server down: the board version advances with it
            factory.database,
            lambda session: placements.place_topic(
                session=session,
                event_id=demo_event.id,
                actor=Actor.facilitator(demo_event.id),
                topic_id=late.id,
                room_id=garden.id,
                slot_id=slot_id,
            ),
        )
        live_server.start()

        expect(page.locator(f"#cell-{garden.id}-{slot_id}")).to_contain_text("Late idea", timeout=10_000)
        expect(status).to_be_hidden()
    finally:
        phone.close()
