"""Property: whatever rows and corruption a file holds, no row disappears without a trace."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.ingest.landing import SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.warehouse import Warehouse

COLUMNS = ["submission_id", "intake_client_id", "submitted_at", "first_name", "last_name", "dob"]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=12)
row = st.fixed_dictionaries({
    "submission_id": st.one_of(st.integers(1, 40).map(str), st.just(""), text),
    "intake_client_id": text,
    "submitted_at": st.one_of(st.just("2026-01-02 10:00:00"), st.just("2026-13-01 00:00:00"), text),
    "first_name": text, "last_name": text,
    "dob": st.one_of(st.just("1990-01-02"), st.just("2999-01-01"), text),
})
corruption = st.lists(st.tuples(st.integers(0, 60), st.sampled_from(
    ["drop_field", "extra_field", "garbage_line"])), max_size=4)


def render(rows: list[dict[str, str]], damage: list[tuple[int, str]]) -> str:
    lines = []
    for values in rows:
        fields = [values[c] for c in COLUMNS]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(fields)
        lines.append(out.getvalue().rstrip("\n"))
    for at, kind in damage:
        if not lines:
            break
        i = at % len(lines)
        if kind == "drop_field":
            lines[i] = lines[i].rsplit(",", 1)[0] if "," in lines[i] else lines[i]
        elif kind == "extra_field":
            lines[i] += ",surplus"
        else:
            lines.insert(i, "!!not,a,row")
    return ",".join(COLUMNS) + "\n" + "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=25), corruption)
def test_every_row_is_loaded_quarantined_or_its_failure_is_in_the_ledger(rows, damage) -> None:
    body = render(rows, damage)
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp) / "landing"
        path = landing / "intake" / "north" / "form.csv"
        path.parent.mkdir(parents=True)
        path.write_text(body, encoding="utf-8")
        with Warehouse(Path(tmp) / "w.duckdb") as wh:
            [drop] = discover(landing, SOURCES_BY_NAME["intake"])
            [result] = load_drop(wh, drop, datetime(2026, 11, 1))
            ledger = wh.rows("select status, rows_read, rows_loaded, rows_quarantined"
                             " from raw.ingest_ledger")
            assert len(ledger) == 1, "every attempt leaves exactly one ledger row"
            status, read, loaded, quarantined = ledger[0]
            if status == "failed":
                assert not wh.table_exists("raw", "intake_submissions")
                assert result.message
                return
            parsed = csv.reader(io.StringIO(body, newline=""))
            records = sum(1 for r in parsed if r and r != [""]) - 1
            assert read == records
            assert read == loaded + quarantined
            assert wh.scalar("select count(*) from raw.intake_submissions") == loaded
            in_quarantine = (wh.scalar("select count(*) from quarantine.intake_submissions")
                             if wh.table_exists("quarantine", "intake_submissions") else 0)
            assert in_quarantine == quarantined
