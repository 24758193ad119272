"""Deterministic links: source systems' own identifiers say two records are one person.

They run before any scoring and are never second-guessed by it (only a reviewed force-split
can undo one). Rules, strongest first:
- `intake_client_id`: intake submissions with the same intake-system client id at one site;
- `intake_hmis_id`: an intake submission that names an HMIS PersonalID at its own site, and
  that HMIS client (several exports of one PersonalID are already one record: same key).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.identity.records import PersonRecord

# (rule, source, field): records of `source` sharing (site, field) are one person. An intake's
# ids count only when filled in; an HMIS record's own id always does.
_RULE_FIELDS = (("intake_client_id", "intake", "intake_client_id"),
                ("intake_hmis_id", "intake", "hmis_personal_id"),
                ("intake_hmis_id", "hmis", "source_record_id"))


def rule_keys(record: PersonRecord) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The (rule, key) pairs under which every record sharing the key is one person."""
    for rule, source, name in _RULE_FIELDS:
        value = getattr(record, name)
        if record.source == source and (value or source == "hmis"):
            yield rule, (record.site, value)


def rule_key_text(record: PersonRecord) -> list[str]:
    """`rule_keys` as the strings RULE_KEYS_SQL builds, to look holders up in the warehouse."""
    return ["|".join((rule, *key)) for rule, key in rule_keys(record)]


# `rule_key_text` of every row of identity.person_records, in SQL both engines speak.
RULE_KEYS_SQL = """
    select record_key, 'intake_client_id|' || site || '|' || intake_client_id as rule_key
    from identity.person_records where source = 'intake' and intake_client_id <> ''
    union all
    select record_key, 'intake_hmis_id|' || site || '|' || hmis_personal_id
    from identity.person_records where source = 'intake' and hmis_personal_id <> ''
    union all
    select record_key, 'intake_hmis_id|' || site || '|' || source_record_id
    from identity.person_records where source = 'hmis'"""


def _rule_holders(records: pa.Table) -> pa.Table:
    """(rule, site, value, record_key) for every rule key of `rule_keys` of these records."""
    parts = []
    for rule, source, column in _RULE_FIELDS:
        held = pc.equal(records.column("source"), source)
        if source == "intake":
            held = pc.and_kleene(held, pc.not_equal(records.column(column), ""))
        rows = records.filter(held)
        parts.append(pa.table({"rule": pa.repeat(rule, rows.num_rows).cast(pa.string()),
                               "site": rows.column("site"), "value": rows.column(column),
                               "record_key": rows.column("record_key")}))
    return pa.concat_tables(parts)


def deterministic_edges(records: pa.Table) -> pa.Table:
    """A star of edges per shared key: the first holder (by record key) to every other.

    `records` has the columns of identity.person_records; the edges (record_key_l <
    record_key_r, rule) come sorted. Arrow does the grouping: a first run has millions.
    """
    holders = _rule_holders(records)
    keys = ["rule", "site", "value"]
    hubs = holders.group_by(keys).aggregate([("record_key", "min")])
    joined = holders.join(hubs, keys)
    others = joined.filter(pc.not_equal(joined.column("record_key"),
                                        joined.column("record_key_min")))
    edges = pa.table({"record_key_l": others.column("record_key_min"),
                      "record_key_r": others.column("record_key"),
                      "rule": others.column("rule")})
    return edges.sort_by([(name, "ascending") for name in edges.column_names])
