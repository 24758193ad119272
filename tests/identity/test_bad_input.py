"""Bad identity input neither crashes the run nor collapses strangers into one person."""

from __future__ import annotations

from datetime import date, timedelta

from orchestration.identity.records import PersonRecord, read_person_records
from orchestration.identity.resolve import resolve_identities
from tests.identity.conftest import T1, crosswalk


def test_raw_rows_with_empty_names_future_dobs_and_nothing_at_all(warehouse, options) -> None:
    future = (date.today() + timedelta(days=400)).isoformat()
    warehouse.execute("""create table raw.hmis_client as select * from (values
        ('north', '1', '', '', ?, '1', '', '99', null, 1, now()),
        ('north', '2', null, null, null, null, null, null, null, 2, now()),
        ('north', '3', '  ', 'Anonymous', '1990-13-45', '1', '000000000', '1', null, 3, now()),
        ('north', '4', 'Ana', 'Diaz', '1990-01-02', '2', 'xxxxx0527', '2', null, 4, now())
    ) t(_site, personal_id, first_name, last_name, dob, dob_data_quality, ssn,
        ssn_data_quality, date_deleted, _source_row, _loaded_at)""", [future])
    records = {r.record_key: r for r in read_person_records(warehouse)}
    assert records["hmis:north:1"].dob is None and records["hmis:north:1"].first is None
    assert records["hmis:north:3"].last is None and records["hmis:north:3"].ssn is None
    assert records["hmis:north:4"].dob_approximate and records["hmis:north:4"].ssn_last4 == "0527"
    summary = resolve_identities(warehouse, options, T1)
    assert summary.active_persons == 4


def test_ten_thousand_anonymous_records_stay_ten_thousand_people(warehouse, options) -> None:
    """Enough records to train on: the model must not learn that `Anonymous` identifies."""
    anonymous = [PersonRecord(f"survey:north:{i}", "survey", "north", str(i), None, None,
                              date(1980, 1, 1) if i % 2 else None)
                 for i in range(10_000)]
    real = [PersonRecord(f"hmis:north:r{i}", "hmis", "north", f"r{i}", "ana", f"diaz{i}",
                         date(1960, 1, 1) + timedelta(days=37 * i)) for i in range(300)]
    summary = resolve_identities(warehouse, options, T1, anonymous + real)
    assert summary.active_persons == 10_300
    assert len(set(crosswalk(warehouse).values())) == 10_300
