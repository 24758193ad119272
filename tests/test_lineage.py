"""Lineage tells the truth: every table the report code reads is an input its assets
declare, and every declared input is an asset of the pipeline (no invented keys)."""

from __future__ import annotations

import re

import dagster as dg

from orchestration.definitions import defs
from orchestration.settings import REPO_ROOT

RELATION = re.compile(r"\b(raw|staging|intermediate|identity|quarantine|reference|marts)"
                      r"\.([a-z][a-z0-9_]*)\b(?![({])")
WRITTEN_BY_REPORTS = {("raw", "report_rules")}  # reports/rules.py writes it for dbt to read


def test_the_reports_declare_every_table_they_read() -> None:
    graph = defs.resolve_asset_graph()
    report_keys = [k for k in graph.get_all_asset_keys() if k.path[0] == "reports"]
    declared = {tuple(parent.path) for key in report_keys
                for parent in graph.get(key).parent_keys}
    read = {match.groups() for path in (REPO_ROOT / "orchestration" / "reports").glob("*.py")
            for match in RELATION.finditer(path.read_text(encoding="utf-8"))}
    read -= {("raw", "get")} | WRITTEN_BY_REPORTS  # dict.get on a variable named raw
    assert read - declared == set()
    for key in declared:  # made by the pipeline, or a source its dbt models read too
        node = graph.get(dg.AssetKey(list(key)))
        assert node.is_materializable or any(
            child.path[0] != "reports" for child in node.child_keys), key
