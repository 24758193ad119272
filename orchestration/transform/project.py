"""The dbt project, wired once: where it lives and how its manifest is made."""

from dagster_dbt import DbtProject

from orchestration.settings import REPO_ROOT

dbt_project = DbtProject(
    project_dir=REPO_ROOT / "dbt_project",
    profiles_dir=REPO_ROOT / "dbt_project",
    target="duckdb",
)


def prepare_manifest(force: bool = False) -> None:
    """Parse the dbt project so the asset graph can be built (`dbt parse`; no network)."""
    if force or not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)


dbt_project.prepare_if_dev()
prepare_manifest()
