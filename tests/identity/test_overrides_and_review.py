"""Reviewed decisions always win; uncertain pairs wait in the review queue with evidence."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from orchestration.identity.overrides import OverridesError, load_overrides
from orchestration.identity.resolve import resolve_identities
from tests.identity.conftest import T1, T2, T3, crosswalk, rec

# Same last name and date of birth, different first names: twins, or a mistyped name?
UNSURE = [rec("hmis:north:1", email="ana@x.org"),
          rec("intake:north:2", first="bea", phone="5035550101")]


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_uncertain_pair_is_queued_with_the_evidence(warehouse, options) -> None:
    summary = resolve_identities(warehouse, options, T1, UNSURE)
    ids = crosswalk(warehouse)
    assert ids["hmis:north:1"] != ids["intake:north:2"]
    [(left, right, pid_l, pid_r, probability, evidence)] = warehouse.rows(
        "select record_key_l, record_key_r, person_id_l, person_id_r, match_probability,"
        " evidence from identity.review_queue")
    assert (left, right) == ("hmis:north:1", "intake:north:2")
    assert (pid_l, pid_r) == (ids[left], ids[right])
    assert options.review_threshold <= probability < summary.link_threshold
    assert json.loads(evidence) == {
        "first_name": "different", "last_name": "exact", "middle_name": "missing",
        "dob": "exact", "ssn": "missing", "phone": "missing", "email": "missing",
        "address": "missing", "city": "missing", "zip": "missing"}
    assert summary.review_queue == 1


def test_force_link_merges_and_leaves_the_queue(warehouse, options) -> None:
    resolve_identities(warehouse, options, T1, UNSURE)
    older = min(crosswalk(warehouse).values())
    write(options.overrides_path, """
force_link:
  - records: [hmis:north:1, intake:north:2]
    reason: confirmed by phone
    decided_by: jlee
""")
    summary = resolve_identities(warehouse, options, T2, UNSURE)
    assert set(crosswalk(warehouse).values()) == {older}
    assert summary.merges == 1 and summary.review_queue == 0
    assert warehouse.scalar("select rule from identity.merge_log") == "override_link"


def test_force_split_wins_over_source_identifiers_and_issues_a_new_id(warehouse, options) -> None:
    records = [rec("intake:north:1", intake_client_id="C1"),
               rec("intake:north:2", first="bo", last="lund", intake_client_id="C1"),
               rec("intake:north:3", intake_client_id="C1")]
    resolve_identities(warehouse, options, T1, records)
    [pid] = set(crosswalk(warehouse).values())
    write(options.overrides_path, """
force_split:
  - records: [intake:north:1, intake:north:2]
    reason: intake worker reused a client id for a different person
""")
    summary = resolve_identities(warehouse, options, T2, records)
    after = crosswalk(warehouse)
    assert after["intake:north:1"] == after["intake:north:3"] == pid
    assert after["intake:north:2"] not in (pid, None)
    assert summary.splits == 1
    assert warehouse.rows("select person_id, new_person_id, records_moved"
                          " from identity.split_log") == [(pid, after["intake:north:2"], 1)]
    again = resolve_identities(warehouse, options, T3, records)  # applied on every run
    assert crosswalk(warehouse) == after and again.splits == 0


def test_decisions_about_records_not_loaded_yet_wait(warehouse, options) -> None:
    write(options.overrides_path, """
force_link:
  - records: [hmis:north:1, hmis:north:999]
    reason: the second record arrives next month
""")
    summary = resolve_identities(warehouse, options, T1, UNSURE)
    assert summary.override_records_unknown == 1
    assert len(set(crosswalk(warehouse).values())) == 2


@pytest.mark.parametrize(("text", "message"), [
    ("force_link:\n  - records: [hmis:north:1]\n    reason: x\n", "two or more record keys"),
    ("force_link:\n  - records: [a:b:1, a:b:2]\n", "needs a `reason`"),
    ("force_split: nope\n", "must be a list"),
    ("force_link:\n  - {records: [a:b:1, a:b:2], reason: x}\n"
     "force_split:\n  - {records: [a:b:2, a:b:1], reason: y}\n", "both force-linked"),
])
def test_unusable_overrides_file_says_what_is_wrong(tmp_path: Path, text: str,
                                                    message: str) -> None:
    path = tmp_path / "overrides.yaml"
    write(path, text)
    with pytest.raises(OverridesError, match=message):
        load_overrides(path)


def test_the_shipped_overrides_file_is_valid() -> None:
    from orchestration.settings import REPO_ROOT

    overrides = load_overrides(REPO_ROOT / "rubrics" / "identity_overrides.yaml")
    assert overrides.force_link == () and overrides.force_split == ()


def test_queue_is_sized_per_1000_records_and_ranked_by_impact(warehouse, options) -> None:
    """Two doubtful pairs, room for one: the pair of HMIS clients (a merge changes a
    de-duplicated HUD count) goes first, though the other pair is the likelier match."""
    records = [rec("hmis:north:1"), rec("hmis:south:2", first="bea"),
               rec("intake:north:3", first="carl", last="smith", middle="jo"),
               rec("intake:north:4", first="dan", last="smith", middle="jo")]
    options = replace(options, review_per_1000=250)  # 4 records: a queue of one
    summary = resolve_identities(warehouse, options, T1, records)
    rows = warehouse.rows("select record_key_l, match_probability, impact, priority, queued"
                          " from identity.review_queue order by priority")
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("hmis:north:1", "changes a de-duplicated HUD count", 1, True),
        ("intake:north:3", "", 2, False)]
    assert rows[1][1] > rows[0][1]
    assert summary.review_queue == 1 and summary.review_band == 2


def test_a_pair_whose_decision_changes_a_grade_goes_first(warehouse, options) -> None:
    records = [rec("hmis:north:1"), rec("hmis:south:2", first="bea"),
               rec("intake:north:3", first="carl", last="smith"),
               rec("intake:north:4", first="dan", last="smith")]
    resolve_identities(warehouse, options, T1, records)
    ids = crosswalk(warehouse)
    warehouse.execute("create schema if not exists marts")
    warehouse.execute("create table marts.client_momentum (person_id varchar, grade varchar)")
    warehouse.executemany("insert into marts.client_momentum values (?, ?)", [
        (ids["intake:north:3"], "green"), (ids["intake:north:4"], "red"),
        (ids["hmis:north:1"], "amber"), (ids["hmis:south:2"], "amber")])
    resolve_identities(warehouse, options, T2, records)
    assert warehouse.rows("select record_key_l, impact from identity.review_queue"
                          " order by priority") == [
        ("intake:north:3", "changes a grade"),
        ("hmis:north:1", "changes a de-duplicated HUD count")]
