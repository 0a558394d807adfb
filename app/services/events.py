"""Events: creation, phase switches, the dot budget, the join code, the facilitator key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import bindparam, delete, func, select, update
from sqlmodel import Session, col

from app import i18n
from app.db import exec_select
from app.i18n import LANGUAGES, SOURCE_LANGUAGE, _, _n, joined
from app.models import ActivityKind, Attendee, Event, Topic, TopicStatus, Vote, id_of
from app.models.event import (
    BOARD_CYCLE_RANGE,
    BOARD_MODES,
    EVENT_NAME_MAX,
    JOIN_CODE_MAX,
    MAX_EVENT_DAYS,
    MAX_VOTES_PER_ATTENDEE,
    SLUG_PATTERN,
    TOPIC_LIMIT_RANGE,
    EventUpdate,
)
from app.services import activity, calendar_changes, team, wall_setup
from app.services.actors import Actor
from app.services.changes import BoardChange, Written
from app.services.errors import Conflict, InvalidInput, NotFound
from app.services.text import clean_line


@dataclass(frozen=True)
class NewEvent:
    """A freshly created event and its facilitator key, which exists in clear only here."""

    event: Event
    facilitator_key: str


# Built once: nearly every request reads its event by the slug in its path (app/db.py's exec_select says why).
_BY_SLUG = select(Event).where(col(Event.slug) == bindparam("slug"))


def get_event(*, session: Session, slug: str) -> Event:
    event = exec_select(session, _BY_SLUG, slug=slug).scalars().first()
    if event is None:
        raise NotFound(_("There is no event '{slug}'. Check the link you were given.", slug=slug))
    return event


def create_event(
    *,
    session: Session,
    name: str,
    timezone: str,
    date: date,
    last_date: date | None = None,
    slug: str | None = None,
    join_code: str | None = None,
    votes_per_attendee: int = 5,
    facilitator_name: str | None = None,
    language: str = SOURCE_LANGUAGE,
) -> Written[NewEvent]:
    """A new event, with its first facilitator ("Facilitator" unless named), whose key is answered here once.

    It lasts from `date` to `last_date`, or the one day `date` when no last day is given.
    """
    name = clean_line(name, field="name", label=_("The event's name"), max_length=EVENT_NAME_MAX)
    last_date = last_date or date
    _check_days(date, last_date)
    _check_timezone(timezone)
    _check_budget(votes_per_attendee)
    _check_language(language, field="language")
    if slug:
        slug = slug.strip().lower()
        if not re.fullmatch(SLUG_PATTERN, slug):
            raise InvalidInput(
                _("The slug may use lowercase letters, digits and dashes (not at either end), at most 60."),
                field="slug",
            )
        if _slug_taken(session, slug):
            raise Conflict(_("The slug '{slug}' is already used by another event.", slug=slug))
    else:
        slug = _free_slug(session, slugify(name))
    event = Event(
        name=name,
        slug=slug,
        timezone=timezone,
        date=date,
        last_date=last_date,
        votes_per_attendee=votes_per_attendee,
        join_code=_clean_join_code(join_code),
        language=language,
    )
    session.add(event)
    session.flush()
    first = team.found_team(session=session, event_id=id_of(event), name=facilitator_name)
    return Written(NewEvent(event=event, facilitator_key=first.key), None)  # no page of it is open yet


def update_event(*, session: Session, event_id: int, update: EventUpdate, actor: Actor | None = None) -> Written[Event]:
    """Change the settings the update sets, and only those, once each passes its rule."""
    event = _load_for_update(session, event_id)
    changes = update.model_dump(exclude_unset=True)
    cleared = sorted(name for name, value in changes.items() if value is None and name not in CLEARABLE)
    if cleared:
        raise InvalidInput(
            _(
                "These can't be empty: {settings}. Only the join code and the board's second language can be cleared.",
                settings=", ".join(cleared),  # the settings' names, as the API calls them
            )
        )
    # From here a setting other than the join code is None exactly when the update leaves it alone.
    if update.name is not None:
        changes["name"] = clean_line(update.name, field="name", label=_("The event's name"), max_length=EVENT_NAME_MAX)
    if update.timezone is not None:
        _check_timezone(update.timezone)
    if update.date is not None or update.last_date is not None:
        first, last = _new_days(event, update)
        _check_days(first, last)
        _check_slots_within(session, event_id, first, last)
        changes["last_date"] = last
    if update.votes_per_attendee is not None:
        _check_budget(update.votes_per_attendee)
        most_spent = _most_votes_held(session, event_id)
        if update.votes_per_attendee < most_spent:
            raise Conflict(
                _n(
                    "Someone has already spent {count} dots; the budget can't go below that "
                    "(nobody may hold more dots than the budget).",
                    "Someone has already spent {count} dots; the budget can't go below that "
                    "(nobody may hold more dots than the budget).",
                    most_spent,
                )
            )
    if "join_code" in changes:
        changes["join_code"] = _clean_join_code(update.join_code)
    if update.board_mode is not None:
        _check_board_mode(update.board_mode)
    if update.board_cycle_seconds is not None:
        _check_board_cycle_seconds(update.board_cycle_seconds)
    if update.topic_limit is not None:
        _check_topic_limit(update.topic_limit)
    if update.language is not None:
        _check_language(update.language, field="language")
    if update.board_second_language is not None:
        _check_language(update.board_second_language, field="board_second_language")
    # A one-day event moved by its date alone: its last day follows, not worth a word of its own.
    said = _said_changes(event, {k: v for k, v in changes.items() if k in update.model_fields_set})
    if update.timezone is not None and update.timezone != event.timezone:
        calendar_changes.zone_changed(session=session, event_id=event_id)  # every session is at another instant
    # A dict, not the model: given a model, sqlmodel_update copies its unset fields (None) too.
    event.sqlmodel_update(changes)
    session.add(event)
    session.flush()
    if said:
        activity.record(session=session, actor=actor, event_id=event_id, kind=ActivityKind.event, summary=said)
    return Written(event, event_change(event_id))


# How the activity list says a switch was turned on and off (words said in the event's language when recorded).
SWITCH_WORDS = {
    "proposals_open": (_("opened proposals"), _("closed proposals")),
    "voting_open": (_("opened voting"), _("closed voting")),
    "self_placement": (_("let conveners place their own topics"), _("stopped conveners placing their topics")),
    "notes_locked": (_("locked the notes"), _("unlocked the notes")),
    "theme_required": (_("asked every proposal for a theme"), _("stopped asking proposals for a theme")),
    "harvest_published": (_("published the harvest"), _("unpublished the harvest")),
}
SETTING_WORDS: dict[str, Callable[[object], str]] = {
    "name": lambda _value: _("renamed the event"),
    "timezone": lambda _value: _("changed the time zone"),
    "date": lambda _value: _("changed the date"),
    "last_date": lambda _value: _("changed the last day"),
    "votes_per_attendee": lambda value: _("set the dot budget to {value}", value=value),
    "join_code": lambda _value: _("changed the join code"),
    # Translators: {value} is the board's mode as the settings name it: cycle, wall, now, themes, market or join.
    "board_mode": lambda value: _("set the board to {value}", value=value),
    "board_cycle_seconds": lambda value: _("set the board to {value} seconds a mode", value=value),
    "topic_limit": lambda value: _("set the most topics to {value}", value=value),
    # Translators: {value} is a language's code (en, es, de, cy).
    "language": lambda value: _("set the language to {value}", value=value),
    "board_second_language": lambda value: _("set the board's second language to {value}", value=value),
}


def _said_changes(event: Event, changes: dict[str, object]) -> str:
    """What an update changes, in words ("opened voting, set the dot budget to 6"); empty when nothing changes."""
    said: list[str] = []
    for name, value in changes.items():
        if getattr(event, name) == value:
            continue
        if name in SWITCH_WORDS:
            said.append(SWITCH_WORDS[name][0 if value else 1])
        elif name == "join_code" and value is None:
            said.append(_("removed the join code"))
        elif name == "board_second_language" and value is None:
            said.append(_("showed the board in one language"))
        elif name in SETTING_WORDS:
            said.append(SETTING_WORDS[name](value))
        else:
            said.append(_("changed {setting}", setting=name))
    return joined(said, ", ")


# Settings an explicit null clears.
CLEARABLE = frozenset({"join_code", "board_second_language"})


def _new_days(event: Event, update: EventUpdate) -> tuple[date, date]:
    """The first and last day an update asks for. Moving the first day alone moves a one-day event whole (its
    last day with it); an event of several days keeps its last day."""
    first = update.date or event.date
    if update.last_date is not None:
        return first, update.last_date
    return first, (event.last_day if event.several_days else first)


def _check_days(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput(
            _(
                "The last day ({last}) can't be before the first ({first}).",
                last=i18n.day_name(last),
                first=i18n.day_name(first),
            ),
            field="last_date",
        )
    if (last - first).days + 1 > MAX_EVENT_DAYS:
        raise InvalidInput(
            _("An event lasts at most {most} days, the first and the last included.", most=MAX_EVENT_DAYS),
            field="last_date",
        )


def _check_slots_within(session: Session, event_id: int, first: date, last: date) -> None:
    """New days must hold every slot already set up (they stay where they are: refused rather than moved)."""
    outside = [
        slot
        for slot in wall_setup.list_slots(session=session, event_id=event_id)
        if not first <= slot.starts_at.date() <= last
    ]
    if not outside:
        return
    slot = outside[0]
    others = len(outside) - 1
    named = wall_setup.slot_on_its_day(slot)
    if others:
        raise Conflict(
            _n(
                "The slot {slot} and {count} other would be outside the event's days: move or remove them first.",
                "The slot {slot} and {count} others would be outside the event's days: move or remove them first.",
                others,
                slot=named,
            )
        )
    raise Conflict(_("The slot {slot} would be outside the event's days: move or remove it first.", slot=named))


def _check_language(language: str, *, field: str) -> None:
    if language not in LANGUAGES:
        known = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
        raise InvalidInput(
            _("Hallway doesn't speak '{language}' yet; choose one of {known}.", language=language, known=known),
            field=field,
        )


def event_change(event_id: int) -> BoardChange:
    """The event's name, phase switches or board settings changed: every live page shows them."""
    return BoardChange.of(event_id, "event", event=True)


def _check_board_mode(mode: str) -> None:
    if mode not in BOARD_MODES:
        raise InvalidInput(
            _(
                "The board shows one of: cycle (each mode in turn), wall, now (now and next), themes (the sessions "
                "of each theme, now and next), market or join (the QR code, large)."
            ),
            field="board_mode",
        )


def _check_board_cycle_seconds(seconds: int) -> None:
    low, high = BOARD_CYCLE_RANGE
    if not low <= seconds <= high:
        raise InvalidInput(
            _("Each board mode shows for {low} to {high} seconds when cycling.", low=low, high=high),
            field="board_cycle_seconds",
        )


def _check_topic_limit(limit: int) -> None:
    low, high = TOPIC_LIMIT_RANGE
    if not low <= limit <= high:
        raise InvalidInput(
            _("An event takes between {low} and {high} topics.", low=low, high=high), field="topic_limit"
        )


def rotate_facilitator_key(
    *, session: Session, event_id: int, facilitator_id: int | None = None, actor: Actor | None = None
) -> Written[str]:
    """Give a member of the team a new key (the event's first member when none is named), returned in clear
    only here; the old key stops working at once."""
    if facilitator_id is None:
        first = team.first_member(session=session, event_id=event_id)
        if first is None:
            raise NotFound(_("This event has no facilitator left."))
        facilitator_id = id_of(first)
    return team.replace_key(session=session, event_id=event_id, facilitator_id=facilitator_id, actor=actor)


def delete_event(*, session: Session, event_id: int, confirm: str | None) -> Written[str]:
    """Delete the event and everything in it: people, topics, dots, the wall, notes and their history.

    `confirm` must be the event's slug, typed again: nothing asks twice after this, and nothing brings it back
    (the JSON export is the way to keep a copy). Every table below the event goes with it by its foreign key
    (ON DELETE CASCADE); a topic's theme is let go of first, since that key cascades nowhere.
    """
    event = _load_for_update(session, event_id)
    if (confirm or "").strip() != event.slug:
        raise InvalidInput(
            _(
                "To delete this event, type its short name ({slug}) in confirm, exactly: "
                "nothing of it can be brought back afterwards.",
                slug=event.slug,
            ),
            field="confirm",
        )
    slug = event.slug
    session.exec(update(Topic).where(col(Topic.event_id) == event_id).values(theme_id=None))
    session.exec(delete(Event).where(col(Event.id) == event_id))
    session.flush()
    return Written(slug, None)  # no page of it is left to tell: each now answers 404


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    return slug or "event"


def _free_slug(session: Session, base: str) -> str:
    slug, n = base, 1
    while _slug_taken(session, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_taken(session: Session, slug: str) -> bool:
    return exec_select(session, select(col(Event.id)).where(col(Event.slug) == slug)).first() is not None


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a region's folder ("Europe") or a name too long for the file system, read as a path.
        raise InvalidInput(
            _("'{timezone}' is not a time zone we know. Use an IANA name such as Europe/London.", timezone=timezone),
            field="timezone",
        ) from None
    if timezone not in available_timezones() and timezone != "UTC":
        raise InvalidInput(_("'{timezone}' is not an IANA time zone name.", timezone=timezone), field="timezone")


def _check_budget(budget: int) -> None:
    if not 1 <= budget <= MAX_VOTES_PER_ATTENDEE:
        raise InvalidInput(
            _("The dot budget must be between 1 and {most}.", most=MAX_VOTES_PER_ATTENDEE), field="votes_per_attendee"
        )


def _clean_join_code(code: str | None) -> str | None:
    if code is None:
        return None
    code = clean_line(code, field="join_code", label=_("The join code"), max_length=JOIN_CODE_MAX, required=False)
    return code or None


def _most_votes_held(session: Session, event_id: int) -> int:
    per_attendee = (
        select(func.count(col(Vote.id)).label("n"))
        .join(Attendee, col(Attendee.id) == col(Vote.attendee_id))
        .join(Topic, col(Topic.id) == col(Vote.topic_id))
        .where(col(Attendee.event_id) == event_id, col(Topic.status).in_([TopicStatus.proposed, TopicStatus.placed]))
        .group_by(col(Vote.attendee_id))
        .subquery()
    )
    most: int = exec_select(session, select(func.coalesce(func.max(per_attendee.c.n), 0))).scalar_one()
    return most


def _load_for_update(session: Session, event_id: int) -> Event:
    event = exec_select(session, select(Event).where(col(Event.id) == event_id).with_for_update()).scalars().first()
    if event is None:
        raise NotFound(_("This event no longer exists."))
    return event
