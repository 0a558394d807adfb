"""Two phones and the venue screen: one person's vote reaches the others' marketplace and the board within a
second, and the facilitator's announcement reaches them all at once; each phone can dismiss it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PHONE, LiveServer
from tests.factories import EventWithKey

LIVE_WITHIN_MS = 1000


def _join(browser: Browser, live_server: LiveServer, name: str) -> Page:
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/e/demo")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
    expect(page.locator("#live-version")).to_be_attached()
    page.wait_for_function("() => !document.body.classList.contains('offline')")
    return page


def _board(browser: Browser, live_server: LiveServer) -> Page:
    board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board.goto(f"{live_server.url}/e/demo/board")
    return board


@pytest.mark.browser
def test_a_vote_on_one_phone_reaches_the_other_phone_and_the_board_within_a_second(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada, bo = _join(browser, live_server, "Ada"), _join(browser, live_server, "Bo")
    board = _board(browser, live_server)
    lightning = bo.locator("li.topic", has_text="Lightning talks")
    expect(lightning.locator(".meta")).to_contain_text("0 dots")

    ada.locator("li.topic", has_text="Lightning talks").get_by_role("button", name="Add a dot").click()

    expect(lightning.locator(".meta")).to_contain_text("1 dot", timeout=LIVE_WITHIN_MS)
    on_board = board.locator("#board-top li", has_text="Lightning talks").locator(".b-votes")
    expect(on_board).to_have_text("1", timeout=LIVE_WITHIN_MS)
    expect(bo.locator("#dots-left")).to_contain_text("3 of 3 dots left")  # Bo's own dots are his alone


@pytest.mark.browser
def test_an_announcement_reaches_the_board_and_every_phone_and_each_may_dismiss_it(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada, bo = _join(browser, live_server, "Ada"), _join(browser, live_server, "Bo")
    bo.goto(f"{live_server.url}/e/demo/wall")
    board = _board(browser, live_server)
    expect(ada.locator("#announcement")).to_be_hidden()

    said = httpx.post(
        f"{live_server.url}/api/events/demo/announcements",
        json={"text": "Lunch is in the garden"},
        headers=demo_event.auth,
    )

    assert said.status_code == 201
    for page in (ada, bo, board):
        expect(page.locator("#announcement")).to_contain_text("Lunch is in the garden", timeout=LIVE_WITHIN_MS)
        expect(page.locator("#announcement")).to_be_visible()
    expect(ada.locator("#live-announcer")).to_have_text("Announcement: Lunch is in the garden")
    ARTIFACTS.mkdir(exist_ok=True)
    ada.screenshot(path=str(ARTIFACTS / "announcement-phone.png"))
    board.screenshot(path=str(ARTIFACTS / "announcement-board-1280x720.png"))

    ada.get_by_role("button", name="Dismiss the announcement").click()
    expect(ada.locator("#announcement")).to_be_hidden()
    ada.reload()
    expect(ada.locator("#announcement")).to_be_hidden()  # dismissed on this phone, for good
    expect(bo.locator("#announcement")).to_be_visible()  # not on the other one

    httpx.post(
        f"{live_server.url}/api/events/demo/announcements", json={"text": "Room 2 moved"}, headers=demo_event.auth
    )
    expect(ada.locator("#announcement")).to_contain_text("Room 2 moved", timeout=LIVE_WITHIN_MS)
    expect(ada.locator("#announcement")).to_be_visible()  # a newer one shows again


@pytest.mark.browser
def test_a_dot_added_while_offline_waits_and_is_sent_once_when_the_connection_returns(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _join(browser, live_server, "Ada")
    card = ada.locator("li.topic", has_text="Lightning talks")

    ada.context.set_offline(True)
    card.get_by_role("button", name="Add a dot").click()
    expect(ada.locator("#send-status")).to_have_text(
        "No connection: waiting to send… (it goes as soon as the wifi is back)"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    ada.screenshot(path=str(ARTIFACTS / "offline-vote-waiting-phone.png"))
    ada.context.set_offline(False)

    expect(ada.locator("#send-status")).to_have_text("Sent.", timeout=10_000)
    expect(card.get_by_role("button", name="Take back dot")).to_be_visible()
    expect(ada.locator("#dots-left")).to_contain_text("2 of 3 dots left")
    counts = {t["title"]: t["votes"] for t in httpx.get(f"{live_server.url}/api/events/demo/topics").json()}
    assert counts["Lightning talks"] == 1


@pytest.mark.browser
def test_a_proposal_made_offline_is_sent_once_when_the_connection_returns(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _join(browser, live_server, "Ada")
    propose = ada.locator("#propose")
    propose.get_by_text("Write a proposal").click()
    propose.get_by_label("Title").fill("Written on the train")

    ada.context.set_offline(True)
    propose.get_by_role("button", name="Propose").click()
    expect(ada.locator("#send-status")).to_contain_text("waiting to send")
    ada.context.set_offline(False)

    expect(propose.get_by_role("status")).to_have_text(
        "Your topic “Written on the train” is on the marketplace.", timeout=10_000
    )
    titles = [t["title"] for t in httpx.get(f"{live_server.url}/api/events/demo/topics").json()]
    assert titles.count("Written on the train") == 1


@pytest.mark.browser
def test_a_session_someone_goes_to_moves_and_their_wall_says_where(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    ada = _join(browser, live_server, "Ada")
    ada.goto(f"{live_server.url}/e/demo/wall")
    ada.locator(".cell", has_text="Gardening for beginners").get_by_role("button", name="I'm going").click()
    expect(ada.locator("#my-day")).to_contain_text("Gardening for beginners")
    board = httpx.get(f"{live_server.url}/api/events/demo/board").json()
    hall = next(r["id"] for r in board["rooms"] if r["name"] == "Main hall")
    gardening = next(t["id"] for t in board["topics"] if t["title"] == "Gardening for beginners")
    remote = next(t["id"] for t in board["topics"] if t["title"] == "Remote work, two years on")
    morning = next(s["id"] for s in board["slots"] if s["label"] == "Morning")
    auth = demo_event.auth
    httpx.delete(f"{live_server.url}/api/events/demo/topics/{remote}/placement", headers=auth)

    moved = httpx.put(
        f"{live_server.url}/api/events/demo/topics/{gardening}/placement",
        json={"room_id": hall, "slot_id": morning},
        headers=auth,
    )

    assert moved.status_code == 200
    expect(ada.locator("#day-notice")).to_have_text(
        "“Gardening for beginners” moved: it is now in Main hall at 10:00.", timeout=5000
    )
    expect(ada.locator("#live-announcer")).to_have_text(
        "Your session “Gardening for beginners” moved to Main hall at 10:00."
    )


@pytest.mark.browser
def test_the_phone_wall_opens_at_the_slot_running_now_and_marks_it(browser: Browser, live_server: LiveServer):
    london_now = datetime.now(ZoneInfo("Europe/London")).replace(tzinfo=None, second=0, microsecond=0)
    factory = live_server.factory
    # The days of the slots below: one, unless five hours ago was yesterday.
    first, last = (london_now - timedelta(minutes=300)).date(), (london_now + timedelta(minutes=120)).date()
    demo_event = factory.event(slug="demo", name="Demo Unconference", first_day=first, days=(last - first).days + 1)
    room = factory.room(demo_event, name="Studio", capacity=20)
    made = {}
    for name, start, length in (("Earlier", -300, 60), ("Before", -200, 60), ("Current", -30, 60), ("After", 60, 60)):
        starts = london_now + timedelta(minutes=start)
        slot = httpx.post(
            f"{live_server.url}/api/events/demo/slots",
            json={
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=length)).isoformat(),
                "label": name,
            },
            headers=demo_event.auth,
        )
        assert slot.status_code == 201, slot.text
        made[name] = slot.json()["id"]
        topic = factory.topic(demo_event, None, title=f"{name} session")
        httpx.put(
            f"{live_server.url}/api/events/demo/topics/{topic.id}/placement",
            json={"room_id": room.id, "slot_id": made[name]},
            headers=demo_event.auth,
        )
    ada = _join(browser, live_server, "Ada")

    ada.goto(f"{live_server.url}/e/demo/wall")

    current = ada.locator(f"#row-{made['Current']}")
    expect(current).to_have_class(re.compile(r"\bnow\b"))
    expect(current.locator(".now-mark")).to_be_visible()
    expect(ada.locator(f"#row-{made['After']} .now-mark")).to_be_hidden()
    expect(ada.locator(f'.slot-jump a[href="#row-{made["Current"]}"]')).to_have_attribute("aria-current", "time")
    top = current.bounding_box()
    at_bottom = ada.evaluate("() => Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight")
    assert top is not None and (top["y"] < 120 or at_bottom), top  # opened at now, not at the top of the day
    assert ada.evaluate("() => scrollY") > 0
    ARTIFACTS.mkdir(exist_ok=True)
    ada.screenshot(path=str(ARTIFACTS / "phone-wall-now.png"))

    earlier = ada.locator(f'.slot-jump a[href="#row-{made["Earlier"]}"]')
    if earlier.count():
        earlier.click()
    else:  # yesterday's, folded with its day (whose times the list leaves out): its day's name opens it
        ada.locator(".slot-jump .day-jump").first.click()
    expect(ada.locator(f"#row-{made['Earlier']}")).to_be_in_viewport()


@pytest.mark.browser
def test_a_topic_proposed_on_a_phone_arrives_on_the_open_facilitator_page(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    laptop = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    laptop.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
    laptop.wait_for_url(f"{live_server.url}/e/demo/facilitate")
    laptop.goto(f"{live_server.url}/e/demo/facilitate/moderation")
    laptop.wait_for_function("() => !document.body.classList.contains('offline')")
    ada = live_server.factory.attendee(demo_event, name="Ada")

    made = httpx.post(
        f"{live_server.url}/api/events/demo/topics", json={"title": "Arrived while you watched"}, headers=ada.auth
    )

    assert made.status_code == 201
    expect(laptop.locator("#facilitate-topics")).to_contain_text("Arrived while you watched", timeout=5000)


@pytest.mark.browser
def test_the_facilitator_merges_a_duplicate_by_typing_a_few_words_of_the_other(
    browser: Browser, live_server: LiveServer, demo_event: EventWithKey
):
    factory = live_server.factory
    duplicate = factory.topic(demo_event, None, title="Remote working")
    laptop = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    laptop.goto(f"{live_server.url}/e/demo/facilitate?key={demo_event.key}")
    laptop.wait_for_url(f"{live_server.url}/e/demo/facilitate")
    laptop.goto(f"{live_server.url}/e/demo/facilitate/moderation")
    field = laptop.get_by_label("Merge “Remote working” into (type a few words of the other topic's title)")

    field.fill("two years")
    suggestion = laptop.locator(f"#merge-options-{duplicate.id} option")
    expect(suggestion).to_have_count(1)
    field.fill(suggestion.get_attribute("value") or "")
    asked: list[str] = []
    laptop.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    laptop.locator(f"#topic-{duplicate.id}").get_by_role("button", name="Merge").click()

    expect(laptop.locator(f"#topic-{duplicate.id}")).to_contain_text("merged")
    # Asked once, when the button was pressed: typing (its suggestions) asked nothing.
    assert asked == [
        "Merge “Remote working” into the topic you chose? Its dots move to it; you can undo it from the activity list."
    ]
    titles = [t["title"] for t in httpx.get(f"{live_server.url}/api/events/demo/topics").json()]
    assert "Remote working" not in titles and "Remote work, two years on" in titles
