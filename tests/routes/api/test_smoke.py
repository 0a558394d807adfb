def test_topics_of_a_new_event_are_empty(client, factory, backend):
    event = factory.event()
    response = client.get(f"/api/events/{event.slug}/topics")
    assert response.json() == []
