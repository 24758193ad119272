"""Before -> after: re-run the grade rule on a client's own records plus one proposed input.

The grade rule lives in one place, the dbt model `int_client_grades`. To ask "what grade
would this client have if the missing case note arrived today?", this module builds a
scratch DuckDB warehouse holding that model's inputs (read from its dbt manifest) for the
clients on the Missing & incomplete list, one copy of each client per scenario under a
scenario id, adds each scenario's proposed touchpoint or movement event, and runs
`dbt run --select int_client_grades` against the scratch file. The model's SQL is run
unchanged; nothing here decides a grade.

Scenarios per client: `baseline` (no input: must reproduce marts.client_momentum, or the
comparison is refused), one per missing element (that element's input alone), and `all`
(every input together).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from orchestration.reports.data import dicts
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse

GRADE_MODEL = "int_client_grades"
BASELINE, ALL = "baseline", "all"
# The columns of the proposed rows, as the grade model's inputs name them.
PROPOSED_INPUTS = {
    "touchpoint": ("int_touchpoints", "touchpoint_key"),
    "movement": ("int_movement_events", "movement_key"),
}


class RegradeError(RuntimeError):
    """The scratch re-grade could not run, or did not reproduce the marts."""


@dataclass(frozen=True)
class Regrade:
    grade: str
    grade_reason: str


def scenario_id(person_id: str, scenario: str) -> str:
    return f"{person_id}|{scenario}"


def _manifest_inputs() -> list[tuple[str, str]]:
    """(schema, relation) of every model the grade model reads, from the dbt manifest."""
    from orchestration.transform.project import dbt_project

    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    node = manifest["nodes"][f"model.caseintel.{GRADE_MODEL}"]
    return [(manifest["nodes"][n]["schema"], manifest["nodes"][n]["alias"])
            for n in node["depends_on"]["nodes"]]


def _arrow(wh: Warehouse, sql: str, params: list[Any] | None = None) -> pa.Table:
    cursor = wh.execute(sql, params)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return pa.table({n: pa.array([r[i] for r in rows]) for i, n in enumerate(names)})


def _create_like(wh: Warehouse, scratch: Warehouse, schema: str, relation: str,
                 target: str) -> None:
    """An empty scratch table with the warehouse relation's columns and types."""
    columns = wh.rows("select column_name, data_type from information_schema.columns"
                      " where table_schema = ? and table_name = ? order by ordinal_position",
                      [schema, relation])
    scratch.execute(f"create or replace table {target} ("
                    + ", ".join(f'"{name}" {kind}' for name, kind in columns) + ")")


def _scenarios(elements: list[dict[str, Any]]) -> pa.Table:
    """One row per (scenario id, person) and the proposed event each scenario adds."""
    rows: list[tuple[str, str, str | None, str | None, str | None]] = []
    people = sorted({e["person_id"] for e in elements})
    for pid in people:
        rows.append((scenario_id(pid, BASELINE), pid, None, None, None))
    for e in elements:
        proposal = (e["proposed_table"], e["proposed_kind"], e["proposed_detail"])
        rows.append((e["element_key"], e["person_id"], *proposal))
        rows.append((scenario_id(e["person_id"], ALL), e["person_id"], *proposal))
    for pid in people:  # `all` exists even when no element proposes a grading input
        rows.append((scenario_id(pid, ALL), pid, None, None, None))
    columns = list(zip(*rows, strict=True))
    names = ["scenario_person_id", "person_id", "proposed_table", "proposed_kind",
             "proposed_detail"]
    return pa.table({n: pa.array(list(c), pa.string()) for n, c in zip(names, columns,
                                                                        strict=True)})


def _fill_scratch(wh: Warehouse, scratch: Warehouse, inputs: list[tuple[str, str]],
                  scenarios: pa.Table, as_of: str) -> None:
    """Copy the grade model's inputs into the scratch warehouse, once per scenario."""
    people = sorted(set(scenarios.column("person_id").to_pylist()))
    marks = ", ".join("?" for _ in people)
    scratch.replace_arrow("main.scenarios", scenarios)
    for schema, relation in inputs:
        scratch.execute(f"create schema if not exists {schema}")
        target = f"{schema}.{relation}"
        _create_like(wh, scratch, schema, relation, target)
        if "person_id" not in wh.columns(schema, relation):
            rows = _arrow(wh, f"select * from {target}")
            if rows.num_rows:
                scratch.insert_arrow(target, rows)
            continue
        _create_like(wh, scratch, schema, relation, "main.copied")
        rows = _arrow(wh, f"select * from {target} where person_id in ({marks})", people)
        if rows.num_rows:
            scratch.insert_arrow("main.copied", rows)
        scratch.execute(f"""insert into {target} by name
            select c.* exclude (person_id), s.scenario_person_id as person_id
            from main.copied c
            join (select distinct scenario_person_id, person_id from main.scenarios) s
              on s.person_id = c.person_id""")
    for table, (relation, key) in PROPOSED_INPUTS.items():
        scratch.execute(f"""insert into intermediate.{relation} by name
            select 'proposed:' || s.scenario_person_id || ':' || s.proposed_kind || ':'
                   || coalesce(s.proposed_detail, '') as {key},
                   s.scenario_person_id as person_id, cast(? as date) as event_date,
                   s.proposed_kind as kind, s.proposed_detail as detail,
                   'proposed' as source_model
            from main.scenarios s where s.proposed_table = ?""", [as_of, table])


def _run_dbt(settings: Settings, scratch_db: Path, folder: Path, as_of: str) -> None:
    from orchestration.transform.project import dbt_project

    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, **settings.with_overrides(warehouse="duckdb",
                                                   db_path=scratch_db).dbt_env()}
    done = subprocess.run(
        [str(dbt), "run", "--select", GRADE_MODEL, "--target", "duckdb",
         "--vars", json.dumps({"as_of_date": as_of}),
         "--project-dir", str(dbt_project.project_dir),
         "--profiles-dir", str(dbt_project.profiles_dir),
         "--target-path", str(folder / "target"), "--log-path", str(folder / "logs")],
        env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RegradeError(f"dbt could not re-grade the scenarios:\n{done.stdout[-3000:]}")


def regrade(settings: Settings, wh: Warehouse, as_of: str) -> dict[str, Regrade]:
    """The grade of every scenario of every client on the Missing & incomplete list, keyed
    by scenario id (`<person>|baseline`, the element_key, `<person>|all`)."""
    elements = dicts(wh, """select element_key, person_id, proposed_table, proposed_kind,
                                   proposed_detail from marts.report_missing_elements""")
    if not elements:
        return {}
    scenarios = _scenarios(elements)
    with tempfile.TemporaryDirectory(prefix="caseintel-regrade-") as tmp:
        folder = Path(tmp)
        scratch_db = folder / "scenarios.duckdb"
        with Warehouse(scratch_db) as scratch, scratch.transaction():
            _fill_scratch(wh, scratch, _manifest_inputs(), scenarios, as_of)
        _run_dbt(settings, scratch_db, folder, as_of)
        with Warehouse(scratch_db, read_only=True) as scratch:
            graded = {pid: Regrade(grade, reason) for pid, grade, reason in scratch.rows(
                f"select person_id, grade, grade_reason from intermediate.{GRADE_MODEL}"
                " where is_current")}
    marts = dict(wh.rows("select person_id, grade from marts.client_momentum"))
    wrong = [pid for pid in {e["person_id"] for e in elements}
             if graded.get(scenario_id(pid, BASELINE), Regrade("", "")).grade != marts.get(pid)]
    if wrong:
        raise RegradeError(f"the scratch re-grade did not reproduce marts.client_momentum for "
                           f"{len(wrong)} clients (e.g. {sorted(wrong)[:3]}): refusing to "
                           "show before -> after grades")
    return graded
