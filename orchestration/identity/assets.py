"""The client_identity asset: person records from every source -> persistent person_id."""

from datetime import datetime

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.identity.records import read_person_records
from orchestration.identity.registry import assign_person_ids
from orchestration.resources import CaseintelResource

IDENTITY_TABLES = ("crosswalk", "persons", "merge_log", "person_records")


@dg.multi_asset(
    name="client_identity",
    specs=[
        dg.AssetSpec(
            ["identity", t],
            group_name="identity",
            deps=[["raw", "hmis_client"], ["raw", "intake_submissions"],
                  ["raw", "survey_responses"]],
            description=f"identity.{t}: one persistent person_id per person across sources.",
        )
        for t in IDENTITY_TABLES
    ],
)
def client_identity(context: AssetExecutionContext, caseintel: CaseintelResource):
    """Link person records with the deterministic rules and issue or keep person_ids."""
    with caseintel.warehouse() as wh:
        now = datetime.now().replace(microsecond=0)
        summary = assign_person_ids(wh, read_person_records(wh), now)
    context.log.info(
        f"{summary.records} person records ({summary.new_records} new) ->"
        f" {summary.active_persons} people; {summary.persons_issued} IDs issued,"
        f" {summary.merges} merges"
    )
    metadata = {
        "person_records": summary.records,
        "new_records": summary.new_records,
        "person_ids_issued": summary.persons_issued,
        "merges": summary.merges,
        "active_persons": summary.active_persons,
    }
    for table in IDENTITY_TABLES:
        yield dg.MaterializeResult(asset_key=["identity", table], metadata=metadata)
