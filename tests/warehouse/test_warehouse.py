"""One Warehouse interface, two engines: the same calls behave the same on both."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from orchestration.settings import Settings
from orchestration.transform.profile import profile_args
from orchestration.warehouse import PYTHON_SCHEMAS, Warehouse

AWKWARD = ["plain", "", None, 'quote " and, comma', "new\nline", "100% ?", "José ✓"]


def awkward_table() -> pa.Table:
    n = len(AWKWARD)
    return pa.table({
        "b": pa.array(range(n), pa.int64()),
        "a": pa.array(AWKWARD, pa.string()),
        "c": pa.array([datetime(2026, 11, 1, 7, 30)] * n, pa.timestamp("us")),
        "d": pa.array([date(2026, 1, i + 1) for i in range(n)], pa.date32()),
        "e": pa.array([0.5 * i for i in range(n)], pa.float64()),
        "f": pa.array([i % 2 == 0 for i in range(n)], pa.bool_()),
    })


def test_the_target_names_the_engine(target) -> None:
    with Warehouse(target) as wh:
        expected = "DuckDBWarehouse" if isinstance(target, Path) else "PostgresWarehouse"
        assert type(wh).__name__ == expected
        assert all(wh.scalar("select count(*) from information_schema.schemata"
                             " where schema_name = ?", [s]) == 1 for s in PYTHON_SCHEMAS)


def test_arrow_rows_round_trip_by_column_name(target) -> None:
    with Warehouse(target) as wh:
        wh.execute("create table raw.t (a varchar, b bigint, c timestamp, d date,"
                   " e double precision, f boolean, g varchar)")
        with wh.transaction():
            wh.insert_arrow("raw.t", awkward_table())
        rows = wh.rows("select a, b, c, d, e, f, g from raw.t order by b")
    assert [r[0] for r in rows] == AWKWARD
    assert rows[1][1:] == (1, datetime(2026, 11, 1, 7, 30), date(2026, 1, 2), 0.5, False, None)


def test_replacing_a_table_keeps_views_on_it_and_follows_a_new_shape(target) -> None:
    with Warehouse(target) as wh:
        wh.replace_arrow("raw.r", awkward_table())
        wh.execute("create view raw.v as select a, b from raw.r")
        wh.replace_arrow("raw.r", awkward_table().slice(0, 2))
        assert wh.scalar("select count(*) from raw.v") == 2
        wh.replace_arrow("raw.r", pa.table({"z": pa.array([1, 2, 3], pa.int32())}))
        assert wh.columns("raw", "r") == ["z"]
        assert wh.scalar("select sum(z) from raw.r") == 6


def test_a_result_comes_back_as_arrow_in_the_schema_asked_for(target) -> None:
    table = awkward_table()
    with Warehouse(target) as wh:
        wh.replace_arrow("raw.back", table)
        back = wh.arrow("select b, a, c, d, e, f from raw.back where b >= ? order by b",
                        table.schema, [1])
        empty = wh.arrow("select b, a, c, d, e, f from raw.back where b < 0", table.schema)
    assert back.schema == table.schema
    assert back.to_pylist() == table.slice(1).to_pylist()
    assert empty.num_rows == 0 and empty.schema == table.schema


def test_a_table_holds_an_arrow_table_only_with_the_same_columns_and_rows(target) -> None:
    table = pa.table({"k": pa.array(["a", "b", None], pa.string()),
                      "v": pa.array([1.5, 2.0, 2.0], pa.float64())})
    with Warehouse(target) as wh:
        assert not wh.holds("raw.h", table)  # no such table yet
        wh.replace_arrow("raw.h", table)
        assert wh.holds("raw.h", table)
        assert wh.holds("raw.h", table.take([2, 0, 1]))  # order does not matter
        assert not wh.holds("raw.h", table.slice(0, 2))
        assert not wh.holds("raw.h", table.set_column(1, "v", pa.array([1.5, 2.0, 2.5])))
        assert not wh.holds("raw.h", table.rename_columns(["k", "w"]))
        assert wh.refresh_arrow({"raw.h": table}) == []
        assert wh.refresh_arrow({"raw.h": table.slice(0, 2)}) == ["raw.h"]
        assert wh.holds("raw.h", table.slice(0, 2))


def test_a_failed_transaction_leaves_nothing(target) -> None:
    with Warehouse(target) as wh:
        wh.execute("create table raw.t (a varchar)")
        with pytest.raises(RuntimeError), wh.transaction():
            wh.insert_arrow("raw.t", pa.table({"a": ["x"]}))
            raise RuntimeError("the load failed")
        assert wh.scalar("select count(*) from raw.t") == 0


def test_placeholders_quotes_and_percent_signs(target) -> None:
    with Warehouse(target) as wh:
        wh.execute("create table raw.t (a varchar, n integer)")
        wh.executemany("insert into raw.t values (?, ?)", [("?", 1), ("100%", 2), ("x", 3)])
        assert wh.rows("select n from raw.t where a = '?' or a like ? order by n",
                       ["%0%"]) == [(1,), (2,)]
        assert wh.scalar("select count(*) from raw.t where a like '%'") == 3


def test_integers_stay_integers_and_results_stream_in_batches(target) -> None:
    with Warehouse(target) as wh:
        wh.execute("create table raw.t (n bigint)")
        wh.insert_arrow("raw.t", pa.table({"n": pa.array(range(25), pa.int64())}))
        total = wh.scalar("select sum(n) from raw.t")
        assert total == 300 and isinstance(total, int)
        batches = list(wh.stream("select n from raw.t where n >= ? order by n", [5],
                                 batch_size=8))
        assert [len(b) for b in batches] == [8, 8, 4]
        assert [n for batch in batches for (n,) in batch] == list(range(5, 25))


def test_a_read_only_warehouse_refuses_writes(target) -> None:
    with Warehouse(target) as wh:
        wh.execute("create table raw.t (a varchar)")
    with Warehouse(target, read_only=True) as wh, pytest.raises(Exception, match="(?i)read"):
        wh.execute("insert into raw.t values ('x')")


def test_settings_choose_the_warehouse_and_tell_dbt(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("CASEINTEL_WAREHOUSE", "postgres")
    monkeypatch.setenv("CASEINTEL_PG_DSN", "postgresql://ana:s%40cret@db.example:6543/agency")
    settings = Settings.from_env()
    assert settings.warehouse_target == "postgresql://ana:s%40cret@db.example:6543/agency"
    assert "s%40cret" not in repr(settings)
    args = profile_args(settings, tmp_path / "dbt")
    assert args == ["--profiles-dir", str(tmp_path / "dbt"), "--target", "postgres"]
    profile = tmp_path / "dbt" / "profiles.yml"
    assert profile.stat().st_mode & 0o777 == 0o600  # it holds the password
    output = yaml.safe_load(profile.read_text())["caseintel"]["outputs"]["postgres"]
    assert (output["host"], output["port"], output["user"], output["password"],
            output["dbname"]) == ("db.example", 6543, "ana", "s@cret", "agency")
    monkeypatch.setenv("CASEINTEL_WAREHOUSE", "duckdb")
    assert Settings.from_env().warehouse_target == Settings.from_env().db_path
    monkeypatch.setenv("CASEINTEL_WAREHOUSE", "oracle")
    with pytest.raises(ValueError, match="CASEINTEL_WAREHOUSE"):
        Settings.from_env()


def test_duckdb_takes_its_memory_limit_from_settings(tmp_path: Path) -> None:
    settings = Settings.from_env().with_overrides(
        warehouse="duckdb", db_path=tmp_path / "w.duckdb", duckdb_memory_limit="1GB")
    with Warehouse.from_settings(settings) as wh:
        assert wh.scalar("select current_setting('memory_limit')") == "953.6 MiB"


def test_the_warehouse_hashes_text_as_hashlib_does(target) -> None:
    texts = [t for t in AWKWARD if t is not None]
    with Warehouse(target) as wh:
        wh.replace_arrow("raw.h", pa.table({"t": pa.array(texts, pa.string())}))
        hashed = dict(wh.rows(f"select t, {wh.sha256_hex('t')} from raw.h"))
    assert hashed == {t: hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts}


# Texts and the name each holds as redaction sees it (Python's casefold and NFKD), among
# them words an engine's lowercase or accent stripping folds otherwise
NAMED_TEXTS = {
    "Seen by Maria today": "maria", "MARIA called": "maria", "Lucía's sister": "lucia",
    "Đặng came in": "dang", "met Straße staff": "strasse", "Søren left": "søren",
    "Griﬃn phoned": "griffin", "Ｍaria again": "maria", "O’Brien-Smith moved": "brien",
    "Maria2 on file": "maria",
}
NAMELESS = ["Primary care at 9", "Mariachi band night", "amaria", "curly ’quotes’ — dash"]


def test_a_folded_match_in_sql_finds_every_text_python_finds_a_name_in(target) -> None:
    """The engine's folding may differ from Python's: what it cannot rule out, it keeps."""
    from orchestration.scoring.redact import Redactor

    redactor = Redactor(frozenset(NAMED_TEXTS.values()))
    assert all(redactor.names_in(t) == {n} for t, n in NAMED_TEXTS.items())
    pattern = "(^|[^a-z])(maria|lucia|dang|strasse|søren|griffin|brien)([^a-z]|$)"
    with Warehouse(target) as wh:
        wh.replace_arrow("raw.n", pa.table({"t": pa.array([*NAMED_TEXTS, *NAMELESS])}))
        matched = {t for (t,) in wh.rows(
            f"select t from raw.n where {wh.may_match_folded('t')}", [pattern])}
    assert set(NAMED_TEXTS) <= matched
    assert not matched & set(NAMELESS[:3])


def test_a_group_digest_follows_the_values_not_their_order(target) -> None:
    groups = {"a": ["x", "y", "z"], "b": ["z", "y", "x"], "c": ["x", "y", "zz"],
              "d": ["x", "y", "z", "z"]}
    with Warehouse(target) as wh:
        wh.replace_arrow("raw.g", pa.table({
            "g": pa.array([g for g, values in groups.items() for _ in values]),
            "v": pa.array([v for values in groups.values() for v in values])}))
        digest = dict(wh.rows(f"select g, {wh.digest_agg('v')} from raw.g group by g"))
    assert digest["a"] == digest["b"]
    assert len({digest["a"], digest["c"], digest["d"]}) == 3
