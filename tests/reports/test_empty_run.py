"""A run with nothing to grade must not look like good news: every report says "No data yet"
and why, in words, with no zero tiles, no "None" and no page filed under a missing date."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.reports.config import REPORTS
from orchestration.reports.publish import publish_report
from orchestration.settings import Settings
from tests.reports.pages import read


@pytest.fixture
def empty_site(tmp_path, monkeypatch):
    db = tmp_path / "var" / "caseintel.duckdb"
    db.parent.mkdir()
    duckdb.connect(str(db)).close()
    monkeypatch.setenv("CASEINTEL_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("CASEINTEL_DB", str(db))
    monkeypatch.setenv("CASEINTEL_SITE", str(tmp_path / "site"))
    monkeypatch.delenv("CASEINTEL_WAREHOUSE", raising=False)
    monkeypatch.delenv("CASEINTEL_RUBRICS", raising=False)
    settings = Settings.from_env()
    for report in REPORTS:
        publish_report(settings, report)
    return tmp_path / "site"


def test_every_report_of_an_empty_warehouse_says_no_data_yet_and_why(empty_site) -> None:
    pages = sorted(empty_site.rglob("*.html"))
    assert {p.name for p in pages} == {"index.html", "latest.html"}
    for page in pages:
        text = read(page)
        assert "No data yet" in text, page
        assert "No file has been loaded yet" in text, page
        for misleading in ("None", "No client is stalled", "Nothing is missing", "marts."):
            assert misleading not in text.split("<body", 1)[1], (page, misleading)
    # each edition's index links its reports' pages
    assert 'href="momentum/latest.html"' in read(empty_site / "index.html")
    assert 'href="clients/index.html"' in read(empty_site / "index.html")
