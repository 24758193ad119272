"""Landing retention: a drop in the warehouse is kept, archived or deleted as the setting says;
a drop that did not load whole stays; a later run loads nothing again and loses nothing."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration.ingest.assets import build_ingest_asset
from orchestration.ingest.landing import SOURCE_KINDS, SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.ingest.retention import Disposition, settle
from orchestration.ingest.sensors import landing_change, landing_sensor
from orchestration.resources import CaseintelResource
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse
from tests.ingest.exports import export_rows, write_export

FIRST = datetime(2026, 11, 1, 6, 0)
SECOND = datetime(2026, 11, 2, 6, 0)
SCREENS = "screen_id,personal_id,instrument,screen_date,total_score\n"
GOOD = SCREENS + "1,10,PHQ-9,2026-01-02,12\n2,11,GAD-7,2026-01-03,3\n"


def settings(retention: str) -> Settings:
    """The workdir fixture's settings, with this retention."""
    return Settings.from_env().with_overrides(landing_retention=retention)


def ingest(wh: Warehouse, s: Settings, at: datetime) -> dict[str, Disposition]:
    """Every drop of every kind loaded and settled, as the ingest assets do."""
    done = {}
    for kind in SOURCE_KINDS:
        for drop in discover(s.landing_dir, kind):
            done[drop.relative] = settle(wh, drop, load_drop(wh, drop, at), s, at)
    return done


def raw_counts(wh: Warehouse) -> dict[str, int]:
    return {t: wh.scalar(f"select count(*) from raw.{t}") for t in
            ("screens", "hmis_client", "hmis_enrollment") if wh.table_exists("raw", t)}


def landing_with_three_kinds_of_drop(landing: Path) -> None:
    """An HMIS export folder (north), an HMIS export zip (south), a single file (screens)."""
    write_export(landing / "hmis" / "north" / "N1")
    write_export(landing / "hmis" / "south" / "S1", year=2026,
                 rows=export_rows(2026, export_id="S1"), as_zip=True)
    (landing / "screens" / "north").mkdir(parents=True)
    (landing / "screens" / "north" / "s.csv").write_text(GOOD)


def test_keep_leaves_every_drop_where_it_was(workdir: Path, warehouse: Warehouse) -> None:
    landing = workdir / "landing"
    landing_with_three_kinds_of_drop(landing)
    done = ingest(warehouse, settings("keep"), FIRST)
    assert {d.action for d in done.values()} == {"kept"}
    assert (landing / "hmis" / "north" / "N1" / "Client.csv").is_file()
    assert (landing / "hmis" / "south" / "S1.zip").is_file()
    assert (landing / "screens" / "north" / "s.csv").is_file()
    assert warehouse.rows("select distinct retention, archived_to from raw.ingest_ledger") == [
        (None, None)]
    assert not (workdir / "var" / "archive").exists()


def test_archive_moves_folder_zip_and_file_and_a_second_run_loses_nothing(
        workdir: Path, warehouse: Warehouse) -> None:
    landing, archive = workdir / "landing", workdir / "var" / "archive"
    landing_with_three_kinds_of_drop(landing)
    s = settings("archive")
    assert s.archive_dir == archive
    done = ingest(warehouse, s, FIRST)
    assert {k: (d.action, d.archived_to) for k, d in done.items()} == {
        "hmis/north/N1": ("archived", archive / "hmis/north/N1@20261101T060000"),
        "hmis/south/S1.zip": ("archived", archive / "hmis/south/S1@20261101T060000.zip"),
        "screens/north/s.csv": ("archived", archive / "screens/north/s@20261101T060000.csv")}
    assert sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*")
                  if p.is_file()) == []
    assert (archive / "hmis/north/N1@20261101T060000/Client.csv").is_file()
    assert (archive / "screens/north/s@20261101T060000.csv").read_text() == GOOD

    # the ledger says where each file went, and each place holds it
    ledger = warehouse.rows("select retention, archived_to, file_sha256 from raw.ingest_ledger"
                            " where status = 'loaded'")
    assert {r[0] for r in ledger} == {"archived"}
    in_archive = {f"{p}!{m}" if p.suffix == ".zip" else str(p) for p in archive.rglob("*")
                  if p.is_file() for m in (zipfile.ZipFile(p).namelist() if p.suffix == ".zip"
                                           else [""])}
    assert {r[1] for r in ledger} == in_archive  # every archived file, and nothing else
    for _, archived_to, sha in ledger:
        on_disk, _, member = archived_to.partition("!")
        data = zipfile.ZipFile(on_disk).read(member) if member else Path(on_disk).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, archived_to
    before = raw_counts(warehouse)
    assert before == {"screens": 2, "hmis_client": 4, "hmis_enrollment": 4}
    loads = warehouse.scalar("select count(*) from raw.ingest_ledger")

    # a second run finds nothing to load and changes nothing
    assert ingest(warehouse, s, SECOND) == {}
    assert raw_counts(warehouse) == before
    assert warehouse.scalar("select count(*) from raw.ingest_ledger") == loads

    # the same file delivered again is known by its bytes: not loaded, archived beside the first
    (landing / "screens" / "north").mkdir(parents=True, exist_ok=True)
    shutil.copy(archive / "screens/north/s@20261101T060000.csv", landing / "screens/north/s.csv")
    again = ingest(warehouse, s, SECOND)["screens/north/s.csv"]
    assert again.archived_to == archive / "screens/north/s@20261102T060000.csv"
    assert raw_counts(warehouse) == before
    assert (archive / "screens/north/s@20261101T060000.csv").read_text() == GOOD


def test_two_drops_of_one_name_never_overwrite_each_other(workdir: Path,
                                                          warehouse: Warehouse) -> None:
    landing, archive = workdir / "landing", workdir / "var" / "archive"
    s = settings("archive")
    path = landing / "screens" / "north" / "s.csv"
    path.parent.mkdir(parents=True)
    path.write_text(GOOD)
    ingest(warehouse, s, FIRST)
    path.write_text(SCREENS + "3,12,PHQ-9,2026-02-02,7\n")  # new bytes, same name, same run time
    assert ingest(warehouse, s, FIRST)["screens/north/s.csv"].archived_to == (
        archive / "screens/north/s@20261101T060000-2.csv")
    assert (archive / "screens/north/s@20261101T060000.csv").read_text() == GOOD
    assert warehouse.scalar("select count(*) from raw.screens") == 3


def test_delete_removes_what_was_loaded_and_a_second_run_loses_nothing(
        workdir: Path, warehouse: Warehouse) -> None:
    landing = workdir / "landing"
    landing_with_three_kinds_of_drop(landing)
    s = settings("delete")
    done = ingest(warehouse, s, FIRST)
    assert {d.action for d in done.values()} == {"deleted"}
    assert not [p for p in landing.rglob("*") if p.is_file()]
    assert warehouse.rows("select distinct retention, archived_to from raw.ingest_ledger"
                          " where status = 'loaded'") == [("deleted", None)]
    before = raw_counts(warehouse)
    assert ingest(warehouse, s, SECOND) == {}
    assert raw_counts(warehouse) == before == {"screens": 2, "hmis_client": 4,
                                               "hmis_enrollment": 4}
    assert not (workdir / "var" / "archive").exists()


@pytest.mark.parametrize("retention", ["archive", "delete"])
def test_a_drop_not_wholly_in_the_warehouse_stays(workdir: Path, warehouse: Warehouse,
                                                  retention: str) -> None:
    landing = workdir / "landing"
    write_export(landing / "hmis" / "north" / "N1")  # good: leaves
    broken = write_export(landing / "hmis" / "east" / "BAD")  # cannot be read: stays
    (broken / "Client.csv").write_bytes(b"\x00\x01\x02 not a csv")
    (landing / "hmis" / "west").mkdir(parents=True)  # a damaged zip: stays
    (landing / "hmis" / "west" / "W1.zip").write_bytes(b"PK\x03\x04 cut short")
    readme = write_export(landing / "hmis" / "south" / "S1", year=2026,
                          rows=export_rows(2026, export_id="S1"))
    (readme / "readme.pdf").write_bytes(b"%PDF-1.4")  # a file not ingested: stays
    (landing / "screens" / "north").mkdir(parents=True)  # every row quarantined: stays
    (landing / "screens" / "north" / "bad.csv").write_text(
        SCREENS + "1,10,PHQ-10,2026-01-02,12\n2,11,GAD-7,2026-02-31,3\n")
    s = settings(retention)
    done = ingest(warehouse, s, FIRST)
    assert done["hmis/north/N1"].action == ("archived" if retention == "archive" else "deleted")
    stays = {k: d.reason for k, d in done.items() if d.action == "kept"}
    assert set(stays) == {"hmis/east/BAD", "hmis/west/W1.zip", "hmis/south/S1",
                          "screens/north/bad.csv"}
    assert stays["hmis/east/BAD"].startswith("it did not load: hmis/east/BAD/Client.csv")
    assert "damaged zip" in stays["hmis/west/W1.zip"]
    assert stays["hmis/south/S1"] == "not in the warehouse: hmis/south/S1/readme.pdf"
    assert stays["screens/north/bad.csv"] == "every row of screens/north/bad.csv was quarantined"
    assert (broken / "Client.csv").read_bytes() == b"\x00\x01\x02 not a csv"
    assert (landing / "hmis" / "west" / "W1.zip").is_file()
    assert (readme / "readme.pdf").is_file() and (readme / "Client.csv").is_file()
    assert (landing / "screens" / "north" / "bad.csv").is_file()
    assert not (landing / "hmis" / "north" / "N1").exists()

    # they stay on the next run too, and nothing is loaded twice
    before = raw_counts(warehouse)
    again = ingest(warehouse, s, SECOND)
    assert {k for k, d in again.items() if d.action == "kept"} == set(stays)
    assert raw_counts(warehouse) == before


def test_an_unknown_retention_or_an_archive_inside_landing_is_refused(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEINTEL_LANDING_RETENTION", "shred")
    with pytest.raises(ValueError, match="CASEINTEL_LANDING_RETENTION must be one of keep, "
                                         "archive, delete, not 'shred'"):
        Settings.from_env()
    monkeypatch.setenv("CASEINTEL_LANDING_RETENTION", "Archive")
    monkeypatch.setenv("CASEINTEL_LANDING_ARCHIVE", str(workdir / "landing" / "old"))
    with pytest.raises(ValueError, match="CASEINTEL_LANDING_ARCHIVE .* must be outside"):
        Settings.from_env()
    monkeypatch.setenv("CASEINTEL_LANDING_ARCHIVE", str(workdir / "elsewhere"))
    s = Settings.from_env()
    assert (s.landing_retention, s.archive_dir) == ("archive", workdir / "elsewhere")
    monkeypatch.delenv("CASEINTEL_LANDING_RETENTION")
    assert Settings.from_env().landing_retention == "keep"


def test_the_asset_archives_records_where_and_the_sensor_ignores_what_it_moved(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEINTEL_LANDING_RETENTION", "archive")
    landing, archive = workdir / "landing", workdir / "var" / "archive"
    (landing / "screens" / "north").mkdir(parents=True)
    (landing / "screens" / "north" / "s.csv").write_text(GOOD)
    (landing / "screens" / "north" / "bad.csv").write_text(SCREENS + "1,10,PHQ-10,2026-01-02,1\n")
    cursor, why = landing_change(Settings.from_env(), None)
    assert why == "2 landing files added or changed"

    asset = build_ingest_asset(SOURCES_BY_NAME["screens"])
    result = dg.materialize([asset], resources={"caseintel": CaseintelResource()})
    [event] = result.asset_materializations_for_node("raw_screens")
    metadata = {k: v.value for k, v in event.metadata.items()}
    assert (metadata["landing_retention"], metadata["drops_archived"],
            metadata["drops_kept"], metadata["files_loaded"]) == ("archive", 1, 1, 2)
    assert "- screens/north/s.csv: archived to " + str(archive) in metadata["drops"]
    assert ("- screens/north/bad.csv: kept in the landing folder (every row of "
            "screens/north/bad.csv was quarantined)") in metadata["drops"]
    [moved] = archive.rglob("s@*.csv")
    assert moved.read_text() == GOOD

    # the file the run moved away starts no run; a new one does
    cursor, why = landing_change(Settings.from_env(), cursor)
    assert why is None
    (landing / "screens" / "north" / "t.csv").write_text(SCREENS + "5,12,PHQ-9,2026-01-02,4\n")
    cursor, why = landing_change(Settings.from_env(), cursor)
    assert why == "1 landing files added or changed"

    again = dg.materialize([asset], resources={"caseintel": CaseintelResource()})
    [event] = again.asset_materializations_for_node("raw_screens")
    assert (event.metadata["files_loaded"].value, event.metadata["drops_archived"].value) == (
        1, 1)
    assert all(e.passed for e in again.get_asset_check_evaluations()
               if e.check_name == "rows_accounted_for")
    with Warehouse(workdir / "var" / "caseintel.duckdb", read_only=True) as wh:
        assert wh.scalar("select count(*) from raw.screens") == 3
    # with the landing folder kept, a file taken away by a person still starts a run
    monkeypatch.setenv("CASEINTEL_LANDING_RETENTION", "keep")
    (landing / "screens" / "north" / "u.csv").write_text(GOOD)
    cursor, _ = landing_change(Settings.from_env(), None)
    (landing / "screens" / "north" / "bad.csv").unlink()
    assert landing_change(Settings.from_env(), cursor)[1] == "1 landing files taken away"


def test_the_sensor_runs_for_a_new_file_not_for_one_a_run_archived(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEINTEL_LANDING_RETENTION", "archive")
    folder = workdir / "landing" / "screens" / "north"
    folder.mkdir(parents=True)
    (folder / "s.csv").write_text(GOOD)
    (folder / "bad.csv").write_text(GOOD)
    context = dg.build_sensor_context()
    assert isinstance(landing_sensor(context), dg.RunRequest)
    assert isinstance(landing_sensor(context), dg.SkipReason)  # nothing changed
    (folder / "s.csv").unlink()  # what a run archives
    skip = landing_sensor(context)
    assert skip.skip_message == "1 landing files, none new or changed (some were archived or" \
                                " deleted)."
    (folder / "t.csv").write_text(GOOD)
    assert isinstance(landing_sensor(context), dg.RunRequest)
