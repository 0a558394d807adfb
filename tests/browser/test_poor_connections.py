"""One bar of venue wifi: a tap made while the connection drops is sent again (once) or said plainly not sent,
and the wall and the marketplace stay readable offline once loaded, marked with how old they are."""

from __future__ import annotations

import contextlib
import re

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

WAITING = "No connection: waiting to send… (it goes as soon as the wifi is back)"
SENT_WITHIN_MS = 10_000  # hallway.js tries again every 4 s, and at once when the browser says it is online


def _join(context: BrowserContext, live_server: LiveServer, name: str) -> Page:
    page = context.new_page()
    page.goto(f"{live_server.url}/e/demo")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
    _wait_until_live(page)
    return page


def _wait_until_live(page: Page) -> None:
    expect(page.locator("#live-version")).to_be_attached()
    page.wait_for_function("() => !document.body.classList.contains('offline')")


def _through_the_worker(page: Page) -> None:
    """Once the service worker is active, load the page again: that load goes through it (one that started
    while the worker was being set up is not, and claiming it then does not always reach it)."""
    page.wait_for_function("async () => (await navigator.serviceWorker.ready).active.state === 'activated'")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _votes(live_server: LiveServer, title: str) -> int:
    topics = httpx.get(f"{live_server.url}/api/events/demo/topics").json()
    return int(next(t["votes"] for t in topics if t["title"] == title))


def _ids(live_server: LiveServer) -> dict[str, int]:
    board = httpx.get(f"{live_server.url}/api/events/demo/board").json()
    ids = {t["title"]: t["id"] for t in board["topics"]}
    ids |= {s["label"]: s["id"] for s in board["slots"]}
    return ids


def _answer_lost(page: Page, reached: list[str]) -> None:
    """The next matching request reaches the server, but the connection drops before its answer comes back."""

    def drop(route: Route) -> None:
        route.fetch()
        reached.append(route.request.url)
        route.abort("internetdisconnected")

    page.route("**/*", drop, times=1)


@pytest.mark.browser
def test_a_dot_whose_answer_is_lost_is_sent_again_and_counted_once(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(**PHONE)
    ada = _join(context, live_server, "Ada")
    card = ada.locator("li.topic", has_text="Lightning talks")
    reached: list[str] = []
    _answer_lost(ada, reached)

    card.get_by_role("button", name="Add a dot").click()

    expect(ada.locator("#send-status")).to_have_text(WAITING)
    assert len(reached) == 1 and reached[0].endswith("/vote")  # the dot is in, but the phone doesn't know
    expect(ada.locator("#send-status")).to_have_text("Sent.", timeout=SENT_WITHIN_MS)
    expect(card.get_by_role("button", name="Take back dot")).to_be_visible()
    expect(ada.locator("#dots-left")).to_contain_text("2 of 3 dots left")
    assert _votes(live_server, "Lightning talks") == 1


@pytest.mark.browser
def test_a_proposal_whose_answer_is_lost_is_sent_again_and_made_once(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _join(browser.new_context(**PHONE), live_server, "Ada")
    propose = ada.locator("#propose")
    propose.get_by_text("Write a proposal").click()
    propose.get_by_label("Title").fill("Written on the train")
    reached: list[str] = []
    _answer_lost(ada, reached)

    propose.get_by_role("button", name="Propose").click()

    expect(ada.locator("#send-status")).to_have_text(WAITING)
    expect(propose.get_by_role("status")).to_have_text(
        "Your topic “Written on the train” is on the marketplace.", timeout=SENT_WITHIN_MS
    )
    titles = [t["title"] for t in httpx.get(f"{live_server.url}/api/events/demo/topics").json()]
    assert len(reached) == 1 and titles.count("Written on the train") == 1


@pytest.mark.browser
def test_a_dot_tapped_with_the_connection_cut_for_good_is_said_not_sent(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(**PHONE)
    context.clock.install()
    ada = _join(context, live_server, "Ada")
    card = ada.locator("li.topic", has_text="Lightning talks")

    context.set_offline(True)
    card.get_by_role("button", name="Add a dot").click()
    expect(ada.locator("#send-status")).to_have_text(WAITING)
    expect(card.locator("form")).to_have_attribute("aria-busy", "true")
    ada.clock.fast_forward("02:05")

    expect(ada.locator("#send-status")).to_have_text(
        "Not sent: Add a dot to “Lightning talks”. The connection did not come back in time: "
        "check the wifi, then tap again."
    )
    expect(card.locator("form")).not_to_have_attribute("aria-busy", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    ada.screenshot(path=str(ARTIFACTS / "offline-vote-not-sent-phone.png"))
    context.set_offline(False)
    _wait_until_live(ada)
    ada.clock.fast_forward("00:10")  # past the next try: nothing waits any more, so nothing goes
    expect(card.get_by_role("button", name="Add a dot")).to_be_visible()
    assert _votes(live_server, "Lightning talks") == 0


@pytest.mark.browser
def test_an_im_going_with_no_answer_at_all_is_sent_again_after_the_timeout(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _join(browser.new_context(**PHONE), live_server, "Ada")
    ada.goto(f"{live_server.url}/e/demo/wall")
    _wait_until_live(ada)
    ada.evaluate("() => { htmx.config.timeout = 1000; }")  # 20 s in use: a test need not wait that long
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # one bar of wifi: the request leaves, and nothing ever comes back

    ada.route("**/attend", hold_the_first)

    ada.locator(".cell", has_text="Gardening for beginners").get_by_role("button", name="I'm going").click()

    expect(ada.locator("#send-status")).to_have_text(WAITING)
    expect(ada.locator("#send-status")).to_have_text("Sent.", timeout=SENT_WITHIN_MS)
    expect(ada.locator("#my-day")).to_contain_text("Gardening for beginners")
    board = httpx.get(f"{live_server.url}/api/events/demo/board").json()
    gardening = next(t["id"] for t in board["topics"] if t["title"] == "Gardening for beginners")
    going = next(p["going"] for p in board["placements"] if p["topic_id"] == gardening)
    assert len(held) == 1 and going == 1
    with contextlib.suppress(Exception):
        held[0].abort()


@pytest.mark.browser
def test_an_im_going_waiting_while_its_row_is_redrawn_goes_from_the_new_row(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _join(browser.new_context(**PHONE), live_server, "Ada")
    ada.goto(f"{live_server.url}/e/demo/wall")
    _wait_until_live(ada)
    ada.route("**/attend", lambda route: route.abort("internetdisconnected"), times=1)
    ada.locator(".cell", has_text="Gardening for beginners").get_by_role("button", name="I'm going").click()
    expect(ada.locator("#send-status")).to_have_text(WAITING)
    ids = _ids(live_server)
    bo = live_server.factory.attendee(demo_event, name="Bo")

    # Bo goes to the other session of the same slot: Ada's row is drawn again under her waiting tap.
    went = httpx.put(
        f"{live_server.url}/api/events/demo/slots/{ids['Morning']}/attendance",
        json={"topic_id": ids["Remote work, two years on"]},
        headers=bo.auth,
    )

    assert went.status_code == 200
    expect(ada.locator(".cell", has_text="Remote work, two years on").locator(".going-count")).to_contain_text(
        "1 going"
    )
    expect(ada.locator("#send-status")).to_have_text("Sent.", timeout=SENT_WITHIN_MS)
    expect(ada.locator("#my-day")).to_contain_text("Gardening for beginners")


@pytest.mark.browser
def test_an_im_going_waiting_while_its_session_moves_to_another_slot_is_said_not_sent(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    afternoon = live_server.factory.slot(demo_event, starts="14:00", ends="15:00", label="Afternoon")
    ada = _join(browser.new_context(**PHONE), live_server, "Ada")
    ada.goto(f"{live_server.url}/e/demo/wall")
    _wait_until_live(ada)
    ada.route("**/attend", lambda route: route.abort("internetdisconnected"))  # the taps can't get through
    ada.locator(".cell", has_text="Gardening for beginners").get_by_role("button", name="I'm going").click()
    expect(ada.locator("#send-status")).to_have_text(WAITING)
    ids = _ids(live_server)
    library = next(
        r["id"] for r in httpx.get(f"{live_server.url}/api/events/demo/board").json()["rooms"] if r["name"] == "Library"
    )

    moved = httpx.put(
        f"{live_server.url}/api/events/demo/topics/{ids['Gardening for beginners']}/placement",
        json={"room_id": library, "slot_id": afternoon.id},
        headers=demo_event.auth,
    )

    assert moved.status_code == 200
    expect(ada.locator("#send-status")).to_have_text(
        "Not sent: I'm going to “Gardening for beginners”. That part of the page changed meanwhile: "
        "check it, then tap again.",
        timeout=SENT_WITHIN_MS,
    )
    expect(ada.locator("#my-day")).not_to_contain_text("Gardening for beginners")


@pytest.mark.browser
def test_the_wall_with_my_day_stays_readable_offline_and_says_how_old_it_is(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(**PHONE)
    ada = _join(context, live_server, "Ada")
    ada.goto(f"{live_server.url}/e/demo/wall")
    ada.locator(".cell", has_text="Gardening for beginners").get_by_role("button", name="I'm going").click()
    expect(ada.locator("#my-day")).to_contain_text("Gardening for beginners")
    _through_the_worker(ada)  # it keeps a copy
    _wait_until_live(ada)

    context.set_offline(True)
    ada.reload()

    expect(ada.locator("#offline-copy")).to_have_text(
        re.compile(r"^Offline: showing the wall as of \d\d:\d\d \(less than a minute ago\)\.")
    )
    expect(ada.locator("#my-day")).to_contain_text("Gardening for beginners")
    expect(ada.locator(".cell", has_text="Gardening for beginners")).to_have_class(re.compile(r"\bgoing\b"))
    ARTIFACTS.mkdir(exist_ok=True)
    ada.screenshot(path=str(ARTIFACTS / "offline-wall-phone.png"), full_page=False)
    context.set_offline(False)
    expect(ada.locator("#offline-copy")).to_be_hidden(timeout=SENT_WITHIN_MS)  # it loads itself afresh


@pytest.mark.browser
def test_the_service_worker_keeps_only_the_wall_and_the_marketplace(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    context = browser.new_context(**PHONE)
    ada = _join(context, live_server, "Ada")
    _through_the_worker(ada)
    topic = _ids(live_server)["Gardening for beginners"]

    for path in ("/e/demo", "/e/demo?sort=newest", "/e/demo/wall", f"/e/demo/topics/{topic}/notes", "/e/demo/board"):
        ada.goto(live_server.url + path)
        _wait_until_live(ada)
    ada.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
    ada.get_by_role("heading", level=1).first.wait_for()

    kept = ada.evaluate(
        """async () => {
             const names = (await caches.keys()).filter(name => name.startsWith('hallway-pages-'));
             const pages = await caches.open(names[0]);
             const urls = (await pages.keys()).map(request => new URL(request.url));
             return {names, urls: urls.map(url => url.pathname + url.search)};
           }"""
    )
    assert kept == {"names": ["hallway-pages-v1"], "urls": ["/e/demo", "/e/demo/wall"]}


@pytest.mark.browser
def test_the_service_worker_keeps_a_few_pages_and_drops_the_caches_of_its_old_versions(
    browser: Browser, live_server: LiveServer
):
    walls = [live_server.factory.event(slug=f"day-{n}") for n in range(10)]
    reader = browser.new_context(**PHONE).new_page()
    reader.goto(f"{live_server.url}/")
    reader.evaluate("async () => { await (await caches.open('hallway-pages-v0')).put('/e/old', new Response('old')); }")

    reader.goto(f"{live_server.url}/e/day-0/wall")  # anyone may read a wall without joining
    reader.wait_for_function("async () => (await navigator.serviceWorker.ready).active.state === 'activated'")
    for event in walls[1:]:  # day-0's own load came before the worker: not kept
        reader.goto(f"{live_server.url}/e/{event.event.slug}/wall")
    reader.goto(f"{live_server.url}/e/day-9/wall")  # kept again: the newest

    kept = reader.evaluate(
        """async () => ({names: (await caches.keys()).filter(name => name.includes('-pages-')),
                          urls: (await (await caches.open('hallway-pages-v1')).keys())
                                  .map(request => new URL(request.url).pathname)})"""
    )
    assert kept["names"] == ["hallway-pages-v1"]
    assert kept["urls"] == [f"/e/day-{n}/wall" for n in (2, 3, 4, 5, 6, 7, 8, 9)]
