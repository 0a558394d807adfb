"""The attendee's pages through HTTP: as plain form posts (PRG, or the page with the error in place) and
with htmx (only the changed fragments, the error inside them)."""

from __future__ import annotations

import gzip
import re

from sqlmodel import select

from app.models import Attendee, SlotKind, Topic, TopicStatus
from app.services import attendance
from tests.routes.pages_helpers import HTMX, button, csrf_token, element, join, page_csrf

LONG_NAME = "N" * 41


def _titles(html: str) -> list[str]:
    """The topic titles of the marketplace list, in order."""
    return re.findall(r"<h3>(.*?)</h3>", element(html, "topic-list"))


# --- Home ----------------------------------------------------------------------------------------


def test_home_without_demo_explains_hallway(client, backend):
    response = client.get("/")

    assert response.status_code == 200
    assert "the people who came make the agenda themselves" in response.text
    assert 'href="/e/demo"' not in response.text


def test_home_with_demo_links_its_pages(client, factory, backend):
    factory.event(slug="demo", name="Demo Day")

    html = client.get("/").text

    assert "Try the demo: Demo Day" in html
    for href in ("/e/demo", "/e/demo/wall", "/e/demo/board"):
        assert f'href="{href}"' in html


# --- Join ----------------------------------------------------------------------------------------


def test_marketplace_for_a_newcomer_is_the_join_form(client, factory, backend):
    event = factory.event(name="Autumn Gathering")

    html = client.get(f"/e/{event.slug}").text

    assert '<label for="display-name">Your name</label>' in html
    assert 'name="join_code"' not in html
    assert "Propose a topic" not in html


def test_join_form_with_a_join_code_asks_for_it(client, factory, backend):
    event = factory.event(join_code="ABC123")

    html = client.get(f"/e/{event.slug}").text

    assert '<label for="join-code">Join code</label>' in html


def test_join_with_a_name_opens_the_marketplace(client, factory, backend):
    event = factory.event(votes_per_attendee=5)
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": "  Grace  "})

    assert response.history[0].status_code == 303
    assert response.url.path == f"/e/{event.slug}"
    assert "You are Grace." in response.text
    assert "5 of 5 dots left" in response.text
    assert "Propose a topic" in response.text


def test_join_with_htmx_answers_a_redirect_header(client, factory, backend):
    event = factory.event()
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": "Grace"}, headers=HTMX)

    assert response.status_code == 200
    assert response.headers["hx-redirect"] == f"/e/{event.slug}"
    assert "You are Grace." in client.get(f"/e/{event.slug}").text


def test_join_with_the_wrong_code_shows_the_form_again(client, factory, backend):
    event = factory.event(join_code="ABC123")
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(
        f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": "Grace", "join_code": "XYZ999"}
    )

    assert response.status_code == 403
    form = element(response.text, "join")
    assert "That join code is not right" in form
    assert 'role="alert"' in form
    assert 'value="Grace"' in form
    assert re.search(r'id="join-code"[^>]*aria-invalid="true"', form)
    assert "You are Grace." not in client.get(f"/e/{event.slug}").text


def test_join_with_the_code_in_lower_case_succeeds(client, factory, backend):
    event = factory.event(join_code="ABC123")

    join(client, event.slug, name="Grace", join_code="abc 123")

    assert "You are Grace." in client.get(f"/e/{event.slug}").text


def test_join_with_an_empty_name_shows_the_message_in_place(client, factory, backend):
    event = factory.event()
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": "   "})

    assert response.status_code == 422
    assert "<html" in response.text
    form = element(response.text, "join")
    assert "Your name can&#39;t be empty." in form
    assert re.search(r'id="display-name"[^>]*aria-invalid="true"', form)


def test_join_with_a_41_character_name_shows_the_message_in_place(client, factory, backend):
    event = factory.event()
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": LONG_NAME})

    assert response.status_code == 422
    assert "Your name is too long: 41 characters, at most 40." in element(response.text, "join")


def test_join_with_htmx_and_a_too_long_name_answers_the_form_fragment(client, factory, backend):
    event = factory.event()
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/join", data={"csrf_token": token, "display_name": LONG_NAME}, headers=HTMX)

    assert response.status_code == 422
    assert "<html" not in response.text
    assert response.text.startswith('<section id="join"')
    assert "Your name is too long: 41 characters, at most 40." in response.text


def test_join_without_csrf_token_is_refused(client, factory, backend):
    event = factory.event()
    client.get(f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/join", data={"display_name": "Mallory"})

    assert response.status_code == 403
    assert "This form has expired. Reload the page and try again." in response.text
    assert "You are Mallory." not in client.get(f"/e/{event.slug}").text


def test_join_with_htmx_and_a_wrong_csrf_header_answers_a_fragment(client, factory, backend):
    event = factory.event()
    client.get(f"/e/{event.slug}")

    response = client.post(
        f"/e/{event.slug}/join", data={"display_name": "Mallory"}, headers={**HTMX, "X-CSRF-Token": "forged"}
    )

    assert response.status_code == 403
    assert "<html" not in response.text
    assert "This form has expired." in response.text


def test_marketplace_with_a_stale_cookie_asks_to_join_again(client, factory, database, backend):
    event = factory.event()
    join(client, event.slug, name="Grace")
    with database.write_session() as session:  # the event was reset under the attendee's feet
        session.delete(session.exec(select(Attendee).where(Attendee.display_name == "Grace")).one())

    first = client.get(f"/e/{event.slug}").text
    second = client.get(f"/e/{event.slug}").text

    assert "We don't recognise you any more, please join again." in first
    assert '<label for="display-name">Your name</label>' in first
    assert "We don't recognise you any more" not in second  # forgotten once, then a plain newcomer


def test_marketplace_with_a_forged_cookie_shows_the_join_form(client, factory, backend):
    event = factory.event()
    join(client, event.slug, name="Grace")
    client.cookies.clear()
    client.cookies.set("hallway_session", "eyJhdHRlbmRlZXMiOiB7fX0=.forged.signature")

    html = client.get(f"/e/{event.slug}").text

    assert '<label for="display-name">Your name</label>' in html
    assert "You are Grace." not in html


# --- Propose -------------------------------------------------------------------------------------


def test_propose_a_topic_lists_it_in_topics_and_my_topics(client, factory, backend):
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Remote work", "description": "How?"}
    )

    assert response.history[0].status_code == 303
    assert "Your topic “Remote work” is on the marketplace." in response.text
    assert _titles(response.text) == ["Remote work"]
    assert "Remote work" in element(response.text, "my-topics")
    assert "by Ada" in element(response.text, "topic-list")
    assert "Your topic" not in client.get(f"/e/{event.slug}").text  # the message shows once


def test_propose_with_htmx_answers_the_form_and_updates_lists_out_of_band(client, factory, backend):
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Remote work"}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith('<section id="propose"')
    assert "Your topic “Remote work” is on the marketplace." in element(response.text, "propose")
    assert 'value=""' in element(response.text, "propose")  # a fresh form for the next topic
    assert re.search(r'<div id="topic-list"[^>]*hx-swap-oob="true"', response.text)
    assert re.search(r'<section id="my-topics"[^>]*hx-swap-oob="true"', response.text)
    assert _titles(response.text) == ["Remote work"]


def test_propose_with_an_empty_title_shows_the_message_in_place(client, factory, backend):
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/topics", data={"csrf_token": token, "title": " ", "description": "kept text"}
    )

    assert response.status_code == 422
    form = element(response.text, "propose")
    assert "The title can&#39;t be empty." in form
    assert ">kept text</textarea>" in form
    assert _titles(response.text) == []


def test_propose_with_a_too_long_title_with_htmx_answers_the_form_with_the_message(client, factory, backend):
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "T" * 121}, headers=HTMX)

    assert response.status_code == 422
    assert "<html" not in response.text
    assert "hx-swap-oob" not in response.text
    assert "The title is too long: 121 characters, at most 120." in response.text
    assert re.search(r'id="propose-title"[^>]*aria-invalid="true"', response.text)


def test_propose_with_a_too_long_description_shows_the_message_in_place(client, factory, backend):
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Fine", "description": "d" * 2001}
    )

    assert response.status_code == 422
    form = element(response.text, "propose")
    assert "The description is too long: 2,001 characters, at most 2,000." in form
    assert re.search(r'id="propose-description"[^>]*aria-invalid="true"', form)


def test_marketplace_with_proposals_closed_says_so_instead_of_the_form(client, factory, backend):
    event = factory.event(proposals_open=False)
    join(client, event.slug)

    html = client.get(f"/e/{event.slug}").text

    section = element(html, "propose")
    assert "Proposals are closed for this event." in section
    assert "<form" not in section


def test_propose_with_proposals_closed_shows_the_message_in_place(client, factory, backend):
    event = factory.event(proposals_open=False)
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "Late idea"}, headers=HTMX)

    assert response.status_code == 403
    assert "<html" not in response.text
    assert '<p class="closed" role="alert">Proposals are closed for this event.</p>' in response.text


def test_topic_titles_and_names_are_escaped(client, factory, backend):
    event = factory.event()
    convener = factory.attendee(event, name="<b>Eve</b>")
    factory.topic(event, convener, title="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    token = join(client, event.slug, name="<i>Ada</i>")
    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": "<script>alert(3)</script>"})

    html = client.get(f"/e/{event.slug}").text

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>Eve</b>" not in html
    assert "<i>Ada</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in element(html, "my-topics")
    assert "by &lt;b&gt;Eve&lt;/b&gt;" in html
    assert "You are &lt;i&gt;Ada&lt;/i&gt;." in html


# --- Voting --------------------------------------------------------------------------------------


def test_vote_adds_a_dot_and_counts_down(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    topic = factory.topic(event, None, title="Remote work")
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token})

    assert response.history[0].status_code == 303
    assert response.history[0].headers["location"] == f"/e/{event.slug}#topic-{topic.id}"
    assert "2 of 3 dots left" in element(response.text, "dots-left")
    item = element(response.text, f"topic-{topic.id}")
    assert "<b>1 dot</b>" in item
    assert "Take back dot" in button(item, f"vote-{topic.id}") + item
    assert f'action="/e/{event.slug}/topics/{topic.id}/unvote"' in item


def test_vote_with_htmx_answers_only_the_card_and_the_dots_left_out_of_band(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    topic = factory.topic(event, None, title="Remote work")
    other = factory.topic(event, None, title="Gardening")
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith(f'<li id="topic-{topic.id}" class="topic voted">')
    assert f'id="topic-{other.id}"' not in response.text
    assert "HX-Retarget" not in response.headers
    assert '<div id="dots-left" class="dots" aria-live="polite" hx-swap-oob="innerHTML">' in response.text
    assert "2 of 3 dots left" in response.text
    assert "<b>1 dot</b>" in element(response.text, f"topic-{topic.id}")
    assert "Take back dot" in element(response.text, f"topic-{topic.id}")


def test_spending_the_last_dot_with_htmx_answers_the_whole_list_retargeted(client, factory, backend):
    event = factory.event(votes_per_attendee=1)
    topic = factory.topic(event, None, title="Remote work")
    other = factory.topic(event, None, title="Gardening")
    token = join(client, event.slug)

    spent = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token}, headers=HTMX)
    back = client.post(f"/e/{event.slug}/topics/{topic.id}/unvote", data={"csrf_token": token}, headers=HTMX)

    assert spent.text.startswith('<div id="topic-list"')
    assert (spent.headers["HX-Retarget"], spent.headers["HX-Reswap"]) == ("#topic-list", "outerHTML")
    assert "disabled" in button(spent.text, f"vote-{other.id}")
    assert back.headers["HX-Retarget"] == "#topic-list"
    assert "disabled" not in button(back.text, f"vote-{other.id}")


def test_vote_until_the_budget_is_spent_disables_the_other_buttons_with_the_reason(client, factory, backend):
    event = factory.event(votes_per_attendee=2)
    first, second, third = (factory.topic(event, None, title=t) for t in ("One", "Two", "Three"))
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/topics/{first.id}/vote", data={"csrf_token": token}, headers=HTMX)

    response = client.post(f"/e/{event.slug}/topics/{second.id}/vote", data={"csrf_token": token}, headers=HTMX)

    assert "0 of 2 dots left" in response.text
    third_button = button(response.text, f"vote-{third.id}")
    assert "disabled" in third_button
    assert f'aria-describedby="why-{third.id}"' in third_button
    reason = element(response.text, f"why-{third.id}")
    assert "You have spent all 2 dots — take one back to vote here" in reason
    assert "disabled" not in button(response.text, f"vote-{first.id}")  # "Take back dot" still works


def test_vote_beyond_the_budget_shows_the_refusal_beside_the_topic(client, factory, backend):
    event = factory.event(votes_per_attendee=1)
    first, second = factory.topic(event, None, title="One"), factory.topic(event, None, title="Two")
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/topics/{first.id}/vote", data={"csrf_token": token})

    response = client.post(f"/e/{event.slug}/topics/{second.id}/vote", data={"csrf_token": token})

    assert response.status_code == 409
    item = element(response.text, f"topic-{second.id}")
    assert "You have spent all 1 of your dots." in item
    assert 'role="alert"' in item
    assert "0 of 1 dots left" in response.text


def test_unvote_takes_the_dot_back(client, factory, backend):
    event = factory.event(votes_per_attendee=2)
    topic = factory.topic(event, None, title="Remote work")
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token})

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/unvote", data={"csrf_token": token})

    assert "2 of 2 dots left" in response.text
    item = element(response.text, f"topic-{topic.id}")
    assert "<b>0 dots</b>" in item
    assert ">Add a dot<" in item


def test_marketplace_with_voting_closed_disables_the_buttons_with_the_reason(client, factory, backend):
    event = factory.event(voting_open=False)
    topic = factory.topic(event, None, title="Remote work")
    join(client, event.slug)

    html = client.get(f"/e/{event.slug}").text

    vote_button = button(html, f"vote-{topic.id}")
    assert "disabled" in vote_button
    assert f'aria-describedby="why-{topic.id}"' in vote_button
    assert f'<span id="why-{topic.id}" class="why">Voting is closed</span>' in html
    assert "5 of 5 dots left</strong> · Voting is closed" in html


def test_vote_with_voting_closed_shows_the_message_in_place(client, factory, backend):
    event = factory.event(voting_open=False)
    topic = factory.topic(event, None, title="Remote work")
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token}, headers=HTMX)

    assert response.status_code == 403
    assert "<html" not in response.text
    assert "Voting is closed for this event." in element(response.text, f"topic-{topic.id}")


def test_vote_on_an_unknown_topic_shows_the_message_above_the_list(client, factory, backend):
    event = factory.event()
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics/999/vote", data={"csrf_token": token})

    assert response.status_code == 404
    assert "There is no topic 999 in this event." in element(response.text, "topic-list")


def test_vote_without_joining_is_refused(client, factory, backend):
    event = factory.event()
    topic = factory.topic(event, None)
    token = page_csrf(client, f"/e/{event.slug}")

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": token})

    assert response.status_code == 401
    assert "Join the event with your name first." in response.text


def test_vote_without_csrf_token_is_refused(client, factory, backend):
    event = factory.event()
    topic = factory.topic(event, None)
    join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={})

    assert response.status_code == 403
    assert "This form has expired." in response.text
    assert "5 of 5 dots left" in client.get(f"/e/{event.slug}").text


# --- Sort and search -----------------------------------------------------------------------------


def test_marketplace_sorts_by_votes_or_newest(client, factory, backend):
    event = factory.event()
    voter = factory.attendee(event, name="Bob")
    older = factory.topic(event, None, title="Older and popular")
    factory.topic(event, None, title="Newer")
    factory.vote(voter, older)
    join(client, event.slug)

    by_votes = client.get(f"/e/{event.slug}?sort=votes").text
    newest = client.get(f"/e/{event.slug}?sort=newest").text

    assert _titles(by_votes) == ["Older and popular", "Newer"]
    assert _titles(newest) == ["Newer", "Older and popular"]
    assert '<option value="newest" selected>' in newest


def test_marketplace_search_keeps_only_matching_topics(client, factory, backend):
    event = factory.event()
    factory.topic(event, None, title="Remote work", description="")
    factory.topic(event, None, title="Gardening", description="also about remote villages")
    factory.topic(event, None, title="Cooking")
    join(client, event.slug)

    html = client.get(f"/e/{event.slug}", params={"q": "remote"}).text

    assert sorted(_titles(html)) == ["Gardening", "Remote work"]
    assert 'value="remote"' in html


def test_marketplace_search_with_htmx_answers_only_the_list(client, factory, backend):
    event = factory.event()
    factory.topic(event, None, title="Remote work")
    factory.topic(event, None, title="Cooking")
    join(client, event.slug)

    response = client.get(f"/e/{event.slug}", params={"q": "cook", "sort": "newest"}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith('<div id="topic-list"')
    assert _titles(response.text) == ["Cooking"]
    assert "HX-Request" in response.headers["vary"]
    # The vote forms keep the listing, so that answering a vote shows the same list.
    assert "/vote?sort=newest&amp;q=cook" in response.text


def test_marketplace_history_restore_with_htmx_answers_the_whole_page(client, factory, backend):
    event = factory.event()
    join(client, event.slug)

    response = client.get(f"/e/{event.slug}?q=x", headers={**HTMX, "HX-History-Restore-Request": "true"})

    assert response.text.startswith("<!doctype html>")


def test_marketplace_search_that_is_too_long_shows_the_message_in_place(client, factory, backend):
    event = factory.event()
    join(client, event.slug)

    response = client.get(f"/e/{event.slug}", params={"q": "x" * 101})

    assert response.status_code == 422
    assert "The search is too long: 101 characters, at most 100." in element(response.text, "topic-list")


def test_vote_keeps_the_listing_in_the_redirect(client, factory, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Remote work")
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/topics/{topic.id}/vote?sort=newest&q=remote",
        data={"csrf_token": token},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.slug}?sort=newest&q=remote#topic-{topic.id}"


# --- My topics: edit and withdraw ----------------------------------------------------------------


def _my_topic(client, event, title="Remote work") -> tuple[str, int]:
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/topics", data={"csrf_token": token, "title": title})
    html = client.get(f"/e/{event.slug}").text
    topic_id = int(re.search(r'id="my-topic-(\d+)"', html).group(1))  # type: ignore[union-attr]
    return token, topic_id


def test_edit_own_topic_changes_it_everywhere(client, factory, backend):
    event = factory.event()
    token, topic_id = _my_topic(client, event)

    response = client.post(
        f"/e/{event.slug}/topics/{topic_id}/edit",
        data={"csrf_token": token, "title": "Remote work, two years on", "description": "Lessons"},
    )

    assert response.history[0].headers["location"] == f"/e/{event.slug}#my-topics"
    assert "Saved “Remote work, two years on”." in response.text
    assert _titles(response.text) == ["Remote work, two years on"]
    assert ">Lessons</textarea>" in element(response.text, "my-topics")


def test_edit_with_htmx_answers_my_topics_and_the_list_out_of_band(client, factory, backend):
    event = factory.event()
    token, topic_id = _my_topic(client, event)

    response = client.post(
        f"/e/{event.slug}/topics/{topic_id}/edit", data={"csrf_token": token, "title": "New title"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith('<section id="my-topics"')
    assert re.search(r'<div id="topic-list"[^>]*hx-swap-oob="true"', response.text)
    assert _titles(response.text) == ["New title"]


def test_edit_with_an_empty_title_shows_the_message_beside_the_topic(client, factory, backend):
    event = factory.event()
    token, topic_id = _my_topic(client, event)

    response = client.post(
        f"/e/{event.slug}/topics/{topic_id}/edit", data={"csrf_token": token, "title": "", "description": "draft"}
    )

    assert response.status_code == 422
    item = element(response.text, f"my-topic-{topic_id}")
    assert "The title can&#39;t be empty." in item
    assert "<details open>" in item
    assert ">draft</textarea>" in item
    assert _titles(response.text) == ["Remote work"]


def test_edit_someone_elses_topic_is_refused_in_place(client, factory, backend):
    event = factory.event()
    other = factory.attendee(event, name="Bob")
    topic = factory.topic(event, other, title="Bob's topic")
    token = join(client, event.slug)

    response = client.post(f"/e/{event.slug}/topics/{topic.id}/edit", data={"csrf_token": token, "title": "Mine now"})

    assert response.status_code == 403
    assert "Only the topic&#39;s convener or the facilitator can edit it." in element(response.text, "my-topics")
    assert _titles(response.text) == ["Bob&#39;s topic"]


def test_withdraw_as_a_plain_form_asks_first(client, factory, backend):
    event = factory.event()
    token, topic_id = _my_topic(client, event)

    response = client.post(f"/e/{event.slug}/topics/{topic_id}/withdraw", data={"csrf_token": token})

    assert response.status_code == 200
    assert "Withdraw “Remote work”?" in response.text
    assert '<input type="hidden" name="confirmed" value="yes">' in response.text
    assert _titles(client.get(f"/e/{event.slug}").text) == ["Remote work"]


def test_withdraw_confirmed_removes_the_topic_and_returns_the_dots(client, factory, database, backend):
    event = factory.event(votes_per_attendee=2)
    token, topic_id = _my_topic(client, event)
    client.post(f"/e/{event.slug}/topics/{topic_id}/vote", data={"csrf_token": token})

    response = client.post(
        f"/e/{event.slug}/topics/{topic_id}/withdraw", data={"csrf_token": token, "confirmed": "yes"}
    )

    assert "You withdrew “Remote work”; the dots on it went back to everyone." in response.text
    assert _titles(response.text) == []
    assert "2 of 2 dots left" in response.text
    with database.read_session() as session:
        assert session.get(Topic, topic_id).status == TopicStatus.withdrawn


def test_withdraw_with_htmx_answers_my_topics_list_and_dots(client, factory, backend):
    event = factory.event(votes_per_attendee=2)
    token, topic_id = _my_topic(client, event)
    client.post(f"/e/{event.slug}/topics/{topic_id}/vote", data={"csrf_token": token})

    response = client.post(
        f"/e/{event.slug}/topics/{topic_id}/withdraw", data={"csrf_token": token, "confirmed": "yes"}, headers=HTMX
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith('<section id="my-topics"')
    assert f'id="my-topic-{topic_id}"' not in response.text
    assert _titles(response.text) == []
    assert "2 of 2 dots left" in response.text


def test_my_topics_withdraw_button_asks_with_hx_confirm(client, factory, backend):
    event = factory.event()
    _, topic_id = _my_topic(client, event, title="<b>Bold</b> move")

    item = element(client.get(f"/e/{event.slug}").text, f"my-topic-{topic_id}")

    assert 'hx-confirm="Withdraw “&lt;b&gt;Bold&lt;/b&gt; move”? The dots on it go back to everyone."' in item
    assert """hx-vals='{"confirmed": "yes"}'""" in item


def test_withdraw_someone_elses_topic_is_refused_in_place(client, factory, backend):
    event = factory.event()
    other = factory.attendee(event, name="Bob")
    topic = factory.topic(event, other, title="Bob's topic")
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/topics/{topic.id}/withdraw", data={"csrf_token": token, "confirmed": "yes"}, headers=HTMX
    )

    assert response.status_code == 403
    assert "<html" not in response.text
    assert "Only the topic&#39;s convener or the facilitator can withdraw it." in response.text


# --- The wall ------------------------------------------------------------------------------------


def _wall(factory, *, capacity=30):
    event = factory.event()
    big = factory.room(event, name="Main hall", capacity=capacity)
    small = factory.room(event, name="Library", capacity=capacity)
    factory.slot(event, starts="09:00", ends="09:30", label="Opening circle", kind=SlotKind.plenary)
    morning = factory.slot(event, starts="10:00", ends="11:00", label="Morning")
    factory.slot(event, starts="11:00", ends="11:15", label="Coffee", kind=SlotKind.break_)
    first = factory.topic(event, None, title="Remote work")
    second = factory.topic(event, None, title="Gardening")
    factory.place(event, first, big, morning)
    factory.place(event, second, small, morning)
    return event, morning, first, second


def test_wall_for_a_visitor_is_read_only_with_a_link_to_join(client, factory, backend):
    event, morning, _first, _ = _wall(factory)

    html = client.get(f"/e/{event.slug}/wall").text

    row = element(html, f"row-{morning.id}")
    assert "Remote work" in row
    assert "Main hall" in row
    assert "0 going · room for 30" in row
    assert 'class="can-place' not in html and "attending" not in re.search(r"<body[^>]*>", html).group(0)
    assert f'<a href="/e/{event.slug}">Join {event.event.name}</a>' in html
    assert 'id="my-day"' not in html
    assert f'ws-connect="/ws/events/{event.slug}?view=wall&amp;since=' in html


def test_wall_shows_plenary_and_break_slots_as_rows_without_topics(client, factory, backend):
    event, *_ = _wall(factory)

    html = client.get(f"/e/{event.slug}/wall").text

    assert re.search(r'<section id="row-\d+" class="row plenary"', html)
    assert '<span class="kind">Plenary</span>' in html
    assert '<span class="kind">Break</span>' in html
    times = re.findall(r"<time>(\d\d:\d\d)–", html)
    assert times == ["09:00", "10:00", "11:00"]


def test_attend_counts_the_choice_and_fills_my_day(client, factory, backend):
    event, morning, first, _ = _wall(factory)
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/slots/{morning.id}/attend", data={"csrf_token": token, "topic_id": str(first.id)}
    )

    assert response.history[0].headers["location"] == f"/e/{event.slug}/wall#row-{morning.id}"
    assert "1 going · room for 30" in element(response.text, f"row-{morning.id}")
    my_day = element(response.text, "my-day")
    assert "Remote work</a> · Main hall" in my_day
    assert f'data-topic="{first.id}"' in my_day  # hallway.js marks the cell from this
    assert "Not going" in my_day


def test_attend_another_topic_in_the_slot_replaces_the_first_choice(client, factory, backend):
    event, morning, first, second = _wall(factory)
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/slots/{morning.id}/attend", data={"csrf_token": token, "topic_id": str(first.id)})

    response = client.post(
        f"/e/{event.slug}/slots/{morning.id}/attend", data={"csrf_token": token, "topic_id": str(second.id)}
    )

    row = element(response.text, f"row-{morning.id}")
    assert re.search(r"Remote work</h3>.*?0 going · room for 30", row, re.S)
    assert re.search(r"Gardening</h3>.*?1 going · room for 30", row, re.S)
    my_day = element(response.text, "my-day")
    assert "Gardening</a> · Library" in my_day
    assert "Remote work" not in my_day


def test_attend_with_htmx_answers_the_row_and_my_day_out_of_band(client, factory, backend):
    event, morning, first, _ = _wall(factory)
    token = join(client, event.slug)
    client.get(f"/e/{event.slug}/wall")

    response = client.post(
        f"/e/{event.slug}/slots/{morning.id}/attend",
        data={"csrf_token": token, "topic_id": str(first.id)},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.startswith(f'<section id="row-{morning.id}"')
    assert re.search(r'<section id="my-day" [^>]*hx-swap-oob="true">', response.text)
    assert "1 going · room for 30" in element(response.text, f"row-{morning.id}")


def test_leave_clears_the_choice(client, factory, backend):
    event, morning, first, _ = _wall(factory)
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/slots/{morning.id}/attend", data={"csrf_token": token, "topic_id": str(first.id)})

    response = client.post(f"/e/{event.slug}/slots/{morning.id}/leave", data={"csrf_token": token})

    assert "0 going · room for 30" in element(response.text, f"row-{morning.id}")
    assert "nothing chosen" in element(response.text, "my-day")


def test_wall_tells_when_the_room_is_full_and_still_lets_people_go(client, factory, database, backend):
    event, morning, first, _ = _wall(factory, capacity=1)
    bob = factory.attendee(event, name="Bob")
    with database.write_session() as session:
        attendance.attend(session=session, attendee_id=bob.id, slot_id=morning.id, topic_id=first.id)
    token = join(client, event.slug)

    before = element(client.get(f"/e/{event.slug}/wall").text, f"row-{morning.id}")
    response = client.post(
        f"/e/{event.slug}/slots/{morning.id}/attend", data={"csrf_token": token, "topic_id": str(first.id)}
    )

    assert "Room is full — you can still go" in before
    assert f'aria-describedby="full-{first.id}"' in before
    assert "2 going · room for 1" in element(response.text, f"row-{morning.id}")
    assert "Remote work</a>" in element(response.text, "my-day")


def test_attend_a_topic_of_another_slot_shows_the_message_in_place(client, factory, backend):
    event, _, first, _ = _wall(factory)
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    token = join(client, event.slug)

    response = client.post(
        f"/e/{event.slug}/slots/{afternoon.id}/attend",
        data={"csrf_token": token, "topic_id": str(first.id)},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert response.text.startswith(f'<section id="row-{afternoon.id}"')
    assert "&#39;Remote work&#39; is not on the wall in this slot." in element(response.text, "wall-message")


def test_attend_without_csrf_token_is_refused(client, factory, backend):
    event, morning, first, _ = _wall(factory)
    join(client, event.slug)

    response = client.post(f"/e/{event.slug}/slots/{morning.id}/attend", data={"topic_id": str(first.id)})

    assert response.status_code == 403
    assert "This form has expired." in response.text


def test_csrf_token_of_the_page_is_the_one_in_every_form(client, factory, backend):
    event = factory.event()
    factory.topic(event, None)
    join(client, event.slug)

    html = client.get(f"/e/{event.slug}").text

    token = csrf_token(html)
    assert set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) == {token}
    assert f"""hx-headers='{{"X-CSRF-Token": "{token}"}}'""" in html


def test_marketplace_first_load_is_under_40_kb_gzipped(client, factory, backend):
    event = factory.event()
    for n in range(20):
        factory.topic(event, None, title=f"A topic with a fairly ordinary title, number {n}", description="Words " * 20)
    join(client, event.slug)

    html = client.get(f"/e/{event.slug}").content
    # Every script and style sheet the page links: a new one counts against the budget the day it is added.
    linked = re.findall(rb'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="(/static/[^"]+)"', html)
    assets = {path.decode(): client.get(path.decode().replace("&amp;", "&")).content for path in linked}
    css = next(body for path, body in assets.items() if "/hallway" in path and ".css" in path)

    sizes = {path: len(gzip.compress(body)) for path, body in assets.items()}
    total = len(gzip.compress(html)) + sum(sizes.values())
    assert any("htmx" in path for path in assets), linked
    assert total < 40_000, f"{total} bytes gzipped: {sizes}"
    assert len(gzip.compress(css)) < 4_000


def test_withdraw_with_htmx_keeps_the_search_of_the_current_url(client, factory, backend):
    event = factory.event()
    factory.topic(event, None, title="Gardening")
    factory.topic(event, None, title="Cooking")
    token, topic_id = _my_topic(client, event, title="Garden party")

    response = client.post(
        f"/e/{event.slug}/topics/{topic_id}/withdraw",
        data={"csrf_token": token, "confirmed": "yes"},
        headers={**HTMX, "HX-Current-URL": f"http://testserver/e/{event.slug}?q=garden&sort=newest"},
    )

    assert _titles(response.text) == ["Gardening"]
    assert f"/topics/{topic_id - 2}/vote?sort=newest&amp;q=garden" in response.text


def test_propose_form_folds_away_while_voting_is_open(client, factory, backend):
    voting = factory.event(slug="voting", voting_open=True)
    proposing = factory.event(slug="proposing", voting_open=False)
    join(client, voting.slug)
    join(client, proposing.slug)

    while_voting = element(client.get(f"/e/{voting.slug}").text, "propose")
    before_voting = element(client.get(f"/e/{proposing.slug}").text, "propose")

    assert '<details class="fold"><summary>Write a proposal</summary>' in while_voting
    assert "<details" not in before_voting and 'name="title"' in before_voting


def test_my_day_follows_a_session_the_facilitator_moved(client, factory, backend):
    event, morning, first, _ = _wall(factory)
    afternoon = factory.slot(event, starts="14:00", ends="15:00", label="Afternoon")
    token = join(client, event.slug)
    client.post(f"/e/{event.slug}/slots/{morning.id}/attend", data={"csrf_token": token, "topic_id": str(first.id)})
    hall = client.get(f"/api/events/{event.slug}/board").json()["placements"][0]["room_id"]

    client.put(
        f"/api/events/{event.slug}/topics/{first.id}/placement",
        json={"room_id": hall, "slot_id": afternoon.id},
        headers=event.auth,
    )
    day = client.get(f"/e/{event.slug}/wall/my-day", headers=HTMX).text

    assert day.startswith('<section id="my-day"')
    assert f'data-topic="{first.id}" data-slot="{afternoon.id}"' in day
    assert re.search(r"<time>14:00</time>\s*<a[^>]*>Remote work</a>", day)


def test_my_day_of_someone_who_has_not_joined_is_refused(client, factory, backend):
    event, *_ = _wall(factory)

    response = client.get(f"/e/{event.slug}/wall/my-day")

    assert response.status_code == 403
    assert "Join the event to have a day of your own." in response.text


def test_a_proposal_posted_twice_with_its_request_key_makes_one_topic(client, factory, backend):
    factory.event(slug="gathering")
    token = join(client, "gathering")
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', client.get("/e/gathering").text).group(1)
    form = {"csrf_token": token, "title": "Sent on a weak connection", "request_key": key}

    first = client.post("/e/gathering/topics", data=form, follow_redirects=False)
    again = client.post("/e/gathering/topics", data=form, follow_redirects=False)

    assert (first.status_code, again.status_code) == (303, 303)
    assert [t["title"] for t in client.get("/api/events/gathering/topics").json()] == ["Sent on a weak connection"]
