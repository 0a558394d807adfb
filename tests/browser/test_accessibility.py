"""Accessibility (WCAG 2.2 AA) in a browser: axe-core on every page at a phone's and a laptop's size, light and
dark; the board's high-contrast mode at 7:1; the page at 200% zoom; touch targets; motion; and the attendee's and
the facilitator's work done with the keyboard alone.

One browser and three contexts (someone who has not joined, an attendee, the facilitator), each reused for every
size and scheme: the page is resized and its colour scheme emulated, which is what a person's settings do too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from app.models import SlotKind, Topic
from app.models.event import EventUpdate
from app.services import events
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.conftest import ADMIN_TOKEN
from tests.exporters.events import ThemedDay, themed_day

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
BLOCKING = ("serious", "critical")
SLUG = "ct"


@dataclass
class Day:
    themed: ThemedDay
    tray: Topic  # on the marketplace, not on the wall yet

    @property
    def key(self) -> str:
        return self.themed.event.key


@pytest.fixture
def day(live_server: LiveServer) -> Day:
    """A themed, lived-in day: sessions with notes (two revisions), a plenary and a break, a free room, a pin,
    constraints, dots, people going, a topic waiting to be placed, and the harvest published."""
    factory = live_server.factory
    themed = themed_day(factory, slug=SLUG)
    event = themed.event
    factory.room(event, name="Library", capacity=1)
    factory.slot(event, starts="09:00", ends="09:30", label="Opening circle", kind=SlotKind.plenary)
    factory.slot(event, starts="11:00", ends="11:30", label="Coffee", kind=SlotKind.break_)
    factory.pin(event, themed.rest)
    factory.constrain(event, themed.owners, min_room_capacity=5, apart_from=(themed.rest,))
    factory.notes(event, themed.rest, body="Breaks matter.\n\nAnd so does *sleep*.", actions="Book a quiet room - Zoë")
    for topic in (themed.kettle, themed.rest, themed.waiting):
        factory.vote(themed.ada, topic)
    factory.vote(themed.zoe, themed.kettle)
    tray = factory.topic(event, None, title="Accessible venues", theme=themed.care)
    with factory.database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(harvest_published=True))
    return Day(themed=themed, tray=tray)


@pytest.fixture
def people(browser: Browser, live_server: LiveServer, day: Day) -> Iterator[dict[str, Page]]:
    """A page for each kind of visitor: `visitor` (has not joined), `attendee` (joined as Bea), `facilitator`, and
    `admin` (gave the admin token on the organisers' page)."""
    contexts: list[BrowserContext] = []

    def page() -> Page:
        context = browser.new_context(viewport=SIZES["laptop"])
        contexts.append(context)
        return context.new_page()

    visitor, attendee, facilitator, admin = page(), page(), page(), page()
    attendee.goto(f"{live_server.url}/e/{SLUG}")
    attendee.get_by_label("Your name").fill("Bea")
    attendee.get_by_role("button", name="Join").click()
    expect(attendee.get_by_role("heading", name="Marketplace")).to_be_visible()
    facilitator.goto(f"{live_server.url}/e/{SLUG}/facilitate#key={day.key}")
    expect(facilitator.get_by_role("heading", name="At a glance")).to_be_visible()
    admin.goto(f"{live_server.url}/admin")
    admin.get_by_label("Admin token").fill(ADMIN_TOKEN)
    admin.get_by_role("button", name="Sign in as an organiser").click()
    expect(admin.get_by_role("heading", name="Events")).to_be_visible()
    try:
        yield {"visitor": visitor, "attendee": attendee, "facilitator": facilitator, "admin": admin}
    finally:
        for context in contexts:
            context.close()


def _pages(day: Day) -> list[tuple[str, str, str]]:
    """(who, name, path): every page of the issue, as the people who use it see it."""
    t = day.themed
    notes = f"/e/{SLUG}/topics/{t.rest.id}/notes"
    return [
        ("visitor", "home", "/"),
        ("visitor", "join", f"/e/{SLUG}"),
        ("visitor", "board", f"/e/{SLUG}/board"),
        ("visitor", "wall (reading)", f"/e/{SLUG}/wall"),
        ("visitor", "error 404", "/e/no-such-event"),
        ("visitor", "error 404 (topic)", f"/e/{SLUG}/topics/999999/notes"),
        ("visitor", "facilitator sign-in", f"/e/{SLUG}/facilitate"),
        ("visitor", "organisers' sign-in", "/admin"),
        ("attendee", "marketplace", f"/e/{SLUG}"),
        ("attendee", "wall and My day", f"/e/{SLUG}/wall"),
        ("attendee", "notes index", f"/e/{SLUG}/notes"),
        ("attendee", "notes", notes),
        ("attendee", "notes history", f"{notes}/revisions"),
        ("attendee", "a revision", f"{notes}/revisions/2"),
        ("attendee", "calendar", f"/e/{SLUG}/calendar"),
        ("attendee", "your privacy", f"/e/{SLUG}/privacy"),
        ("attendee", "harvest", f"/e/{SLUG}/harvest"),
        ("facilitator", "facilitator overview", f"/e/{SLUG}/facilitate"),
        *(
            ("facilitator", f"facilitator {tab}", f"/e/{SLUG}/facilitate/{tab}")
            for tab in ("setup", "wall", "phases", "moderation", "exports", "team")
        ),
        ("facilitator", "schedule", f"/e/{SLUG}/schedule"),
        ("facilitator", "constraints", f"/e/{SLUG}/topics/{t.owners.id}/constraints"),
        ("facilitator", "wall (placing)", f"/e/{SLUG}/wall"),
        ("facilitator", "harvest", f"/e/{SLUG}/harvest"),
        ("admin", "organisers", "/admin"),
    ]


def _blocking(axe: Axe, page: Page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(str(node["target"][0]) for node in v["nodes"][:4])
        for v in found
        if v["impact"] in BLOCKING
    ]


def test_every_page_has_no_serious_axe_violation_at_both_sizes_and_schemes(
    live_server: LiveServer, day: Day, people: dict[str, Page]
):
    axe = Axe()
    pages = _pages(day)
    found: list[str] = []
    for size, viewport in SIZES.items():
        for scheme in SCHEMES:
            for page in people.values():
                page.set_viewport_size(viewport)
                page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            for who, name, path in pages:
                page = people[who]
                page.goto(live_server.url + path)
                page.wait_for_load_state("load")
                found += [f"{name} [{who}, {size}, {scheme}] {v}" for v in _blocking(axe, page)]
    checked = len(pages) * len(SIZES) * len(SCHEMES)
    print(f"axe: {len(pages)} pages x {len(SIZES)} sizes x {len(SCHEMES)} schemes = {checked} checks")
    assert found == [], "\n".join(found)


def test_the_board_in_high_contrast_reads_at_7_to_1_in_larger_type_in_every_mode(
    live_server: LiveServer, day: Day, people: dict[str, Page]
):
    """The facilitator's switch for a weak projector: every mode of the venue screen reaches AAA contrast (7:1,
    axe's color-contrast-enhanced) in larger type, and axe finds nothing serious, at both sizes and schemes."""
    axe, page = Axe(), people["visitor"]
    found: list[str] = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            for mode in ("wall", "now", "themes", "market", "join"):
                type_size = {}
                for contrast in (False, True):
                    update = EventUpdate(board_mode=mode, board_contrast=contrast)
                    with live_server.factory.database.write_session() as session:
                        events.update_event(session=session, event_id=day.themed.event.id, update=update)
                    page.goto(f"{live_server.url}/e/{SLUG}/board")
                    page.wait_for_load_state("load")
                    type_size[contrast] = float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
                where = f"board {mode} [{size}, {scheme}]"
                expect(page.locator("body")).to_have_class(re.compile(r"\bb-contrast\b"))
                found += [f"{where} {v}" for v in _blocking(axe, page)]
                enhanced = axe.run(page, options={"runOnly": ["color-contrast-enhanced"]}).response["violations"]
                found += [f"{where} under 7:1: {n['target'][0]}" for v in enhanced for n in v["nodes"]]
                if size == "laptop" and type_size[True] <= type_size[False]:
                    found.append(f"{where} type not larger: {type_size[True]} <= {type_size[False]} px")
    assert found == [], "\n".join(found)


# What a page must keep at 200% zoom (1280 wide at 200% is 640 CSS px) and at a phone's size: no sideways
# scrolling of the page, nothing cut off at its right edge (a strip that scrolls on its own, like the wall's
# "jump to a time", is allowed), and targets of at least 24 px, 44 px for the main actions.
LAYOUT = """(main) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth + 1) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${innerWidth}`);
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const scrolls = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const name = (e) => {
    const cls = typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '';
    const words = (e.innerText || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${cls} "${words}"`;
  };
  const size = (box) => `${Math.round(box.width)}x${Math.round(box.height)}`;
  const cut = [];  // the outermost only: what is inside one is cut off with it
  for (const e of document.querySelectorAll('body *')) {
    if (!shown(e) || e.closest('.vh, .skip') || scrolls(e) || cut.some((c) => c.contains(e))) continue;
    const box = e.getBoundingClientRect();
    if (box.width && box.right > innerWidth + 1) {
      cut.push(e);
      problems.push(`cut off at the right: ${name(e)} ends at ${Math.round(box.right)}`);
    }
  }
  const targets = 'button, summary, select, a.button, nav a, '
    + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])';
  for (const e of document.querySelectorAll(targets)) {
    if (!shown(e) || e.closest('.vh')) continue;
    const box = e.getBoundingClientRect();
    if (box.width < 24 || box.height < 24) problems.push(`target under 24 px: ${name(e)} ${size(box)}`);
  }
  const measured = [];
  for (const selector of main) {
    for (const e of document.querySelectorAll(selector)) {
      if (!shown(e)) continue;
      measured.push(selector);
      const box = e.getBoundingClientRect();
      if (box.width < 44 || box.height < 44) problems.push(`main action under 44 px: ${name(e)} ${size(box)}`);
    }
  }
  return {problems, measured};
}"""
MAIN_ACTIONS = [
    "button[id^=vote-]",  # a dot
    "#propose-submit",
    ".going-form button",  # I'm going
    "#join-form button[type=submit], form[action$='/join'] button[type=submit]",
    "form.notes-form button[type=submit], #notes-form button[type=submit]",
]

# The focused control must show it: an outline of at least 2 px that stands out 3:1 from what is behind it.
FOCUS = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const style = getComputedStyle(a);
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  let behind = 'rgb(255, 255, 255)';
  for (let e = a.parentElement; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    const parts = rgb(bg);
    if (parts.length === 3 || (parts.length === 4 && parts[3] > 0.5)) { behind = bg; break; }
  }
  const [l1, l2] = [lum(rgb(style.outlineColor)), lum(rgb(behind))].sort((x, y) => y - x);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  const what = `${a.tagName.toLowerCase()} "${(a.innerText || a.value || '').trim().slice(0, 30)}"`;
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return `no visible focus on ${what}`;
  if (ratio < 3) return `focus outline of ${what} stands out only ${ratio.toFixed(1)}:1`;
  return '';
}"""

# With prefers-reduced-motion: nothing animates or slides.
MOTION = """() => [...document.querySelectorAll('*')].filter((e) => {
  const s = getComputedStyle(e);
  const long = (v) => v.split(',').some((d) => parseFloat(d) > 0.01);
  const animated = s.animationName !== 'none' && long(s.animationDuration);
  return animated || long(s.transitionDuration) || s.scrollBehavior === 'smooth';
}).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)"""


def test_every_page_reads_at_200_percent_zoom_with_big_targets_visible_focus_and_no_motion(
    live_server: LiveServer, day: Day, people: dict[str, Page]
):
    found: list[str] = []
    measured: set[str] = set()
    zoomed = {"width": 640, "height": 400}
    for where, viewport in {"200% zoom": zoomed, "phone": SIZES["phone"]}.items():
        for page in people.values():
            page.set_viewport_size(viewport)
            page.emulate_media(color_scheme="light", reduced_motion="reduce")
        for who, name, path in _pages(day):
            page = people[who]
            page.goto(live_server.url + path)
            layout = page.evaluate(LAYOUT, MAIN_ACTIONS)
            found += [f"{name} [{who}, {where}] {p}" for p in layout["problems"]]
            measured.update(layout["measured"])
            if where == "phone":
                found += [f"{name} [{who}] moves: {m}" for m in page.evaluate(MOTION)]
    for scheme in SCHEMES:
        for page in people.values():
            page.set_viewport_size(SIZES["laptop"])
            page.emulate_media(color_scheme=scheme)
        for who, name, path in _pages(day):
            page = people[who]
            page.goto(live_server.url + path)
            for _ in range(15):
                page.keyboard.press("Tab")
                said = page.evaluate(FOCUS)
                if said:
                    found.append(f"{name} [{who}, {scheme}] {said}")
    assert found == [], "\n".join(found)
    assert measured == set(MAIN_ACTIONS)  # every main action was on some page and measured


def _tab_to(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    """Press Tab until the control with that role and accessible name has the focus, as a keyboard user does."""
    # role is a plain str here, not Playwright's Literal of role names
    _tab_until(page, page.get_by_role(role, name=name, exact=isinstance(name, str)))  # type: ignore[arg-type]


def _tab_until(page: Page, wanted: Locator, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted.evaluate_all("(found) => found.includes(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {wanted}")


def test_the_facilitator_places_moves_swaps_and_takes_off_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer, day: Day
):
    t = day.themed
    context = browser.new_context(viewport=SIZES["laptop"])
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/e/{SLUG}/facilitate#key={day.key}")
        expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
        page.goto(f"{live_server.url}/e/{SLUG}/wall")
        page.wait_for_function("() => document.getElementById('live-status').hidden && document.querySelector('.pick')")
        tray = page.locator("#wall-tray")

        # Pick up the waiting topic from the tray, then place it in a free cell.
        _tab_to(page, "button", "Pick up “Accessible venues”")
        page.keyboard.press("Enter")
        pick = page.locator(f"#pick-{day.tray.id}")
        expect(pick).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#wall-message")).to_contain_text("Holding “Accessible venues”")
        page.screenshot(path=str(ARTIFACTS / "a11y-wall-holding.png"), full_page=True)
        _tab_to(page, "button", "Place here in Library, 10:00")
        page.keyboard.press("Enter")
        library_morning = page.get_by_role("group", name=re.compile("^Library, 10:00"))
        expect(library_morning).to_contain_text("Accessible venues")
        expect(tray).not_to_contain_text("Accessible venues")
        # Focus follows the topic to its new place: its own button, now "Move".
        expect(page.locator(f"#pick-{day.tray.id}")).to_be_focused()
        expect(page.locator(f"#pick-{day.tray.id}")).to_have_text(re.compile("^Move"))

        # Move it with Space to another free cell.
        page.keyboard.press("Space")
        _tab_to(page, "button", "Place here in Library, 14:00")
        page.keyboard.press("Space")
        expect(page.get_by_role("group", name=re.compile("^Library, 14:00"))).to_contain_text("Accessible venues")
        expect(page.locator(f"#pick-{day.tray.id}")).to_be_focused()

        # Escape puts a held topic down; nothing moved.
        page.keyboard.press("Enter")
        expect(page.locator(f"#pick-{day.tray.id}")).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Escape")
        expect(page.locator(f"#pick-{day.tray.id}")).to_have_attribute("aria-pressed", "false")
        expect(page.locator("body")).not_to_have_class(re.compile(r"\bplacing\b"))

        # Swap it with "Owners" (Attic, 10:00).
        page.keyboard.press("Enter")
        _tab_to(page, "button", "Swap with this “Owners”")
        page.keyboard.press("Enter")
        expect(page.get_by_role("group", name=re.compile("^Attic, 10:00"))).to_contain_text("Accessible venues")
        expect(page.get_by_role("group", name=re.compile("^Library, 14:00"))).to_contain_text("Owners")
        expect(page.locator(f"#pick-{day.tray.id}")).to_be_focused()

        # Take it off the wall: back in the tray, focus on its "Pick up" there.
        _tab_to(page, "button", re.compile("^Take off the wall.*Accessible venues"))
        page.keyboard.press("Enter")
        expect(tray).to_contain_text("Accessible venues")
        expect(page.locator(f"#pick-{day.tray.id}")).to_be_focused()
        expect(page.locator(f"#pick-{day.tray.id}")).to_have_text(re.compile("^Pick up"))

        # Pin with the keyboard: the form's button.
        _tab_to(page, "button", re.compile(f"^Pin .*{re.escape(t.kettle.title)}"))
        page.keyboard.press("Enter")
        expect(page.locator("#wall-message")).to_contain_text("Pinned")
        page.screenshot(path=str(ARTIFACTS / "a11y-wall-keyboard.png"), full_page=True)
    finally:
        context.close()


def test_an_attendee_joins_proposes_votes_and_says_im_going_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer, day: Day
):
    context = browser.new_context(viewport=SIZES["phone"])
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/e/{SLUG}")
        _tab_to(page, "textbox", "Your name")
        page.keyboard.type("Kit")
        _tab_to(page, "button", "Join")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()

        # The proposal form is folded away while voting is open: its summary opens with Enter.
        _tab_until(page, page.locator("summary", has_text="Write a proposal"))
        page.keyboard.press("Enter")
        _tab_to(page, "textbox", "Title")
        page.keyboard.type("Step-free routes between rooms")
        _tab_to(page, "button", "Propose")
        page.keyboard.press("Enter")
        expect(page.locator("#topic-list")).to_contain_text("Step-free routes between rooms")

        _tab_to(page, "button", re.compile(r"^Add a dot.*Rest"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name=re.compile(r"^Take back dot.*Rest"))).to_be_visible()

        _tab_to(page, "link", "Wall")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Agenda wall")).to_be_visible()
        page.wait_for_function("() => document.getElementById('live-status').hidden")
        _tab_to(page, "button", re.compile(r"^I'm going.*Owners"))
        page.keyboard.press("Enter")
        expect(page.locator("#my-day")).to_contain_text("Owners")
        # The row was redrawn under the focus: it stays in the session's cell, not at the top of the page.
        expect(page.locator(".cell :focus, .cell:focus")).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / "a11y-attendee-keyboard-phone.png"), full_page=True)
    finally:
        context.close()


def test_a_burst_of_new_topics_is_said_once_in_one_short_sentence(browser: Browser, live_server: LiveServer, day: Day):
    import httpx

    context = browser.new_context(viewport=SIZES["phone"])
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/e/{SLUG}")
        page.get_by_label("Your name").fill("Lou")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
        page.wait_for_function("() => document.getElementById('live-status').hidden")
        page.evaluate(
            """() => { window.said = [];
              new MutationObserver(() => { const t = document.getElementById('live-announcer').textContent;
                if (t) window.said.push(t); }).observe(document.getElementById('live-announcer'),
                {childList: true, characterData: true, subtree: true}); }"""
        )
        page.wait_for_timeout(300)
        with httpx.Client(base_url=live_server.url) as client:
            for n, who in enumerate([day.themed.ada, day.themed.zoe, day.themed.ada, day.themed.zoe]):
                answer = client.post(f"/api/events/{SLUG}/topics", json={"title": f"Burst {n}"}, headers=who.auth)
                assert answer.status_code == 201, answer.text
        page.wait_for_function("() => window.said.length > 0", timeout=8000)
        page.wait_for_timeout(6000)  # longer than the gap between two sentences: nothing more is said
        assert page.evaluate("window.said") == ["4 new topics."]
        # Never the list itself: the sentence is all that is read.
        assert page.locator("#live-announcer").inner_text() == "4 new topics."
    finally:
        context.close()
