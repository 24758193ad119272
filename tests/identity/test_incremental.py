"""A nightly run regroups and rewrites only the people its new records touch, and the tables
it leaves are the ones regrouping everyone would leave."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.identity import records as records_module
from orchestration.identity.resolve import IdentityOptions, resolve_identities
from orchestration.warehouse import Warehouse
from tests.identity.conftest import T1, rec
from tests.identity.test_persistence import snapshot
from tests.warehouse.postgres_db import scratch_database

BASE = [
    rec("hmis:north:1", dob=None, email="ana@x.org"),
    rec("hmis:south:9", ssn="236410527"),
    rec("hmis:east:8", first="bo", last="lund", dob=date(1971, 5, 6)),
    rec("intake:east:4", first="bo", last="lund", dob=None, intake_client_id="c1"),
    rec("hmis:west:2", first="cy", last="moss", dob=date(1980, 3, 4), phone="5035550101"),
    rec("survey:west:7", first="cy", last="moss", dob=None, phone="5035550101"),
]
NIGHTS = [
    # a bridge merging two people, and a second intake of one client id
    BASE + [rec("intake:east:3", email="ana@x.org", ssn="236410527"),
            rec("intake:east:5", first="bob", last="lund", dob=None, intake_client_id="c1")],
    # an edited record, a removed one, a stranger
    [*BASE[:4], replace(BASE[4], first="cyrus"),
     rec("intake:east:3", email="ana@x.org", ssn="236410527"),
     rec("hmis:north:6", first="dee", last="park", dob=date(1999, 9, 9))],
]
SPLIT = """
force_split:
  - records: [hmis:north:1, hmis:south:9]
    reason: different mothers' names
"""


def _nights(wh: Warehouse, options: IdentityOptions) -> list[dict[str, list]]:
    resolve_identities(wh, options, T1, BASE)
    snapshots = []
    for night, records in enumerate([*NIGHTS, NIGHTS[-1]], start=1):
        if night == len(NIGHTS) + 1:
            options.overrides_path.write_text(SPLIT, encoding="utf-8")
        resolve_identities(wh, options, T1 + timedelta(days=night), records)
        snapshots.append(snapshot(wh))
    return snapshots


def test_nightly_runs_leave_the_tables_regrouping_everyone_leaves(tmp_path: Path) -> None:
    runs = {}
    for regroup_all in (False, True):
        folder = tmp_path / str(regroup_all)
        folder.mkdir()
        options = IdentityOptions(overrides_path=folder / "overrides.yaml",
                                  temp_dir=folder / "tmp", regroup_all=regroup_all)
        with Warehouse(folder / "warehouse.duckdb") as wh:
            runs[regroup_all] = _nights(wh, options)
    assert runs[False] == runs[True]
    assert runs[False][-1]["split_log"]  # the scenario does merge, remove and split


@pytest.fixture()
def inserted(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Rows written per identity table, counted from the runs after the fixture is set up."""
    counts: dict[str, int] = {}
    original = warehouse.insert_arrow

    def counting(target: str, table: pa.Table) -> None:
        counts[target] = counts.get(target, 0) + table.num_rows
        original(target, table)

    monkeypatch.setattr(warehouse, "insert_arrow", counting)
    return counts


def test_a_nightly_run_writes_only_the_rows_it_changes(warehouse, options, inserted) -> None:
    strangers = [rec(f"hmis:north:{i}", first=f"name{i}", last=f"family{i}",
                     dob=date(1950, 1, 1) + timedelta(days=400 * i)) for i in range(50)]
    resolve_identities(warehouse, options, T1, strangers)
    before = snapshot(warehouse)
    inserted.clear()
    again = rec("intake:north:1", first="name3", last="family3", dob=strangers[3].dob,
                hmis_personal_id="3")
    summary = resolve_identities(warehouse, options, T1 + timedelta(days=1),
                                 [*strangers, again])
    assert (summary.new_records, summary.persons_issued) == (1, 0)
    # the new record's crosswalk and person_records rows, its source-id and scored links
    assert inserted == {"identity.crosswalk": 1, "identity.persons": 0,
                        "identity.link_edges": 2, "identity.review_queue": 0,
                        "identity.person_records": 1}
    after = snapshot(warehouse)
    assert set(before["crosswalk"]) < set(after["crosswalk"])
    assert after["persons"] == before["persons"]
    assert set(before["person_records"]) < set(after["person_records"])


_RAW_TABLES = {
    "hmis_client": "personal_id, first_name, last_name, dob, dob_data_quality, ssn,"
                   " ssn_data_quality, date_deleted",
    "intake_submissions": "submission_id, first_name, last_name, dob, ssn_last4, phone, email,"
                          " intake_client_id, hmis_personal_id",
}
# Each night's raw changes: (table, site, id, first, last, dob, intake client id); None
# first name deletes the record's rows.
RAW_NIGHTS = [
    [("hmis_client", "north", "1", "Ana", "Diaz", "1990-01-02", None),
     ("hmis_client", "south", "9", "Ana", "Diaz", "1990-01-02", None),
     ("hmis_client", "north", "2", "Bo", "Lund", "1971-05-06", None),
     ("intake_submissions", "east", "4", "Cy", "Moss", "1980-03-04", "c1")],
    # a new intake of one client id, a row re-sent as it was, one re-sent in capitals
    [("intake_submissions", "east", "5", "Cyrus", "Moss", None, "c1"),
     ("hmis_client", "north", "2", "Bo", "Lund", "1971-05-06", None),
     ("hmis_client", "north", "1", "ANA", "DIAZ", "1990-01-02", None)],
    # an edit, a removal, a stranger
    [("hmis_client", "north", "2", "Bo", "Lundt", "1971-05-06", None),
     ("intake_submissions", "east", "4", None, None, None, None),
     ("hmis_client", "north", "6", "Dee", "Park", "1999-09-09", None)],
]


def _send(wh: Warehouse, night: int, rows: list[tuple]) -> None:
    """Load one night's rows into raw, each a newer version of its record."""
    for table, columns in _RAW_TABLES.items():
        wh.execute(f"create table if not exists raw.{table} (_site varchar, "
                   + ", ".join(f"{c.strip()} varchar" for c in columns.split(","))
                   + ", _source_row bigint, _loaded_at timestamp)")
    for row, (table, site, rid, first, last, dob, client_id) in enumerate(rows):
        key = "personal_id" if table == "hmis_client" else "submission_id"
        if first is None:
            wh.execute(f"delete from raw.{table} where _site = ? and {key} = ?", [site, rid])
        elif table == "hmis_client":
            wh.execute("insert into raw.hmis_client (_site, personal_id, first_name, last_name,"
                       " dob, _source_row, _loaded_at) values (?, ?, ?, ?, ?, ?, ?)",
                       [site, rid, first, last, dob, row, T1 + timedelta(days=night)])
        else:
            wh.execute("insert into raw.intake_submissions (_site, submission_id, first_name,"
                       " last_name, dob, intake_client_id, _source_row, _loaded_at)"
                       " values (?, ?, ?, ?, ?, ?, ?, ?)",
                       [site, rid, first, last, dob, client_id, row, T1 + timedelta(days=night)])


@contextmanager
def _warehouse(backend: str, folder: Path) -> Iterator[Warehouse]:
    """A DuckDB file in `folder`, or a scratch PostgreSQL database (skips if none answers)."""
    if backend == "duckdb":
        with Warehouse(folder / "warehouse.duckdb") as wh:
            yield wh
        return
    with scratch_database("identity") as dsn, Warehouse(dsn) as wh:
        yield wh


@pytest.mark.parametrize("backend", ["duckdb", "postgres"])
def test_nightly_runs_from_raw_normalise_only_new_rows(backend: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    normalised: list[str] = []
    original = records_module._normalised

    def counting(key: str, table: str, raw: list):
        normalised.append(key)
        return original(key, table, raw)

    monkeypatch.setattr(records_module, "_normalised", counting)
    runs: dict[bool, list] = {}
    for regroup_all in (False, True):
        folder = tmp_path / str(regroup_all)
        folder.mkdir()
        options = IdentityOptions(overrides_path=folder / "overrides.yaml",
                                  temp_dir=folder / "tmp", regroup_all=regroup_all)
        runs[regroup_all] = []
        with _warehouse(backend, folder) as wh:
            for night, rows in enumerate(RAW_NIGHTS):
                _send(wh, night, rows)
                normalised.clear()
                summary = resolve_identities(wh, options, T1 + timedelta(days=night))
                runs[regroup_all].append((sorted(normalised), summary.new_records,
                                          snapshot(wh)))
    assert runs[False] == runs[True]
    assert [(keys, new) for keys, new, _ in runs[False]] == [
        (["hmis:north:1", "hmis:north:2", "hmis:south:9", "intake:east:4"], 4),
        (["hmis:north:1", "intake:east:5"], 1),  # capitals normalise to the same record
        (["hmis:north:2", "hmis:north:6"], 2),
    ]
    last = runs[False][-1][2]
    assert "intake:east:4" not in {row[0] for row in last["person_records"]}
    ids = {row[0]: row[4] for row in last["crosswalk"]}
    assert ids["hmis:north:1"] == ids["hmis:south:9"]
