"""`python -m orchestration.demo --out DIR --people N --seed S --as-of YYYY-MM-DD`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from orchestration.demo.generator import generate_agency


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.demo", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder for landing/ and truth/")
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="grading date (default: today)"
    )
    args = parser.parse_args(argv)
    print(generate_agency(args.out, people=args.people, seed=args.seed, as_of=args.as_of))


if __name__ == "__main__":
    main()
