"""Reader rubrics: plain-English YAML in rubrics/, joined with momentum's stall taxonomy.

An agency adds its own rubric as another YAML file, optionally starting from an existing one
with `extends:` (mappings merge, lists grow, plain values are replaced), and selects it with
the `note_rubric` setting. The version is a hash of the resolved content, so an edit to what
the rubric says re-reads notes under the new version, while comments and layout cost nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import Any

from orchestration.rubrics import RubricError, StallCluster, load_momentum, load_yaml

CATEGORIES = ("progress", "stall_reason", "risk")
_PY_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")


class InstructionMatcher:
    """The rubric's instruction patterns, matched case-insensitively, run on every note.

    Python's backtracking `re` tries every alternative at every position (some 350 µs a
    note for the shipped patterns, most of the offline reader's time); RE2 runs the same
    patterns as one automaton in linear time (about 11 µs). A pattern RE2 cannot run
    (look-arounds, back-references) keeps Python's engine; `\\uXXXX` and `\\UXXXXXXXX` are
    translated.
    """

    def __init__(self, patterns: tuple[str, ...]) -> None:
        import re2

        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        fast, slow = [], []
        for pattern in patterns:
            translated = _PY_UNICODE_ESCAPE.sub(lambda m: rf"\x{{{m[1] or m[2]}}}", pattern)
            try:
                re2.compile(translated, options=options)
                fast.append(translated)
            except re2.error:
                slow.append(pattern)
        # multi-line: `^` and `$` hold at each line, which a sentence (it has no newline)
        # does not notice, and which lets `matching` search a note's sentences at once
        self._fast = (re2.compile("(?m)" + "|".join(f"(?:{p})" for p in fast),
                                  options=options) if fast else None)
        self._slow = (re.compile("|".join(f"(?:{p})" for p in slow), re.IGNORECASE)
                      if slow else None)

    def search(self, text: str) -> bool:
        return ((self._fast is not None and self._fast.search(text) is not None)
                or (self._slow is not None and self._slow.search(text) is not None))

    def matching(self, notes: list[list[str]]) -> list[list[int]]:
        """Per note (a list of its sentences), the indices of the sentences that match."""
        lines = [s for note in notes for s in note]
        if self._slow is not None:
            hits: Iterable[int] = (i for i, line in enumerate(lines) if self.search(line))
        elif self._fast is None:
            hits = ()
        else:
            hits = self._fast_hits(lines)
        found: list[list[int]] = [[] for _ in notes]
        first_line = list(accumulate((len(note) for note in notes), initial=0))
        for line in hits:
            note = bisect_right(first_line, line) - 1
            found[note].append(line - first_line[note])
        return found

    def _fast_hits(self, lines: list[str]) -> list[int]:
        """The lines the RE2 patterns match, in order.

        A batch is one scan, a line per sentence (so `^` and `$` still mean a sentence's start
        and end): most sentences match nothing, and RE2's per-call overhead is far larger than
        its scan of a sentence. The scan is of UTF-8 bytes, where the wrapper reports offsets
        as they are (on `str` it converts every group's offsets back to characters). Each line
        a match touches is then searched on its own, so a match running over a line break
        decides nothing."""
        assert self._fast is not None
        encoded = [line.encode() for line in lines]
        starts = list(accumulate((len(line) + 1 for line in encoded), initial=0))
        touched = set()
        for match in self._fast.finditer(b"\n".join(encoded)):
            first = bisect_right(starts, match.start()) - 1
            last = bisect_right(starts, max(match.end() - 1, match.start())) - 1
            touched.update(range(first, last + 1))
        return [i for i in sorted(touched) if self._fast.search(encoded[i]) is not None]


@dataclass(frozen=True)
class Label:
    key: str
    definition: str
    level: str  # the level the offline reader gives a finding of this label
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    key: str
    definition: str
    levels: dict[str, str]
    labels: tuple[Label, ...]

    def label(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)


@dataclass(frozen=True)
class ReaderRubric:
    """Everything a reader needs to read a note the same way every time."""

    name: str
    version: str
    description: str
    categories: dict[str, Category]
    stall_clusters: tuple[StallCluster, ...]
    negations: tuple[str, ...]
    instruction_patterns: tuple[re.Pattern[str], ...]

    @cached_property
    def _instruction(self) -> InstructionMatcher:
        return InstructionMatcher(tuple(p.pattern for p in self.instruction_patterns))

    def is_instruction(self, sentence: str) -> bool:
        return self._instruction.search(sentence)

    def instruction_sentences(self, notes: list[list[str]]) -> list[list[int]]:
        """Per note (a list of its sentences), the indices of the sentences that match an
        instruction pattern."""
        return self._instruction.matching(notes)

    def allows(self, category: str, label: str, level: str) -> bool:
        """Whether (category, label, level) is something this rubric can say."""
        cat = self.categories.get(category)
        return cat is not None and level in cat.levels and cat.label(label) is not None


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [item for item in extra if item not in base]
    return extra


def _resolve(rubrics_dir: Path, name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The rubric file `name` with everything it extends merged underneath it."""
    if name in seen:
        raise RubricError(f"rubric {name!r} extends itself through {' -> '.join(seen)}")
    data = load_yaml(rubrics_dir / f"{name}.yaml")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    merged = _merge(_resolve(rubrics_dir, str(parent), (*seen, name)), data)
    merged["name"] = data.get("name", name)
    return merged


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _phrases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise RubricError(f"{where}: phrases must be a list")
    return tuple(str(p).lower() for p in value)


def _category(key: str, spec: Any, where: str, stall: tuple[StallCluster, ...]) -> Category:
    if not isinstance(spec, dict):
        raise RubricError(f"{where}: must be a mapping with a definition and levels")
    levels = {str(k): _text(v) for k, v in (spec.get("levels") or {}).items()}
    if not levels:
        raise RubricError(f"{where}: needs at least one level")
    if key == "stall_reason":
        if spec.get("labels"):
            raise RubricError(f"{where}: stall-reason labels come from momentum.yaml "
                              "(stall_reasons); add or change them there")
        first = next(iter(levels))
        labels = tuple(Label(c.key, c.label, first, c.phrases) for c in stall)
    else:
        labels = tuple(_label(k, v, f"{where}.labels.{k}", levels)
                       for k, v in (spec.get("labels") or {}).items())
    if not labels:
        raise RubricError(f"{where}: needs at least one label")
    return Category(key, _text(spec.get("definition")), levels, labels)


def _label(key: str, spec: Any, where: str, levels: dict[str, str]) -> Label:
    spec = spec or {}
    level = str(spec.get("level") or next(iter(levels)))
    if level not in levels:
        raise RubricError(f"{where}: level {level!r} is not one of {sorted(levels)}")
    return Label(str(key), _text(spec.get("definition")), level,
                 _phrases(spec.get("phrases") or [], where))


def _version(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def load_reader_rubric(rubrics_dir: Path, name: str = "case_note_reader") -> ReaderRubric:
    """Load, merge and check the reader rubric `name` (a file stem in `rubrics_dir`)."""
    data = _resolve(rubrics_dir, name)
    where = str(rubrics_dir / f"{name}.yaml")
    stall = load_momentum(rubrics_dir / "momentum.yaml").stall_reasons
    specs = data.get("categories") or {}
    unknown = sorted(set(specs) - set(CATEGORIES))
    if unknown:
        raise RubricError(f"{where}: unknown categories {unknown}; the marts read only "
                          f"{', '.join(CATEGORIES)}")
    missing = [c for c in CATEGORIES if c not in specs]
    if missing:
        raise RubricError(f"{where}: categories {missing} are missing")
    categories = {k: _category(k, specs[k], f"{where}: categories.{k}", stall) for k in CATEGORIES}
    try:
        patterns = tuple(re.compile(str(p), re.IGNORECASE)
                         for p in data.get("instruction_patterns") or [])
    except re.error as exc:
        raise RubricError(f"{where}: instruction_patterns: {exc}") from exc
    negations = tuple(str(n).lower() for n in data.get("negations") or [])
    content = {
        "description": _text(data.get("description")),
        "categories": {k: (c.definition, c.levels, [vars(label) for label in c.labels])
                       for k, c in categories.items()},
        "negations": negations,
        "instruction_patterns": [p.pattern for p in patterns],
    }
    return ReaderRubric(
        name=str(data.get("name") or name),
        version=_version(content),
        description=content["description"],
        categories=categories,
        stall_clusters=stall,
        negations=negations,
        instruction_patterns=patterns,
    )
