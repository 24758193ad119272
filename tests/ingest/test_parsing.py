"""Reading landing files: names, encodings, row numbers and structural errors."""

from __future__ import annotations

import pytest

from orchestration.ingest import parsing
from orchestration.ingest.parsing import StructuralError, read_landing_bytes, snake_case


@pytest.mark.parametrize(("hud", "snake"), [
    ("PersonalID", "personal_id"),
    ("SSNDataQuality", "ssn_data_quality"),
    ("DOBDataQuality", "dob_data_quality"),
    ("HouseholdID", "household_id"),
    ("CSVVersion", "csv_version"),
    ("RelationshipToHoH", "relationship_to_ho_h"),
    ("DateToStreetESSH", "date_to_street_essh"),
    ("TotalMonthlyIncome", "total_monthly_income"),
    ("first_name", "first_name"),
])
def test_hud_column_names_become_snake_case(hud: str, snake: str) -> None:
    assert snake_case(hud) == snake


def test_windows_1252_file_is_decoded_not_mangled() -> None:
    parsed = read_landing_bytes(
        "submission_id,first_name\n1,José\n2,Zoë\n".encode("cp1252"),
        "intake/north/intake.csv",
    )
    assert parsed.encoding == "cp1252"
    assert [values[1] for _, values in parsed.records] == ["José", "Zoë"]


def test_utf8_bom_is_not_part_of_the_first_column() -> None:
    parsed = read_landing_bytes(
        "\ufeffPersonalID,FirstName\n7,Ana\n".encode(),
        "hmis/north/e1/Client.csv",
    )
    assert parsed.header == ["personal_id", "first_name"]


def test_ragged_row_is_kept_for_quarantine_with_its_row_number() -> None:
    parsed = read_landing_bytes(
        b"screen_id,total_score\n1,5\n2,6,extra\n3,\n",
        "screens/north/screens.csv",
    )
    assert [row for row, _ in parsed.records] == [1, 3]
    assert parsed.records[1][1] == ["3", None]
    assert [(b.row, b.rule) for b in parsed.bad] == [(2, "field_count")]
    assert parsed.rows_read == 3


def test_quoted_multiline_note_is_one_row() -> None:
    parsed = read_landing_bytes(
        b'note_id,text\n1,"line one\nline two"\n2,short\n',
        "notes/south/notes.csv",
    )
    assert [values for _, values in parsed.records] == [["1", "line one\nline two"], ["2", "short"]]


def test_jsonl_bad_line_is_quarantined_not_dropped() -> None:
    parsed = read_landing_bytes(
        b'{"note_id": "1", "text": "ok"}\nnot json\n{"note_id": "2", "text": "x"}\n',
        "notes/north/notes.jsonl",
    )
    assert len(parsed.records) == 2
    assert [(b.row, b.rule) for b in parsed.bad] == [(2, "invalid_json")]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "file is empty"),
    (b"a,a\n1,2\n", "duplicate header columns"),
    (b"a,,c\n1,2,3\n", "header column 2 has no name"),
])
def test_structural_errors_name_the_file(content: bytes, message: str) -> None:
    with pytest.raises(StructuralError, match=message) as info:
        read_landing_bytes(content, "intake/north/bad.csv")
    assert "intake/north/bad.csv" in str(info.value)


def test_jsonl_lines_end_only_at_newlines() -> None:
    """A line separator inside a JSON string (U+2028, written raw) is text, not a line end;
    Windows line ends are line ends."""
    parsed = read_landing_bytes(
        '{"note_id": "1", "text": "a\u2028b"}\r\n{"note_id": "2", "text": "c"}\r\n'.encode(),
        "notes/north/notes.jsonl",
    )
    assert [values for _, values in parsed.records] == [["1", "a\u2028b"], ["2", "c"]]
    assert not parsed.bad


def test_encoding_is_checked_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoding is checked a chunk at a time: a character split between two chunks is
    still UTF-8, and a bad byte in a later chunk is still found, with its line."""
    monkeypatch.setattr(parsing, "CHUNK_BYTES", 7)
    text = "submission_id,first_name\n1,José\n2,Zoë\n3,Đặng\n"
    parsed = read_landing_bytes(text.encode(), "intake/north/intake.csv")
    assert parsed.encoding == "utf-8-sig"
    assert [values[1] for _, values in parsed.records] == ["José", "Zoë", "Đặng"]
    with pytest.raises(StructuralError, match=r"line 4: byte 0x81 at offset 42 "):
        read_landing_bytes(text.encode()[:40] + b"3,\x81\n", "intake/north/intake.csv")
