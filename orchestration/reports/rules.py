"""The report thresholds as warehouse rows, so the reporting marts read them instead of
hiding them (the same pattern as the momentum rubric)."""

import dagster as dg
import pyarrow as pa
from dagster import AssetExecutionContext

from orchestration.reports.config import ReportsConfig, load_reports_config
from orchestration.resources import CaseintelResource

RULES_TABLE = "raw.report_rules"


def rules_table(config: ReportsConfig) -> pa.Table:
    """One row per numeric threshold in rubrics/reports.yaml, stamped with its version."""
    keys = sorted(config.rules)
    return pa.table({
        "rule_key": pa.array(keys, pa.string()),
        "rule_value": pa.array([config.rules[k] for k in keys], pa.float64()),
        "rules_version": pa.array([config.version] * len(keys), pa.string()),
    })


@dg.asset(
    key=["raw", "report_rules"],
    group_name="ingest",
    description="rubrics/reports.yaml thresholds (missing records, unusual changes) as rows.",
)
def report_rules(context: AssetExecutionContext, caseintel: CaseintelResource):
    """Rewrite raw.report_rules from rubrics/reports.yaml (small; replaced whole when it
    differs from what the warehouse holds)."""
    settings = caseintel.settings()
    config = load_reports_config(settings.rubrics_dir / "reports.yaml")
    table = rules_table(config)
    with caseintel.warehouse() as wh:
        written = wh.refresh_arrow({RULES_TABLE: table})
    context.log.info(f"report rules version {config.version}: {table.num_rows} thresholds"
                     + ("" if written else ", unchanged"))
    return dg.MaterializeResult(metadata={"rules_version": config.version,
                                          "rows": table.num_rows})
