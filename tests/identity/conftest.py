"""Identity fixtures: run options in a test's own folder, and person records to link."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.identity.records import PersonRecord
from orchestration.identity.resolve import IdentityOptions
from orchestration.warehouse import Warehouse

T1, T2, T3 = datetime(2026, 10, 1), datetime(2026, 11, 1), datetime(2026, 12, 1)


@pytest.fixture()
def options(tmp_path: Path) -> IdentityOptions:
    return IdentityOptions(overrides_path=tmp_path / "overrides.yaml", temp_dir=tmp_path / "tmp")


def rec(key: str, first: str | None = "ana", last: str | None = "diaz",
        dob: date | None = date(1990, 1, 2), **fields) -> PersonRecord:
    """A normalised person record; `key` is `<source>:<site>:<id>`."""
    source, site, rid = key.split(":")
    return PersonRecord(key, source, site, rid, first, last, dob, **fields)


def crosswalk(wh: Warehouse) -> dict[str, str]:
    return dict(wh.rows("select record_key, person_id from identity.crosswalk"))
