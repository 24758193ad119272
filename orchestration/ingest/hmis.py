"""HMIS export semantics: which fiscal-year layout an export follows, and what Export.csv says.

An importer must read FY2022, FY2024 and FY2026 exports and say which it got. Export.csv's
CSVVersion decides; each file's header must then be that year's HUD layout, in any order:
extra columns are kept, missing ones are reported unless the contract needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orchestration.ingest.contracts import CONTRACTS
from orchestration.ingest.landing import HMIS_FILES, Drop
from orchestration.ingest.parsing import ParsedFile, StructuralError, column_name
from orchestration.ingest.vendor import WHITESPACE, canonical_text, read_moment
from orchestration.layouts import HEADERS

SUPPORTED = {2022: "FY2022", 2024: "FY2024", 2026: "FY2026"}


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
    # a two-digit export year is read as one not after today's
    exported = read_moment((row.get("export_date") or "").strip(WHITESPACE), date.today())
    return ExportFacts(canonical_text(row.get("export_id")),
                       exported[0].date() if exported else None,
                       canonical_text(row.get("csv_version")))


def _year(csv_version: str | None) -> int | None:
    text = (csv_version or "").strip().upper().removeprefix("FY")
    head = text[:4]
    return int(head) if head.isdigit() else None


def _missing(year: int, name: str, header: list[str]) -> list[str]:
    return [c for c in HEADERS[year].get(name, ()) if column_name(c) not in header]


def fiscal_year(drop: Drop, parsed: dict[str, ParsedFile | None]
                ) -> tuple[str, dict[str, list[str]]]:
    """The export's FY label, and per file the HUD columns of that year it lacks (vendors
    leave out columns they never collect: reported, not fatal). Raises a structural error for
    a layout caseintel cannot read, or a file whose header is another year's layout or lacks
    a column the contract needs."""
    export_file = drop.file("Export.csv")
    if export_file is None:
        raise StructuralError(drop.relative, "the export has no Export.csv; caseintel reads "
                              "Export.csv first to know the export and its CSV version")
    facts = export_facts(parsed.get("Export.csv"), export_file.relative)
    year = _year(facts.csv_version)
    if year not in SUPPORTED:
        raise HmisVersionError(export_file.relative, f"CSVVersion '{facts.csv_version}' is not a "
                               "layout caseintel reads (FY2022, FY2024 or FY2026)", line=2,
                               field="CSVVersion")
    gaps: dict[str, list[str]] = {}
    for name, file_parsed in parsed.items():
        if file_parsed is None or not (missing := _missing(year, name, file_parsed.header)):
            continue
        source = drop.file(name)
        other = next((SUPPORTED[y] for y in SUPPORTED if y != year and name in HEADERS[y]
                      and not _missing(y, name, file_parsed.header)), None)
        required = CONTRACTS[HMIS_FILES[name]].required_columns
        if other or any(column_name(c) in required for c in missing):
            hint = f" (the header is the {other} layout)" if other else ""
            raise HmisVersionError(
                source.relative if source else name,
                f"not the {SUPPORTED[year]} layout that Export.csv announces{hint}: missing "
                f"column{'s' if len(missing) > 1 else ''} {', '.join(missing[:6])}"
                f"{'...' if len(missing) > 6 else ''}", line=1, field=missing[0])
        gaps[name] = missing
    return SUPPORTED[year], gaps
