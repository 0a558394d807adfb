"""Who may do what: every route of the app x every kind of caller, and the answer each one must get.

`ROUTES` says, for every (method, path) in `create_app(settings).routes`, who may call it (a `Policy`) and
what to send (path parameters resolved to rows of the world below, and a body that would succeed).
`test_every_route_has_an_entry` fails on a route without an entry, naming it and what to add.
`test_route_answers_each_caller` sends each route's request as each caller, and checks that:
- an allowed caller is answered, not refused, and its write happens (the database changes);
- a refused caller gets the refusal it should (401, 403, the join form…), never a 2xx, and nothing in the
  database changes (a fingerprint of every table, the board's version included, is equal before and after).

`test_rows_of_an_event_are_out_of_reach_from_another` sends every route that names a row (in its path or
its body) as the facilitator and an attendee of another event, at their own event's address, with this
event's rows: not found there (404), and nothing written. The live board's websocket is public: each caller
gets its snapshot.

Adding a route is one line in `ROUTES`; a route whose refusals differ from its policy's usual ones says so
with `refused={caller: status}`, and one that answers otherwise from another event's address with `across`.

Speed: one app and one world for the module. The world's database is saved once and put back before each
request, so a write allowed in one case (a room removed, the facilitator key replaced) never leaks into
the next; each caller's cookies are put back too. SQLite only: who may do what is decided in Python, the
same on both databases.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount, WebSocketRoute
from starlette.testclient import TestClient

from app.config import Settings
from app.db import connect
from app.main import SESSION_COOKIE, create_app
from app.models import Attendee
from app.routes.pages.schedule import DEFAULT_VALUES as PROPOSE_DEFAULTS
from app.services.links import calendar_links
from tests.conftest import ADMIN_TOKEN
from tests.factories import AttendeeWithToken, Factory
from tests.routes.pages_helpers import join, page_csrf

SLUG = "hall"
OTHER_SLUG = "elsewhere"
EVENT_DATE = "2026-11-24"  # tests/factories.py EVENT_DATE
NO_LIMIT = "100000/minute"  # ~700 requests from a handful of callers: the rate limits must not answer first


class Caller(Enum):
    ANONYMOUS = "anonymous"
    ATTENDEE = "attendee"  # of this event; convenes nothing in the path
    CONVENER = "convener"  # an attendee of this event who convenes the topics in the path
    STRANGER_ATTENDEE = "attendee-of-another-event"
    STRANGER_FACILITATOR = "facilitator-of-another-event"
    FACILITATOR = "facilitator"
    ADMIN = "admin"  # of the deployment (HALLWAY_ADMIN_TOKEN, also given on /admin): no role in any event


# Callers who hold a credential, but not one of this event: the API answers their bearer token 401.
STRANGERS = {Caller.STRANGER_ATTENDEE, Caller.STRANGER_FACILITATOR, Caller.ADMIN}


class Policy(Enum):
    """Who may call a route."""

    PUBLIC = "anyone"
    # Anyone; but the route reads the bearer token (the facilitator sees more), and a token that is not
    # this event's is answered 401, so that a script learns its key is wrong instead of reading as nobody.
    PUBLIC_KEYED = "anyone; a bearer token sent must be this event's"
    ATTENDEE = "an attendee of the event"
    CONVENER = "the topic's convener"
    INVITEE = "the attendee invited to co-convene the topic"
    KNOWN = "an attendee of the event or its facilitator"
    CONVENER_OR_FACILITATOR = "the topic's convener or the facilitator"
    FACILITATOR = "the event's facilitator"
    ADMIN = "the deployment's admin"
    # HALLWAY_METRICS_TOKEN, or a process on the server itself when none is set: none of the callers here.
    MONITORING = "the deployment's monitoring"


ALLOWED: dict[Policy, set[Caller]] = {
    Policy.PUBLIC: set(Caller),
    Policy.PUBLIC_KEYED: set(Caller) - STRANGERS,
    Policy.ATTENDEE: {Caller.ATTENDEE, Caller.CONVENER},
    Policy.CONVENER: {Caller.CONVENER},
    Policy.INVITEE: {Caller.ATTENDEE},
    Policy.KNOWN: {Caller.ATTENDEE, Caller.CONVENER, Caller.FACILITATOR},
    Policy.CONVENER_OR_FACILITATOR: {Caller.CONVENER, Caller.FACILITATOR},
    Policy.FACILITATOR: {Caller.FACILITATOR},
    Policy.ADMIN: {Caller.ADMIN},
    Policy.MONITORING: set(),
}

JOIN_FORM = "join form"  # an outcome: the page answers the join form (200) instead of what was asked


@dataclass(frozen=True)
class World:
    """The rows a request names, by what they are for."""

    topic: int  # convened by the convener, placed (main hall, first slot), with two saved versions of notes
    second_topic: int  # convened by the convener, placed (main hall, second slot); attendee and convener go
    other_topic: int  # convened by the convener, not placed, nobody's dot on it: a merge target, a vote
    duplicate: int  # convened by the facilitator, not placed: merged into other_topic
    main_hall: int
    garden: int  # empty: topics are placed into it
    spare_room: int  # empty: changed and removed
    first_slot: int  # nobody says "I'm going" in it yet
    second_slot: int
    spare_slot: int  # empty: changed, removed, placed into
    calendar_token: str  # the attendee's private calendar feed
    attendee: int  # Ada, the attendee caller: the one banned, or removed; invited to co-convene the topic
    theme: int  # the topic's theme: renamed, removed
    facilitator_key: str  # what the facilitator link carries after its #
    member: int  # Sam, a second member of the facilitation team: removed
    activity: int  # the facilitator's hiding of a spam topic, in the activity list: undone
    invitable: int  # Bo, an attendee who is no caller: invited to co-convene the topic

    def path_params(self) -> dict[str, str | int]:
        return {
            "slug": SLUG,
            "topic_id": self.topic,
            "room_id": self.spare_room,
            "slot_id": self.spare_slot,
            "version": 1,
            "section": "rooms",
            "export_format": "csv",
            "token": self.calendar_token,
            "attendee_id": self.attendee,
            "theme_id": self.theme,
            "facilitator_id": self.member,
            "activity_id": self.activity,
        }

    def wall(self, *, moved: bool = False) -> str:
        """The wall as the schedule page's Apply form carries it: today's, or with the topic moved."""
        cell = (self.garden, self.spare_slot) if moved else (self.main_hall, self.first_slot)
        return json.dumps(
            [
                {"topic_id": self.topic, "room_id": cell[0], "slot_id": cell[1]},
                {"topic_id": self.second_topic, "room_id": self.main_hall, "slot_id": self.second_slot},
            ]
        )


Build = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One route's entry: who may call it, and what to send (each a function of the world's rows)."""

    policy: Policy
    json: Build | None = None
    form: Build | None = None
    path: Build | None = None  # path parameters other than World.path_params' defaults
    query: Build | None = None
    writes: bool | None = None  # whether an allowed call changes the database; by default, all but GET
    refused: Mapping[Caller, int | str] = field(default_factory=dict)  # where a refusal differs from the usual
    # Sent by the facilitator or an attendee of another event to that event's address, with this event's rows:
    # 404 (no such row there) unless this says otherwise; False leaves the route out (it reads no row).
    across: int | bool = 404


# fmt: off
ROUTES: dict[tuple[str, str], Case] = {
    # --- Not of an event ---
    ("GET", "/"): Case(Policy.PUBLIC),
    ("GET", "/docs"): Case(Policy.PUBLIC),
    ("GET", "/openapi.json"): Case(Policy.PUBLIC),
    ("GET", "/sw.js"): Case(Policy.PUBLIC),  # the service worker (app/routes/pages/offline.py)
    ("GET", "/healthz"): Case(Policy.PUBLIC),  # for whoever runs the deployment (app/routes/operations.py)
    ("GET", "/readyz"): Case(Policy.PUBLIC),
    ("GET", "/metrics"): Case(Policy.MONITORING),  # who may: tests/routes/test_operations.py
    ("POST", "/api/events"): Case(Policy.ADMIN, json=lambda w: {"name": "Spring Gathering", "date": "2027-04-01"}),
    ("GET", "/api/events"): Case(Policy.ADMIN),
    ("POST", "/api/events/{slug}/copy"): Case(Policy.ADMIN, json=lambda w: {"date": "2027-11-24", "slug": "hall-again"}),
    # --- Pages: the organisers' (the admin token, given once on the page) ---
    ("GET", "/admin"): Case(Policy.ADMIN),  # anyone else: the sign-in form, 403, no event named
    # Whoever holds the token becomes an organiser: the token is the permission (a wrong one: tests/routes/test_pages_admin.py).
    ("POST", "/admin/enter"): Case(Policy.PUBLIC, form=lambda w: {"token": ADMIN_TOKEN}, writes=False, across=False),
    ("POST", "/admin/leave"): Case(Policy.PUBLIC, writes=False, across=False),  # forgets this browser's pass, if any
    ("POST", "/admin/events"): Case(Policy.ADMIN, form=lambda w: {"name": "Spring", "date": "2027-04-01", "timezone": "UTC"}),
    ("POST", "/admin/events/{slug}/copy"): Case(Policy.ADMIN, form=lambda w: {"date": "2027-11-24", "slug": "hall-again"}),
    ("POST", "/admin/events/{slug}/delete"): Case(Policy.ADMIN, form=lambda w: {"confirm": SLUG}),
    ("GET", "/admin/events/{slug}/export.json"): Case(Policy.ADMIN),
    # --- The API: events, rooms, slots ---
    ("GET", "/api/events/{slug}"): Case(Policy.PUBLIC),
    ("PATCH", "/api/events/{slug}"): Case(Policy.FACILITATOR, json=lambda w: {"name": "The Hall"}),
    ("POST", "/api/events/{slug}/facilitator-key"): Case(Policy.FACILITATOR),
    ("DELETE", "/api/events/{slug}"): Case(Policy.FACILITATOR, json=lambda w: {"confirm": SLUG}),
    ("GET", "/api/events/{slug}/facilitators"): Case(Policy.FACILITATOR, across=False),
    ("POST", "/api/events/{slug}/facilitators"): Case(Policy.FACILITATOR, json=lambda w: {"name": "Kim"}),
    ("DELETE", "/api/events/{slug}/facilitators/{facilitator_id}"): Case(Policy.FACILITATOR),
    ("GET", "/api/events/{slug}/activity"): Case(Policy.FACILITATOR, across=False),
    ("POST", "/api/events/{slug}/activity/{activity_id}/undo"): Case(Policy.FACILITATOR),
    ("GET", "/api/events/{slug}/themes"): Case(Policy.PUBLIC),
    ("POST", "/api/events/{slug}/themes"): Case(Policy.FACILITATOR, json=lambda w: {"name": "Data", "mark": "moon"}),
    ("PATCH", "/api/events/{slug}/themes/{theme_id}"): Case(Policy.FACILITATOR, json=lambda w: {"name": "Care"}),
    ("DELETE", "/api/events/{slug}/themes/{theme_id}"): Case(Policy.FACILITATOR),
    ("GET", "/api/events/{slug}/rooms"): Case(Policy.PUBLIC),
    ("POST", "/api/events/{slug}/rooms"): Case(Policy.FACILITATOR, json=lambda w: {"name": "Cellar", "capacity": 8}),
    ("PATCH", "/api/events/{slug}/rooms/{room_id}"): Case(Policy.FACILITATOR, json=lambda w: {"name": "Loft"}),
    ("DELETE", "/api/events/{slug}/rooms/{room_id}"): Case(Policy.FACILITATOR),
    ("GET", "/api/events/{slug}/slots"): Case(Policy.PUBLIC),
    ("POST", "/api/events/{slug}/slots"): Case(Policy.FACILITATOR, json=lambda w: {"starts_at": f"{EVENT_DATE}T17:00", "ends_at": f"{EVENT_DATE}T18:00"}),
    ("PATCH", "/api/events/{slug}/slots/{slot_id}"): Case(Policy.FACILITATOR, json=lambda w: {"label": "Late"}),
    ("DELETE", "/api/events/{slug}/slots/{slot_id}"): Case(Policy.FACILITATOR),
    ("POST", "/api/events/{slug}/announcements"): Case(Policy.FACILITATOR, json=lambda w: {"text": "Lunch is served"}),
    ("GET", "/api/events/{slug}/announcements"): Case(Policy.PUBLIC),
    ("POST", "/api/events/{slug}/schedule"): Case(Policy.FACILITATOR, json=lambda w: {"apply": False, "time_limit": 1}, writes=False),
    ("GET", "/api/events/{slug}/export"): Case(Policy.FACILITATOR, query=lambda w: {"format": "csv"}),
    ("GET", "/api/events/{slug}/harvest"): Case(Policy.FACILITATOR),  # anyone's once published; the world's is not
    # --- The API: attendees, topics, votes ---
    ("POST", "/api/events/{slug}/attendees"): Case(Policy.PUBLIC, json=lambda w: {"display_name": "Newcomer"}),
    ("GET", "/api/events/{slug}/me"): Case(Policy.ATTENDEE),
    ("PATCH", "/api/events/{slug}/me"): Case(Policy.ATTENDEE, json=lambda w: {"name_listed": False}),
    ("DELETE", "/api/events/{slug}/attendees/me"): Case(Policy.ATTENDEE),
    ("DELETE", "/api/events/{slug}/attendees/{attendee_id}"): Case(Policy.FACILITATOR),
    ("GET", "/api/events/{slug}/me/calendar"): Case(Policy.ATTENDEE),
    ("GET", "/api/events/{slug}/topics"): Case(Policy.PUBLIC),
    ("POST", "/api/events/{slug}/topics"): Case(Policy.KNOWN, json=lambda w: {"title": "Open questions"}),
    ("GET", "/api/events/{slug}/topics/similar"): Case(Policy.PUBLIC, query=lambda w: {"title": "Remote work"}, across=False),
    ("GET", "/api/events/{slug}/duplicates"): Case(Policy.FACILITATOR, across=False),
    ("POST", "/api/events/{slug}/duplicates/not"): Case(Policy.FACILITATOR, json=lambda w: {"topic_id": w.topic, "other_topic_id": w.other_topic}),
    ("GET", "/api/events/{slug}/topics/{topic_id}"): Case(Policy.PUBLIC_KEYED),
    ("PATCH", "/api/events/{slug}/topics/{topic_id}"): Case(Policy.CONVENER_OR_FACILITATOR, json=lambda w: {"title": "Remote work, again"}),
    ("DELETE", "/api/events/{slug}/topics/{topic_id}"): Case(Policy.CONVENER_OR_FACILITATOR),
    ("POST", "/api/events/{slug}/topics/{topic_id}/hide"): Case(Policy.FACILITATOR),
    ("POST", "/api/events/{slug}/attendees/{attendee_id}/ban"): Case(Policy.FACILITATOR),
    ("POST", "/api/events/{slug}/topics/{topic_id}/merge"): Case(Policy.FACILITATOR, path=lambda w: {"topic_id": w.duplicate}, json=lambda w: {"into_topic_id": w.other_topic}),
    ("PUT", "/api/events/{slug}/topics/{topic_id}/vote"): Case(Policy.ATTENDEE, path=lambda w: {"topic_id": w.other_topic}),
    ("DELETE", "/api/events/{slug}/topics/{topic_id}/vote"): Case(Policy.ATTENDEE),
    # --- The API: co-conveners (Ada, the attendee caller, is invited to co-convene the topic) ---
    ("GET", "/api/events/{slug}/topics/{topic_id}/conveners"): Case(Policy.PUBLIC_KEYED),
    ("POST", "/api/events/{slug}/topics/{topic_id}/conveners"): Case(Policy.CONVENER_OR_FACILITATOR, json=lambda w: {"attendee_id": w.invitable}),
    ("POST", "/api/events/{slug}/topics/{topic_id}/conveners/{attendee_id}/accept"): Case(Policy.INVITEE),
    # Ada declines, Cleo (its convener) takes the invitation back, or the facilitator does.
    ("DELETE", "/api/events/{slug}/topics/{topic_id}/conveners/{attendee_id}"): Case(Policy.KNOWN),
    # --- The API: the wall ---
    ("GET", "/api/events/{slug}/board"): Case(Policy.PUBLIC),
    ("PUT", "/api/events/{slug}/topics/{topic_id}/placement"): Case(Policy.CONVENER_OR_FACILITATOR, json=lambda w: {"room_id": w.garden, "slot_id": w.spare_slot}),
    ("DELETE", "/api/events/{slug}/topics/{topic_id}/placement"): Case(Policy.CONVENER_OR_FACILITATOR),
    # Known callers pass the route; the service keeps pins to the facilitator (so nobody known is a 401).
    ("PUT", "/api/events/{slug}/topics/{topic_id}/pin"): Case(Policy.FACILITATOR, json=lambda w: {"pinned": True}, refused={Caller.ANONYMOUS: 401}),
    ("PUT", "/api/events/{slug}/slots/{slot_id}/attendance"): Case(Policy.ATTENDEE, path=lambda w: {"slot_id": w.first_slot}, json=lambda w: {"topic_id": w.topic}),
    ("DELETE", "/api/events/{slug}/slots/{slot_id}/attendance"): Case(Policy.ATTENDEE, path=lambda w: {"slot_id": w.second_slot}),
    ("GET", "/api/events/{slug}/topics/{topic_id}/constraints"): Case(Policy.PUBLIC),
    # Known callers pass the route; the service lets the convener and the facilitator in.
    ("PUT", "/api/events/{slug}/topics/{topic_id}/constraints"): Case(Policy.CONVENER_OR_FACILITATOR, json=lambda w: {"min_room_capacity": 5}),
    # --- The API: notes ---
    ("GET", "/api/events/{slug}/topics/{topic_id}/notes"): Case(Policy.PUBLIC_KEYED),
    ("PUT", "/api/events/{slug}/topics/{topic_id}/notes"): Case(Policy.KNOWN, json=lambda w: {"body": "Third thoughts", "base_version": 2}),
    ("GET", "/api/events/{slug}/topics/{topic_id}/notes/revisions"): Case(Policy.PUBLIC_KEYED),
    ("GET", "/api/events/{slug}/topics/{topic_id}/notes/revisions/{version}"): Case(Policy.PUBLIC_KEYED),
    ("POST", "/api/events/{slug}/topics/{topic_id}/notes/revisions/{version}/restore"): Case(Policy.KNOWN),
    # --- Pages: join and the marketplace ---
    ("GET", "/e/{slug}"): Case(Policy.ATTENDEE, refused=dict.fromkeys(Caller, JOIN_FORM)),
    ("POST", "/e/{slug}/join"): Case(Policy.PUBLIC, form=lambda w: {"display_name": "Newcomer"}),
    ("POST", "/e/{slug}/topics"): Case(Policy.ATTENDEE, form=lambda w: {"title": "Open questions"}),
    ("POST", "/e/{slug}/topics/{topic_id}/vote"): Case(Policy.ATTENDEE, path=lambda w: {"topic_id": w.other_topic}),
    ("POST", "/e/{slug}/topics/{topic_id}/unvote"): Case(Policy.ATTENDEE),
    ("POST", "/e/{slug}/topics/{topic_id}/edit"): Case(Policy.CONVENER, form=lambda w: {"title": "Remote work, again"}),
    ("POST", "/e/{slug}/topics/{topic_id}/withdraw"): Case(Policy.CONVENER, form=lambda w: {"confirmed": "yes"}),
    ("GET", "/e/{slug}/topics/{topic_id}/conveners/search"): Case(Policy.CONVENER, query=lambda w: {"q": "Bo"}),
    ("POST", "/e/{slug}/topics/{topic_id}/conveners"): Case(Policy.CONVENER, form=lambda w: {"attendee_id": w.invitable}),
    ("POST", "/e/{slug}/topics/{topic_id}/conveners/{attendee_id}/accept"): Case(Policy.INVITEE),
    ("POST", "/e/{slug}/topics/{topic_id}/conveners/{attendee_id}/remove"): Case(Policy.ATTENDEE),  # Ada declines, or Cleo takes it back
    ("GET", "/e/{slug}/similar"): Case(Policy.ATTENDEE, query=lambda w: {"title": "Remote work"}, across=False),
    ("GET", "/e/{slug}/qr.svg"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/schedule-qr.svg"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/privacy"): Case(Policy.ATTENDEE),
    ("POST", "/e/{slug}/privacy"): Case(Policy.ATTENDEE, form=lambda w: {"name_listed": "no"}),
    ("POST", "/e/{slug}/privacy/remove"): Case(Policy.ATTENDEE, form=lambda w: {"confirmed": "yes"}),
    # --- Pages: the venue screen and the wall ---
    ("GET", "/e/{slug}/board"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/board/now"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/board/themes"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/wall"): Case(Policy.PUBLIC),
    # Not a PageAttendee route: it says "join to have a day of your own" as a 403.
    ("GET", "/e/{slug}/wall/my-day"): Case(Policy.ATTENDEE, refused={c: 403 for c in Caller}),
    ("POST", "/e/{slug}/wall/place"): Case(Policy.CONVENER_OR_FACILITATOR, form=lambda w: {"topic_id": w.topic, "room_id": w.garden, "slot_id": w.spare_slot}),
    ("POST", "/e/{slug}/wall/swap"): Case(Policy.CONVENER_OR_FACILITATOR, form=lambda w: {"topic_id": w.topic, "other_topic_id": w.second_topic}),
    ("POST", "/e/{slug}/wall/unplace"): Case(Policy.CONVENER_OR_FACILITATOR, form=lambda w: {"topic_id": w.topic}),
    ("POST", "/e/{slug}/wall/pin"): Case(Policy.FACILITATOR, form=lambda w: {"topic_id": w.topic, "pinned": "true"}),
    ("POST", "/e/{slug}/slots/{slot_id}/attend"): Case(Policy.ATTENDEE, path=lambda w: {"slot_id": w.first_slot}, form=lambda w: {"topic_id": w.topic}),
    ("POST", "/e/{slug}/slots/{slot_id}/leave"): Case(Policy.ATTENDEE, path=lambda w: {"slot_id": w.second_slot}),
    # --- Pages: the facilitator's ---
    ("GET", "/e/{slug}/facilitate"): Case(Policy.FACILITATOR),  # the overview; its tabs, each a page:
    ("GET", "/e/{slug}/facilitate/setup"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/facilitate/phases"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/facilitate/moderation"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/facilitate/wall"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/facilitate/exports"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/facilitate/team"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/facilitate/sections/{section}"): Case(Policy.FACILITATOR),
    ("POST", "/e/{slug}/facilitate/key"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/team"): Case(Policy.FACILITATOR, form=lambda w: {"name": "Kim"}),
    ("POST", "/e/{slug}/facilitate/team/{facilitator_id}/remove"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/activity/{activity_id}/undo"): Case(Policy.FACILITATOR),
    ("POST", "/e/{slug}/facilitate/event"): Case(Policy.FACILITATOR, form=lambda w: {"name": "The Hall"}),
    ("POST", "/e/{slug}/facilitate/announcements"): Case(Policy.FACILITATOR, form=lambda w: {"text": "Lunch is served"}),
    ("POST", "/e/{slug}/facilitate/themes"): Case(Policy.FACILITATOR, form=lambda w: {"name": "Joy"}),
    ("POST", "/e/{slug}/facilitate/themes/{theme_id}"): Case(Policy.FACILITATOR, form=lambda w: {"name": "Care", "mark": "moon"}),
    ("POST", "/e/{slug}/facilitate/themes/{theme_id}/move"): Case(Policy.FACILITATOR, form=lambda w: {"direction": "down"}),
    ("POST", "/e/{slug}/facilitate/themes/{theme_id}/remove"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/topics/{topic_id}/theme"): Case(Policy.FACILITATOR, form=lambda w: {"theme_id": ""}),
    ("POST", "/e/{slug}/facilitate/rooms"): Case(Policy.FACILITATOR, form=lambda w: {"name": "Cellar", "capacity": "8"}),
    ("POST", "/e/{slug}/facilitate/rooms/{room_id}"): Case(Policy.FACILITATOR, form=lambda w: {"name": "Loft", "capacity": "12"}),
    ("POST", "/e/{slug}/facilitate/rooms/{room_id}/move"): Case(Policy.FACILITATOR, form=lambda w: {"direction": "left"}),
    ("POST", "/e/{slug}/facilitate/rooms/{room_id}/remove"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/days"): Case(Policy.FACILITATOR, form=lambda w: {"last_date": "2026-11-26"}),
    ("POST", "/e/{slug}/facilitate/slots"): Case(Policy.FACILITATOR, form=lambda w: {"starts": "17:00", "ends": "18:00"}),
    ("POST", "/e/{slug}/facilitate/slots/{slot_id}"): Case(Policy.FACILITATOR, form=lambda w: {"starts": "15:00", "ends": "15:45"}),
    ("POST", "/e/{slug}/facilitate/slots/{slot_id}/remove"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/topics"): Case(Policy.FACILITATOR, form=lambda w: {"title": "Open questions"}),
    ("POST", "/e/{slug}/facilitate/topics/{topic_id}/hide"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    # Whoever holds the key becomes the facilitator: the key is the permission (a wrong one: tests/routes/test_facilitator_key.py).
    ("POST", "/e/{slug}/facilitate/enter"): Case(Policy.PUBLIC, form=lambda w: {"key": w.facilitator_key}, writes=False, across=False),
    ("POST", "/e/{slug}/facilitate/attendees/{attendee_id}/ban"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/attendees/{attendee_id}/remove"): Case(Policy.FACILITATOR, form=lambda w: {"confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/delete"): Case(Policy.FACILITATOR, form=lambda w: {"confirm": SLUG}),
    ("POST", "/e/{slug}/facilitate/topics/{topic_id}/merge"): Case(Policy.FACILITATOR, path=lambda w: {"topic_id": w.duplicate}, form=lambda w: {"into_topic_id": str(w.other_topic), "confirmed": "yes"}),
    ("GET", "/e/{slug}/facilitate/topics/{topic_id}/merge-candidates"): Case(Policy.FACILITATOR, path=lambda w: {"topic_id": w.duplicate}, query=lambda w: {"into": "remote"}),
    ("POST", "/e/{slug}/facilitate/duplicates/merge"): Case(Policy.FACILITATOR, form=lambda w: {"merge_from": str(w.duplicate), "merge_into": str(w.other_topic), "confirmed": "yes"}),
    ("POST", "/e/{slug}/facilitate/duplicates/not"): Case(Policy.FACILITATOR, form=lambda w: {"topic_id": str(w.topic), "other_topic_id": str(w.other_topic)}),
    ("GET", "/e/{slug}/facilitate/export.{export_format}"): Case(Policy.FACILITATOR),
    ("GET", "/e/{slug}/harvest"): Case(Policy.FACILITATOR),  # anyone's once published; the world's is not
    ("POST", "/e/{slug}/harvest/publish"): Case(Policy.FACILITATOR, form=lambda w: {"published": "true"}),
    ("GET", "/e/{slug}/schedule"): Case(Policy.FACILITATOR),
    ("POST", "/e/{slug}/schedule/propose"): Case(Policy.FACILITATOR, form=lambda w: {**PROPOSE_DEFAULTS, "time_limit": "1"}, writes=False),
    ("POST", "/e/{slug}/schedule/apply"): Case(Policy.FACILITATOR, form=lambda w: {"placements": w.wall(moved=True), "based_on": w.wall()}, across=409),  # not the wall there
    # --- Pages: notes ---
    ("GET", "/e/{slug}/notes"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/topics/{topic_id}/notes"): Case(Policy.PUBLIC),
    ("POST", "/e/{slug}/topics/{topic_id}/notes"): Case(Policy.KNOWN, form=lambda w: {"body": "Third thoughts", "base_version": "2"}),
    ("GET", "/e/{slug}/topics/{topic_id}/notes/latest"): Case(Policy.PUBLIC),
    ("POST", "/e/{slug}/topics/{topic_id}/notes/preview"): Case(Policy.PUBLIC, form=lambda w: {"body": "# Draft"}, writes=False, across=False),  # renders the text sent, nothing of the topic
    ("GET", "/e/{slug}/topics/{topic_id}/notes/revisions"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/topics/{topic_id}/notes/revisions/{version}"): Case(Policy.PUBLIC),
    ("POST", "/e/{slug}/topics/{topic_id}/notes/revisions/{version}/restore"): Case(Policy.KNOWN),
    # --- Pages: constraints, calendars ---
    ("GET", "/e/{slug}/topics/{topic_id}/constraints"): Case(Policy.CONVENER_OR_FACILITATOR),
    ("POST", "/e/{slug}/topics/{topic_id}/constraints"): Case(Policy.CONVENER_OR_FACILITATOR, form=lambda w: {"min_room_capacity": "5"}),
    ("GET", "/e/{slug}/calendar"): Case(Policy.ATTENDEE),
    ("GET", "/e/{slug}/calendar/{token}.ics"): Case(Policy.PUBLIC),  # the link is the key: calendar apps send no cookie
    # Schedule apps send no cookie either: anyone reads the wall, names only as anyone may read them.
    ("GET", "/e/{slug}/schedule.xml"): Case(Policy.PUBLIC),
    ("GET", "/e/{slug}/schedule.json"): Case(Policy.PUBLIC),
}
# fmt: on

# The websockets: the live board is public (it checks the page's Origin instead, tests/realtime/test_live_board.py).
WEBSOCKETS: dict[str, Policy] = {
    "/ws/events/{slug}": Policy.PUBLIC,
}


def usual_refusal(policy: Policy, caller: Caller, *, api: bool) -> int | str:
    """What a refused caller is answered when the route's entry says nothing else.

    The API reads the bearer token: one that is not this event's is 401; none at all is 401 where an
    attendee is needed and 403 where the facilitator is. The pages read the session cookie, which holds
    nothing of this event for strangers and the admin: they are refused as anyone unknown is.
    """
    if api:
        if policy is Policy.ADMIN or caller in STRANGERS:
            return 401
        if caller is Caller.ANONYMOUS:
            return 403 if policy is Policy.FACILITATOR else 401
        # The facilitator where an attendee is needed is "join first"; an attendee where more is needed, 403.
        return 401 if policy in (Policy.ATTENDEE, Policy.CONVENER) and caller is Caller.FACILITATOR else 403
    if policy in (Policy.ATTENDEE, Policy.CONVENER, Policy.INVITEE) and caller not in (
        Caller.ATTENDEE,
        Caller.CONVENER,
    ):
        return 401  # "join the event with your name first", the facilitator too: the page acts as an attendee
    if policy is Policy.KNOWN:
        return 401  # only callers unknown to the event are refused
    return 403


def expected(key: tuple[str, str], caller: Caller) -> int | str | None:
    """None: the caller is allowed. Otherwise the refusal's status, or JOIN_FORM."""
    case = ROUTES[key]
    if caller in ALLOWED[case.policy]:
        return None
    if caller in case.refused:
        return case.refused[caller]
    return usual_refusal(case.policy, caller, api=key[1].startswith("/api/"))


# --- The world: one app, two events, a caller of each kind ------------------------------------------


@dataclass
class Identity:
    """How a caller shows itself: the bearer token for the API, the browser's cookies and CSRF token for pages."""

    bearer: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""


@dataclass
class Stage:
    client: TestClient
    world: World
    callers: dict[Caller, Identity]
    database_path: Path
    snapshot: sqlite3.Connection

    def restore(self) -> None:
        """Put the database back as the world was built (a write an earlier case was allowed, undone)."""
        target = sqlite3.connect(self.database_path)
        try:
            self.snapshot.backup(target)
        finally:
            target.close()

    def fingerprint(self) -> str:
        """Every row of every table, hashed: equal before and after means nothing was written."""
        digest = hashlib.sha256()
        reader = sqlite3.connect(f"file:{self.database_path}?mode=ro", uri=True)
        try:
            tables = [
                row[0] for row in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            ]
            for table in tables:
                digest.update(table.encode())
                for row in reader.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                    digest.update(repr(row).encode())
        finally:
            reader.close()
        return digest.hexdigest()

    def send(self, caller: Caller, method: str, url: str, case: Case) -> Any:
        identity = self.callers[caller]
        self.client.cookies.clear()
        if url.startswith("/api/"):
            headers = {"Authorization": f"Bearer {identity.bearer}"} if identity.bearer else {}
            body = case.json(self.world) if case.json else None
            return self.client.request(method, url, json=body, headers=headers)
        for name, value in identity.cookies.items():
            self.client.cookies.set(name, value)
        if method == "GET":
            return self.client.get(url, follow_redirects=False)
        form = {name: str(value) for name, value in (case.form(self.world) if case.form else {}).items()}
        return self.client.request(method, url, data={**form, "csrf_token": identity.csrf}, follow_redirects=False)


def session_of(client: TestClient) -> dict[str, Any]:
    """The session cookie's content. It is signed, not encrypted: the payload before the first dot is base64 JSON."""
    payload = client.cookies[SESSION_COOKIE].split(".")[0]
    session: dict[str, Any] = json.loads(base64.b64decode(payload))
    return session


def browser(client: TestClient, *, bearer: str | None, csrf: str) -> Identity:
    return Identity(bearer=bearer, cookies=dict(client.cookies.items()), csrf=csrf)


def joined_by_page(client: TestClient, slug: str, name: str) -> tuple[Identity, str]:
    """An attendee who joined through the join form: their browser, and the token it holds (the API's bearer)."""
    client.cookies.clear()
    csrf = join(client, slug, name)
    token: str = session_of(client)["attendees"][slug]
    return browser(client, bearer=token, csrf=csrf), token


def facilitator_by_link(client: TestClient, slug: str, key: str) -> Identity:
    """A facilitator's browser, let in by the secret link as a person would be."""
    client.cookies.clear()
    assert client.get(f"/e/{slug}/facilitate", params={"key": key}, follow_redirects=False).status_code == 303
    return browser(client, bearer=key, csrf=page_csrf(client, f"/e/{slug}/facilitate"))


def admin_by_token(client: TestClient) -> Identity:
    """The deployment's admin: the token as the API's bearer, and a browser that gave it on the organisers' page."""
    client.cookies.clear()
    csrf = page_csrf(client, "/admin")
    entered = client.post("/admin/enter", data={"csrf_token": csrf, "token": ADMIN_TOKEN}, follow_redirects=False)
    assert entered.status_code == 303, entered.text
    return browser(client, bearer=ADMIN_TOKEN, csrf=csrf)


def nobody(client: TestClient, *, bearer: str | None) -> Identity:
    """A browser with no one's cookie, but a CSRF token of its own: its posts are refused for who it is."""
    client.cookies.clear()
    return browser(client, bearer=bearer, csrf=page_csrf(client, f"/e/{SLUG}"))


@pytest.fixture(scope="module")
def stage(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    folder = tmp_path_factory.mktemp("authz")
    path = folder / "hallway.db"
    shutil.copy(migrated_sqlite, path)
    settings = Settings(
        environment="test",
        data_dir=folder,
        DATABASE_URL=f"sqlite:///{path}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        admin_token=ADMIN_TOKEN,
        public_url="http://testserver",
        **{name: NO_LIMIT for name in Settings.model_fields if name.startswith("limit_")},
    )
    database = connect(settings.database_url)
    factory = Factory(database)
    with TestClient(create_app(settings)) as client:
        event = factory.event(name="The Great Hall", slug=SLUG, self_placement=True)
        other = factory.event(name="Elsewhere", slug=OTHER_SLUG)
        callers = {Caller.FACILITATOR: facilitator_by_link(client, SLUG, event.key)}
        callers[Caller.ATTENDEE], ada_token = joined_by_page(client, SLUG, "Ada")
        callers[Caller.CONVENER], cleo_token = joined_by_page(client, SLUG, "Cleo")
        callers[Caller.STRANGER_ATTENDEE], _ = joined_by_page(client, OTHER_SLUG, "Sam")
        callers[Caller.STRANGER_FACILITATOR] = facilitator_by_link(client, OTHER_SLUG, other.key)
        callers[Caller.ANONYMOUS] = nobody(client, bearer=None)
        callers[Caller.ADMIN] = admin_by_token(client)

        with database.read_session() as session:
            ada_row = session.get(Attendee, int(ada_token.split(".")[0]))
            cleo_row = session.get(Attendee, int(cleo_token.split(".")[0]))
            assert ada_row is not None and cleo_row is not None
            ada, cleo = AttendeeWithToken(ada_row, ada_token), AttendeeWithToken(cleo_row, cleo_token)
            calendar_url = calendar_links(
                public_url=settings.public_url, secret_key=settings.secret_key, event=event.event, attendee=ada_row
            )["url"]

        main_hall = factory.room(event, name="Main hall", capacity=50)
        garden = factory.room(event, name="Garden", capacity=10)
        spare_room = factory.room(event, name="Attic", capacity=6)
        first_slot = factory.slot(event, starts="10:00", ends="11:00")
        second_slot = factory.slot(event, starts="11:00", ends="12:00")
        spare_slot = factory.slot(event, starts="15:00", ends="16:00")
        theme = factory.theme(event, name="Work and life")
        topic = factory.topic(event, cleo, title="Remote work", theme=theme)
        second = factory.topic(event, cleo, title="Gardening")
        other_topic = factory.topic(event, cleo, title="Cooking")
        duplicate = factory.topic(event, None, title="Cooking together")
        spam = factory.topic(event, None, title="Buy cheap watches")
        factory.place(event, topic, main_hall, first_slot)
        factory.place(event, second, main_hall, second_slot)
        assert client.post(f"/api/events/{SLUG}/topics/{spam.id}/hide", headers=event.auth).status_code == 200
        sam = client.post(f"/api/events/{SLUG}/facilitators", json={"name": "Sam"}, headers=event.auth).json()
        listed = client.get(f"/api/events/{SLUG}/activity", headers=event.auth).json()
        hidden = next(line for line in listed if line["kind"] == "hide")
        assert hidden["undoable"] is True, hidden
        bo = factory.attendee(event, name="Bo")
        factory.co_convener(event, topic, ada, accepted=False)  # Cleo's topic: Ada is invited, has not answered
        for person in (ada, cleo):
            factory.vote(person, topic)
            factory.attend(person, second_slot, second)
        notes_url = f"/api/events/{SLUG}/topics/{topic.id}/notes"
        # Two people: one person's saves within a minute fold into one revision.
        for base, (text, author) in enumerate((("First thoughts", event), ("Second thoughts", ada))):
            saved = client.put(notes_url, json={"body": text, "base_version": base}, headers=author.auth)
            assert saved.status_code == 200, saved.text

        world = World(
            topic=topic.id,  # type: ignore[arg-type]
            second_topic=second.id,  # type: ignore[arg-type]
            other_topic=other_topic.id,  # type: ignore[arg-type]
            duplicate=duplicate.id,  # type: ignore[arg-type]
            main_hall=main_hall.id,  # type: ignore[arg-type]
            garden=garden.id,  # type: ignore[arg-type]
            spare_room=spare_room.id,  # type: ignore[arg-type]
            first_slot=first_slot.id,  # type: ignore[arg-type]
            second_slot=second_slot.id,  # type: ignore[arg-type]
            spare_slot=spare_slot.id,  # type: ignore[arg-type]
            calendar_token=calendar_url.rsplit("/", 1)[1].removesuffix(".ics"),
            attendee=ada.id,
            theme=theme.id,  # type: ignore[arg-type]
            facilitator_key=event.key,
            member=sam["id"],
            activity=hidden["id"],
            invitable=bo.id,
        )
        snapshot = sqlite3.connect(folder / "snapshot.db")
        live = sqlite3.connect(path)
        live.backup(snapshot)
        live.close()
        yield Stage(client=client, world=world, callers=callers, database_path=path, snapshot=snapshot)
        snapshot.close()
    database.dispose()


# --- The tests ---------------------------------------------------------------------------------------


def http_routes(app: Any) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers over HTTP. HEAD is GET's twin (Starlette adds it to every GET);
    the static files are a mount of public files; the websocket has a test of its own below."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount | WebSocketRoute) or context.methods is None:
            continue
        for method in sorted(context.methods - {"HEAD"}):
            yield method, str(context.path)


def websocket_paths(app: Any) -> set[str]:
    return {str(c.path) for c in iter_route_contexts(app.routes) if isinstance(c.original_route, WebSocketRoute)}


def test_every_route_has_an_entry(stage: Stage) -> None:
    routes = set(http_routes(stage.client.app))
    missing = sorted(routes - ROUTES.keys())
    stale = sorted(ROUTES.keys() - routes)
    assert not missing, "\n".join(
        ["Routes with no entry in ROUTES (tests/routes/test_authorization_matrix.py); add one each, like:"]
        + [
            f'    ("{method}", "{path}"): Case(Policy.<who may>, json=/form=lambda w: {{…}}),'
            for method, path in missing
        ]
    )
    assert not stale, f"Entries in ROUTES for routes the app no longer has: {stale}"
    assert websocket_paths(stage.client.app) == WEBSOCKETS.keys(), "WEBSOCKETS must list the app's websocket routes"


@pytest.mark.parametrize("caller", list(Caller), ids=[c.value for c in Caller])
def test_the_live_board_opens_to_each_caller(stage: Stage, caller: Caller) -> None:
    """Public: every caller, whatever they hold, gets the board's snapshot at its current version."""
    assert WEBSOCKETS["/ws/events/{slug}"] is Policy.PUBLIC
    stage.restore()
    identity = stage.callers[caller]
    version = stage.client.get(f"/api/events/{SLUG}/board").json()["version"]
    stage.client.cookies.clear()
    for name, value in identity.cookies.items():
        stage.client.cookies.set(name, value)
    headers = {"Authorization": f"Bearer {identity.bearer}"} if identity.bearer else {}

    with stage.client.websocket_connect(f"/ws/events/{SLUG}?format=json", headers=headers) as socket:
        message = json.loads(socket.receive_text())

    assert (message["type"], message["version"], message["board"]["event"]["slug"]) == ("snapshot", version, SLUG)


def test_a_schedule_naming_another_events_rows_is_refused(stage: Stage) -> None:
    """Applied at the address of the stranger's own event, on that event's (empty) wall, a proposal naming this
    event's topic, room and slot fits none of that event's: refused, and nothing is written anywhere."""
    stage.restore()
    case = Case(Policy.FACILITATOR, form=lambda w: {"placements": w.wall(moved=True), "based_on": "[]"})
    before = stage.fingerprint()

    response = stage.send(Caller.STRANGER_FACILITATOR, "POST", f"/e/{OTHER_SLUG}/schedule/apply", case)

    assert (response.status_code, "no longer fits" in response.text) == (409, True), response.text[:500]
    assert stage.fingerprint() == before


CASES = [(key, caller) for key in ROUTES for caller in Caller]


@pytest.mark.parametrize(
    ("key", "caller"), CASES, ids=[f"{method} {path} as {caller.value}" for (method, path), caller in CASES]
)
def test_route_answers_each_caller(stage: Stage, key: tuple[str, str], caller: Caller) -> None:
    answer_is(stage, key, caller, SLUG, expected(key, caller))


# The path parameters that name a row of one event. A body names rows when it is built from the world's ids.
ROW_PARAMS = {"topic_id", "room_id", "slot_id", "token", "attendee_id", "facilitator_id", "activity_id"}
PROBE_ID = 987_654_321
PROBE = World(**{f.name: PROBE_ID for f in fields(World)})


def names_rows(key: tuple[str, str]) -> bool:
    case = ROUTES[key]
    if case.across is False:
        return False
    body = case.json or case.form
    return bool(set(re.findall(r"{(\w+)}", key[1])) & ROW_PARAMS) or (
        body is not None and str(PROBE_ID) in json.dumps(body(PROBE))
    )


# A stranger as the role they have in their own event, where they are let in.
ROLE_AT_HOME = {Caller.STRANGER_ATTENDEE: Caller.ATTENDEE, Caller.STRANGER_FACILITATOR: Caller.FACILITATOR}
CROSSING = [(key, caller) for key in ROUTES if "{slug}" in key[1] and names_rows(key) for caller in ROLE_AT_HOME]


def expected_across(key: tuple[str, str], stranger: Caller) -> int | str:
    """Rows of this event, asked for at the address of the stranger's own event: not found there, once the
    stranger's role there lets them as far as the lookup (an attendee gets as far as a topic's convener would)."""
    case, role = ROUTES[key], ROLE_AT_HOME[stranger]
    conveners = (Policy.CONVENER, Policy.CONVENER_OR_FACILITATOR)
    if role in ALLOWED[case.policy] or (role is Caller.ATTENDEE and case.policy in conveners):
        return int(case.across)
    return case.refused.get(role, usual_refusal(case.policy, role, api=key[1].startswith("/api/")))


@pytest.mark.parametrize(
    ("key", "caller"),
    CROSSING,
    ids=[f"{method} {path} as {caller.value} at its own event" for (method, path), caller in CROSSING],
)
def test_rows_of_an_event_are_out_of_reach_from_another(stage: Stage, key: tuple[str, str], caller: Caller) -> None:
    """Nothing of one event is reachable with another event's keys or tokens (DESIGN.md), not even through
    the address of the event those keys are good for."""
    answer_is(stage, key, caller, OTHER_SLUG, expected_across(key, caller))


def answer_is(stage: Stage, key: tuple[str, str], caller: Caller, slug: str, outcome: int | str | None) -> None:
    """Send the route's request as the caller, to the event `slug`, and check the answer and the database."""
    method, template = key
    case = ROUTES[key]
    stage.restore()
    params = {**stage.world.path_params(), **(case.path(stage.world) if case.path else {}), "slug": slug}
    url = template.format(**params)
    if case.query:
        url += "?" + "&".join(f"{name}={value}" for name, value in case.query(stage.world).items())
    before = stage.fingerprint()

    response = stage.send(caller, method, url, case)

    written = stage.fingerprint() != before
    said = (
        f"{method} {url} as {caller.value} ({case.policy.value}) answered {response.status_code}: {response.text[:300]}"
    )
    if outcome is None:
        assert response.status_code < 300 or response.status_code == 303, said
        assert 'id="join"' not in response.text, said
        writes = case.writes if case.writes is not None else method != "GET"
        assert written == writes, f"{said}\nexpected {'a' if writes else 'no'} write"
    elif outcome == JOIN_FORM:
        assert (response.status_code, 'id="join"' in response.text) == (200, True), said
        assert not written, f"{said}\nbut it wrote"
    else:
        assert response.status_code == outcome, said
        if key[1].startswith("/api/"):
            assert list(response.json()) == ["detail"], said
        else:
            assert 'role="alert"' in response.text, said
        assert not written, f"{said}\nbut it wrote"
