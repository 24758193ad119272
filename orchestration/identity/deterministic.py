"""Deterministic links: source systems' own identifiers say two records are one person.

They run before any scoring and are never second-guessed by it (only a reviewed force-split
can undo one). Rules, strongest first:
- `intake_client_id`: intake submissions with the same intake-system client id at one site;
- `intake_hmis_id`: an intake submission that names an HMIS PersonalID at its own site, and
  that HMIS client (several exports of one PersonalID are already one record: same key).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from orchestration.identity.records import PersonRecord

Edge = tuple[str, str, str]  # (record_key_l, record_key_r, rule) with l < r


def rule_keys(record: PersonRecord) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The (rule, key) pairs under which every record sharing the key is one person."""
    if record.source == "intake" and record.intake_client_id:
        yield "intake_client_id", (record.site, record.intake_client_id)
    if record.source == "intake" and record.hmis_personal_id:
        yield "intake_hmis_id", (record.site, record.hmis_personal_id)
    if record.source == "hmis":
        yield "intake_hmis_id", (record.site, record.source_record_id)


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


def deterministic_edges(records: Iterable[PersonRecord]) -> list[Edge]:
    """A star of edges per shared key: the first holder (by record key) to every other."""
    holders: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for record in records:
        for rule_key in rule_keys(record):
            holders.setdefault(rule_key, []).append(record.record_key)
    edges: list[Edge] = []
    for (rule, _), keys in holders.items():
        hub, *others = sorted(keys)
        edges.extend((min(hub, k), max(hub, k), rule) for k in others)
    return sorted(edges)
