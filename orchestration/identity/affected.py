"""Which records a run may regroup: the ones it has news about, and all they are linked to.

People an earlier run built are kept whole (carried links), and every link among unchanged
records was applied when it was made. So grouping can only change in the connected
components (joined by people, source identifiers and stored links) that hold a new, changed
or removed record or one a reviewer decided about; everyone else keeps their person_id
without being read. The components are found by walking the links in the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.identity.deterministic import RULE_KEYS_SQL, rule_key_text
from orchestration.identity.records import PersonRecord
from orchestration.warehouse import Warehouse

# Record keys one step from the frontier (?) through a person, a stored link or a rule key (?).
_NEIGHBOURS_SQL = f"""
    select record_key from identity.crosswalk where person_id in (
        select person_id from identity.crosswalk where record_key = any(?))
    union
    select record_key_r from identity.link_edges where record_key_l = any(?)
    union
    select record_key_l from identity.link_edges where record_key_r = any(?)
    union
    select record_key from ({RULE_KEYS_SQL}) holders where rule_key = any(?)"""
_RULE_KEYS_OF_SQL = f"select rule_key from ({RULE_KEYS_SQL}) keyed where record_key = any(?)"


def _holders(records: Iterable[PersonRecord]) -> dict[str, list[str]]:
    holders: dict[str, list[str]] = {}
    for record in records:
        for rule_key in rule_key_text(record):
            holders.setdefault(rule_key, []).append(record.record_key)
    return holders


def affected_keys(wh: Warehouse, seeds: set[str], changed: dict[str, PersonRecord]) -> set[str]:
    """Every record key connected to `seeds` (the records the run has news about).

    `changed` are the new and changed records: their rule keys are not in the warehouse yet
    (identity.person_records still holds the old values, which may link too: both count).
    """
    holders = _holders(changed.values())
    found, frontier = set(seeds), sorted(seeds)
    while frontier:
        rule_keys = {k for key in frontier if key in changed for k in rule_key_text(changed[key])}
        rule_keys.update(r for (r,) in wh.rows(_RULE_KEYS_OF_SQL, [frontier]))
        step = {k for (k,) in wh.rows(_NEIGHBOURS_SQL, [frontier] * 3 + [sorted(rule_keys)])}
        step.update(k for rule_key in rule_keys for k in holders.get(rule_key, ()))
        frontier = sorted(step - found)
        found.update(frontier)
    return found
