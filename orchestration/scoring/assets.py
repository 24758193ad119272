"""The note_scores asset: every new case note read once under the current rubric and model."""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.memory import release
from orchestration.resources import CaseintelResource
from orchestration.scoring.clients import REDACTION_SOURCES
from orchestration.scoring.pipeline import score_notes


@dg.asset(
    key=["scoring", "note_findings"],
    group_name="scoring",
    deps=[["raw", "case_notes"], *(["raw", table] for table in REDACTION_SOURCES)],
    description="Findings (progress, stall reason, risk) of every current case note under the "
    "configured rubric and model, each quoting the note verbatim with offsets; a note's text "
    "is read once per (text, rubric version, model), by a language model or offline.",
)
def note_scores(context: AssetExecutionContext, caseintel: CaseintelResource):
    with caseintel.warehouse() as wh:
        summary = score_notes(wh, caseintel.settings(), context.log)
    release()  # what reading freed, before dbt's engine grows beside this process
    if summary.stopped_by == "failures":  # the endpoint is down: say so, progress is kept
        raise dg.Failure(description=summary.stopped, metadata=summary.metadata())
    return dg.MaterializeResult(metadata=summary.metadata())
