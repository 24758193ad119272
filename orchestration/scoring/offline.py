"""The offline reader: deterministic, driven by the rubric's phrase lists, no network.

It is the default when no language-model endpoint is configured, and the yardstick the
model backends are compared with. It reads sentence by sentence so each finding can quote
the sentence that supports it.
"""

from __future__ import annotations

import re

from orchestration.rubrics import cluster_of
from orchestration.scoring.answer import Answer
from orchestration.scoring.findings import Finding, sentences
from orchestration.scoring.rubric import Label, ReaderRubric

OFFLINE_MODEL = "offline-phrases-v1"


class OfflineReader:
    model = OFFLINE_MODEL
    backend = "offline"
    remote = False
    output_mode = "rubric_phrases"

    def __init__(self, rubric: ReaderRubric) -> None:
        self.rubric = rubric
        words = "|".join(
            rf"\b{re.escape(n)}" if n.replace(" ", "").isalpha() else re.escape(n)
            for n in rubric.negations
        )
        self._negation = re.compile(rf"(?:{words})\b") if words else None

    def estimate_tokens(self, text: str) -> int:
        return 0

    def _negated(self, lowered: str, phrase_at: int) -> bool:
        return bool(self._negation and self._negation.search(lowered[:phrase_at]))

    def _progress(self, lowered: str) -> tuple[Label, str] | None:
        for label in self.rubric.categories["progress"].labels:
            for phrase in label.phrases:
                at = lowered.find(phrase)
                if at >= 0 and not self._negated(lowered, at):
                    return label, phrase
        return None

    def read(self, text: str) -> Answer:
        """Findings sentence by sentence: progress (unless negated), else a stall reason;
        and any risk signals."""
        stall_level = next(iter(self.rubric.categories["stall_reason"].levels))
        findings: list[Finding] = []
        for start, end, sentence in sentences(text):
            lowered = sentence.lower()
            progress = self._progress(lowered)
            if progress:
                label, phrase = progress
                findings.append(Finding("progress", label.key, label.level,
                                        f"States progress ('{phrase}').", sentence, start, end))
            elif key := cluster_of(sentence, self.rubric.stall_clusters):
                findings.append(Finding("stall_reason", key, stall_level,
                                        f"States a {key.replace('_', ' ')} barrier.",
                                        sentence, start, end))
            for label in self.rubric.categories["risk"].labels:
                if any(p in lowered for p in label.phrases):
                    findings.append(Finding("risk", label.key, label.level,
                                            f"Mentions {label.key.replace('_', ' ')}.",
                                            sentence, start, end))
        return Answer(findings)
