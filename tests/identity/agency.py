"""A demo agency's person files loaded into raw through the real ingest code, and its truth.

Only the files that describe people are loaded (HMIS Export and Client, intake, surveys,
screens): linkage reads nothing else, and benchmarks at a million records stay about linkage.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from orchestration.ingest.landing import SOURCE_KINDS, discover
from orchestration.ingest.loader import load_drop
from orchestration.warehouse import Warehouse

PERSON_TABLES = {"hmis_export", "hmis_client", "intake_submissions", "survey_responses",
                 "screens"}


def load_agency(wh: Warehouse, agency: Path) -> None:
    for kind in SOURCE_KINDS:
        for drop in discover(agency / "landing", kind):
            files = tuple(f for f in drop.files if f.table in PERSON_TABLES)
            if files:
                load_drop(wh, replace(drop, files=files), datetime(2026, 11, 1, 6))


def truth(agency: Path) -> dict[str, str]:
    with (agency / "truth" / "records.csv").open(newline="", encoding="utf-8") as fh:
        return {r["record_key"]: r["true_person"] for r in csv.DictReader(fh)}
