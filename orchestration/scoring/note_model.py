"""The embedded note model: a linear note classifier shipped as one small .npz file.

A note's features are its words, the words in a negation's scope, its word pairs and the
embedding cluster of each word, weighted as sublinear tf-idf and normalised per note; plus
the direction of the sum of its words' static embedding vectors (WordLlama's, see
embedding.py), so "Civic" and "car" count alike even when only one was in the training
notes. One logistic regression per (category, label): the note states the label when its
score reaches the label's threshold (and, for a stall reason, when the gate "states any
stall reason" reaches its own). Every part of the score is a sum over word occurrences, so
each sentence's share of it is known, and the finding quotes the sentence with the largest
share. Reading is deterministic; the model's name carries a hash of its weights, so a
retrained model re-reads every note.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

from orchestration.scoring.embedding import embedding_name, word_vectors
from orchestration.scoring.features import sentence_features

MODEL_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = MODEL_DIR / "case_notes.npz"
CLUSTER = "~"  # prefix of a cluster feature
GATE = ("stall_reason", "(any)")  # a note states stall reasons only when this fires too


class ModelError(ValueError):
    """A note model file this installation cannot read as it was trained."""


def sentence_terms(sentence: str, clusters: dict[str, str]) -> tuple[list[str], list[str]]:
    """(tf-idf features, words) of a sentence: its words, negated words, word pairs and
    the words' clusters; and the words alone, for the embedding."""
    words, negated, pairs = sentence_features(sentence)
    return words + negated + pairs + [clusters[w] for w in words if w in clusters], words


@dataclass(frozen=True)
class NoteModel:
    labels: tuple[tuple[str, str], ...]  # (category, label) per column
    features: dict[str, int]  # tf-idf feature -> row of `weights`
    clusters: dict[str, str]  # word -> its cluster feature
    idf: np.ndarray  # (features,)
    weights: np.ndarray  # (features, labels)
    words: dict[str, int]  # word -> row of the embedding vectors
    dense: np.ndarray  # (embedding dimensions, labels): weights of the note's direction
    bias: np.ndarray  # (labels,)
    threshold: np.ndarray  # (labels,)
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
        clustered = sorted(self.clusters)
        return {
            "labels": np.array([f"{c}/{k}" for c, k in self.labels], dtype=str),
            "features": np.array(sorted(self.features, key=self.features.get), dtype=str),
            "cluster_words": np.array(clustered, dtype=str),
            "cluster_of": np.array([self.clusters[w] for w in clustered], dtype=str),
            "words": np.array(sorted(self.words, key=self.words.get), dtype=str),
            "idf": self.idf, "weights": self.weights, "dense": self.dense, "bias": self.bias,
            "threshold": self.threshold, "trained_on": np.array(self.trained_on, dtype=str),
            "embedding": np.array(self.embedding, dtype=str)}

    def save(self, path: Path) -> None:
        """Weight matrices as float16 (the trainer rounds them so, and the version is the
        same before and after saving)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            np.savez_compressed(out, **{k: v.astype(np.float16) if v.ndim == 2 else v
                                        for k, v in self.arrays().items()})

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> NoteModel:
        with np.load(path, allow_pickle=False) as data:
            model = cls(
                labels=tuple(tuple(str(x).split("/", 1)) for x in data["labels"]),  # type: ignore[misc]
                features={str(f): i for i, f in enumerate(data["features"])},
                clusters=dict(zip(map(str, data["cluster_words"]), map(str, data["cluster_of"]),
                                  strict=True)),
                idf=data["idf"], weights=data["weights"].astype(np.float32),
                words={str(w): i for i, w in enumerate(data["words"])},
                dense=data["dense"].astype(np.float32),
                bias=data["bias"], threshold=data["threshold"],
                trained_on=str(data["trained_on"]), embedding=str(data["embedding"]))
        if model.embedding != embedding_name():
            raise ModelError(f"{path}: trained with {model.embedding}, but {embedding_name()} "
                             "is installed; install that version or retrain "
                             "(caseintel train-reader)")
        return model

    @cached_property
    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(word vectors, their projections on the labels)."""
        vectors = word_vectors(sorted(self.words, key=self.words.get)).astype(np.float64)
        return vectors, vectors @ self.dense.astype(np.float64)

    def predict(self, notes: list[list[str]]) -> list[list[tuple[int, int]]]:
        """Per note (a list of its sentences): (label column, sentence it cites) for every
        label the note states."""
        scores, shares, first = self.scores(notes)
        decided = scores >= self.threshold
        if GATE in self.labels:
            stall = np.array([c == GATE[0] for c, _ in self.labels])
            decided[:, stall] &= decided[:, [self.labels.index(GATE)]]
        stated = []
        for n, row in enumerate(decided):
            lo, hi = first[n], first[n + 1]
            stated.append([(int(j), int(np.argmax(shares[lo:hi, j]))) for j in row.nonzero()[0]])
        return stated

    def scores(self, notes: list[list[str]]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(note scores, each sentence's share of its note's score, first sentence of each
        note). The tf-idf part: sublinear tf times idf, l2-normalised per note, a feature's
        part split evenly over its occurrences; the embedding part: each word's projection
        over the length of the note's summed word vector."""
        ids: list[int] = []
        embedded: list[int] = []
        lengths: list[int] = []
        embedded_lengths: list[int] = []
        first = [0]
        get, word = self.features.get, self.words.get
        for sentences in notes:
            for sentence in sentences:
                features, words = sentence_terms(sentence, self.clusters)
                known = [i for i in map(get, features) if i is not None]
                ids.extend(known)
                lengths.append(len(known))
                found = [i for i in map(word, words) if i is not None]
                embedded.extend(found)
                embedded_lengths.append(len(found))
            first.append(first[-1] + len(sentences))
        count = len(lengths)
        note_of_sentence = np.repeat(np.arange(len(notes)), np.diff(first))
        membership = sparse.csr_matrix((np.ones(count), (note_of_sentence, np.arange(count))),
                                       shape=(len(notes), count))
        shares = self._tfidf_shares(np.asarray(ids, np.int64), np.asarray(lengths, np.int64),
                                    note_of_sentence, len(notes))
        vectors, projected = self._vectors
        uses = sparse.csr_matrix(
            (np.ones(len(embedded)),
             (np.repeat(np.arange(count), embedded_lengths), np.asarray(embedded, np.int64))),
            shape=(count, len(self.words)))
        sums = np.asarray(membership @ (uses @ vectors))
        norm = np.linalg.norm(sums, axis=1)
        scale = np.where(norm > 0, 1.0 / np.where(norm > 0, norm, 1.0), 0.0)[note_of_sentence]
        shares = shares + np.asarray(uses @ projected) * scale[:, None]
        scores = self.bias.astype(np.float64) + np.asarray(membership @ shares)
        return scores, shares, first

    def _tfidf_shares(self, feature: np.ndarray, lengths: np.ndarray,
                      note_of_sentence: np.ndarray, notes: int) -> np.ndarray:
        sentence = np.repeat(np.arange(len(lengths)), lengths)
        note = note_of_sentence[sentence]
        size = len(self.idf)
        keys, inverse, counts = np.unique(note * size + feature, return_inverse=True,
                                          return_counts=True)
        key_note = keys // size
        value = (1.0 + np.log(counts)) * self.idf[keys % size]
        norm = np.sqrt(np.bincount(key_note, value * value, minlength=notes))
        value /= np.where(norm > 0, norm, 1.0)[key_note]
        per_use = sparse.csr_matrix(((value / counts)[inverse], (sentence, feature)),
                                    shape=(len(lengths), size))
        return np.asarray(per_use @ self.weights, np.float64)
