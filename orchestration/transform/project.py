"""The dbt project, wired once: where it lives and how its manifest is made."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

# dbt is installed beside this interpreter; make it findable when the venv is not activated
# (`.venv/bin/caseintel run`), for dagster-dbt's own `dbt parse` as well as for our runs.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

# No fixed target: profiles.yml takes it from CASEINTEL_DBT_TARGET, which Settings.dbt_env()
# sets from CASEINTEL_WAREHOUSE for every dbt run (duckdb unless configured).
dbt_project = DbtProject(
    project_dir=REPO_ROOT / "dbt_project",
    profiles_dir=REPO_ROOT / "dbt_project",
)


def _manifest_is_stale() -> bool:
    """True when any model, macro, test or config file changed after the last `dbt parse`."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    parsed_at = manifest.stat().st_mtime
    root = dbt_project.project_dir
    sources = [root / "dbt_project.yml", root / "profiles.yml"]
    for folder in ("models", "macros", "tests", "seeds"):
        sources += [p for p in (root / folder).rglob("*") if p.is_file()]
    return any(p.exists() and p.stat().st_mtime > parsed_at for p in sources)


def prepare_manifest(force: bool = False) -> None:
    """Parse the dbt project so the asset graph can be built (`dbt parse`; no network)."""
    if force or _manifest_is_stale():
        dbt_project.preparer.prepare(dbt_project)


dbt_project.prepare_if_dev()
prepare_manifest()
