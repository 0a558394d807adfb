"""The facilitation team over the API: invite, list, remove; a removed member's key refused at once; undo."""

from __future__ import annotations

from starlette.testclient import TestClient

from app.deps import REFUSED_KEY

AS = "Authorization"


def _invite(client: TestClient, event, name: str = "Sam") -> dict:  # type: ignore[no-untyped-def]
    answer = client.post(f"/api/events/{event.slug}/facilitators", json={"name": name}, headers=event.auth)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_an_invited_member_gets_a_key_once_and_the_list_never_shows_keys(client: TestClient, factory, backend):
    event = factory.event(slug="hall")

    sam = _invite(client, event)
    team = client.get("/api/events/hall/facilitators", headers={AS: f"Bearer {sam['facilitator_key']}"})

    assert set(sam) == {"id", "name", "facilitator_key", "links"}
    assert sam["links"]["facilitator"] == f"http://testserver/e/hall/facilitate#key={sam['facilitator_key']}"
    assert [(m["name"], set(m)) for m in team.json()] == [
        ("Facilitator", {"id", "name", "created_at"}),
        ("Sam", {"id", "name", "created_at"}),
    ]


def test_a_removed_members_key_is_refused_at_once_with_a_sentence_and_no_data(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    sam = _invite(client, event)
    theirs = {AS: f"Bearer {sam['facilitator_key']}"}
    assert client.get("/api/events/hall/activity", headers=theirs).status_code == 200

    removed = client.delete(f"/api/events/hall/facilitators/{sam['id']}", headers=event.auth)

    assert removed.status_code == 204
    refused = client.get("/api/events/hall/activity", headers=theirs)
    assert (refused.status_code, refused.json()) == (401, {"detail": REFUSED_KEY})
    assert client.patch("/api/events/hall", json={"name": "Mine now"}, headers=theirs).status_code == 401
    assert client.get("/api/events/hall").json()["name"] == "Autumn Gathering"


def test_the_last_facilitator_cant_remove_themselves(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    me = client.get("/api/events/hall/facilitators", headers=event.auth).json()[0]

    refused = client.delete(f"/api/events/hall/facilitators/{me['id']}", headers=event.auth)

    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "Facilitator is the last facilitator of this event: invite someone else before leaving.",
    )
    assert client.get("/api/events/hall/facilitators", headers=event.auth).status_code == 200


def test_bad_names_are_a_4xx_naming_the_field(client: TestClient, factory, backend):
    event = factory.event(slug="hall")

    for body, said in (
        ({"name": ""}, "name"),
        ({"name": "x" * 41}, "name"),
        ({"name": "\u202eevil"}, None),  # the bidi override is dropped: accepted as "evil"
        ({}, "name"),
    ):
        answer = client.post("/api/events/hall/facilitators", json=body, headers=event.auth)
        if said is None:
            assert (answer.status_code, answer.json()["name"]) == (201, "evil")
        else:
            assert answer.status_code == 422 and said in answer.json()["detail"], answer.text


def test_replacing_ones_key_over_the_api_leaves_the_rest_of_the_team_alone(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    sam = _invite(client, event)
    theirs = {AS: f"Bearer {sam['facilitator_key']}"}

    fresh = client.post("/api/events/hall/facilitator-key", headers=theirs).json()["facilitator_key"]

    assert client.get("/api/events/hall/activity", headers=theirs).status_code == 401
    assert client.get("/api/events/hall/activity", headers={AS: f"Bearer {fresh}"}).status_code == 200
    assert client.get("/api/events/hall/activity", headers=event.auth).status_code == 200
    assert client.get("/api/events/hall/activity", headers=event.auth).json()[0]["text"] == (
        "Sam replaced their own facilitator link"
    )


def test_undo_over_the_api_says_what_happened_and_twice_is_a_409(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    topic = factory.topic(event, factory.attendee(event), title="Spam?")
    client.post(f"/api/events/hall/topics/{topic.id}/hide", headers=event.auth)
    hidden = client.get("/api/events/hall/activity", headers=event.auth).json()[0]

    first = client.post(f"/api/events/hall/activity/{hidden['id']}/undo", headers=event.auth)
    again = client.post(f"/api/events/hall/activity/{hidden['id']}/undo", headers=event.auth)

    assert hidden["text"] == "Facilitator hid “Spam?”" and hidden["undoable"] is True
    assert first.json() == {"message": "“Spam?” is back on the marketplace.", "topic_id": topic.id}
    assert (again.status_code, again.json()) == (409, {"detail": "This was undone already."})
    assert client.get(f"/api/events/hall/topics/{topic.id}").json()["status"] == "proposed"


def test_a_facilitators_notes_are_credited_to_their_name(client: TestClient, factory, backend):
    event = factory.event(slug="hall")
    topic = factory.topic(event, factory.attendee(event), title="Data")
    factory.place(event, topic, factory.room(event), factory.slot(event))
    sam = _invite(client, event)

    saved = client.put(
        f"/api/events/hall/topics/{topic.id}/notes",
        json={"body": "Sam's notes", "base_version": 0},
        headers={AS: f"Bearer {sam['facilitator_key']}"},
    )
    revisions = client.get(f"/api/events/hall/topics/{topic.id}/notes/revisions").json()

    assert saved.status_code == 200, saved.text
    assert [r["author_name"] for r in revisions] == ["Sam"]


def test_the_activity_list_says_who_of_the_team_changed_a_topic_and_removed_someone(
    client: TestClient, factory, backend
):
    event = factory.event(slug="hall")
    ada = factory.attendee(event, name="Ada")
    sam = {AS: f"Bearer {_invite(client, event)['facilitator_key']}"}
    made = client.post("/api/events/hall/topics", json={"title": "Tea rota"}, headers=sam)
    topic_id = made.json()["id"]

    answers = [
        client.patch(f"/api/events/hall/topics/{topic_id}", json={"title": "Tea rotas"}, headers=sam),
        client.post(f"/api/events/hall/topics/{topic_id}/conveners", json={"attendee_id": ada.id}, headers=sam),
        client.delete(f"/api/events/hall/attendees/{ada.id}", headers=sam),
    ]
    lines = [line["text"] for line in client.get("/api/events/hall/activity", headers=event.auth).json()]

    assert [made.status_code] + [answer.status_code for answer in answers] == [201, 200, 201, 200]
    assert lines[:5] == [
        "Sam removed someone from the event",
        "Sam invited a former participant to co-convene “Tea rotas”",  # Ada's name went with her
        "Sam edited “Tea rotas”",
        "Sam proposed “Tea rota”",
        "Facilitator invited Sam to the team",
    ]
