"""The links a run stores: whatever it carried, stored before or had refused is left out, and
a run that carries nothing (a first run) does so without copying its links first."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from orchestration.identity import links as link_store
from orchestration.identity.links import CARRIED_RULE, SCORED_RULE
from orchestration.identity.resolve import _fresh_links

NOW = datetime(2026, 11, 1)


def _links(*rows: tuple[str, str, str | None]) -> pa.Table:
    return link_store.with_columns(pa.table({
        "record_key_l": pa.array([a for a, _, _ in rows], pa.string()),
        "record_key_r": pa.array([b for _, b, _ in rows], pa.string()),
        "rule": pa.array([r for _, _, r in rows], pa.string())}), linked_at=NOW)


def _rows(table: pa.Table) -> list[tuple]:
    return sorted((r["record_key_l"], r["record_key_r"], r["rule"]) for r in table.to_pylist())


def test_nothing_carried_keeps_every_link_not_stored_or_refused() -> None:
    ordered = _links(("a", "b", "source_id"), ("a", "c", SCORED_RULE), ("d", "e", SCORED_RULE),
                     ("f", "g", SCORED_RULE))
    stored = _links(("d", "e", SCORED_RULE))
    fresh = _fresh_links(ordered, stored, {("f", "g")})
    assert fresh.schema == link_store.LINK_SCHEMA
    assert _rows(fresh) == [("a", "b", "source_id"), ("a", "c", SCORED_RULE)]


def test_carried_links_and_links_without_a_rule_are_left_out() -> None:
    ordered = _links(("a", "b", CARRIED_RULE), ("a", "c", SCORED_RULE), ("x", "y", None))
    assert _rows(_fresh_links(ordered, _links(), set())) == [("a", "c", SCORED_RULE)]


def test_links_without_a_rule_are_left_out_when_nothing_is_carried() -> None:
    ordered = _links(("a", "c", SCORED_RULE), ("x", "y", None))
    assert _rows(_fresh_links(ordered, _links(), set())) == [("a", "c", SCORED_RULE)]
