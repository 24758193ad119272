"""Personal identifiers stay in the two zones that need them: `raw` (as delivered) and
`identity` (linkage). Every other schema of the warehouse a BI tool or analyst may be given
carries person IDs, codes and dates of service, not a name, SSN, birth date or contact
detail: checked by column name and by value on the end-to-end agency."""

from __future__ import annotations

from orchestration.reports.config import load_reports_config
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse

PII_ZONES = {"raw", "identity", "quarantine"}  # quarantine: rows held back from raw, whole
# A project's and an organisation's address are the agency's own, not a person's.
AGENCY_ADDRESSES = {("staging", "stg_hmis__project_cocs"), ("staging", "stg_hmis__organizations")}
BIRTH_DATES = {"dob", "birth_date", "date_of_birth"}


def _pii_columns() -> set[str]:
    config = load_reports_config(REPO_ROOT / "rubrics" / "reports.yaml")
    return set(config.identifier_columns) | set(config.name_columns) | BIRTH_DATES


def test_no_identifier_leaves_raw_and_identity(pipeline) -> None:
    pii = _pii_columns()
    with Warehouse(pipeline["db"], read_only=True) as wh:
        found = [(schema, table, column) for schema, table, column in wh.rows(
            "select table_schema, table_name, column_name from information_schema.columns"
            " order by all")
            if schema not in PII_ZONES and (schema, table) not in AGENCY_ADDRESSES
            and column.lower() in pii]
        assert found == []

        # and by value: no client's SSN or full name appears in any text column elsewhere
        ssns = {s for (s,) in wh.rows("select distinct trim(ssn) from raw.hmis_client"
                                      " where length(trim(ssn)) = 9")}
        assert ssns
        texts = [(schema, table, column) for schema, table, column in wh.rows(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where data_type = 'VARCHAR'") if schema not in PII_ZONES]
        for schema, table, column in texts:
            leaked = wh.scalar(f'select count(*) from "{schema}"."{table}"'
                               f' where "{column}" in (select unnest(?::varchar[]))',
                               [sorted(ssns)])
            assert leaked == 0, (schema, table, column)
