"""File names: readable in any script, safe in archives and in Content-Disposition (RFC 6266 / 5987)."""

from urllib.parse import unquote

from app.exporters.base import ascii_file_name, content_disposition, file_name, slug_name, unique_names


def test_content_disposition_of_an_ascii_name_has_no_extended_form():
    assert content_disposition("Autumn Gathering notes.zip") == 'attachment; filename="Autumn Gathering notes.zip"'


def test_content_disposition_of_a_non_ascii_name_carries_it_as_filename_star():
    header = content_disposition("Rencontres d'été notes.zip")

    fallback = header.split('filename="')[1].split('"')[0]
    encoded = header.split("filename*=UTF-8''")[1]
    assert fallback == "Rencontres d_ete notes.zip"
    assert unquote(encoded) == "Rencontres d'été notes.zip"
    assert header.isascii()


def test_content_disposition_inline_for_the_booklet():
    assert content_disposition("Booklet.html", inline=True) == 'inline; filename="Booklet.html"'


def test_ascii_fallback_drops_quotes_backslashes_and_percent_signs():
    assert ascii_file_name('a "quoted" \\ 100% name.csv') == "a _quoted_ _ 100_ name.csv"
    assert ascii_file_name("東京.ics") == "export.ics"


def test_file_name_keeps_letters_of_any_script_and_drops_separators_and_controls():
    assert file_name('東京 / Kyōto: "notes"\nday 2', extension="md") == "東京 Kyōto notes day 2.md"
    assert file_name("../../etc/passwd", extension="md") == "etc passwd.md"
    assert file_name("///", extension="md") == "untitled.md"


def test_slug_name_for_archive_members():
    assert slug_name('Café / Thé: "best" brews') == "café-thé-best-brews"
    assert slug_name("x" * 100) == "x" * 60
    assert slug_name("?!") == "untitled"


def test_unique_names_number_later_duplicates_ignoring_case():
    assert unique_names(["a.md", "A.md", "b.md", "a.md", "a-2.md"]) == ["a.md", "A-2.md", "b.md", "a-3.md", "a-2-2.md"]
