"""dbt models, tests and unit tests as Dagster assets and asset checks."""

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.memory import release
from orchestration.resources import CaseintelResource
from orchestration.settings import Settings
from orchestration.transform.profile import profile_args
from orchestration.transform.project import DBT_EXECUTABLE, dbt_project, prepare_manifest


class CaseintelTranslator(DagsterDbtTranslator):
    """Models are keyed `<schema>/<model>` and grouped by layer; sources use their meta keys."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if node is None or node.get("resource_type") not in {"model", "seed", "snapshot"}:
            return spec
        layer = node["config"].get("schema") or node["fqn"][1]
        return spec.replace_attributes(key=dg.AssetKey([layer, node["name"]]), group_name=layer)


def dbt_vars(caseintel: CaseintelResource) -> list[str]:
    return ["--vars", json.dumps({"as_of_date": caseintel.settings().as_of_date.isoformat()})]


prepare_manifest()  # the assets below are read from it


# Unit tests check the SQL, not the data: they run wherever the code changes (the test suite's
# full `dbt build`), not in every scheduled run, as dbt recommends.
@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CaseintelTranslator(),
    exclude="test_type:unit",
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource,
                     caseintel: CaseintelResource):
    """`dbt build`: staging, intermediate and marts, with their data tests as checks."""
    settings = caseintel.settings()
    before, after = release()  # what ingest and linkage freed, before dbt's engine grows
    if before is not None and after is not None:
        context.log.info(f"memory handed back before dbt: {(before - after) / 2**30:.2f} GiB "
                         f"(resident {before / 2**30:.2f} -> {after / 2**30:.2f} GiB)")
    target = dbt_target_path(settings)
    yield from dbt.cli(["build", *dbt_vars(caseintel), *profile_args(settings, target)],
                       context=context, target_path=target).stream()


def dbt_target_path(settings: Settings) -> Path:
    """One dbt target folder per warehouse (engine and database), under the var folder: dbt
    keeps its partial-parse state there, so a run parses only what changed since the last
    run on the same warehouse and vars (a fresh folder per run, dagster-dbt's default, means
    a full parse every run; its fallback state in the project's target/ was parsed for
    another profile). Runs on one warehouse are one at a time anyway: two `dbt build`s would
    swap the same tables."""
    target = settings.warehouse_target
    where = str(target.resolve()) if isinstance(target, Path) else target
    digest = hashlib.sha256(where.encode()).hexdigest()[:12]
    return (settings.var_dir / "dbt_target" / f"{settings.warehouse}-{digest}").resolve()


class DbtCli(DbtCliResource):
    """dagster-dbt's CLI resource without its in-process dbt adapter: before every `dbt build`
    it loads the project's macros and opens a connection (read-only, on DuckDB) only to serve
    `fetch_column_metadata` / `fetch_row_counts`, which we do not call; that cost about a
    second before dbt even starts. Without an adapter dagster-dbt does what it does when
    the adapter fails to open. (Overrides a private method: dagster-dbt is pinned to 0.29.)"""

    def _initialize_dbt_core_adapter(self, args):
        return None


dbt_resource = DbtCli(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
