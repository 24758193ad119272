"""How well the offline reader recovers stall reasons on the demo agency.

Generates the demo agency, loads its case notes through the real ingest loader, reads them
with the offline reader (the real scoring pipeline), and compares, for every stalled person
whose notes state the reason, the most frequent stall_reason finding (ties: the latest) with
the generator's true reason. Prints the share recovered and a confusion table.

    .venv/bin/python benchmarks/stall_reasons.py [--people 500] [--seed 7] [--rubrics DIR]
"""

from __future__ import annotations

import argparse
import csv
import logging
import tempfile
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

from orchestration.demo.generator import generate_agency
from orchestration.ingest.landing import SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.scoring.pipeline import score_notes
from orchestration.settings import REPO_ROOT, Settings
from orchestration.warehouse import Warehouse


def predicted_reasons(wh: Warehouse, person_of: dict[str, str]) -> dict[str, str]:
    """True person -> most frequent stall_reason label in their notes (ties: the latest)."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    latest: dict[tuple[str, str], str] = {}
    for site, personal_id, note_date, label in wh.rows("""
            select n._site, n.personal_id, n.note_date, f.label
            from scoring.note_findings f
            join (select * from raw.case_notes qualify row_number() over (
                    partition by _site, note_id order by _loaded_at desc) = 1) n
              on n._site = f.site and n.note_id = f.note_id
            where f.category = 'stall_reason'"""):
        person = person_of.get(f"hmis:{site}:{personal_id}")
        if person:
            found[person][label] += 1
            latest[(person, label)] = max(latest.get((person, label), ""), note_date or "")
    return {person: max(labels, key=lambda lab: (labels[lab], latest[(person, lab)]))
            for person, labels in found.items()}


def confusion_table(pairs: list[tuple[str, str]]) -> str:
    truths = sorted({t for t, _ in pairs})
    guesses = sorted({g for _, g in pairs} | set(truths))
    counts = Counter(pairs)
    width = max(len(x) for x in guesses + truths) + 1
    lines = ["true \\ found".ljust(width + 2) + "".join(g[:10].rjust(11) for g in guesses)]
    lines += [t.ljust(width + 2) + "".join(str(counts[(t, g)] or ".").rjust(11) for g in guesses)
              for t in truths]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument("--rubrics", type=Path, default=REPO_ROOT / "rubrics",
                        help="rubrics folder to read with (to try phrase-list changes)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_agency(root / "agency", people=args.people, seed=args.seed, as_of=args.as_of)
        truth = root / "agency" / "truth"
        person_of = {r["record_key"]: r["true_person"]
                     for r in csv.DictReader((truth / "records.csv").open(encoding="utf-8"))}
        people = list(csv.DictReader((truth / "people.csv").open(encoding="utf-8")))
        settings = Settings.from_env().with_overrides(
            db_path=root / "bench.duckdb", rubrics_dir=args.rubrics.resolve(), llm_base_url=None)
        with Warehouse(settings.db_path) as wh:
            for drop in discover(root / "agency" / "landing", SOURCES_BY_NAME["notes"]):
                load_drop(wh, drop, datetime.now())
            summary = score_notes(wh, settings, logging.getLogger("bench"))
            found = predicted_reasons(wh, person_of)

    stalled = [p for p in people if p["stall_reason"] and p["reason_in_notes"] == "true"]
    pairs = [(p["stall_reason"], found.get(p["true_person"], "none")) for p in stalled]
    hits = sum(t == g for t, g in pairs)
    print(f"notes read        {summary.notes_read} ({summary.findings_published} findings, "
          f"rubric {summary.rubric_name} {summary.rubric_version})")
    print(f"stall reasons     {hits} of {len(pairs)} stalled people whose notes state the reason"
          f" recovered: {hits / max(1, len(pairs)):.1%}")
    print(confusion_table(pairs))
    unstated = [p for p in people if p["stall_reason"] and p["reason_in_notes"] != "true"]
    moving = [p for p in people if not p["stall_reason"]]
    print(f"no reason in notes {sum(p['true_person'] in found for p in unstated)} of "
          f"{len(unstated)} stalled people got a stall-reason finding anyway")
    print(f"false alarms      {sum(p['true_person'] in found for p in moving)} of {len(moving)} "
          "people who are not stalled got a stall-reason finding")


if __name__ == "__main__":
    main()
