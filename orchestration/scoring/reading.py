"""One note through a backend: redact, read, check every finding against the original note.

Whatever the backend, a finding stands only if its (category, label, level) is in the rubric,
its quote is a verbatim span of the text the backend saw (mapped back to the original note
through the redaction), and it survives the instruction guard.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from orchestration.scoring.answer import Answer, Reader
from orchestration.scoring.findings import Finding, sentences
from orchestration.scoring.guard import guard
from orchestration.scoring.note_model import NoteModel
from orchestration.scoring.offline import OfflineReader
from orchestration.scoring.reader_rubric import ReaderRubric
from orchestration.scoring.redact import ClientFacts, Redaction, Redactor


@dataclass(frozen=True)
class NoteToRead:
    note_sha256: str
    text: str
    client: ClientFacts | None = None


@dataclass(frozen=True)
class Reading:
    """A note's accepted findings (offsets into the original text) and what was rejected."""

    note_sha256: str
    findings: list[Finding]
    answer: Answer
    rejected_invalid: int = 0
    rejected_quotes: int = 0
    rejected_instructions: int = 0

    @property
    def tokens(self) -> int:
        return self.answer.prompt_tokens + self.answer.completion_tokens

    @property
    def failed(self) -> bool:
        return self.answer.error is not None


def read_note(reader: Reader, rubric: ReaderRubric, redactor: Redactor | None,
              note: NoteToRead, detector: NoteModel | None = None) -> Reading:
    """One note through `reader`; `detector` finds instruction text the backend may obey."""
    if not note.text.strip():
        return Reading(note.note_sha256, [], Answer())  # nothing to read, nothing to pay for
    if reader.remote:
        if redactor is None:
            raise ValueError("a remote reader needs a redactor: notes never leave unredacted")
        redaction = redactor.redact(note.text, note.client)
    else:
        redaction = Redaction.none(note.text)
    return _checked(note, redaction, reader.read(redaction.text), rubric, detector)


def read_offline(reader: OfflineReader, rubric: ReaderRubric,
                 notes: list[NoteToRead]) -> list[Reading]:
    """Many notes through the embedded model at once (its injection head is in its answer).

    Its findings pass the checks by construction (labels of this rubric at their level, one per
    label and sentence, each quoting a sentence of the note at its offsets), so only the guard
    runs."""
    spans = [sentences(n.text) for n in notes]
    answers = reader.read_sentences(spans)
    matched = rubric.instruction_sentences([[s for _, _, s in note] for note in spans])
    readings = []
    for note, answer, note_spans, patterned in zip(notes, answers, spans, matched, strict=True):
        kept, steered = guard(answer.findings, note.text, rubric, None, note_spans, patterned)
        readings.append(Reading(note.note_sha256, kept, answer, rejected_instructions=steered))
    return readings


def _checked(note: NoteToRead, redaction: Redaction, answer: Answer, rubric: ReaderRubric,
             detector: NoteModel | None) -> Reading:
    invalid = unquoted = 0
    located: dict[tuple[str, str, int, int], Finding] = {}
    for f in answer.findings:
        if not rubric.allows(f.category, f.label, f.level):
            invalid += 1
            continue
        if (f.quote and f.quote_start >= 0 and redaction.text is note.text
                and note.text[f.quote_start:f.quote_end] == f.quote):  # located by the reader
            located.setdefault((f.category, f.label, f.quote_start, f.quote_end), f)
            continue
        span = redaction.locate(f.quote)
        if span is None:
            unquoted += 1
            continue
        start, end = span
        located.setdefault((f.category, f.label, start, end),
                           replace(f, quote=note.text[start:end], quote_start=start,
                                   quote_end=end))
    kept, steered = guard(list(located.values()), note.text, rubric, detector)
    return Reading(note.note_sha256, kept, answer, invalid, unquoted, steered)
