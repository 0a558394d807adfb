"""The printable booklet: escaped titles, sanitised notes, a cover, the agenda and one page a session."""

import base64
import hashlib
import re

import pytest

from app import i18n
from app.exporters.booklet import CONTENT_SECURITY_POLICY, export_booklet
from tests.exporters.events import export_data, in_language, speak_spanish, themed_data, topic, written


def test_booklet_has_a_cover_an_agenda_and_a_page_a_session():
    data = export_data(
        topics=(
            topic(1, "Tea", status="placed", room_id=1, slot_id=1, going_ids=(1, 2), notes=written("We **agreed**.")),
            topic(2, "Coffee", status="placed", room_id=2, slot_id=1),
            topic(3, "Maybe later", voter_ids=(1,)),
        )
    )

    export = export_booklet(data)
    html = export.content.decode()

    assert export.content_type == "text/html; charset=utf-8"
    assert export.filename == "Autumn Gathering booklet.html"
    assert "<h1>Autumn Gathering</h1>" in html
    assert "Tuesday, 24 November 2026" in html  # the cover: the day in the event's language
    assert re.findall(r'<article class="session" id="(session-\d+)"', html) == ["session-1", "session-2"]
    assert '<a href="#session-1">Tea</a> · Hall · by Ada' in html
    assert "<p>We <strong>agreed</strong>.</p>" in html
    assert "No notes were written for this session." in html
    assert "<li>Maybe later (1 dot)</li>" in html


def test_what_people_typed_is_escaped_and_the_notes_are_sanitised():
    notes = written(
        "<script>alert(1)</script>\n\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>",
        continue_url="javascript:alert(4)",
    )
    data = export_data(topics=(topic(1, '<b>Bold</b> & "quoted"', status="placed", room_id=1, slot_id=1, notes=notes),))

    html = export_booklet(data).content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;quoted&#34;" in html
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "<p>javascript:alert(4)</p>" in html  # shown, not linked


def test_the_inline_stylesheet_is_the_only_one_the_policy_allows():
    html = export_booklet(export_data()).content.decode()

    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CONTENT_SECURITY_POLICY
    assert "@media print" in css
    assert "script-src" not in CONTENT_SECURITY_POLICY and "default-src 'none'" in CONTENT_SECURITY_POLICY


def test_booklet_of_an_event_with_nothing_set_up():
    html = export_booklet(export_data(rooms=(), slots=(), attendees=(), topics=(), public_url="")).content.decode()

    assert "No time slots were set up." in html
    assert "0 sessions · 0 people · 0 topics proposed" in " ".join(html.split())


def test_booklet_is_grouped_by_theme_then_other_topics_then_everything_to_carry_forward():
    html = export_booklet(themed_data()).content.decode()

    parts = re.findall(r'<section class="theme-part" id="([\w-]+)"', html)
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]
    assert parts == ["theme-7", "theme-3", "theme-9", "other-topics"]
    assert headings == [
        "Agenda",
        "♥ Care &amp; repair",
        "■ Community data",
        "☾ Quiet",
        "Other topics",
        "Everything to carry forward",
        "Other topics proposed",
    ]
    quiet = html.split('id="theme-9"', 1)[1].split("</section>", 1)[0]
    assert "Nobody came" in quiet and "No session of this theme was on the wall." in quiet
    care = html.split('id="theme-7"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<h3[^>]*>(.*?)</h3>", care) == ["Rest"]
    assert "<li>Book a quiet room — <strong>Ada</strong></li>" in care
    carried = html.split('class="carry"', 1)[1].split("</section>", 1)[0]
    assert [
        " ".join(re.sub(r"<[^>]+>", " ", li).split("(")[0].split()) for li in re.findall(r"<li>(.*?)</li>", carried)
    ] == [
        "Book a quiet room — Ada",
        "Buy one — Zoë",
        "Ask around",
    ]
    assert '(<a href="#session-2">Rest</a>, <span aria-hidden="true">♥</span> Care &amp; repair)' in carried


def test_a_theme_whose_sessions_have_no_notes_yet_says_so():
    data = themed_data()
    data = export_data(
        themes=data.themes, topics=(topic(1, "Silent", status="placed", room_id=1, slot_id=1, theme_id=3),)
    )

    html = export_booklet(data).content.decode()

    community = html.split('id="theme-3"', 1)[1].split("</section>", 1)[0]
    assert "No notes yet for this theme's sessions." in community
    assert "No actions were written." in html


def test_booklet_is_written_in_the_events_language_whoever_downloads_it(monkeypatch: pytest.MonkeyPatch):
    speak_spanish(monkeypatch)
    data = in_language(themed_data(), "es")

    with i18n.speaking("de"):  # a facilitator reading their pages in German
        export = export_booklet(data)
    html = export.content.decode()

    assert export.filename == "Cuadernillo de Autumn Gathering.html"
    assert '<html lang="es">' in html
    assert '<h2 id="agenda-heading">Programa</h2>' in html
    assert "martes, 24 de noviembre de 2026" in html
    assert '<h2 id="other-topics-heading">Otros temas</h2>' in html  # a heading made in Python
    assert "<li>Not placed (0 puntos)</li>" in html


def test_booklet_of_an_english_event_is_in_english_whoever_downloads_it(monkeypatch: pytest.MonkeyPatch):
    speak_spanish(monkeypatch)

    with i18n.speaking("es"):
        html = export_booklet(themed_data()).content.decode()

    assert '<html lang="en">' in html
    assert '<h2 id="agenda-heading">Agenda</h2>' in html
