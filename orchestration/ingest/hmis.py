"""HMIS export semantics: which fiscal-year layout an export follows, and what Export.csv says.

An importer must read FY2024 and FY2026 exports and say which it got. Export.csv's CSVVersion
decides; each file's header must then be that year's HUD layout (extra columns are tolerated
and reported, missing ones are not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orchestration.ingest.reading import ParsedFile, StructuralError, snake_case
from orchestration.ingest.sources import Drop
from orchestration.layouts import HEADERS

SUPPORTED = {2024: "FY2024", 2026: "FY2026"}


class HmisVersionError(StructuralError):
    """An export in a layout caseintel does not read (an older or unknown fiscal year)."""


@dataclass(frozen=True)
class ExportFacts:
    export_id: str | None
    export_date: date | None
    csv_version: str | None


def export_facts(parsed: ParsedFile | None, file: str) -> ExportFacts:
    """ExportID, ExportDate and CSVVersion from an export's (single-row) Export.csv."""
    if parsed is None or not parsed.records:
        raise StructuralError(file, "Export.csv has no data row: the export cannot be identified")
    if len(parsed.records) > 1:
        raise StructuralError(file, f"Export.csv has {len(parsed.records)} rows; it must have one",
                              line=parsed.records[1][0] + 1)
    row = dict(zip(parsed.header, parsed.records[0][1], strict=True))
    exported = (row.get("export_date") or "")[:10]
    try:
        export_date = date.fromisoformat(exported) if exported else None
    except ValueError:
        export_date = None
    return ExportFacts(row.get("export_id"), export_date, row.get("csv_version"))


def _year(csv_version: str | None) -> int | None:
    text = (csv_version or "").strip().upper().removeprefix("FY")
    head = text[:4]
    return int(head) if head.isdigit() else None


def fiscal_year(drop: Drop, parsed: dict[str, ParsedFile | None]) -> str:
    """The export's FY label; raises a structural error for any layout caseintel cannot read."""
    export_file = drop.file("Export.csv")
    if export_file is None:
        raise StructuralError(drop.relative, "the export has no Export.csv; caseintel reads "
                              "Export.csv first to know the export and its CSV version")
    facts = export_facts(parsed.get("Export.csv"), export_file.relative)
    year = _year(facts.csv_version)
    if year not in SUPPORTED:
        raise HmisVersionError(export_file.relative, f"CSVVersion '{facts.csv_version}' is not a "
                               "layout caseintel reads (FY2024 or FY2026)", line=2,
                               field="CSVVersion")
    for name, file_parsed in parsed.items():
        layout = HEADERS[year].get(name)
        if layout is None or file_parsed is None:
            continue
        missing = [c for c in layout if snake_case(c) not in file_parsed.header]
        if missing:
            source = drop.file(name)
            other = next((SUPPORTED[y] for y in SUPPORTED if y != year and not [
                c for c in HEADERS[y][name] if snake_case(c) not in file_parsed.header]), None)
            hint = f" (the header is the {other} layout)" if other else ""
            raise HmisVersionError(
                source.relative if source else name,
                f"not the {SUPPORTED[year]} layout that Export.csv announces{hint}: missing "
                f"column{'s' if len(missing) > 1 else ''} {', '.join(missing[:6])}"
                f"{'...' if len(missing) > 6 else ''}", line=1, field=missing[0])
    return SUPPORTED[year]
