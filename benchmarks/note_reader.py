"""Throughput of the openai note reader against a local server with a fixed latency.

Runs the real scoring pipeline (redaction, bounded-concurrency calls through the `openai`
SDK, saving, publishing) on a fresh DuckDB file, with the fake endpoint in its own process so
the server does not compete with the reader for the GIL. The ideal throughput of a
concurrency limit C against latency L is C / L notes per second.

    .venv/bin/python benchmarks/note_reader.py [--notes 2000] [--latency 0.3] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

from orchestration.scoring.pipeline import score_notes
from orchestration.settings import REPO_ROOT, Settings
from orchestration.warehouse import Warehouse

sys.path.insert(0, str(REPO_ROOT))
from tests.scoring.fake_llm import FakeLLM  # noqa: E402 - needs the repository on the path
from tests.scoring.raw_tables import add_notes, create_raw, routine_notes  # noqa: E402


def _serve(latency_s: float, urls: multiprocessing.Queue) -> None:
    server = FakeLLM(latency_s=latency_s)
    urls.put(server.base_url)
    server.serve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per reply")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    urls: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(args.latency, urls), daemon=True)
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env().with_overrides(
                db_path=Path(tmp) / "bench.duckdb", llm_base_url=urls.get(timeout=10),
                llm_model="bench-model", llm_concurrency=args.concurrency,
                llm_max_notes=None, llm_max_tokens=None)
            with Warehouse(settings.db_path) as wh:
                create_raw(wh)
                add_notes(wh, routine_notes(args.notes))
                started = time.perf_counter()
                summary = score_notes(wh, settings, logging.getLogger("bench"))
                elapsed = time.perf_counter() - started
                rerun_started = time.perf_counter()
                rerun = score_notes(wh, settings, logging.getLogger("bench"))
                rerun_elapsed = time.perf_counter() - rerun_started
    finally:
        server.terminate()

    rate = summary.notes_read / elapsed
    ideal = args.concurrency / args.latency
    print(f"notes read        {summary.notes_read} of {args.notes} in {elapsed:.1f} s")
    print(f"throughput        {rate:.1f} notes/s "
          f"(ideal {ideal:.1f} at concurrency {args.concurrency}, latency {args.latency} s: "
          f"{rate / ideal:.0%} of ideal)")
    print(f"calls             {summary.calls} ({summary.retries} retries, "
          f"{summary.notes_failed} notes failed)")
    print(f"tokens            {summary.prompt_tokens} prompt + {summary.completion_tokens} "
          f"completion = {summary.prompt_tokens + summary.completion_tokens}")
    print(f"findings          {summary.findings_new} kept, {summary.rejected_quotes} rejected")
    print(f"rerun             {rerun.calls} calls in {rerun_elapsed:.2f} s")


if __name__ == "__main__":
    main()
