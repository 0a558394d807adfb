"""Cleaning what people type: nothing invisible, nothing that can't be stored, nobody passing for a role."""

from __future__ import annotations

import pytest

from app.i18n import speaking, translated
from app.services import attendees
from app.services.errors import InvalidInput
from app.services.text import clean_line, clean_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Ada\ufeff", "Ada"),  # byte order mark
        ("A\u2060da", "Ada"),  # word joiner
        ("Ad\u200da", "Ada"),  # a zero-width joiner between letters
        ("A\u200bda", "Ada"),  # zero-width space
        ("\u202eadA", "adA"),  # right-to-left override
        ("p\ud800x", "px"),  # a lone surrogate: can't be stored as UTF-8
        ("👩\u200d💻 Ada", "👩\u200d💻 Ada"),  # the joiner of an emoji sequence stays
        ("نام\u200cخانوادگی", "نام\u200cخانوادگی"),  # the zero-width non-joiner Persian needs stays
    ],
)
def test_clean_line_drops_what_is_invisible_or_unstorable(typed, kept):
    assert clean_line(typed, field="f", label="The name", max_length=40) == kept


def test_a_few_hundred_invisible_characters_are_still_cleaned_away():
    assert clean_line("A" + "\u200b" * 300 + "da", field="f", label="The name", max_length=40) == "Ada"


@pytest.mark.parametrize("clean", [clean_line, clean_text])
def test_a_text_far_past_its_field_is_refused_as_it_came(clean):
    """900 KB where 40 characters go is refused before it is cleaned, with the length that was sent."""
    with pytest.raises(InvalidInput) as refused:
        clean("A" + "\u200b" * 899_999, field="display_name", label="Your name", max_length=40)

    assert refused.value.field == "display_name"
    assert str(refused.value.message) == "Your name is too long: 900,000 characters, at most 40."
    with speaking("de"):  # the number grouped the reader's way (the label here is the test's own, untranslated)
        assert translated(refused.value.message) == "Das Feld „Your name“ ist zu lang: 900.000 Zeichen, höchstens 40."


def test_clean_text_keeps_lines_and_drops_lone_surrogates():
    assert clean_text("one\r\ntwo\ud83d", field="f", label="The text", max_length=100) == "one\ntwo"


@pytest.mark.parametrize(
    "name", ["Facilitator", "facilitator", "Fac\u200bilitator", "The Facilitator", "A participant"]
)
def test_join_as_a_role_name_is_refused(factory, database, backend, name):
    event = factory.event()

    with pytest.raises(InvalidInput) as refused, database.write_session() as session:
        attendees.join_event(session=session, event_id=event.id, display_name=name)

    assert refused.value.field == "display_name"
    assert refused.value.message.endswith("is a name Hallway gives to a role, so people would mistake you for it: "
                                          "please join with your own name.")  # fmt: skip
