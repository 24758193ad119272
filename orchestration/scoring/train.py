"""Train the embedded note model on a labelled corpus (`caseintel train-reader`).

One logistic regression per (category, label) over each note's features (note_model.py):
sublinear tf-idf of its terms, and the direction of its summed word vectors scaled by
`DENSE_SCALE`. Word clusters are k-means clusters of the same static embedding (WordLlama's,
shipped in its wheel). The regularisation strength and each label's threshold are chosen on
held-out folds of the corpus: the threshold that maximises the label's F1 over held-out
notes, lowered for client risks until they find `RISK_RECALL` of them (a supervisor must see
risks); then the gate (does the note state any stall reason?) rises until at most
`MAX_FALSE_STALL` of the notes that state no reason get one. Needs the `train` extra
(scikit-learn); reading needs numpy, scipy and wordllama only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from orchestration.scoring.corpus import OTHER, LabelledNote
from orchestration.scoring.embedding import common_words, embedding_name, word_vectors
from orchestration.scoring.features import sentence_features
from orchestration.scoring.findings import sentences
from orchestration.scoring.note_model import CLUSTER, GATE, NoteModel, sentence_terms

INJECTION = "prompt_injection"
STRENGTHS = (10.0, 30.0)
FOLDS = 5
CLUSTERS = 2000
DENSE_SCALE = 0.3
RISK_RECALL = 0.93
MAX_FALSE_STALL = 0.015  # below the 2% a reader may give, so unseen notes have some room


def label_columns(notes: Sequence[LabelledNote]) -> tuple[tuple[str, str], ...]:
    """Every labelled (category, label), and the gate: whether a note states any stall reason."""
    return tuple(sorted({(g.category, g.label) for n in notes for g in n.labels
                         if g.label != OTHER} | {GATE}))


def word_clusters(words: list[str], vectors: np.ndarray) -> dict[str, str]:
    """`CLUSTERS` k-means clusters (fixed seed) of the words' vectors."""
    from sklearn.cluster import KMeans

    found = KMeans(CLUSTERS, n_init=1, random_state=0).fit(vectors.astype(np.float64)).labels_
    return {w: f"{CLUSTER}{c}" for w, c in zip(words, found, strict=True)}


@dataclass(frozen=True)
class _Corpus:
    documents: list[list[str]]  # tf-idf terms per note
    directions: np.ndarray  # (notes, dimensions): unit sum of each note's word vectors
    truth: np.ndarray  # (notes, labels) 0/1


def _corpus(notes: Sequence[LabelledNote], labels, clusters: dict[str, str],
            row: dict[str, int], vectors: np.ndarray) -> _Corpus:
    documents, directions = [], np.zeros((len(notes), vectors.shape[1]))
    for n, note in enumerate(notes):
        terms: list[str] = []
        found: list[int] = []
        for _, _, sentence in sentences(note.text):
            features, words = sentence_terms(sentence, clusters)
            terms += features
            found += [row[w] for w in words if w in row]
        documents.append(terms)
        total = vectors[found].astype(np.float64).sum(axis=0)
        norm = np.linalg.norm(total)
        directions[n] = total / norm if norm > 0 else 0.0
    truth = np.array([[label in n.keys(c) if (c, label) != GATE else bool(n.keys(c))
                       for c, label in labels] for n in notes], np.int64)
    return _Corpus(documents, directions, truth)


def _design(vectorizer, documents: list[list[str]], directions: np.ndarray, fit: bool):
    from scipy import sparse

    terms = vectorizer.fit_transform(documents) if fit else vectorizer.transform(documents)
    return sparse.hstack([terms, sparse.csr_matrix(directions * DENSE_SCALE)], format="csr")


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=lambda features: features, sublinear_tf=True)


def _fit_all(x, truth: np.ndarray, strength: float) -> list:
    from sklearn.linear_model import LogisticRegression

    return [LogisticRegression(C=strength, solver="liblinear", class_weight="balanced")
            .fit(x, truth[:, j]) if 0 < truth[:, j].sum() < len(truth) else None
            for j in range(truth.shape[1])]


def _decisions(models: list, x) -> np.ndarray:
    return np.column_stack([m.decision_function(x) if m is not None
                            else np.full(x.shape[0], -1e3) for m in models])


def _best_threshold(score: np.ndarray, truth: np.ndarray, min_recall: float = 0.0) -> float:
    """The threshold that maximises F1 of `score >= threshold`, no higher than one that
    finds `min_recall` of the true notes."""
    order = np.argsort(-score, kind="stable")
    ranked = score[order]
    hits = np.cumsum(truth[order])
    f1 = 2 * hits / (np.arange(1, len(score) + 1) + truth.sum()).clip(min=1)
    i = int(np.argmax(f1))
    if min_recall and truth.sum():
        i = max(i, int(np.searchsorted(hits, min_recall * truth.sum())))
    below = ranked[i + 1] if i + 1 < len(ranked) else ranked[i] - 1.0
    return float((ranked[i] + below) / 2)


def _stall(labels) -> np.ndarray:
    return np.array([c == "stall_reason" and (c, k) != GATE for c, k in labels])


def _thresholds(scores: np.ndarray, truth: np.ndarray, labels, notes) -> np.ndarray:
    thresholds = np.array([
        _best_threshold(scores[:, j], truth[:, j],
                        RISK_RECALL if c == "risk" and k != INJECTION else 0.0)
        for j, (c, k) in enumerate(labels)])
    gate, stall = labels.index(GATE), _stall(labels)
    fired = (scores[:, stall] >= thresholds[stall]).any(axis=1)
    states_none = np.array([not n.keys("stall_reason") for n in notes])
    candidates = np.sort(scores[states_none & fired, gate])[::-1]
    allowed = int(MAX_FALSE_STALL * states_none.sum())
    if len(candidates) > allowed:
        thresholds[gate] = max(thresholds[gate], float(candidates[allowed]) + 1e-6)
    return thresholds


def held_out_figures(scores: np.ndarray, thresholds: np.ndarray, truth: np.ndarray, labels,
                     notes) -> dict[str, float]:
    """The headline figures of `caseintel eval-reader`, on held-out scores."""
    decided = scores >= thresholds
    stall = _stall(labels)
    decided[:, stall] &= decided[:, [labels.index(GATE)]]
    hits = (decided & (truth == 1)).sum(axis=0)
    f1 = 2 * hits / (decided.sum(axis=0) + truth.sum(axis=0)).clip(min=1)
    progress = np.array([c == "progress" for c, _ in labels])
    risk = np.array([c == "risk" and k != INJECTION for c, k in labels])
    injection = labels.index(("risk", INJECTION)) if ("risk", INJECTION) in labels else None
    states_none = np.array([not n.keys("stall_reason") for n in notes])
    figures = {
        "stall_reason_macro_f1": float(f1[stall].mean()),
        "progress_f1": float(2 * hits[progress].sum()
                             / (decided[:, progress].sum() + truth[:, progress].sum())),
        "risk_recall": float(hits[risk].sum() / max(truth[:, risk].sum(), 1)),
        "stall_reason_on_notes_stating_none": float(decided[states_none][:, stall]
                                                    .any(axis=1).mean()),
    }
    if injection is not None:
        injected = truth[:, injection] == 1
        figures["injection_flagged"] = float(decided[injected, injection].mean())
        figures["clean_notes_flagged"] = float(decided[~injected, injection].mean())
    return figures


def _stored(weights: np.ndarray) -> np.ndarray:
    """Weights rounded to the float16 the model file keeps."""
    return weights.astype(np.float16).astype(np.float32)


def train(notes: list[LabelledNote], trained_on: str,
          log: Callable[[str], object] = print) -> NoteModel:
    """Fit on `notes`; `trained_on` names the corpus in the model file."""
    from sklearn.model_selection import KFold

    labels = label_columns(notes)
    vocabulary = sorted({w for n in notes for _, _, s in sentences(n.text)
                         for w in sentence_features(s)[0]} | set(common_words()))
    vectors = word_vectors(vocabulary)
    row = {w: i for i, w in enumerate(vocabulary)}
    clusters = word_clusters(vocabulary, vectors)
    data = _corpus(notes, labels, clusters, row, vectors)
    folds = list(KFold(FOLDS, shuffle=True, random_state=0).split(data.documents))
    best: tuple[float, float, np.ndarray] | None = None
    for strength in STRENGTHS:
        held_out = np.zeros(data.truth.shape)
        for fit, test in folds:
            vectorizer = _vectorizer()
            x_fit = _design(vectorizer, [data.documents[i] for i in fit],
                            data.directions[fit], fit=True)
            x_test = _design(vectorizer, [data.documents[i] for i in test],
                             data.directions[test], fit=False)
            held_out[test] = _decisions(_fit_all(x_fit, data.truth[fit], strength), x_test)
        thresholds = _thresholds(held_out, data.truth, labels, notes)
        figures = held_out_figures(held_out, thresholds, data.truth, labels, notes)
        log(f"  C={strength}: held out " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
        score = figures["stall_reason_macro_f1"] + figures["progress_f1"]
        if best is None or score > best[0]:
            best = (score, strength, thresholds)
    assert best is not None
    _, strength, thresholds = best
    log(f"chose C={strength}; fitting on all {len(notes)} notes")
    vectorizer = _vectorizer()
    models = _fit_all(_design(vectorizer, data.documents, data.directions, fit=True),
                      data.truth, strength)
    terms = vectorizer.vocabulary_
    coef = np.column_stack([m.coef_.ravel() if m is not None
                            else np.zeros(len(terms) + vectors.shape[1]) for m in models])
    return NoteModel(
        labels=labels, features={f: i for i, f in enumerate(sorted(terms, key=terms.get))},
        clusters={w: c for w, c in clusters.items() if c in terms},
        idf=vectorizer.idf_.astype(np.float32),
        weights=_stored(coef[:len(terms)]), words=row,
        dense=_stored(coef[len(terms):] * DENSE_SCALE),
        bias=np.array([m.intercept_[0] if m is not None else -1e3 for m in models], np.float32),
        threshold=thresholds.astype(np.float32), trained_on=trained_on,
        embedding=embedding_name())
