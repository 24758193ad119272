"""Throughput of the offline note reader (the embedded model) in a real scoring run.

Runs `score_notes` (hashing, finding the unread notes, reading pages on every core, the
instruction guard, saving, publishing) on a fresh DuckDB file holding N distinct notes made
from the frozen test corpus (each text made unique, so none is read from the lock). The model's
word vectors come from var/cache as in every run after a model version's first; `--cold` embeds
them in the run, as that first run does.

    .venv/bin/python benchmarks/offline_reader.py [--notes 100000] [--cold]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from orchestration.scoring.pipeline import score_notes
from orchestration.settings import REPO_ROOT, Settings
from orchestration.warehouse import Warehouse

sys.path.insert(0, str(REPO_ROOT))
from tests.scoring.raw_tables import add_notes, create_raw  # noqa: E402 - needs the repo path

CORPUS = REPO_ROOT / "benchmarks" / "corpus" / "case_notes" / "test.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--cold", action="store_true", help="no kept word vectors")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    texts = [json.loads(line)["text"] for line in CORPUS.read_text().splitlines() if line]
    notes = [(f"N{i:07d}", f"P{i % 5000}", f"{texts[i % len(texts)]} (visit {i})")
             for i in range(args.notes)]
    words = sum(len(t.split()) for _, _, t in notes) / len(notes)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_overrides(db_path=Path(tmp) / "bench.duckdb",
                                                      llm_base_url=None)
        if args.cold:
            settings = settings.with_overrides(var_dir=Path(tmp))
        with Warehouse(settings.db_path) as wh:
            create_raw(wh)
            add_notes(wh, notes)
            started = time.perf_counter()
            summary = score_notes(wh, settings, logging.getLogger("bench"))
            elapsed = time.perf_counter() - started
    print(f"notes read        {summary.notes_read} (mean {words:.0f} words) in {elapsed:.1f} s")
    print(f"throughput        {summary.notes_read / elapsed:,.0f} notes/s "
          f"(model {summary.model}, {settings.reader_processes} reading processes)")
    print(f"findings          {summary.findings_new} kept, "
          f"{summary.rejected_instructions} rejected as instruction text")


if __name__ == "__main__":
    main()
