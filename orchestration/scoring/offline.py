"""The offline reader: the embedded note model, deterministic, no network.

It is the default when no language-model endpoint is configured, and the yardstick the
model backends are compared with. It scores a batch of notes at once; each finding quotes
the sentence that carries most of the label's score. A label the agency added to its rubric that
the model was never trained on is found by that label's phrases instead (first matching
phrase, not after a negation in the same sentence), until the model is retrained on notes
labelled with it (`caseintel train-reader`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestration.scoring.answer import Answer
from orchestration.scoring.findings import Finding, sentences
from orchestration.scoring.note_model import NoteModel
from orchestration.scoring.reader_rubric import ReaderRubric


@dataclass(frozen=True)
class _Column:
    category: str
    label: str
    level: str
    rationale: str


def _rationale(category: str, label: str) -> str:
    words = label.replace("_", " ")
    return {"progress": f"States {words} progress.",
            "stall_reason": f"States a {words} barrier."}.get(category, f"Mentions {words}.")


class OfflineReader:
    backend = "offline"
    remote = False
    output_mode = "embedded_model"

    def __init__(self, rubric: ReaderRubric, model: NoteModel) -> None:
        self.rubric = rubric
        self.note_model = model
        self.model = model.name
        self._columns: list[_Column | None] = []
        for category, key in model.labels:
            label = (rubric.categories[category].label(key)
                     if category in rubric.categories else None)
            self._columns.append(None if label is None else _Column(
                category, key, label.level, _rationale(category, key)))
        self._by_phrase = [
            (category, label) for category, cat in rubric.categories.items()
            for label in cat.labels if model.column(category, label.key) is None and label.phrases]
        words = "|".join(
            rf"\b{re.escape(n)}" if n.replace(" ", "").isalpha() else re.escape(n)
            for n in rubric.negations)
        self._negation = re.compile(rf"(?:{words})\b") if words else None

    def estimate_tokens(self, text: str) -> int:
        return 0

    def read(self, text: str) -> Answer:
        return self.read_batch([text])[0]

    def read_batch(self, texts: list[str]) -> list[Answer]:
        """Findings of many notes, their sentences scored together."""
        return self.read_sentences([sentences(text) for text in texts])

    def read_sentences(self, spans: list[list[tuple[int, int, str]]]) -> list[Answer]:
        """`read_batch` of notes already split into (start, end, sentence) spans."""
        stated = self.note_model.predict([[s for _, _, s in note] for note in spans])
        answers = []
        for note, labels in zip(spans, stated, strict=True):
            findings = []
            for column, cited in labels:
                spec = self._columns[column]
                if spec is not None:
                    start, end, sentence = note[cited]
                    findings.append(Finding(spec.category, spec.label, spec.level,
                                            spec.rationale, sentence, start, end))
            if self._by_phrase:
                findings += [f for span in note for f in self._phrase_findings(*span)]
            answers.append(Answer(findings))
        return answers

    def _phrase_findings(self, start: int, end: int, sentence: str) -> list[Finding]:
        lowered = sentence.lower()
        findings = []
        for category, label in self._by_phrase:
            at = next((i for i in (lowered.find(p) for p in label.phrases) if i >= 0), -1)
            negated = self._negation is not None and bool(self._negation.search(lowered[:at]))
            if at >= 0 and not negated:
                findings.append(Finding(category, label.key, label.level,
                                        _rationale(category, label.key), sentence, start, end))
        return findings
