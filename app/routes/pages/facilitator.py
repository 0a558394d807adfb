"""The facilitator's pages: an overview, then set-up, phases, moderation, the wall and board, exports and the team.

Each tab is a page of its own (/e/{slug}/facilitate/{tab}, the overview at /e/{slug}/facilitate) showing a few
sections, so that nothing is far down a phone's screen; a section is one partial (facilitate_{section}.html)
that the page includes, an htmx answer swaps and the live page redraws. Every form posts to
/e/{slug}/facilitate/…: a plain post is answered with a redirect back to the tab that shows its section (or
that tab with the error in place), an htmx post with the changed section's partial only. Errors are shown
next to the form that caused them; every rule lives in the services, this module only parses what the
browser sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.csrf import CsrfChecked
from app.deps import (
    REFUSED_KEY,
    PageFacilitator,
    RowId,
    SettingsDep,
    client_address,
    forget_attendee,
    forget_event,
    forget_facilitator,
    rate_limits,
    remember_facilitator,
)
from app.errors import status_for
from app.i18n import Text, _, hour_minute, translated
from app.models import Event, Slot, SlotKind
from app.models._base import MAX_ROW_ID
from app.models.enums import ACTIVE_TOPIC_STATUSES
from app.models.event import EVENT_SETTINGS, TOPIC_LIMIT_RANGE, EventUpdate
from app.models.theme import THEME_MARKS
from app.realtime.notes_view import local_time
from app.routes.pages.forms import chosen_theme
from app.routes.pages.live import live_context
from app.routes.pages.rendering import flash, fragments, pop_flash, render, see_other, swapped, wants_fragment
from app.routes.pages.visit import Visit, VisitDep
from app.services import (
    activity,
    announcements,
    attendees,
    event_sizes,
    events,
    lookups,
    similarity,
    team,
    themes,
    topics,
    undo,
    wall_setup,
)
from app.services.actors import Actor
from app.services.changes import Written
from app.services.errors import DomainError, InvalidInput, NotAllowed, NotFound
from app.services.links import display_link, event_links, schedule_links
from app.templating import templates

router = APIRouter()

# The sections a form answers, or the live page redraws (GET …/facilitate/sections/{section}).
Section = Literal[
    "overview",
    "event",
    "phases",
    "board",
    "announcements",
    "themes",
    "rooms",
    "slots",
    "topics",
    "duplicates",
    "team",
    "activity",
]
FormField = Annotated[str | None, Form()]

PAGE = "pages/facilitate.html"
NO_STORE = {"Cache-Control": "no-store"}  # the page shows the join code and carries the CSRF token


@dataclass(frozen=True)
class FormError:
    """A message for one form of a section: `form` names it ("add", "room-3", "budget"…, or "section")."""

    form: str
    message: str


@dataclass(frozen=True)
class SlotRow:
    """A slot as its form shows it: the date and HH:MM times that the date and time inputs take."""

    slot: Slot
    date: str
    starts: str
    ends: str
    shows_day: bool  # on an event of several days, or (set up before the days were checked) off the event's day


@dataclass(frozen=True)
class NewMember:
    """A member just invited: their link, shown this once."""

    name: str
    link: str


@dataclass(frozen=True)
class Tab:
    """A page of the facilitator's: a link in the tabs, and the sections it shows, in order."""

    name: str  # its address: /e/{slug}/facilitate/{name}; "" for the overview, /e/{slug}/facilitate
    label: Text
    sections: tuple[str, ...]  # partials/facilitate_{section}.html; those in Section also answer forms

    @property
    def path(self) -> str:
        return f"/{self.name}" if self.name else ""


# Grouped by when the team needs them: the event and its links before the day, the wall's rooms and slots and
# the venue screen, each turn of the day, the topics as they pour in, the exports after the closing circle, the
# team whenever. The overview says where each one stands. None is long: each fits a phone's thumb.
TABS: tuple[Tab, ...] = (
    Tab("", _("Overview"), ("overview",)),
    Tab("setup", _("Set-up"), ("event", "themes", "links")),
    Tab("wall", _("Wall and board"), ("rooms", "slots", "board")),
    Tab("phases", _("Phases"), ("phases", "announcements")),
    Tab("moderation", _("Moderation"), ("topics", "duplicates", "activity")),
    Tab("exports", _("Exports"), ("export", "delete")),
    Tab("team", _("Team"), ("team",)),
)
TAB_OF_SECTION = {section: tab for tab in TABS for section in tab.sections}
# A tab of several sections starts with links to each (as their headings say): one tap to the last one, even
# below a long list of topics on a phone.
SECTION_LABELS: dict[str, Text] = {
    "event": _("Event"),
    "themes": _("Themes"),
    "links": _("Links to share"),
    "rooms": _("Rooms"),
    "slots": _("Slots"),
    "board": _("Venue screen and wall"),
    "phases": _("Phases"),
    "announcements": _("Announce"),
    "topics": _("Topics"),
    "duplicates": _("Likely duplicates"),
    "activity": _("Activity"),
    "export": _("Export"),
    "delete": _("Delete this event"),
}
TEAM = TAB_OF_SECTION["team"]


@dataclass(frozen=True)
class Confirmation:
    """The plain-form stand-in for hx-confirm: a page asking once more before a destructive post.

    `fields` are posted again with the answer (hidden), for a form whose choice the address doesn't hold: the
    topic a merge goes into."""

    question: str
    action: str
    button: str
    fields: tuple[tuple[str, str], ...] = ()


# --- Answering a form ----------------------------------------------------------------------------


@dataclass
class Desk(Visit):
    """The facilitator's visit to their page (checked by `get_desk`), with the deployment's settings."""

    settings: Settings

    @property
    def base(self) -> str:
        return _base(self.event)

    async def act(
        self,
        *,
        section: Section,
        form: str,
        values: dict[str, str],
        parse: Callable[[], Any],
        work: Callable[[Session, Any], Written[Any]],
    ) -> Response:
        """Parse what the form sent, write it through the writer, and answer: a redirect (plain post) or
        the section's partial (htmx); on a domain error, the message next to the form that caused it."""
        try:
            parsed = parse()
            await self.writer.run(lambda s: work(s, parsed))
        except DomainError as error:
            if isinstance(error, NotFound) or not self._form_shown(section, form):
                form = "section"  # the form's row is gone (removed in another tab): say it at the top
            return self._answer(section, FormError(form=form, message=error.message), values, status_for(error))
        return self._answer(section, None, {}, 200)

    async def act_once_sure(
        self,
        *,
        confirmed: str | None,
        ask: Callable[[], Confirmation | None],
        section: Section,
        form: str,
        work: Callable[[Session], Written[Any]],
    ) -> Response:
        """A destructive form: a plain post is asked once more on a page of its own (htmx asks with
        hx-confirm and sends `confirmed=yes`); a row gone meanwhile is answered by `act` with where it went."""
        if confirmed != "yes" and (confirmation := ask()) is not None:
            return self.page(TAB_OF_SECTION[section], confirmation=confirmation)
        return await self.act(section=section, form=form, values={}, parse=lambda: None, work=lambda s, _: work(s))

    async def merge_once_sure(
        self,
        *,
        confirmed: str | None,
        section: Section,
        form: str,
        parse: Callable[[], tuple[int, int]],
        action: str,
        fields: Callable[[int, int], dict[str, str]],
    ) -> Response:
        """Merge one topic into another (`parse` gives both ids), asked once more as hiding is: htmx asks with
        hx-confirm, a plain post on a page of its own that posts `fields` again, so that confirming merges into
        the very topic chosen. A merge refused anyway (a target that can't be resolved, the topic itself, a topic
        gone) is answered in place by `act`, never asked about."""
        if confirmed != "yes" and (confirmation := self._ask_merge(parse, action, fields)) is not None:
            return self.page(TAB_OF_SECTION[section], confirmation=confirmation)
        event_id, actor = self.event_id, self.actor
        return await self.act(
            section=section,
            form=form,
            values={},
            parse=parse,
            work=lambda s, pair: topics.merge_topics(
                session=s, event_id=event_id, source_id=pair[0], target_id=pair[1], actor=actor
            ),
        )

    def _ask_merge(
        self, parse: Callable[[], tuple[int, int]], action: str, fields: Callable[[int, int], dict[str, str]]
    ) -> Confirmation | None:
        """The question before a merge, naming both topics; none for a merge that would be refused anyway."""
        session, event_id = self.session, self.event_id
        try:
            source_id, target_id = parse()
            source = lookups.get_active_topic(session=session, event_id=event_id, topic_id=source_id)
            target = lookups.get_active_topic(session=session, event_id=event_id, topic_id=target_id)
        except DomainError:
            return None  # `act` parses again and says why, next to the form
        if source_id == target_id:
            return None
        return Confirmation(
            question=_(
                "Merge “{topic}” into “{other}”? Its dots move to “{other}”; you can undo it from the activity list.",
                topic=source.title,
                other=target.title,
            ),
            action=action,
            button=_("Merge into “{title}”", title=target.title),
            fields=tuple(fields(source_id, target_id).items()),
        )

    @property
    def actor(self) -> Actor:
        """The desk acts as this member of the team, even in a browser that also joined as an attendee."""
        return self.visitor.as_facilitator

    def page(
        self,
        tab: Tab = TABS[0],
        *,
        errors: dict[str, FormError] | None = None,
        values: dict[str, dict[str, str]] | None = None,
        confirmation: Confirmation | None = None,
        status: int = 200,
        new_facilitator_link: str | None = None,
        new_member: NewMember | None = None,
    ) -> HTMLResponse:
        """One tab of the facilitator's pages, with only its own sections drawn."""
        context: dict[str, Any] = {
            "new_facilitator_link": new_facilitator_link,
            "new_member": new_member,
            "undone": pop_flash(self.request),
            "event": self.event,
            "base": self.base,
            "tabs": TABS,
            "tab": tab,
            "section_labels": SECTION_LABELS,
            "errors": errors or {},
            "values": values or {},
            "confirmation": confirmation,
            # Live like the marketplace: topics arriving and their dots redraw the live sections (hallway.js).
            **live_context(self.session, self.event, "market"),
        }
        if confirmation is None:
            for section in tab.sections:
                context.update(self.section_context(section))
        return templates.TemplateResponse(self.request, PAGE, context, status_code=status, headers=NO_STORE)

    def section(self, section: Section) -> HTMLResponse:
        """One section as it is now, with nothing typed in its forms: for the page to redraw it live."""
        context = {"event": self.event, "base": self.base, "errors": {}, "values": {}, **self.section_context(section)}
        return render(self.request, f"partials/facilitate_{section}.html", context, headers=NO_STORE)

    def section_context(self, section: str) -> dict[str, Any]:
        session, event = self.session, self.event
        if section == "overview":
            return self._overview()
        if section == "event":
            return {"topic_limit_range": TOPIC_LIMIT_RANGE}
        if section == "links":
            fingerprint = team.display_fingerprint(session=session, event_id=self.event_id)
            return {
                "links": event_links(public_url=self.settings.public_url, event=event),
                "display_link": display_link(
                    public_url=self.settings.public_url,
                    secret_key=self.settings.secret_key,
                    event=event,
                    fingerprint=fingerprint,
                ),
                "qr_url": f"/e/{event.slug}/qr.svg",
            }
        if section == "export":
            return {"schedule": schedule_links(public_url=self.settings.public_url, event=event)}
        if section == "rooms":
            return {"rooms": wall_setup.list_rooms(session=session, event_id=self.event_id)}
        if section == "themes":
            return {"themes": themes.list_themes(session=session, event_id=self.event_id), "theme_marks": THEME_MARKS}
        if section == "announcements":
            said = announcements.recent(session=session, event_id=self.event_id)
            return {
                "announcements": said,
                "announcement_times": {a.id: local_time(event, a.created_at) for a in said},
            }
        if section == "slots":
            slots = wall_setup.list_slots(session=session, event_id=self.event_id)
            return {"slots": [_slot_row(slot, event) for slot in slots], "slot_kinds": list(SlotKind)}
        if section == "topics":
            views = topics.list_topics(session=session, event_id=self.event_id, include_retired=True)
            return {
                "banned_ids": attendees.banned_ids(session=session, event_id=self.event_id),
                "removed_ids": attendees.removed_ids(session=session, event_id=self.event_id),
                "topics": views,
                "active_topics": [v for v in views if v.topic.status in ACTIVE_TOPIC_STATUSES],
                "titles": {v.topic.id: v.topic.title for v in views},
                "themes": themes.list_themes(session=session, event_id=self.event_id),
            }
        if section == "duplicates":  # its forms: app/routes/pages/similar.py
            return {"duplicate_pairs": similarity.duplicate_pairs(session=session, event_id=self.event_id)}
        if section == "team":
            return {
                "members": team.list_team(session=session, event_id=self.event_id),
                "me": self.visitor.facilitator_id,
            }
        if section == "activity":
            lines = activity.recent(session=session, event_id=self.event_id)
            return {
                "activity": lines,
                "activity_times": {line.id: local_time(event, line.created_at) for line in lines},
            }
        return {}

    def _overview(self) -> dict[str, Any]:
        """Where the event stands, in counts, each pointing to the tab where it is dealt with."""
        session, event_id = self.session, self.event_id
        lines = activity.recent(session=session, event_id=event_id, limit=OVERVIEW_ACTIVITY)
        return {
            "size": event_sizes.sizes_of(session=session, event_ids=[event_id])[event_id],
            "duplicates": len(similarity.duplicate_pairs(session=session, event_id=event_id)),
            "team_size": len(team.list_team(session=session, event_id=event_id)),
            "latest": lines,
            "latest_times": {line.id: local_time(self.event, line.created_at) for line in lines},
        }

    def tab_url(self, section: str) -> str:
        """The address of the tab that shows this section."""
        return f"{self.base}{TAB_OF_SECTION[section].path}"

    def answer_error(self, section: Section, error: FormError, values: dict[str, str], status: int) -> Response:
        """A refusal shown next to the form that caused it (a route that answers its success itself)."""
        if isinstance(error, FormError) and error.form != "section" and not self._form_shown(section, error.form):
            error = FormError(form="section", message=error.message)
        return self._answer(section, error, values, status)

    def _answer(self, section: Section, error: FormError | None, values: dict[str, str], status: int) -> Response:
        if wants_fragment(self.request):
            context = {"event": self.event, "base": self.base, **self.section_context(section)}
            context.update(errors={section: error} if error else {}, values={section: values})
            # The event's name is also the page's heading, outside the section: swap it out of band.
            also = ["partials/facilitate_title.html"] if section == "event" else []
            parts = swapped(f"partials/facilitate_{section}.html", *also, context=context)
            return fragments(self.request, parts, status_code=status, headers=NO_STORE)
        if error is None:
            return see_other(f"{self.tab_url(section)}#facilitate-{section}")
        return self.page(TAB_OF_SECTION[section], errors={section: error}, values={section: values}, status=status)

    def _form_shown(self, section: Section, form: str) -> bool:
        """Whether the form an error names is still on the page (its room, slot or topic still exists)."""
        kind, _, ident = form.partition("-")
        if not ident.isdigit():
            return True
        context = self.section_context(section)
        if kind == "room":
            return any(room.id == int(ident) for room in context["rooms"])
        if kind == "slot":
            return any(row.slot.id == int(ident) for row in context["slots"])
        if kind == "theme":
            return any(theme.id == int(ident) for theme in context["themes"])
        if kind == "member":
            return any(member.id == int(ident) for member in context["members"])
        if kind == "activity":
            return any(line.id == int(ident) for line in context["activity"])
        return any(view.topic.id == int(ident) for view in context["topics"])


def get_desk(visit: VisitDep, _facilitator: PageFacilitator, settings: SettingsDep) -> Desk:
    return visit.extend(Desk, settings=settings)


DeskDep = Annotated[Desk, Depends(get_desk)]
OVERVIEW_ACTIVITY = 3  # the latest lines of the activity list the overview shows
# The event's settings but the time zone and the date: the page has no form for those, so a hand-made post
# can't change them either. Which of the rest are switches or numbers comes from EventUpdate's types;
# only how the messages name each number is written here.
EVENT_FIELDS = tuple(name for name in EVENT_SETTINGS if name not in ("timezone", "date"))
# Each number field's refusals, as whole sentences (a label put into one sentence would not agree with it in
# every language): when it is left empty, and when it is not a whole number ({typed}: what was typed).
NUMBER_REFUSALS: dict[str, tuple[Text, Text]] = {
    "votes_per_attendee": (
        _("The dot budget can't be empty: give a whole number."),
        _("The dot budget must be a whole number, not '{typed}'."),
    ),
    "board_cycle_seconds": (
        _("The seconds per board mode can't be empty: give a whole number."),
        _("The seconds per board mode must be a whole number, not '{typed}'."),
    ),
    "topic_limit": (
        _("The most topics can't be empty: give a whole number."),
        _("The most topics must be a whole number, not '{typed}'."),
    ),
    "capacity": (
        _("The capacity can't be empty: give a whole number."),
        _("The capacity must be a whole number, not '{typed}'."),
    ),
    "into_topic_id": (
        _("The topic to merge into can't be empty: give a whole number."),
        _("The topic to merge into must be a whole number, not '{typed}'."),
    ),
}


# --- The page and the secret link -----------------------------------------------------------------


@router.get("/e/{slug}/facilitate", response_class=HTMLResponse)
def facilitate(visit: VisitDep, settings: SettingsDep, key: str | None = None) -> Response:
    """The facilitator's overview; anyone else gets the sign-in form, which takes a link's #key=… by itself.

    `?key=…` is how links were printed before the key moved after the #: still let in, and taken out of
    the address bar at once, but it did travel in a URL (serve's access log hides it).
    """
    event = visit.event
    if key is not None:
        member = team.member_for_key(session=visit.session, event_id=visit.event_id, key=key)
        if member is None:
            raise NotAllowed(WRONG_KEY)
        remember_facilitator(visit.request, event, member)
        return _no_referrer(see_other(_base(event)))
    return _tab_or_sign_in(visit, settings, TABS[0])


def _tab_page(tab: Tab) -> Callable[..., Response]:
    def show_tab(visit: VisitDep, settings: SettingsDep) -> Response:
        return _tab_or_sign_in(visit, settings, tab)

    show_tab.__doc__ = f"The facilitator's {tab.name} tab; anyone else gets the sign-in form."
    return show_tab


for _tab in TABS[1:]:  # one route each: /e/{slug}/facilitate/{tab} must not shadow …/facilitate/export.json
    router.add_api_route(
        f"/e/{{slug}}/facilitate/{_tab.name}", _tab_page(_tab), methods=["GET"], response_class=HTMLResponse
    )


def _tab_or_sign_in(visit: Visit, settings: Settings, tab: Tab) -> Response:
    if not visit.visitor.is_facilitator:
        # A session that ended (the link replaced, the member removed) is told so, and shown nothing else.
        said = REFUSED_KEY if visit.visitor.facilitator_refused else None
        return _signing_in(visit, error=said, status=401 if said else 403, tab=tab)
    return visit.extend(Desk, settings=settings).page(tab)


WRONG_KEY = _(
    "This facilitator link is not valid. Check that you copied all of it, or ask whoever runs the event "
    "for it again (it may have been replaced)."
)


@router.post("/e/{slug}/facilitate/enter", dependencies=[CsrfChecked])
async def enter_with_key(visit: VisitDep, key: FormField = None, tab: FormField = None) -> Response:
    """The key in a POST body, never in a URL: this browser becomes the event's facilitator, back on the tab
    it asked for (`tab`, a tab's name) or the overview.

    Wrong keys count against the address like wrong join codes do (keys are long random secrets, so this
    is about a script hammering the server rather than about guessing).
    """
    request, event = visit.request, visit.event
    address = f"address:{client_address(request)}"
    await rate_limits(request).check("join_code_tries", address)
    member = team.member_for_key(session=visit.session, event_id=visit.event_id, key=(key or "").strip())
    asked = next((t for t in TABS if t.name == tab), TABS[0])
    if member is None:
        await rate_limits(request).hit("join_code_tries", address)
        return _signing_in(visit, error=WRONG_KEY, status=403, tab=asked)
    remember_facilitator(request, event, member)
    return _no_referrer(see_other(f"{_base(event)}{asked.path}"))


def _signing_in(visit: Visit, *, error: str | None, status: int, tab: Tab = TABS[0]) -> Response:
    context = {"event": visit.event, "error": error, "tab": tab}
    return _no_referrer(
        render(visit.request, "pages/facilitate_enter.html", context, status_code=status, headers=NO_STORE)
    )


def _no_referrer(response: Response) -> Response:
    """Pages on the way in send no Referer anywhere: the address they were reached by may hold the key."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/e/{slug}/facilitate/sections/{section}", response_class=HTMLResponse)
def facilitate_section(section: Section, desk: DeskDep) -> Response:
    """A section of the facilitator's page, for the page to redraw when the marketplace changes."""
    return desk.section(section)


@router.post("/e/{slug}/facilitate/key", dependencies=[CsrfChecked])
async def replace_facilitator_key(desk: DeskDep, confirmed: FormField = None) -> Response:
    """Replace one's own leaked facilitator link: the old one dies at once (every browser holding it is let
    go), this browser keeps the page, and the new link is shown once."""
    if confirmed != "yes":
        return desk.page(
            TEAM,
            confirmation=Confirmation(
                question=_(
                    "Replace your facilitator link? The old one stops working at once, in every browser that "
                    "opened it: you will have to open the new one on your other devices. The rest of the team keep "
                    "theirs."
                ),
                action=f"{desk.base}/key",
                button=_("Replace my facilitator link"),
            ),
        )
    event_id, actor = desk.event_id, desk.actor
    member_id = actor.facilitator_id
    key = await desk.writer.run(
        lambda s: events.rotate_facilitator_key(session=s, event_id=event_id, facilitator_id=member_id, actor=actor)
    )
    member = team.member_for_key(session=desk.session, event_id=event_id, key=key)
    if member is not None:  # read again after the write: the new key's fingerprint
        remember_facilitator(desk.request, desk.event, member)
        desk.visitor = team.actor_of(member)
    link = event_links(public_url=desk.settings.public_url, event=desk.event, facilitator_key=key)["facilitator"]
    return desk.page(TEAM, new_facilitator_link=link)


# --- The team and the activity list ---------------------------------------------------------------


@router.post("/e/{slug}/facilitate/team", dependencies=[CsrfChecked])
async def invite_facilitator(desk: DeskDep, name: FormField = None) -> Response:
    """Invite someone to the team by name: their own secret link is shown here, once, to pass on."""
    event_id, actor, said = desk.event_id, desk.actor, name or ""
    try:
        made = await desk.writer.run(lambda s: team.invite(session=s, event_id=event_id, actor=actor, name=said))
    except DomainError as error:
        return desk.answer_error(
            "team", FormError(form="add", message=error.message), {"name": said}, status_for(error)
        )
    link = event_links(public_url=desk.settings.public_url, event=desk.event, facilitator_key=made.key)["facilitator"]
    new_member = NewMember(name=made.facilitator.name, link=link)
    if wants_fragment(desk.request):
        context = {"event": desk.event, "base": desk.base, "errors": {}, "values": {}, "new_member": new_member}
        context.update(desk.section_context("team"))
        return fragments(desk.request, swapped("partials/facilitate_team.html", context=context), headers=NO_STORE)
    return desk.page(TEAM, new_member=new_member)


@router.post("/e/{slug}/facilitate/team/{facilitator_id}/remove", dependencies=[CsrfChecked])
async def remove_facilitator(facilitator_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    """Take someone off the team: their link and their open pages stop working at once."""

    def ask() -> Confirmation | None:
        member = next((m for m in desk.section_context("team")["members"] if m.id == facilitator_id), None)
        if member is None:
            return None
        yourself = member.id == desk.visitor.facilitator_id
        return Confirmation(
            question=_("Leave the team? Your link stops working at once, on every device.")
            if yourself
            else _("Remove {name} from the team? Their link stops working at once, on every device.", name=member.name),
            action=f"{desk.base}/team/{facilitator_id}/remove",
            button=_("Leave the team") if yourself else _("Remove {name}", name=member.name),
        )

    event_id, actor = desk.event_id, desk.actor
    return await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="team",
        form=f"member-{facilitator_id}",
        work=lambda s: team.remove(session=s, event_id=event_id, actor=actor, facilitator_id=facilitator_id),
    )


@router.post("/e/{slug}/facilitate/activity/{activity_id}/undo", dependencies=[CsrfChecked])
async def undo_activity(activity_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    """Undo a hide, a merge or a take-off-the-wall from the activity list; a merge is asked once more first.
    The answer says what happened (or why it can't be undone)."""
    line = next((a for a in desk.section_context("activity")["activity"] if a.id == activity_id), None)
    if confirmed != "yes" and line is not None and line.asks_first:
        return desk.page(
            TAB_OF_SECTION["activity"],
            confirmation=Confirmation(
                question=_(
                    # Translators: {what} is the activity line, which quotes the two topics ("Sam merged “A” into “B”").
                    "Undo this merge? {what}. The merged topic comes back on the marketplace with the dots that moved, "
                    "as far as their owners have dots to spare.",
                    what=line.text,
                ),
                action=f"{desk.base}/activity/{activity_id}/undo",
                button=_("Undo the merge"),
            ),
        )
    event_id, actor = desk.event_id, desk.actor
    try:
        done = await desk.writer.run(
            lambda s: undo.undo(session=s, event_id=event_id, actor=actor, activity_id=activity_id)
        )
    except DomainError as error:
        return desk.answer_error("activity", FormError(form="section", message=error.message), {}, status_for(error))
    if wants_fragment(desk.request):
        context = {"event": desk.event, "base": desk.base, "errors": {}, "values": {}, "undone": done.message}
        context.update(desk.section_context("activity"))
        context.update(desk.section_context("topics"))
        parts = swapped("partials/facilitate_activity.html", "partials/facilitate_topics.html", context=context)
        return fragments(desk.request, parts, headers=NO_STORE)
    flash(desk.request, translated(done.message))  # kept until the next page: in the reader's words now
    return see_other(f"{desk.tab_url('activity')}#facilitate-activity")


# --- Phases, budget, join code, name -------------------------------------------------------------


@router.post("/e/{slug}/facilitate/event", dependencies=[CsrfChecked])
async def update_event(desk: DeskDep) -> Response:
    """One endpoint for the section's small forms: only the fields a form sends are changed."""
    # Read from the raw form, not Form() parameters: those take an empty field as missing, and an
    # empty join code means "clear it" while an empty budget must be answered with a message.
    form_data = await desk.request.form()
    sent = {field: value for field in EVENT_FIELDS if isinstance(value := form_data.get(field), str)}
    section, form = _event_form(sent)
    event_id, actor = desk.event_id, desk.actor

    def change() -> EventUpdate:
        changes: dict[str, object] = {}
        for field, value in sent.items():
            kinds = get_args(EventUpdate.model_fields[field].annotation)  # (bool, None), (int, None), …
            if bool in kinds:
                changes[field] = _switch(value, field=field)
            elif int in kinds:
                changes[field] = _whole_number(value, field=field)
            elif field == "board_second_language":
                changes[field] = value or None  # the select's "None": the board in one language
            else:
                changes[field] = value
        return EventUpdate.model_validate(changes)

    return await desk.act(
        section=section,
        form=form,
        values=sent,
        parse=change,
        work=lambda s, update: events.update_event(session=s, event_id=event_id, update=update, actor=actor),
    )


# --- Announcements --------------------------------------------------------------------------------


@router.post("/e/{slug}/facilitate/announcements", dependencies=[CsrfChecked])
async def announce(desk: DeskDep, text: FormField = None) -> Response:
    """Say something to everyone: the board and every open page show it at once."""
    event_id, actor, said = desk.event_id, desk.actor, text or ""
    return await desk.act(
        section="announcements",
        form="add",
        values={"text": said},
        parse=lambda: None,
        work=lambda s, _: announcements.announce(session=s, event_id=event_id, actor=actor, text=said),
    )


# --- Themes ---------------------------------------------------------------------------------------


@router.post("/e/{slug}/facilitate/themes", dependencies=[CsrfChecked])
async def add_theme(desk: DeskDep, name: FormField = None, description: FormField = None) -> Response:
    event_id, actor = desk.event_id, desk.actor
    values = {"name": name or "", "description": description or ""}
    return await desk.act(
        section="themes",
        form="add",
        values=values,
        parse=lambda: None,
        work=lambda s, _: themes.add_theme(
            session=s, event_id=event_id, name=values["name"], description=values["description"], actor=actor
        ),
    )


@router.post("/e/{slug}/facilitate/themes/{theme_id}", dependencies=[CsrfChecked])
async def update_theme(
    theme_id: RowId, desk: DeskDep, name: FormField = None, description: FormField = None, mark: FormField = None
) -> Response:
    event_id, actor = desk.event_id, desk.actor
    values = {"name": name or "", "description": description or "", "mark": mark or ""}
    return await desk.act(
        section="themes",
        form=f"theme-{theme_id}",
        values=values,
        parse=lambda: None,
        work=lambda s, _: themes.update_theme(
            session=s,
            event_id=event_id,
            theme_id=theme_id,
            name=values["name"],
            description=values["description"],
            mark=values["mark"] or None,
            actor=actor,
        ),
    )


@router.post("/e/{slug}/facilitate/themes/{theme_id}/move", dependencies=[CsrfChecked])
async def move_theme(theme_id: RowId, desk: DeskDep, direction: FormField = None) -> Response:
    event_id, actor = desk.event_id, desk.actor

    def by() -> int:
        if direction in ("up", "down"):
            return -1 if direction == "up" else 1
        raise InvalidInput(_("A theme moves 'up' or 'down'."), field="direction")

    return await desk.act(
        section="themes",
        form=f"theme-{theme_id}",
        values={},
        parse=by,
        work=lambda s, step: themes.move_theme(session=s, event_id=event_id, theme_id=theme_id, by=step, actor=actor),
    )


@router.post("/e/{slug}/facilitate/themes/{theme_id}/remove", dependencies=[CsrfChecked])
async def remove_theme(theme_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    def ask() -> Confirmation | None:
        theme = next((t for t in desk.section_context("themes")["themes"] if t.id == theme_id), None)
        return theme and Confirmation(
            question=_("Remove the theme '{name}'? Its topics stay, without a theme.", name=theme.name),
            action=f"{desk.base}/themes/{theme_id}/remove",
            button=_("Remove {name}", name=theme.name),
        )

    event_id = desk.event_id
    return await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="themes",
        form=f"theme-{theme_id}",
        work=lambda s: themes.remove_theme(session=s, event_id=event_id, theme_id=theme_id, actor=desk.actor),
    )


@router.post("/e/{slug}/facilitate/topics/{topic_id}/theme", dependencies=[CsrfChecked])
async def set_topic_theme(topic_id: RowId, desk: DeskDep, theme_id: FormField = None) -> Response:
    """Move a topic to another theme, or out of any (an empty choice)."""
    event_id, actor = desk.event_id, desk.actor
    return await desk.act(
        section="topics",
        form=f"topic-{topic_id}",
        values={},
        parse=lambda: chosen_theme(theme_id),
        work=lambda s, theme: themes.set_topic_theme(
            session=s, event_id=event_id, topic_id=topic_id, actor=actor, theme_id=theme
        ),
    )


# --- Rooms ----------------------------------------------------------------------------------------


@router.post("/e/{slug}/facilitate/rooms", dependencies=[CsrfChecked])
async def add_room(
    desk: DeskDep,
    name: FormField = None,
    capacity: FormField = None,
    location_notes: FormField = None,
) -> Response:
    event_id, actor = desk.event_id, desk.actor
    values = {"name": name or "", "capacity": capacity or "", "location_notes": location_notes or ""}
    return await desk.act(
        section="rooms",
        form="add",
        values=values,
        parse=lambda: _whole_number(capacity, field="capacity"),
        work=lambda s, seats: wall_setup.add_room(
            session=s,
            event_id=event_id,
            name=values["name"],
            capacity=seats,
            location_notes=values["location_notes"],
            actor=actor,
        ),
    )


@router.post("/e/{slug}/facilitate/rooms/{room_id}", dependencies=[CsrfChecked])
async def update_room(
    room_id: RowId,
    desk: DeskDep,
    name: FormField = None,
    capacity: FormField = None,
    location_notes: FormField = None,
) -> Response:
    event_id, actor = desk.event_id, desk.actor
    values = {"name": name or "", "capacity": capacity or "", "location_notes": location_notes or ""}
    return await desk.act(
        section="rooms",
        form=f"room-{room_id}",
        values=values,
        parse=lambda: _whole_number(capacity, field="capacity"),
        work=lambda s, seats: wall_setup.update_room(
            session=s,
            event_id=event_id,
            room_id=room_id,
            name=values["name"],
            capacity=seats,
            location_notes=values["location_notes"],
            actor=actor,
        ),
    )


@router.post("/e/{slug}/facilitate/rooms/{room_id}/move", dependencies=[CsrfChecked])
async def move_room(
    room_id: RowId,
    desk: DeskDep,
    direction: FormField = None,
) -> Response:
    event_id = desk.event_id
    return await desk.act(
        section="rooms",
        form=f"room-{room_id}",
        values={},
        parse=lambda: _direction(direction),
        work=lambda s, by: wall_setup.move_room(session=s, event_id=event_id, room_id=room_id, by=by, actor=desk.actor),
    )


@router.post("/e/{slug}/facilitate/rooms/{room_id}/remove", dependencies=[CsrfChecked])
async def remove_room(room_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    def ask() -> Confirmation | None:
        room = next((r for r in desk.section_context("rooms")["rooms"] if r.id == room_id), None)
        return room and Confirmation(
            question=_("Remove the room '{name}'? Topics placed in it go back to the marketplace.", name=room.name),
            action=f"{desk.base}/rooms/{room_id}/remove",
            button=_("Remove {name}", name=room.name),
        )

    event_id = desk.event_id
    return await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="rooms",
        form=f"room-{room_id}",
        work=lambda s: wall_setup.remove_room(session=s, event_id=event_id, room_id=room_id, actor=desk.actor),
    )


# --- Slots ----------------------------------------------------------------------------------------


@router.post("/e/{slug}/facilitate/days", dependencies=[CsrfChecked])
async def update_days(
    desk: DeskDep,
    first: Annotated[str | None, Form(alias="date")] = None,
    last: Annotated[str | None, Form(alias="last_date")] = None,
) -> Response:
    """The event's first and last day, beside the slots that must lie on them (the slots' day lists follow)."""
    event_id, actor, event = desk.event_id, desk.actor, desk.event
    values = {"date": first or "", "last_date": last or ""}

    def days() -> EventUpdate:
        first_day, last_day = _date(first, event.date), _date(last, event.last_day, field="last_date")
        if last_day == event.last_day:  # as it was: moving the first day of a one-day event moves it too
            return EventUpdate(date=first_day)
        return EventUpdate(date=first_day, last_date=last_day)

    return await desk.act(
        section="slots",
        form="days",
        values=values,
        parse=days,
        work=lambda s, update: events.update_event(session=s, event_id=event_id, update=update, actor=actor),
    )


@router.post("/e/{slug}/facilitate/slots", dependencies=[CsrfChecked])
async def add_slot(
    desk: DeskDep,
    day: Annotated[str | None, Form(alias="date")] = None,
    starts: FormField = None,
    ends: FormField = None,
    label: FormField = None,
    kind: FormField = None,
) -> Response:
    event_id, event_date = desk.event_id, desk.event.date
    values = {"date": day or "", "starts": starts or "", "ends": ends or "", "label": label or "", "kind": kind or ""}
    return await desk.act(
        section="slots",
        form="add",
        values=values,
        parse=lambda: _slot_times(day, starts, ends, event_date),
        work=lambda s, times: wall_setup.add_slot(
            session=s,
            event_id=event_id,
            starts_at=times[0],
            ends_at=times[1],
            label=values["label"],
            kind=values["kind"] or SlotKind.sessions,
            actor=desk.actor,
        ),
    )


@router.post("/e/{slug}/facilitate/slots/{slot_id}", dependencies=[CsrfChecked])
async def update_slot(
    slot_id: RowId,
    desk: DeskDep,
    day: Annotated[str | None, Form(alias="date")] = None,
    starts: FormField = None,
    ends: FormField = None,
    label: FormField = None,
    kind: FormField = None,
) -> Response:
    event_id, event_date = desk.event_id, desk.event.date
    values = {"date": day or "", "starts": starts or "", "ends": ends or "", "label": label or "", "kind": kind or ""}
    return await desk.act(
        section="slots",
        form=f"slot-{slot_id}",
        values=values,
        parse=lambda: _slot_times(day, starts, ends, event_date),
        work=lambda s, times: wall_setup.update_slot(
            session=s,
            event_id=event_id,
            slot_id=slot_id,
            starts_at=times[0],
            ends_at=times[1],
            label=values["label"],
            kind=values["kind"] or None,
            actor=desk.actor,
        ),
    )


@router.post("/e/{slug}/facilitate/slots/{slot_id}/remove", dependencies=[CsrfChecked])
async def remove_slot(slot_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    def ask() -> Confirmation | None:
        row = next((r for r in desk.section_context("slots")["slots"] if r.slot.id == slot_id), None)
        return row and Confirmation(
            question=_(
                "Remove the slot {starts}–{ends}? Topics placed in it return to the marketplace.",
                starts=hour_minute(row.slot.starts_at),
                ends=hour_minute(row.slot.ends_at),
            ),
            action=f"{desk.base}/slots/{slot_id}/remove",
            button=_("Remove the slot"),
        )

    event_id = desk.event_id
    return await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="slots",
        form=f"slot-{slot_id}",
        work=lambda s: wall_setup.remove_slot(session=s, event_id=event_id, slot_id=slot_id, actor=desk.actor),
    )


# --- Topics: the facilitator's own proposals and moderation -----------------------------------------


@router.post("/e/{slug}/facilitate/topics", dependencies=[CsrfChecked])
async def propose_topic(
    desk: DeskDep,
    title: FormField = None,
    description: FormField = None,
    theme_id: FormField = None,
) -> Response:
    """The facilitator convenes a topic (no convener attendee), even when proposals are closed."""
    event_id, actor = desk.event_id, desk.actor
    values = {"title": title or "", "description": description or "", "theme_id": theme_id or ""}
    return await desk.act(
        section="topics",
        form="add",
        values=values,
        parse=lambda: chosen_theme(theme_id),
        work=lambda s, theme: topics.propose_topic(
            session=s,
            event_id=event_id,
            actor=actor,
            title=values["title"],
            description=values["description"],
            theme_id=theme,
        ),
    )


@router.post("/e/{slug}/facilitate/topics/{topic_id}/hide", dependencies=[CsrfChecked])
async def hide_topic(topic_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    def ask() -> Confirmation | None:
        view = next((v for v in desk.section_context("topics")["topics"] if v.topic.id == topic_id), None)
        return view and Confirmation(
            question=_("Hide '{title}' from every page? Its dots go back to their owners.", title=view.topic.title),
            action=f"{desk.base}/topics/{topic_id}/hide",
            button=_("Hide the topic"),
        )

    event_id = desk.event_id
    return await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="topics",
        form=f"topic-{topic_id}",
        work=lambda s: topics.hide_topic(session=s, event_id=event_id, topic_id=topic_id, actor=desk.actor),
    )


@router.post("/e/{slug}/facilitate/attendees/{attendee_id}/ban", dependencies=[CsrfChecked])
async def ban_attendee(attendee_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    """Send away someone who abuses the event: asked once more, as hiding is, because it can't be undone here."""

    def ask() -> Confirmation | None:
        name = attendees.display_name_of(session=desk.session, event_id=desk.event_id, attendee_id=attendee_id)
        return (
            None
            if name is None
            else Confirmation(
                question=_(
                    "Ban {name}? Their topics are hidden, their dots and “I'm going”s taken back, "
                    "and their link stops working on every device.",
                    name=name,
                ),
                action=f"{desk.base}/attendees/{attendee_id}/ban",
                button=_("Ban {name}", name=name),
            )
        )

    event_id = desk.event_id
    response = await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="topics",
        form="section",
        work=lambda s: attendees.ban_attendee(session=s, event_id=event_id, attendee_id=attendee_id, actor=desk.actor),
    )
    desk.request.app.state.known_attendees.forget(attendee_id)
    return response


@router.post("/e/{slug}/facilitate/attendees/{attendee_id}/remove", dependencies=[CsrfChecked])
async def remove_attendee(attendee_id: RowId, desk: DeskDep, confirmed: FormField = None) -> Response:
    """Remove someone as "forget me" does (at their request, say by mail): asked once more, since it can't be
    undone. Unlike a ban, the person may join again."""

    def ask() -> Confirmation | None:
        name = attendees.display_name_of(session=desk.session, event_id=desk.event_id, attendee_id=attendee_id)
        return (
            None
            if name is None
            else Confirmation(
                question=_(
                    "Remove {name} from the event? Their name becomes “a former participant” on their "
                    "topics and notes, their dots and “I'm going”s are removed, and their link stops working. "
                    "They may join again.",
                    name=name,
                ),
                action=f"{desk.base}/attendees/{attendee_id}/remove",
                button=_("Remove {name}", name=name),
            )
        )

    event_id = desk.event_id
    response = await desk.act_once_sure(
        confirmed=confirmed,
        ask=ask,
        section="topics",
        form="section",
        work=lambda s: attendees.remove_attendee(
            session=s, event_id=event_id, attendee_id=attendee_id, by_facilitator=True, actor=desk.actor
        ),
    )
    desk.request.app.state.known_attendees.forget(attendee_id)
    return response


@router.post("/e/{slug}/facilitate/delete", dependencies=[CsrfChecked])
async def delete_event(desk: DeskDep, confirm: FormField = None) -> Response:
    """Delete the whole event, once its slug is typed again (the form says to download the JSON export first).
    A plain form only: the answer is a page of its own, since the event's pages are gone."""
    request, event_id = desk.request, desk.event_id
    name, slug = desk.event.name, desk.event.slug  # read now: the event is gone after the write
    try:
        await desk.writer.run(lambda s: events.delete_event(session=s, event_id=event_id, confirm=confirm))
    except DomainError as error:
        failed = FormError(form="delete", message=error.message)
        return desk.page(
            TAB_OF_SECTION["delete"],
            errors={"delete": failed},
            values={"delete": {"confirm": confirm or ""}},
            status=status_for(error),
        )
    forget_event(request.app, slug)
    forget_facilitator(request, slug)
    forget_attendee(request, slug)
    return render(request, "pages/event_deleted.html", {"name": name, "slug": slug}, headers=NO_STORE)


@router.post("/e/{slug}/facilitate/topics/{topic_id}/merge", dependencies=[CsrfChecked])
async def merge_topic(
    topic_id: RowId,
    desk: DeskDep,
    into_topic_id: FormField = None,
    into: FormField = None,
    confirmed: FormField = None,
) -> Response:
    """Merge this duplicate into the topic chosen (typed with suggestions, or an id); its dots move along.
    Asked once more first, naming both topics; the question's page posts the chosen topic's id again."""
    event_id = desk.event_id

    def pair() -> tuple[int, int]:
        if into_topic_id:
            target_id = _whole_number(into_topic_id, field="into_topic_id")
            if not 1 <= target_id <= MAX_ROW_ID:  # not an id at all (the database would refuse to look it up)
                raise InvalidInput(_("Choose the topic to merge this one into."), field="into_topic_id")
            return topic_id, target_id
        if into:
            return topic_id, topics.merge_target(session=desk.session, event_id=event_id, topic_id=topic_id, typed=into)
        raise InvalidInput(_("Choose the topic to merge this one into."), field="into_topic_id")

    return await desk.merge_once_sure(
        confirmed=confirmed,
        section="topics",
        form=f"topic-{topic_id}",
        parse=pair,
        action=f"{desk.base}/topics/{topic_id}/merge",
        fields=lambda _source, target: {"into_topic_id": str(target)},
    )


@router.get("/e/{slug}/facilitate/topics/{topic_id}/merge-candidates", response_class=HTMLResponse)
def merge_candidates(topic_id: RowId, desk: DeskDep, into: str = "") -> Response:
    """The topics whose title has the words typed so far, as suggestions for the merge field (a few at a time:
    the page never lists every topic beside every topic)."""
    found = topics.merge_candidates(session=desk.session, event_id=desk.event_id, topic_id=topic_id, typed=into)
    context = {"topic_id": topic_id, "candidates": found}
    return render(desk.request, "partials/merge_candidates.html", context, headers=NO_STORE)


def _slot_row(slot: Slot, event: Event) -> SlotRow:
    return SlotRow(
        slot=slot,
        date=slot.starts_at.date().isoformat(),
        starts=f"{slot.starts_at:%H:%M}",
        ends=f"{slot.ends_at:%H:%M}",
        shows_day=event.several_days or slot.starts_at.date() != event.date,
    )


def _base(event: Event) -> str:
    return f"/e/{event.slug}/facilitate"


# --- Reading what a form sent (the rules on the values stay in the services) ------------------------


# Which section, and which of its forms, a field posted to …/event comes from (the phase switches otherwise).
EVENT_FORMS: dict[str, tuple[Section, str]] = {
    "votes_per_attendee": ("event", "budget"),
    "topic_limit": ("event", "topic_limit"),
    "join_code": ("event", "join_code"),
    "name": ("event", "name"),
    "language": ("event", "language"),
    "board_second_language": ("event", "language"),
    "board_mode": ("board", "board"),
    "board_cycle_seconds": ("board", "board"),
    "board_contrast": ("board", "contrast"),
}


def _event_form(sent: dict[str, str]) -> tuple[Section, str]:
    """Which section and form a post to …/event came from: answered with that section, the message beside that form."""
    return next((EVENT_FORMS[field] for field in EVENT_FORMS if field in sent), ("phases", "phases"))


def _whole_number(value: str | None, *, field: str) -> int:
    empty, not_whole = NUMBER_REFUSALS[field]
    text = (value or "").strip()
    if not text:
        raise InvalidInput(empty, field=field)
    try:
        return int(text)
    except ValueError:
        # The sentence marked above, with what was typed put in.
        raise InvalidInput(Text(not_whole.msgid, typed=text[:20]), field=field) from None


def _switch(value: str, *, field: str) -> bool:
    if value in ("true", "false"):
        return value == "true"
    raise InvalidInput(_("The switch {field} is 'true' or 'false'.", field=field), field=field)


def _direction(value: str | None) -> int:
    if value == "left":
        return -1
    if value == "right":
        return 1
    raise InvalidInput(_("A room moves 'left' or 'right'."), field="direction")


def _slot_times(day: str | None, starts: str | None, ends: str | None, event_date: date) -> tuple[datetime, datetime]:
    """The slot's start and end on its date (the event's date unless another is given), as the venue's clock reads."""
    on = _date(day, event_date)
    return datetime.combine(on, _time(starts, "start")), datetime.combine(on, _time(ends, "end"))


# What a slot's start or end time is refused with: left empty, or not a time.
TIME_REFUSALS: dict[str, tuple[Text, Text]] = {
    "start": (
        _("Give the slot's start time, like 09:30."),
        _("The start time must look like 09:30 (hours:minutes)."),
    ),
    "end": (
        _("Give the slot's end time, like 09:30."),
        _("The end time must look like 09:30 (hours:minutes)."),
    ),
}


def _date(value: str | None, default: date, *, field: str = "date") -> date:
    text = (value or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("The date must look like 2026-11-24."), field=field) from None


def _time(value: str | None, which: str) -> time:
    empty, not_a_time = TIME_REFUSALS[which]
    text = (value or "").strip()
    if not text:
        raise InvalidInput(empty, field=f"{which}s")
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(not_a_time, field=f"{which}s") from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)
