"""Findings and the sentences they quote."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence starts at a character that is not white space and ends at . ! or ? followed by
# white space (or at a line's end): an e-mail address, a web address, "5.5 hrs" or
# "i.g.n.o.r.e" stays inside its sentence.
_SENTENCE = re.compile(r"(?=\S)(?:[^.!?\n]+|[.!?]+(?=[^\s.!?]))+(?:[.!?]+|$)", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    """One thing a reader found; offsets are -1 until the quote is located in the note."""

    category: str
    label: str
    level: str
    rationale: str
    quote: str
    quote_start: int = -1
    quote_end: int = -1


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) spans, trimmed of surrounding white space."""
    spans = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().rstrip()
        start = match.start()
        spans.append((start, start + len(sentence), sentence))
    return spans
