"""Files read by DuckDB into the staging area, checked there, and each rule's outcome kept as
a Great Expectations validation result."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.ingest import landing, staging, vendor
from orchestration.ingest.validation import canonical_code_sql, canonical_text_sql
from tests.ingest.exports import export_rows, write_export
from tests.ingest.test_loader import NOW, load_all

NOTES = "note_id,personal_id,note_date,note_type,text\n"


def write(landing: Path, relative: str, data: bytes) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def python_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the Python reader read (DuckDB rejected a line, or could not read them)."""
    read: list[str] = []
    original = staging.Stage._stage_parsed

    def spy(self, table, f):
        read.append(f.source.name)
        return original(self, table, f)

    monkeypatch.setattr(staging.Stage, "_stage_parsed", spy)
    return read


def notes(warehouse) -> list[tuple]:
    return warehouse.rows("select _source_row, note_id, text from raw.case_notes"
                          " order by _source_row")


def test_records_keep_their_ordinals_text_and_encoding(warehouse, tmp_path: Path,
                                                      python_read: list[str]) -> None:
    """Blank lines are not records, a quoted line break is part of one, a quoted blank is
    blank, spaces are kept as written, and Windows-1252 is read as such."""
    text = (NOTES.replace("\n", "\r\n")
            + 'n1,p1,2026-10-01,contact,"She said “next week”, twice"\r\n\r\n'
            'n2,p1,2026-10-02,phone,"two\r\nlines"\r\n'
            'n3,p2,2026-10-03,contact,"" \r\n'
            'n4,p2,2026-10-04, phone , spaced \r\n')
    write(tmp_path, "notes/north/a.csv", text.replace('"" \r\n', '""\r\n').encode("cp1252"))
    [result] = load_all(warehouse, tmp_path, "notes")
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 4, 4)
    assert warehouse.scalar("select encoding from raw.ingest_ledger") == "cp1252"
    assert python_read == []
    assert notes(warehouse) == [(1, "n1", "She said “next week”, twice"),
                                (2, "n2", "two\r\nlines"), (3, "n3", None),
                                (4, "n4", " spaced ")]
    assert warehouse.rows("select _source_row, rule, value from quarantine.flags"
                          " order by all") == [(3, "not_blank:text", None),
                                               (4, "layout:note_type", " phone "),
                                               (4, "layout:text", " spaced ")]


@pytest.mark.parametrize("kind, name, header", [
    ("notes", "a.csv", NOTES), ("notes", "a.jsonl", "")])
def test_a_file_that_stops_being_utf8_past_its_first_mib_is_read_in_its_encoding(
        warehouse, tmp_path: Path, python_read: list[str], kind: str, name: str,
        header: str) -> None:
    """The encoding is taken from a file's first MiB; DuckDB checks the rest as it reads, and
    a file it refuses for that is read again as Windows-1252, by DuckDB, every row kept."""
    def line(i: int, text: str) -> str:
        if name.endswith(".jsonl"):
            return json.dumps({"note_id": f"n{i}", "personal_id": "p1",
                               "note_date": "2026-10-01", "text": text},
                              ensure_ascii=False) + "\n"
        return f"n{i},p1,2026-10-01,{text}\n"
    if not name.endswith(".jsonl"):
        header = "note_id,personal_id,note_date,text\n"
    ascii_rows = "".join(line(i, "plain words " * 8) for i in range(1, 15_001))
    assert len(ascii_rows) > staging._HEAD
    write(tmp_path, f"{kind}/north/{name}",
          (header + ascii_rows + line(15_001, "café à côté")).encode("cp1252"))
    [result] = load_all(warehouse, tmp_path, kind)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 15_001, 15_001)
    assert warehouse.scalar("select encoding from raw.ingest_ledger") == "cp1252"
    assert python_read == []
    assert warehouse.rows("select _source_row, text from raw.case_notes"
                          " where note_id = 'n15001'") == [(15_001, "café à côté")]


def test_a_record_duckdb_rejects_is_quarantined_whole_and_counted(
        warehouse, tmp_path: Path, python_read: list[str]) -> None:
    """The file is read again record by record: the good rows keep the ordinals they have in
    a clean file, and the bad one is quarantined as it was written."""
    write(tmp_path, "notes/north/a.csv", (
        NOTES + 'n1,p1,2026-10-01,contact,"multi\nline"\n\n'
        "n2,p1,2026-10-02,contact,too,many\n"
        "n3,p1,2026-10-03,contact,fine\n").encode())
    [result] = load_all(warehouse, tmp_path, "notes")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert python_read == ["a.csv"]
    assert notes(warehouse) == [(1, "n1", "multi\nline"), (3, "n3", "fine")]
    assert warehouse.rows("select _source_row, _rule, _raw_record from quarantine.case_notes"
                          ) == [(2, "field_count", '["n2", "p1", "2026-10-02", "contact", '
                                                   '"too", "many"]')]


def test_each_rule_has_a_validation_result_that_matches_the_quarantine(warehouse,
                                                                       tmp_path: Path) -> None:
    write(tmp_path, "notes/north/a.csv", (
        NOTES + "n1,p1,2026-10-01,contact,fine\n"
        "n1,p1,2026-10-02,contact,repeats n1\n"
        "n3,,2026-10-03,contact,no client\n"
        "n4,p1,2026-10-04,séance,an odd type\n"
        "n5,p1,2099-01-01,contact,after the export\n").encode())
    load_all(warehouse, tmp_path, "notes")
    results = {rule: (expectation, severity, success, checked, unexpected, json.loads(result))
               for rule, expectation, severity, success, checked, unexpected, result
               in warehouse.rows("select rule, expectation, severity, success, element_count,"
                                 " unexpected_count, result from raw.contract_results")}
    assert results["unique:note_id"][:5] == (
        "expect_column_values_to_be_unique", "critical", False, 5, 1)
    assert results["not_blank:personal_id"][4] == 1
    assert results["in_set:note_type"][1:5] == ("warning", False, 5, 1)
    assert results["not_future:note_date"][4] == 1
    assert results["not_blank:note_id"][2] is True
    quarantined = dict(warehouse.rows("select _rule, count(*) from quarantine.case_notes"
                                      " group by 1"))
    flagged = dict(warehouse.rows("select rule, count(*) from quarantine.flags group by 1"))
    for rule, (_, severity, _, _, unexpected, _) in results.items():
        kept = quarantined if severity == "critical" else flagged
        assert kept.get(rule, 0) == unexpected, rule
    unique = results["unique:note_id"][5]
    assert unique["result"]["partial_unexpected_index_list"] == [2]
    assert unique["expectation_config"]["kwargs"] == {"column": "note_id"}
    # a result names rows, never their values (a malformed SSN stays in quarantine)
    assert "séance" not in json.dumps([r[5] for r in results.values()], ensure_ascii=False)
    assert NOW.isoformat(sep=" ") in warehouse.rows(
        "select distinct loaded_at::varchar from raw.contract_results")[0]


def test_ordinals_survive_a_parallel_read_of_a_large_file(warehouse, tmp_path: Path,
                                                          python_read: list[str]) -> None:
    """DuckDB reads a large file in chunks on every core; each record still gets its own
    ordinal (quoted line breaks inside some records, CSV and JSON lines alike)."""
    rows = 300_000
    pad = "x" * 80  # past DuckDB's 32 MB read buffer, so the file is read in parallel
    csv_lines = [f'n{i},p{i % 97},2026-10-01,contact,"note {i} {pad}'
                 + ('\nmore"' if i % 1000 == 0 else '"') for i in range(1, rows + 1)]
    write(tmp_path, "notes/north/a.csv", (NOTES + "\n".join(csv_lines) + "\n").encode())
    write(tmp_path, "notes/south/b.jsonl", "".join(
        json.dumps({"note_id": f"j{i}", "personal_id": "p1", "note_date": "2026-10-01",
                    "text": f"line {i}"}) + "\n" for i in range(1, rows + 1)).encode())
    results = load_all(warehouse, tmp_path, "notes")
    assert python_read == []
    assert [r.rows_loaded for r in results] == [rows, rows]
    assert warehouse.scalar(
        "select count(*) from raw.case_notes where _source_row::varchar <> substr(note_id, 2)"
        " or text not like 'note ' || _source_row || ' %' and text <> 'line ' || _source_row"
    ) == 0


def test_a_blank_key_in_the_file_referred_to_hides_no_broken_reference(warehouse,
                                                                       tmp_path: Path) -> None:
    """A client row whose key is only spaces is not a key an enrollment can point to, and
    does not stop the enrollments that point nowhere from being caught."""
    rows = export_rows()
    rows["Client.csv"].append({**rows["Client.csv"][0], "PersonalID": "   "})
    rows["Enrollment.csv"].append({**rows["Enrollment.csv"][0], "EnrollmentID": "N9",
                                   "PersonalID": "404"})
    write_export(tmp_path / "hmis" / "north" / "E1", rows=rows)
    load_all(warehouse, tmp_path, "hmis")
    assert warehouse.rows("select enrollment_id, _rule from quarantine.hmis_enrollment") == [
        ("N9", "references:personal_id")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n\f\v\u00a0\u2003x1.0-é\u0301+", max_size=8) | st.none())
def test_the_sql_canonical_forms_are_vendor_py_s(value: str | None) -> None:
    """Checks read values in SQL as `vendor.py` reads them in Python (trimming only its
    whitespace, a decimal code as its whole number)."""
    row = duckdb.connect().execute(
        f"select {canonical_text_sql('$v')}, {canonical_code_sql('$v')}", {"v": value}).fetchone()
    assert row == (vendor.canonical_text(value), vendor.canonical_code(value))


def test_files_on_disk_are_read_whole_only_when_a_python_reader_needs_them(
        warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A UTF-8 file DuckDB reads is fingerprinted and checked from disk, never held whole;
    a Windows-1252 one is read whole to transcode it."""
    write(tmp_path, "notes/north/a.csv", (NOTES + "n1,p1,2026-10-01,contact,fine\n").encode())
    write(tmp_path, "notes/south/b.csv", (NOTES + "n2,p2,2026-10-01,contact,“quoted”\n"
                                          ).encode("cp1252"))
    read_whole: list[str] = []
    original = landing._reader

    def reader(path: Path):
        def read() -> bytes:
            read_whole.append(path.name)
            return original(path)()
        return read

    monkeypatch.setattr(landing, "_reader", reader)
    results = load_all(warehouse, tmp_path, "notes")
    assert [r.rows_loaded for r in results] == [1, 1]
    assert read_whole == ["b.csv"]


INTAKE = ("submission_id,intake_client_id,submitted_at,first_name,last_name,ssn_last4,"
          "monthly_income\n")


@pytest.mark.parametrize(("record", "sql", "expected"), [
    # DuckDB drops spaces next to quotes; the Python reader refuses or keeps them, as written
    ('1,c1,2026-01-02 10:00:00,"Ana" ,Diaz,,', "select _rule from quarantine.intake_submissions",
     [("csv_syntax",)]),
    ('1,c1,2026-01-02 10:00:00, "Ana",Diaz,,', "select first_name from raw.intake_submissions",
     [(' "Ana"',)]),
    # a year 0000 names no date; 1_000 is not a number; Arabic digits are digits
    ("1,c1,0000-01-02 10:00:00,Ana,Diaz,,", "select _rule from quarantine.intake_submissions",
     [("date:submitted_at",)]),
    ("1,c1,2026-01-02 10:00:00,Ana,Diaz,,1_000", "select rule from quarantine.flags",
     [("number:monthly_income",)]),
    ("1,c1,2026-01-02 10:00:00,Ana,Diaz,١٢٣٤,", "select rule from quarantine.flags", []),
])
def test_values_are_read_as_the_python_reader_and_contract_read_them(
        warehouse, tmp_path: Path, record: str, sql: str, expected: list[tuple]) -> None:
    write(tmp_path, "intake/north/a.csv", (INTAKE + record + "\n").encode())
    [result] = load_all(warehouse, tmp_path, "intake")
    assert result.status == "loaded"
    assert warehouse.rows(sql) == expected


def test_a_json_object_with_a_trailing_comma_is_not_a_json_object(warehouse,
                                                                   tmp_path: Path) -> None:
    write(tmp_path, "notes/north/a.jsonl", b'{"note_id": "n1", "personal_id": "p1", '
          b'"note_date": "2026-10-01", "text": "fine"}\n{"note_id": "n2", "text": "x",}\n')
    load_all(warehouse, tmp_path, "notes")
    assert warehouse.rows("select _source_row, _rule from quarantine.case_notes") == [
        (2, "invalid_json")]
