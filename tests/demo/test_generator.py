"""The generated landing folder: layout, determinism, dirt, and a flat memory profile."""

from __future__ import annotations

import re
import tracemalloc
from collections import Counter
from pathlib import Path

from orchestration.demo.__main__ import main
from orchestration.demo.generator import generate_agency
from orchestration.layouts import AUDIT, GENDER_2024, HEADERS

from .conftest import AS_OF, PEOPLE
from .landing import read_rows, truth

HMIS_FILES = (
    "Export.csv",
    "Organization.csv",
    "Project.csv",
    "Client.csv",
    "Enrollment.csv",
    "Exit.csv",
    "Services.csv",
    "CurrentLivingSituation.csv",
    "IncomeBenefits.csv",
)


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _header(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").splitlines()[0].split(",")


def test_same_seed_and_date_give_byte_identical_files(tmp_path):
    generate_agency(tmp_path / "a", people=150, seed=11, as_of=AS_OF)
    generate_agency(tmp_path / "b", people=150, seed=11, as_of=AS_OF)
    generate_agency(tmp_path / "c", people=150, seed=12, as_of=AS_OF)
    first, second, other = (_files(tmp_path / x) for x in "abc")
    assert first == second
    assert first.keys() == other.keys() and first != other


def test_landing_folder_follows_the_contract_layout(agency):
    landing = agency[0] / "landing"
    found = {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()}
    for site, export in (
        ("north", "NORTH20250630"),
        ("south", "SOUTH20250630"),
        ("east", "EAST20250630"),
    ):
        assert {f"hmis/{site}/{export}/{name}" for name in HMIS_FILES} <= found
        assert f"plans/{site}/milestones.csv" in found
        assert f"screens/{site}/screens.csv" in found
        assert f"surveys/{site}/followup_responses.csv" in found
        assert any(f.startswith(f"intake/{site}/") for f in found)
    assert {"notes/north/notes.jsonl", "notes/south/notes.csv", "notes/east/notes.jsonl"} <= found


def test_hmis_headers_follow_each_sites_fiscal_year(agency):
    hmis = agency[0] / "landing" / "hmis"
    for site, year in (("north", 2024), ("south", 2024), ("east", 2026)):
        export_dir = next((hmis / site).iterdir())
        client = _header(export_dir / "Client.csv")
        export = _header(export_dir / "Export.csv")
        assert read_rows(export_dir / "Export.csv")[0]["CSVVersion"] == f"{year} v1.0"
        assert ("Sex" in client) == (year == 2026)
        assert (
            set(GENDER_2024) <= set(client) if year == 2024 else not set(GENDER_2024) & set(client)
        )
        assert "ImplementationID" in export  # added in FY2024
        assert ("HispanicLatinao" in client) == (year == 2026)  # FY2026's spelling
        for name in HMIS_FILES[1:]:
            assert tuple(_header(export_dir / name)[-5:]) == AUDIT, name
        # a full export: every file of the year's HUD layout, those not modelled header-only
        assert {p.name for p in export_dir.iterdir()} == set(HEADERS[year])
        income = _header(export_dir / "IncomeBenefits.csv")
        assert income[:6] == [
            "IncomeBenefitsID",
            "EnrollmentID",
            "PersonalID",
            "InformationDate",
            "IncomeFromAnySource",
            "TotalMonthlyIncome",
        ]
        assert "DataCollectionStage" in income
        assert _header(export_dir / "CurrentLivingSituation.csv")[:5] == [
            "CurrentLivingSitID",
            "EnrollmentID",
            "PersonalID",
            "InformationDate",
            "CurrentLivingSituation",
        ]
        assert client[:10] == [
            "PersonalID",
            "FirstName",
            "MiddleName",
            "LastName",
            "NameSuffix",
            "NameDataQuality",
            "SSN",
            "SSNDataQuality",
            "DOB",
            "DOBDataQuality",
        ]


def test_trajectory_mix_is_roughly_as_specified(agency):
    people = truth(agency[0], "people.csv")
    assert len(people) == PEOPLE
    mix = Counter(r["trajectory"] for r in people)
    for trajectory, share in (
        ("moving", 0.35),
        ("slowing", 0.18),
        ("followup_overdue", 0.10),
        ("stalled", 0.27),
        ("closed", 0.10),
    ):
        assert abs(mix[trajectory] / PEOPLE - share) < 0.06, trajectory
    assert {r["home_site"] for r in people} == {"north", "south", "east"}
    programs = Counter(r["program_project_type"] for r in people if r["program_project_type"])
    assert set(programs) == {"0", "2", "3", "4", "6", "13"}


def test_every_truth_record_exists_in_the_landing_files(agency):
    landing = agency[0] / "landing"
    present: set[str] = set()
    for path in (landing / "hmis").glob("*/*/Client.csv"):
        site = path.parent.parent.name
        present |= {
            f"hmis:{site}:{r['PersonalID']}" for r in read_rows(path) if not r["DateDeleted"]
        }
    for kind, id_column in (("intake", "submission_id"), ("surveys", "response_id")):
        for path in (landing / kind).glob("*/*.csv"):
            source = "survey" if kind == "surveys" else kind
            present |= {f"{source}:{path.parent.name}:{r[id_column]}" for r in read_rows(path)}
    keys = [r["record_key"] for r in truth(agency[0], "records.csv")]
    assert len(keys) == len(set(keys)) == agency[1].person_records
    assert set(keys) == present


def test_every_fault_points_at_a_real_row(agency):
    root = agency[0]
    faults = truth(root, "faults.csv")
    kinds = Counter(f["fault"] for f in faults)
    for kind in (
        "duplicate_person",
        "missing_dob",
        "bad_code",
        "deleted_row",
        "html_in_note",
        "prompt_injection",
        "encoding_cp1252",
        "unmatchable_survey",
    ):
        assert kinds[kind], kind
    lengths = {}
    for f in faults:
        if f["row"]:
            if f["file"] not in lengths:
                lengths[f["file"]] = len(read_rows(root / "landing" / f["file"]))
            assert 1 <= int(f["row"]) <= lengths[f["file"]], f


def test_duplicates_are_half_exact_half_flawed(agency):
    variations = Counter(
        f["detail"].split(": ")[1]
        for f in truth(agency[0], "faults.csv")
        if f["fault"] == "duplicate_person"
    )
    total = sum(variations.values())
    assert 0.03 < total / PEOPLE < 0.14
    assert 0.25 < variations["exact"] / total < 0.75
    assert len(variations) >= 4


def test_cp1252_intake_file_is_windows_1252_and_not_utf8(agency):
    faults = [f for f in truth(agency[0], "faults.csv") if f["fault"] == "encoding_cp1252"]
    assert len(faults) == 1
    raw = (agency[0] / "landing" / faults[0]["file"]).read_bytes()
    try:
        raw.decode("utf-8")
        raise AssertionError("the cp1252 file decoded as UTF-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252")
    assert re.search(r"[À-ÿ]", text), "expected accented names"


def test_screen_items_sum_to_the_recorded_total(agency):
    for path in (agency[0] / "landing" / "screens").glob("*/*.csv"):
        for r in read_rows(path):
            items = [int(r[f"item_{i}"]) for i in range(1, 10) if r[f"item_{i}"]]
            assert len(items) == (9 if r["instrument"] == "PHQ-9" else 7)
            assert all(0 <= i <= 3 for i in items) and sum(items) == int(r["total_score"])


def test_matchable_surveys_carry_the_intake_email_or_phone(agency):
    root = agency[0]
    owner = {r["record_key"]: r["true_person"] for r in truth(root, "records.csv")}
    seen: dict[str, set[str]] = {}
    for path in (root / "landing" / "intake").glob("*/*.csv"):
        for r in read_rows(path):
            tp = owner[f"intake:{path.parent.name}:{r['submission_id']}"]
            seen.setdefault(tp, set()).update(_contact_values(r))
    unmatched = 0
    for path in (root / "landing" / "surveys").glob("*/*.csv"):
        for r in read_rows(path):
            values = _contact_values(r)
            if not values:
                unmatched += 1
                continue
            assert values <= seen[owner[f"survey:{path.parent.name}:{r['response_id']}"]]
    assert unmatched == sum(
        1 for f in truth(root, "faults.csv") if f["fault"] == "unmatchable_survey"
    )


def _contact_values(row: dict[str, str]) -> set[str]:
    digits = re.sub(r"\D", "", row["phone"])[-10:]
    return {v for v in (row["email"].strip().lower(), digits) if v}


def test_cli_prints_the_summary(tmp_path, capsys):
    main(["--out", str(tmp_path), "--people", "25", "--seed", "3", "--as-of", "2025-01-15"])
    assert "25 people" in capsys.readouterr().out
    assert (tmp_path / "truth" / "meta.json").is_file()


def test_memory_stays_flat_as_people_grow(tmp_path):
    peaks = []
    for n in (300, 3000):
        tracemalloc.start()
        generate_agency(tmp_path / str(n), people=n, seed=5, as_of=AS_OF)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] - peaks[0] < 1_000_000
    assert peaks[1] < 40_000_000
