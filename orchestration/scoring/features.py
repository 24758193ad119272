"""What the embedded note model sees of a sentence: its words, and which of them are in a
negation's scope. Training and reading both go through `tokenize`, so the model reads a note
exactly as it was trained to.

Negation scope is the classic one for short texts: the words after a negating word up to the
next clause break ("no longer has a car, so" marks "has", "a", "car"), so "denies SI" and
"transportation is no longer an issue" do not look like the barrier they name. "n't" is read
as "not".

Words are letters of any script (text written to steer a reader is often in another
language), after NFKC folding (full-width letters become plain ones); Chinese and Japanese,
written without spaces, are read as character pairs; any other unbroken run of 20 or more letters
and digits (base64, a pasted token) is one shape, `LONG_RUN`.

A batch of sentences is one string to the regular-expression engine and one array after it:
no Python object per word beyond the token list, which is what lets the offline reader keep up
with a night's notes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import repeat

import numpy as np

# Words of any script, with shorthand slashes or apostrophes (f/u, w/o, cl's); clause breaks
# (a spaced dash becomes one); the newline that separates the sentences of a batch (a
# sentence never holds one).
_TOKEN = re.compile(r"[^\W_]+(?:['’/][^\W_]+)*|[,;:()\[\]\n]")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LONG_RUN = "⟨long run⟩"
_LONG = 20
NEGATORS = frozenset({
    "not", "no", "never", "nor", "neither", "none", "nothing", "without", "denies", "denied",
    "deny", "resolved", "longer", "negative",
})
_SEPARATOR, _BREAK, UNKNOWN = -2, -3, -1


def _pairs(run: re.Match[str]) -> str:
    text = run.group()
    return f" {' '.join(text[i:i + 2] for i in range(max(1, len(text) - 1)))} "


def _tokens(sentences: list[str]) -> list[str]:
    """Every token of the batch, sentences separated by "\n"."""
    text = "\n".join(sentences)
    if text.isascii():
        text = text.lower()
    else:
        if not unicodedata.is_normalized("NFKC", text):
            text = "\n".join(s if s.isascii() or unicodedata.is_normalized("NFKC", s)
                             else unicodedata.normalize("NFKC", s) for s in sentences)
        text = text.lower()
        if _UNSPACED.search(text):
            text = _UNSPACED.sub(_pairs, text)
        text = text.replace("n’t", " not")
        for dash in (" – ", " — "):
            text = text.replace(dash, " ; ")
    return _TOKEN.findall(text.replace("n't", " not").replace(" - ", " ; "))


def words(sentences: list[str]) -> list[str]:
    """The words of `sentences` as the model sees them (to build a vocabulary from)."""
    return [LONG_RUN if len(t) >= _LONG else t for t in _tokens(sentences) if t[0].isalnum()]


def lookup_table(vocabulary: dict[str, int]) -> dict[str, int]:
    """`vocabulary` with the batch's sentence separator and the clause breaks, for
    `tokenize`."""
    return {**vocabulary, "\n": _SEPARATOR, **dict.fromkeys(",;:()[]", _BREAK)}


@dataclass(frozen=True)
class Tokens:
    """A batch of sentences as vocabulary ids, one row per word in reading order."""

    word: np.ndarray  # vocabulary id, UNKNOWN if the vocabulary lacks it
    sentence: np.ndarray  # index of the word's sentence in the batch
    negated: np.ndarray  # whether the word is in a negation's scope
    clause: np.ndarray  # index of the word's clause (the part of its sentence between
    # breaks) among the batch's clauses that hold a word, in reading order
    sentences: int


def tokenize(sentences: list[str], lookup: dict[str, int], long_run: int,
             negators: np.ndarray) -> Tokens:
    """`lookup`: `lookup_table` of the vocabulary; `long_run`: the vocabulary id of
    LONG_RUN; `negators`: the vocabulary ids of the NEGATORS."""
    tokens = _tokens(sentences)
    if not tokens:
        empty = np.zeros(0, np.int64)
        return Tokens(empty, empty, empty.astype(bool), empty, len(sentences))
    ids = np.fromiter(map(lookup.get, tokens, repeat(UNKNOWN)), np.int64, len(tokens))
    lengths = np.fromiter(map(len, tokens), np.int64, len(tokens))
    ids[lengths >= _LONG] = long_run
    separator = ids == _SEPARATOR
    sentence = np.cumsum(separator)
    # A clause's tokens: a negator's scope runs to the end of its clause.
    clause = np.cumsum(separator | (ids == _BREAK))
    negating = np.isin(ids, negators).astype(np.int64)
    before = np.cumsum(negating) - negating  # negators before each token
    clause_start = np.r_[0, np.flatnonzero(np.diff(clause)) + 1]
    negated = before > before[clause_start][clause - clause[0]]
    keep = ids >= UNKNOWN
    kept_clause = clause[keep]
    renumbered = np.cumsum(np.r_[False, kept_clause[1:] != kept_clause[:-1]])
    return Tokens(ids[keep], sentence[keep], negated[keep], renumbered, len(sentences))
