"""Raw ingest assets: one multi-asset per source kind, one asset key per raw table.

Each table carries two checks: `rows_accounted_for` (ledger: read = loaded + quarantined) and
`contract` (the GX suite's outcome for this run: passes clean, warns when rows were
quarantined or flagged, fails when a drop could not be read). A drop that cannot be read
loads nothing and is recorded as failed with its reason; every other drop and site loads,
and the run goes on to identity, the marts and the reports, which name the failed drop.
After its load, each drop is kept, archived or deleted as `CASEINTEL_LANDING_RETENTION` says
(ingest/retention.py); a drop that did not load whole always stays.
"""

from collections import Counter, defaultdict
from datetime import datetime

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.ingest.landing import SOURCE_KINDS, SourceKind, discover
from orchestration.ingest.loader import LEDGER, LoadResult, ensure_tables, load_drop, record_run
from orchestration.ingest.retention import Disposition, settle
from orchestration.memory import release
from orchestration.resources import CaseintelResource

GROUP = "ingest"


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _accounting(wh, table: str) -> dg.AssetCheckResult:
    read, loaded, quarantined, loads = wh.execute(
        f"select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),"
        f" coalesce(sum(rows_quarantined), 0), count(*) from {LEDGER}"
        " where source_table = ? and status = 'loaded'", [table]).fetchone()
    in_raw = wh.scalar(f"select count(*) from raw.{table}") if wh.table_exists("raw", table) else 0
    return dg.AssetCheckResult(
        asset_key=raw_key(table), check_name="rows_accounted_for",
        passed=read == loaded + quarantined and in_raw == loaded,
        metadata={"rows_read": read, "rows_loaded": loaded, "rows_quarantined": quarantined,
                  "rows_in_raw": in_raw, "loads": loads})


def _contract(table: str, results: list[LoadResult]) -> dg.AssetCheckResult:
    loaded = [r for r in results if r.status == "loaded"]
    failed = [r for r in results if r.status == "failed"]
    by_rule: Counter = Counter()
    for r in loaded:
        by_rule.update(r.by_rule)
    quarantined = sum(r.rows_quarantined for r in loaded)
    flagged = sum(r.rows_flagged for r in loaded)
    return dg.AssetCheckResult(
        asset_key=raw_key(table), check_name="contract",
        passed=not failed and not quarantined and not flagged,
        severity=dg.AssetCheckSeverity.ERROR if failed else dg.AssetCheckSeverity.WARN,
        metadata={"files_checked": len(loaded) + len(failed), "files_failed": len(failed),
                  "rows_quarantined": quarantined, "rows_flagged": flagged,
                  "by_rule": dg.MetadataValue.json(dict(by_rule.most_common())),
                  "errors": dg.MetadataValue.md("\n".join(f"- {r.message}" for r in failed)
                                                or "none")})


def build_ingest_asset(kind: SourceKind) -> dg.AssetsDefinition:
    """A multi-asset that loads every new drop of one source kind."""
    specs = [dg.AssetSpec(raw_key(t), group_name=GROUP,
                          description=f"{kind.description} ({t}): every source row as text, "
                          "with lineage; bad rows in quarantine.")
             for t in kind.tables]
    checks = [dg.AssetCheckSpec(name, asset=raw_key(t), description=text)
              for t in kind.tables for name, text in (
                  ("rows_accounted_for", "Rows read = rows loaded + rows quarantined."),
                  ("contract", "The table's data contract (Great Expectations suite)."))]

    @dg.multi_asset(name=f"raw_{kind.name}", specs=specs, check_specs=checks)
    def _ingest(context: AssetExecutionContext, caseintel: CaseintelResource):
        settings = caseintel.settings()
        drops = discover(settings.landing_dir, kind)
        loaded_at = datetime.now().replace(microsecond=0)
        results: dict[str | None, list[LoadResult]] = defaultdict(list)
        settled: dict[str, list[Disposition]] = defaultdict(list)
        with caseintel.warehouse() as wh:
            ensure_tables(wh)
            for drop in drops:
                loads = load_drop(wh, drop, loaded_at, settings.duckdb_memory_limit)
                disposition = settle(wh, drop, loads, settings, loaded_at)
                for table in {r.table or kind.tables[0] for r in loads}:
                    settled[table].append(disposition)
                for result in loads:
                    # a drop that could not even be opened is reported on the kind's first table
                    results[result.table or kind.tables[0]].append(result)
                    if result.status == "loaded":
                        context.log.info(f"{result.file}: {result.rows_loaded} rows loaded, "
                                         f"{result.rows_quarantined} quarantined, "
                                         f"{result.rows_flagged} flagged")
                    elif result.status != "skipped":
                        log = context.log.error if result.status == "failed" else context.log.info
                        log(f"{result.file}: {result.message}")
                if disposition.action != "kept" or disposition.reason:
                    (context.log.warning if disposition.reason else context.log.info)(
                        disposition.describe())
            record_run(wh, kind.name, loaded_at)
            accounting = [_accounting(wh, t) for t in kind.tables]
        release()  # what loading freed (staging, Arrow batches), before the next step grows
        every = [r for rs in results.values() for r in rs]
        failures = sorted({r.message for r in every if r.status == "failed"})
        context.log.info(f"{kind.name}: {len(drops)} drops, "
                         f"{sum(r.status == 'loaded' for r in every)} files loaded, "
                         f"{sum(r.status == 'skipped' for r in every)} already loaded, "
                         f"{len(failures)} errors")
        for table in kind.tables:
            rs = results.get(table, [])
            ds = settled.get(table, [])
            where = {} if settings.landing_retention == "keep" else {  # where each drop went
                "drops": dg.MetadataValue.md("\n".join(f"- {d.describe()}" for d in ds)
                                             or "none")}
            yield dg.MaterializeResult(asset_key=raw_key(table), metadata={
                "files_seen": len(rs),
                "files_loaded": sum(r.status == "loaded" for r in rs),
                "files_skipped_already_loaded": sum(r.status == "skipped" for r in rs),
                "rows_loaded": sum(r.rows_loaded for r in rs),
                "rows_quarantined": sum(r.rows_quarantined for r in rs),
                "rows_flagged": sum(r.rows_flagged for r in rs),
                "landing_retention": settings.landing_retention,
                "drops_archived": sum(d.action == "archived" for d in ds),
                "drops_deleted": sum(d.action == "deleted" for d in ds),
                "drops_kept": sum(d.action == "kept" for d in ds),
                **where,
            })
        yield from accounting
        for table in kind.tables:
            yield _contract(table, results.get(table, []))
        for failure in failures:
            context.log.error(f"not loaded (the run goes on without it): {failure}")

    return _ingest


ingest_assets = [build_ingest_asset(kind) for kind in SOURCE_KINDS]
