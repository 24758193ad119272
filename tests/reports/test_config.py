"""rubrics/reports.yaml is checked, and small counts never show, in tables or in charts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestration.reports import charts
from orchestration.reports.config import load_reports_config
from orchestration.rubrics import RubricError
from orchestration.settings import REPO_ROOT

SHIPPED = REPO_ROOT / "rubrics" / "reports.yaml"


def _variant(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "reports.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_shipped_config_has_an_agency_a_supervisor_and_a_funder_edition() -> None:
    config = load_reports_config(SHIPPED)
    assert [(e.name, e.level, e.client_names, e.suppression_threshold)
            for e in config.editions] == [
        ("agency", "clients", False, 0), ("supervisor-north", "clients", True, 0),
        ("funder", "aggregates", False, 11)]
    assert config.cron == "0 6 * * 1"
    assert config.rules["screen_repeat_days"] == 90


def test_names_need_an_edition_limited_to_some_sites_or_programs(tmp_path) -> None:
    def everyone_named(data):
        data["editions"][0]["client_names"] = True
    with pytest.raises(RubricError, match="client_names"):
        load_reports_config(_variant(tmp_path, everyone_named))


def test_an_aggregates_edition_cannot_carry_client_pages(tmp_path) -> None:
    def funder_sees_clients(data):
        data["editions"][2]["reports"].append("comprehensive")
    with pytest.raises(RubricError, match="aggregates-only"):
        load_reports_config(_variant(tmp_path, funder_sees_clients))


def test_an_edition_without_its_own_threshold_takes_the_default(tmp_path) -> None:
    def default_only(data):
        for edition in data["editions"]:
            edition.pop("suppression_threshold")
        data["suppression_threshold"] = 5
    config = load_reports_config(_variant(tmp_path, default_only))
    assert {e.suppression_threshold for e in config.editions} == {5}


def test_an_aggregates_edition_must_suppress(tmp_path) -> None:
    def funder_unsuppressed(data):
        data["editions"][2]["suppression_threshold"] = 0
    with pytest.raises(RubricError, match="must suppress"):
        load_reports_config(_variant(tmp_path, funder_unsuppressed))


def test_charts_do_not_draw_a_suppressed_count() -> None:
    svg = str(charts.hbars("reasons", [("Transportation", None), ("Childcare", 40)]))
    assert ">*<" in svg and ">40<" in svg
    assert 'width="0.0"' in svg  # the hidden bar is not drawn
