"""The vote a phone sends from the marketplace, as htmx sends it: the session's CSRF token in the X-CSRF-Token
header (and in the form), HX-Request, the page's address in HX-Current-URL. app/routes/pages/votes.py takes
those on a shorter path; whatever it answers must be what the page route answers, refusals included."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from app.models import Attendee, Vote
from app.routes.pages import votes as page_votes
from app.services import attendees
from tests.factories import Factory
from tests.routes.pages_helpers import HTMX, button, element, join, page_csrf


def tap(client: TestClient, slug: str, topic_id: int, csrf: str, *, action: str = "vote", page: str = "") -> str:
    """What htmx sends for a tap on a card's dot button, and the answer's status and body."""
    headers = {
        **HTMX,
        "X-CSRF-Token": csrf,
        "HX-Target": f"topic-{topic_id}",
        "HX-Current-URL": f"http://testserver/e/{slug}{page}",
    }
    response = client.post(f"/e/{slug}/topics/{topic_id}/{action}", data={"csrf_token": csrf}, headers=headers)
    return f"{response.status_code} {response.text}"


def dots_stored(factory: Factory, topic_id: int) -> int:
    with factory.database.read_session() as session:
        return len(session.exec(select(Vote).where(Vote.topic_id == topic_id)).all())


def test_a_tap_answers_the_card_and_the_dots_left_exactly_as_a_form_post_does(client, factory, backend, monkeypatch):
    event = factory.event(votes_per_attendee=3)
    topic = factory.topic(event, None, title="Remote work")
    factory.topic(event, None, title="Gardening")
    csrf = join(client, event.slug)
    shorter: list[int] = []
    answer = page_votes.answer_page_vote
    monkeypatch.setattr(page_votes, "answer_page_vote", lambda *a: shorter.append(a[3]) or answer(*a))

    tapped = tap(client, event.slug, topic.id, csrf)
    taken = len(shorter)
    # The same vote without the header (a form field only): the page route's, for the comparison.
    client.post(f"/e/{event.slug}/topics/{topic.id}/unvote", data={"csrf_token": csrf}, headers=HTMX)
    posted = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", data={"csrf_token": csrf}, headers=HTMX)

    assert (taken, shorter) == (1, [topic.id])  # the tap, and only the tap, took the shorter path
    assert tapped == f"200 {posted.text}"
    assert tapped.startswith(f'200 <li id="topic-{topic.id}" class="topic voted">')
    assert "2 of 3 dots left" in tapped
    assert dots_stored(factory, topic.id) == 1


def test_a_tap_keeps_the_listing_the_page_shows_in_the_card_it_answers(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    topic = factory.topic(event, None, title="Remote work")
    csrf = join(client, event.slug)

    tapped = tap(client, event.slug, topic.id, csrf, page="?sort=newest&q=remote")

    assert f'hx-post="/e/{event.slug}/topics/{topic.id}/unvote?sort=newest&amp;q=remote"' in tapped


def test_taking_a_dot_back_with_a_tap_answers_the_card(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    topic = factory.topic(event, None, title="Remote work")
    csrf = join(client, event.slug)
    tap(client, event.slug, topic.id, csrf)

    back = tap(client, event.slug, topic.id, csrf, action="unvote")

    assert back.startswith(f'200 <li id="topic-{topic.id}" class="topic">')
    assert ">Add a dot<" in element(back[4:], f"topic-{topic.id}")
    assert "3 of 3 dots left" in back
    assert dots_stored(factory, topic.id) == 0


def test_spending_the_last_dot_with_a_tap_answers_the_whole_list_retargeted(client, factory, backend):
    event = factory.event(votes_per_attendee=1)
    topic = factory.topic(event, None, title="Remote work")
    other = factory.topic(event, None, title="Gardening")
    csrf = join(client, event.slug)
    headers = {**HTMX, "X-CSRF-Token": csrf}

    spent = client.post(f"/e/{event.slug}/topics/{topic.id}/vote", headers=headers)

    assert spent.status_code == 200
    assert (spent.headers["HX-Retarget"], spent.headers["HX-Reswap"]) == ("#topic-list", "outerHTML")
    assert "disabled" in button(spent.text, f"vote-{other.id}")


def test_a_tap_refused_by_the_rules_is_said_in_place(client, factory, backend):
    closed = factory.event(voting_open=False)
    topic = factory.topic(closed, None, title="Remote work")
    csrf = join(client, closed.slug)

    refused = tap(client, closed.slug, topic.id, csrf)
    unknown = tap(client, closed.slug, 999_999, csrf)

    assert refused.startswith("403 ")
    assert "<html" not in refused
    assert "Voting is closed for this event." in element(refused[4:], f"topic-{topic.id}")
    assert unknown.startswith("404 ")
    assert "There is no topic 999999 in this event." in unknown
    assert dots_stored(factory, topic.id) == 0


def test_a_tap_with_another_sessions_token_is_refused_and_nothing_is_stored(client, factory, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Remote work")
    join(client, event.slug)

    forged = tap(client, event.slug, topic.id, "a-token-from-another-session")

    assert forged.startswith("403 ")
    assert "This form has expired." in forged
    assert dots_stored(factory, topic.id) == 0


def test_a_tap_from_a_device_that_never_joined_is_asked_to_join(client, factory, backend):
    event = factory.event()
    topic = factory.topic(event, None, title="Remote work")
    client.cookies.clear()  # another phone: a session of its own, with no attendee in it
    csrf = page_csrf(client, f"/e/{event.slug}")

    refused = tap(client, event.slug, topic.id, csrf)

    assert refused.startswith("401 ")
    assert "Join the event with your name first." in refused
    assert dots_stored(factory, topic.id) == 0


def test_a_banned_attendees_tap_is_refused_even_after_their_earlier_taps_were_taken(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    topic, other = factory.topic(event, None, title="Remote work"), factory.topic(event, None, title="Gardening")
    csrf = join(client, event.slug, name="Troll")
    assert tap(client, event.slug, topic.id, csrf).startswith("200 ")  # now known to the shorter path

    banned = client.post(f"/api/events/{event.slug}/attendees/{_attendee_id(factory, 'Troll')}/ban", headers=event.auth)
    again = tap(client, event.slug, other.id, csrf)

    assert banned.status_code == 200
    assert again.startswith("401 ")
    assert dots_stored(factory, other.id) == 0


def test_a_tap_answers_in_the_language_the_phone_reads(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    topic = factory.topic(event, None, title="Remote work")
    csrf = join(client, event.slug)
    client.get(f"/e/{event.slug}?lang=cy")  # chosen from the picker, remembered by the phone

    tapped = tap(client, event.slug, topic.id, csrf)

    assert "Tynnu dot yn ôl" in tapped


def _attendee_id(factory: Factory, name: str) -> int:
    with factory.database.read_session() as session:
        attendee = session.exec(select(Attendee).where(Attendee.display_name == name)).one()
        assert attendee.id is not None
        return attendee.id


def test_a_tapped_card_shows_its_theme_and_conveners_as_the_marketplace_does(client, factory, backend):
    event = factory.event(votes_per_attendee=3)
    theme = factory.theme(event, name="Tech for humans")
    ada, sam, kim = (factory.attendee(event, name=n) for n in ("Ada", "Sam", "Kim"))
    topic = factory.topic(event, ada, title="Remote work", description="Async first?", theme=theme)
    factory.co_convener(event, topic, sam)
    factory.co_convener(event, topic, kim, accepted=False)  # invited only: not named yet
    with factory.database.write_session() as session:
        attendees.set_name_listed(session=session, event_id=event.id, attendee_id=sam.id, listed=False)
    csrf = join(client, event.slug)
    page_card = element(client.get(f"/e/{event.slug}").text, f"topic-head-{topic.id}")

    tapped = tap(client, event.slug, topic.id, csrf)

    head = element(tapped[4:], f"topic-head-{topic.id}")
    assert "Tech for humans" in head and 'data-mark="circle"' in head
    assert "by Ada and a participant" in head  # Sam chose not to be listed; Kim has not accepted
    assert "Async first?" in head
    assert head == page_card.replace("<b>0 dots</b>", "<b>1 dot</b>")
