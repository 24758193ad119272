"""Normalising identifying fields so equal people compare equal and unknowns stay unknown."""

from __future__ import annotations

from datetime import date

from orchestration.identity import normalize


def test_names_fold_accents_case_and_punctuation() -> None:
    assert normalize.name("  José-María ") == normalize.name("jose maria") == "josemaria"
    assert normalize.name("O'Brien") == "obrien"
    assert normalize.name("   ") is None


def test_placeholder_names_are_dropped_but_real_names_kept() -> None:
    assert normalize.identifying_names("Anonymous", "Client") == (None, None)
    assert normalize.identifying_names("John", "Doe") == (None, None)
    assert normalize.identifying_names("John", "Smith") == ("john", "smith")
    assert normalize.identifying_names("Unknown", "Garcia") == (None, "garcia")


def test_phone_formats_compare_equal() -> None:
    assert normalize.phone("(555) 123-4567") == normalize.phone("+1 555.123.4567") == "5551234567"
    assert normalize.phone("000-000-0000") is None
    assert normalize.phone("12345") is None


def test_unknown_and_future_dobs_are_missing_and_approximate_is_flagged() -> None:
    assert normalize.dob("1980-02-03", "1") == date(1980, 2, 3)
    assert normalize.dob("1980-02-03", "99") is None
    assert normalize.dob("2999-01-01") is None
    assert normalize.dob("not a date") is None
    assert normalize.dob_is_approximate("2") and not normalize.dob_is_approximate("1")


def test_ssn_quality_codes_mean_missing_not_a_value() -> None:
    assert normalize.ssn_last4("123-45-6789", "1") == "6789"
    assert normalize.ssn("236-41-0527", "1") == "236410527"
    for quality in ("8", "9", "99"):
        assert normalize.ssn_last4("236410527", quality) is None
        assert normalize.ssn("236410527", quality) is None
    assert normalize.ssn("xxxxx0527", "2") is None
    assert normalize.ssn_last4("xxxxx0527", "2") == "0527"
    assert normalize.ssn("999999999", "1") is None and normalize.ssn("123456789", "1") is None


def test_addresses_split_into_number_street_and_unit() -> None:
    assert normalize.address("12B Oak Street, Apt. 4") == ("12b", "oak st", "4")
    assert normalize.address("12b oak st #4") == ("12b", "oak st", "4")
    assert normalize.address("#4 12B Oak St.") == ("12b", "oak st", "4")
    assert normalize.address("100 North Main Avenue") == ("100", "n main ave", None)
    # a second line that is no unit (a locality, a building's name) is not part of it
    assert normalize.address("27 Priddle Street, Green Lagoon") == ("27", "priddle st", None)
    assert normalize.address("P.O. Box 55") == ("55", "po box", None)
    assert normalize.address("  ") == (None, None, None)


def test_zip_codes_and_cities_compare_as_written_by_anyone() -> None:
    assert normalize.zip_code("97201-1234") == normalize.zip_code("97201") == "97201"
    assert normalize.zip_code("4011") == "4011"  # other countries' codes as written
    assert normalize.zip_code("TQ13 8JN") == "tq138jn" != normalize.zip_code("EX13 8AB")
    assert normalize.zip_code("00000") is None and normalize.zip_code("12") is None
    assert normalize.place("St. Louis") == normalize.place("st louis") == "stlouis"
