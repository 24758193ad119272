"""Raw ingest assets: one multi-asset per source kind, one asset key per raw table."""


from collections import defaultdict
from datetime import datetime

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.ingest.loader import LEDGER, LoadResult, load_file
from orchestration.ingest.sources import SOURCE_KINDS, SourceKind, discover
from orchestration.resources import CaseintelResource

GROUP = "ingest"


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _accounting_check(table: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "rows_accounted_for",
        asset=raw_key(table),
        description="Every row read from a file is loaded or quarantined (ledger totals).",
    )


def _accounting_result(wh, table: str) -> dg.AssetCheckResult:
    read, loaded, quarantined, loads = wh.execute(
        f"select coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),"
        f" coalesce(sum(rows_quarantined), 0), count(*) from {LEDGER}"
        " where source_table = ? and status = 'loaded'",
        [table],
    ).fetchone()
    return dg.AssetCheckResult(
        asset_key=raw_key(table),
        check_name="rows_accounted_for",
        passed=read == loaded + quarantined,
        metadata={"rows_read": read, "rows_loaded": loaded,
                  "rows_quarantined": quarantined, "loads": loads},
    )


def build_ingest_asset(kind: SourceKind) -> dg.AssetsDefinition:
    """A multi-asset that loads every new file of one source kind."""

    @dg.multi_asset(
        name=f"raw_{kind.name}",
        specs=[
            dg.AssetSpec(
                raw_key(t),
                group_name=GROUP,
                description=f"{kind.description} ({t}): every source row as text, with lineage.",
            )
            for t in kind.tables
        ],
        check_specs=[_accounting_check(t) for t in kind.tables],
    )
    def _ingest(context: AssetExecutionContext, caseintel: CaseintelResource):
        settings = caseintel.settings()
        files = discover(settings.landing_dir, kind)
        loaded_at = datetime.now().replace(microsecond=0)
        results: dict[str, list[LoadResult]] = defaultdict(list)
        with caseintel.warehouse() as wh:
            for lf in files:
                result = load_file(wh, lf, loaded_at)
                results[lf.table].append(result)
                if result.status == "loaded":
                    context.log.info(
                        f"{result.file}: {result.rows_loaded} rows loaded,"
                        f" {result.rows_quarantined} quarantined"
                    )
                elif result.status == "failed":
                    context.log.error(result.message)
            checks = [_accounting_result(wh, t) for t in kind.tables
                      if wh.table_exists("raw", t)]
        failures = [r for rs in results.values() for r in rs if r.status == "failed"]
        new = sum(1 for rs in results.values() for r in rs if r.status == "loaded")
        context.log.info(f"{kind.name}: {len(files)} files seen, {new} new, {len(failures)} failed")
        for table in kind.tables:
            rs = results.get(table, [])
            yield dg.MaterializeResult(
                asset_key=raw_key(table),
                metadata={
                    "files_seen": len(rs),
                    "files_loaded": sum(r.status == "loaded" for r in rs),
                    "files_skipped_already_loaded": sum(r.status == "skipped" for r in rs),
                    "rows_loaded": sum(r.rows_loaded for r in rs),
                    "rows_quarantined": sum(r.rows_quarantined for r in rs),
                },
            )
        checked = {c.asset_key for c in checks}
        yield from checks
        for table in kind.tables:
            if raw_key(table) not in checked:
                yield dg.AssetCheckResult(asset_key=raw_key(table), check_name="rows_accounted_for",
                                          passed=True, metadata={"loads": 0})
        if failures:
            raise dg.Failure(
                description="Some landing files could not be read; nothing of them was loaded:\n"
                + "\n".join(r.message for r in failures)
            )

    return _ingest


ingest_assets = [build_ingest_asset(kind) for kind in SOURCE_KINDS]
