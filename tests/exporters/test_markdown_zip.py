"""The Markdown zip, opened with zipfile; front matter read back with a YAML parser."""

import io
import zipfile

import pytest
import yaml
from markdown_it import MarkdownIt

from app import i18n
from app.exporters.markdown_zip import escape, export_markdown_zip, yaml_value
from tests.exporters.events import export_data, in_language, speak_spanish, themed_data, topic, written


def open_zip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode() for name in archive.namelist()}


def front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    head, _, _ = text[4:].partition("\n---\n")
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict)
    return loaded


def test_zip_has_an_index_and_one_file_a_session_in_agenda_order():
    data = export_data(
        topics=(
            topic(1, "Later", status="placed", room_id=1, slot_id=2),
            topic(2, "Attic first", status="placed", room_id=2, slot_id=1, voter_ids=(1, 2), going_ids=(2,)),
            topic(3, "Hall first", status="placed", room_id=1, slot_id=1, notes=written("Some **notes**")),
            topic(4, "Still on the marketplace", voter_ids=(1,)),
        )
    )

    export = export_markdown_zip(data)
    files = open_zip(export.content)

    assert export.content_type == "application/zip"
    assert export.filename == "Autumn Gathering notes.zip"
    assert list(files) == [
        "autumn/index.md",
        "autumn/harvest.md",
        "autumn/01-hall-first.md",
        "autumn/02-attic-first.md",
        "autumn/03-later.md",
    ]
    assert front_matter(files["autumn/02-attic-first.md"]) == {
        "title": "Attic first",
        "theme": None,
        "convener": "Ada",
        "room": "Attic",
        "slot": "Morning",
        "starts_at": "2026-11-24T10:00",
        "ends_at": "2026-11-24T11:00",
        "attendees": 1,
        "votes": 2,
        "event": "Autumn Gathering",
    }
    assert "## Notes\n\nSome **notes**\n" in files["autumn/01-hall-first.md"]
    assert "*No notes were written for this session.*" in files["autumn/03-later.md"]
    assert "Notes online: <https://hallway.example/e/autumn/topics/3/notes>" in files["autumn/01-hall-first.md"]
    index = files["autumn/index.md"]
    assert "## Morning (10:00–11:00)\n" in index
    assert "- [Hall first](<01-hall-first.md>): Hall, by Ada, 0 going" in index
    assert "## 11:30–12:30\n" in index
    assert "- Still on the marketplace (1 dot), by Ada" in index


def test_titles_with_slashes_quotes_newlines_and_other_scripts_stay_in_their_field_and_their_file():
    nasty = 'Café / Thé: "best"\n---\ntitle: hacked'
    data = export_data(
        topics=(
            topic(1, nasty, status="placed", room_id=1, slot_id=1),
            topic(2, "東京の朝", status="placed", room_id=2, slot_id=1),
            topic(3, "../../etc/passwd", status="placed", room_id=1, slot_id=2),
        )
    )

    files = open_zip(export_markdown_zip(data).content)

    assert list(files)[2:] == [
        "autumn/01-café-thé-best-title-hacked.md",
        "autumn/02-東京の朝.md",
        "autumn/03-etc-passwd.md",
    ]
    assert front_matter(files["autumn/01-café-thé-best-title-hacked.md"])["title"] == nasty
    assert front_matter(files["autumn/02-東京の朝.md"])["title"] == "東京の朝"
    assert all(".." not in name.split("/") for name in files)


def test_duplicate_titles_get_distinct_files():
    data = export_data(
        topics=(
            topic(1, "Remote work", status="placed", room_id=1, slot_id=1),
            topic(2, "Remote work", status="placed", room_id=2, slot_id=1),
        )
    )

    names = list(open_zip(export_markdown_zip(data).content))

    assert names == ["autumn/index.md", "autumn/harvest.md", "autumn/01-remote-work.md", "autumn/02-remote-work.md"]


def test_event_with_no_rooms_slots_or_notes_gives_an_index_and_an_empty_harvest():
    data = export_data(rooms=(), slots=(), attendees=(), topics=(topic(1, "Idea", convener_id=None),))

    files = open_zip(export_markdown_zip(data).content)

    assert list(files) == ["autumn/index.md", "autumn/harvest.md"]
    assert "No sessions were placed on the wall." in files["autumn/index.md"]
    assert "No sessions were placed on the wall." in files["autumn/harvest.md"]
    assert "- Idea (0 dots), by the facilitator" in files["autumn/index.md"]


def test_notes_of_a_topic_taken_off_the_wall_are_kept():
    data = export_data(topics=(topic(1, "Moved away", notes=written("What we said")),))

    files = open_zip(export_markdown_zip(data).content)

    assert front_matter(files["autumn/01-moved-away.md"])["room"] is None
    assert "What we said" in files["autumn/01-moved-away.md"]
    assert "## Notes of sessions taken off the wall" in files["autumn/index.md"]


def test_structured_fields_of_the_notes():
    notes = written(
        "Body",
        key_points="- tea first",
        actions="Buy a kettle — Zoë\n\nWrite it up",
        continue_url="https://chat.example/x",
        attendees_text="Ada\nZoë",
    )
    data = export_data(topics=(topic(1, "Tea", status="placed", room_id=1, slot_id=1, notes=notes),))

    text = open_zip(export_markdown_zip(data).content)["autumn/01-tea.md"]

    assert "## Key points\n\n- tea first\n" in text
    assert "## Actions\n\n- Buy a kettle — Zoë\n- Write it up\n" in text
    assert "## Who came\n\n- Ada\n- Zoë\n" in text
    assert "## Where it continues\n\n<https://chat.example/x>\n" in text


def test_yaml_values_escape_what_yaml_would_misread():
    for value in ['a "b"', "x: y", "#no comment", "line\nbreak", "\x85next\u2028line", "yes", "null", "- dash"]:
        assert yaml.safe_load(f"k: {yaml_value(value)}") == {"k": value}
    assert yaml_value(None) == "null"
    assert yaml_value(3) == "3"


@pytest.mark.parametrize(
    "text", ["1984. A year", "# not a heading", "- not a list", "a *b* [c](d) <e> `f` |g|", "=x", "> not a quote"]
)
def test_escaped_text_renders_as_it_was_typed(text):
    html = MarkdownIt("commonmark").render(escape(text))

    assert html == f"<p>{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>\n"


def test_zip_has_a_file_a_theme_and_the_harvest_grouped_the_same_way():
    files = open_zip(export_markdown_zip(themed_data()).content)

    assert list(files) == [
        "autumn/index.md",
        "autumn/harvest.md",
        "autumn/themes/01-care-repair.md",
        "autumn/themes/02-community-data.md",
        "autumn/themes/03-quiet.md",
        "autumn/01-loose-ends.md",
        "autumn/02-rest.md",
        "autumn/03-kettles.md",
    ]
    assert front_matter(files["autumn/03-kettles.md"])["theme"] == "Community data"
    care = files["autumn/themes/01-care-repair.md"]
    assert care.startswith("# ♥ Care \\& repair\n\n*Autumn Gathering*\n\nLooking after each other\n")
    assert "## [Rest](<../02-rest.md>)\n\n*10:00–11:00 · Attic · convened by Ada · 2 going*" in care
    assert "- Book a quiet room — **Ada**" in care
    assert "Continue the conversation: <https://chat.example/rest>" in care
    assert "*No session of this theme was on the wall.*" in files["autumn/themes/03-quiet.md"]
    harvest = files["autumn/harvest.md"]
    sections = [line for line in harvest.splitlines() if line.startswith("## ")]
    assert sections == [
        "## ♥ Care \\& repair",
        "## ■ Community data",
        "## ☾ Quiet",
        "## Other topics",
        "## Everything to carry forward",
    ]
    assert "**Key points**\n\nTea *first*\n" in harvest
    assert harvest.endswith(
        "## Everything to carry forward\n\n"
        "- Book a quiet room — **Ada** (Rest, ♥ Care \\& repair)\n"
        "- Buy one — **Zoë** (Kettles, ■ Community data)\n"
        "- Ask around (Kettles, ■ Community data)\n"
    )
    index = files["autumn/index.md"]
    assert "[The harvest](<harvest.md>)" in index
    assert "- [♥ Care \\& repair](<themes/01-care-repair.md>): 1 session" in index
    assert "- [☾ Quiet](<themes/03-quiet.md>): 0 sessions" in index


def test_zip_is_written_in_the_events_language_but_its_front_matter_keys_stay_english(monkeypatch: pytest.MonkeyPatch):
    speak_spanish(monkeypatch)
    data = in_language(themed_data(), "es")

    with i18n.speaking("de"):
        export = export_markdown_zip(data)
    files = open_zip(export.content)

    assert export.filename == "Notas de Autumn Gathering.zip"
    assert files["autumn/index.md"].splitlines()[2] == "martes, 24 de noviembre de 2026 (Europe/London)"
    assert "## Otros temas\n" in files["autumn/harvest.md"]
    assert "**Puntos clave**" in files["autumn/harvest.md"]
    rest = files["autumn/02-rest.md"]
    assert "2 van*" in rest
    assert set(front_matter(rest)) >= {"title", "theme", "convener", "room", "slot", "attendees", "votes"}
