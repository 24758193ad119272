"""One identity run: person records from raw -> links -> people with persistent person_ids.

Order of evidence, strongest first: reviewed force-links; source identifiers
(`deterministic.py`); the people earlier runs built (kept whole); scored links from the
Splink model, by falling probability. Reviewed force-splits are constraints no link may
break. Only records that are new or changed since the last run are scored, against the
existing population and among themselves, and only the people linked to them are regrouped
and rewritten (`affected.py`): a nightly run's cost follows what is new, not the population.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from splink.internals.exceptions import SplinkException

from orchestration.identity import links as link_store
from orchestration.identity import review
from orchestration.identity.affected import affected_keys
from orchestration.identity.clustering import ConstrainedUnionFind
from orchestration.identity.deterministic import deterministic_edges
from orchestration.identity.links import CARRIED_RULE, OVERRIDE_LINK_RULE, SCORED_RULE, Link
from orchestration.identity.model_store import (
    LinkageModel,
    active_trained_model,
    prior_model,
    record_model,
    spec_version,
)
from orchestration.identity.overrides import Overrides, load_overrides
from orchestration.identity.records import (
    Changes,
    PersonRecord,
    changes_in,
    changes_in_raw,
    current_table,
    table_records,
    write_person_records,
)
from orchestration.identity.registry import Registry, assign_ids, ensure_tables, write_registry
from orchestration.identity.scoring import ScoredPair, score_new_records
from orchestration.identity.stages import StageTimer
from orchestration.identity.training import TrainingError, train_model
from orchestration.identity.workspace import Workspace, build_frame, linkage_workspace
from orchestration.warehouse import Warehouse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdentityOptions:
    """Thresholds and knobs of a run (from `Settings`; see docs/identity.md)."""

    overrides_path: Path
    temp_dir: Path
    link_threshold: float = 0.99
    review_threshold: float = 0.2
    retrain: bool = False
    seed: int = 42
    min_training_records: int = 500
    max_block_size: int = 50
    u_max_pairs: float = 1e7
    em_max_pairs: float = 2e6
    threads: int | None = None
    memory_limit: str | None = None  # the linkage workspace's DuckDB limit (it spills past it)
    regroup_all: bool = False  # regroup every record, e.g. after a force-split was withdrawn


@dataclass
class IdentitySummary:
    records: int = 0
    new_records: int = 0
    persons_issued: int = 0
    merges: int = 0
    splits: int = 0
    active_persons: int = 0
    pairs_scored: int = 0
    links_accepted: int = 0
    review_queue: int = 0
    model_version: str = ""
    model_kind: str = ""
    trained: str = ""  # why a model was trained this run, or empty
    links_refused: int = 0
    override_records_unknown: int = 0
    timer: StageTimer = field(default_factory=StageTimer)


def _known_keys(wh: Warehouse, keys: set[str], changes: Changes) -> set[str]:
    """The keys among `keys` of a record in this run or in the crosswalk."""
    unseen = [sorted(keys - changes.changed.keys())]
    known = {k for (k,) in wh.rows(
        "select record_key from identity.crosswalk where record_key = any(?)", unseen)}
    if not changes.first:
        known.update(k for (k,) in wh.rows(
            "select record_key from identity.person_records where record_key = any(?)", unseen)
            if k not in changes.gone)
    return known | (keys & changes.changed.keys())


def _records_of(table: pa.Table, keys: set[str]) -> list[PersonRecord]:
    """The current records with these keys, in key order (`table` is in key order)."""
    return table_records(table.filter(pc.is_in(table.column("record_key"),
                                               value_set=pa.array(sorted(keys), pa.string()))))


def _choose_model(wh: Warehouse, ws: Workspace, options: IdentityOptions,
                  records: int) -> LinkageModel:
    """The active trained model, unless training is asked for or unavoidable."""
    active = active_trained_model(wh)
    if options.retrain:
        reason = "retrain requested"
    elif active is None:
        reason = "no trained model yet"
    elif active.spec != spec_version():
        reason = "comparisons changed since the active model was trained"
    else:
        return active
    usable = active if active is not None and active.spec == spec_version() else None
    if records < options.min_training_records:
        return usable or prior_model()
    try:
        return train_model(ws.db_api, "records", options.seed, options.u_max_pairs,
                           options.em_max_pairs, reason)
    except (TrainingError, SplinkException) as exc:
        logger.warning("identity: training failed (%s); using the %s model", exc,
                       "active" if usable else "prior")
        return usable or prior_model()


def _ordered_links(overrides: Overrides, records: list[PersonRecord], registry: Registry,
                   stored: list[Link], scored: list[ScoredPair], model: LinkageModel,
                   options: IdentityOptions, now: datetime) -> list[Link]:
    """Every link of this run in order of authority (see the module docstring)."""
    ordered = [Link(min(a, b), max(a, b), OVERRIDE_LINK_RULE, evidence=reason, linked_at=now)
               for a, b, reason in overrides.link_pairs()]
    ordered += [Link(a, b, rule, linked_at=now) for a, b, rule in deterministic_edges(records)]
    split_keys = {k for pair in overrides.split_pairs() for k in pair}
    split_persons = {registry.person_of(k) for k in split_keys} - {None}
    members: dict[str, list[str]] = {}
    for key, row in registry.crosswalk.items():
        if row[3] not in split_persons:
            members.setdefault(row[3], []).append(key)
    for keys in members.values():
        hub, *rest = sorted(keys)
        ordered += [Link(hub, k, CARRIED_RULE) for k in rest]
    new_scored = [Link(p.record_key_l, p.record_key_r, SCORED_RULE, p.match_probability,
                       p.match_weight, p.evidence, model.version, now)
                  for p in scored if p.match_probability >= options.link_threshold]
    probabilistic = [link for link in stored if link.rule == SCORED_RULE] + new_scored
    probabilistic.sort(key=lambda link: (-(link.match_probability or 0.0), link.pair))
    return ordered + probabilistic


def _merge_evidence(groups: list[list[str]], links: list[Link],
                    registry: Registry) -> dict[int, tuple[str, str]]:
    """For each group that joins several existing people: the rule and links that joined them."""
    index_of: dict[str, int] = {}
    for index, group in enumerate(groups):
        if len({registry.person_of(k) for k in group} - {None}) > 1:
            index_of.update(dict.fromkeys(group, index))
    bridges: dict[int, list[Link]] = {}
    for link in links:
        index = index_of.get(link.record_key_l)
        if (index is not None and link.rule != CARRIED_RULE
                and registry.person_of(link.record_key_l) != registry.person_of(link.record_key_r)):
            bridges.setdefault(index, []).append(link)
    return {index: (found[0].rule, "; ".join(link.describe() for link in found[:5]))
            for index, found in bridges.items()}


def resolve_identities(wh: Warehouse, options: IdentityOptions, now: datetime,
                       records: list[PersonRecord] | None = None) -> IdentitySummary:
    """Link the records (default: every current record in raw) and write the identity tables.

    Reading raw, only rows changed since the last run are normalised (`changes_in_raw`);
    a given list (tests, benchmarks) is compared with the last run record by record.

    Everything is written in one transaction: a failed run leaves the last good state.
    """
    summary = IdentitySummary()
    timer = summary.timer
    with timer("read"):
        ensure_tables(wh)
        changes = changes_in_raw(wh) if records is None else changes_in(wh, records)
        table = current_table(wh, changes)
        reviewed = load_overrides(options.overrides_path)
        known = _known_keys(wh, reviewed.record_keys(), changes)
        overrides = reviewed.within(known)
    summary.records, summary.new_records = table.num_rows, len(changes.changed)
    summary.override_records_unknown = len(reviewed.record_keys() - known)
    with linkage_workspace(options.temp_dir, options.threads, options.memory_limit) as ws:
        with timer("frame"):
            existing, new = build_frame(ws.con, table, set(changes.changed),
                                        options.max_block_size)
        with timer("train"):
            model = _choose_model(wh, ws, options, table.num_rows)
        with timer("score"):
            scored = score_new_records(ws, model, existing > 0, options.review_threshold
                                       ) if new else []
    with timer("cluster"):
        if changes.first or options.regroup_all:
            regroup = set(table.column("record_key").to_pylist()) | {k for (k,) in wh.rows(
                "select record_key from identity.crosswalk")}
        else:
            linked = {k for p in scored if p.match_probability >= options.link_threshold
                      for k in (p.record_key_l, p.record_key_r)}
            regroup = affected_keys(wh, changes.changed.keys() | changes.gone
                                    | overrides.record_keys() | linked, changes.changed)
        registry = Registry.load(wh, regroup)
        stored = link_store.load_links(wh, regroup)
        regrouped = _records_of(table, regroup)
        ordered = _ordered_links(overrides, regrouped, registry, stored, scored, model, options,
                                 now)
        sets = ConstrainedUnionFind(overrides.split_pairs())
        for key in sorted(regroup):
            sets.add(key)
        for link in ordered:
            sets.union(*link.pair, link.rule)
        groups = sets.groups()
        evidence = _merge_evidence(groups, ordered, registry)
        sources = {r.record_key: (r.source, r.site, r.source_record_id) for r in regrouped}
        assignment = assign_ids(registry, groups, sets.rule_of, sources, evidence, now)
    with timer("write"):
        refused = {(a, b) if a < b else (b, a) for a, b, _ in sets.refused}
        known = {(link.pair, link.rule) for link in stored}
        fresh = [link for link in ordered if link.rule != CARRIED_RULE
                 and (link.pair, link.rule) not in known and link.pair not in refused]
        uncertain = [p for p in scored if p.match_probability < options.link_threshold]
        with wh.transaction():
            write_registry(wh, registry, assignment)
            link_store.append_links(wh, fresh)
            summary.review_queue = review.refresh_queue(
                wh, uncertain, model.version, registry, overrides.decided_pairs(), now)
            write_person_records(wh, changes.rewrite, changes.raw_hashes, changes.gone,
                                 changes.replace)
            if model.reason:
                record_model(wh, model, now, table.num_rows, options.seed)
        summary.active_persons = wh.scalar(
            "select count(*) from identity.persons where status = 'active'")
    summary.persons_issued = assignment.issued
    summary.merges, summary.splits = len(assignment.merges), len(assignment.splits)
    summary.pairs_scored = len(scored)
    summary.links_accepted = len(scored) - len(uncertain)
    summary.links_refused = len(refused)
    summary.model_version, summary.model_kind = model.version, model.kind
    summary.trained = model.reason if model.kind == "trained" else ""
    return summary
