"""Report assets: each report shape published to every edition of the static site that
carries it, after the marts it reads are built. One asset per shape, made by one factory."""

import time

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.ingest.landing import SOURCE_KINDS
from orchestration.reports.publish import publish_report
from orchestration.resources import CaseintelResource
from orchestration.settings import REPO_ROOT

SEEDS = REPO_ROOT / "dbt_project" / "seeds"

REPORT_INPUTS = {
    "momentum": ("client_momentum", "stall_reasons", "cohort_momentum"),
    "missing_incomplete": ("report_missing_elements", "report_missing_regrades", "client_momentum",
                           "report_client_workers"),
    "unusual": ("report_anomalies", "report_caseloads", "client_momentum", "contradictions"),
    "comprehensive": ("report_client_events", "report_screen_scores", "report_missing_elements",
                      "report_anomalies", "client_momentum_history", "clients"),
    "aggregate": ("cohort_momentum", "cohort_flows", "report_stall_reason_trends",
                  "stall_reasons", "report_caseloads", "followup_outcomes", "chronic_momentum",
                  "chronic_outcomes", "inventory_utilization", "spm_m1_length_of_time_homeless",
                  "spm_m2_returns_to_homelessness", "spm_m4_income_growth",
                  "spm_m5_first_time_homeless", "spm_m7_permanent_placements"),
    "data_quality": ("hmis_data_quality", "hmis_dq_timeliness", "hmis_export_gaps",
                     "ingest_contract_results"),
}
# Every report rewrites its editions' index, which lists the drops that could not be read.
INDEX_INPUTS = ("ingest_failures",)
# What pages show beyond the marts' figures, read where it lives so PII stays out of the
# marts: how fresh the data is (the load ledger), every label (the reference seeds), and
# for the reports that list clients the evidence behind a claim (the cited source row as
# loaded, the note text a finding quotes), the names a names edition shows, merged IDs and
# the readings the contracts held back.
LABELS = (("raw", "ingest_ledger"), ("staging", "stg_rubric__stall_reasons"),
          *(("reference", seed.stem) for seed in sorted(SEEDS.rglob("*.csv"))))
EVIDENCE = (*(("raw", t) for kind in SOURCE_KINDS for t in kind.tables),
            ("staging", "stg_notes__case_notes"), ("staging", "stg_hmis__clients"),
            ("intermediate", "int_record_links"), ("identity", "persons"),
            ("identity", "crosswalk"), ("quarantine", "flags"))
EVIDENCE_REPORTS = frozenset({"momentum", "missing_incomplete", "unusual", "comprehensive"})
DESCRIPTIONS = {
    "momentum": "The momentum report: grade counts, why clients stalled, the stalled and "
                "amber lists, and the grade mix month by month.",
    "missing_incomplete": "Missing & incomplete: every amber or red element per client, "
                          "grouped by worker and program, the one input that fixes it, and "
                          "the grade it would give (report_missing_regrades: the grade rule on "
                          "the client's records plus that input); a page per worker.",
    "unusual": "Unusual: changes against the client's own history and the caseload, risk "
               "findings and impossible readings, each with why it was flagged.",
    "comprehensive": "Comprehensive: one page per client by persistent ID, every claim "
                     "linked to its source record.",
    "aggregate": "Aggregate: cohort momentum and flows, stall reasons over time, follow-up "
                 "outcomes, caseloads and the HUD system performance measures across "
                 "reporting periods; small counts suppressed, no names.",
    "data_quality": "HMIS data quality per project and site, worst offenders first, and "
                    "the data contract's results (Great Expectations) for the newest file of "
                    "each kind.",
}


def report_asset(report: str) -> dg.AssetsDefinition:
    """The asset that publishes one report shape."""

    @dg.asset(
        name=report,
        key_prefix=["reports"],
        group_name="reports",
        deps=[["marts", mart] for mart in (*REPORT_INPUTS[report], *INDEX_INPUTS)]
        + [list(key) for key in (*LABELS, *(EVIDENCE if report in EVIDENCE_REPORTS else ()))],
        description=DESCRIPTIONS[report],
    )
    def _publish(context: AssetExecutionContext, caseintel: CaseintelResource):
        settings = caseintel.settings()
        started = time.monotonic()
        pages = publish_report(settings, report)
        elapsed = time.monotonic() - started
        context.log.info(f"{report}: {len(pages)} pages written in {elapsed:.1f}s")
        return dg.MaterializeResult(metadata={
            "pages": len(pages),
            "seconds": round(elapsed, 1),
            "index": dg.MetadataValue.path(str(settings.site_dir / "index.html")),
        })

    return _publish


report_assets = [report_asset(report) for report in REPORT_INPUTS]
