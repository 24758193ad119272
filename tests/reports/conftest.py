"""One pipeline run, reports included, on a small generated agency with planted oddities,
shared by every report test (the reports are published by the pipeline's own assets)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from orchestration.demo.generator import generate_agency
from orchestration.server.login import Credentials
from orchestration.settings import REPO_ROOT, Settings
from orchestration.warehouse import Warehouse
from tests.reports.agency import plant_oddities

AS_OF = date(2026, 11, 1)
PEOPLE = 120
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS: list[Path] = []


@pytest.fixture(scope="package")
def published(tmp_path_factory: pytest.TempPathFactory):
    """Generate an agency, plant the oddities, run every asset once; paths and planted ids."""
    root = tmp_path_factory.mktemp("reports")
    generate_agency(root / "demo", people=PEOPLE, seed=23, as_of=AS_OF)
    planted = plant_oddities(root / "demo" / "landing", AS_OF)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEINTEL_VAR", str(root / "var"))
        mp.setenv("CASEINTEL_DB", str(root / "var" / "caseintel.duckdb"))
        mp.setenv("CASEINTEL_LANDING", str(root / "demo" / "landing"))
        mp.setenv("CASEINTEL_SITE", str(root / "site"))
        mp.setenv("CASEINTEL_AS_OF", AS_OF.isoformat())
        for name in ("CASEINTEL_LLM_BASE_URL", "CASEINTEL_LLM_API_KEY", "OPENAI_API_KEY",
                     "CASEINTEL_WAREHOUSE", "CASEINTEL_RUBRICS"):
            mp.delenv(name, raising=False)
        from orchestration.definitions import defs

        result = defs.resolve_job_def("caseintel_pipeline").execute_in_process(
            instance=dg.DagsterInstance.ephemeral())
        yield {"root": root, "result": result, "site": root / "site",
               "db": root / "var" / "caseintel.duckdb", "planted": planted}


@pytest.fixture(scope="package")
def wh(published):
    with Warehouse(published["db"], read_only=True) as warehouse:
        yield warehouse


@pytest.fixture(scope="package")
def screenshots() -> Path:
    """Where the browser tests leave a screenshot of every page they opened: kept after the
    run (var/ is git-ignored), replaced by the next run, listed at the end."""
    folder = REPO_ROOT / "var" / "test-screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    SCREENSHOTS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter) -> None:
    for folder in SCREENSHOTS:
        shots = sorted(folder.glob("*.png"))
        if shots:
            terminalreporter.write_line(f"report screenshots ({len(shots)}): {folder}")


def chromium_or_skip() -> Path:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"headless Chromium not installed at {CHROMIUM} "
                    "(apt-get install chromium chromium-driver)")
    return CHROMIUM


PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="package")
def served(published):
    """The published site behind the report server's login: an access file with one user
    per role (the worker is a north worker with clients), their passwords, and the person
    IDs a test needs (the worker's client, another north client, a client of another site)."""
    root = published["root"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEINTEL_AUDIT", str(root / "server" / "audit.sqlite"))
        mp.setenv("CASEINTEL_CREDENTIALS", str(root / "server" / "credentials"))
        scope = sqlite3.connect(root / "site-scope.sqlite")
        worker, mine = scope.execute("""
            select w.worker_id, min(w.person_id) from person_worker as w
            join person_scope as s using (person_id)
            where s.site = 'north' and w.worker_id like 'cw-north-%'
            group by w.worker_id order by count(*) desc limit 1""").fetchone()
        north = scope.execute("""
            select min(s.person_id) from person_scope as s
            left join person_worker as w using (person_id)
            where s.site = 'north' and coalesce(w.worker_id, '') <> ?""", (worker,)).fetchone()[0]
        south = scope.execute("select min(person_id) from person_scope"
                              " where site <> 'north'").fetchone()[0]
        scope.close()
        access = root / "server" / "access.yaml"
        access.parent.mkdir(exist_ok=True)
        access.write_text(f"""
users:
  - {{user: dana, role: director, edition: agency}}
  - {{user: sam, role: supervisor, edition: supervisor-north}}
  - {{user: wes, role: worker, worker_id: {worker}, edition: supervisor-north}}
  - {{user: fay, role: funder, edition: funder}}
  - {{user: sol, role: data_steward, edition: agency}}
  - {{user: ada, role: auditor}}
""", encoding="utf-8")
        mp.setenv("CASEINTEL_ACCESS", str(access))
        settings = Settings.from_env()
        credentials = Credentials(settings.credentials_path)
        for user in ("dana", "sam", "wes", "fay", "sol", "ada"):
            credentials.set_password(user, PASSWORD)
        yield {"settings": settings, "worker": worker, "mine": mine, "north": north,
               "south": south, "site": published["site"]}
