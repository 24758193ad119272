"""The whole pipeline at 1k to 1M people: wall time, rows/s and peak memory per stage.

The pipeline runs as one Dagster run in its own process, as `caseintel run` does, while this
process samples the memory of that process and its children (the dbt subprocess and
forked workers included; proportional set sizes, so a page shared with a forked worker
counts once); the run's event log says which stage ran when. Per size it also times DuckDB's
own `read_csv` of the same landing files (the engine's limit for ingest) and, with
`--incremental`, a nightly run after 1% new people arrive as new drops (new HMIS exports and
new files of every other kind, with new ids).
Results accumulate in benchmarks/results.json; benchmarks/RESULTS.md is rewritten from it.

    .venv/bin/python benchmarks/pipeline.py --people 1000 10000 100000 --incremental
    nohup .venv/bin/python benchmarks/pipeline.py --people 1000000 --workdir /big/disk &
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

from orchestration.memory import resident_bytes

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_JSON = REPO_ROOT / "benchmarks" / "results.json"
RESULTS_MD = REPO_ROOT / "benchmarks" / "RESULTS.md"
AS_OF = date(2026, 11, 1)
STAGES = ("generate", "ingest", "validate", "link", "score", "dbt", "reports")
NIGHTLY_STAGES = ("ingest", "validate", "link", "score", "dbt", "reports")
NEW_DATA_FRACTION = 0.01
NEW_DATA_TAG = "n1"
# Id columns that name the record itself or a person; shared codes (projects, users) stay.
KEEP_IDS = {"project_id", "organization_id", "user_id", "author_id", "source_id",
            "implementation_id"}


# --- memory of a process tree --------------------------------------------------------------

def _memory(pid: int) -> int:
    """A process's proportional set size: its private pages, plus each page it shares (with
    the workers it forked, say) divided among the processes sharing it, so a sum over a tree
    of processes counts every page once. Resident size where the kernel has no rollup."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return resident_bytes(pid) or 0


def _tree_memory(root: int) -> int:
    """Memory of `root` and all its descendants (proportional set sizes), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory(pid)
        todo += children.get(pid, [])
    return total


def run_measured(args: list[str], env: dict[str, str], log: Path) -> tuple[float, list, int]:
    """Run a command; (seconds, [(time, bytes of its process tree)] every 0.2 s, exit code)."""
    started = time.perf_counter()
    samples: list[tuple[float, int]] = []
    with log.open("a") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=REPO_ROOT)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                samples.append((time.time(), _tree_memory(proc.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
    return time.perf_counter() - started, samples, code


def _peak(samples: list[tuple[float, int]], intervals: list[list[float]]) -> int:
    return max((rss for t, rss in samples if any(a <= t <= b for a, b in intervals)), default=0)


# --- stages, run inside the worker process -------------------------------------------------

def _stage_of_step(defs) -> dict[str, str]:
    """Dagster step (op) name -> benchmark stage, by asset group (dbt's groups are its layers)."""
    stage_of_group = {"ingest": "ingest", "identity": "link", "scoring": "score",
                      "reports": "reports"}
    stages = {}
    for asset in defs.resolve_asset_graph().assets_defs:
        if not asset.is_executable:  # external assets (the ingest ledger) have no step
            continue
        groups = set(asset.group_names_by_key.values())
        stages[asset.op.name] = next(
            (stage_of_group[g] for g in sorted(groups) if g in stage_of_group), "dbt")
    return stages


def _ledger_rows(wh) -> int:
    if not wh.table_exists("raw", "ingest_ledger"):
        return 0
    return wh.scalar("select coalesce(sum(rows_read), 0) from raw.ingest_ledger")


def _metadata(result, key: list[str], name: str) -> int:
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.path == key and name in materialization.metadata:
            return int(materialization.metadata[name].value)
    return 0


def worker(stage: str, result_path: Path, people: int, out: Path, reports: bool) -> None:
    """Run one stage (or the whole pipeline) in this process and write what it did as JSON."""
    report: dict = {}
    if stage == "generate":
        from orchestration.demo.generator import generate_agency

        report["rows"] = generate_agency(out, people=people, seed=7, as_of=AS_OF).rows_written
    elif stage == "read_csv":
        report["rows"] = read_csv_baseline(out)
    else:
        report = run_pipeline(reports)
    result_path.write_text(json.dumps(report))


def run_pipeline(reports: bool = True) -> dict:
    """Materialize every asset once, as `caseintel run` does (without the report assets when
    `reports` is false); per stage the wall-clock intervals its steps ran in (from the run's
    event log) and the rows it handled."""
    import dagster as dg

    from orchestration.definitions import PIPELINE_JOB, defs
    from orchestration.ingest import loader
    from orchestration.settings import Settings
    from orchestration.warehouse import Warehouse

    validating: list[list[float]] = []
    validate = loader.validate

    def timed_validate(*args, **kwargs):
        validating.append([time.time(), 0.0])
        try:
            return validate(*args, **kwargs)
        finally:
            validating[-1][1] = time.time()

    loader.validate = timed_validate
    settings = Settings.from_env()
    with Warehouse.from_settings(settings) as wh:
        before = _ledger_rows(wh)
    instance = dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def(PIPELINE_JOB)
    graph = defs.resolve_asset_graph()
    selection = None if reports else [
        key for key in graph.get_all_asset_keys()
        if graph.get(key).is_executable and graph.get(key).group_name != "reports"]
    result = job.execute_in_process(
        instance=instance, raise_on_error=True, asset_selection=selection,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    stage_of = _stage_of_step(defs)
    intervals: dict[str, list[list[float]]] = {}
    started: dict[str, float] = {}
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is None or entry.step_key not in stage_of:
            continue
        if event.event_type_value == "STEP_START":
            started[entry.step_key] = entry.timestamp
        elif event.event_type_value == "STEP_SUCCESS":
            intervals.setdefault(stage_of[entry.step_key], []).append(
                [started[entry.step_key], entry.timestamp])
    intervals["validate"] = validating
    with Warehouse.from_settings(settings, read_only=True) as wh:
        after = _ledger_rows(wh)
        graded = wh.scalar("select count(*) from marts.client_momentum") if reports else None
    rows = {"ingest": after - before, "validate": after - before, "dbt": after,
            "link": _metadata(result, ["identity", "crosswalk"], "new_records"),
            "score": _metadata(result, ["scoring", "note_findings"], "notes_pending"),
            "reports": graded}
    return {"intervals": intervals, "rows": rows}


def read_csv_baseline(landing: Path) -> int:
    """Load every landing file with DuckDB's own readers (all text), as the engine's limit."""
    import duckdb

    target = landing.parent / "read_csv.duckdb"
    target.unlink(missing_ok=True)
    rows = 0
    with duckdb.connect(str(target)) as con:
        for n, path in enumerate(sorted(p for p in landing.rglob("*") if p.is_file())):
            if path.suffix == ".jsonl":
                source = f"read_json('{path}', format = 'newline_delimited')"
            else:
                if not _is_utf8(path):  # Windows-1252 is not among DuckDB's built-in encodings
                    utf8 = target.with_suffix(".csv")
                    utf8.write_text(_read_text(path)[0], encoding="utf-8")
                    path = utf8
                source = f"read_csv('{path}', all_varchar = true)"
            con.execute(f"create table t{n} as select * from {source}")
            rows += con.execute(f"select count(*) from t{n}").fetchone()[0]
    target.unlink()
    target.with_suffix(".csv").unlink(missing_ok=True)
    return rows


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- 1% new data, as new drops ---------------------------------------------------------------

def _read_text(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: not UTF-8 or Windows-1252")


def _new_id(column: str, value: str, tag: str) -> str:
    from orchestration.ingest.parsing import snake_case

    name = snake_case(column)
    if not value or not name.endswith("_id") or name in KEEP_IDS:
        return value
    return f"{value}-{tag}" if name == "export_id" else f"{tag}-{value}"


def _rewrite(path: Path, target: Path, tag: str) -> None:
    text, encoding = _read_text(path)
    out = io.StringIO()
    if path.suffix == ".jsonl":
        for line in text.splitlines():
            if line.strip():
                record = json.loads(line)
                out.write(json.dumps({k: _new_id(k, v, tag) if isinstance(v, str) else v
                                      for k, v in record.items()}) + "\n")
    else:
        rows = csv.reader(io.StringIO(text, newline=""))
        header = next(rows)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_new_id(c, v, tag) for c, v in zip(header, row, strict=True)]
                         for row in rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue().encode(encoding))


def add_new_data(landing: Path, people: int, tag: str, scratch: Path) -> int:
    """Drop a small new agency slice (its own people, every id made new) into `landing`:
    each HMIS export as a new export folder, every other file under a new name."""
    from orchestration.demo.generator import generate_agency

    shutil.rmtree(scratch, ignore_errors=True)
    summary = generate_agency(scratch, people=people, seed=99, as_of=AS_OF)
    source = scratch / "landing"
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        parts = path.relative_to(source).parts
        if parts[0] == "hmis":
            target = landing.joinpath(parts[0], parts[1], f"{parts[2]}-{tag}", *parts[3:])
        else:
            target = landing.joinpath(*parts[:-1], f"{path.stem}-{tag}{path.suffix}")
        _rewrite(path, target, tag)
    shutil.rmtree(scratch)
    return summary.rows_written


# --- RESULTS.md --------------------------------------------------------------------------------

def _pipeline_seconds(stages: dict) -> float:
    return sum(stages[s]["seconds"] or 0.0 for s in NIGHTLY_STAGES)


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def render(results: dict) -> str:
    """The markdown report of every measured size."""
    m = results["machine"]
    runs = sorted(results["runs"].values(), key=lambda r: r["people"])
    lines = ["# Pipeline benchmark", "",
             "Written by `benchmarks/pipeline.py`; do not edit by hand. The pipeline runs as "
             "`caseintel run` does: one Dagster run, in one process, on the embedded DuckDB "
             "warehouse. A stage's wall time is the time its steps ran (from the run's event "
             "log); its peak memory is the highest memory of the process and its children (the "
             "dbt subprocess and forked workers included) sampled while it ran, as proportional "
             "set sizes: a page a forked worker shares with its parent counts once (runs "
             "measured before 2026-12-07T06:30 summed resident sizes, which count it in every "
             "process). `ingest` is the "
             "load without the contract checks, which `validate` reports (they run inside the "
             "ingest steps). `generate` and DuckDB's `read_csv` run in processes of their own. "
             "Rows: landing rows written (generate), file rows read (ingest, validate), new or "
             "changed person records (link), notes read (score), raw rows covered (dbt), "
             "clients graded (reports).", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; "
             f"Python {m['python']}, DuckDB {m['duckdb']}.", "",
             "Measured: " + "; ".join(f"{r['people']:,} people at {r['measured_at']}"
                                      for r in runs) + " (sizes may come from different "
             "runs of the script, so from different versions of the code).", "",
             "## Per stage, full run", "",
             _row(["people", "stage", "wall s", "rows", "rows/s", "peak GiB"]),
             _row(["---:", "---", "---:", "---:", "---:", "---:"])]
    for run in runs:
        for name in STAGES:
            stage = run["full"][name]
            if stage["seconds"] is None:
                continue
            seconds = stage["seconds"]
            lines.append(_row([f"{run['people']:,}", name, f"{seconds:.1f}",
                               f"{int(stage['rows']):,}", f"{stage['rows'] / seconds:,.0f}",
                               f"{stage['peak'] / 2**30:.2f}"]))
        total = _pipeline_seconds(run["full"])
        process = run["full"]["process"]
        span = "(ingest to reports)" if run["full"]["reports"]["seconds"] is not None else (
            "(ingest to dbt; reports not run)")
        lines.append(_row([f"{run['people']:,}", f"**pipeline** {span}",
                           f"**{total:.1f}**", "", "", f"**{process['peak'] / 2**30:.2f}**"]))
        lines.append(_row([f"{run['people']:,}", "whole process (with start-up)",
                           f"{process['seconds']:.1f}", "", "", ""]))
    lines += ["", "## Scaling: wall seconds per stage", "",
              _row(["stage", *(f"{r['people']:,}" for r in runs), "growth per 10x (last)"]),
              _row(["---", *("---:" for _ in runs), "---:"])]
    for name in (*NIGHTLY_STAGES, "pipeline"):
        values = [_pipeline_seconds(r["full"]) if name == "pipeline"
                  else r["full"][name]["seconds"] for r in runs]
        growth = (f"{values[-1] / values[-2] * runs[-2]['people'] * 10 / runs[-1]['people']:.1f}x"
                  if len(runs) > 1 and values[-2] and values[-1] is not None else "")
        lines.append(_row([name, *("not run" if v is None else f"{v:.1f}" for v in values),
                           growth]))
    skipped = [f"{r['people']:,}" for r in runs if r["full"]["reports"]["seconds"] is None]
    if skipped:
        lines += ["", f"`pipeline` sums the stages that ran; reports were not run at "
                      f"{', '.join(skipped)} people (`--no-reports`: the comprehensive report "
                      "writes one page per client; see docs/scale.md)."]
    lines += ["", "## Ingest against DuckDB's own read_csv of the same files", "",
              _row(["people", "landing MiB", "read_csv s", "ingest + validate s", "ratio"]),
              _row(["---:", "---:", "---:", "---:", "---:"])]
    for run in runs:
        ingest = run["full"]["ingest"]["seconds"] + run["full"]["validate"]["seconds"]
        lines.append(_row([f"{run['people']:,}", f"{run['landing_bytes'] / 2**20:,.0f}",
                           f"{run['read_csv']['seconds']:.1f}", f"{ingest:.1f}",
                           f"{ingest / run['read_csv']['seconds']:.1f}x"]))
    nightly = [r for r in runs if "incremental" in r]
    if nightly:
        lines += ["", "## Nightly run with 1% new data against the full run", "",
                  _row(["people", "new people", "stage", "full s", "nightly s", "nightly/full"]),
                  _row(["---:", "---:", "---", "---:", "---:", "---:"])]
        for run in nightly:
            full, inc = run["full"], run["incremental"]
            for name in (*NIGHTLY_STAGES, "pipeline"):
                a = _pipeline_seconds(full) if name == "pipeline" else full[name]["seconds"]
                b = _pipeline_seconds(inc) if name == "pipeline" else inc[name]["seconds"]
                label = f"**{name}**" if name == "pipeline" else name
                if a is None or b is None:
                    lines.append(_row([f"{run['people']:,}", f"{run['new_people']:,}", label,
                                       "not run", "not run", ""]))
                    continue
                lines.append(_row([f"{run['people']:,}", f"{run['new_people']:,}", label,
                                   f"{a:.1f}", f"{b:.1f}", f"{b / a:.1%}"]))
    return "\n".join(lines) + "\n"


# --- the driver --------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    import duckdb

    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": f"{memory / 2**30:.0f} GiB",
            "os": platform.platform(), "python": platform.python_version(),
            "duckdb": duckdb.__version__}


def measure(people: int, workdir: Path, incremental: bool, env: dict[str, str],
            reports: bool = True) -> dict:
    """Every stage of one agency size (and the nightly run), as a results entry."""
    agency = workdir / f"agency_{people}"
    var = workdir / f"var_{people}"
    shutil.rmtree(var, ignore_errors=True)
    landing = agency / "landing"
    env = env | {"CASEINTEL_VAR": str(var), "CASEINTEL_DB": str(var / "caseintel.duckdb"),
                 "CASEINTEL_LANDING": str(landing), "CASEINTEL_SITE": str(var / "site"),
                 "CASEINTEL_AS_OF": AS_OF.isoformat()}
    log = workdir / f"pipeline_{people}.log"
    log.unlink(missing_ok=True)

    def run(name: str) -> tuple[float, list, dict]:
        result = workdir / f"{name}.json"
        seconds, samples, code = run_measured(
            [sys.executable, __file__, "--worker", name, "--result", str(result),
             *([] if reports else ["--no-reports"]),
             "--people", str(people), "--out", str(landing if name == "read_csv" else agency)],
            env, log)
        if code:
            raise SystemExit(f"{people:,} people: {name} failed (exit {code}); see {log}")
        report = json.loads(result.read_text())
        result.unlink()
        return seconds, samples, report

    def stage(name: str) -> dict:
        seconds, samples, report = run(name)
        print(f"  {people:>9,} {name:<9} {seconds:9.1f} s  peak "
              f"{max(r for _, r in samples) / 2**30:5.2f} GiB  rows {report['rows']:,}",
              flush=True)
        return {"seconds": seconds, "peak": max(r for _, r in samples), "rows": report["rows"]}

    def pipeline() -> dict[str, dict]:
        seconds, samples, report = run("pipeline")
        stages = {}
        for name in NIGHTLY_STAGES:
            if report["rows"][name] is None:  # a stage left out of the run (--no-reports)
                stages[name] = {"seconds": None, "rows": None, "peak": None}
                continue
            spans = report["intervals"].get(name, [])
            stages[name] = {"seconds": sum(b - a for a, b in spans), "rows": report["rows"][name],
                            "peak": _peak(samples, spans)}
        stages["ingest"]["seconds"] -= stages["validate"]["seconds"]
        for name, ran in stages.items():
            if ran["seconds"] is not None:
                print(f"  {people:>9,} {name:<9} {ran['seconds']:9.1f} s  peak "
                      f"{ran['peak'] / 2**30:5.2f} GiB  rows {ran['rows']:,}", flush=True)
        stages["process"] = {"seconds": seconds, "peak": max(r for _, r in samples)}
        return stages

    for added in sorted(landing.glob(f"**/*-{NEW_DATA_TAG}*"), reverse=True):  # last nightly
        shutil.rmtree(added) if added.is_dir() else added.unlink(missing_ok=True)
    if not (agency / "truth" / "meta.json").exists() or json.loads(
            (agency / "truth" / "meta.json").read_text())["people"] != people:
        shutil.rmtree(agency, ignore_errors=True)
        generated = stage("generate")
    else:
        generated = {"seconds": None, "peak": None, "rows": None}
    entry = {"people": people, "measured_at": datetime.now().isoformat(timespec="seconds"),
             "reports_run": reports,
             "landing_bytes": sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()),
             "read_csv": stage("read_csv"), "full": {"generate": generated, **pipeline()}}
    if incremental:
        new_people = max(1, round(people * NEW_DATA_FRACTION))
        entry["new_people"] = new_people
        entry["new_rows"] = add_new_data(landing, new_people, NEW_DATA_TAG,
                                         workdir / "new_data")
        entry["incremental"] = pipeline()
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--incremental", action="store_true",
                        help="after the full run, add 1%% new people and run again")
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "var" / "bench")
    parser.add_argument("--duckdb-memory-limit", default="4GB",
                        help="DuckDB memory limit for dbt (CASEINTEL_DUCKDB_MEMORY_LIMIT)")
    parser.add_argument("--no-reports", action="store_true",
                        help="leave the report assets out of the run (they write one page per "
                             "client; see docs/scale.md)")
    parser.add_argument("--worker", choices=("generate", "read_csv", "pipeline"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.result, args.people[0], args.out, not args.no_reports)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEINTEL_", "OPENAI_"))}
    env |= {"CASEINTEL_DUCKDB_MEMORY_LIMIT": args.duckdb_memory_limit,
            "PYTHONPATH": str(REPO_ROOT)}
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {"runs": {}}
    for people in args.people:
        print(f"{people:,} people in {args.workdir}", flush=True)
        results["runs"][str(people)] = measure(people, args.workdir, args.incremental, env,
                                               not args.no_reports)
        results["machine"] = machine()
        RESULTS_JSON.write_text(json.dumps(results, indent=1) + "\n")
        RESULTS_MD.write_text(render(results))


if __name__ == "__main__":
    main()
