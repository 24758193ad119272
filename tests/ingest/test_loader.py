"""Loading drops into raw: lineage, idempotence, accounting, HMIS export semantics."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from orchestration.ingest.landing import SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from tests.ingest.exports import export_rows, write_export

NOW = datetime(2026, 11, 1, 6, 0)


def drop_file(landing: Path, relative: str, text: str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def load_all(warehouse, landing: Path, kind: str):
    drops = discover(landing, SOURCES_BY_NAME[kind])
    return [result for drop in drops for result in load_drop(warehouse, drop, NOW)]


SCREENS = "screen_id,personal_id,instrument,screen_date,total_score\n"


def test_every_row_carries_lineage(warehouse, tmp_path: Path) -> None:
    drop_file(tmp_path, "screens/north/s.csv", SCREENS + "1,10,PHQ-9,2026-01-02,12\n"
              "2,11,GAD-7,2026-01-03,3\n")
    [result] = load_all(warehouse, tmp_path, "screens")
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    rows = warehouse.rows(
        "select screen_id, _site, _source_file, _source_row, length(_file_sha256)"
        " from raw.screens order by _source_row")
    assert rows == [("1", "north", "screens/north/s.csv", 1, 64),
                    ("2", "north", "screens/north/s.csv", 2, 64)]


def test_same_file_twice_is_a_no_op(warehouse, tmp_path: Path) -> None:
    drop_file(tmp_path, "screens/north/s.csv", SCREENS + "1,10,PHQ-9,2026-01-02,12\n")
    load_all(warehouse, tmp_path, "screens")
    [again] = load_all(warehouse, tmp_path, "screens")
    assert again.status == "skipped"
    assert warehouse.scalar("select count(*) from raw.screens") == 1


def test_rejected_rows_go_to_quarantine_with_rule_field_and_value(warehouse, tmp_path) -> None:
    drop_file(tmp_path, "screens/north/s.csv", SCREENS
              + "1,10,PHQ-9,2026-01-02,12\n"
              + "2,10,PHQ-10,2026-01-02,4\n"      # unknown instrument: reject
              + "3,10,GAD-7,2026-02-31,4\n"       # no such date: reject
              + "1,11,GAD-7,2026-01-05,2\n"       # repeats screen 1: reject
              + "5,12,PHQ-9,2026-01-02,12,x\n")  # one field too many: reject
    [result] = load_all(warehouse, tmp_path, "screens")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 1, 4)
    quarantined = warehouse.rows("select _source_row, _rule, _field, _value from"
                                 " quarantine.screens order by _source_row")
    assert quarantined == [(2, "in_set:instrument", "instrument", "PHQ-10"),
                           (3, "date:screen_date", "screen_date", "2026-02-31"),
                           (4, "unique:screen_id", "screen_id", "1"),
                           (5, "field_count", None, None)]
    ledger = warehouse.rows("select rows_read, rows_loaded, rows_quarantined, by_rule"
                            " from raw.ingest_ledger")
    assert ledger[0][:3] == (5, 1, 4)
    assert '"in_set:instrument": 1' in ledger[0][3]


def test_flagged_rows_load_and_the_flag_is_kept(warehouse, tmp_path: Path) -> None:
    rows = export_rows()
    rows["Enrollment.csv"][1]["RelationshipToHoH"] = "7"
    write_export(tmp_path / "hmis" / "north" / "E1", rows=rows)
    results = load_all(warehouse, tmp_path, "hmis")
    assert {r.status for r in results} == {"loaded"}
    assert warehouse.scalar("select count(*) from raw.hmis_enrollment") == 2
    flags = warehouse.rows("select source_table, rule, value, _source_row from quarantine.flags")
    assert flags == [("hmis_enrollment", "in_set:relationship_to_ho_h", "7", 2)]


def test_exit_before_entry_and_dangling_references_are_rejected(warehouse, tmp_path) -> None:
    rows = export_rows()
    rows["Exit.csv"][0]["ExitDate"] = "2025-12-31"            # entry was 2026-01-05
    rows["Services.csv"][0]["EnrollmentID"] = "N9"            # no such enrollment
    write_export(tmp_path / "hmis" / "north" / "E1", rows=rows)
    load_all(warehouse, tmp_path, "hmis")
    assert warehouse.rows("select _rule, _reason from quarantine.hmis_exit") == [
        ("date_order:exit_date", "exit_date is before the enrollment's entry_date")]
    assert warehouse.rows("select _rule from quarantine.hmis_services") == [
        ("references:enrollment_id",)]
    assert warehouse.scalar("select count(*) from raw.hmis_exit") == 0


def test_fy2024_and_fy2026_exports_both_load_and_say_which(warehouse, tmp_path) -> None:
    write_export(tmp_path / "hmis" / "north" / "N1", year=2024)
    write_export(tmp_path / "hmis" / "east" / "E1", year=2026, as_zip=True)
    results = load_all(warehouse, tmp_path, "hmis")
    assert {r.status for r in results} == {"loaded"}
    assert warehouse.rows("select distinct _site, _csv_version, woman is null, sex is null"
                          " from raw.hmis_client order by 1") == [
        ("east", "FY2026", True, True), ("north", "FY2024", True, True)]
    assert warehouse.scalar("select count(*) from raw.ingest_ledger where status = 'loaded'"
                            " and source_table = 'hmis_disabilities'") == 2
    assert warehouse.scalar("select count(*) from raw.hmis_client"
                            " where _source_file like 'hmis/east/E1.zip!%'") == 2


def test_file_names_are_matched_whatever_their_case(warehouse, tmp_path) -> None:
    target = write_export(tmp_path / "hmis" / "north" / "E1", as_zip=True)
    renamed = tmp_path / "hmis" / "north" / "E2.zip"
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(renamed, "w") as archive:
        for name in source.namelist():  # a vendor zips lower-case names in a folder
            archive.writestr(f"hmis_export/{name.lower()}", source.read(name))
    target.unlink()
    results = load_all(warehouse, tmp_path, "hmis")
    assert {r.status for r in results} == {"loaded"}, [(r.file, r.message) for r in results]
    assert warehouse.scalar("select count(*) from raw.hmis_client") == 2
    assert warehouse.scalar("select count(*) from raw.ingest_ledger"
                            " where source_file like '%client.csv'") == 1


def test_same_export_dropped_twice_under_another_name_changes_nothing(warehouse, tmp_path) -> None:
    write_export(tmp_path / "hmis" / "north" / "E1")
    load_all(warehouse, tmp_path, "hmis")
    before = warehouse.scalar("select count(*) from raw.hmis_enrollment")
    write_export(tmp_path / "hmis" / "north" / "E1_copy")
    again = [r for r in load_all(warehouse, tmp_path, "hmis") if "E1_copy" in r.file]
    assert {r.status for r in again} == {"skipped"}
    assert warehouse.scalar("select count(*) from raw.hmis_enrollment") == before


def test_custom_files_are_kept_whole_and_never_fail_the_export(warehouse, tmp_path) -> None:
    folder = write_export(tmp_path / "hmis" / "north" / "E1")
    (folder / "ClientAlias.csv").write_text('PersonalID,Alias\n1,"Ana ""Annie"" D"\n2,Bo\n')
    (folder / "Broken.csv").write_bytes(b"%PDF-1.7 not a csv")
    (folder / "readme.txt").write_text("exported by OpenCase")
    results = {r.file.rsplit("/", 1)[1]: r for r in load_all(warehouse, tmp_path, "hmis")}
    assert results["ClientAlias.csv"].status == "loaded"
    assert results["Broken.csv"].status == "not_ingested"
    assert "not a CSV: this is a PDF" in results["Broken.csv"].message
    assert results["readme.txt"].status == "not_ingested"
    assert results["Client.csv"].status == "loaded"
    assert warehouse.rows("select file_name, record, _source_row from raw.hmis_custom_rows"
                          " order by _source_row") == [
        ("ClientAlias.csv", '{"personal_id": "1", "alias": "Ana \\"Annie\\" D"}', 1),
        ("ClientAlias.csv", '{"personal_id": "2", "alias": "Bo"}', 2)]


def test_a_partial_export_loads_and_flags_what_it_cannot_check(warehouse, tmp_path) -> None:
    folder = write_export(tmp_path / "hmis" / "north" / "E1")
    (folder / "Organization.csv").unlink()
    results = load_all(warehouse, tmp_path, "hmis")
    assert {r.status for r in results} == {"loaded", "missing"}
    [missing] = [r for r in results if r.status == "missing"]
    assert missing.file == "hmis/north/E1/Organization.csv"
    assert warehouse.scalar("select count(*) from raw.hmis_project") == 1
    assert warehouse.rows("select rule, reason from quarantine.flags") == [
        ("references:organization_id",
         "organization_id cannot be checked: the export has no Organization.csv")]
    assert warehouse.scalar("select status from raw.ingest_ledger"
                            " where source_file like '%Organization.csv'") == "missing"


def test_no_file_rows_stay_in_memory_after_the_load(warehouse, tmp_path: Path) -> None:
    """GX caches each batch's frame on its data source; the loader lets go of it, so a run
    does not carry raw rows (PII included) after the files are in."""
    import gc

    import pandas as pd

    drop_file(tmp_path, "screens/north/s.csv", SCREENS + "1,10,PHQ-9,2026-01-02,12\n")
    [result] = load_all(warehouse, tmp_path, "screens")
    assert result.status == "loaded"
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, pd.DataFrame)
                and {"screen_id", "_source_row"} <= set(o.columns)]
