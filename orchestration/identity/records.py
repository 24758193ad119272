"""Person records: the rows of every source that describe a person, normalised for linkage."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from functools import cached_property
from operator import attrgetter

import pyarrow as pa
import pyarrow.compute as pc

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
    middle: str | None = None
    address_number: str | None = None
    address_street: str | None = None
    address_unit: str | None = None
    city: str | None = None
    zip: str | None = None

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever a field linkage reads changes, so an edited record is re-linked."""
        return hashlib.sha256(repr(_values(self)).encode()).hexdigest()[:16]


# Column name in identity.person_records (contract names first) for each PersonRecord field.
_COLUMN_OF = {"first": "first_name_norm", "last": "last_name_norm", "phone": "phone_norm",
              "email": "email_norm", "ssn": "ssn_norm", "middle": "middle_name_norm",
              "city": "city_norm", "zip": "zip_norm"}
_TYPES = {"dob": pa.date32(), "dob_approximate": pa.bool_()}
_FIELDS = tuple(f.name for f in fields(PersonRecord))
_values = attrgetter(*_FIELDS)


NEW = "is_new"  # column of a run's records: new, or edited in a field linkage reads


def records_table(records: list[PersonRecord],
                  raw_hashes: list[str | None] | None = None) -> pa.Table:
    """identity.person_records as an Arrow table: one row per record, its fingerprint, and
    the hash of the raw row it was normalised from (null when it came from elsewhere)."""
    columns = {
        _COLUMN_OF.get(name, name): pa.array([getattr(r, name) for r in records],
                                              type=_TYPES.get(name, pa.string()))
        for name in _FIELDS
    }
    columns["fingerprint"] = pa.array([r.fingerprint for r in records], type=pa.string())
    columns["raw_hash"] = pa.array(raw_hashes or [None] * len(records), pa.string())
    return pa.table(columns)


def _with_news(table: pa.Table, stored_fingerprints: list[str | None]) -> pa.Table:
    """`table` with its NEW column: a record is new unless the last run stored its fingerprint."""
    differs = pc.not_equal(table.column("fingerprint"), pa.array(stored_fingerprints, pa.string()))
    return table.append_column(NEW, pc.fill_null(differs, True))


def table_records(table: pa.Table) -> list[PersonRecord]:
    """The person records of rows of `records_table` shape."""
    names = [_COLUMN_OF.get(name, name) for name in _FIELDS]
    return [PersonRecord(*values) for values in zip(
        *(table.column(name).to_pylist() for name in names), strict=True)]


def write_person_records(wh: Warehouse, changes: Changes) -> None:
    """Bring identity.person_records up to date: rewrite `changes.rewrite`, drop gone rows.

    `changes.replace` (no usable table yet) writes the rewritten rows as the whole table.
    """
    rows = changes.rewrite.drop_columns([NEW])
    if changes.replace:
        wh.replace_arrow("identity.person_records", rows)
        return
    keys = sorted(changes.gone | set(rows.column("record_key").to_pylist()))
    wh.execute("delete from identity.person_records where record_key = any(?)", [keys])
    wh.insert_arrow("identity.person_records", rows)


@dataclass
class Changes:
    """What a run has news about, against identity.person_records as the last run left it."""

    # person_records rows to write, normalised now, in record key order; NEW marks the new
    # records and ones edited in a field linkage reads (the others were only re-normalised)
    rewrite: pa.Table
    gone: set[str]  # records the last run had that are no longer current
    first: bool  # no last run to compare with: everything is new
    replace: bool  # the stored table cannot be updated row by row: write `rewrite` as all of it


def _stored_state(wh: Warehouse) -> tuple[bool, bool]:
    """(fingerprints usable, raw hashes usable) in identity.person_records. A table written
    before a field was added cannot be updated row by row: it is rewritten whole."""
    columns = set(wh.columns("identity", "person_records"))
    complete = {_COLUMN_OF.get(name, name) for name in _FIELDS} <= columns
    return "fingerprint" in columns, "raw_hash" in columns and complete


def current_table(wh: Warehouse, changes: Changes) -> pa.Table:
    """Every current record as a `records_table` with NEW, in record key order: the rewritten
    ones as normalised now, the rest as identity.person_records holds them (every field
    linkage reads is there, so they need not be read from raw and normalised again)."""
    fresh = changes.rewrite
    if changes.replace:
        return fresh
    schema = fresh.schema.remove(fresh.schema.get_field_index(NEW))
    stored = wh.arrow(f"select {', '.join(schema.names)} from identity.person_records", schema)
    leave_out = pa.concat_arrays([pa.array(sorted(changes.gone), pa.string()),
                                  *fresh.column("record_key").chunks])
    kept = stored.filter(pc.invert(pc.is_in(stored.column("record_key"), value_set=leave_out)))
    kept = kept.append_column(NEW, pa.repeat(False, kept.num_rows))
    return pa.concat_tables([kept, fresh]).sort_by("record_key")


def changes_in(wh: Warehouse, records: list[PersonRecord]) -> Changes:
    """The news in a given list of every current record (tests and benchmarks pass one)."""
    fingerprints, hashes = _stored_state(wh)
    previous = dict(wh.rows("select record_key, fingerprint from identity.person_records")
                    ) if fingerprints else {}
    table = _with_news(records_table(records), [previous.get(r.record_key) for r in records])
    rewrite = table.filter(table.column(NEW)) if hashes else table
    gone = previous.keys() - {r.record_key for r in records}
    return Changes(rewrite.sort_by("record_key"), gone, not fingerprints, not hashes)


# Latest version of each source record: a record re-sent in a newer file replaces the older.
# Per source: its raw table, the where clause of a current row, and the raw column of each
# field `_normalised` reads (a field a source lacks, or whose file lacked the column, reads
# null). `pivot` is the date two-digit years are read against.
RAW_FIELDS = ("site", "id", "first", "middle", "last", "dob", "dob_quality", "ssn",
              "ssn_quality", "phone", "email", "street", "city", "zip", "intake_client_id",
              "hmis_personal_id", "pivot")
_SOURCES = {
    "hmis": ("hmis_client", "personal_id is not null and date_deleted is null",
             {"site": "_site", "id": "personal_id", "first": "first_name",
              "middle": "middle_name", "last": "last_name", "dob": "dob",
              "dob_quality": "dob_data_quality", "ssn": "ssn",
              "ssn_quality": "ssn_data_quality", "pivot": "_export_date"}),
    "intake": ("intake_submissions", "submission_id is not null",
               {"site": "_site", "id": "submission_id", "first": "first_name",
                "middle": "middle_name", "last": "last_name", "dob": "dob",
                "ssn": "ssn_last4", "phone": "phone", "email": "email",
                "street": "street_address", "city": "city", "zip": "zip",
                "intake_client_id": "intake_client_id", "hmis_personal_id": "hmis_personal_id"}),
    "survey": ("survey_responses", "response_id is not null",
               {"site": "_site", "id": "response_id", "first": "first_name",
                "last": "last_name", "phone": "phone", "email": "email"}),
}
_LATEST = """
    select {columns}
    from (select *, row_number() over (
              partition by _site, {rid} order by _loaded_at desc, _source_row desc
          ) as _version
          from raw.{table}
          where {where}) versions
    where _version = 1"""
# Screen respondents are HMIS clients; one whose Client row never arrived still needs an ID.
_SCREEN_RESPONDENTS = """
    select distinct {columns}
    from raw.screens s
    where s.personal_id is not null{without_client}"""
_WITHOUT_CLIENT = """ and not exists (
        select 1 from raw.hmis_client c
        where c._site = s._site and c.personal_id = s.personal_id and c.date_deleted is null)"""
_SCREEN_FIELDS = {"site": "s._site", "id": "s.personal_id"}


def _record_key(source: str, raw: dict[str, str]) -> str:
    return f"'{source}:' || {raw['site']} || ':' || {raw['id']} as record_key"


def _columns(wh: Warehouse, source: str, table: str, raw: dict[str, str]) -> str:
    """Record key, source table, raw hash and the raw fields of one source's current rows.

    The hash covers every field normalisation reads (null kept apart from empty), so a
    record whose hash is unchanged since the last run need not be normalised again.
    """
    present = [raw.get(f) for f in RAW_FIELDS]
    hashed = [f"coalesce('=' || cast({c} as varchar), '~')" for c in present if c]
    raw_hash = wh.sha256_hex(" || chr(31) || ".join([f"'{table}'", *hashed]))
    return ", ".join([_record_key(source, raw), f"'{table}' as source_table",
                      f"{raw_hash} as raw_hash", *(c or "null" for c in present)])


def _present(wh: Warehouse, table: str, raw: dict[str, str]) -> dict[str, str]:
    """The fields a raw table has; a column no file of it carried (an intake form without
    `dob`) reads as null."""
    columns = set(wh.columns("raw", table))
    return {field: c for field, c in raw.items() if c in columns}


def _latest_queries(wh: Warehouse, keys_only: bool = False) -> list[str]:
    """One query per raw table holding person rows, each row one current person record; with
    `keys_only`, just the record keys (which need no ranking of versions: every version of a
    current record has its key)."""
    queries = [(f"select distinct {_record_key(source, raw)} from raw.{table} where {where}"
                if keys_only else
                _LATEST.format(columns=_columns(wh, source, table, _present(wh, table, raw)),
                               rid=raw["id"], table=table, where=where))
               for source, (table, where, raw) in _SOURCES.items()
               if wh.table_exists("raw", table)]
    if wh.table_exists("raw", "screens"):
        queries.append(_SCREEN_RESPONDENTS.format(
            columns=_record_key("hmis", _SCREEN_FIELDS) if keys_only
            else _columns(wh, "hmis", "screens", _SCREEN_FIELDS),
            without_client=_WITHOUT_CLIENT if wh.table_exists("raw", "hmis_client") else ""))
    return queries


def _normalised(key: str, table: str, values: list) -> PersonRecord:
    """A person record from the raw fields (RAW_FIELDS) of a row of `_columns`."""
    raw = dict(zip(RAW_FIELDS, values, strict=True))
    first_norm, last_norm = normalize.identifying_names(raw["first"], raw["last"])
    number, street, unit = normalize.address(raw["street"])
    pivot = date.fromisoformat(raw["pivot"]) if raw["pivot"] else None
    return PersonRecord(
        record_key=key,
        source=key.split(":", 1)[0],
        site=raw["site"],
        source_record_id=raw["id"],
        first=first_norm,
        last=last_norm,
        dob=normalize.dob(raw["dob"], raw["dob_quality"], pivot),
        ssn_last4=normalize.ssn_last4(raw["ssn"], raw["ssn_quality"]),
        phone=normalize.phone(raw["phone"]),
        email=normalize.email(raw["email"]),
        intake_client_id=raw["intake_client_id"],
        hmis_personal_id=raw["hmis_personal_id"],
        ssn=normalize.ssn(raw["ssn"], raw["ssn_quality"]),
        dob_approximate=normalize.dob_is_approximate(raw["dob_quality"]),
        source_table=table,
        middle=normalize.name(raw["middle"]),
        address_number=number,
        address_street=street,
        address_unit=unit,
        city=normalize.place(raw["city"]),
        zip=normalize.zip_code(raw["zip"]),
    )


def read_person_records(wh: Warehouse) -> Iterator[PersonRecord]:
    """Every current person record in raw, normalised; deleted HMIS clients are not people."""
    for query in _latest_queries(wh):
        for batch in wh.stream(query):
            for key, table, _, *raw in batch:
                yield _normalised(key, table, raw)


# Current rows with the fingerprint the last run stored for them.
_WITH_FINGERPRINT = """
    select latest.*, p.fingerprint from ({latest}) latest
    left join identity.person_records p on p.record_key = latest.record_key"""
_GONE = """
    select record_key from identity.person_records p
    where not exists (select 1 from ({keys}) latest where latest.record_key = p.record_key)"""


def _stale_query(latest: str, fingerprints: bool, hashes: bool) -> str:
    """The current rows of one `latest` query whose raw hash is not the stored one (all rows
    when none is stored), with their stored fingerprint (null when there is none)."""
    if not fingerprints:
        return f"select *, null as fingerprint from ({latest}) latest"
    stale = " where p.raw_hash is distinct from latest.raw_hash" if hashes else ""
    return _WITH_FINGERPRINT.format(latest=latest) + stale


def changes_in_raw(wh: Warehouse) -> Changes:
    """The news in raw: only rows new or changed since the last run are normalised.

    Which rows those are (and which records are gone) is worked out in SQL against the raw
    hashes identity.person_records keeps, so a nightly run reads what is new, not everyone.
    Each batch of rows becomes Arrow as it is normalised: a first run holds millions.
    """
    fingerprints, hashes = _stored_state(wh)
    queries = _latest_queries(wh)
    parts = [_with_news(records_table([]), [])]
    for query in queries:
        for batch in wh.stream(_stale_query(query, fingerprints, hashes)):
            records = [_normalised(key, table, raw) for key, table, _, *raw, _ in batch]
            parts.append(_with_news(records_table(records, [row[2] for row in batch]),
                                    [row[-1] for row in batch]))
    gone: set[str] = set()
    if fingerprints:
        keys = " union all ".join(_latest_queries(wh, keys_only=True)) or (
            "select null as record_key")
        gone = {k for (k,) in wh.rows(_GONE.format(keys=keys))}
    return Changes(pa.concat_tables(parts).sort_by("record_key"), gone, not fingerprints,
                   not hashes)
