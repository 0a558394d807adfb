"""Joining, proposing, editing, withdrawing, moderating and voting through the JSON API."""


def test_join_returns_a_token_that_works(client, factory):
    event = factory.event()
    joined = client.post(f"/api/events/{event.slug}/attendees", json={"display_name": "  Grace   Hopper "})
    assert joined.status_code == 201
    body = joined.json()
    assert body["display_name"] == "Grace Hopper"
    proposed = client.post(
        f"/api/events/{event.slug}/topics",
        json={"title": "Compilers"},
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert proposed.json()["convener_name"] == "Grace Hopper"


def test_join_with_join_code_checks_it_forgivingly(client, factory):
    event = factory.event(join_code="AB12CD")
    url = f"/api/events/{event.slug}/attendees"
    wrong = client.post(url, json={"display_name": "Eve", "join_code": "ZZZZZZ"})
    missing = client.post(url, json={"display_name": "Eve"})
    typed_on_a_phone = client.post(url, json={"display_name": "Ann", "join_code": " ab12 cd "})
    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert wrong.json() == {"detail": "That join code is not right. It is shown on the screen at the venue."}
    assert typed_on_a_phone.status_code == 201


def test_join_with_bad_names_is_refused(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/attendees"
    assert client.post(url, json={"display_name": " \t "}).json() == {"detail": "Your name can't be empty."}
    too_long = client.post(url, json={"display_name": "x" * 41})
    assert too_long.status_code == 422 and "at most 40" in too_long.json()["detail"]
    assert client.post(url, json={}).status_code == 422


def test_forged_or_foreign_attendee_token_is_refused(client, factory):
    ours, theirs = factory.event(slug="ours"), factory.event(slug="theirs")
    outsider = factory.attendee(theirs)
    topic = factory.topic(ours, None)
    url = f"/api/events/{ours.slug}/topics/{topic.id}/vote"
    foreign = client.put(url, headers=outsider.auth)
    forged = client.put(url, headers={"Authorization": f"Bearer {outsider.id}.not-the-secret"})
    garbage = client.put(url, headers={"Authorization": "Bearer ..."})
    assert [r.status_code for r in (foreign, forged, garbage)] == [401, 401, 401]
    assert client.get(f"/api/events/{ours.slug}/topics").json()[0]["votes"] == 0


def test_propose_topic_cleans_title_and_stores_it_verbatim(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    response = client.post(
        f"/api/events/{event.slug}/topics",
        json={"title": "  <script>alert(1)</script>\u202e  ", "description": "Line one\r\nLine two"},
        headers=ada.auth,
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["description"]) == ("<script>alert(1)</script>", "Line one\nLine two")
    assert (body["status"], body["votes"], body["convener_id"]) == ("proposed", 0, ada.id)


def test_propose_topic_with_bad_title_or_description_is_refused(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    url = f"/api/events/{event.slug}/topics"
    empty = client.post(url, json={"title": "   "}, headers=ada.auth)
    long_title = client.post(url, json={"title": "t" * 121}, headers=ada.auth)
    long_text = client.post(url, json={"title": "ok", "description": "d" * 2001}, headers=ada.auth)
    anonymous = client.post(url, json={"title": "Who am I"})
    assert empty.json() == {"detail": "The title can't be empty."}
    assert long_title.json() == {"detail": "The title is too long: 121 characters, at most 120."}
    assert long_text.status_code == 422 and "2,001 characters" in long_text.json()["detail"]
    assert anonymous.status_code == 401
    assert client.get(url).json() == []


def test_proposals_closed_refuses_attendees_but_not_the_facilitator(client, factory):
    event = factory.event(proposals_open=False)
    ada = factory.attendee(event)
    url = f"/api/events/{event.slug}/topics"
    by_attendee = client.post(url, json={"title": "Late idea"}, headers=ada.auth)
    by_facilitator = client.post(url, json={"title": "Closing circle"}, headers=event.auth)
    assert by_attendee.status_code == 403
    assert by_attendee.json() == {"detail": "Proposals are closed for this event."}
    assert by_facilitator.status_code == 201 and by_facilitator.json()["convener_id"] is None


def test_topics_sort_by_votes_or_newest_and_search(client, factory):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    old = factory.topic(event, ada, title="Gardening with kids", description="soil")
    new = factory.topic(event, bob, title="Rust for beginners", description="memory safety 100%")
    factory.vote(ada, old)
    factory.vote(bob, old)
    url = f"/api/events/{event.slug}/topics"
    assert [t["id"] for t in client.get(url).json()] == [old.id, new.id]
    assert [t["id"] for t in client.get(url, params={"sort": "newest"}).json()] == [new.id, old.id]
    assert [t["title"] for t in client.get(url, params={"q": "RUST safety"}).json()] == ["Rust for beginners"]
    assert client.get(url, params={"q": "100%"}).json()[0]["id"] == new.id
    assert client.get(url, params={"q": "_"}).json() == []
    assert client.get(url, params={"sort": "random"}).status_code == 422


def test_convener_edits_own_topic_but_not_others(client, factory):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada, title="Old title")
    url = f"/api/events/{event.slug}/topics/{topic.id}"
    by_bob = client.patch(url, json={"title": "Hijacked"}, headers=bob.auth)
    by_ada = client.patch(url, json={"title": "New title"}, headers=ada.auth)
    assert by_bob.status_code == 403
    assert by_bob.json() == {"detail": "Only the topic's convener or the facilitator can edit it."}
    assert by_ada.json()["title"] == "New title"
    assert client.patch(url, json={"title": ""}, headers=ada.auth).status_code == 422


def test_withdraw_returns_dots_and_hides_topic_from_the_list(client, factory):
    event = factory.event()
    ada, bob = factory.attendee(event, name="Ada"), factory.attendee(event, name="Bob")
    topic = factory.topic(event, ada)
    factory.vote(bob, topic)
    url = f"/api/events/{event.slug}/topics/{topic.id}"
    assert client.delete(url, headers=bob.auth).status_code == 403
    response = client.delete(url, headers=ada.auth)
    assert response.json()["status"] == "withdrawn"
    assert client.get(f"/api/events/{event.slug}/topics").json() == []
    other = factory.topic(event, None, title="Another")
    vote = client.put(f"/api/events/{event.slug}/topics/{other.id}/vote", headers=bob.auth).json()
    assert vote["votes_left"] == 4
    assert client.put(f"{url}/vote", headers=bob.auth).status_code == 409
    assert client.delete(url, headers=ada.auth).status_code == 409


def test_facilitator_hides_an_abusive_topic(client, factory):
    event = factory.event()
    troll = factory.attendee(event, name="Troll")
    topic = factory.topic(event, troll, title="Spam spam spam")
    url = f"/api/events/{event.slug}/topics/{topic.id}/hide"
    assert client.post(url, headers=troll.auth).status_code == 403
    assert client.post(url, headers=event.auth).json()["status"] == "hidden"
    assert client.get(f"/api/events/{event.slug}/topics").json() == []
    vote = client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=troll.auth)
    assert vote.status_code == 409 and "hidden" in vote.json()["detail"]
    edit = client.patch(f"/api/events/{event.slug}/topics/{topic.id}", json={"title": "Back"}, headers=troll.auth)
    assert edit.status_code == 409


def test_merge_moves_dots_without_doubling_or_overspending(client, factory):
    event = factory.event(votes_per_attendee=2)
    ada, bob, cy = (factory.attendee(event, name=n) for n in ("Ada", "Bob", "Cy"))
    keep = factory.topic(event, ada, title="Remote work")
    duplicate = factory.topic(event, bob, title="Working remotely")
    factory.vote(ada, keep)
    factory.vote(ada, duplicate)  # Ada on both: keeps one on the target, gets one back
    factory.vote(bob, duplicate)
    factory.vote(cy, duplicate)
    url = f"/api/events/{event.slug}/topics/{duplicate.id}/merge"
    assert client.post(url, json={"into_topic_id": keep.id}, headers=ada.auth).status_code == 403
    merged = client.post(url, json={"into_topic_id": keep.id}, headers=event.auth)
    assert merged.json()["votes"] == 3
    assert [(t["title"], t["votes"]) for t in client.get(f"/api/events/{event.slug}/topics").json()] == [
        ("Remote work", 3)
    ]
    other = factory.topic(event, None, title="Other")
    ada_vote = client.put(f"/api/events/{event.slug}/topics/{other.id}/vote", headers=ada.auth).json()
    assert ada_vote["votes_left"] == 0  # one dot on the target, one spent now: exactly the budget


def test_merge_into_itself_or_unknown_topic_is_refused(client, factory):
    event = factory.event()
    topic = factory.topic(event, None)
    url = f"/api/events/{event.slug}/topics/{topic.id}/merge"
    itself = client.post(url, json={"into_topic_id": topic.id}, headers=event.auth)
    unknown = client.post(url, json={"into_topic_id": 999999}, headers=event.auth)
    assert itself.json() == {"detail": "A topic can't be merged into itself."}
    assert unknown.status_code == 404
    assert client.get(f"/api/events/{event.slug}/topics").json()[0]["status"] == "proposed"


def test_vote_is_idempotent_and_reports_dots_left(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    url = f"/api/events/{event.slug}/topics/{topic.id}/vote"
    first = client.put(url, headers=ada.auth).json()
    again = client.put(url, headers=ada.auth).json()
    assert first == again == {"topic_id": topic.id, "voted": True, "votes": 1, "votes_left": 4, "budget": 5}
    back = client.delete(url, headers=ada.auth).json()
    assert back == {"topic_id": topic.id, "voted": False, "votes": 0, "votes_left": 5, "budget": 5}
    assert client.get(f"/api/events/{event.slug}/me", headers=ada.auth).json()["voted_topic_ids"] == []
    assert client.delete(url, headers=ada.auth).json()["votes_left"] == 5


def test_vote_beyond_budget_is_409_and_nothing_is_stored(client, factory):
    event = factory.event(votes_per_attendee=2)
    ada = factory.attendee(event)
    topics = [factory.topic(event, None, title=f"T{n}") for n in range(3)]
    for topic in topics[:2]:
        client.put(f"/api/events/{event.slug}/topics/{topic.id}/vote", headers=ada.auth)
    response = client.put(f"/api/events/{event.slug}/topics/{topics[2].id}/vote", headers=ada.auth)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("You have spent all 2 of your dots.")
    assert sum(t["votes"] for t in client.get(f"/api/events/{event.slug}/topics").json()) == 2


def test_voting_closed_is_403_for_vote_and_unvote(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    topic = factory.topic(event, None)
    factory.vote(ada, topic)
    client.patch(f"/api/events/{event.slug}", json={"voting_open": False}, headers=event.auth)
    url = f"/api/events/{event.slug}/topics/{topic.id}/vote"
    put, delete = client.put(url, headers=ada.auth), client.delete(url, headers=ada.auth)
    assert (put.status_code, delete.status_code) == (403, 403)
    assert put.json() == {"detail": "Voting is closed for this event."}
    assert client.get(f"/api/events/{event.slug}/topics").json()[0]["votes"] == 1


def test_vote_on_other_events_topic_or_unknown_id_is_404(client, factory):
    ours, theirs = factory.event(slug="ours"), factory.event(slug="theirs")
    ada = factory.attendee(ours)
    their_topic = factory.topic(theirs, None)
    other = client.put(f"/api/events/{ours.slug}/topics/{their_topic.id}/vote", headers=ada.auth)
    unknown = client.put(f"/api/events/{ours.slug}/topics/424242/vote", headers=ada.auth)
    not_a_number = client.put(f"/api/events/{ours.slug}/topics/abc/vote", headers=ada.auth)
    assert (other.status_code, unknown.status_code, not_a_number.status_code) == (404, 404, 422)
    assert other.json() == {"detail": f"There is no topic {their_topic.id} in this event."}


def test_attendee_token_of_one_event_in_anothers_url_is_refused(client, factory):
    ours, theirs = factory.event(slug="ours"), factory.event(slug="theirs")
    ada = factory.attendee(ours)
    their_topic = factory.topic(theirs, None)
    response = client.put(f"/api/events/{theirs.slug}/topics/{their_topic.id}/vote", headers=ada.auth)
    assert response.status_code == 401
    assert client.get(f"/api/events/{theirs.slug}/topics").json()[0]["votes"] == 0


def test_oversized_body_is_413(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    response = client.post(
        f"/api/events/{event.slug}/topics", content=b'{"title": "' + b"x" * 2_000_000 + b'"}', headers=ada.auth
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_invalid_json_and_invalid_utf8_get_a_clear_4xx(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    headers = {**ada.auth, "Content-Type": "application/json"}
    broken = client.post(f"/api/events/{event.slug}/topics", content=b'{"title": ', headers=headers)
    bad_bytes = client.post(f"/api/events/{event.slug}/topics", content=b'{"title": "\xff\xfe"}', headers=headers)
    assert broken.status_code == 422 and isinstance(broken.json()["detail"], str)
    assert bad_bytes.status_code == 400 and isinstance(bad_bytes.json()["detail"], str)


def test_ids_beyond_what_the_database_holds_are_refused_not_crashed(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    huge = 11789204548660408352768
    responses = [
        client.get(f"/api/events/{event.slug}/topics/{huge}"),
        client.post(f"/api/events/{event.slug}/topics/{huge}/hide", headers=event.auth),
        client.patch(f"/api/events/{event.slug}/slots/{huge}", json={"label": "x"}, headers=event.auth),
        client.put(f"/api/events/{event.slug}/topics/{huge}/vote", headers=ada.auth),
        client.post(f"/api/events/{event.slug}/topics/1/merge", json={"into_topic_id": huge}, headers=event.auth),
    ]
    assert [r.status_code for r in responses] == [422] * 5
    assert all(isinstance(r.json()["detail"], str) for r in responses)
    assert "2147483647" in responses[3].json()["detail"]


def test_propose_sent_again_with_the_same_idempotency_key_makes_one_topic(client, factory, backend):
    event = factory.event(slug="gathering")
    ada = factory.attendee(event)
    headers = {**ada.auth, "Idempotency-Key": "3f1c2a"}

    first = client.post("/api/events/gathering/topics", json={"title": "Remote work"}, headers=headers)
    again = client.post("/api/events/gathering/topics", json={"title": "Remote work"}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert [t["title"] for t in client.get("/api/events/gathering/topics").json()] == ["Remote work"]
