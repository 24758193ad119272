"""A landing folder as a new user has it, run by `caseintel run` as they run it: a first run
with only some sources (no hmis/ at all), then one broken HMIS export beside two good ones.
The good sites load, identity, dbt and every report build, the broken drop is named first on
the index and the data-quality page, and the command exits non-zero saying so in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from orchestration.ingest.assets import build_ingest_asset
from orchestration.ingest.landing import SOURCES_BY_NAME
from orchestration.resources import CaseintelResource
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse
from tests.ingest.exports import export_rows, write_export

AS_OF = "2026-11-01"
INTAKE = ("submission_id,intake_client_id,submitted_at,first_name,last_name\n"
          "1,c1,2026-01-02 10:00:00,Ana,Diaz\n2,c2,2026-03-02 11:00:00,Wen,Zhao\n")
NOTES = [{"note_id": "n1", "personal_id": "1", "note_date": "2026-10-20", "author_id": "w7",
          "note_type": "contact", "text": "Met cl at the office; she started her new job."}]


def _run() -> subprocess.CompletedProcess:
    caseintel = Path(sys.executable).with_name("caseintel")
    return subprocess.run([str(caseintel), "run", "--as-of", AS_OF], capture_output=True,
                          text=True, timeout=900, env=dict(os.environ))


def _broken_export(landing: Path) -> None:
    folder = write_export(landing / "hmis" / "east" / "BAD")
    (folder / "Client.csv").write_bytes(b"\x00\x01\x02 not a csv")


def test_a_broken_drop_never_stops_the_other_sites(workdir: Path) -> None:
    landing = workdir / "landing"
    (landing / "intake" / "north").mkdir(parents=True)
    (landing / "intake" / "north" / "forms.csv").write_text(INTAKE)
    (landing / "notes" / "north").mkdir(parents=True)
    (landing / "notes" / "north" / "notes.jsonl").write_text(
        "\n".join(json.dumps(n) for n in NOTES) + "\n")

    first = _run()  # no hmis/ folder on the first run
    assert first.returncode == 0, first.stderr[-3000:]
    assert (workdir / "site" / "index.html").exists()

    write_export(landing / "hmis" / "north" / "N1")
    write_export(landing / "hmis" / "south" / "S1", year=2026,
                 rows=export_rows(2026, export_id="S1"))
    _broken_export(landing)
    second = _run()
    assert second.returncode == 2, second.stderr[-3000:]
    summary = [line for line in second.stderr.splitlines() if "NOT LOADED" in line]
    assert summary == ["caseintel: NOT LOADED: 1 drop could not be read; everything else was "
                       "loaded and published (see the data-quality page)"]
    assert "hmis/east/BAD/Client.csv, line 1: not a CSV" in second.stderr

    with Warehouse(workdir / "var" / "caseintel.duckdb", read_only=True) as wh:
        assert wh.rows("select distinct _site from raw.hmis_client order by 1") == [
            ("north",), ("south",)]
        assert wh.scalar("select count(*) from marts.client_momentum") > 0
        [failure] = wh.rows("select site, source_file, remedy from marts.ingest_failures")
        assert failure[:2] == ("east", "hmis/east/BAD/Client.csv")
        assert "comma-separated" in failure[2]

    for page in ("index.html", "quality/latest.html"):
        html = (workdir / "site" / page).read_text()
        assert "Not loaded: 1 drop could not be read" in html, page
        assert html.index("hmis/east/BAD/Client.csv") < html.index("<h2>", html.index(
            "failed-drops\">") + 30), page  # the failure comes before any report content
    for report in ("momentum", "missing", "unusual", "aggregate", "quality"):
        assert (workdir / "site" / report / "latest.html").exists(), report



def _failures_listed(workdir: Path) -> list[tuple]:
    dbt = Path(sys.executable).with_name("dbt")
    done = subprocess.run([str(dbt), "run", "--profiles-dir", ".", "--select", "+ingest_failures"],
                          cwd=REPO_ROOT / "dbt_project", capture_output=True, text=True,
                          timeout=600, env=dict(os.environ))
    assert done.returncode == 0, done.stdout[-3000:]
    with Warehouse(workdir / "var" / "caseintel.duckdb", read_only=True) as wh:
        return wh.rows("select site, source_file from marts.ingest_failures")


def test_the_failed_sites_contract_check_fails_and_the_asset_does_not(workdir: Path) -> None:
    landing = workdir / "landing"
    write_export(landing / "hmis" / "north" / "N1")
    _broken_export(landing)
    asset = build_ingest_asset(SOURCES_BY_NAME["hmis"])
    result = dg.materialize([asset], resources={"caseintel": CaseintelResource()},
                            raise_on_error=False)
    assert result.success
    checks = {(e.asset_key.path[-1], e.check_name): e
              for e in result.get_asset_check_evaluations()}
    failed = {table for (table, name), e in checks.items() if not e.passed and name == "contract"}
    assert "hmis_client" in failed and "hmis_export" in failed  # nothing of the drop loaded
    assert "hmis/east/BAD/Client.csv" in checks[("hmis_client", "contract")].metadata[
        "errors"].value
    assert all(e.passed for (table, name), e in checks.items()
               if name == "rows_accounted_for")
    assert _failures_listed(workdir) == [("east", "hmis/east/BAD/Client.csv")]

    # the drop fixed: the next ingest loads it and the list no longer names it
    (landing / "hmis" / "east" / "BAD" / "Client.csv").unlink()
    write_export(landing / "hmis" / "east" / "BAD")
    assert dg.materialize([asset], resources={"caseintel": CaseintelResource()}).success
    assert _failures_listed(workdir) == []
