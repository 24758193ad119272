"""What redaction needs from raw: each note's own client, and every name the agency knows."""

from __future__ import annotations

from collections import defaultdict

from orchestration.scoring.redact import ClientFacts, name_parts
from orchestration.warehouse import Warehouse

# raw table -> (column holding the HMIS PersonalID, identifying columns it may have)
_CLIENT_SOURCES = {
    "hmis_client": ("personal_id", ("first_name", "middle_name", "last_name", "dob")),
    "intake_submissions": ("hmis_personal_id",
                           ("first_name", "last_name", "dob", "email", "street_address")),
}
_NAME_SOURCES = ("hmis_client", "intake_submissions", "survey_responses")
_NAME_COLUMNS = ("first_name", "middle_name", "last_name")
# Every raw table redaction reads: the note-scoring asset depends on all of them, so a new
# client's name is loaded before that client's note is sent anywhere.
REDACTION_SOURCES = tuple(sorted({*_CLIENT_SOURCES, *_NAME_SOURCES}))
_SEPARATOR = "\x1f"


def _present(wh: Warehouse, table: str, wanted: tuple[str, ...]) -> list[str]:
    if not wh.table_exists("raw", table):
        return []
    have = set(wh.columns("raw", table))
    return [c for c in wanted if c in have]


def client_facts(wh: Warehouse, keys: set[tuple[str, str]]) -> dict[tuple[str, str], ClientFacts]:
    """Identifiers per (site, personal_id), from every record that names that HMIS client."""
    found: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    # The keys travel as one array parameter (no temp table: a read-only PostgreSQL
    # connection may not create one), each as `<site><unit separator><personal_id>`.
    wanted_keys = sorted(f"{site}{_SEPARATOR}{pid}" for site, pid in keys)
    for table, (id_column, wanted) in _CLIENT_SOURCES.items():
        columns = _present(wh, table, ("_site", id_column, *wanted))
        if len(columns) < 3 or columns[:2] != ["_site", id_column]:
            continue
        fields = columns[2:]
        for site, pid, *values in wh.rows(
                f"select t._site, t.{id_column}, {', '.join('t.' + c for c in fields)}"
                f" from raw.{table} t where t._site || ? || t.{id_column}"
                " in (select unnest(cast(? as varchar[])))", [_SEPARATOR, wanted_keys]):
            for field, value in zip(fields, values, strict=True):
                if value:
                    found[(site, pid)][field].append(value)
    return {key: ClientFacts.of(
        names=[*f["first_name"], *f["middle_name"], *f["last_name"]], dobs=f["dob"],
        emails=f["email"], addresses=f["street_address"]) for key, f in found.items()}


def client_facts_sql(wh: Warehouse) -> str | None:
    """SQL of every identifying value `client_facts` reads, one row per distinct
    (site, client_id, fact): a digest of a client's rows changes when its facts do."""
    parts = []
    for table, (id_column, wanted) in _CLIENT_SOURCES.items():
        columns = _present(wh, table, ("_site", id_column, *wanted))
        if len(columns) < 3 or columns[:2] != ["_site", id_column]:
            continue
        parts += [f"select _site as site, {id_column} as client_id,"
                  f" '{field}=' || cast({field} as varchar) as fact from raw.{table}"
                  f" where {field} is not null and cast({field} as varchar) <> ''"
                  for field in columns[2:]]
    return " union ".join(parts) or None


def known_names(wh: Warehouse) -> frozenset[str]:
    """Folded parts of every name in the agency's person records."""
    parts: set[str] = set()
    for table in _NAME_SOURCES:
        for column in _present(wh, table, _NAME_COLUMNS):
            for (value,) in wh.rows(f"select distinct {column} from raw.{table}"
                                    f" where {column} is not null"):
                parts |= name_parts(value)
    return frozenset(parts)
