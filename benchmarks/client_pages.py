"""Client pages on a warehouse `benchmarks/pipeline.py` built: one process against several,
and a second run with nothing changed (every page kept).

Publishes the comprehensive report of the warehouse in `<workdir>/var_<people>` into fresh
site folders: once with `CASEINTEL_REPORT_PROCESSES=1`, once with one process per core, then
again into the second folder with nothing changed. Each run happens in a process of its own
(as the pipeline's report step does), so none inherits another's imports or caches.

    .venv/bin/python benchmarks/pipeline.py --people 10000 --workdir /tmp/bench
    .venv/bin/python benchmarks/client_pages.py --people 10000 --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orchestration.settings import REPO_ROOT

AS_OF = "2026-11-01"  # benchmarks/pipeline.py's


def publish(var: Path, site: Path, digests: Path, processes: int) -> tuple[float, int]:
    """Seconds and pages written by one comprehensive run in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEINTEL_")} | {
        "CASEINTEL_VAR": str(digests), "CASEINTEL_DB": str(var / "caseintel.duckdb"),
        "CASEINTEL_SITE": str(site), "CASEINTEL_AS_OF": AS_OF,
        "CASEINTEL_REPORT_PROCESSES": str(processes), "PYTHONPATH": str(REPO_ROOT)}
    code = ("import json, sys\n"
            "from orchestration.reports.publish import publish_report\n"
            "from orchestration.settings import Settings\n"
            "pages = publish_report(Settings.from_env(), 'comprehensive')\n"
            "print(json.dumps(sum(p.parent.name == 'clients' and p.stem.startswith('P')"
            " for p in pages)))\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "var" / "bench")
    args = parser.parse_args()
    var = args.workdir / f"var_{args.people}"
    if not (var / "caseintel.duckdb").is_file():
        raise SystemExit(f"no warehouse in {var}: run benchmarks/pipeline.py --people "
                         f"{args.people} --workdir {args.workdir} first")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        runs = [("1 process", *publish(var, root / "one", root / "digests-one", 1)),
                (f"{cores} processes", *publish(var, root / "all", root / "digests-all", cores)),
                (f"{cores} processes, nothing changed",
                 *publish(var, root / "all", root / "digests-all", cores))]
    print(f"comprehensive report, {args.people:,} people, {cores} cores")
    for name, seconds, pages in runs:
        print(f"  {name:<32} {seconds:7.1f} s  {pages:>9,} client pages written")
    print(f"  speed-up with {cores} processes: {runs[0][1] / runs[1][1]:.2f}x")


if __name__ == "__main__":
    main()
