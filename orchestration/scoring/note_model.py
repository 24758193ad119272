"""The embedded note model: two linear scorers shipped as one small .npz file.

What it sees (features.py): each word, the words in a negation's scope, each pair of adjacent
words and each word's embedding cluster, weighted as sublinear tf-idf and normalised; plus the
direction of the sum of the words' static embedding vectors (WordLlama's, see embedding.py),
so "Civic" and "car" count alike even when only one was in the training notes.

How it scores a label: the *note part* reads the whole note; the *sentence part* reads each
sentence on its own and the note takes its best sentence. One sentence stating a barrier is
not diluted by a long note around it, and the whole note still weighs what one sentence
cannot. The note states the label when the sum reaches the label's threshold (and, for a stall
reason, when the gate "states any stall reason" reaches its own); the finding quotes the
sentence the sentence part scored highest. For instruction text (`clause_columns`) the
sentence part also reads each clause of a sentence on its own, so a short instruction spliced
into an ordinary sentence is not outvoted by the words around it. Reading is deterministic;
the model's name carries a hash of its weights, so a retrained model re-reads every note.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

from orchestration.scoring.embedding import embedding_name, word_vectors
from orchestration.scoring.features import KeyIndex, Lookup, Tokens, lookup_table, tokenize

MODEL_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = MODEL_DIR / "case_notes.npz"
GATE = ("stall_reason", "(any)")  # a note states stall reasons only when this fires too
PARTS = ("note", "sentence")
NO_SENTENCE = -1e6  # the sentence part's score of a note without a sentence
TIE = 1e-9  # scores this close are equal (two copies of one sentence score equal)


class ModelError(ValueError):
    """A note model file this installation cannot read as it was trained."""


@dataclass(frozen=True)
class Layout:
    """Where each kind of feature sits among a part's rows: words, negated words, clusters,
    word pairs."""

    words: int
    clusters: int
    pairs: int

    @property
    def negated(self) -> int:
        return self.words

    @property
    def cluster(self) -> int:
        return 2 * self.words

    @property
    def pair(self) -> int:
        return 2 * self.words + self.clusters

    @property
    def size(self) -> int:
        return self.pair + self.pairs


@dataclass(frozen=True)
class Part:
    """One linear scorer over tf-idf rows (`idf`, `weights`) and the embedding direction."""

    idf: np.ndarray  # (rows,)
    weights: np.ndarray  # (rows, labels)
    dense: np.ndarray  # (embedding dimensions, labels)
    bias: np.ndarray  # (labels,)

    @cached_property
    def exact(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(idf, weights, dense) in float64, as they are multiplied (converted once, not per
        page)."""
        return (self.idf.astype(np.float64), self.weights.astype(np.float64),
                self.dense.astype(np.float64))


@dataclass(frozen=True)
class Counts:
    """A batch of notes as feature counts, before tf-idf."""

    notes: sparse.csr_matrix  # (notes, rows)
    sentences: sparse.csr_matrix  # (sentences, rows)
    note_directions: np.ndarray  # (notes, dimensions), unit length (or zero)
    sentence_directions: np.ndarray  # (sentences, dimensions)
    first: np.ndarray  # (notes + 1,): first sentence of each note
    clauses: sparse.csr_matrix  # (clauses, rows): the clauses of sentences with several
    clause_directions: np.ndarray  # (clauses, dimensions)
    clause_sentence: np.ndarray  # (clauses,): the sentence each clause is part of


def sublinear_tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """(1 + log count) * idf, l2-normalised per row: what TfidfVectorizer(sublinear_tf=True)
    computes."""
    x = counts.astype(np.float64, copy=True)
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(x.indptr))
    return x


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero)."""
    norm = np.sqrt(np.einsum("ij,ij->i", x, x))
    x /= np.where(norm > 0, norm, 1)[:, None]
    return x


def _group_rows(rows: int, first: np.ndarray, dtype: type = np.float64) -> sparse.csr_matrix:
    """(groups, rows): group g holds rows first[g] to first[g + 1]."""
    return sparse.csr_matrix((np.ones(rows, dtype), np.arange(rows), first),
                             shape=(len(first) - 1, rows))


def sum_groups(x: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Row sums of consecutive groups of `x` (group g: rows first[g] to first[g + 1]); an
    empty group sums to zero. (A sparse product: numpy's add.reduceat is slow on rows.)"""
    return np.asarray(_group_rows(len(x), first, x.dtype) @ x)


@dataclass(frozen=True)
class Featurizer:
    """The vocabulary side of a model: what turns sentences into feature counts."""

    words: tuple[str, ...]  # the vocabulary; a word's id is its index
    clusters: np.ndarray  # (words,): the word's cluster, -1 for none
    pairs: np.ndarray  # sorted keys (first id * words + second id) of the known word pairs
    cluster_count: int
    cache_dir: Path | None = None  # where the word vectors are kept between runs

    @cached_property
    def layout(self) -> Layout:
        return Layout(len(self.words), self.cluster_count, len(self.pairs))

    @cached_property
    def _lookup(self) -> Lookup:
        return lookup_table({w: i for i, w in enumerate(self.words)})

    @cached_property
    def _pair_index(self) -> KeyIndex:
        """A known pair's key -> its place among `pairs`."""
        return KeyIndex.of(self.pairs, np.arange(len(self.pairs)))

    @cached_property
    def vectors(self) -> np.ndarray:
        return word_vectors(list(self.words), self.cache_dir)

    def tokens(self, sentences: list[str]) -> Tokens:
        return tokenize(sentences, self._lookup)

    def counts(self, notes: list[list[str]]) -> Counts:
        """Feature counts of `notes` (each a list of its sentences)."""
        first = np.r_[0, np.cumsum([len(n) for n in notes])].astype(np.int64)
        count = int(first[-1])
        t = self.tokens([s for n in notes for s in n])
        # the clauses of sentences with more than one, numbered in reading order; -1 for
        # a token of a one-clause sentence
        clause_sentence = np.zeros(int(t.clause[-1]) + 1 if len(t.clause) else 0, np.int64)
        clause_sentence[t.clause] = t.sentence
        several = np.bincount(clause_sentence, minlength=count)[clause_sentence] > 1
        clause = np.where(several, np.cumsum(several) - 1, -1)[t.clause]
        rows, sentence_units, clause_units = self._feature_rows(t, clause)
        ones = np.ones(len(rows))  # duplicates add up: a feature's count in the note/sentence
        size = self.layout.size
        sentence_counts = sparse.csr_matrix((ones, (sentence_units, rows)), shape=(count, size))
        note_counts = _group_rows(count, first) @ sentence_counts  # a note's: its sentences'
        note_counts.sort_indices()
        in_clause = clause_units >= 0
        clauses = int(several.sum())
        clause_counts = sparse.csr_matrix(
            (ones[in_clause], (clause_units[in_clause], rows[in_clause])), shape=(clauses, size))
        # the words' vectors summed once, per clause; a sentence's sum is its clauses'
        known = t.word >= 0
        clause_sums = self._vector_sums(t.word[known], t.clause[known], len(clause_sentence))
        sums = sum_groups(clause_sums, np.r_[0, np.cumsum(np.bincount(clause_sentence,
                                                                  minlength=count))])
        return Counts(note_counts, sentence_counts, unit_rows(sum_groups(sums, first)),
                      unit_rows(sums), first, clause_counts, unit_rows(clause_sums[several]),
                      clause_sentence[several])

    def _feature_rows(self, t: Tokens, clause: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(feature row, its sentence, its clause or -1) of every feature occurrence: each
        known word, each negated one, each word's cluster, each known pair of adjacent known
        words (a clause holds a pair when both words are in it)."""
        at = self.layout
        known = t.word >= 0
        word, sentence, in_clause = t.word[known], t.sentence[known], clause[known]
        negated = t.negated[known]
        cluster = self.clusters[word]
        has_cluster = cluster >= 0
        adjacent = known[:-1] & known[1:] & (t.sentence[:-1] == t.sentence[1:])
        keys = t.word[:-1][adjacent] * len(self.words) + t.word[1:][adjacent]
        found = self._pair_index.get(keys, -1)
        hit = found >= 0
        pair_clause = np.where(clause[:-1] == clause[1:], clause[:-1], -1)[adjacent][hit]
        rows = np.concatenate([word, at.negated + word[negated],
                               at.cluster + cluster[has_cluster], at.pair + found[hit]])
        sentences = np.concatenate([sentence, sentence[negated], sentence[has_cluster],
                                    t.sentence[:-1][adjacent][hit]])
        clauses = np.concatenate([in_clause, in_clause[negated], in_clause[has_cluster],
                                  pair_clause])
        return rows, sentences, clauses

    def _vector_sums(self, word: np.ndarray, unit: np.ndarray, units: int) -> np.ndarray:
        """The sum of the word vectors of each unit (sentence or clause)."""
        uses = sparse.csr_matrix((np.ones(len(word), np.float32), (unit, word)),
                                 shape=(units, len(self.words)))
        return np.asarray(uses @ self.vectors)


def best_sentence(scores: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each note's highest sentence score per label, which sentence); a note with no
    sentence scores NO_SENTENCE."""
    notes = len(first) - 1
    best = np.full((notes, scores.shape[1]), NO_SENTENCE)
    which = np.zeros((notes, scores.shape[1]), np.int64)
    has = np.diff(first) > 0
    if has.any():
        starts = first[:-1][has]
        best[has] = np.maximum.reduceat(scores, starts, axis=0)
        note_of = np.repeat(np.arange(notes), np.diff(first))
        is_best = scores >= best[note_of] - TIE
        # first sentence reaching the best score: the smallest index among ties
        index = np.where(is_best, np.arange(len(scores))[:, None], len(scores))
        which[has] = np.minimum.reduceat(index, starts, axis=0) - starts[:, None]
    return best, which


@dataclass(frozen=True)
class NoteModel:
    labels: tuple[tuple[str, str], ...]  # (category, label) per column
    featurizer: Featurizer
    note: Part
    sentence: Part
    threshold: np.ndarray  # (labels,)
    clause_columns: np.ndarray  # (labels,) bool: the sentence part also reads each clause
    trained_on: str  # the corpus it learned from, for the record
    embedding: str  # embedding_name() at training time

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256()
        for key, array in sorted(self.arrays().items()):
            digest.update(key.encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:12]

    @property
    def name(self) -> str:
        return f"caseintel-notes-{self.version}"

    def column(self, category: str, label: str) -> int | None:
        try:
            return self.labels.index((category, label))
        except ValueError:
            return None

    def arrays(self) -> dict[str, np.ndarray]:
        f = self.featurizer
        arrays = {
            "labels": np.array([f"{c}/{k}" for c, k in self.labels], dtype=str),
            "words": np.array(f.words, dtype=str), "clusters": f.clusters,
            "pairs": f.pairs, "cluster_count": np.array(f.cluster_count),
            "threshold": self.threshold, "clause_columns": self.clause_columns,
            "trained_on": np.array(self.trained_on, dtype=str),
            "embedding": np.array(self.embedding, dtype=str)}
        for name in PARTS:
            part: Part = getattr(self, name)
            arrays |= {f"{name}_{k}": getattr(part, k) for k in ("idf", "weights", "dense", "bias")}
        return arrays

    def save(self, path: Path) -> None:
        """Weight matrices as float16 (the trainer rounds them so, and the version is the
        same before and after saving)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            np.savez_compressed(out, **{k: v.astype(np.float16) if v.ndim == 2 else v
                                        for k, v in self.arrays().items()})

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL, cache_dir: Path | None = None) -> NoteModel:
        """`cache_dir`: where to keep the model's word vectors between runs."""
        try:
            with np.load(path, allow_pickle=False) as data:
                parts = {name: Part(*(data[f"{name}_{k}"].astype(np.float32) if k in (
                    "weights", "dense") else data[f"{name}_{k}"]
                    for k in ("idf", "weights", "dense", "bias"))) for name in PARTS}
                model = cls(
                    labels=tuple(tuple(str(x).split("/", 1)) for x in data["labels"]),  # type: ignore[misc]
                    featurizer=Featurizer(tuple(map(str, data["words"])), data["clusters"],
                                          data["pairs"], int(data["cluster_count"]),
                                          cache_dir),
                    note=parts["note"], sentence=parts["sentence"],
                    threshold=data["threshold"],
                    clause_columns=data["clause_columns"].astype(bool),
                    trained_on=str(data["trained_on"]),
                    embedding=str(data["embedding"]))
        except KeyError as exc:
            raise ModelError(f"{path}: not a note model of this caseintel version (no {exc}); "
                             "retrain it (caseintel train-reader)") from exc
        if model.embedding != embedding_name():
            raise ModelError(f"{path}: trained with {model.embedding}, but {embedding_name()} "
                             "is installed; install that version or retrain "
                             "(caseintel train-reader)")
        return model

    def predict(self, notes: list[list[str]]) -> list[list[tuple[int, int]]]:
        """Per note (a list of its sentences): (label column, sentence it cites) for every
        label the note states."""
        scores, cited = self.scores(notes)
        decided = scores >= self.threshold
        if GATE in self.labels:
            stall = np.array([c == GATE[0] for c, _ in self.labels])
            decided[:, stall] &= decided[:, [self.labels.index(GATE)]]
        notes, columns = np.nonzero(decided)  # by note, then column
        stated = list(zip(columns.tolist(), cited[notes, columns].tolist(), strict=True))
        ends = np.cumsum(np.bincount(notes, minlength=len(decided))).tolist()
        return [stated[start:end] for start, end in zip([0, *ends], ends, strict=False)]

    def scores(self, notes: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(note scores, the sentence each label's score cites) of `notes`."""
        return combined_scores(self.featurizer.counts(notes), self.note, self.sentence,
                               self.clause_columns)


def part_scores(part: Part, counts: sparse.csr_matrix, directions: np.ndarray) -> np.ndarray:
    """Each row's score per label. In float64: the dense product goes through BLAS, whose
    rounding depends on where a row sits in the batch, by about 1e-16 of the score; together
    with `TIE` that keeps a note's reading the same whatever notes share its batch."""
    idf, weights, dense = part.exact
    return np.asarray(sublinear_tfidf(counts, idf) @ weights) + directions @ dense + part.bias


def sentence_scores(part: Part, counts: Counts, clause_columns: np.ndarray) -> np.ndarray:
    """The sentence part's score of each sentence; for a `clause_columns` label, the higher
    of the sentence's and its best clause's. Text spliced into a sentence to steer the reader
    ("she finished the class, <an instruction in another language>, and wants to start the
    next") is a clause of its own, and the sentence around it would hide it."""
    scores = part_scores(part, counts.sentences, counts.sentence_directions)
    columns = np.flatnonzero(clause_columns)
    if len(columns) and counts.clauses.shape[0]:
        only = Part(part.idf, part.weights[:, columns], part.dense[:, columns],
                    part.bias[columns])
        clause = part_scores(only, counts.clauses, counts.clause_directions)
        starts = np.r_[0, np.flatnonzero(np.diff(counts.clause_sentence)) + 1]
        held = np.ix_(counts.clause_sentence[starts], columns)
        scores[held] = np.maximum(scores[held], np.maximum.reduceat(clause, starts, axis=0))
    return scores


def combined_scores(counts: Counts, note: Part, sentence: Part, clause_columns: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The note part's score plus the best sentence's, and which sentence that is."""
    best, which = best_sentence(sentence_scores(sentence, counts, clause_columns), counts.first)
    return part_scores(note, counts.notes, counts.note_directions) + best, which
