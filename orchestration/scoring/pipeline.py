"""A scoring run: every unread (note text, rubric version, model) read once, then published.

The asset is a thin wrapper around `score_notes`, so tests and benchmarks run exactly what
Dagster runs. Readings are saved every few seconds while the run goes on: a run that dies
midway keeps what it read, and the next run picks up the rest.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.scoring.answer import Reader
from orchestration.scoring.clients import client_facts, known_names
from orchestration.scoring.note_model import DEFAULT_MODEL, NoteModel
from orchestration.scoring.offline import OfflineReader
from orchestration.scoring.openai_backend import OpenAIReader
from orchestration.scoring.reader_rubric import ReaderRubric, load_reader_rubric
from orchestration.scoring.reading import NoteToRead, Reading, read_note
from orchestration.scoring.redact import Redactor
from orchestration.scoring.runner import Budget, run_bounded
from orchestration.scoring.store import (
    Stamp,
    ensure_tables,
    find_current_notes,
    find_pending_notes,
    pending_pages,
    publish_current,
    save_readings,
    save_tables,
)
from orchestration.scoring.workers import read_pages
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse

SAVE_EVERY_NOTES = 200
SAVE_EVERY_S = 5.0


class Log(Protocol):
    def info(self, msg: str) -> Any: ...

    def warning(self, msg: str) -> Any: ...


OFFLINE_BATCH = 5_000
PARALLEL_FROM = 4 * OFFLINE_BATCH  # below this many notes, starting workers costs more


def note_model(settings: Settings) -> NoteModel:
    """The embedded note model, or the agency's own (`CASEINTEL_NOTE_MODEL`); its word vectors
    are kept in var/cache."""
    return NoteModel.load(settings.note_model or DEFAULT_MODEL, settings.var_dir / "cache")


def make_reader(settings: Settings, rubric: ReaderRubric) -> Reader:
    """The openai backend when an endpoint is configured, else the offline reader."""
    if settings.llm_base_url:
        return OpenAIReader(settings, rubric)
    return OfflineReader(rubric, note_model(settings))


@dataclass
class Summary:
    """What a run did and cost; becomes the asset's metadata."""

    backend: str
    model: str
    rubric_name: str
    rubric_version: str
    notes_current: int = 0
    notes_pending: int = 0
    notes_read: int = 0
    notes_failed: int = 0
    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    findings_new: int = 0
    findings_published: int = 0
    rejected_invalid: int = 0
    rejected_quotes: int = 0
    rejected_instructions: int = 0
    cost_usd: float | None = None
    output_mode: str = ""
    stopped_by: str | None = None  # "items", "tokens" (budget) or "failures" (endpoint down)
    stopped: str | None = None  # a sentence saying why notes were left for the next run
    first_error: str | None = None
    last_error: str | None = None

    @property
    def notes_left(self) -> int:
        return self.notes_pending - self.notes_read - self.notes_failed

    def add(self, reading: Reading) -> None:
        answer = reading.answer
        self.calls += answer.calls
        self.retries += answer.retries
        self.prompt_tokens += answer.prompt_tokens
        self.completion_tokens += answer.completion_tokens
        if reading.failed:
            self.notes_failed += 1
            self.first_error = self.first_error or answer.error
            self.last_error = answer.error
            return
        self.notes_read += 1
        self.findings_new += len(reading.findings)
        self.rejected_invalid += reading.rejected_invalid
        self.rejected_quotes += reading.rejected_quotes
        self.rejected_instructions += reading.rejected_instructions

    def add_page(self, reads: pa.Table, history: pa.Table) -> None:
        """A page the offline reader read, from the rows it stores (no calls, tokens or
        failures)."""
        self.notes_read += reads.num_rows
        self.findings_new += history.num_rows
        for column in ("rejected_invalid", "rejected_quotes", "rejected_instructions"):
            setattr(self, column, getattr(self, column) + (pc.sum(reads[column]).as_py() or 0))

    def metadata(self) -> dict[str, Any]:
        data = {k: v for k, v in vars(self).items() if v is not None}
        data.update(notes_left=self.notes_left,
                    total_tokens=self.prompt_tokens + self.completion_tokens)
        return data


def _stop_message(why: str, settings: Settings, summary: Summary) -> str:
    left = f"{summary.notes_left} notes wait for the next run"
    if why == "items":
        return (f"Per-run note budget reached (CASEINTEL_LLM_MAX_NOTES={settings.llm_max_notes}):"
                f" {left}.")
    if why == "tokens":
        used = summary.prompt_tokens + summary.completion_tokens
        return (f"Per-run token budget reached (CASEINTEL_LLM_MAX_TOKENS="
                f"{settings.llm_max_tokens}, {used} used; the next note would not fit): {left}.")
    return (f"Stopped after {summary.notes_failed} notes could not be read, the last ones in a"
            f" row (last error: {summary.last_error}): {left}.")


def score_notes(wh: Warehouse, settings: Settings, log: Log) -> Summary:
    """Read every note not yet read under the configured rubric and model, then publish."""
    rubric = load_reader_rubric(settings.rubrics_dir, settings.note_rubric)
    reader = make_reader(settings, rubric)
    where = ("no language-model endpoint is configured (CASEINTEL_LLM_BASE_URL)"
             if not reader.remote else f"endpoint {settings.llm_base_url}")
    log.info(f"Reading case notes with the {reader.backend} backend, model {reader.model}, "
             f"rubric {rubric.name} version {rubric.version}: {where}.")
    summary = Summary(reader.backend, reader.model, rubric.name, rubric.version)
    stamp = Stamp(rubric.name, rubric.version, reader.model, reader.backend,
                  datetime.now().replace(microsecond=0))
    ensure_tables(wh)
    summary.notes_current = find_current_notes(wh)
    summary.notes_pending = find_pending_notes(wh, rubric.version, reader.model)
    redactor = (Redactor(known_names(wh)) if reader.remote and summary.notes_pending
                else None)

    def jobs() -> Iterator[NoteToRead]:
        """Page by page, each with its clients' facts (for redaction), as the runner asks."""
        for page in pending_pages(wh):
            facts = client_facts(wh, {(n.site, n.personal_id) for n in page
                                      if n.personal_id}) if redactor is not None else {}
            yield from (NoteToRead(n.note_sha256, n.text,
                                   facts.get((n.site, n.personal_id or ""))) for n in page)

    unsaved: list[Reading] = []
    saved_at = time.monotonic()

    def save() -> None:
        nonlocal saved_at
        save_readings(wh, unsaved, stamp)
        unsaved.clear()
        saved_at = time.monotonic()

    def on_result(_: NoteToRead, reading: Reading) -> None:
        summary.add(reading)
        unsaved.append(reading)
        if len(unsaved) >= SAVE_EVERY_NOTES or time.monotonic() - saved_at >= SAVE_EVERY_S:
            save()

    try:
        if isinstance(reader, OfflineReader):
            stats = None
            pages = ([NoteToRead(n.note_sha256, n.text) for n in page]
                     for page in pending_pages(wh, OFFLINE_BATCH))
            processes = settings.reader_processes if summary.notes_pending >= PARALLEL_FROM else 1
            for read in read_pages(pages, reader, rubric, settings, stamp, processes):
                summary.add_page(read.reads, read.history)
                save_tables(wh, read.reads, read.history)
        else:
            detector = note_model(settings)  # finds instruction text the endpoint may obey
            stats = run_bounded(
                jobs(), lambda job: read_note(reader, rubric, redactor, job, detector),
                on_result, concurrency=settings.llm_concurrency,
                budget=Budget(settings.llm_max_notes, settings.llm_max_tokens),
                estimate=lambda job: reader.estimate_tokens(job.text),
                max_failures_in_a_row=max(5, 2 * settings.llm_concurrency))
    finally:
        save()
    summary.output_mode = reader.output_mode
    summary.findings_published = publish_current(wh, rubric.version, reader.model)
    if settings.llm_usd_per_1m_input is not None and settings.llm_usd_per_1m_output is not None:
        summary.cost_usd = (summary.prompt_tokens * settings.llm_usd_per_1m_input
                            + summary.completion_tokens * settings.llm_usd_per_1m_output) / 1e6
    if stats is not None and stats.stopped:
        summary.stopped_by = stats.stopped
        summary.stopped = _stop_message(stats.stopped, settings, summary)
        log.warning(summary.stopped)
    if summary.notes_failed:
        log.warning(f"{summary.notes_failed} notes could not be read and will be tried again "
                    f"next run; first error: {summary.first_error}")
    log.info(f"{summary.notes_pending} of {summary.notes_current} notes needed reading: "
             f"{summary.notes_read} read in {summary.calls} calls ({summary.retries} retries), "
             f"{summary.prompt_tokens + summary.completion_tokens} tokens; "
             f"{summary.findings_new} findings kept, {summary.rejected_quotes} rejected for "
             f"quotes not in the note, {summary.rejected_instructions} for instruction text, "
             f"{summary.rejected_invalid} outside the rubric; {summary.findings_published} "
             "findings published to scoring.note_findings.")
    return summary
