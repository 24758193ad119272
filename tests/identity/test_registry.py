"""The person registry: IDs issued once, never renumbered; merges logged; no placeholder merges."""

from __future__ import annotations

from datetime import date, datetime

from orchestration.identity.records import PersonRecord
from orchestration.identity.registry import assign_person_ids

T1, T2 = datetime(2026, 10, 1), datetime(2026, 11, 1)


def rec(key: str, first: str | None = "ana", last: str | None = "diaz",
        dob: date | None = date(1990, 1, 2), email: str | None = None,
        phone: str | None = None, intake_id: str | None = None,
        hmis_id: str | None = None) -> PersonRecord:
    source, site, rid = key.split(":")
    return PersonRecord(key, source, site, rid, first, last, dob, None, phone, email,
                        intake_id, hmis_id)


def crosswalk(wh) -> dict[str, str]:
    return dict(wh.rows("select record_key, person_id from identity.crosswalk"))


def test_same_name_and_dob_across_sites_is_one_person(warehouse) -> None:
    assign_person_ids(warehouse, [rec("hmis:north:1"), rec("hmis:south:7"),
                                  rec("hmis:south:8", first="bo")], T1)
    ids = crosswalk(warehouse)
    assert ids["hmis:north:1"] == ids["hmis:south:7"] != ids["hmis:south:8"]


def test_ids_do_not_change_when_new_records_arrive(warehouse) -> None:
    assign_person_ids(warehouse, [rec("hmis:north:1"), rec("hmis:north:2", first="bo")], T1)
    before = crosswalk(warehouse)
    summary = assign_person_ids(warehouse, [
        rec("hmis:north:0", first="cy"),  # sorts first, must not take an old ID
        rec("hmis:north:1"), rec("hmis:north:2", first="bo"),
        rec("intake:north:55", dob=None, email="ana@x.org", hmis_id="1"),
    ], T2)
    after = crosswalk(warehouse)
    assert {k: after[k] for k in before} == before
    assert after["intake:north:55"] == before["hmis:north:1"]
    assert after["hmis:north:0"] not in before.values()
    assert (summary.persons_issued, summary.merges) == (1, 0)


def test_rerun_with_nothing_new_changes_nothing(warehouse) -> None:
    records = [rec("hmis:north:1"), rec("intake:north:2", dob=None, intake_id="i1")]
    assign_person_ids(warehouse, records, T1)
    before = warehouse.rows("select * from identity.crosswalk order by all")
    summary = assign_person_ids(warehouse, records, T2)
    assert warehouse.rows("select * from identity.crosswalk order by all") == before
    assert (summary.new_records, summary.persons_issued, summary.merges) == (0, 0, 0)


def test_bridging_record_merges_two_people_and_the_older_id_survives(warehouse) -> None:
    assign_person_ids(warehouse, [rec("hmis:north:1", dob=None, email="ana@x.org"),
                                  rec("hmis:south:9")], T1)
    first = crosswalk(warehouse)
    older, newer = sorted([first["hmis:north:1"], first["hmis:south:9"]])
    assert older != newer
    # An intake with the DOB of one and the email of the other shows they are one person.
    assign_person_ids(warehouse, [rec("hmis:north:1", dob=None, email="ana@x.org"),
                                  rec("hmis:south:9"),
                                  rec("intake:east:3", email="ana@x.org")], T2)
    after = crosswalk(warehouse)
    assert set(after.values()) == {older}
    assert warehouse.rows(
        "select retired_person_id, surviving_person_id from identity.merge_log"
    ) == [(newer, older)]
    assert warehouse.rows(
        "select status, merged_into from identity.persons where person_id = ?", [newer]
    ) == [("merged", older)]


def test_placeholder_names_never_link(warehouse) -> None:
    records = [rec(f"hmis:north:{i}", first="anonymous", last="client") for i in range(50)]
    summary = assign_person_ids(warehouse, records, T1)
    assert summary.active_persons == 50


def test_missing_dob_and_contact_do_not_link_by_name_alone(warehouse) -> None:
    assign_person_ids(warehouse, [rec("hmis:north:1", dob=None), rec("hmis:south:2", dob=None)], T1)
    ids = crosswalk(warehouse)
    assert ids["hmis:north:1"] != ids["hmis:south:2"]
