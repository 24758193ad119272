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

A batch of sentences is one string and one array of code points: tokens are runs of word
characters found with numpy, and a word's vocabulary id is found by a 64-bit polynomial hash of
its characters (a word of 20 or more characters is LONG_RUN and never looked up; shorter ones
are far from the lengths at which such hashes can be made to collide). No Python object per
word, which is what lets the offline reader keep up with a night's notes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

_WORD_CHAR = re.compile(r"[^\W_]+")  # letters and digits of any script
_JOINERS = "'’/"  # join two words into one (f/u, w/o, cl's)
_BREAKS = ",;:()[]"  # clause breaks (a spaced dash becomes one)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LONG_RUN = "⟨long run⟩"
_LONG = 20
NEGATORS = frozenset({
    "not", "no", "never", "nor", "neither", "none", "nothing", "without", "denies", "denied",
    "deny", "resolved", "longer", "negative",
})
_SEPARATOR, _BREAK, UNKNOWN = -2, -3, -1
_BASE = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio; odd, so invertible mod 2**64
_INVERSE = np.uint64(pow(int(_BASE), -1, 2**64))


_OTHER, _WORD, _JOINER, _CLAUSE_BREAK, _NEWLINE = range(5)


@cache
def _kinds() -> np.ndarray:
    """What each code point is to the tokenizer: a word character (as the regular-expression
    engine says), a joiner, a clause break, the newline between sentences, or other."""
    every = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    # every word character becomes U+0000 (which is not one)
    kinds = np.where(_code_points(_WORD_CHAR.sub(lambda run: "\0" * len(run[0]), every)) == 0,
                     _WORD, _OTHER).astype(np.uint8)
    kinds[0] = _OTHER
    kinds[[ord(c) for c in _JOINERS]] = _JOINER
    kinds[[ord(c) for c in _BREAKS]] = _CLAUSE_BREAK
    kinds[ord("\n")] = _NEWLINE
    return kinds


def _pairs(run: re.Match[str]) -> str:
    text = run.group()
    return f" {' '.join(text[i:i + 2] for i in range(max(1, len(text) - 1)))} "


def _prepared(sentences: list[str]) -> str:
    """The batch as one string, sentences separated by "\n", as the tokens are read from it:
    lower case, and (in a sentence that is not plain ASCII) folded, Chinese and Japanese as
    character pairs, spaced long dashes as clause breaks; "n't" as " not" and spaced hyphens as
    clause breaks everywhere."""
    text = "\n".join([s.lower() if s.isascii() else _unicode(s) for s in sentences])
    return text.replace("n't", " not").replace(" - ", " ; ")


def _unicode(sentence: str) -> str:
    if not unicodedata.is_normalized("NFKC", sentence):
        sentence = unicodedata.normalize("NFKC", sentence)
    sentence = sentence.lower()
    if _UNSPACED.search(sentence):
        sentence = _UNSPACED.sub(_pairs, sentence)
    sentence = sentence.replace("n’t", " not")
    for dash in (" – ", " — "):
        sentence = sentence.replace(dash, " ; ")
    return sentence


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4")


@dataclass(frozen=True)
class _Spans:
    """Every token of a batch in reading order: a word (start, end) or a break (the separator
    between sentences or a clause break)."""

    start: np.ndarray
    end: np.ndarray
    word: np.ndarray  # bool: a word, not a break
    separator: np.ndarray  # bool: the newline between two sentences


def _spans(codes: np.ndarray) -> _Spans:
    """A word is a run of word characters, runs joined by single joiners (an apostrophe or a
    slash between two word characters); each break character is a token of its own."""
    kind = _kinds()[codes]
    word = kind == _WORD
    inner = word.copy()
    if len(codes) > 2:
        inner[1:-1] |= (kind[1:-1] == _JOINER) & word[:-2] & word[2:]
    edge = np.diff(inner.astype(np.int8), prepend=0, append=0)
    begins = edge[:-1] == 1
    at = np.flatnonzero(begins | (kind >= _CLAUSE_BREAK))
    is_word = begins[at]
    end = at + 1
    end[is_word] = np.flatnonzero(edge == -1)
    return _Spans(at, end, is_word, kind[at] == _NEWLINE)


def _hashes(codes: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The polynomial hash (sum of code * BASE**k, modulo 2**64) of each span of `codes`:
    a difference of prefix sums, scaled back by the inverse power of its start."""
    n = len(codes)
    powers = np.cumprod(np.full(n + 1, _BASE, np.uint64)) if n else np.ones(1, np.uint64)
    powers = np.r_[np.uint64(1), powers[:-1]]
    inverse = np.r_[np.uint64(1), np.cumprod(np.full(n, _INVERSE, np.uint64))]
    prefix = np.r_[np.uint64(0), np.cumsum(codes.astype(np.uint64) * powers[:n],
                                           dtype=np.uint64)]
    return (prefix[end] - prefix[start]) * inverse[start]


def _strings(sentences: list[str]) -> list[str]:
    text = _prepared(sentences)
    spans = _spans(_code_points(text))
    return [text[s:e] for s, e, w in zip(spans.start.tolist(), spans.end.tolist(),
                                         spans.word.tolist(), strict=True) if w]


def words(sentences: list[str]) -> list[str]:
    """The words of `sentences` as the model sees them (to build a vocabulary from)."""
    return [LONG_RUN if len(t) >= _LONG else t for t in _strings(sentences)]


@dataclass(frozen=True)
class KeyIndex:
    """Integer keys to values by open addressing with linear probing, looked up for a whole
    array at once: several times faster than a binary search of sorted keys, which is most of
    what looking up every word and word pair of a night's notes costs."""

    keys: np.ndarray  # (slots,) uint64
    values: np.ndarray  # (slots,) int64, -1 for an empty slot
    bits: int

    @classmethod
    def of(cls, keys: np.ndarray, values: np.ndarray) -> KeyIndex:
        """`keys` (distinct) to `values` (not negative)."""
        keys = keys.astype(np.uint64)
        bits = max(4, int(len(keys) * 4).bit_length())  # a quarter full at most
        table_keys = np.zeros(1 << bits, np.uint64)
        table_values = np.full(1 << bits, -1, np.int64)
        pending = np.arange(len(keys))
        slot = cls._home(keys, bits)
        while len(pending):  # each round, one key takes each free slot; the rest move on
            free = table_values[slot] < 0
            _, first = np.unique(slot[free], return_index=True)
            placed = np.flatnonzero(free)[first]
            table_keys[slot[placed]] = keys[pending[placed]]
            table_values[slot[placed]] = values[pending[placed]]
            waiting = np.ones(len(pending), bool)
            waiting[placed] = False
            pending, slot = pending[waiting], (slot[waiting] + 1) & ((1 << bits) - 1)
        return cls(table_keys, table_values, bits)

    @staticmethod
    def _home(keys: np.ndarray, bits: int) -> np.ndarray:
        return ((keys * _BASE) >> np.uint64(64 - bits)).astype(np.int64)  # Fibonacci hashing

    def get(self, keys: np.ndarray, default: int) -> np.ndarray:
        """The value of each key, `default` for a key not in the index."""
        keys = keys.astype(np.uint64)
        found = np.full(len(keys), default, np.int64)
        pending = np.arange(len(keys))
        slot = self._home(keys, self.bits)
        while len(pending):
            value = self.values[slot]
            hit = (value >= 0) & (self.keys[slot] == keys[pending])
            found[pending[hit]] = value[hit]
            going = (value >= 0) & ~hit
            pending, slot = pending[going], (slot[going] + 1) & ((1 << self.bits) - 1)
        return found


@dataclass(frozen=True)
class Lookup:
    """A vocabulary as `tokenize` looks words up: by the hash of their characters."""

    index: KeyIndex  # word hash -> vocabulary id
    long_run: int  # the vocabulary id of LONG_RUN
    negator: np.ndarray  # (vocabulary size,) bool: the word is one of the NEGATORS


def lookup_table(vocabulary: dict[str, int]) -> Lookup:
    """`vocabulary` (word -> id; it holds LONG_RUN) as `tokenize` looks words up."""
    names = [w for w in vocabulary if w != LONG_RUN]
    lengths = np.array([len(w) for w in names], np.int64)
    ends = np.cumsum(lengths)
    hashes = _hashes(_code_points("".join(names)), ends - lengths, ends)
    if len(np.unique(hashes)) < len(hashes):
        raise ValueError("two vocabulary words share a hash; rename one")
    ids = np.fromiter(vocabulary.values(), np.int64, len(vocabulary))
    negator = np.zeros(int(ids.max()) + 1 if len(ids) else 0, bool)
    negator[[vocabulary[w] for w in NEGATORS if w in vocabulary]] = True
    return Lookup(KeyIndex.of(hashes, np.array([vocabulary[w] for w in names], np.int64)),
                  vocabulary[LONG_RUN], negator)


@dataclass(frozen=True)
class Tokens:
    """A batch of sentences as vocabulary ids, one row per word in reading order."""

    word: np.ndarray  # vocabulary id, UNKNOWN if the vocabulary lacks it
    sentence: np.ndarray  # index of the word's sentence in the batch
    negated: np.ndarray  # whether the word is in a negation's scope
    clause: np.ndarray  # index of the word's clause (the part of its sentence between
    # breaks) among the batch's clauses that hold a word, in reading order
    sentences: int


def _ids(codes: np.ndarray, spans: _Spans, lookup: Lookup) -> np.ndarray:
    """Each token's vocabulary id, UNKNOWN, or _SEPARATOR / _BREAK."""
    ids = np.where(spans.separator, _SEPARATOR, _BREAK).astype(np.int64)
    start, end = spans.start[spans.word], spans.end[spans.word]
    short = end - start < _LONG
    found = np.full(len(start), lookup.long_run, np.int64)
    found[short] = lookup.index.get(_hashes(codes, start[short], end[short]), UNKNOWN)
    ids[spans.word] = found
    return ids


def tokenize(sentences: list[str], lookup: Lookup) -> Tokens:
    """`lookup`: `lookup_table` of the vocabulary."""
    codes = _code_points(_prepared(sentences))
    spans = _spans(codes)
    if not spans.word.any():
        empty = np.zeros(0, np.int64)
        return Tokens(empty, empty, empty.astype(bool), empty, len(sentences))
    ids = _ids(codes, spans, lookup)
    separator = ids == _SEPARATOR
    sentence = np.cumsum(separator)
    # A clause's tokens: a negator's scope runs to the end of its clause.
    clause = np.cumsum(separator | (ids == _BREAK))
    negating = np.zeros(len(ids), np.int64)
    known = ids >= 0
    negating[known] = lookup.negator[ids[known]]
    before = np.cumsum(negating) - negating  # negators before each token
    clause_start = np.r_[0, np.flatnonzero(np.diff(clause)) + 1]
    negated = before > before[clause_start][clause - clause[0]]
    keep = ids >= UNKNOWN
    kept_clause = clause[keep]
    renumbered = np.cumsum(np.r_[False, kept_clause[1:] != kept_clause[:-1]])
    return Tokens(ids[keep], sentence[keep], negated[keep], renumbered, len(sentences))
