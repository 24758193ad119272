"""Settings reach the code one way: read from the environment by `Settings`, changed per run
by the caseintel resource's run config; no module of the pipeline writes the environment."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from orchestration.resources import CaseintelResource
from orchestration.settings import REPO_ROOT

WRITES = {"setdefault", "update", "pop", "clear", "popitem", "__setitem__", "__delitem__"}


def _is_environ(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr == "environ"


def _environment_writes(path: Path) -> list[str]:
    """Each `os.environ[...] = `, `del os.environ[...]`, `os.environ.<write>(...)`,
    `os.putenv` and `os.unsetenv` in a file, as `file:line`."""
    found: list[int] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = (node.targets if isinstance(node, ast.Assign | ast.Delete)
                   else [node.target] if isinstance(node, ast.AugAssign) else [])
        hit = any(isinstance(t, ast.Subscript) and _is_environ(t.value) for t in targets)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            hit = hit or (node.func.attr in WRITES and _is_environ(node.func.value)) or \
                node.func.attr in {"putenv", "unsetenv"}
        if hit:
            found.append(node.lineno)
    return [f"{path.name}:{line}" for line in sorted(found)]


def test_no_module_of_the_pipeline_writes_the_environment(tmp_path: Path) -> None:
    writes = [w for path in sorted((REPO_ROOT / "orchestration").rglob("*.py"))
              for w in _environment_writes(path)]
    assert writes == []
    planted = tmp_path / "planted.py"  # the scan finds each kind of write
    planted.write_text("import os\nos.environ['A'] = '1'\nos.environ.setdefault('B', '2')\n"
                       "del os.environ['A']\nos.putenv('C', '3')\nos.environ.get('D')\n")
    assert _environment_writes(planted) == [f"planted.py:{n}" for n in (2, 3, 4, 5)]


def test_a_run_sets_its_date_landing_folder_and_retraining_as_run_config(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEINTEL_AS_OF", "2026-01-31")
    assert CaseintelResource().settings().as_of == date(2026, 1, 31)
    settings = CaseintelResource(as_of="2026-11-01", landing_dir=str(workdir / "demo"),
                                 identity_retrain=True).settings()
    assert settings.as_of == date(2026, 11, 1)
    assert settings.landing_dir == (workdir / "demo").resolve()
    assert settings.identity_retrain
    assert not CaseintelResource().settings().identity_retrain
