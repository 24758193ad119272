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
import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from splink.internals.exceptions import SplinkException

from orchestration.identity import links as link_store
from orchestration.identity import review
from orchestration.identity.affected import affected_keys
from orchestration.identity.clustering import Grouping, group_records
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
from orchestration.identity.pair_scoring import (
    SCORED_SCHEMA,
    population_probabilities,
    score_new_records,
)
from orchestration.identity.records import (
    NEW,
    Changes,
    PersonRecord,
    changes_in,
    changes_in_raw,
    current_table,
    table_records,
    write_person_records,
)
from orchestration.identity.registry import (
    Registry,
    assign_ids,
    ensure_tables,
    new_crosswalk,
    registered_members,
    write_registry,
)
from orchestration.identity.stages import StageTimer
from orchestration.identity.threshold import DEFAULT_TARGET_PRECISION, choose_threshold, expected_at
from orchestration.identity.training import TrainingError, train_model
from orchestration.identity.workspace import Workspace, build_frame, linkage_workspace
from orchestration.warehouse import Warehouse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdentityOptions:
    """Thresholds and knobs of a run (from `Settings`; see docs/identity.md)."""

    overrides_path: Path
    temp_dir: Path
    link_threshold: float | None = None  # None: the model's, chosen from its own scores
    target_precision: float = DEFAULT_TARGET_PRECISION  # what that threshold must expect
    review_threshold: float = 0.2  # the review band: pairs from here to the link threshold
    review_per_1000: float = 5.0  # at most this many queued pairs per 1,000 records
    retrain: bool = False
    seed: int = 42
    min_training_records: int = 500
    max_block_size: int = 50
    u_max_pairs: float = 5e6
    em_max_pairs: float = 1e6
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
    link_threshold: float = 0.0
    threshold_source: str = ""
    expected_precision: float = 1.0  # of this run's links, as the model scores them
    expected_recall: float = 1.0
    review_band: int = 0  # pairs in the review band, before the queue's capacity
    from_priors: tuple[str, ...] = ()
    timer: StageTimer = field(default_factory=StageTimer)


def _known_keys(wh: Warehouse, keys: set[str], table: pa.Table) -> set[str]:
    """The keys among `keys` of a current record (in `table`) or in the crosswalk."""
    current = set(table.column("record_key").filter(pc.is_in(
        table.column("record_key"), value_set=pa.array(sorted(keys), pa.string()))).to_pylist())
    return current | {k for (k,) in wh.rows(
        "select record_key from identity.crosswalk where record_key = any(?)",
        [sorted(keys - current)])}


def _affected(wh: Warehouse, changes: Changes, table: pa.Table, accepted: pa.Table,
              overrides: Overrides) -> set[str]:
    """The records a nightly run regroups: all those linked to one it has news about."""
    linked = set(accepted.column("record_key_l").to_pylist()) | set(
        accepted.column("record_key_r").to_pylist())
    changed = {r.record_key: r for r in table_records(table.filter(table.column(NEW)))}
    return affected_keys(wh, changed.keys() | changes.gone | overrides.record_keys() | linked,
                         changed)


def _regrouped(table: pa.Table, keys: list[str] | None,
               registry: Registry) -> tuple[pa.Array, pa.Table]:
    """The record keys a run regroups, sorted, and their current records: `keys`, or (None)
    every current record and every one in the crosswalk."""
    if keys is not None:
        wanted = pa.array(keys, pa.string())
        return wanted, table.filter(pc.is_in(table.column("record_key"), value_set=wanted))
    every = pa.chunked_array([*table.column("record_key").chunks,
                              pa.array(list(registry.crosswalk), pa.string())])
    return pc.unique(every).sort(), table


def _release_scratch() -> None:
    """Hand the memory Arrow freed back to the system: its allocator keeps it for reuse, so a
    stage's scratch (sorting millions of records, say) would stay resident through the next."""
    pa.default_memory_pool().release_unused()


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


def _calibrated(ws: Workspace, model: LinkageModel, probabilities: np.ndarray,
                everything_new: bool, options: IdentityOptions) -> LinkageModel:
    """The model with its link threshold: kept from when it was trained, else chosen now from
    its scores of the whole population (this run's, when every record is new)."""
    if model.calibration is not None:
        return model
    if not everything_new:
        probabilities = population_probabilities(ws, model, options.review_threshold)
    return replace(model, calibration=choose_threshold(probabilities, options.target_precision))


def _carried_links(registry: Registry, overrides: Overrides) -> pa.Table:
    """A star per person earlier runs built (its first record to every other), except the
    people a force-split is about: they are regrouped from their links."""
    split_keys = {k for pair in overrides.split_pairs() for k in pair}
    split_persons = {registry.person_of(k) for k in split_keys} - {None}
    members: dict[str, list[str]] = {}
    for key, row in registry.crosswalk.items():
        if row.person_id not in split_persons:
            members.setdefault(row.person_id, []).append(key)
    pairs = [(hub, k) for keys in members.values() for hub, *rest in [sorted(keys)]
             for k in rest]
    return link_store.with_columns(pa.table({
        "record_key_l": pa.array([a for a, _ in pairs], pa.string()),
        "record_key_r": pa.array([b for _, b in pairs], pa.string())}), rule=CARRIED_RULE,
        evidence="")


def _ordered_links(overrides: Overrides, records: pa.Table, registry: Registry,
                   stored: pa.Table, accepted: pa.Table, model: LinkageModel,
                   now: datetime) -> pa.Table:
    """Every link of this run in order of authority (see the module docstring), as
    link_edges rows; `accepted` are the scored pairs at or above the link threshold."""
    forced = link_store.links_table([
        Link(min(a, b), max(a, b), OVERRIDE_LINK_RULE, evidence=reason, linked_at=now)
        for a, b, reason in overrides.link_pairs()])
    deterministic = link_store.with_columns(deterministic_edges(records), evidence="",
                                            linked_at=now)
    scored = link_store.with_columns(accepted, rule=SCORED_RULE, model_version=model.version,
                                     linked_at=now)
    probabilistic = pa.concat_tables([
        stored.filter(pc.equal(stored.column("rule"), SCORED_RULE)), scored]).sort_by([
            ("match_probability", "descending"), ("record_key_l", "ascending"),
            ("record_key_r", "ascending")])
    return pa.concat_tables([forced, deterministic, _carried_links(registry, overrides),
                             probabilistic])


def _fresh_links(ordered: pa.Table, stored: pa.Table, refused: set[tuple[str, str]]
                 ) -> pa.Table:
    """The links of this run to store: not carried, not stored before, not refused."""
    keys = ["record_key_l", "record_key_r", "rule"]
    kept = pc.not_equal(ordered.column("rule"), CARRIED_RULE)
    # a first run carries nothing: no filtered copy of millions of links beside `ordered`
    if kept.null_count or not pc.all(kept).as_py():
        ordered = ordered.filter(kept)
    fresh = ordered.join(stored.select(keys), keys, join_type="left anti")
    if refused:
        fresh = fresh.join(pa.table({"record_key_l": [a for a, _ in refused],
                                     "record_key_r": [b for _, b in refused]}),
                           keys[:2], join_type="left anti")
    return fresh.select(link_store.LINK_SCHEMA.names)


def _merge_evidence(grouping: Grouping, members: dict[int, list[str]], links: pa.Table,
                    registry: Registry) -> dict[int, tuple[str, str]]:
    """For each group that joins several existing people: the rule and links that joined them."""
    merging = [group for group, keys in members.items()
               if len({registry.person_of(k) for k in keys}) > 1]
    if not merging:
        return {}
    keys, groups = grouping.members_of(merging)
    index_of = dict(zip(keys.to_pylist(), groups.tolist(), strict=True))
    candidates = links.filter(pc.and_(pc.is_in(links.column("record_key_l"), value_set=keys),
                                      pc.not_equal(links.column("rule"), CARRIED_RULE)))
    bridges: dict[int, list[Link]] = {}
    for row in candidates.to_pylist():
        link = Link(**row)
        if registry.person_of(link.record_key_l) != registry.person_of(link.record_key_r):
            bridges.setdefault(index_of[link.record_key_l], []).append(link)
    return {index: (found[0].rule, "; ".join(link.describe() for link in found[:5]))
            for index, found in bridges.items()}


def resolve_identities(wh: Warehouse, options: IdentityOptions, now: datetime,
                       records: list[PersonRecord] | None = None) -> IdentitySummary:
    """Link the records (default: every current record in raw) and write the identity tables.

    Reading raw, only rows changed since the last run are normalised (`changes_in_raw`);
    a given list (tests, benchmarks) is compared with the last run record by record.
    Records, scored pairs and links stay in Arrow and the grouping in flat arrays, so a
    first run over millions of records fits in memory.

    Everything is written in one transaction: a failed run leaves the last good state.
    """
    summary = IdentitySummary()
    timer = summary.timer
    with timer("read"):
        ensure_tables(wh)
        changes = changes_in_raw(wh) if records is None else changes_in(wh, records)
        table = current_table(wh, changes)
        reviewed = load_overrides(options.overrides_path)
        known = _known_keys(wh, reviewed.record_keys(), table)
        overrides = reviewed.within(known)
        _release_scratch()
    summary.records = table.num_rows
    summary.new_records = pc.sum(table.column(NEW)).as_py() or 0
    summary.override_records_unknown = len(reviewed.record_keys() - known)
    with linkage_workspace(options.temp_dir, options.threads, options.memory_limit,
                           held_bytes=table.nbytes) as ws:
        with timer("frame"):
            existing, new = build_frame(ws.con, table, options.max_block_size)
        with timer("train"):
            model = _choose_model(wh, ws, options, table.num_rows)
        with timer("score"):
            scored = score_new_records(ws, model, existing > 0, options.review_threshold
                                       ) if new else SCORED_SCHEMA.empty_table()
            probabilities = scored.column("match_probability").to_numpy()
            model = _calibrated(ws, model, probabilities, existing == 0, options)
    threshold = options.link_threshold or model.calibration.threshold
    run = expected_at(probabilities, threshold)
    summary.link_threshold, summary.threshold_source = threshold, (
        "setting" if options.link_threshold else
        f"model: expected precision >= {options.target_precision}")
    summary.expected_precision = run.expected_precision
    summary.expected_recall = run.expected_recall
    summary.pairs_scored = len(probabilities)
    sure = pc.greater_equal(scored.column("match_probability"), threshold)
    accepted, uncertain = scored.filter(sure), scored.filter(pc.invert(sure))
    summary.review_band = uncertain.num_rows
    del scored, probabilities
    _release_scratch()
    with timer("cluster"):
        regroup = None if changes.first or options.regroup_all else sorted(
            _affected(wh, changes, table, accepted, overrides))
        registry = Registry.load(wh, regroup)
        stored = link_store.load_links(wh, regroup)
        keys, regrouped = _regrouped(table, regroup, registry)
        ordered = _ordered_links(overrides, regrouped, registry, stored, accepted, model, now)
        grouping = group_records(keys, ordered, overrides.split_pairs())
        members = registered_members(registry, grouping)
        evidence = _merge_evidence(grouping, members, ordered, registry)
        assignment = assign_ids(registry, grouping, members, evidence, now)
        crosswalk = new_crosswalk(regrouped, grouping, assignment, registry, now)
        _release_scratch()
    with timer("write"):
        refused = {(a, b) if a < b else (b, a) for a, b, _ in grouping.refused}
        fresh = _fresh_links(ordered, stored, refused)
        del ordered, stored
        _release_scratch()  # the joins' scratch: 1.3 GiB at 1,000,000 people, kept otherwise
        with wh.transaction():
            write_registry(wh, registry, assignment, crosswalk)
            link_store.append_links(wh, fresh)
            summary.review_queue = review.refresh_queue(
                wh, uncertain, model.version, registry, overrides.decided_pairs(), now,
                capacity=math.ceil(options.review_per_1000 * table.num_rows / 1000))
            write_person_records(wh, changes)
            if model.reason:
                record_model(wh, model, now, table.num_rows, options.seed)
        summary.active_persons = wh.scalar(
            "select count(*) from identity.persons where status = 'active'")
    summary.persons_issued = assignment.issued
    summary.merges, summary.splits = len(assignment.merges), len(assignment.splits)
    summary.links_accepted = accepted.num_rows
    summary.links_refused = len(refused)
    summary.model_version, summary.model_kind = model.version, model.kind
    summary.trained = model.reason if model.kind == "trained" else ""
    summary.from_priors = model.from_priors
    return summary
