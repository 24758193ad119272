"""Report assets: published to the static site folder after the marts are built."""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.reports.publish import publish_momentum
from orchestration.resources import CaseintelResource


@dg.asset(
    key=["reports", "momentum"],
    group_name="reports",
    deps=[["marts", "client_momentum"], ["marts", "stall_reasons"],
          ["marts", "cohort_momentum"]],
    description="The momentum report: grade counts, the stalled and amber lists, and stall "
    "reasons clustered, as static HTML with an index.",
)
def momentum_report(context: AssetExecutionContext, caseintel: CaseintelResource):
    settings = caseintel.settings()
    page = publish_momentum(settings)
    context.log.info(f"momentum report written to {page}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(page)),
        "index": dg.MetadataValue.path(str(settings.site_dir / "index.html")),
    })
