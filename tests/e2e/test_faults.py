"""Every fault the demo generator plants is caught where it should be, by the right rule."""

from __future__ import annotations

from collections import defaultdict

import pytest

from orchestration.ingest.parsing import snake_case
from orchestration.warehouse import Warehouse
from tests.e2e.truth import read_csv

RAW_TABLES = {"Client.csv": "hmis_client", "Enrollment.csv": "hmis_enrollment",
              "Exit.csv": "hmis_exit", "Services.csv": "hmis_services"}


@pytest.fixture(scope="module")
def faults(pipeline) -> dict[str, list[dict[str, str]]]:
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_csv(pipeline["root"] / "demo" / "truth" / "faults.csv"):
        by_kind[row["fault"]].append(row)
    return by_kind


@pytest.fixture(scope="module")
def wh(pipeline):
    with Warehouse(pipeline["db"], read_only=True) as warehouse:
        yield warehouse


def test_the_generator_planted_every_kind_of_fault(faults) -> None:
    assert {"bad_code", "deleted_row", "duplicate_person", "encoding_cp1252", "missing_dob",
            "partial_ssn", "prompt_injection", "script_in_note", "html_in_note"} <= set(faults)


def test_bad_codes_are_flagged_by_the_code_list_rule(faults, wh) -> None:
    for fault in faults["bad_code"]:
        field = snake_case(fault["field"])
        flagged = wh.rows("select rule, value from quarantine.flags where _source_file = ?"
                          " and _source_row = ? and field = ?",
                          [fault["file"], int(fault["row"]), field])
        assert flagged and flagged[0][0] == f"in_set:{field}", fault


def test_file_encodings_are_detected_and_recorded(faults, wh) -> None:
    for kind, encoding in (("encoding_cp1252", "cp1252"), ("encoding_utf_8_sig", "utf-8-sig")):
        for fault in faults[kind]:
            assert wh.scalar("select encoding from raw.ingest_ledger where source_file = ?",
                             [fault["file"]]) == encoding
    cp1252_names = wh.rows("select last_name from raw.intake_submissions"
                           " where _source_file like '%paper_forms.csv'")
    assert cp1252_names and not any("\ufffd" in (n or "") for (n,) in cp1252_names)


def test_deleted_rows_stay_in_raw_and_leave_the_current_view(faults, wh) -> None:
    staging = {"hmis_client": "stg_hmis__clients", "hmis_enrollment": "stg_hmis__enrollments",
               "hmis_exit": "stg_hmis__exits", "hmis_services": "stg_hmis__services"}
    for fault in faults["deleted_row"]:
        table = RAW_TABLES[fault["file"].rsplit("/", 1)[1]]
        where = "_source_file = ? and _source_row = ?"
        args = [fault["file"], int(fault["row"])]
        assert wh.scalar(f"select date_deleted from raw.{table} where {where}", args)
        assert wh.scalar(f"select count(*) from staging.{staging[table]} where {where}", args) == 0


def test_duplicates_across_sites_become_one_person(pipeline, faults, wh) -> None:
    truth = {r["record_key"]: r["true_person"]
             for r in read_csv(pipeline["root"] / "demo" / "truth" / "records.csv")}
    crosswalk = dict(wh.rows("select record_key, person_id from identity.crosswalk"))
    linked = 0
    for fault in faults["duplicate_person"]:
        site = fault["file"].split("/")[1]
        pid = wh.scalar("select personal_id from raw.hmis_client where _source_file = ?"
                        " and _source_row = ?", [fault["file"], int(fault["row"])])
        key = f"hmis:{site}:{pid}"
        twins = [k for k, t in truth.items() if t == truth[key] and k.startswith("hmis:")
                 and k != key]
        linked += all(crosswalk[t] == crosswalk[key] for t in twins)
    assert linked >= 0.9 * len(faults["duplicate_person"])


def test_unknown_dobs_and_partial_ssns_are_missing_not_values(faults, wh) -> None:
    for kind, column in (("missing_dob", "dob"), ("partial_ssn", "ssn_norm")):
        for fault in faults[kind]:
            site = fault["file"].split("/")[1]
            pid = wh.scalar("select personal_id from raw.hmis_client where _source_file = ?"
                            " and _source_row = ?", [fault["file"], int(fault["row"])])
            value = wh.scalar(f"select {column} from identity.person_records"
                              " where record_key = ?", [f"hmis:{site}:{pid}"])
            assert value is None, (kind, fault)


def test_prompt_injection_is_flagged_and_never_counts_as_progress(faults, wh) -> None:
    for fault in faults["prompt_injection"]:
        site = fault["file"].split("/")[1]
        note_id = wh.scalar("select note_id from raw.case_notes where _source_file = ?"
                            " and _source_row = ?", [fault["file"], int(fault["row"])])
        found = {(c, lbl) for c, lbl in wh.rows(
            "select category, label from scoring.note_findings where site = ? and note_id = ?",
            [site, note_id])}
        assert ("risk", "prompt_injection") in found
        assert not any(category == "progress" for category, _ in found)


def test_markup_in_notes_is_kept_verbatim_as_data(faults, wh) -> None:
    for kind, marker in (("script_in_note", "<script>"), ("html_in_note", "<")):
        for fault in faults[kind]:
            text = wh.scalar("select text from raw.case_notes where _source_file = ?"
                             " and _source_row = ?", [fault["file"], int(fault["row"])])
            assert marker in text


def test_surveys_without_contact_details_are_not_guessed_onto_someone(faults, wh) -> None:
    for fault in faults["unmatchable_survey"]:
        site = fault["file"].split("/")[1]
        rid = wh.scalar("select response_id from raw.survey_responses where _source_file = ?"
                        " and _source_row = ?", [fault["file"], int(fault["row"])])
        pid = wh.scalar("select person_id from identity.crosswalk where record_key = ?",
                        [f"survey:{site}:{rid}"])
        assert wh.scalar("select count(*) from identity.crosswalk where person_id = ?",
                         [pid]) == 1
