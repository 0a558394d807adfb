"""Duplicates on the pages: the proposal form while a title is typed (similar topics, the nearest theme, the theme
list), and the facilitator's "Likely duplicates" as plain posts and with htmx."""

from __future__ import annotations

import html as html_module
import re

from starlette.testclient import TestClient

from app.models import Topic, TopicStatus
from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import HTMX, confirmation_form, csrf_token, element, join, stored_topics_and_dots


def topics_by_title(client: TestClient, event: EventWithKey) -> dict[str, dict[str, object]]:
    return {t["title"]: t for t in client.get(f"/api/events/{event.slug}/topics", headers=event.auth).json()}


def text(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


# --- While the title is typed ------------------------------------------------------------------------------


def test_typing_a_title_shows_the_similar_topic_with_its_dots_and_a_way_to_its_dot(client, factory: Factory):
    event = factory.event()
    bo = factory.attendee(event, name="Bo")
    owned = factory.topic(event, bo, title="Who owns community data?")
    factory.topic(event, bo, title="Community gardening")
    factory.vote(bo, owned)
    join(client, event.slug, "Ada")

    answer = client.get(f"/e/{event.slug}/similar", params={"title": "Who owns our community data"}, headers=HTMX)

    assert answer.status_code == 200
    similar = element(answer.text, "propose-similar")
    assert 'aria-live="polite"' in similar
    assert "Similar: ‘Who owns community data?’ (1 dot). Vote for it instead" in text(similar)
    assert "or propose yours anyway" in text(similar)
    assert f'href="/e/{event.slug}#topic-{owned.id}"' in similar
    assert "Community gardening" not in similar
    assert "propose-theme-hint" not in answer.text  # no themes, no theme hint


def test_nothing_similar_leaves_the_place_empty_and_the_nearest_theme_comes_out_of_band(client, factory: Factory):
    event = factory.event()
    green = factory.theme(event, name="Designing for sustainability", description="Things that last")
    factory.topic(event, None, title="Solar-powered servers", theme=green)
    join(client, event.slug, "Ada")

    answer = client.get(f"/e/{event.slug}/similar", params={"title": "Sustainable design for laptops"}, headers=HTMX)

    assert text(element(answer.text, "propose-similar")) == ""
    hint = element(answer.text, "propose-theme-hint")
    assert 'hx-swap-oob="true"' in hint
    assert "Nearest theme: ● Designing for sustainability" in text(hint)
    assert f'data-pick-theme="{green.id}"' in hint


def test_the_similar_topics_are_for_those_who_joined(client, factory: Factory):
    event = factory.event()

    answer = client.get(f"/e/{event.slug}/similar", params={"title": "Anything"}, headers=HTMX)

    assert answer.status_code == 401


# --- The theme list and proposing under a theme ---------------------------------------------------------


def test_the_proposal_form_offers_the_themes_with_their_marks(client, factory: Factory):
    event = factory.event()
    data = factory.theme(event, name="Community data, not big data")
    join(client, event.slug, "Ada")

    form = element(client.get(f"/e/{event.slug}").text, "propose")

    assert '<label for="propose-theme">Theme <span class="hint">(optional)</span></label>' in form
    assert f'<option value="{data.id}">● Community data, not big data</option>' in form
    assert 'hx-trigger="input changed delay:400ms"' in form and 'id="propose-similar"' in form


def test_a_plain_post_and_an_htmx_post_carry_the_theme(client, factory: Factory):
    event = factory.event()
    data = factory.theme(event, name="Community data")
    csrf = join(client, event.slug, "Ada")
    url = f"/e/{event.slug}/topics"

    plain = client.post(
        url, data={"csrf_token": csrf, "title": "Data trusts", "theme_id": str(data.id)}, follow_redirects=False
    )
    htmx = client.post(url, data={"csrf_token": csrf, "title": "Data commons", "theme_id": str(data.id)}, headers=HTMX)
    none = client.post(url, data={"csrf_token": csrf, "title": "Gardening", "theme_id": ""}, headers=HTMX)

    assert (plain.status_code, htmx.status_code, none.status_code) == (303, 200, 200)
    found = topics_by_title(client, event)
    assert [found[t]["theme_id"] for t in ("Data trusts", "Data commons", "Gardening")] == [data.id, data.id, None]


def test_a_wrong_theme_is_shown_in_place_with_what_was_typed(client, factory: Factory):
    event = factory.event()
    other = factory.event(name="Elsewhere")
    theirs = factory.theme(other, name="Theirs")
    factory.theme(event, name="Ours")
    csrf = join(client, event.slug, "Ada")
    url = f"/e/{event.slug}/topics"

    answers = [
        client.post(url, data={"csrf_token": csrf, "title": "Data trusts", "theme_id": value}, headers=headers)
        for value, headers in ((str(theirs.id), HTMX), ("nonsense", {}))
    ]

    for answer in answers:
        assert answer.status_code == 422
        form = element(answer.text, "propose")
        assert "Choose one of this event's themes." in text(form)
        select = re.search(r"<select[^>]*>", form)
        assert select and 'aria-invalid="true"' in select.group(0)
        assert 'value="Data trusts"' in form
    assert "Data trusts" not in topics_by_title(client, event)


def test_a_required_theme_is_asked_for(client, factory: Factory):
    event = factory.event()
    factory.theme(event, name="Ours")
    client.patch(f"/api/events/{event.slug}", json={"theme_required": True}, headers=event.auth)
    csrf = join(client, event.slug, "Ada")

    page = element(client.get(f"/e/{event.slug}").text, "propose")
    refused = client.post(f"/e/{event.slug}/topics", data={"csrf_token": csrf, "title": "Data trusts"}, headers=HTMX)

    assert '<select id="propose-theme" name="theme_id" required>' in page and "Choose a theme" in page
    assert refused.status_code == 422
    assert "Choose the theme your topic belongs to." in text(element(refused.text, "propose"))


# --- The facilitator's likely duplicates ----------------------------------------------------------------


def enter(client: TestClient, event: EventWithKey) -> str:
    page = client.get(f"/e/{event.slug}/facilitate", params={"key": event.key})
    assert page.status_code == 200
    return csrf_token(page.text)


def two_alike(factory: Factory, event: EventWithKey) -> tuple[Topic, Topic]:
    ada = factory.attendee(event, name="Ada")
    more = factory.topic(event, ada, title="Mesh networks for neighbourhoods")
    fewer = factory.topic(event, ada, title="Neighbourhood mesh networks")
    factory.topic(event, ada, title="Remote work")
    factory.vote(ada, more)
    return more, fewer


def test_the_facilitator_page_lists_likely_duplicates_with_merge_into_the_one_with_more_dots(client, factory: Factory):
    event = factory.event()
    more, fewer = two_alike(factory, event)
    enter(client, event)

    section = element(client.get(f"/e/{event.slug}/facilitate/moderation").text, "facilitate-duplicates")

    assert "Likely duplicates" in section
    assert "“Neighbourhood mesh networks” (0 dots) and “Mesh networks for neighbourhoods” (1 dot)" in text(section)
    assert "Merge into “Mesh networks for neighbourhoods”" in text(section)
    assert f'name="merge_from" value="{fewer.id}"' in section and f'name="merge_into" value="{more.id}"' in section
    assert (
        'hx-confirm="Merge “Neighbourhood mesh networks” into “Mesh networks for neighbourhoods”? Its dots move to '
        '“Mesh networks for neighbourhoods”; you can undo it from the activity list."' in section
    )
    assert """hx-vals='{"confirmed": "yes"}'""" in section
    assert "Remote work" not in section


def test_merging_a_pair_as_a_plain_post_and_with_htmx(client, factory: Factory, database):
    event = factory.event()
    more, fewer = two_alike(factory, event)
    csrf = enter(client, event)
    url = f"/e/{event.slug}/facilitate/duplicates/merge"
    form = {"csrf_token": csrf, "merge_from": str(fewer.id), "merge_into": str(more.id), "confirmed": "yes"}

    plain = client.post(url, data=form, follow_redirects=False)
    again = client.post(url, data=form, headers=HTMX)

    moderation = f"/e/{event.slug}/facilitate/moderation"
    assert (plain.status_code, plain.headers["location"]) == (303, f"{moderation}#facilitate-duplicates")
    with database.read_session() as session:
        merged = session.get(Topic, fewer.id)
        assert merged is not None and (merged.status, merged.merged_into_id) == (TopicStatus.merged, more.id)
    # Merged already (in another tab, say): said at the top of the section, which no longer lists the pair.
    assert again.status_code == 409
    assert "no longer on the marketplace" in text(element(again.text, "facilitate-duplicates"))
    assert "No likely duplicates" in again.text


def test_merging_a_pair_as_a_plain_post_asks_first_then_merges_that_pair(client, factory: Factory, database):
    event = factory.event()
    more, fewer = two_alike(factory, event)
    csrf = enter(client, event)
    before = stored_topics_and_dots(database)

    asked = client.post(
        f"/e/{event.slug}/facilitate/duplicates/merge",
        data={"csrf_token": csrf, "merge_from": str(fewer.id), "merge_into": str(more.id)},
    )
    unchanged = stored_topics_and_dots(database)
    action, fields = confirmation_form(asked.text)
    done = client.post(action, data=fields, follow_redirects=False)

    assert asked.status_code == 200
    assert (
        "Merge “Neighbourhood mesh networks” into “Mesh networks for neighbourhoods”? Its dots move to “Mesh "
        "networks for neighbourhoods”; you can undo it from the activity list." in text(element(asked.text, "main"))
    )
    assert unchanged == before
    assert fields == {"csrf_token": csrf, "confirmed": "yes", "merge_from": str(fewer.id), "merge_into": str(more.id)}
    assert done.status_code == 303
    with database.read_session() as session:
        merged = session.get(Topic, fewer.id)
        assert merged is not None and (merged.status, merged.merged_into_id) == (TopicStatus.merged, more.id)


def test_merging_a_pair_that_names_no_topic_is_refused_unasked(client, factory: Factory, database):
    event = factory.event()
    more, _fewer = two_alike(factory, event)
    csrf = enter(client, event)

    answer = client.post(
        f"/e/{event.slug}/facilitate/duplicates/merge",
        data={"csrf_token": csrf, "merge_from": "x", "merge_into": str(more.id)},
    )

    assert answer.status_code == 422
    assert "Are you sure?" not in answer.text
    assert "this form names a topic that isn't one" in text(element(answer.text, "facilitate-duplicates"))


def test_not_a_duplicate_takes_the_pair_off_the_list_for_good(client, factory: Factory):
    event = factory.event()
    more, fewer = two_alike(factory, event)
    csrf = enter(client, event)
    url = f"/e/{event.slug}/facilitate/duplicates/not"

    answer = client.post(
        url, data={"csrf_token": csrf, "topic_id": str(fewer.id), "other_topic_id": str(more.id)}, headers=HTMX
    )
    plain = client.post(
        url,
        data={"csrf_token": csrf, "topic_id": str(more.id), "other_topic_id": str(fewer.id)},
        follow_redirects=False,
    )
    bad = client.post(url, data={"csrf_token": csrf, "topic_id": "x", "other_topic_id": str(fewer.id)}, headers=HTMX)

    assert answer.status_code == 200
    assert "No likely duplicates" in element(answer.text, "facilitate-duplicates")
    assert plain.status_code == 303
    moderation = client.get(f"/e/{event.slug}/facilitate/moderation").text
    assert "No likely duplicates" in element(moderation, "facilitate-duplicates")
    assert bad.status_code == 422 and "this form names a topic that isn't one" in text(bad.text)
    assert set(topics_by_title(client, event)) == {
        "Mesh networks for neighbourhoods",
        "Neighbourhood mesh networks",
        "Remote work",
    }
