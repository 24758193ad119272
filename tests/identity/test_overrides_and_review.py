"""Reviewed decisions always win; uncertain pairs wait in the review queue with evidence."""

from __future__ import annotations

import json
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
    assert options.review_threshold <= probability < options.link_threshold
    assert json.loads(evidence) == {"name": "last name only", "dob": "exact", "ssn": "missing",
                                    "phone": "missing", "email": "missing"}
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
