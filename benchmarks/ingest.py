"""Ingest against the engine's limit: DuckDB's own `read_csv` of an agency's landing files,
then caseintel's ingest of the same files (staged, checked against the contracts, moved to
raw, quarantine and flags) into a new warehouse, each in a process of its own, with its wall
time and peak memory (proportional set sizes, children included).

The agency is the one `benchmarks/pipeline.py` generates for the size (made here if absent).

    .venv/bin/python benchmarks/ingest.py --people 100000 --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pipeline import AS_OF, REPO_ROOT, read_csv_baseline, run_measured  # noqa: E402


def ingest(landing: Path, db: Path) -> int:
    """Every drop of every kind, as the ingest assets load them; rows read."""
    from orchestration.ingest.landing import SOURCE_KINDS, discover
    from orchestration.ingest.loader import ensure_tables, load_drop
    from orchestration.warehouse import Warehouse

    db.unlink(missing_ok=True)
    loaded_at = datetime.combine(AS_OF, datetime.min.time())
    with Warehouse(db, memory_limit=os.environ.get("CASEINTEL_DUCKDB_MEMORY_LIMIT")) as wh:
        ensure_tables(wh)
        rows = sum(result.rows_read for kind in SOURCE_KINDS
                   for drop in discover(landing, kind)
                   for result in load_drop(wh, drop, loaded_at))
    db.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "var" / "bench")
    parser.add_argument("--duckdb-memory-limit", default="4GB")
    parser.add_argument("--worker", choices=("generate", "read_csv", "ingest"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    agency = args.workdir / f"agency_{args.people}"
    landing = agency / "landing"
    if args.worker:
        if args.worker == "generate":
            from orchestration.demo.generator import generate_agency

            shutil.rmtree(agency, ignore_errors=True)
            rows = generate_agency(agency, people=args.people, seed=7, as_of=AS_OF).rows_written
        elif args.worker == "read_csv":
            rows = read_csv_baseline(landing)
        else:
            rows = ingest(landing, args.workdir / f"ingest_{args.people}.duckdb")
        args.result.write_text(json.dumps(rows))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEINTEL_", "OPENAI_"))}
    env |= {"CASEINTEL_DUCKDB_MEMORY_LIMIT": args.duckdb_memory_limit,
            "PYTHONPATH": str(REPO_ROOT)}
    log = args.workdir / f"ingest_{args.people}.log"
    meta = agency / "truth" / "meta.json"
    stages = ["read_csv", "ingest"]
    if not meta.exists() or json.loads(meta.read_text())["people"] != args.people:
        stages.insert(0, "generate")
    seconds = {}
    for stage in stages:
        result = args.workdir / f"{stage}.json"
        took, samples, code = run_measured(
            [sys.executable, __file__, "--worker", stage, "--result", str(result),
             "--people", str(args.people), "--workdir", str(args.workdir)], env, log)
        if code:
            raise SystemExit(f"{stage} failed (exit {code}); see {log}")
        rows = json.loads(result.read_text())
        result.unlink()
        seconds[stage] = took
        print(f"{args.people:>9,} people  {stage:<9} {took:8.1f} s  peak "
              f"{max((m for _, m in samples), default=0) / 2**30:5.2f} GiB  rows {rows:,}",
              flush=True)
    print(f"ingest / read_csv: {seconds['ingest'] / seconds['read_csv']:.2f}x")


if __name__ == "__main__":
    main()
