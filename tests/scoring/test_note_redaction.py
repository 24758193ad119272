"""Redaction: typed placeholders, and quotes mapped back to verbatim spans of the original."""

from __future__ import annotations

import pytest

from orchestration.scoring.redact import ClientFacts, Redaction, Redactor

CLIENT = ClientFacts.of(names=["Lucía", "García-López"], dobs=["1980-03-05"],
                        emails=["lg12@example.org"], addresses=["1234 Oak Ave Apt 5"])
REDACTOR = Redactor(known_names={"marcus", "cole", "bill"})


def redact(text: str, client: ClientFacts | None = CLIENT) -> Redaction:
    return REDACTOR.redact(text, client)


@pytest.mark.parametrize(("text", "expected"), [
    ("Intake with LUCIA today.", "Intake with [NAME] today."),
    ("lucia garcia-lopez called.", "[NAME] called."),
    ("Lucía's car broke down.", "[NAME]'s car broke down."),
    ("Ms. Dunmore drove her; her son Tavi came too.",
     "Ms. [NAME] drove her; her son [NAME] came too."),
    ("Bill and Marcus helped. Will follow up.", "[NAME] and [NAME] helped. Will follow up."),
    ("SSN 123-45-6789, or 123456789, last four: ssn ending in 6789.",
     "SSN [SSN], or [SSN], last four: ssn ending in [SSN]."),
    ("Call (312) 555-0142, 312.555.0142, +1 312 555 0142 or 3125550142.",
     "Call [PHONE], [PHONE], [PHONE] or [PHONE]."),
    ("Email LG12@example.org or x.y+z@mail.example.com.", "Email [EMAIL] or [EMAIL]."),
    ("Moved to 1234 Oak Ave Apt 5 from 77 Martin Luther King Jr Way.",
     "Moved to [ADDRESS] from [ADDRESS]."),
    ("Born on March 5, 1980; her DOB: 3/5/1980.", "Born on [DOB]; her DOB: [DOB]."),
    ("Her birthday 03/05/1980 passed; court date 2026-04-01.",
     "Her birthday [DOB] passed; court date 2026-04-01."),
])
def test_identifiers_become_typed_placeholders(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_common_words_and_dates_that_are_not_a_birth_date_stay() -> None:
    text = "Bus pass is pending; 2 court dates in March. Appointment on 2026-04-01."
    assert redact(text, None).text == text


def test_lower_case_words_are_names_only_for_the_notes_own_client() -> None:
    assert redact("bill the county, said marcus").text == "bill the county, said marcus"
    assert redact("lucía said").text == "[NAME] said"
    will = ClientFacts.of(names=["Will"])  # a common word as the client's own name: safety first
    assert REDACTOR.redact("Will said he will call.", will).text == "[NAME] said he [NAME] call."


def test_a_quote_maps_back_to_a_verbatim_span_of_the_original() -> None:
    text = "Lucía's car broke down; Ms. Cole drove her to 1234 Oak Ave Apt 5 at noon."
    redaction = redact(text)
    for quote, original in [
        ("car broke down", "car broke down"),
        ("[NAME]'s car broke down", "Lucía's car broke down"),
        ("Ms. [NAME] drove her to [ADDRESS] at noon.",
         "Ms. Cole drove her to 1234 Oak Ave Apt 5 at noon."),
        ("AME]'s car", "Lucía's car"),  # a quote cut inside a placeholder widens to all of it
        ("down; Ms. [N", "down; Ms. Cole"),
    ]:
        span = redaction.locate(quote)
        assert span is not None
        assert text[span[0]:span[1]] == original


def test_a_quote_that_is_not_in_the_redacted_text_is_not_located() -> None:
    redaction = redact("Lucía's car broke down.")
    assert redaction.locate("Lucía's car broke down") is None  # the model never saw the name
    assert redaction.locate("car broke dawn") is None
    assert redaction.locate("   ") is None


def test_no_redaction_maps_to_itself() -> None:
    redaction = Redaction.none("Plain note.")
    assert (redaction.text, redaction.locate("note")) == ("Plain note.", (6, 10))
