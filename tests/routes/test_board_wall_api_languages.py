"""The API, the live sockets, the venue screen and the wall in another language than English, with a stand-in
catalogue (tests/stand_in_catalogues.py).

The API answers in English unless the request's Accept-Language asks; the board speaks the event's language,
and a bilingual gathering's board its second language too; the wall and its scripts speak the reader's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.models.event import EventUpdate
from app.routes.ws import CLOSE_REASON_MAX_BYTES, close_reason
from app.services import events
from tests.factories import EventWithKey, Factory
from tests.routes.pages_helpers import element
from tests.stand_in_catalogues import Messages, stand_in

# The factories' event day is over by the venue's clock (tests/conftest.py), whatever the date they run at.
pytestmark = pytest.mark.usefixtures("after_the_event")


@pytest.fixture
def catalogues(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Messages], None]:
    return stand_in(monkeypatch)


NO_TOPIC = "There is no topic {id} in this event."


def _set(database, event: EventWithKey, **settings: object) -> None:
    with database.write_session() as session:
        events.update_event(session=session, event_id=event.id, update=EventUpdate(**settings))


def test_an_api_refusal_is_in_spanish_only_when_accept_language_asks(client: TestClient, factory: Factory, catalogues):
    catalogues("es", {NO_TOPIC: "No hay ningún tema {id} en este evento."})
    event = factory.event()
    url = f"/api/events/{event.slug}/topics/999/notes"

    asked = client.get(url, headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    plain = client.get(url)
    chosen_elsewhere = client.get(url, headers={"Cookie": "hallway_lang=es"})  # a page's choice: not the API's

    assert (asked.status_code, asked.json()) == (404, {"detail": "No hay ningún tema 999 en este evento."})
    assert plain.json() == {"detail": "There is no topic 999 in this event."}
    assert chosen_elsewhere.json() == {"detail": "There is no topic 999 in this event."}


def test_an_early_refusal_of_a_large_body_is_in_the_reader_language(client: TestClient, factory: Factory, catalogues):
    catalogues("es", {"The request is too large: at most {most} KB.": "La petición es demasiado grande: {most} KB."})
    event = factory.event()

    answer = client.post(
        f"/api/events/{event.slug}/topics",
        content=b'{"title": "' + b"x" * 2_000_000 + b'"}',
        headers={**event.auth, "Content-Type": "application/json", "Accept-Language": "es"},
    )

    assert answer.status_code == 413
    assert answer.json()["detail"] == "La petición es demasiado grande: 1.000 KB."  # grouped the Spanish way


def test_a_close_reason_is_said_in_the_page_language_and_fits_a_close_frame(client: TestClient, catalogues):
    catalogues("cy", {"No event at this address.": "Does dim digwyddiad yn y cyfeiriad hwn. " + "ŵ" * 100})

    with client.websocket_connect("/ws/events/nowhere?view=wall&lang=cy") as socket:
        try:
            socket.receive_text()
        except WebSocketDisconnect as closed:
            reason = closed.reason

    assert reason.startswith("Does dim digwyddiad yn y cyfeiriad hwn.")
    assert len(reason.encode()) <= CLOSE_REASON_MAX_BYTES  # cut between characters, never inside one
    assert close_reason("No event at this address.") == "No event at this address."


SPANISH_BOARD = {
    "Wall": "Pared",
    "Now": "Ahora",
    "Next": "Después",
    "now": "ahora",
    "No sessions placed.": "No hay sesiones colocadas.",
    "Most dotted topics": "Temas con más puntos",
    "Join": "Únete",
    "Board mode": "Modo del panel",
}


def test_the_board_speaks_the_event_language_and_its_second_one(
    client: TestClient, factory: Factory, database, catalogues
):
    catalogues("es", SPANISH_BOARD)
    event = factory.event()
    factory.slot(event, starts="10:00", ends="11:00")
    factory.room(event, name="Main hall")
    _set(database, event, board_second_language="es")

    page = client.get(f"/e/{event.slug}/board", headers={"Accept-Language": "es"}).text  # the laptop's own: not used

    assert '<html lang="en" class="board-html">' in page
    assert 'class="board b-bilingual"' in page
    assert '<span data-mode-label="wall">Wall<span class="second-language" lang="es"> · Pared</span></span>' in page
    assert '<h2>Most dotted topics<span class="second-language" lang="es"> · Temas con más puntos</span></h2>' in page
    assert 'aria-label="Board mode"' in page  # read by one person's screen reader: one language
    assert 'data-now="now · ahora"' in page
    now = element(page, "board-now")
    assert "Nothing is running." in now  # not in the stand-in catalogue: said once
    assert 'Next<span class="second-language" lang="es"> · Después</span>' in now


def test_a_spanish_event_board_says_english_as_its_second_language(
    client: TestClient, factory: Factory, database, catalogues
):
    catalogues("es", SPANISH_BOARD)
    event = factory.event()
    _set(database, event, language="es", board_second_language="en")

    page = client.get(f"/e/{event.slug}/board").text
    refreshed = client.get(f"/e/{event.slug}/board/now", headers={"Accept-Language": "de"}).text

    assert '<html lang="es" class="board-html">' in page
    assert '<span data-mode-label="wall">Pared<span class="second-language" lang="en"> · Wall</span></span>' in page
    assert 'Ahora<span class="second-language" lang="en"> · Now</span>' in refreshed  # the room's language still


def test_a_board_in_one_language_has_no_second(client: TestClient, factory: Factory, catalogues):
    catalogues("es", SPANISH_BOARD)
    event = factory.event()

    page = client.get(f"/e/{event.slug}/board").text

    assert "second-language" not in page and "b-bilingual" not in page
    assert '<span data-mode-label="wall">Wall</span>' in page


def test_the_live_board_redraws_in_both_languages(client: TestClient, factory: Factory, database, catalogues):
    catalogues("es", SPANISH_BOARD)
    event = factory.event()
    hall = factory.room(event, name="Main hall")
    morning = factory.slot(event, starts="10:00", ends="11:00")
    topic = factory.topic(event, None, title="Remote work")
    _set(database, event, board_second_language="es")
    page = client.get(f"/e/{event.slug}/board").text
    since = re.search(r"view=board&amp;since=(\d+)", page).group(1)

    with client.websocket_connect(f"/ws/events/{event.slug}?view=board&since={since}&lang=en") as socket:
        client.put(
            f"/api/events/{event.slug}/topics/{topic.id}/placement",
            json={"room_id": hall.id, "slot_id": morning.id},
            headers=event.auth,
        )
        placed = socket.receive_text()

    assert 'data-now="now · ahora"' in placed
    assert 'Now<span class="second-language" lang="es"> · Ahora</span>' in placed


def test_the_board_scripts_count_later_slots_in_the_board_language(
    client: TestClient, factory: Factory, database, catalogues
):
    catalogues(
        "es",
        {
            ("…and {count} more slot later", "…and {count} more slots later"): (
                "…y {count} franja más",
                "…y {count} franjas más",
                "…y {count} franjas más",
            )
        },
    )
    event = factory.event()
    _set(database, event, language="es")

    page = client.get(f"/e/{event.slug}/board").text

    words = json.loads(
        re.search(r'<script type="application/json" id="script-words">(.*?)</script>', page, re.S).group(1)
    )
    assert (words["board_later"]["one"], words["board_later"]["other"]) == (
        "…y {count} franja más",
        "…y {count} franjas más",
    )
    assert "wall_place" not in words  # the wall's words stay on the wall page


def test_the_wall_and_its_placing_script_speak_the_reader_language(client: TestClient, factory: Factory, catalogues):
    catalogues(
        "es",
        {
            "Agenda wall": "Pared de la agenda",
            "Free": "Libre",
            "%(room)s, %(time)s: free": "%(room)s, %(time)s: libre",
            "Place here in {where}": "Colocar aquí en {where}",
        },
    )
    event = factory.event()
    factory.room(event, name="Studio")
    factory.slot(event, starts="09:30", ends="10:30")

    page = client.get(f"/e/{event.slug}/wall", headers={"Accept-Language": "es"}).text

    assert "<h1>Pared de la agenda</h1>" in page
    assert 'aria-label="Studio, 9:30: libre" data-where="Studio, 9:30"' in page  # Spanish writes 9:30
    assert '<p class="free-label muted">Libre</p>' in page
    words = json.loads(
        re.search(r'<script type="application/json" id="script-words">(.*?)</script>', page, re.S).group(1)
    )
    assert words["wall_place_named"] == "Colocar aquí en {where}"  # static/js/wall.js puts the cell in
