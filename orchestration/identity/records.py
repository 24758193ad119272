"""Person records: the rows of every source that describe a person, normalised for linkage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from orchestration.identity import normalize
from orchestration.warehouse import Warehouse

PERSON_RECORD_COLUMNS = (
    "record_key", "source", "site", "source_record_id", "first_name_norm", "last_name_norm",
    "dob", "ssn_last4", "phone_norm", "email_norm", "intake_client_id", "hmis_personal_id",
)


@dataclass(frozen=True)
class PersonRecord:
    record_key: str
    source: str
    site: str
    source_record_id: str
    first: str | None
    last: str | None
    dob: date | None
    ssn_last4: str | None
    phone: str | None
    email: str | None
    intake_client_id: str | None = None
    hmis_personal_id: str | None = None

    def as_row(self) -> tuple:
        return (self.record_key, self.source, self.site, self.source_record_id, self.first,
                self.last, self.dob, self.ssn_last4, self.phone, self.email,
                self.intake_client_id, self.hmis_personal_id)


# Latest version of each source record: a record re-sent in a newer file replaces the older.
_QUERIES = {
    "hmis": """
        select _site, personal_id, first_name, last_name, dob, dob_data_quality, ssn,
               ssn_data_quality, null, null, null, null
        from raw.hmis_client
        where personal_id is not null and date_deleted is null
        qualify row_number() over (
            partition by _site, personal_id order by _loaded_at desc, _source_row desc) = 1""",
    "intake": """
        select _site, submission_id, first_name, last_name, dob, null, ssn_last4, null,
               phone, email, intake_client_id, hmis_personal_id
        from raw.intake_submissions
        where submission_id is not null
        qualify row_number() over (
            partition by _site, submission_id order by _loaded_at desc, _source_row desc) = 1""",
    "survey": """
        select _site, response_id, first_name, last_name, null, null, null, null,
               phone, email, null, null
        from raw.survey_responses
        where response_id is not null
        qualify row_number() over (
            partition by _site, response_id order by _loaded_at desc, _source_row desc) = 1""",
}
_TABLES = {"hmis": "hmis_client", "intake": "intake_submissions", "survey": "survey_responses"}


def read_person_records(wh: Warehouse) -> Iterator[PersonRecord]:
    """Every current person record in raw, normalised; deleted HMIS clients are not people."""
    for source, query in _QUERIES.items():
        if not wh.table_exists("raw", _TABLES[source]):
            continue
        cursor = wh.execute(query)
        while batch := cursor.fetchmany(10_000):
            for (site, rid, first, last, dob, dob_q, ssn, ssn_q, phone, email,
                 intake_id, hmis_id) in batch:
                yield PersonRecord(
                    record_key=f"{source}:{site}:{rid}",
                    source=source,
                    site=site,
                    source_record_id=rid,
                    first=normalize.name(first),
                    last=normalize.name(last),
                    dob=normalize.dob(dob, dob_q),
                    ssn_last4=normalize.ssn_last4(ssn, ssn_q),
                    phone=normalize.phone(phone),
                    email=normalize.email(email),
                    intake_client_id=intake_id,
                    hmis_personal_id=hmis_id,
                )
