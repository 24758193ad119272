"""`caseintel pdf` prints a published report with headless Chromium."""

from __future__ import annotations

from orchestration.cli import main
from tests.reports.conftest import chromium_or_skip


def test_a_report_prints_to_pdf(published, tmp_path, monkeypatch) -> None:
    chromium_or_skip()
    monkeypatch.setenv("CASEINTEL_SITE", str(published["site"]))
    out = tmp_path / "missing.pdf"
    assert main(["pdf", "missing", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 10_000
    funder = tmp_path / "funder.pdf"
    assert main(["pdf", "aggregate", "--edition", "funder", "--out", str(funder)]) == 0
    assert funder.read_bytes().startswith(b"%PDF")
