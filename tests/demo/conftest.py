"""One generated agency shared by the demo tests (generation is deterministic: safe to share)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.demo.generator import GenerationSummary, generate_agency

AS_OF = date(2025, 6, 30)
PEOPLE = 600


@pytest.fixture(scope="session")
def agency(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    root = tmp_path_factory.mktemp("agency")
    return root, generate_agency(root, people=PEOPLE, seed=7, as_of=AS_OF)
