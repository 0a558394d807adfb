"""The notes API: read, save on a base version (merged, or 409 with both texts), revisions, restore, lock."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.models.note import MAX_NOTES_BYTES
from app.services.changes import board_version
from tests.factories import AttendeeWithToken, EventWithKey, Factory


@dataclass
class Session_:
    event: EventWithKey
    ada: AttendeeWithToken
    bob: AttendeeWithToken
    topic_id: int

    @property
    def url(self) -> str:
        return f"/api/events/{self.event.slug}/topics/{self.topic_id}/notes"


@pytest.fixture
def placed(factory: Factory) -> Session_:
    event = factory.event(slug="gathering")
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada, title="Remote work")
    factory.place(event, topic, factory.room(event), factory.slot(event))
    return Session_(event=event, ada=ada, bob=bob, topic_id=topic.id)  # type: ignore[arg-type]


def test_notes_of_a_new_session_start_at_version_0_empty(client, placed, backend):
    response = client.get(placed.url)

    assert response.status_code == 200
    notes = response.json()
    assert (notes["version"], notes["body"], notes["updated_by"], notes["locked"]) == (0, "", None, False)


def test_save_on_the_current_version_is_stored_as_sent(client, placed, backend):
    response = client.put(placed.url, json={"body": "# Remote\n- async", "base_version": 0}, headers=placed.ada.auth)

    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["version"]) == ("saved", 1)
    notes = client.get(placed.url).json()
    assert (notes["body"], notes["version"], notes["updated_by"]) == ("# Remote\n- async", 1, "Ada")


def test_stale_save_on_other_lines_is_merged_and_both_edits_kept(client, placed, backend):
    client.put(placed.url, json={"body": "one\n\ntwo\n\nthree", "base_version": 0}, headers=placed.ada.auth)
    # Ada's second save, at once, is folded into her first: one revision, now numbered 2.
    client.put(placed.url, json={"body": "ONE\n\ntwo\n\nthree", "base_version": 1}, headers=placed.ada.auth)

    response = client.put(placed.url, json={"body": "one\n\ntwo\n\nTHREE", "base_version": 1}, headers=placed.bob.auth)

    assert response.status_code == 200
    answer = response.json()
    assert (answer["outcome"], answer["merged"], answer["version"]) == ("merged", True, 3)
    assert answer["body"] == "ONE\n\ntwo\n\nTHREE"
    revisions = client.get(f"{placed.url}/revisions").json()
    assert [(r["version"], r["kind"], r["base_version"]) for r in revisions] == [(2, "save", 0), (3, "merge", 1)]
    assert revisions[1]["submitted"]["body"] == "one\n\ntwo\n\nTHREE"


def test_clashing_save_is_409_with_both_texts_and_kept_as_a_revision(client, placed, backend):
    client.put(placed.url, json={"body": "the plan", "base_version": 0}, headers=placed.ada.auth)
    client.put(placed.url, json={"body": "Ada's plan", "base_version": 1}, headers=placed.ada.auth)

    response = client.put(placed.url, json={"body": "Bob's plan", "base_version": 1}, headers=placed.bob.auth)

    assert response.status_code == 409
    answer = response.json()
    assert (answer["yours"], answer["theirs"]) == ("Bob's plan", "Ada's plan")
    assert (answer["base_version"], answer["version"], answer["revision"], answer["conflicts"]) == (1, 2, 3, ["body"])
    assert "Your text is kept as revision 3" in answer["detail"]
    assert client.get(placed.url).json()["body"] == "Ada's plan"
    kept = client.get(f"{placed.url}/revisions/3").json()
    assert (kept["kind"], kept["body"], kept["author_name"]) == ("conflict", "Bob's plan", "Bob")


def test_resolving_a_conflict_saves_on_the_current_version(client, placed, backend):
    client.put(placed.url, json={"body": "a", "base_version": 0}, headers=placed.ada.auth)
    client.put(placed.url, json={"body": "b", "base_version": 1}, headers=placed.ada.auth)
    conflict = client.put(placed.url, json={"body": "c", "base_version": 1}, headers=placed.bob.auth).json()

    response = client.put(
        placed.url, json={"body": "b and c", "base_version": conflict["version"]}, headers=placed.bob.auth
    )

    assert (response.json()["outcome"], response.json()["version"], response.json()["body"]) == ("saved", 4, "b and c")


def test_same_edit_twice_adds_no_revision(client, placed, backend):
    client.put(placed.url, json={"body": "x", "base_version": 0}, headers=placed.ada.auth)

    response = client.put(placed.url, json={"body": "x", "base_version": 0}, headers=placed.bob.auth)

    assert (response.status_code, response.json()["outcome"], response.json()["version"]) == (200, "unchanged", 1)
    assert len(client.get(f"{placed.url}/revisions").json()) == 1


def test_structured_fields_are_saved_and_omitted_ones_kept(client, placed, backend):
    fields = {
        "key_points": "Async first",
        "actions": "Write it up — Ada",
        "continue_url": "https://chat.example.org/remote",
        "attendees_text": "Ada\nBob",
    }
    client.put(placed.url, json={"body": "b", "base_version": 0, **fields}, headers=placed.ada.auth)

    client.put(placed.url, json={"body": "b2", "base_version": 1}, headers=placed.bob.auth)

    notes = client.get(placed.url).json()
    assert {k: notes[k] for k in fields} == fields
    assert notes["body"] == "b2"


def test_restore_is_a_new_revision_with_the_old_text(client, placed, backend):
    client.put(placed.url, json={"body": "first", "base_version": 0}, headers=placed.ada.auth)
    client.put(placed.url, json={"body": "vandalised", "base_version": 1}, headers=placed.bob.auth)

    response = client.post(f"{placed.url}/revisions/1/restore", headers=placed.ada.auth)

    assert (response.json()["outcome"], response.json()["version"], response.json()["body"]) == (
        "restored",
        3,
        "first",
    )
    assert [r["kind"] for r in client.get(f"{placed.url}/revisions").json()] == ["save", "save", "restore"]


def test_a_burst_of_saves_by_one_person_is_one_revision_named_by_its_last_version(client, placed, backend):
    answers = [
        client.put(placed.url, json={"body": body, "base_version": base}, headers=placed.ada.auth).json()
        for base, body in ((0, "a"), (1, "a\nb"), (2, "a\nb\nc"))
    ]

    revisions = client.get(f"{placed.url}/revisions").json()
    folded = client.get(f"{placed.url}/revisions/1")

    # Each save still advances the version, and answers the revision that now holds it.
    assert [(a["outcome"], a["version"], a["revision"]) for a in answers] == [
        ("saved", 1, 1),
        ("saved", 2, 2),
        ("saved", 3, 3),
    ]
    assert [(r["version"], r["kind"], r["base_version"], r["body"], r["author_name"]) for r in revisions] == [
        (3, "save", 0, "a\nb\nc", "Ada")
    ]
    assert (folded.status_code, folded.json()["detail"]) == (
        404,
        "Version 1 was folded into version 3: Ada saved again soon after, and one revision keeps the last text "
        "of those saves.",
    )


def test_with_folding_off_every_save_is_a_revision(settings, placed, backend):
    with TestClient(create_app(settings.model_copy(update={"notes_fold_seconds": 0}))) as client:
        for base, body in ((0, "a"), (1, "a\nb")):
            client.put(placed.url, json={"body": body, "base_version": base}, headers=placed.ada.auth)

        revisions = client.get(f"{placed.url}/revisions").json()

    assert [(r["version"], r["body"]) for r in revisions] == [(1, "a"), (2, "a\nb")]


def test_the_export_shows_the_notes_a_burst_left(client, placed, backend):
    for base, body in ((0, "- a"), (1, "- a\n- b")):
        client.put(placed.url, json={"body": body, "base_version": base}, headers=placed.ada.auth)
    export_url = f"/api/events/{placed.event.slug}/export"

    markdown = client.get(export_url, params={"format": "md"}, headers=placed.event.auth)
    document = client.get(export_url, params={"format": "json"}, headers=placed.event.auth).json()

    with zipfile.ZipFile(io.BytesIO(markdown.content)) as archive:
        session_file = archive.read("gathering/01-remote-work.md").decode()
    assert "\n- a\n- b\n" in session_file
    [topic] = document["topics"]
    assert topic["notes"]["body"] == "- a\n- b"
    assert [(r["version"], r["body"]) for r in topic["notes"]["revisions"]] == [(2, "- a\n- b")]


def test_facilitator_saves_as_facilitator(client, placed, backend):
    client.put(placed.url, json={"body": "from the desk", "base_version": 0}, headers=placed.event.auth)

    assert client.get(placed.url).json()["updated_by"] == "Facilitator"


# --- Refusals --------------------------------------------------------------------------------------


def test_save_without_a_token_is_401(client, placed, backend):
    response = client.put(placed.url, json={"body": "x", "base_version": 0})

    assert response.status_code == 401
    assert "attendee token" in response.json()["detail"]


def test_locked_notes_are_403_and_readable(client, placed, backend):
    client.put(placed.url, json={"body": "kept", "base_version": 0}, headers=placed.ada.auth)
    locked = client.patch(f"/api/events/{placed.event.slug}", json={"notes_locked": True}, headers=placed.event.auth)
    assert locked.json()["notes_locked"] is True

    response = client.put(placed.url, json={"body": "late", "base_version": 1}, headers=placed.ada.auth)
    restore = client.post(f"{placed.url}/revisions/1/restore", headers=placed.event.auth)

    assert response.status_code == 403
    assert response.json()["detail"] == "The facilitator has locked the notes of this event: they are read-only now."
    assert restore.status_code == 403
    assert (client.get(placed.url).json()["body"], client.get(placed.url).json()["locked"]) == ("kept", True)


def test_notes_over_200_kb_are_422_and_nothing_stored(client, placed, backend):
    response = client.put(
        placed.url, json={"body": "é" * (MAX_NOTES_BYTES // 2) + "x", "base_version": 0}, headers=placed.ada.auth
    )

    assert response.status_code == 422
    assert "at most 200 KB" in response.json()["detail"]
    assert client.get(f"{placed.url}/revisions").json() == []


def test_notes_of_exactly_200_kb_are_saved(client, placed, backend):
    response = client.put(placed.url, json={"body": "x" * MAX_NOTES_BYTES, "base_version": 0}, headers=placed.ada.auth)

    assert (response.status_code, response.json()["version"]) == (200, 1)


def test_invalid_utf8_json_is_400_and_nothing_stored(client, placed, backend):
    response = client.put(
        placed.url,
        content=b'{"body": "caf\xe9", "base_version": 0}',
        headers={**placed.ada.auth, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request's body could not be read: send JSON, encoded as UTF-8."}
    assert client.get(f"{placed.url}/revisions").json() == []


def test_lone_surrogate_and_nul_are_cleaned_not_crashed_on(client, placed, backend):
    response = client.put(
        placed.url,
        content=b'{"body": "a\\ud800b\\u0000c", "base_version": 0}',
        headers={**placed.ada.auth, "Content-Type": "application/json"},
    )

    assert response.status_code == 200
    assert response.json()["body"] == "a?bc"


@pytest.mark.parametrize(
    ("base_version", "status", "message"),
    [(5, 422, "There is no version 5 of these notes (the latest is 0)"), (-1, 422, "base_version")],
)
def test_save_on_a_version_that_does_not_exist_is_refused(client, placed, backend, base_version, status, message):
    response = client.put(placed.url, json={"body": "x", "base_version": base_version}, headers=placed.ada.auth)

    assert response.status_code == status
    assert message in response.json()["detail"]


def test_notes_of_an_unknown_topic_are_404(client, placed, backend):
    response = client.get(f"/api/events/{placed.event.slug}/topics/999/notes")

    assert (response.status_code, response.json()["detail"]) == (404, "There is no topic 999 in this event.")


def test_notes_of_an_unplaced_topic_are_404_saying_why(client, factory, placed, backend):
    topic = factory.topic(placed.event, placed.bob, title="Not yet on the wall")
    url = f"/api/events/{placed.event.slug}/topics/{topic.id}/notes"

    read = client.get(url)
    write = client.put(url, json={"body": "x", "base_version": 0}, headers=placed.bob.auth)

    assert (read.status_code, write.status_code) == (404, 404)
    assert "notes open once the session is placed on the wall" in write.json()["detail"]


def test_notes_stay_when_the_topic_is_unplaced(client, placed, backend):
    client.put(placed.url, json={"body": "written", "base_version": 0}, headers=placed.ada.auth)
    unplace = client.delete(
        f"/api/events/{placed.event.slug}/topics/{placed.topic_id}/placement", headers=placed.event.auth
    )
    assert unplace.status_code == 204

    assert client.get(placed.url).json()["body"] == "written"


def test_a_continue_link_must_be_a_web_address(client, placed, backend):
    response = client.put(
        placed.url,
        json={"body": "x", "base_version": 0, "continue_url": "javascript:alert(1)"},
        headers=placed.ada.auth,
    )

    assert response.status_code == 422
    assert "must be a web address" in response.json()["detail"]


def test_another_events_token_cannot_save(client, factory, placed, backend):
    other = factory.event(slug="other")
    stranger = factory.attendee(other, name="Eve")

    response = client.put(placed.url, json={"body": "x", "base_version": 0}, headers=stranger.auth)

    assert response.status_code == 401
    assert client.get(placed.url).json()["version"] == 0


def test_every_save_advances_the_board_version(client, database, placed, backend):
    with database.read_session() as session:
        before = board_version(session=session, event_id=placed.event.id)

    client.put(placed.url, json={"body": "x", "base_version": 0}, headers=placed.ada.auth)
    client.put(placed.url, json={"body": "x", "base_version": 1}, headers=placed.ada.auth)  # unchanged: no news

    with database.read_session() as session:
        assert board_version(session=session, event_id=placed.event.id) == before + 1


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("https://example.org/p\\ud800", "https://example.org/p"),  # a lone surrogate: was a 500
        ("https://exa\\u200bmple.org/\\u202eevil", "https://example.org/evil"),  # zero-width and bidi override
    ],
)
def test_continue_url_drops_lone_surrogates_and_invisible_characters(client, placed, backend, sent, stored):
    response = client.put(
        placed.url,
        content=f'{{"body": "x", "base_version": 0, "continue_url": "{sent}"}}'.encode(),
        headers={**placed.ada.auth, "Content-Type": "application/json"},
    )

    assert response.status_code == 200
    assert response.json()["continue_url"] == stored
    assert client.get(placed.url).json()["continue_url"] == stored


def test_the_size_of_notes_too_long_is_said_with_the_readers_decimal_mark(client, placed, backend):
    body = "x" * (MAX_NOTES_BYTES + 300)  # 200.3 KB
    german = {**placed.ada.auth, "Accept-Language": "de"}

    said_in_english = client.put(placed.url, json={"body": body, "base_version": 0}, headers=placed.ada.auth)
    said_in_german = client.put(placed.url, json={"body": body, "base_version": 0}, headers=german)

    assert said_in_english.json()["detail"].startswith("The notes are 200.3 KB;")
    assert said_in_german.json()["detail"].startswith("Die Notizen sind 200,3 KB groß;")
