"""Run a table's contract as SQL where its file is staged, and sort its rows by the outcome.

Each rule compiles to a condition on a row of the staged file (`staging.py`); one pass over
the file computes each row's canonical values once and keeps the few rows that break a rule
or needed reading (a key's repeats are found first, by one aggregate per unique key). Their
issues land in one table per file, with the rule's position, so a row that breaks several
rules is quarantined under the first and its reason names them all.
`contract_results.py` records each rule's outcome as a Great Expectations validation result.

The rules read each checked field in its canonical form (`vendor.py`: a date written
`08-MAY-67`, a code written `1.0`, a key padded with a tab), so a vendor's layout is never a
rejection; each value that needed reading is flagged `layout:<field>` instead. Values in
the standard layouts are read in SQL; the others (few, in practice) are read by `vendor.py`
once per distinct value. Quarantine and flags always show the value as it was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

import pyarrow as pa

from orchestration.ingest import vendor
from orchestration.ingest.contracts import CONTRACTS, DATE, FLAG, Contract, Rule
from orchestration.ingest.staging import Stage, Staged
from orchestration.layouts import FY2022_LIVING_SITUATIONS, LIVING_SITUATION_COLUMNS
from orchestration.warehouse.sql import literal, quote

TIMESTAMPS = ("date_created", "date_updated", "date_deleted")
_WS = "'" + vendor.WHITESPACE + "'"
_ISO = {"date": r"\d{4}-\d{2}-\d{2}", "timestamp": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"}
_READERS = {"date": vendor.canonical_date, "timestamp": vendor.canonical_timestamp}


@dataclass(frozen=True)
class References:
    """What other files of the same drop say, staged: the files others point into, by name."""

    files: dict[str, Staged]  # "Enrollment.csv" -> its staged table
    as_of: date  # nothing may happen after this date (the export date, or the load date)
    absent: frozenset[str] = frozenset()  # files the export should have but does not
    csv_version: str | None = None  # FY2022 codes are checked in their FY2024 numbering


@dataclass
class Verdict:
    """A file's outcome: table-level errors stop the drop; `issues` (a staged table of
    `_source_row, position, rule, field, value, reason, severity`) rejects or flags rows."""

    issues: str
    table_errors: list[str] = field(default_factory=list)
    checked: set[int] = field(default_factory=set)  # positions of the rules that ran
    failing: dict[int, int] = field(default_factory=dict)  # rule position -> rows breaking it


@cache
def field_kinds(table: str, header: tuple[str, ...] = ()) -> dict[str, str]:
    """How each checked field of a table is read: date, timestamp, code or text (keys).
    HUD date columns without a rule of their own (`date_to_street_essh`, `fa_start_date`)
    are read, and flagged, as dates by their names."""
    kinds: dict[str, str] = {
        column: "timestamp" if column in TIMESTAMPS else "date" for column in header
        if column == "dob" or column.startswith("date_") or column.endswith("_date")}
    for rule in CONTRACTS[table].rules:
        if rule.kind == "date":
            kinds[rule.field] = "date" if rule.fmt == DATE else "timestamp"
        elif rule.field in kinds:
            continue
        elif rule.kind == "in_set":
            kinds.setdefault(rule.field, "code")
        elif rule.kind in {"unique", "not_blank", "references", "regex", "number"}:
            kinds.setdefault(rule.field, "text")
    return kinds


def _edges_clean(column: str) -> str:
    """Neither end of the value is whitespace (`vendor.WHITESPACE`: ASCII control and space
    characters, and the no-break space): far cheaper than trimming every value."""
    ends = (f"ascii({column})", f"ascii(({column})[-1])")  # [-1]: no count of characters
    return " and ".join(f"{end} > 32 and {end} <> 160" for end in ends)


def canonical_text_sql(column: str) -> str:
    return (f"case when {_edges_clean(column)} then {column} "
            f"else nullif(trim({column}, {_WS}), '') end")


def canonical_code_sql(column: str) -> str:
    trimmed = f"trim({column}, {_WS})"
    return (rf"case when contains({column}, '.') and regexp_full_match({trimmed}, "
            rf"'[+-]?\d+\.0+') then regexp_extract({trimmed}, '^([+-]?\d+)\.0+$', 1) "
            f"else {canonical_text_sql(column)} end")


def _canonical_moment(stage: Stage, table: str, column: str, kind: str, pivot: date) -> str:
    """SQL for a date or timestamp column's canonical form: a value in the standard layout is
    its own; each other value is read by `vendor.py` once per distinct value and looked up in
    a staged table (none when every value is standard, as in most files)."""
    name = f"s.{quote(column)}"
    values = [v for (v,) in stage.con.execute(
        f"select distinct {quote(column)} from {table} where {quote(column)} is not null "
        f"and not regexp_full_match({quote(column)}, '{_ISO[kind]}')").fetchall()]
    if not values:
        return name
    lookup = stage.name("moments")
    read = _READERS[kind]
    stage.con.register(f"{lookup}_in", pa.table({
        "raw": pa.array(values, pa.string()),
        "canonical": pa.array([read(v, pivot) for v in values], pa.string())}))
    stage.con.execute(f"create temp table {lookup} as select * from {lookup}_in")
    stage.con.unregister(f"{lookup}_in")
    return (f"case when regexp_full_match({name}, '{_ISO[kind]}') then {name} "
            f"else (select canonical from {lookup} where raw = {name}) end")


def _fy2022(expression: str) -> str:
    cases = " ".join(f"when {literal(old)} then {literal(new)}"
                     for old, new in FY2022_LIVING_SITUATIONS.items())
    return f"case {expression} {cases} else {expression} end"


def canonical(stage: Stage, staged: Staged, column: str, kind: str, refs: References) -> str:
    """SQL for the canonical form of a staged column (the FY2022 living-situation codes in
    their FY2024 numbering)."""
    name = f"s.{quote(column)}"
    if kind in _ISO:
        expression = _canonical_moment(stage, staged.table, column, kind, refs.as_of)
    elif kind == "code":
        expression = canonical_code_sql(name)
    else:
        expression = canonical_text_sql(name)
    if refs.csv_version == "FY2022" and column in LIVING_SITUATION_COLUMNS:
        expression = _fy2022(expression)
    return expression


def _parsed(column: str, fmt: str) -> str:
    """The moment a value names in `fmt`, as Python reads one (a year of four digits, not
    0000); null when it names none."""
    return (f"case when {column} like '0000%' or not regexp_matches({column}, '^[0-9]{{4}}-') "
            f"then null else try_strptime({column}, '{fmt}') end")


def _numeric(column: str) -> str:
    """The value as a number, as pandas reads one (`1_000` is not); null when it is not."""
    cast = f"try_cast({column} as double)"
    return f"case when contains({column}, '_') or isnan({cast}) then null else {cast} end"


def _number(column: str) -> str:
    """A number; a value that is not one is minus infinity (it breaks every range)."""
    return (f"case when {column} is null then null else "
            f"coalesce({_numeric(column)}, '-inf'::double) end")


def _re2(pattern: str) -> str:
    """A contract's (Python) regex for DuckDB's RE2: `\\d` and `\\s` mean Unicode digits and
    whitespace in Python, ASCII ones in RE2."""
    space = r"\t-\r\x{1c}-\x{20}\x{85}\p{Z}"
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
            if char == "d":
                out[-1] = r"\p{Nd}"
                continue
            if char == "s":
                out[-1] = space if in_class else f"[{space}]"
                continue
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        out.append(char)
    return "".join(out)


def _keys(refs: References, target: str) -> str | None:
    """The staged keys a reference points into (`File.csv.column`), canonical; None when the
    drop has no such file or column."""
    name, _, column = target.partition(".csv.")
    staged = refs.files.get(f"{name}.csv")
    if staged is None or column not in staged.header:
        return None
    key = canonical_text_sql(quote(column))  # a blank key (null) would make `not in` unknown
    return f"(select {key} from {staged.table} where {key} is not null)"


def _entry_dates(stage: Stage, refs: References) -> str | None:
    """Each enrollment's entry date as Enrollment.csv says it (the latest row of a key)."""
    enrollments = refs.files.get("Enrollment.csv")
    if enrollments is None or not {"enrollment_id", "entry_date"} <= set(enrollments.header):
        return None
    entry = canonical(stage, enrollments, "entry_date", "date", refs)
    return (f"(select {canonical_text_sql('s.enrollment_id')} as enrollment_id, "
            f"arg_max({entry}, s._source_row) as entry_date from {enrollments.table} s "
            "where s.enrollment_id is not null and s.entry_date is not null group by 1)")


def _checked(stage: Stage, staged: Staged, contract: Contract, refs: References) -> tuple[
        str, dict[str, str]]:
    """A subquery of the file's rows with the canonical value of each checked field
    (`c__<field>`, computed once per row) and helper columns beside its raw ones; returns it
    and the kind of each checked field."""
    kinds = {c: k for c, k in field_kinds(contract.table, tuple(staged.header)).items()
             if c in staged.header}
    columns = [f"{canonical(stage, staged, c, k, refs)} as "
               f"{quote('c__' + c)}" for c, k in kinds.items()]
    joins = ""
    if contract.table == "hmis_exit":  # the enrollment's entry date, which an exit follows
        entries = _entry_dates(stage, refs)
        if entries is not None:
            joins = (f" left join {entries} e on e.enrollment_id = "
                     f"{canonical_text_sql('s.enrollment_id')}")
        columns.append(f"{_parsed('e.entry_date', DATE) if joins else 'null::timestamp'} "
                       "as d___entry_date")
    if contract.table == "screens":
        items = [c for c in (f"item_{i}" for i in range(1, 10)) if c in staged.header]
        terms = [_numeric(canonical_text_sql(f"s.{c}")) for c in items]
        total = (f"({' + '.join(f'coalesce({t}, 0)' for t in terms)}) "
                 f"* case when {' or '.join(f'({t}) is not null' for t in terms)} then 1 end")
        # as pandas sums: inf and -inf make NaN, which the rule treats as missing
        columns.append(f"case when isnan({total}) then null else {total} end as n___item_sum"
                       if terms else "null::double as n___item_sum")
    named = {c for rule in contract.rules for c in (rule.field, rule.other)}
    raw = [f"s.{quote(c)}" for c in staged.header if c in kinds or c in named]
    return (f"(select {', '.join(['s._source_row', *raw, *columns])} from {staged.table} s"
            f"{joins})", kinds)


def _failing(rule: Rule, kinds: dict[str, str], header: list[str], refs: References,
             contract: Contract) -> str | None:
    """The condition a row breaking `rule` meets, or None when the rule does not apply (an
    optional column the file does not have)."""
    if rule.field not in header:
        return None
    value = quote("c__" + rule.field) if rule.field in kinds else quote(rule.field)
    present = f"{value} is not null"
    if rule.kind == "not_blank":
        return f"{value} is null"
    if rule.kind == "unique":  # the first row with a key is the record; later ones repeat it
        return present
    if rule.kind == "in_set":
        return f"{present} and {value} not in ({', '.join(map(literal, rule.values))})"
    if rule.kind == "references":
        keys = _keys(refs, rule.other)
        return present if keys is None else f"{present} and {value} not in {keys}"
    if rule.kind == "date":
        return f"{present} and {_parsed(value, rule.fmt)} is null"
    if rule.kind == "not_future":
        limit = datetime.combine(refs.as_of, datetime.max.time())
        return f"{_parsed(value, rule.fmt)} > {literal(limit)}::timestamp"
    if rule.kind == "date_after":
        return f"{_parsed(value, rule.fmt)} < {literal(rule.other)}::timestamp"
    if rule.kind == "date_order":
        if rule.other == "_entry_date":
            other = quote("d___entry_date")
        elif rule.other in header:
            other = _parsed(quote("c__" + rule.other) if rule.other in kinds
                            else quote(rule.other), rule.fmt)
        else:
            return None
        return f"{_parsed(value, rule.fmt)} < {other}"
    if rule.kind == "number":
        number = _number(value)
        return f"{number} < {rule.low} or {number} > {rule.high}"
    if rule.kind == "equals":
        if rule.other != "_item_sum" or contract.table != "screens":
            return None
        return (f"{_number(value)} <> n___item_sum and "
                f"{_number(value)} is not null and n___item_sum is not null")
    if rule.kind == "regex":
        return f"{present} and not regexp_matches({value}, {literal(_re2(rule.values[0]))})"
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def severity(rule: Rule, refs: References) -> tuple[str, str]:
    """A reference into a file the export lacks cannot be checked: the row loads, flagged."""
    target = rule.other.split(".csv")[0] + ".csv" if rule.kind == "references" else ""
    if target in refs.absent:
        return FLAG, f"{rule.field} cannot be checked: the export has no {target}"
    return rule.severity, rule.reason


def _repeats(stage: Stage, checked: str, column: str) -> str:
    """A staged table of each key of `column` held by more than one row, with the first row
    holding it (the record; the later rows repeat it)."""
    name = stage.name("repeats")
    stage.con.execute(f"create temp table {name} as select {column} as _key, "
                      f"min(_source_row) as _first from {checked} c where {column} is not null "
                      "group by 1 having count(*) > 1")
    return name


def _list(items: list[str], kind: str) -> str:
    return f"[{', '.join(items)}]" if items else f"[]::{kind}[]"


def _layout_flags(stage: Stage, found: str, issues: str, kinds: dict[str, str],
                  pivot: date) -> None:
    """A flag for every value that had to be read from a vendor layout (the rows of `found`
    whose `_layouts` name the field); its reason is written once per distinct value."""
    for index, (column, kind) in enumerate(kinds.items()):
        which = f"where list_contains(c._layouts, {index})"
        raw, read = f"c.{quote(column)}", f"c.{quote('c__' + column)}"
        pairs = stage.con.execute(f"select distinct {raw}, {read} from {found} c {which}"
                                  ).fetchall()
        if not pairs:
            continue
        stage.con.register("_reasons", pa.table({
            "raw": pa.array([p[0] for p in pairs], pa.string()),
            "read": pa.array([p[1] for p in pairs], pa.string()),
            "reason": pa.array([f"{column} is written with "
                                f"{vendor.layout_of(p[0], kind, pivot)}"
                                + (f"; read as '{p[1]}'" if p[1] is not None else
                                   "; read as blank") for p in pairs], pa.string())}))
        stage.con.execute(
            f"insert into {issues} select c._source_row, -1, 'layout:' || {literal(column)}, "
            f"{literal(column)}, {raw}, r.reason, '{FLAG}' from {found} c join _reasons r "
            f"on r.raw = {raw} and r.read is not distinct from {read} {which}")
        stage.con.unregister("_reasons")


def validate(stage: Stage, staged: Staged, table: str, refs: References) -> Verdict:
    """Check a staged file against its table's contract; never raises for bad data.

    One pass over the file finds every row that breaks a rule or holds a value read from a
    vendor layout (`found`: the row's raw and canonical values, the rules it breaks and the
    fields it needed reading); its issues are written from those few rows."""
    contract = CONTRACTS[table]
    issues = stage.name("issues")
    stage.con.execute(f"create temp table {issues} (_source_row bigint, position integer, "
                      "rule varchar, field varchar, value varchar, reason varchar, "
                      "severity varchar)")
    verdict = Verdict(issues, [f"missing required column '{column}'"
                               for column in contract.required_columns
                               if column not in staged.header])
    if not staged.rows or verdict.table_errors:
        return verdict
    checked, kinds = _checked(stage, staged, contract, refs)
    joins, hits, labels, scratch = "", [], [], []
    for position, rule in enumerate(contract.rules):
        condition = _failing(rule, kinds, staged.header, refs, contract)
        if condition is None:
            labels.append(["null"] * 5)
            continue
        verdict.checked.add(position)
        if rule.kind == "unique":  # the first row with a key is the record
            scratch.append(_repeats(stage, checked, quote("c__" + rule.field)))
            joins += (f" left join {scratch[-1]} u{position} on u{position}._key = "
                      f"c.{quote('c__' + rule.field)}")
            condition = f"({condition}) and c._source_row <> u{position}._first"
        hits.append(f"case when {condition} then {position} end")
        level, reason = severity(rule, refs)
        labels.append([literal(rule.name), literal(rule.field), f"c.{quote(rule.field)}",
                       literal(reason), literal(level)])
    layouts = [f"case when c.{quote(column)} is distinct from c.{quote('c__' + column)} and "
               f"c.{quote(column)} is not null then {index} end"
               for index, column in enumerate(kinds)]
    found = stage.name("found")
    scratch.append(found)
    stage.con.execute(
        f"create temp table {found} as select * from (select c.*, "
        f"list_filter({_list(hits, 'integer')}, lambda x: x is not null) as _hits, "
        f"list_filter({_list(layouts, 'integer')}, lambda x: x is not null) as _layouts "
        f"from {checked} c{joins}) where len(_hits) > 0 or len(_layouts) > 0")
    _layout_flags(stage, found, issues, kinds, refs.as_of)
    name, field_, value, reason, level = (
        f"{_list([label[n] for label in labels], 'varchar')}[p + 1]" for n in range(5))
    stage.con.execute(
        f"insert into {issues} select _source_row, p, {name}, {field_}, {value}, {reason}, "
        f"{level} from (select *, unnest(_hits) as p from {found} c) c")
    verdict.failing = dict(stage.con.execute(
        f"select position, count(*) from {issues} where position >= 0 group by 1").fetchall())
    stage.con.execute("; ".join(f"drop table {table}" for table in scratch))
    return verdict
