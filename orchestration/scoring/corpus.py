"""Labelled case notes: what a reader is trained on and measured against.

A corpus is a JSON-lines file, one note per line:
    {"id": "...", "text": "...", "labels": [{"category": "stall_reason",
     "label": "transportation", "quote": "<verbatim span of the text>"}], "program": "..."}
A note with no labels states nothing the rubric reports. `stall_reason/other` marks a barrier
outside the taxonomy: no reader should give it a taxonomy label, and it is not a "states no
reason" note either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

OTHER = "other"


class CorpusError(ValueError):
    """A labelled note that cannot be used, naming its file, line and field."""


@dataclass(frozen=True)
class Gold:
    category: str
    label: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledNote:
    id: str
    text: str
    labels: tuple[Gold, ...]
    program: str = ""

    def keys(self, category: str) -> set[str]:
        return {g.label for g in self.labels if g.category == category}

    @property
    def injected(self) -> bool:
        return "prompt_injection" in self.keys("risk")


def _gold(raw: object, where: str, text: str) -> Gold:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: a label must be an object with category, label, quote")
    fields = {}
    for key in ("category", "label", "quote"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            raise CorpusError(f"{where}: field {key!r} is missing or not text")
        fields[key] = value
    start = text.find(fields["quote"])
    if start < 0:
        raise CorpusError(f"{where}: field 'quote' is not a verbatim span of the note's text: "
                          f"{fields['quote']!r}")
    return Gold(fields["category"], fields["label"], fields["quote"], start,
                start + len(fields["quote"]))


def load_corpus(*paths: Path) -> list[LabelledNote]:
    """Every note of the given files, checked; ids must be unique across them."""
    notes: list[LabelledNote] = []
    seen: dict[str, str] = {}
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                where = f"{path}, line {number}"
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{where}: not JSON ({exc.msg})") from exc
                if not isinstance(raw, dict):
                    raise CorpusError(f"{where}: a note must be a JSON object")
                note_id, text = raw.get("id"), raw.get("text")
                if not isinstance(note_id, str) or not note_id:
                    raise CorpusError(f"{where}: field 'id' is missing or not text")
                if not isinstance(text, str):
                    raise CorpusError(f"{where}: field 'text' is missing or not text")
                if note_id in seen:
                    raise CorpusError(f"{where}: field 'id' {note_id!r} repeats {seen[note_id]}")
                seen[note_id] = where
                labels = raw.get("labels") or []
                if not isinstance(labels, list):
                    raise CorpusError(f"{where}: field 'labels' must be a list")
                notes.append(LabelledNote(
                    note_id, text,
                    tuple(_gold(g, f"{where}, labels[{i}]", text) for i, g in enumerate(labels)),
                    str(raw.get("program") or "")))
    return notes
