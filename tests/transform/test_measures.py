"""HUD measures, follow-up outcomes and data-quality marts on a warehouse the real pipeline
built for a small generated agency (`caseintel run` in a subprocess, as an operator runs it).

The generator places a client at a second site only in an older stay that ends before the
home-site history starts, never after a permanent exit, so its data has no return at another
site and per-site and de-duplicated Measure 2 agree for every seed and size. The agency here
therefore also receives one small extra HMIS export per site for one more client: a permanent
exit at north in the Measure 2 exit window and an emergency-shelter entry at south three
months later, under the same name, DOB and SSN. Identity links the two records, so the
de-duplicated measure counts a return that each site's own count cannot see.

The warehouse is built by the pipeline's own assets, in process: ingest, identity, the rubric
and the note reader as Dagster runs them, then a `dbt build` of the seeds and the models these
tests read (the measures and everything upstream of them), without their tests. The full
`caseintel run` also runs ~240 dbt tests and the reports, which the end-to-end suite covers;
skipping them keeps this module near 40 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.demo.generator import generate_agency
from orchestration.layouts import CSV_VERSION
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse
from tests.dbt_args import build_with_seeds
from tests.ingest.exports import write_export

AS_OF = date(2026, 11, 1)
PEOPLE = 300
SEED = 5
RETURNER = {"FirstName": "Wilhelmina", "LastName": "Crossfield", "NameDataQuality": "1",
            "SSN": "234567891", "SSNDataQuality": "1", "DOB": "1979-04-12",
            "DOBDataQuality": "1", "VeteranStatus": "0"}
SPM_MARTS = ("spm_m2_returns_to_homelessness", "spm_m2_returns_per_site", "spm_m4_income_growth",
             "spm_m5_first_time_homeless", "spm_m7_permanent_placements")
MODELS_UNDER_TEST = ("+path:models/marts/outcomes", "+path:models/marts/quality",
                     "+client_momentum")
PII_COLUMNS = {"first_name", "last_name", "middle_name", "ssn", "dob", "email", "phone",
               "street_address", "text", "quote"}


def _cross_site_export(site: str, year: int, enrollment: dict, exit_row: dict | None) -> dict:
    """One organization, one shelter project and the returner's records, as one HMIS export."""
    export_id = f"{site.upper()}XSITE"
    audit = {"DateCreated": f"{enrollment['EntryDate']} 09:00:00",
             "DateUpdated": f"{enrollment['EntryDate']} 09:00:00", "UserID": "u1",
             "ExportID": export_id}
    rows = {
        "Export.csv": [{"ExportID": export_id, "ExportDate": "2026-10-31 23:00:00",
                        "ExportStartDate": "2023-10-01", "ExportEndDate": "2026-10-31",
                        "CSVVersion": CSV_VERSION[year], "ExportPeriodType": "4",
                        "ExportDirective": "2", "HashStatus": "1"}],
        "Organization.csv": [{"OrganizationID": "XORG", "OrganizationName": "Cross-site test",
                              **audit}],
        "Project.csv": [{"ProjectID": "XES", "OrganizationID": "XORG",
                         "ProjectName": "Cross-site shelter", "ProjectType": "0", **audit}],
        "Client.csv": [{"PersonalID": "XR1", **RETURNER, **audit}],
        "Enrollment.csv": [{"EnrollmentID": "XE1", "PersonalID": "XR1", "ProjectID": "XES",
                            "HouseholdID": "XH1", "RelationshipToHoH": "1",
                            "EnrollmentCoC": "XX-500", "LivingSituation": "116",
                            "DisablingCondition": "0", **enrollment, **audit}],
    }
    if exit_row:
        rows["Exit.csv"] = [{"ExitID": "XX1", "EnrollmentID": "XE1", "PersonalID": "XR1",
                             **exit_row, **audit}]
    return rows


def _build_warehouse(root: Path) -> Path:
    """Python assets through Dagster in process, then dbt for the marts under test."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.identity.assets import client_identity
    from orchestration.ingest.assets import ingest_assets
    from orchestration.ingest.momentum_rubric import momentum_rubric
    from orchestration.ingest.sensors import PIPELINE_JOB
    from orchestration.scoring.assets import note_scores
    from orchestration.settings import Settings

    python_assets = [*ingest_assets, momentum_rubric, client_identity, note_scores]
    result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        asset_selection=[key for asset in python_assets for key in asset.keys])
    assert result.success
    settings = Settings.from_env()
    run = _dbt(root, {"CASEINTEL_DBT_TARGET": "duckdb", "CASEINTEL_DB": str(settings.db_path)},
               *build_with_seeds(*MODELS_UNDER_TEST))
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return settings.db_path


def _dbt(root: Path, env: dict[str, str], *args: str,
         dbt_vars: dict[str, object] | None = None) -> subprocess.CompletedProcess:
    """A dbt command in a subprocess, its target and logs under `root`."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args,
         "--project-dir", str(REPO_ROOT / "dbt_project"),
         "--profiles-dir", str(REPO_ROOT / "dbt_project"),
         "--target-path", str(root / "dbt_target"), "--log-path", str(root / "dbt_logs"),
         "--vars", json.dumps({"as_of_date": AS_OF.isoformat(), **(dbt_vars or {})})],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=600)


def _warehouse_copy(warehouse_path: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the built warehouse and the dbt environment that points at it."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse_path, copy)
    return copy, {"CASEINTEL_DBT_TARGET": "duckdb", "CASEINTEL_DB": str(copy)}


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the agency, add the cross-site returner, build the warehouse once."""
    root = tmp_path_factory.mktemp("measures")
    generate_agency(root / "demo", people=PEOPLE, seed=SEED, as_of=AS_OF)
    landing = root / "demo" / "landing"
    years = {s["site"]: s["fiscal_year"] for s in
             json.loads((root / "demo" / "truth" / "meta.json").read_text())["sites"]}
    write_export(landing / "hmis" / "north" / "NORTHXSITE", years["north"], _cross_site_export(
        "north", years["north"], {"EntryDate": "2024-01-05"},
        {"ExitDate": "2024-03-01", "Destination": "410"}))
    write_export(landing / "hmis" / "south" / "SOUTHXSITE", years["south"], _cross_site_export(
        "south", years["south"], {"EntryDate": "2024-06-03"}, None))
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith(("CASEINTEL_", "OPENAI_"))]:
            mp.delenv(name)
        mp.setenv("CASEINTEL_VAR", str(root / "var"))
        mp.setenv("CASEINTEL_LANDING", str(landing))
        mp.setenv("CASEINTEL_SITE", str(root / "site"))
        mp.setenv("CASEINTEL_AS_OF", AS_OF.isoformat())
        return _build_warehouse(root)


@pytest.fixture(scope="module")
def wh(warehouse_path: Path):
    with Warehouse(warehouse_path, read_only=True) as warehouse:
        yield warehouse


def test_every_measure_counts_a_numerator_within_its_denominator(wh) -> None:
    for mart in SPM_MARTS:
        rows = wh.rows(f"select universe, numerator, denominator, rate from marts.{mart}")
        assert rows, mart
        for universe, numerator, denominator, rate in rows:
            assert 0 <= numerator <= denominator <= universe, mart
            assert rate is None or 0 <= rate <= 1, mart
            assert (rate is None) == (denominator == 0), mart
    for due, responded, rate in wh.rows(
            "select due, responded, response_rate from marts.followup_response_rates"):
        assert 0 <= responded <= due
        assert rate is None or 0 <= rate <= 1
    for records, errors, rate in wh.rows(
            "select records, errors, error_rate from marts.hmis_data_quality"):
        assert 0 <= errors <= records and 0 <= rate <= 1
    for universe, average, median in wh.rows(
            "select universe, average_nights, median_nights"
            " from marts.spm_m1_length_of_time_homeless"):
        assert universe > 0 and average > 0 and median > 0


def test_deduplicated_people_never_exceed_per_site_people(wh) -> None:
    compared = wh.rows("select window_months, per_site_universe, deduplicated_universe"
                       " from marts.spm_m2_counting_comparison"
                       " where reporting_level = 'coc' and is_current_period")
    assert {row[0] for row in compared} == {6, 12, 24}
    for _, per_site, deduplicated in compared:
        assert deduplicated <= per_site
    # Measure 1: a person counted once per CoC, once per site they stayed at, in every period
    by_period = wh.rows(
        "select period_index, sum(case when reporting_level = 'coc' then universe end),"
        " sum(case when reporting_level = 'site' then universe end)"
        " from marts.spm_m1_length_of_time_homeless where metric = 'es_sh_th'"
        " group by period_index order by period_index")
    assert [period for period, _, _ in by_period] == [0, 1, 2]
    for _, coc, sites in by_period:
        assert 0 < coc <= sites


def test_each_person_counts_in_exactly_one_project_type_row(wh) -> None:
    for mart, measure_column in (("spm_m4_income_growth", "income_population"),
                                 ("spm_m5_first_time_homeless", "metric"),
                                 ("spm_m7_permanent_placements", "measure")):
        totals = wh.rows(
            f"select period_index, {measure_column}, reporting_level, sum(universe)"
            f" from marts.{mart} group by all order by all")
        by_level: dict[tuple[int, str], dict[str, int]] = {}
        for period, measure, level, universe in totals:
            by_level.setdefault((period, measure), {})[level] = universe
        for key, levels in by_level.items():
            assert levels["coc"] == levels["site"] == levels["project_type"], (mart, key)


def test_return_at_another_site_counts_only_when_deduplicated(wh) -> None:
    returner = wh.rows(
        "select counting, has_returned, is_return_at_other_site, days_to_return"
        " from intermediate.int_spm_m2_exit_cohort"
        " where record_key = 'hmis:north:XR1' and is_current_period order by counting")
    assert returner == [("deduplicated", True, True, 94), ("per_site", False, False, None)]
    per_site, deduplicated, at_other_site = wh.execute(
        "select per_site_returns, deduplicated_returns, returns_at_other_site"
        " from marts.spm_m2_counting_comparison"
        " where reporting_level = 'coc' and window_months = 6 and is_current_period").fetchone()
    assert deduplicated - per_site >= 1 and at_other_site >= 1


def test_each_period_counts_the_returner_by_its_own_dates(wh) -> None:
    """Three fiscal years by default. The returner's stays (north's shelter 2024-01-05 -
    2024-03-01, south's from 2024-06-03, still open) all began in FY2024: Measure 5 counts
    the first entry in FY2024 only; the 2024-03-01 exit is in FY2026's Measure 2 exit window
    only; Measure 1 counts each period's own nights, an open stay up to the period's end."""
    assert wh.rows("select period_index, period_label, is_current_period"
                   " from intermediate.int_hud_reporting_period order by period_index") == [
        (0, "FY2026", True), (1, "FY2025", False), (2, "FY2024", False)]
    person = "(select person_id from intermediate.int_hud_enrollments" \
             " where record_key = 'hmis:north:XR1')"
    assert wh.rows(
        "select period_label, enrollment_key, is_first_time from intermediate.int_spm_m5_entries"
        f" where metric = 'es_sh_th' and person_id = {person}") == [("FY2024", "north:XE1", True)]
    assert wh.rows(
        "select period_label, counting from intermediate.int_spm_m2_exit_cohort"
        f" where person_id = {person} order by counting") == [
        ("FY2026", "deduplicated"), ("FY2026", "per_site")]
    # FY2024: 56 nights at north and 120 at south; FY2025: the whole year at south and, with
    # the year before, 56 + 485 nights; FY2026: two whole years at south
    assert wh.rows(
        "select period_label, nights_in_period, nights_total from intermediate.int_spm_m1_nights"
        f" where metric = 'es_sh' and reporting_level = 'coc' and person_id = {person}"
        " order by period_index") == [("FY2026", 365, 730), ("FY2025", 365, 541),
                                      ("FY2024", 176, 176)]


def test_the_number_of_periods_follows_the_var(warehouse_path: Path, tmp_path: Path) -> None:
    """spm_trend_periods 1 reports the current period alone, with the same figures as the
    three-period build; 0 is refused with a compiler error that names the var."""
    copy, env = _warehouse_copy(warehouse_path, tmp_path)
    measure = ("select metric, reporting_level, coc_code, site, project_type_name, universe,"
               " numerator, denominator, rate, people_with_prior_stay_at_other_site"
               " from marts.spm_m5_first_time_homeless where {} order by all")
    with Warehouse(copy, read_only=True) as warehouse:
        three_periods = warehouse.rows(measure.format("is_current_period"))
    one = _dbt(tmp_path, env, "run", "--select",
               "int_hud_reporting_period int_spm_m5_entries spm_m5_first_time_homeless",
               dbt_vars={"spm_trend_periods": 1})
    assert one.returncode == 0, one.stdout[-3000:]
    with Warehouse(copy, read_only=True) as warehouse:
        assert warehouse.rows("select period_label from intermediate.int_hud_reporting_period"
                              ) == [("FY2026",)]
        assert warehouse.rows("select distinct period_index from marts.spm_m5_first_time_homeless"
                              ) == [(0,)]
        assert warehouse.rows(measure.format("true")) == three_periods
    assert three_periods
    refused = _dbt(tmp_path, env, "compile", "--select", "int_hud_reporting_period",
                   dbt_vars={"spm_trend_periods": 0})
    assert refused.returncode != 0
    assert "var spm_trend_periods must be a whole number of reporting periods" in refused.stdout


def test_deleted_enrollments_never_reach_the_measures(wh) -> None:
    deleted = {key for (key,) in wh.rows(
        "select _site || ':' || trim(enrollment_id) from ("
        "  select *, row_number() over (partition by _site, trim(enrollment_id)"
        "    order by try_cast(date_updated as timestamp) desc nulls last, _loaded_at desc,"
        "    _source_file desc, _source_row desc) as version_rank"
        "  from raw.hmis_enrollment)"
        " where version_rank = 1 and nullif(trim(date_deleted), '') is not null")}
    assert deleted, "the generator plants deleted enrollments"
    used = {key for (key,) in wh.rows(
        "select enrollment_key from intermediate.int_hud_enrollments"
        " union select exit_enrollment_key from intermediate.int_spm_m2_exit_cohort"
        " union select enrollment_key from intermediate.int_spm_m5_entries"
        " union select enrollment_key from intermediate.int_spm_m7_placements"
        " union select subject_key from marts.hmis_dq_checks")}
    assert deleted.isdisjoint(used)


def test_overdue_follow_ups_agree_with_the_momentum_grade(wh) -> None:
    overdue = set(wh.rows("select person_id, survey_type from marts.followups_overdue"
                          " where is_enrolled"))
    graded = {(person, survey.strip()) for person, types in wh.rows(
                  "select person_id, overdue_survey_types from marts.client_momentum"
                  " where overdue_survey_types is not null")
              for survey in types.split(",")}
    assert overdue and overdue == graded


def test_marts_carry_no_pii(wh) -> None:
    columns = wh.rows("select table_name, column_name from information_schema.columns"
                      " where table_schema = 'marts'")
    ours = [(t, c) for t, c in columns
            if t.startswith(("spm_", "followup", "hmis_"))]
    assert ours
    assert [(t, c) for t, c in ours if c in PII_COLUMNS] == []


def test_required_columns_are_checked_in_one_scan_naming_each_null_column(
        warehouse_path: Path, tmp_path: Path) -> None:
    """`not_null_columns` passes on the built marts; with nulls put into two of the required
    columns it fails, its failure count is the null cells and its rows name the columns."""
    copy, env = _warehouse_copy(warehouse_path, tmp_path)
    select = ("--select", "client_momentum,test_name:not_null_columns")
    clean = _dbt(tmp_path, env, "test", *select)
    assert clean.returncode == 0 and "PASS=1 " in clean.stdout, clean.stdout[-3000:]
    with Warehouse(copy) as warehouse:
        people = [p for (p,) in warehouse.rows(
            "select person_id from marts.client_momentum order by person_id limit 2")]
        warehouse.execute("update marts.client_momentum set grade = null"
                          " where person_id = ? or person_id = ?", people)
        warehouse.execute("update marts.client_momentum set as_of_date = null"
                          " where person_id = ?", people[:1])
    broken = _dbt(tmp_path, env, "test", *select)
    assert broken.returncode == 1 and "Got 3 results" in broken.stdout, broken.stdout[-3000:]
    compiled = next((tmp_path / "dbt_target" / "compiled").rglob(
        "not_null_columns_client_momentum*.sql"))
    with Warehouse(copy, read_only=True) as warehouse:
        assert sorted(warehouse.rows(compiled.read_text())) == [("as_of_date", 1), ("grade", 2)]
