"""The dbt project, wired once: where it lives, which dbt runs it and how its manifest is made."""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import REPO_ROOT

# dbt is installed beside this interpreter; called by its path, it is found when the venv is
# not activated (`.venv/bin/caseintel run`) without editing PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

# profiles.yml there serves `dbt parse` and a person running dbt by hand; a pipeline run
# points dbt at a profile written from its settings (`transform/profile.py`).
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
    """Parse the dbt project so the asset graph can be built (`dbt parse`; no network); the
    code location calls it when it loads, so `dagster dev` and `caseintel run` pick up an
    edited model."""
    if force or _manifest_is_stale():
        DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
            ["parse", "--quiet"], target_path=dbt_project.target_path).wait()
