"""The duplicate check through the JSON API: similar topics while typing (anyone), likely duplicates and "not a
duplicate" (the facilitator)."""

from tests.factories import Factory


def test_similar_topics_come_with_a_score_most_similar_first(client, factory: Factory):
    event = factory.event()
    ada = factory.attendee(event, name="Ada")
    owned = factory.topic(event, ada, title="Mesh networks for neighbourhoods")
    factory.topic(event, ada, title="Mesh networks, again")
    factory.topic(event, ada, title="Community gardening")
    factory.vote(ada, owned)

    answer = client.get(f"/api/events/{event.slug}/topics/similar", params={"title": "Mesh networks"})

    assert answer.status_code == 200
    found = answer.json()
    assert [t["title"] for t in found] == ["Mesh networks, again", "Mesh networks for neighbourhoods"]
    assert (found[1]["votes"], found[1]["convener_name"], found[1]["status"]) == (1, "Ada", "proposed")
    assert 1 >= found[0]["score"] > found[1]["score"] > 0


def test_nothing_similar_an_empty_title_and_a_long_one_answer_an_empty_list(client, factory: Factory):
    event = factory.event()
    factory.topic(event, None, title="Community data trusts")
    url = f"/api/events/{event.slug}/topics/similar"

    answers = [client.get(url, params=params) for params in ({"title": "Community gardening"}, {"title": ""}, {})]
    long = client.get(url, params={"title": "Community data trusts " * 90})

    assert [(a.status_code, a.json()) for a in answers] == [(200, [])] * 3
    assert long.status_code == 200 and [t["title"] for t in long.json()] == ["Community data trusts"]


def test_a_title_over_two_thousand_characters_is_refused_in_words(client, factory: Factory):
    event = factory.event()

    answer = client.get(f"/api/events/{event.slug}/topics/similar", params={"title": "a" * 2001})

    assert answer.status_code == 422
    assert "title" in answer.json()["detail"] and "2000" in answer.json()["detail"]


def test_similar_is_not_a_topic_id(client, factory: Factory):
    event = factory.event()

    answer = client.patch(f"/api/events/{event.slug}/topics/similar", json={"title": "New"}, headers=event.auth)

    assert answer.status_code == 422 and "topic_id" in answer.json()["detail"]


def test_names_on_similar_topics_are_hidden_from_those_who_did_not_join_an_event_with_a_code(client, factory: Factory):
    event = factory.event(join_code="garden")
    ada = factory.attendee(event, name="Ada")
    factory.topic(event, ada, title="Mesh networks")
    url = f"/api/events/{event.slug}/topics/similar"

    anyone = client.get(url, params={"title": "Mesh networks"}).json()
    joined = client.get(url, params={"title": "Mesh networks"}, headers=ada.auth).json()

    assert [t["convener_name"] for t in anyone] == ["a participant"]
    assert [t["convener_name"] for t in joined] == ["Ada"]


def test_the_facilitator_lists_likely_duplicates_and_keeps_a_pair_apart(client, factory: Factory):
    event = factory.event()
    ada = factory.attendee(event)
    one = factory.topic(event, ada, title="Mesh networks for neighbourhoods")
    two = factory.topic(event, ada, title="Neighbourhood mesh networks")
    factory.topic(event, ada, title="Remote work")
    factory.vote(ada, one)
    url = f"/api/events/{event.slug}/duplicates"

    listed = client.get(url, headers=event.auth)
    kept_apart = client.post(f"{url}/not", json={"topic_id": two.id, "other_topic_id": one.id}, headers=event.auth)
    again = client.post(f"{url}/not", json={"topic_id": one.id, "other_topic_id": two.id}, headers=event.auth)

    assert listed.status_code == 200
    pair = listed.json()[0]
    assert [pair["topic"]["title"], pair["other"]["title"]] == [
        "Mesh networks for neighbourhoods",
        "Neighbourhood mesh networks",
    ]
    assert (pair["merge_from_id"], pair["merge_into_id"]) == (two.id, one.id)
    assert 0 < pair["score"] <= 1
    assert (kept_apart.status_code, again.status_code) == (204, 204)
    assert client.get(url, headers=event.auth).json() == []


def test_not_a_duplicate_names_what_is_wrong(client, factory: Factory):
    event = factory.event()
    one = factory.topic(event, None, title="Mesh networks")
    url = f"/api/events/{event.slug}/duplicates/not"

    same = client.post(url, json={"topic_id": one.id, "other_topic_id": one.id}, headers=event.auth)
    unknown = client.post(url, json={"topic_id": one.id, "other_topic_id": 999}, headers=event.auth)
    attendee = factory.attendee(event)
    refused = client.post(url, json={"topic_id": one.id, "other_topic_id": 999}, headers=attendee.auth)

    assert (same.status_code, same.json()) == (
        422,
        {"detail": "A topic is always like itself: choose two different topics."},
    )
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "There is no topic 999 in this event."})
    assert refused.status_code == 403
