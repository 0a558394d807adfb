"""The CSV of topics, read back with the csv module as a spreadsheet would."""

import csv
import io

from app.exporters.csv import COLUMNS, export_csv, safe_cell
from tests.exporters.events import export_data, themed_data, topic


def rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_one_row_a_topic_most_dots_first():
    data = export_data(
        topics=(
            topic(1, "Quiet one", voter_ids=(1,)),
            topic(2, "Popular", status="placed", room_id=2, slot_id=1, voter_ids=(1, 2), going_ids=(1, 2)),
        )
    )

    export = export_csv(data)
    table = rows(export.content)

    assert export.content_type == "text/csv; charset=utf-8; header=present"
    assert export.filename == "Autumn Gathering topics.csv"
    assert list(table[0]) == list(COLUMNS)
    assert table[0] == {
        "title": "Popular",
        "theme": "",
        "convener": "Ada",
        "status": "placed",
        "votes": "2",
        "room": "Attic",
        "slot": "Morning",
        "starts_at": "2026-11-24T10:00",
        "ends_at": "2026-11-24T11:00",
        "going": "2",
        "room_capacity": "8",
        "description": "",
    }
    assert [(r["title"], r["votes"], r["room"], r["going"]) for r in table[1:]] == [("Quiet one", "1", "", "0")]


def test_csv_cells_that_would_run_as_formulas_get_an_apostrophe():
    data = export_data(
        topics=(
            topic(1, '=HYPERLINK("https://evil.example")', description="+1 from me"),
            topic(2, "-2 dots", convener_id=None, description="@everyone"),
            topic(3, 'Plain, with "quotes"\nand a newline', description="a = b"),
        )
    )

    table = rows(export_csv(data).content)

    assert [(r["title"], r["description"], r["convener"]) for r in table] == [
        ('\'=HYPERLINK("https://evil.example")', "'+1 from me", "Ada"),
        ("'-2 dots", "'@everyone", "the facilitator"),
        ('Plain, with "quotes"\nand a newline', "a = b", "Ada"),
    ]


def test_safe_cell_leaves_ordinary_text_alone():
    assert [safe_cell(t) for t in ("Café", "", "a-b", "\tx", "\rx")] == ["Café", "", "a-b", "'\tx", "'\rx"]


def test_csv_of_an_event_with_nothing_is_the_header_only():
    data = export_data(rooms=(), slots=(), attendees=(), topics=())

    assert rows(export_csv(data).content) == []


def test_csv_names_each_topics_theme():
    table = rows(export_csv(themed_data()).content)

    assert {r["title"]: r["theme"] for r in table} == {
        "Kettles": "Community data",
        "Rest": "Care & repair",
        "Loose ends": "",
        "Not placed": "Care & repair",
    }
