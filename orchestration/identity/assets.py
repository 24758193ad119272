"""The client_identity asset: person records from every source -> persistent person_id."""

from datetime import datetime

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.identity.overrides import OVERRIDES_FILE
from orchestration.identity.resolve import IdentityOptions, IdentitySummary, resolve_identities
from orchestration.memory import release
from orchestration.resources import CaseintelResource
from orchestration.settings import Settings

IDENTITY_TABLES = ("crosswalk", "persons", "merge_log", "person_records", "review_queue",
                   "link_edges", "split_log", "model_versions")


class IdentityConfig(dg.Config):
    """Per-run switch: retrain the linkage model even though a trained one exists."""

    retrain: bool = False


def identity_options(settings: Settings, retrain: bool = False) -> IdentityOptions:
    return IdentityOptions(
        overrides_path=settings.rubrics_dir / OVERRIDES_FILE,
        temp_dir=settings.var_dir / "identity_tmp",
        link_threshold=settings.identity_link_threshold,
        target_precision=settings.identity_target_precision,
        review_threshold=settings.identity_review_threshold,
        review_per_1000=settings.identity_review_per_1000,
        retrain=retrain or settings.identity_retrain,
        seed=settings.identity_seed,
        min_training_records=settings.identity_min_training_records,
        max_block_size=settings.identity_max_block_size,
        u_max_pairs=settings.identity_u_max_pairs,
        em_max_pairs=settings.identity_em_max_pairs,
        memory_limit=settings.duckdb_memory_limit,
    )


def _metadata(summary: IdentitySummary) -> dict[str, object]:
    return {
        "person_records": summary.records,
        "new_records": summary.new_records,
        "person_ids_issued": summary.persons_issued,
        "merges": summary.merges,
        "splits": summary.splits,
        "active_persons": summary.active_persons,
        "pairs_scored": summary.pairs_scored,
        "links_accepted": summary.links_accepted,
        "links_refused_by_overrides": summary.links_refused,
        "link_threshold": round(summary.link_threshold, 6),
        "link_threshold_from": summary.threshold_source,
        "expected_precision": round(summary.expected_precision, 6),
        "expected_recall": round(summary.expected_recall, 6),
        "review_band_pairs": summary.review_band,
        "review_queue": summary.review_queue,
        "review_queue_per_1000_records": round(
            1000 * summary.review_queue / max(summary.records, 1), 2),
        "parameters_from_priors": "; ".join(summary.from_priors) or "none",
        "model_version": summary.model_version,
        "model_kind": summary.model_kind,
        "model_trained_because": summary.trained or "not trained this run",
        "override_records_not_seen_yet": summary.override_records_unknown,
        "seconds": {k: round(v, 2) for k, v in summary.timer.seconds.items()},
    }


@dg.multi_asset(
    name="client_identity",
    specs=[
        dg.AssetSpec(
            ["identity", t],
            group_name="identity",
            deps=[["raw", "hmis_client"], ["raw", "intake_submissions"],
                  ["raw", "survey_responses"], ["raw", "screens"]],
            description=f"identity.{t}: one persistent person_id per person across sources.",
        )
        for t in IDENTITY_TABLES
    ],
)
def client_identity(context: AssetExecutionContext, config: IdentityConfig,
                    caseintel: CaseintelResource):
    """Link person records (source ids, then Splink) and issue or keep person_ids."""
    settings = caseintel.settings()
    with caseintel.warehouse() as wh:
        now = datetime.now().replace(microsecond=0)
        summary = resolve_identities(wh, identity_options(settings, config.retrain), now)
    # a first run over 1,000,000 people leaves 2.6 GiB freed in Arrow's pool: hand it back
    # before note reading forks its workers and dbt's engine grows beside this process
    release()
    context.log.info(
        f"{summary.records} person records ({summary.new_records} new) ->"
        f" {summary.active_persons} people; {summary.persons_issued} IDs issued,"
        f" {summary.merges} merges, {summary.review_queue} pairs for review;"
        f" link threshold {summary.link_threshold:.4f} (expected precision"
        f" {summary.expected_precision:.4f}, recall {summary.expected_recall:.4f});"
        f" model {summary.model_kind} {summary.model_version}"
        + (f" (trained: {summary.trained})" if summary.trained else ""))
    metadata = _metadata(summary)
    for table in IDENTITY_TABLES:
        yield dg.MaterializeResult(asset_key=["identity", table], metadata=metadata)
