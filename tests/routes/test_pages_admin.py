"""The organisers' page through HTTP: the admin token given once, the events listed with their sizes, an event
created, copied and deleted; refusals in place, with nothing written and no event data for anyone else."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import element, page_csrf

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LINK = re.compile(r'<code id="made-facilitator-link">(http://testserver/e/([a-z0-9-]+)/facilitate#key=([^<]+))</code>')


def sign_in(client: TestClient, token: str = ADMIN_TOKEN) -> str:
    """Give the admin token on the sign-in form; answers the CSRF token for the page's forms."""
    csrf = page_csrf(client, "/admin")
    answer = client.post("/admin/enter", data={"csrf_token": csrf, "token": token}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/admin"), answer.text
    return csrf


def post(client: TestClient, path: str, csrf: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)


def text_of(markup: str) -> str:
    """What a person reads of some markup: the words, spaced once, with entities read."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())


def slugs(client: TestClient) -> list[str]:
    return sorted(event["slug"] for event in client.get("/api/events", headers=ADMIN).json())


def lived_in(factory: Factory) -> EventWithKey:
    """An event with a frame and people: two rooms, a slot, a theme, two attendees, a topic placed."""
    event = factory.event(name="Autumn Gathering", slug="autumn")
    hall = factory.room(event, name="Hall")
    factory.room(event, name="Attic")
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.theme(event, name="Care")
    ada = factory.attendee(event, name="Ada")
    factory.attendee(event, name="Bo")
    factory.place(event, factory.topic(event, ada, title="Rest"), hall, morning)
    return event


# --- Who may see it -------------------------------------------------------------------------------------


def test_without_the_token_the_page_asks_for_it_and_shows_no_event(client, factory, backend):
    lived_in(factory)

    page = client.get("/admin")

    assert page.status_code == 403
    assert 'id="admin-token"' in page.text
    assert "Autumn Gathering" not in page.text and "/e/autumn" not in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_wrong_token_is_refused_with_a_sentence_and_no_event(client, factory, backend):
    lived_in(factory)
    csrf = page_csrf(client, "/admin")

    refused = post(client, "/admin/enter", csrf, {"token": "not-it"})

    assert refused.status_code == 403
    assert text_of(element(refused.text, "admin-enter-error")) == (
        "That is not the admin token. Check it with whoever runs this Hallway (it is HALLWAY_ADMIN_TOKEN)."
    )
    assert "Autumn Gathering" not in refused.text
    assert client.get("/admin").status_code == 403  # not let in


def test_the_token_entered_once_lets_this_browser_in_until_it_signs_out(client, factory, backend):
    lived_in(factory)
    csrf = sign_in(client)

    inside = client.get("/admin")
    out = post(client, "/admin/leave", csrf, {})
    after = client.get("/admin")

    assert inside.status_code == 200 and "Autumn Gathering" in inside.text
    assert ADMIN_TOKEN not in client.cookies.get("hallway_session", "")  # a pass, never the token
    assert (out.status_code, out.headers["location"]) == (303, "/admin")
    assert after.status_code == 403 and "Autumn Gathering" not in after.text
    assert "Signed out." in after.text


def test_the_pass_dies_when_the_admin_token_is_changed(settings: Settings, factory, backend):
    lived_in(factory)
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        cookies = dict(client.cookies.items())
    changed = settings.model_copy(update={"admin_token": "a-new-admin-token"})
    with TestClient(create_app(changed)) as client:
        for name, value in cookies.items():
            client.cookies.set(name, value)
        page = client.get("/admin")

    assert page.status_code == 403 and "Autumn Gathering" not in page.text


def test_without_an_admin_token_set_the_page_says_how_to_create_events(settings: Settings, factory, backend):
    lived_in(factory)
    with TestClient(create_app(settings.model_copy(update={"admin_token": ""}))) as client:
        page = client.get("/admin")
        csrf = page_csrf(client, "/admin")
        tried = post(client, "/admin/enter", csrf, {"token": ""})

    assert page.status_code == 403
    assert "needs HALLWAY_ADMIN_TOKEN to be set on the server" in text_of(element(page.text, "admin-enter-error"))
    assert 'id="admin-token"' not in page.text
    assert tried.status_code == 403 and "Autumn Gathering" not in tried.text


def test_wrong_tokens_past_the_limit_are_refused_for_a_while_even_the_right_one(settings: Settings, backend):
    tight = settings.model_copy(update={"limit_admin_token_tries": "2/minute"})
    with TestClient(create_app(tight)) as client:
        csrf = page_csrf(client, "/admin")
        tries = [post(client, "/admin/enter", csrf, {"token": f"guess-{n}"}) for n in range(3)]
        right = post(client, "/admin/enter", csrf, {"token": ADMIN_TOKEN})

    assert [t.status_code for t in tries] == [403, 403, 429]
    assert right.status_code == 429
    assert "Too many wrong admin tokens were tried from this network: please wait a minute" in right.text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/events", {"name": "Sneaky", "date": "2027-01-01", "timezone": "UTC"}),
        ("/admin/events/autumn/copy", {"date": "2027-01-01", "slug": "sneaky"}),
        ("/admin/events/autumn/delete", {"confirm": "autumn"}),
    ],
)
def test_the_forms_refuse_a_browser_without_the_token_and_write_nothing(client, factory, backend, path, data):
    lived_in(factory)
    csrf = page_csrf(client, "/admin")

    refused = post(client, path, csrf, data)

    assert refused.status_code == 403
    assert "Open /admin and give the admin token first." in refused.text
    assert slugs(client) == ["autumn"]


def test_the_export_is_for_the_organisers_only(client, factory, backend):
    lived_in(factory)

    refused = client.get("/admin/events/autumn/export.json")
    sign_in(client)
    exported = client.get("/admin/events/autumn/export.json")

    assert refused.status_code == 403
    assert exported.status_code == 200
    assert exported.json()["event"]["slug"] == "autumn"
    assert "attachment" in exported.headers["content-disposition"]


# --- The list ---------------------------------------------------------------------------------------------


def test_the_events_are_listed_with_their_dates_and_sizes(client, factory, backend):
    lived_in(factory)
    factory.event(name="Empty Evening", slug="empty")
    sign_in(client)

    page = client.get("/admin").text

    autumn = text_of(element(page, "event-autumn"))
    assert "Autumn Gathering 24 November 2026 · Europe/London · /e/autumn" in autumn
    assert "2 attendees 1 topic 1 session placed" in autumn
    assert "The wall: 2 rooms, 1 slot; 1 theme." in autumn
    assert "0 attendees 0 topics 0 sessions placed" in text_of(element(page, "event-empty"))
    assert "2 events on this Hallway" in page


# --- Creating -----------------------------------------------------------------------------------------------


def test_an_event_is_created_and_its_facilitator_link_shown_once(client, factory, backend):
    csrf = sign_in(client)

    made = post(
        client,
        "/admin/events",
        csrf,
        {
            "name": "Spring Gathering",
            "date": "2027-04-01",
            "timezone": "Europe/Berlin",
            "slug": "spring",
            "join_code": "TULIP",
            "votes_per_attendee": "3",
            "language": "de",
            "facilitator_name": "Kim",
        },
    )

    assert made.status_code == 200
    _, slug, key = LINK.search(made.text).groups()  # type: ignore[union-attr]
    assert slug == "spring" and "Spring Gathering is ready" in made.text
    assert key not in client.get("/admin").text  # shown this once
    event = client.get("/api/events/spring").json()
    assert (event["name"], event["date"], event["timezone"], event["votes_per_attendee"], event["language"]) == (
        "Spring Gathering",
        "2027-04-01",
        "Europe/Berlin",
        3,
        "de",
    )
    assert event["has_join_code"] is True
    facilitator = TestClient(client.app)
    assert facilitator.get("/e/spring/facilitate", params={"key": key}).status_code == 200
    team = client.get("/api/events/spring/facilitators", headers={"Authorization": f"Bearer {key}"}).json()
    assert [member["name"] for member in team] == ["Kim"]


@pytest.mark.parametrize(
    ("data", "status", "message", "field"),
    [
        ({"slug": "autumn"}, 409, "The slug 'autumn' is already used by another event.", "slug"),
        ({"date": "24/11/2026"}, 422, "The date must look like 2026-11-24.", "date"),
        ({"date": ""}, 422, "Give the event's date, like 2026-11-24.", "date"),
        ({"timezone": "Mars/Olympus"}, 422, "'Mars/Olympus' is not a time zone we know.", "timezone"),
        ({"name": "   "}, 422, "The event's name can't be empty.", "name"),
        ({"votes_per_attendee": "x"}, 422, "The dot budget must be a whole number, not 'x'.", "votes_per_attendee"),
    ],
)
def test_a_bad_new_event_is_refused_in_place_keeping_what_was_typed(
    client, factory, backend, data, status, message, field
):
    lived_in(factory)
    csrf = sign_in(client)
    form = {"name": "Winter Gathering", "date": "2027-01-10", "timezone": "UTC", "votes_per_attendee": "5"} | data

    refused = post(client, "/admin/events", csrf, form)

    assert refused.status_code == status
    assert message in text_of(element(refused.text, "create-error"))
    invalid = re.search(rf'<input id="create-{field}"[^>]*>', refused.text)
    assert invalid and 'aria-invalid="true"' in invalid.group(0) and "autofocus" in invalid.group(0)
    assert 'value="Winter Gathering"' in refused.text or field == "name"
    assert slugs(client) == ["autumn"]


# --- Copying ------------------------------------------------------------------------------------------------


def test_an_event_is_copied_as_a_template_for_a_new_date(client, factory, backend):
    lived_in(factory)
    csrf = sign_in(client)

    made = post(
        client,
        "/admin/events/autumn/copy",
        csrf,
        {"name": "Autumn Gathering 2027", "date": "2027-11-23", "slug": "autumn-27", "timezone": "Europe/London"},
    )

    assert made.status_code == 200
    _, slug, key = LINK.search(made.text).groups()  # type: ignore[union-attr]
    said = text_of(element(made.text, "admin-made"))
    assert slug == "autumn-27"
    assert "Made from “Autumn Gathering”: its rooms (2), slots (1), themes (1) and settings." in said
    slots = client.get("/api/events/autumn-27/slots").json()
    assert [(s["starts_at"], s["label"]) for s in slots] == [("2027-11-23T10:00:00", "Morning")]
    assert [r["name"] for r in client.get("/api/events/autumn-27/rooms").json()] == ["Hall", "Attic"]
    assert client.get("/api/events/autumn-27/topics").json() == []
    assert "0 attendees 0 topics 0 sessions placed" in text_of(element(made.text, "event-autumn-27"))
    new_key = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/events/autumn-27/facilitators", headers=new_key).status_code == 200


def test_a_copy_into_a_slug_that_exists_is_refused_in_place_and_writes_nothing(client, factory, backend):
    lived_in(factory)
    factory.event(name="Taken", slug="taken")
    csrf = sign_in(client)

    refused = post(client, "/admin/events/autumn/copy", csrf, {"name": "Again", "date": "2027-11-23", "slug": "taken"})

    card = element(refused.text, "event-autumn")
    assert refused.status_code == 409
    assert text_of(element(card, "copy-autumn-error")) == "The slug 'taken' is already used by another event."
    assert '<details class="adm-action" open>' in card  # the copy form stays open, with what was typed
    assert 'value="Again"' in card
    assert slugs(client) == ["autumn", "taken"]
    assert client.get("/api/events/taken/rooms").json() == []


def test_copying_an_event_that_is_gone_is_not_found(client, factory, backend):
    csrf = sign_in(client)

    answer = post(client, "/admin/events/nowhere/copy", csrf, {"date": "2027-11-23"})

    assert answer.status_code == 404


# --- Deleting -----------------------------------------------------------------------------------------------


def test_an_event_is_deleted_once_its_slug_is_typed(client, factory, backend):
    lived_in(factory)
    factory.event(name="Kept", slug="kept")
    csrf = sign_in(client)

    wrong = post(client, "/admin/events/autumn/delete", csrf, {"confirm": "autum"})
    assert wrong.status_code == 422
    assert "type its short name (autumn) in confirm, exactly" in text_of(element(wrong.text, "delete-autumn-error"))
    assert slugs(client) == ["autumn", "kept"]

    deleted = post(client, "/admin/events/autumn/delete", csrf, {"confirm": "autumn"})
    page = client.get("/admin")

    assert (deleted.status_code, deleted.headers["location"]) == (303, "/admin")
    assert slugs(client) == ["kept"]
    assert client.get("/e/autumn/board").status_code == 404
    assert "Autumn Gathering is deleted: every link to /e/autumn now answers “not found”." in page.text
    assert 'id="event-autumn"' not in page.text


def test_the_delete_form_says_to_export_first_and_links_the_export(client, factory, backend):
    lived_in(factory)
    sign_in(client)

    card = element(client.get("/admin").text, "event-autumn")

    assert 'href="/admin/events/autumn/export.json" download' in card
    assert "It is exported: to delete it, type its short name autumn" in text_of(card)


def test_an_event_of_several_days_is_created_and_listed_with_its_days(client, factory, backend):
    csrf = sign_in(client)

    made = post(
        client,
        "/admin/events",
        csrf,
        {"name": "Camp", "date": "2027-04-01", "last_date": "2027-04-03", "timezone": "UTC", "slug": "camp"},
    )

    assert made.status_code == 200
    event = client.get("/api/events/camp").json()
    assert (event["date"], event["last_date"]) == ("2027-04-01", "2027-04-03")
    listed = client.get("/admin").text
    assert (
        '<time datetime="2027-04-01">1 April 2027</time> to <time datetime="2027-04-03">3 April 2027</time>' in listed
    )


def test_an_event_ending_before_it_starts_is_refused_at_its_last_day(client, factory, backend):
    csrf = sign_in(client)

    refused = post(
        client,
        "/admin/events",
        csrf,
        {"name": "Odd", "date": "2027-04-03", "last_date": "2027-04-01", "timezone": "UTC", "slug": "odd"},
    )

    assert refused.status_code == 422
    assert "The last day (Thursday 1 April) can&#39;t be before the first (Saturday 3 April)." in refused.text
    assert 'id="create-last_date" name="last_date" type="date" value="2027-04-01"' in refused.text
    assert 'aria-invalid="true"' in refused.text.split('id="create-last_date"')[1].split(">")[0]
    assert client.get("/api/events/odd").status_code == 404
