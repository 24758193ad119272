"""The real note_scores asset, materialized by Dagster on a DuckDB file, against the test server."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.resources import CaseintelResource
from orchestration.scoring.assets import note_scores
from orchestration.scoring.note_model import NoteModel
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse
from tests.scoring.fake_llm import FakeLLM
from tests.scoring.raw_tables import CLIENT, PII_NOTE, add_notes, create_raw, routine_notes


def materialize() -> tuple[dict[str, object], list[str]]:
    """The materialization's metadata values and the run's log messages."""
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([note_scores], resources={"caseintel": CaseintelResource()},
                            instance=instance)
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    return metadata, [entry.user_message for entry in instance.all_logs(result.run_id)]


def seed(db_path: Path) -> None:
    with Warehouse(db_path) as wh:
        create_raw(wh, [CLIENT])
        add_notes(wh, [("PII", "P1", PII_NOTE), *routine_notes(20)])


def test_the_asset_reads_new_notes_once_through_the_endpoint(llm_env: FakeLLM) -> None:
    settings = Settings.from_env()
    seed(settings.db_path)
    first, logs = materialize()
    assert (first["backend"], first["model"], first["notes_read"]) == ("openai", "fake-model", 21)
    assert first["calls"] == llm_env.calls == 21
    assert first["total_tokens"] == first["prompt_tokens"] + first["completion_tokens"] > 0
    assert any("openai backend" in message for message in logs)
    with Warehouse(settings.db_path, read_only=True) as wh:
        assert wh.scalar("select count(*) from scoring.note_findings") == first[
            "findings_published"] > 0
    assert "Okafor" not in str(llm_env.bodies)

    again, _ = materialize()
    assert (again["calls"], again["notes_pending"], llm_env.calls) == (0, 0, 21)


def test_without_an_endpoint_the_offline_reader_grades_and_says_so(workdir: Path) -> None:
    settings = Settings.from_env()
    seed(settings.db_path)
    metadata, logs = materialize()
    assert (metadata["backend"], metadata["model"]) == ("offline", NoteModel.load().name)
    assert metadata["notes_read"] == 21 and metadata["calls"] == 0
    assert any("offline backend" in m and "no language-model endpoint" in m for m in logs)
