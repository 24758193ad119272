"""Person records: the rows of every source that describe a person, normalised for linkage."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date

import pyarrow as pa

from orchestration.identity import normalize
from orchestration.warehouse import Warehouse


@dataclass(frozen=True)
class PersonRecord:
    """One source row about a person. Names are normalised and placeholders already dropped."""

    record_key: str
    source: str
    site: str
    source_record_id: str
    first: str | None = None
    last: str | None = None
    dob: date | None = None
    ssn_last4: str | None = None
    phone: str | None = None
    email: str | None = None
    intake_client_id: str | None = None
    hmis_personal_id: str | None = None
    ssn: str | None = None
    dob_approximate: bool = False
    source_table: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes whenever a field linkage reads changes, so an edited record is re-linked."""
        values = tuple(getattr(self, name) for name in _FIELDS)
        return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


# Column name in identity.person_records (contract names first) for each PersonRecord field.
_COLUMN_OF = {"first": "first_name_norm", "last": "last_name_norm", "phone": "phone_norm",
              "email": "email_norm", "ssn": "ssn_norm"}
_TYPES = {"dob": pa.date32(), "dob_approximate": pa.bool_()}
_FIELDS = tuple(f.name for f in fields(PersonRecord))


def records_table(records: list[PersonRecord]) -> pa.Table:
    """identity.person_records as an Arrow table: one row per record plus its fingerprint."""
    columns = {
        _COLUMN_OF.get(name, name): pa.array([getattr(r, name) for r in records],
                                              type=_TYPES.get(name, pa.string()))
        for name in _FIELDS
    }
    columns["fingerprint"] = pa.array([r.fingerprint for r in records], type=pa.string())
    return pa.table(columns)


# Latest version of each source record: a record re-sent in a newer file replaces the older.
_QUERIES = {
    "hmis": ("hmis_client", """
        select _site, personal_id, first_name, last_name, dob, dob_data_quality, ssn,
               ssn_data_quality, null, null, null, null
        from (select *, row_number() over (
                  partition by _site, personal_id order by _loaded_at desc, _source_row desc
              ) as _version
              from raw.hmis_client
              where personal_id is not null and date_deleted is null) versions
        where _version = 1"""),
    "intake": ("intake_submissions", """
        select _site, submission_id, first_name, last_name, dob, null, ssn_last4, null,
               phone, email, intake_client_id, hmis_personal_id
        from (select *, row_number() over (
                  partition by _site, submission_id order by _loaded_at desc, _source_row desc
              ) as _version
              from raw.intake_submissions
              where submission_id is not null) versions
        where _version = 1"""),
    "survey": ("survey_responses", """
        select _site, response_id, first_name, last_name, null, null, null, null,
               phone, email, null, null
        from (select *, row_number() over (
                  partition by _site, response_id order by _loaded_at desc, _source_row desc
              ) as _version
              from raw.survey_responses
              where response_id is not null) versions
        where _version = 1"""),
}
# Screen respondents are HMIS clients; one whose Client row never arrived still needs an ID.
_SCREEN_RESPONDENTS = """
    select distinct s._site, s.personal_id
    from raw.screens s
    where s.personal_id is not null and not exists (
        select 1 from raw.hmis_client c
        where c._site = s._site and c.personal_id = s.personal_id and c.date_deleted is null)"""


def _source_rows(wh: Warehouse) -> Iterator[tuple[str, str, tuple]]:
    for source, (table, query) in _QUERIES.items():
        if wh.table_exists("raw", table):
            for batch in wh.stream(query):
                for row in batch:
                    yield source, table, row
    if wh.table_exists("raw", "screens"):
        query = _SCREEN_RESPONDENTS if wh.table_exists("raw", "hmis_client") else (
            "select distinct _site, personal_id from raw.screens where personal_id is not null")
        for site, pid in wh.rows(query):
            yield "hmis", "screens", (site, pid) + (None,) * 10


def read_person_records(wh: Warehouse) -> Iterator[PersonRecord]:
    """Every current person record in raw, normalised; deleted HMIS clients are not people."""
    for source, table, row in _source_rows(wh):
        (site, rid, first, last, dob, dob_q, ssn, ssn_q, phone, email, intake_id, hmis_id) = row
        first_norm, last_norm = normalize.identifying_names(first, last)
        yield PersonRecord(
            record_key=f"{source}:{site}:{rid}",
            source=source,
            site=site,
            source_record_id=rid,
            first=first_norm,
            last=last_norm,
            dob=normalize.dob(dob, dob_q),
            ssn_last4=normalize.ssn_last4(ssn, ssn_q),
            phone=normalize.phone(phone),
            email=normalize.email(email),
            intake_client_id=intake_id,
            hmis_personal_id=hmis_id,
            ssn=normalize.ssn(ssn, ssn_q),
            dob_approximate=normalize.dob_is_approximate(dob_q),
            source_table=table,
        )
