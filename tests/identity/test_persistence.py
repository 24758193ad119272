"""Persistent person_ids: issued once, never renumbered or reused; merges logged; reruns idle."""

from __future__ import annotations

from datetime import date

from orchestration.identity.resolve import resolve_identities
from tests.identity.conftest import T1, T2, T3, crosswalk, rec

IDENTITY_TABLES = ("crosswalk", "persons", "merge_log", "split_log", "link_edges",
                   "review_queue", "person_records", "model_versions")


def snapshot(wh) -> dict[str, list]:
    """Every identity table's rows, sorted here rather than in SQL (PostgreSQL has no
    `order by all`)."""
    return {t: sorted(wh.rows(f"select * from identity.{t}"), key=repr) for t in IDENTITY_TABLES}


def test_one_person_across_sites_and_sources(warehouse, options) -> None:
    resolve_identities(warehouse, options, T1, [
        rec("hmis:north:1", ssn="236410527"),
        rec("hmis:south:7", last="daiz", ssn="236410527"),  # typo, same SSN and DOB
        rec("intake:south:3", first="anna", dob=None, ssn_last4="0527", hmis_personal_id="7"),
        rec("hmis:east:8", first="bo", last="lund", dob=date(1971, 5, 6)),
    ])
    ids = crosswalk(warehouse)
    assert ids["hmis:north:1"] == ids["hmis:south:7"] == ids["intake:south:3"]
    assert ids["hmis:east:8"] != ids["hmis:north:1"]


def test_ids_do_not_change_when_new_records_arrive(warehouse, options) -> None:
    first = [rec("hmis:north:1"), rec("hmis:north:2", first="bo", last="lund")]
    resolve_identities(warehouse, options, T1, first)
    before = crosswalk(warehouse)
    summary = resolve_identities(warehouse, options, T2, [
        rec("hmis:north:0", first="cy", last="moss"),  # sorts first, must not take an old ID
        *first,
        rec("intake:north:55", dob=None, email="ana@x.org", hmis_personal_id="1"),
    ])
    after = crosswalk(warehouse)
    assert {k: after[k] for k in before} == before
    assert after["intake:north:55"] == before["hmis:north:1"]
    assert after["hmis:north:0"] not in before.values()
    assert (summary.new_records, summary.persons_issued, summary.merges) == (2, 1, 0)


def test_rerun_with_nothing_new_changes_nothing(warehouse, options) -> None:
    records = [rec("hmis:north:1", ssn="236410527"), rec("hmis:south:2", ssn="236410527"),
               rec("intake:north:2", dob=None, intake_client_id="i1"),
               rec("survey:north:9", dob=None)]
    resolve_identities(warehouse, options, T1, records)
    before = snapshot(warehouse)
    summary = resolve_identities(warehouse, options, T2, records)
    assert snapshot(warehouse) == before
    assert (summary.new_records, summary.persons_issued, summary.merges) == (0, 0, 0)


def test_bridging_record_merges_two_people_and_the_older_id_survives(warehouse, options) -> None:
    north = rec("hmis:north:1", dob=None, email="ana@x.org")
    south = rec("hmis:south:9", ssn="236410527")
    resolve_identities(warehouse, options, T1, [north, south])
    first = crosswalk(warehouse)
    older, newer = sorted([first["hmis:north:1"], first["hmis:south:9"]])
    assert older != newer
    # An intake with the SSN and DOB of one and the email of the other: they are one person.
    bridge = rec("intake:east:3", email="ana@x.org", ssn="236410527")
    summary = resolve_identities(warehouse, options, T2, [north, south, bridge])
    assert set(crosswalk(warehouse).values()) == {older}
    [(retired, survivor, rule, evidence)] = warehouse.rows(
        "select retired_person_id, surviving_person_id, rule, evidence from identity.merge_log")
    assert (retired, survivor, rule) == (newer, older, "splink")
    assert "intake:east:3" in evidence
    assert warehouse.rows("select status, merged_into from identity.persons"
                          " where person_id = ?", [newer]) == [("merged", older)]
    assert summary.merges == 1


def test_merged_into_always_names_the_current_survivor(warehouse, options) -> None:
    a = rec("hmis:north:1", dob=None, email="ana@x.org")
    b = rec("hmis:south:2", dob=None, phone="5035550101")
    c = rec("hmis:east:3", ssn="236410527")
    resolve_identities(warehouse, options, T1, [a, b, c])
    ids = crosswalk(warehouse)
    assert len(set(ids.values())) == 3
    ab = rec("intake:south:4", dob=None, phone="5035550101", email="ana@x.org")
    resolve_identities(warehouse, options, T2, [a, b, c, ab])
    bc = rec("intake:east:5", phone="5035550101", ssn="236410527")
    resolve_identities(warehouse, options, T3, [a, b, c, ab, bc])
    survivor = min(ids.values())
    assert set(crosswalk(warehouse).values()) == {survivor}
    assert warehouse.rows("select person_id, merged_into from identity.persons"
                          " where status = 'merged' order by 1") == [
        (pid, survivor) for pid in sorted(set(ids.values()) - {survivor})]
    assert warehouse.scalar("select count(*) from identity.merge_log") == 2
