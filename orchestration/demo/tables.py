"""Streaming file writers shared by every output: rows go straight to disk, never to a list."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

BUFFER = 1 << 18


class Table:
    """One CSV file with a fixed header; `write` returns the 1-based data row number."""

    def __init__(
        self,
        root: Path,
        relative: str,
        columns: Iterable[str],
        encoding: str = "utf-8",
        newline: str = "\n",
        fold: Callable[[str], str] | None = None,
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.relative = relative
        self.columns = tuple(columns)
        self.rows = 0
        self.fold = fold
        self._index = {name: i for i, name in enumerate(self.columns)}
        self._file = path.open("w", encoding=encoding, newline="", buffering=BUFFER)
        self._writer = csv.writer(self._file, lineterminator=newline)
        self._writer.writerow(self.columns)

    def write(self, values: Mapping[str, object]) -> int:
        row = [""] * len(self.columns)
        for name, value in values.items():
            if value is not None:
                text = str(value)
                row[self._index[name]] = self.fold(text) if self.fold else text
        self._writer.writerow(row)
        self.rows += 1
        return self.rows

    def close(self) -> None:
        self._file.close()


class JsonLines:
    """A JSON-lines file with the same `write` contract as Table (fields in a fixed order)."""

    def __init__(self, root: Path, relative: str, columns: Iterable[str]):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.relative = relative
        self.columns = tuple(columns)
        self.rows = 0
        self._file = path.open("w", encoding="utf-8", newline="\n", buffering=BUFFER)

    def write(self, values: Mapping[str, object]) -> int:
        record = {name: values.get(name, "") for name in self.columns}
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.rows += 1
        return self.rows

    def close(self) -> None:
        self._file.close()


class Outputs:
    """Every file opened during a run, so they are all closed and counted in one place."""

    def __init__(self, root: Path):
        self.root = root
        self.files: list[Table | JsonLines] = []

    def table(
        self,
        relative: str,
        columns: Iterable[str],
        encoding: str = "utf-8",
        newline: str = "\n",
        fold: Callable[[str], str] | None = None,
    ) -> Table:
        table = Table(self.root, relative, columns, encoding, newline, fold)
        self.files.append(table)
        return table

    def json_lines(self, relative: str, columns: Iterable[str]) -> JsonLines:
        out = JsonLines(self.root, relative, columns)
        self.files.append(out)
        return out

    def close(self) -> None:
        for out in self.files:
            out.close()

    @property
    def rows(self) -> int:
        return sum(out.rows for out in self.files)
