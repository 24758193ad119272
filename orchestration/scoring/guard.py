"""Notes are data, never instructions: the same rule after every backend.

A sentence talks to the reader, not about the client, when it matches the rubric's
instruction_patterns, when the embedded note model's injection head finds it (it learned
the shapes such text takes: requests to an AI, fake system messages, role-play, hidden
markup, other languages), or when the backend itself reported it. Whatever a backend made of
such a note, it yields no progress (progress moves a client's grade) and no stall reason
from the instruction itself, and each such sentence is reported as a `prompt_injection`
finding, which the marts route to the data steward as a data-integrity event.
"""

from __future__ import annotations

from orchestration.scoring.findings import Finding, sentences
from orchestration.scoring.note_model import NoteModel
from orchestration.scoring.reader_rubric import ReaderRubric

INJECTION = "prompt_injection"


def instruction_sentences(text: str, rubric: ReaderRubric, findings: list[Finding],
                          detector: NoteModel | None,
                          spans: list[tuple[int, int, str]] | None = None,
                          matched: list[int] | None = None) -> list[tuple[int, int, str]]:
    """Sentences of `text` (`spans`, when the caller has them) addressed to the reader;
    `matched`: those of `spans` the rubric's patterns match, when the caller has them."""
    reported = {(f.quote_start, f.quote_end) for f in findings
                if (f.category, f.label) == ("risk", INJECTION)}
    if detector is None and matched == [] and not reported:
        return []  # the common case, decided without a look at the sentences
    spans = sentences(text) if spans is None else spans
    column = detector.column("risk", INJECTION) if detector is not None else None
    modelled = set()
    if detector is not None and column is not None and spans:
        stated = detector.predict([[s for _, _, s in spans]])[0]
        modelled = {cited for j, cited in stated if j == column}
    if matched is None:
        matched = rubric.instruction_sentences([[s for _, _, s in spans]])[0]
    patterned = set(matched)
    return [(s, e, sentence) for i, (s, e, sentence) in enumerate(spans)
            if i in modelled or i in patterned
            or any(s < r_end and r_start < e for r_start, r_end in reported)]


def guard(findings: list[Finding], text: str, rubric: ReaderRubric,
          detector: NoteModel | None = None,
          spans: list[tuple[int, int, str]] | None = None,
          matched: list[int] | None = None) -> tuple[list[Finding], int]:
    """(findings that stand, number rejected); `findings` carry offsets into `text`.
    `detector`: the note model, for backends that are not the model itself; `spans`: the
    note's sentences and `matched` those the rubric's patterns match, when the caller has
    them."""
    instructions = instruction_sentences(text, rubric, findings, detector, spans, matched)
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
