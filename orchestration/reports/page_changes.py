"""Which client pages a publish must make again, told by the warehouse without reading them.

A client page is made from the client's rows in the marts it reads, the case notes its
findings quote, the raw rows it cites, the identifiers redaction knows for the client, and
the names known anywhere in the agency that its texts meet. The first four are hashed per
person in SQL (`data_digests`): a raw row is never rewritten, so the (load, row) a mart row
cites stands for it. The last is not a row of anyone's: a name new to the agency can hide a
word on a page nothing else about changed, so the pages whose texts may hold a new name are
found by one regular expression per text column (`meeting_names`), and made again.
"""

from __future__ import annotations

import hashlib
import re

from orchestration.reports.cited_rows import Vocabulary
from orchestration.scoring.clients import client_facts_sql
from orchestration.scoring.redact import Redactor
from orchestration.warehouse import Warehouse

# (schema, table) of every per-person mart a client page shows, whole rows
PAGE_MARTS = (("marts", "clients"), ("marts", "client_momentum"),
              ("marts", "report_client_events"), ("marts", "client_momentum_history"),
              ("marts", "report_screen_scores"), ("marts", "report_missing_elements"),
              ("marts", "report_anomalies"))
NOTE_COLUMNS = ("note_key", "site", "personal_id", "note_date", "note_type", "note_text")
# the quoted notes and the identifiers of their clients, by the finding events citing them
_FINDINGS = """marts.report_client_events e
               join staging.stg_notes__case_notes n
                 on n.note_key = e.source_key and e.category = 'finding'"""
# events citing raw rows (`{table}`): where the free text a page shows comes from
_CITED = """marts.report_client_events e
            join raw.{table} r on r._load_id = e._load_id and r._source_row = e._source_row"""


def _row_text(alias: str, columns: list[str] | tuple[str, ...]) -> str:
    """SQL text of a row: every column as text, nulls told apart from empty text."""
    return " || chr(31) || ".join(
        f"coalesce(cast({alias}.{c} as varchar), chr(30))" for c in columns)


def data_digests(wh: Warehouse) -> dict[str, str]:
    """person_id -> a digest of everything its page is made from but the agency's names."""
    rows = [f"select person_id, '{table}' || chr(31) ||"
            f" {_row_text('t', wh.columns(schema, table))} as r"
            f" from {schema}.{table} t where person_id is not null"
            for schema, table in PAGE_MARTS]
    rows.append(f"select e.person_id, 'note' || chr(31) || {_row_text('n', NOTE_COLUMNS)} as r"
                f" from {_FINDINGS}")
    facts = client_facts_sql(wh)
    digests = ""
    if facts:  # each client's facts digested once, read by both joins below
        digests = (f"with client_digests as (select site, client_id, {wh.digest_agg('fact')}"
                   f" as h from ({facts}) f group by site, client_id) ")
        # a client's facts reach the pages of every person holding one of its records, and
        # of every person whose findings quote its notes
        rows += ["""select c.person_id, 'facts' || chr(31) || f.h as r
                    from identity.crosswalk c join client_digests f
                      on f.site = c.site and f.client_id = c.source_record_id""",
                 f"""select distinct e.person_id, 'facts' || chr(31) || f.h as r
                     from {_FINDINGS} join client_digests f
                       on f.site = n.site and f.client_id = n.personal_id"""]
    return dict(wh.rows(f"""{digests}select person_id, {wh.digest_agg('r')}
                            from ({' union all '.join(rows)}) page_rows group by person_id"""))


def name_hash(name: str) -> str:
    """A known name as kept between runs: hashed, so no list of the agency's names is copied
    out of the warehouse."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def meeting_names(wh: Warehouse, names: set[str], redactor: Redactor, vocabulary: Vocabulary,
                  free_text_columns: frozenset[str]) -> set[str] | None:
    """The persons whose pages' texts may hold one of `names` (folded name parts new to the
    agency): their quoted notes, event details and the cited rows' free text. None when a
    label every page may show holds one (every page is made again)."""
    if not names:
        return set()
    labels = [*vocabulary.terms.values(), *(label for codes in vocabulary.codes.values()
                                           for label in codes.values())]
    if any(redactor.names_in(label) & names for label in labels):
        return None
    # a name part is a text word's whole fold or one piece of it between ' ’ or -
    pattern = "(^|[^a-z])(" + "|".join(map(re.escape, sorted(names))) + ")([^a-z]|$)"
    texts = [(_FINDINGS, "n.note_text"), ("marts.report_client_events e", "e.detail")]
    for (table,) in wh.rows("select distinct source_table from raw.ingest_ledger"
                            " where source_table is not null order by 1"):
        if wh.table_exists("raw", table):
            texts += [(_CITED.format(table=table), f"r.{column}")
                      for column in sorted(free_text_columns & set(wh.columns("raw", table)))]
    found: set[str] = set()
    for source, column in texts:
        found.update(pid for (pid,) in wh.rows(
            f"select distinct e.person_id from {source}"
            f" where {wh.may_match_folded(column)}", [pattern]))
    return found
