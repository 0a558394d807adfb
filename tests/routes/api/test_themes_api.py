"""Themes through the JSON API: the facilitator sets them up, topics carry them, bad input is named."""

from app.models.theme import THEMES_MAX


def test_facilitator_creates_renames_reorders_and_removes_themes(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/themes"
    names = ["Tech for humans", "Community data, not big data", "Designing for sustainability"]
    made = [client.post(url, json={"name": n, "description": "One line."}, headers=event.auth) for n in names]
    assert [r.status_code for r in made] == [201, 201, 201]
    assert [(t["name"], t["mark"], t["symbol"], t["position"]) for t in (r.json() for r in made)] == [
        ("Tech for humans", "circle", "●", 0),
        ("Community data, not big data", "square", "■", 1),
        ("Designing for sustainability", "triangle", "▲", 2),
    ]
    last = made[2].json()["id"]

    renamed = client.patch(f"{url}/{last}", json={"name": "Sustainable design", "position": 0}, headers=event.auth)
    removed = client.delete(f"{url}/{made[1].json()['id']}", headers=event.auth)

    assert renamed.status_code == 200 and removed.status_code == 204
    assert [(t["name"], t["position"]) for t in client.get(url).json()] == [
        ("Sustainable design", 0),
        ("Tech for humans", 1),
    ]


def test_removing_a_theme_leaves_its_topics_unthemed(client, factory):
    event = factory.event()
    theme = factory.theme(event, name="Community accountability")
    topic = factory.topic(event, None, title="Who audits the audits?", theme=theme)
    topic_url = f"/api/events/{event.slug}/topics/{topic.id}"
    assert client.get(topic_url).json()["theme_id"] == theme.id

    client.delete(f"/api/events/{event.slug}/themes/{theme.id}", headers=event.auth)

    assert client.get(topic_url).json()["theme_id"] is None
    assert client.get(f"/api/events/{event.slug}/topics").json()[0]["title"] == "Who audits the audits?"


def test_an_attendee_proposes_under_a_theme_and_moves_their_topic_out_of_it(client, factory):
    event = factory.event()
    theme = factory.theme(event, name="Tech for humans")
    ada = factory.attendee(event)
    proposed = client.post(
        f"/api/events/{event.slug}/topics", json={"title": "Screen readers", "theme_id": theme.id}, headers=ada.auth
    )
    assert proposed.status_code == 201 and proposed.json()["theme_id"] == theme.id
    topic_url = f"/api/events/{event.slug}/topics/{proposed.json()['id']}"

    kept = client.patch(topic_url, json={"title": "Screen readers at events"}, headers=ada.auth)
    cleared = client.patch(topic_url, json={"theme_id": None}, headers=ada.auth)

    assert kept.json()["theme_id"] == theme.id
    assert cleared.json()["theme_id"] is None


def test_the_facilitator_moves_any_topic_to_another_theme(client, factory):
    event = factory.event()
    first, second = factory.theme(event, name="Data"), factory.theme(event, name="Care")
    topic = factory.topic(event, factory.attendee(event), title="Data trusts", theme=first)

    moved = client.patch(
        f"/api/events/{event.slug}/topics/{topic.id}", json={"theme_id": second.id}, headers=event.auth
    )

    assert moved.status_code == 200 and moved.json()["theme_id"] == second.id


def test_a_theme_of_another_event_or_none_is_refused_naming_the_field(client, factory):
    event, other = factory.event(slug="ours"), factory.event(slug="theirs")
    foreign = factory.theme(other, name="Elsewhere")
    ada = factory.attendee(event)
    url = f"/api/events/{event.slug}/topics"

    for theme_id in (foreign.id, 999_999):
        refused = client.post(url, json={"title": "Hello", "theme_id": theme_id}, headers=ada.auth)
        assert (refused.status_code, refused.json()) == (422, {"detail": "Choose one of this event's themes."})
    assert client.get(url).json() == []


def test_a_required_theme_is_asked_for_once_the_event_has_themes(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    client.patch(f"/api/events/{event.slug}", json={"theme_required": True}, headers=event.auth)
    url = f"/api/events/{event.slug}/topics"
    assert client.post(url, json={"title": "No themes yet"}, headers=ada.auth).status_code == 201

    theme = factory.theme(event, name="Care")
    refused = client.post(url, json={"title": "Unthemed"}, headers=ada.auth)
    accepted = client.post(url, json={"title": "Themed", "theme_id": theme.id}, headers=ada.auth)
    by_facilitator = client.post(url, json={"title": "The facilitator's"}, headers=event.auth)

    assert (refused.status_code, refused.json()) == (422, {"detail": "Choose the theme your topic belongs to."})
    assert accepted.status_code == 201 and by_facilitator.status_code == 201
    assert client.get(f"/api/events/{event.slug}").json()["theme_required"] is True


def test_bad_theme_names_are_refused_in_words(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/themes"
    client.post(url, json={"name": "Tech for humans"}, headers=event.auth)

    taken = client.post(url, json={"name": "  tech FOR humans "}, headers=event.auth)
    empty = client.post(url, json={"name": " \u200b "}, headers=event.auth)
    too_long = client.post(url, json={"name": "x" * 61}, headers=event.auth)
    bad_mark = client.post(url, json={"name": "Care", "mark": "red"}, headers=event.auth)
    surrogate = client.post(
        url, content=b'{"name": "p\\ud800"}', headers={**event.auth, "Content-Type": "application/json"}
    )

    assert taken.status_code == 422 and "already has a theme called" in taken.json()["detail"]
    assert empty.json() == {"detail": "The theme's name can't be empty."}
    assert too_long.status_code == 422 and "at most 60" in too_long.json()["detail"]
    assert bad_mark.status_code == 422 and "mark" in bad_mark.json()["detail"]
    assert surrogate.status_code == 201 and surrogate.json()["name"] == "p"
    assert [t["name"] for t in client.get(url).json()] == ["Tech for humans", "p"]


def test_an_attendee_cannot_set_up_themes(client, factory):
    event = factory.event()
    ada = factory.attendee(event)
    refused = client.post(f"/api/events/{event.slug}/themes", json={"name": "Mine"}, headers=ada.auth)
    assert refused.status_code == 403
    assert client.get(f"/api/events/{event.slug}/themes").json() == []


def test_an_event_takes_one_theme_per_mark(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/themes"
    for number in range(THEMES_MAX):
        assert client.post(url, json={"name": f"Theme {number}"}, headers=event.auth).status_code == 201

    one_more = client.post(url, json={"name": "One too many"}, headers=event.auth)

    assert one_more.status_code == 409 and f"at most {THEMES_MAX} themes" in one_more.json()["detail"]
    assert len({t["mark"] for t in client.get(url).json()}) == THEMES_MAX


def test_two_themes_never_share_a_mark(client, factory):
    event = factory.event()
    url = f"/api/events/{event.slug}/themes"
    first = client.post(url, json={"name": "Data", "mark": "star"}, headers=event.auth).json()
    second = client.post(url, json={"name": "Care"}, headers=event.auth).json()

    taken = client.post(url, json={"name": "Joy", "mark": "star"}, headers=event.auth)
    moved = client.patch(f"{url}/{second['id']}", json={"mark": "star"}, headers=event.auth)
    kept = client.patch(f"{url}/{first['id']}", json={"mark": "star"}, headers=event.auth)

    assert second["mark"] == "circle"
    assert taken.json() == {"detail": "The star ★ is the mark of “Data” already."}
    assert moved.status_code == 422 and kept.status_code == 200
