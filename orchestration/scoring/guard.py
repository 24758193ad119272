"""Notes are data, never instructions: the same rule after every backend.

A sentence matching the rubric's instruction_patterns talks to the reader, not about the
client. Whatever a backend made of such a note, it yields no progress (progress moves a
client's grade) and no stall reason from the instruction itself, and each such sentence is
reported as a `prompt_injection` risk so a supervisor sees it.
"""

from __future__ import annotations

from orchestration.scoring.findings import Finding, sentences
from orchestration.scoring.rubric import ReaderRubric

INJECTION = "prompt_injection"


def guard(findings: list[Finding], text: str, rubric: ReaderRubric) -> tuple[list[Finding], int]:
    """(findings that stand, number rejected); `findings` carry offsets into `text`."""
    instructions = [(s, e, sentence) for s, e, sentence in sentences(text)
                    if rubric.is_instruction(sentence)]
    if not instructions:
        return findings, 0

    def steered(f: Finding) -> bool:
        if f.category == "progress":
            return True
        return f.category == "stall_reason" and any(
            f.quote_start < e and s < f.quote_end for s, e, _ in instructions)

    kept = [f for f in findings if not steered(f)]
    rejected = len(findings) - len(kept)
    risk = rubric.categories["risk"].label(INJECTION)
    if risk is not None:
        flagged = {(f.quote_start, f.quote_end) for f in kept
                   if (f.category, f.label) == ("risk", INJECTION)}
        kept += [Finding("risk", INJECTION, risk.level,
                         "The note addresses the reader instead of describing the client.",
                         sentence, s, e)
                 for s, e, sentence in instructions if (s, e) not in flagged]
    return kept, rejected
