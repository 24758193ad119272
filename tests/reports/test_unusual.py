"""Unusual: every flag in the mart is on the page with why it was flagged, the planted
impossible readings (an exit before its entry, a service after its exit, stamps that cannot
be true) are caught and sent to the data steward, long stays are only the longest of their
program and ranked, and the rare serious kinds come before the long routine ones.

Stamps and stays are planted in a copy of the fixture's warehouse (raw rows edited, their
staging and the Unusual marts rebuilt by dbt, the page published again), so the shared
fixture stays as the pipeline built it."""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape

from orchestration.reports.config import load_reports_config
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse
from tests.reports.conftest import AS_OF
from tests.reports.pages import read

ANOMALY_ROW = re.compile(r'<tr class="anomaly" data-anomaly="([^"]+)">(.*?)</tr>', re.S)
RECORD = re.compile(r">([^<>]+), row (\d+)<")
HEADING = re.compile(r'<h2 id="([^"]+)">[^<]*<span class="meta tally">(\d+) (?:clients|workers),'
                     r" (\d+) flags</span></h2>")
STAMP_KINDS = ("updated_before_created", "stamped_after_export", "stamped_just_after_export")
STAMPED_FILES = {"hmis_client", "hmis_enrollment", "hmis_exit", "hmis_services",
                 "hmis_income_benefits", "hmis_current_living_situation", "hmis_organization",
                 "hmis_project"}
PERMANENT_HOUSING = (3, 9, 10)  # PSH, PH housing only, PH housing with services (not RRH)
RULES = load_reports_config(REPO_ROOT / "rubrics" / "reports.yaml").rules
TOLERANCE_HOURS = RULES["export_clock_tolerance_hours"]


def _page(site: Path) -> str:
    return read(site / "unusual" / "latest.html")


def _flags(page: str) -> dict[str, dict[str, str]]:
    """anomaly_key -> the row's html, in page order."""
    return {html.unescape(key): row for key, row in ANOMALY_ROW.findall(page)}


def _records(page: str, kind: str) -> set[tuple[str, int]]:
    """(source file, row) of every flag of a kind on the page."""
    found = set()
    for key, row in _flags(page).items():
        if key.startswith(f"{kind}:"):
            source_file, source_row = RECORD.search(row).groups()
            found.add((source_file, int(source_row)))
    return found


def _impossible_in_raw(wh: Warehouse) -> dict[str, set[tuple[str, int]]]:
    """Straight from the loaded rows (not deleted): DateUpdated before DateCreated, and a
    stamp after the export's ExportDate, split by the clock tolerance."""
    found: dict[str, set[tuple[str, int]]] = {kind: set() for kind in STAMP_KINDS}
    tables = {t for (t,) in wh.rows("select table_name from information_schema.tables"
                                    " where table_schema = 'raw'")} & STAMPED_FILES
    for table in sorted(tables):
        for source_file, source_row, created, updated, exported in wh.rows(f"""
                select r._source_file, r._source_row, try_cast(r.date_created as timestamp),
                       try_cast(r.date_updated as timestamp), try_cast(e.export_date as timestamp)
                from raw.{table} r
                join raw.hmis_export e on e._site = r._site and e.export_id = r._export_id
                where coalesce(trim(r.date_deleted), '') = ''"""):
            if created and updated and updated < created:
                found["updated_before_created"].add((source_file, source_row))
            latest = max((s for s in (created, updated) if s), default=None)
            if latest and latest > exported:
                late = (latest - exported).total_seconds() / 3600 > TOLERANCE_HOURS
                found["stamped_after_export" if late else "stamped_just_after_export"].add(
                    (source_file, source_row))
    return found


@pytest.fixture(scope="module")
def planted(published, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The fixture's warehouse copied, with a service updated three hours before it was
    created, one created three days after its export, and the oldest possible entries given
    to an open emergency-shelter stay and an open permanent-supportive-housing stay; dbt
    rebuilds what reads them and the Unusual page is published again from the copy."""
    root = tmp_path_factory.mktemp("planted")
    db = root / "caseintel.duckdb"
    for suffix in ("", ".wal"):
        if Path(f"{published['db']}{suffix}").exists():
            shutil.copyfile(f"{published['db']}{suffix}", f"{db}{suffix}")
    with Warehouse(db) as wh:
        export = wh.scalar("select export_date from raw.hmis_export where _site = 'north'")
        services = wh.rows("""
            select _load_id, _source_row, _source_file, date_created from raw.hmis_services
            where _site = 'north' and coalesce(trim(date_deleted), '') = ''
              and greatest(date_created, date_updated) < ? order by _source_row limit 2""",
                           [export])
        (early_load, early_row, early_file, created), (late_load, late_row, late_file, _) = services
        updated = wh.scalar("select strftime(cast(? as timestamp) - interval 3 hour,"
                            " '%Y-%m-%d %H:%M:%S')", [created])
        three_days_on = wh.scalar("select strftime(cast(? as timestamp) + interval 3 day,"
                                  " '%Y-%m-%d %H:%M:%S')", [export])
        wh.execute("update raw.hmis_services set date_updated = ?"
                   " where _load_id = ? and _source_row = ?", [updated, early_load, early_row])
        wh.execute("update raw.hmis_services set date_created = ?, date_updated = ?"
                   " where _load_id = ? and _source_row = ?",
                   [three_days_on, three_days_on, late_load, late_row])
        stays = {}
        for project_type in (0, 3):
            key, site, enrollment_id = wh.rows("""
                select enrollment_key, site, enrollment_id from intermediate.int_enrollments
                where project_type = ? and exit_date is null order by enrollment_key limit 1""",
                                               [project_type])[0]
            wh.execute("update raw.hmis_enrollment set entry_date = '2015-01-05'"
                       " where _site = ? and trim(enrollment_id) = ?", [site, enrollment_id])
            stays[project_type] = key
    env = {**os.environ, "CASEINTEL_DBT_TARGET": "duckdb", "CASEINTEL_DB": str(db)}
    built = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--full-refresh", "--select",
         "stg_hmis__services stg_hmis__enrollments int_enrollments int_hmis_audit_stamps"
         " report_anomalies",
         "--project-dir", str(REPO_ROOT / "dbt_project"),
         "--profiles-dir", str(REPO_ROOT / "dbt_project"),
         "--target-path", str(root / "dbt_target"), "--log-path", str(root / "dbt_logs"),
         "--vars", json.dumps({"as_of_date": AS_OF.isoformat()})],
        env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEINTEL_DB", str(db))
        mp.setenv("CASEINTEL_SITE", str(root / "site"))
        from orchestration.reports.publish import publish_report
        from orchestration.settings import Settings

        publish_report(Settings.from_env(), "unusual")
    return {"db": db, "site": root / "site", "export": export, "updated": updated,
            "created": created, "three_days_on": three_days_on,
            "early": (early_file, early_row), "late": (late_file, late_row),
            "shelter": stays[0], "housing": stays[3]}


@pytest.fixture(scope="module")
def planted_wh(planted):
    with Warehouse(planted["db"], read_only=True) as warehouse:
        yield warehouse


def test_every_flag_is_listed_with_why(published, wh) -> None:
    page = _page(published["site"])
    assert page.index("Decision:") < page.index('id="impossible"')
    flags = _flags(page)
    assert set(flags) == {k for (k,) in wh.rows("select anomaly_key from marts.report_anomalies")}
    for key, why in wh.rows("select anomaly_key, why from marts.report_anomalies"):
        assert str(escape(why)) in flags[key]
    kinds = {k for (k,) in wh.rows("select distinct anomaly_kind from marts.report_anomalies")}
    assert {"contact_drop", "long_stay", "caseload_drift", "service_after_exit",
            "stamped_just_after_export"} <= kinds


def test_an_exit_before_its_entry_is_an_impossible_reading(published, wh) -> None:
    planted = published["planted"]
    rejected = wh.rows("select _rule, _source_file, _source_row from quarantine.hmis_exit"
                       " where exit_id = ?", [planted.exit_before_entry])
    assert rejected and rejected[0][0].startswith("date_order")
    page = _page(published["site"])
    assert "exit_date is before the enrollment&#39;s entry_date" in page
    assert f"{rejected[0][1]}, row {rejected[0][2]}" in page


def test_a_service_after_exit_is_flagged_with_its_record(published, wh) -> None:
    planted = published["planted"]
    key = f"service_after_exit:{planted.site}:{planted.service_after_exit}"
    row = wh.rows("select why, evidence_source_file, evidence_source_row, person_id"
                  " from marts.report_anomalies where anomaly_key = ?", [key])
    assert row, key
    why, source_file, source_row, person = row[0]
    page = _page(published["site"])
    assert why in page and f"{source_file}, row {source_row}" in page
    assert f"clients/{person}.html#src-" in page


def test_tiles_and_headings_count_clients_and_flags(published, wh) -> None:
    page = _page(published["site"])
    tiles = dict(re.findall(r'<div class="n(?: red)?" data-kind="([^"]+)">(\d+)</div>', page))
    people = dict(wh.rows("select anomaly_kind, count(distinct coalesce(person_id, worker_id))"
                          " from marts.report_anomalies group by anomaly_kind"))
    flags = dict(wh.rows("select anomaly_kind, count(*) from marts.report_anomalies"
                         " group by anomaly_kind"))
    assert {k: int(n) for k, n in tiles.items() if int(n) and k in flags} == people
    headings = {kind: (int(p), int(f)) for kind, p, f in HEADING.findall(page)}
    assert set(headings) == set(tiles)
    assert {k: v for k, v in headings.items() if k in flags} == {
        k: (people[k], flags[k]) for k in flags}
    assert headings["impossible"][1] == page.count('class="impossible"')
    assert any(flags[k] > n for k, n in people.items())  # some client carries several flags


def test_rare_serious_kinds_come_before_the_long_routine_ones(published) -> None:
    page = _page(published["site"])
    order = [kind for kind, _, _ in HEADING.findall(page)]
    assert order.index("risk_finding") < order.index("updated_before_created")
    assert max(order.index(k) for k in ("updated_before_created", "stamped_after_export",
                                        "service_after_exit", "impossible")) < min(
        order.index(k) for k in ("contact_drop", "long_stay", "stamped_just_after_export"))
    assert order[-1] == "stamped_just_after_export"
    folded = page[page.index('id="stamped_just_after_export"'):]
    assert "<details><summary>Show the" in folded.split("</table>")[0]


def test_the_page_flags_exactly_the_stamps_that_cannot_be_true(published, wh) -> None:
    page = _page(published["site"])
    expected = _impossible_in_raw(wh)
    assert expected["stamped_just_after_export"], "the generated exports stamp records late"
    for kind, records in expected.items():
        assert _records(page, kind) == records, kind


def test_planted_impossible_stamps_go_to_the_data_steward(planted, planted_wh) -> None:
    page = _page(planted["site"])
    expected = _impossible_in_raw(planted_wh)
    assert expected["updated_before_created"] == {planted["early"]}
    assert expected["stamped_after_export"] == {planted["late"]}
    for kind, records in expected.items():
        assert _records(page, kind) == records, kind
    rows = {kind: row for key, row in _flags(page).items() for kind in STAMP_KINDS
            if key.startswith(f"{kind}:") and RECORD.search(row).groups() == tuple(
                map(str, planted["early" if kind == "updated_before_created" else "late"]))}
    assert (f"DateUpdated {planted['updated']} is 3.0 hours before DateCreated"
            f" {planted['created']}") in rows["updated_before_created"]
    assert (f"DateCreated {planted['three_days_on']} and DateUpdated {planted['three_days_on']}"
            f" are 3 days after this export was made (ExportDate {planted['export']})"
            ) in rows["stamped_after_export"]
    for kind in ("updated_before_created", "stamped_after_export"):
        assert "Impossible: for the data steward" in rows[kind]
        assert "clients/" in rows[kind] and "#src-" in rows[kind]


def test_long_stays_are_the_longest_of_their_program_most_extreme_first(published, wh) -> None:
    share = RULES["length_of_stay_max_share"]
    open_stays = dict(wh.rows("""
        select project_type_name, count(*) from intermediate.int_enrollments
        where entry_date <= ? and (exit_date is null or exit_date > ?)
        group by project_type_name""", [AS_OF, AS_OF]))
    flagged = wh.rows("""
        select a.anomaly_key, a.program, a.observed_value, (
            select count(*) from intermediate.int_enrollments o
            where o.project_type_name = a.program and o.entry_date <= ?
              and (o.exit_date is null or o.exit_date > ?)
              and datediff('day', o.entry_date, cast(? as date)) >= a.observed_value)
        from marts.report_anomalies a where a.anomaly_kind = 'long_stay'""",
                      [AS_OF, AS_OF, AS_OF])
    assert flagged
    for key, program, _, at_least_as_long in flagged:
        assert at_least_as_long <= math.ceil(share * open_stays[program]), key
    ratios = dict(wh.rows("""
        with stays as (
            select project_type, datediff('day', entry_date, case when exit_date <= ?
                   then exit_date else cast(? as date) end) as days
            from intermediate.int_enrollments where entry_date <= ?)
        select a.anomaly_key, a.observed_value / (select median(days) from stays
                                                  where stays.project_type = e.project_type)
        from marts.report_anomalies a
        join intermediate.int_enrollments e on 'long_stay:' || e.enrollment_key = a.anomaly_key
        where a.anomaly_kind = 'long_stay'""", [AS_OF, AS_OF, AS_OF]))
    shown = [k for k in _flags(_page(published["site"])) if k.startswith("long_stay:")]
    assert [ratios[k] for k in shown] == sorted(ratios.values(), reverse=True)


def test_a_long_stay_in_permanent_housing_is_never_flagged(planted, planted_wh) -> None:
    shelter, housing = planted["shelter"], planted["housing"]
    assert planted_wh.rows("select project_type from intermediate.int_enrollments"
                           " where enrollment_key = ?", [housing]) == [(3,)]
    flags = _flags(_page(planted["site"]))
    shelter_rank = list(k for k in flags if k.startswith("long_stay:")).index(
        f"long_stay:{shelter}")
    assert shelter_rank == 0, "the planted 2015 shelter entry is the most extreme long stay"
    assert f"long_stay:{housing}" not in flags
    assert planted_wh.scalar(
        "select count(*) from marts.report_anomalies a join intermediate.int_enrollments e"
        " on 'long_stay:' || e.enrollment_key = a.anomaly_key"
        f" where e.project_type in {PERMANENT_HOUSING}") == 0
