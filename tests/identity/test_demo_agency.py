"""On a generated agency (typos, swapped names, nicknames, missing DOBs, cross-site duplicates):
accuracy against ground truth, stability when 10% more records arrive, and reruns that change
nothing. The trained model is saved and reused, not retrained silently."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from orchestration.demo.generator import generate_agency
from orchestration.identity.records import read_person_records
from orchestration.identity.resolve import IdentityOptions, resolve_identities
from orchestration.warehouse import Warehouse
from tests.identity.agency import load_agency, truth
from tests.identity.conftest import T1, T2, T3, crosswalk


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agency")
    generate_agency(root, people=400, seed=23, as_of=date(2026, 11, 1))
    return root


@pytest.fixture(scope="module")
def runs(agency: Path, tmp_path_factory: pytest.TempPathFactory):
    """Link 90% of the records, then all of them, then all again; snapshot after each."""
    tmp = tmp_path_factory.mktemp("runs")
    options = IdentityOptions(overrides_path=tmp / "none.yaml", temp_dir=tmp / "tmp")
    with Warehouse(tmp / "warehouse.duckdb") as wh:
        load_agency(wh, agency)
        records = list(read_person_records(wh))
        cut = math.ceil(len(records) * 0.9)
        first = resolve_identities(wh, options, T1, records[:cut])
        before = crosswalk(wh)
        second = resolve_identities(wh, options, T2, records)
        after = crosswalk(wh)
        tables = ("crosswalk", "persons", "merge_log", "link_edges", "review_queue",
                  "model_versions")
        snapshot = {t: wh.rows(f"select * from identity.{t} order by all") for t in tables}
        third = resolve_identities(wh, options, T3, records)
        rerun = {t: wh.rows(f"select * from identity.{t} order by all") for t in tables}
        merges = dict(wh.rows("select retired_person_id, surviving_person_id"
                              " from identity.merge_log"))
        models = wh.rows("select kind, is_active from identity.model_versions")
    yield {"first": first, "second": second, "third": third, "before": before,
           "after": after, "snapshot": snapshot, "rerun": rerun, "merges": merges,
           "models": models}


def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for key, group in groups.items():
        members[group].append(key)
    return {p for keys in members.values() for p in itertools.combinations(sorted(keys), 2)}


def test_pairwise_precision_and_recall_against_ground_truth(agency: Path, runs) -> None:
    true = pairs(truth(agency))
    found = pairs(runs["after"])
    precision = len(true & found) / len(found)
    recall = len(true & found) / len(true)
    assert precision >= 0.995, precision
    assert recall >= 0.98, recall


def test_new_records_change_no_existing_id_except_by_logged_merges(runs) -> None:
    before, after, merges = runs["before"], runs["after"], runs["merges"]
    changed = {k for k, pid in before.items() if after[k] != pid}
    assert all(merges.get(before[k]) == after[k] for k in changed)
    assert runs["second"].new_records == len(after) - len(before)


def test_a_rerun_with_nothing_new_changes_nothing(runs) -> None:
    assert runs["rerun"] == runs["snapshot"]
    third = runs["third"]
    assert (third.new_records, third.persons_issued, third.merges, third.pairs_scored) == (
        0, 0, 0, 0)


def test_model_is_trained_once_then_reused(runs) -> None:
    assert runs["first"].model_kind == "trained" and runs["first"].trained
    assert runs["second"].model_version == runs["first"].model_version
    assert runs["second"].trained == "" and runs["third"].trained == ""
    assert runs["models"] == [("trained", True)]
