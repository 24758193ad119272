"""The momentum rubric as warehouse rows, so dbt reads thresholds instead of hiding them."""

import dagster as dg
import pyarrow as pa
from dagster import AssetExecutionContext

from orchestration.resources import CaseintelResource
from orchestration.rubrics import MomentumRubric, load_momentum

RUBRIC_TABLES = (
    "rubric_thresholds",
    "rubric_followups",
    "rubric_screen_rules",
    "rubric_permanent_destinations",
    "rubric_stall_reasons",
)


def rubric_tables(rubric: MomentumRubric) -> dict[str, pa.Table]:
    """One typed table per rubric section, each stamped with the rubric version."""
    def table(columns: dict[str, list], types: dict[str, pa.DataType]) -> pa.Table:
        n = len(next(iter(columns.values())))
        arrays = {k: pa.array(v, type=types[k]) for k, v in columns.items()}
        arrays["rubric_version"] = pa.array([rubric.version] * n, type=pa.string())
        return pa.table(arrays)

    i32, s = pa.int32(), pa.string()
    phrases = [(c, p, i) for i, c in enumerate(rubric.stall_reasons, 1) for p in c.phrases]
    return {
        "rubric_thresholds": table(
            {"project_type": [t[0] for t in rubric.thresholds],
             "program_name": [t[1] for t in rubric.thresholds],
             "stall_after_months": [t[2] for t in rubric.thresholds],
             "contact_cadence_days": [t[3] for t in rubric.thresholds]},
            {"project_type": i32, "program_name": s, "stall_after_months": i32,
             "contact_cadence_days": i32}),
        "rubric_followups": table(
            {"survey_type": [f[0] for f in rubric.followups],
             "due_days": [f[1] for f in rubric.followups],
             "grace_days": [f[2] for f in rubric.followups]},
            {"survey_type": s, "due_days": i32, "grace_days": i32}),
        "rubric_screen_rules": table(
            {"instrument": [r[0] for r in rubric.screen_minimal_change],
             "minimal_change": [r[1] for r in rubric.screen_minimal_change]},
            {"instrument": s, "minimal_change": i32}),
        "rubric_permanent_destinations": table(
            {"destination": list(rubric.permanent_destinations)}, {"destination": i32}),
        "rubric_stall_reasons": table(
            {"cluster_key": [c.key for c, _, _ in phrases],
             "cluster_label": [c.label for c, _, _ in phrases],
             "phrase": [p for _, p, _ in phrases],
             "ordinal": [i for _, _, i in phrases]},
            {"cluster_key": s, "cluster_label": s, "phrase": s, "ordinal": i32}),
    }


@dg.multi_asset(
    name="momentum_rubric",
    specs=[dg.AssetSpec(["raw", t], group_name="ingest",
                        description=f"rubrics/momentum.yaml section as rows ({t}).")
           for t in RUBRIC_TABLES],
)
def momentum_rubric(context: AssetExecutionContext, caseintel: CaseintelResource):
    """Rewrite the rubric tables from rubrics/momentum.yaml (small; replaced whole when
    they differ from what the warehouse holds, so an unchanged rubric writes nothing)."""
    settings = caseintel.settings()
    rubric = load_momentum(settings.rubrics_dir / "momentum.yaml")
    tables = rubric_tables(rubric)
    with caseintel.warehouse() as wh:
        written = wh.refresh_arrow({f"raw.{name}": table for name, table in tables.items()})
    names = ", ".join(target.removeprefix("raw.") for target in written)
    context.log.info(f"momentum rubric version {rubric.version}: "
                     + (f"wrote {names}" if written else "unchanged"))
    for name, table in tables.items():
        yield dg.MaterializeResult(
            asset_key=["raw", name],
            metadata={"rubric_version": rubric.version, "rows": table.num_rows},
        )
