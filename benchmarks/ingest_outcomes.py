"""Everything ingest decides for three corpora (demo landing data, the broken-file corpus, the
vendor-quirk corpus), written as one sorted JSON file, so that a rewrite of the ingest
internals can be diffed against the code before it: rejected and flagged rows identical.

    PYTHONPATH=. .venv/bin/python benchmarks/ingest_outcomes.py --out /tmp/outcomes.json \
        [--corpus demo broken vendor]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import orchestration
from orchestration.demo.generator import generate_agency
from orchestration.ingest.landing import SOURCE_KINDS, SOURCES_BY_NAME, discover
from orchestration.ingest.loader import LoadResult, load_drop
from orchestration.warehouse import Warehouse
from tests.ingest import test_broken_files as broken
from tests.ingest import test_vendor_quirk_properties as quirks
from tests.ingest.exports import write_export

REPO_ROOT = Path(__file__).resolve().parents[1]
LOADED_AT = datetime(2026, 11, 1, 6, 0)  # the tests' NOW
DEMO_AS_OF = date(2026, 11, 1)  # the generator's default is today: fixed here
DEMO_PEOPLE, DEMO_SEED = 500, 7  # `caseintel demo` defaults
QUIRK_EXAMPLES = 24
# The domains of the property test's `quirks` strategy (its hypothesis draws, fixed here).
QUIRK_DOMAINS = {
    "dates": [None, *quirks.DATE_LAYOUTS], "times": [None, *quirks.TIME_LAYOUTS],
    "decimal_codes": [False, True], "padding": ["", " ", "\t", " \t "],
    "shuffle_columns": [False, True], "restamp_export_id": [False, True],
    "encoding": ["utf-8", "utf-8-sig", "cp1252"], "crlf": [False, True],
}

Case = Callable[[Path, Warehouse], list[LoadResult]]  # fills a landing folder and loads it


def load(wh: Warehouse, landing: Path, *kinds: str) -> list[LoadResult]:
    return [result for kind in kinds for drop in discover(landing, SOURCES_BY_NAME[kind])
            for result in load_drop(wh, drop, LOADED_AT)]


def demo_cases() -> Iterator[tuple[str, Case]]:
    def case(landing: Path, wh: Warehouse) -> list[LoadResult]:
        generate_agency(landing.parent / "agency", DEMO_PEOPLE, DEMO_SEED, DEMO_AS_OF)
        return load(wh, landing.parent / "agency" / "landing", *(k.name for k in SOURCE_KINDS))
    yield "demo", case


def broken_cases() -> Iterator[tuple[str, Case]]:
    """As test_broken_files: good drops loaded first, then the broken one."""
    for name in sorted(broken.CORPUS):
        def case(landing: Path, wh: Warehouse, make=broken.CORPUS[name][0]) -> list[LoadResult]:
            broken.write(landing, "intake/south/good.csv", broken.GOOD_INTAKE.encode())
            write_export(landing / "hmis" / "south" / "GOOD")
            results = load(wh, landing, "intake", "hmis")
            return results + load(wh, landing, make(landing))
        yield name, case


def quirk_examples() -> list[dict]:
    """Fixed draws from the property test's strategy: none, all, then seeded random mixes."""
    examples = [{k: v[0] for k, v in QUIRK_DOMAINS.items()} | {"seed": 0},
                {k: v[-1] for k, v in QUIRK_DOMAINS.items()} | {"seed": 1000}]
    for i in range(QUIRK_EXAMPLES - 2):
        rng = random.Random(i)
        examples.append({k: rng.choice(v) for k, v in QUIRK_DOMAINS.items()}
                        | {"seed": rng.randint(0, 1000)})
    return examples


def vendor_cases() -> Iterator[tuple[str, Case]]:
    """As test_vendor_exports (every case one site of one landing folder), then each quirk
    example as test_vendor_quirk_properties writes it, in its own warehouse."""
    def exports(landing: Path, wh: Warehouse) -> list[LoadResult]:
        corpus = REPO_ROOT / "tests" / "ingest" / "vendor_exports"
        for folder in sorted(p for p in corpus.iterdir() if (p / "expected.json").exists()):
            shutil.copytree(folder / "export", landing / "hmis" / folder.name / "export")
        return load(wh, landing, "hmis")
    yield "vendor_exports", exports
    for i, q in enumerate(quirk_examples()):
        def case(landing: Path, wh: Warehouse, q=q) -> list[LoadResult]:
            quirks._write(landing / "hmis" / "north" / "E1", q)
            return load(wh, landing, "hmis")
        yield f"quirks_{i:02d} {json.dumps(q, sort_keys=True)}", case


CORPORA = {"demo": demo_cases, "broken": broken_cases, "vendor": vendor_cases}


def outcomes(wh: Warehouse, results: list[LoadResult]) -> dict[str, list[dict]]:
    """Every row of every raw and quarantine table, and what load_drop returned."""
    tables = wh.rows("select table_schema, table_name from information_schema.tables"
                     " where table_schema in ('raw', 'quarantine')")
    found = {"load_drop.results": [dataclasses.asdict(r) for r in results]}
    for schema, table in tables:
        cursor = wh.execute(f'select * from {schema}."{table}"')
        names = [d[0] for d in cursor.description]
        found[f"{schema}.{table}"] = [dict(zip(names, row, strict=True))
                                      for row in cursor.fetchall()]
    return found


def run(corpus: str) -> dict[str, list[str]]:
    """The corpus's tables, each a sorted list of rows as JSON, every row naming its case."""
    tables: dict[str, list[str]] = {}
    for case, fill in CORPORA[corpus]():
        with tempfile.TemporaryDirectory() as tmp, Warehouse(Path(tmp) / "w.duckdb") as wh:
            (Path(tmp) / "landing").mkdir()
            for table, rows in outcomes(wh, fill(Path(tmp) / "landing", wh)).items():
                tables.setdefault(table, []).extend(
                    json.dumps({"_case": case, **row}, sort_keys=True, default=str,
                               ensure_ascii=False) for row in rows)
    return {table: sorted(rows) for table, rows in sorted(tables.items())}


def dump(found: dict[str, dict[str, list[str]]], out: Path) -> None:
    """Valid JSON with one row a line, so that `diff` shows rows."""
    def block(rows: list[str], indent: str) -> str:
        return "[\n" + "".join(f"{indent}{r},\n" for r in rows)[:-2] + f"\n{indent[:-1]}]" \
            if rows else "[]"
    corpora = [f' {json.dumps(corpus)}: {{\n' + ",\n".join(
        f"  {json.dumps(table)}: {block(rows, '   ')}" for table, rows in tables.items())
        + "\n }" for corpus, tables in sorted(found.items())]
    out.write_text("{\n" + ",\n".join(corpora) + "\n}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", nargs="+", choices=list(CORPORA), default=list(CORPORA))
    args = parser.parse_args()
    code = Path(orchestration.__file__).resolve().parents[1]
    if {code, Path(broken.__file__).resolve().parents[2]} != {REPO_ROOT}:
        parser.error(f"orchestration or tests is not imported from {REPO_ROOT}: set PYTHONPATH")
    found, seconds = {}, {}
    for corpus in args.corpus:
        started = time.perf_counter()
        found[corpus] = run(corpus)
        seconds[corpus] = time.perf_counter() - started
    dump(found, args.out)
    print(f"ingest outcomes of {code}, loaded_at {LOADED_AT}: rows per table (empty not shown)")
    print(f"{'':34}" + "".join(f"{c:>9}" for c in found))
    for table in sorted({t for tables in found.values() for t, rows in tables.items() if rows}):
        print(f"{table:34}" + "".join(f"{len(found[c].get(table, [])):9}" for c in found))
    print(f"{'seconds':34}" + "".join(f"{seconds[c]:9.1f}" for c in found))
    json.loads(args.out.read_text(encoding="utf-8"))  # the file is valid JSON
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
