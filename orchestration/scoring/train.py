"""Train the embedded note model on a labelled corpus (`caseintel train-reader`).

Two logistic regressions per (category, label) (note_model.py): the note part over each
note's features, the sentence part over each sentence's, taught by the labelled quotes (a
sentence a quote overlaps states the label; the other sentences do not); for
`CLAUSE_LABELS` the sentence part also scores each clause, in the held-out folds as when
reading. Features are
sublinear tf-idf of words, negated words, word pairs and word clusters, plus the embedding
direction scaled by `DENSE_SCALE`; a feature seen in fewer than `MIN_NOTES` notes is left out
(it would only memorise one note). Word clusters are k-means clusters of the same static
embedding (WordLlama's, shipped in its wheel). The regularisation strength and the sentence
part's weight are chosen on held-out folds of the corpus (the sum of stall-reason macro F1,
progress F1 and injection recall), and each label's threshold on the same folds: the
threshold that maximises the label's F1 over held-out notes, lowered for client risks until
they find `RISK_RECALL` of them (a supervisor must see risks); then the gate (does the note
state any stall reason?) rises until at most `MAX_FALSE_STALL` of the notes that state no
reason get one. Needs the `train` extra (scikit-learn); reading needs numpy, scipy and
wordllama only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from orchestration.scoring.corpus import OTHER, LabelledNote
from orchestration.scoring.embedding import common_words, embedding_name, word_vectors
from orchestration.scoring.features import LONG_RUN, NEGATORS, words
from orchestration.scoring.findings import sentences
from orchestration.scoring.note_model import (
    GATE,
    Counts,
    Featurizer,
    NoteModel,
    Part,
    best_sentence,
    part_scores,
    sentence_scores,
    sublinear_tfidf,
)

INJECTION = "prompt_injection"
CLAUSE_LABELS = {("risk", INJECTION)}  # read clause by clause too (note_model.sentence_scores)
STRENGTHS = (10.0, 30.0)
SENTENCE_WEIGHTS = (0.5, 0.75, 1.0)  # of the sentence part, against the note part's 1
FOLDS = 5
CLUSTERS = 2000
MIN_NOTES = 2
DENSE_SCALE = 0.3
RISK_RECALL = 0.93
MAX_FALSE_STALL = 0.015  # below the 2% a reader may give, so unseen notes have some room


def label_columns(notes: Sequence[LabelledNote]) -> tuple[tuple[str, str], ...]:
    """Every labelled (category, label), and the gate: whether a note states any stall reason."""
    return tuple(sorted({(g.category, g.label) for n in notes for g in n.labels
                         if g.label != OTHER} | {GATE}))


def word_clusters(vectors: np.ndarray) -> np.ndarray:
    """`CLUSTERS` k-means clusters (fixed seed) of the words' vectors."""
    from sklearn.cluster import KMeans

    return KMeans(CLUSTERS, n_init=1, random_state=0).fit(
        vectors.astype(np.float64)).labels_.astype(np.int32)


def featurizer(notes: Sequence[LabelledNote]) -> Featurizer:
    """The vocabulary (the corpus's words and the embedding's common words), their clusters,
    and the word pairs seen in at least `MIN_NOTES` notes."""
    texts = [[s for _, _, s in sentences(n.text)] for n in notes]
    vocabulary = tuple(sorted(set(words([s for t in texts for s in t])) | set(common_words())
                              | NEGATORS | {LONG_RUN}))
    bare = Featurizer(vocabulary, word_clusters(word_vectors(list(vocabulary))),
                      np.zeros(0, np.int64), CLUSTERS)
    t = bare.tokens([s for t in texts for s in t])
    note_of = np.repeat(np.arange(len(texts)), [len(x) for x in texts])[t.sentence]
    adjacent = (t.word[:-1] >= 0) & (t.word[1:] >= 0) & (t.sentence[:-1] == t.sentence[1:])
    keys = t.word[:-1][adjacent] * len(vocabulary) + t.word[1:][adjacent]
    seen = np.unique(np.column_stack([keys, note_of[:-1][adjacent]]), axis=0)[:, 0]
    pairs, notes_seen = np.unique(seen, return_counts=True)
    return Featurizer(vocabulary, bare.clusters, pairs[notes_seen >= MIN_NOTES], CLUSTERS)


def sentence_truth(notes: Sequence[LabelledNote], labels) -> np.ndarray:
    """(sentences, labels) 0/1: the sentence overlaps a quote of the label (of any stall
    reason, for the gate)."""
    rows = []
    for note in notes:
        for start, end, _ in sentences(note.text):
            quoted = {(g.category, g.label) for g in note.labels
                      if g.start < end and start < g.end}
            rows.append([(c, k) in quoted if (c, k) != GATE
                         else any(c2 == GATE[0] for c2, _ in quoted) for c, k in labels])
    return np.array(rows, np.int64).reshape(-1, len(labels))


def clause_truth(notes: Sequence[LabelledNote], labels, counts: Counts,
                 features: Featurizer) -> np.ndarray:
    """(clauses, labels) 0/1 for `CLAUSE_LABELS` (0 elsewhere): at least half the clause's
    words are words of a quote of the label in its note. A planted instruction is often one
    clause of an ordinary sentence; the other clauses are the client's story."""
    truth = np.zeros((counts.clauses.shape[0], len(labels)), np.int64)
    words = features.layout.words
    in_clause = (counts.clauses[:, :words] > 0).astype(np.float64)
    sizes = np.asarray(in_clause.sum(axis=1)).ravel()
    note_of = np.repeat(np.arange(len(notes)), np.diff(counts.first))[counts.clause_sentence]
    for j, label in enumerate(labels):
        if label not in CLAUSE_LABELS:
            continue
        quoted = [(n, g.quote) for n, note in enumerate(notes) for g in note.labels
                  if (g.category, g.label) == label]
        if not quoted:
            continue
        quote_words = features.counts([[" ".join(q.split())] for _, q in quoted]
                                      ).sentences[:, :words] > 0  # one line, as a sentence
        owner = sparse.csr_matrix((np.ones(len(quoted)), ([n for n, _ in quoted],
                                                          np.arange(len(quoted)))),
                                  shape=(len(notes), len(quoted)))
        note_words = ((owner @ quote_words.astype(np.float64)) > 0).astype(np.float64)
        shared = np.asarray(in_clause.multiply(note_words[note_of]).sum(axis=1)).ravel()
        truth[:, j] = (sizes > 0) & (shared >= 0.5 * sizes)
    return truth


def note_truth(notes: Sequence[LabelledNote], labels) -> np.ndarray:
    return np.array([[label in n.keys(c) if (c, label) != GATE else bool(n.keys(c))
                      for c, label in labels] for n in notes], np.int64)


def _idf(counts: sparse.csr_matrix) -> np.ndarray:
    """Smooth idf, as TfidfVectorizer; a feature in fewer than MIN_NOTES rows gets 0."""
    seen = counts.getnnz(axis=0)
    idf = np.log((1 + counts.shape[0]) / (1 + seen)) + 1
    return np.where(seen >= MIN_NOTES, idf, 0.0).astype(np.float32)


def _design(counts: sparse.csr_matrix, directions: np.ndarray, idf: np.ndarray):
    return sparse.hstack([sublinear_tfidf(counts, idf.astype(np.float64)),
                          sparse.csr_matrix(directions * DENSE_SCALE)], format="csr")


def _fit_part(counts: sparse.csr_matrix, directions: np.ndarray, truth: np.ndarray,
              strength: float, clauses: tuple[sparse.csr_matrix, np.ndarray, np.ndarray,
                                              np.ndarray] | None = None) -> Part:
    """`clauses`: (counts, directions, truth, columns) of clauses that the `columns` also
    learn from (the sentence part reads their clauses too)."""
    from sklearn.linear_model import LogisticRegression

    idf = _idf(counts)
    x = _design(counts, directions, idf)
    rows, dims = counts.shape[1], directions.shape[1]
    weights = np.zeros((rows + dims, truth.shape[1]))
    bias = np.full(truth.shape[1], -1e3)
    with_clauses = (None if clauses is None or not clauses[3].any() else
                    sparse.vstack([x, _design(clauses[0], clauses[1], idf)], format="csr"))
    for j in range(truth.shape[1]):
        x_j, y = x, truth[:, j]
        if with_clauses is not None and clauses is not None and clauses[3][j]:
            x_j, y = with_clauses, np.concatenate([y, clauses[2][:, j]])
        if 0 < y.sum() < len(y):
            fitted = LogisticRegression(C=strength, solver="liblinear", class_weight="balanced",
                                        random_state=0).fit(x_j, y)
            weights[:, j], bias[j] = fitted.coef_.ravel(), fitted.intercept_[0]
    return Part(idf, _stored(weights[:rows]), _stored(weights[rows:] * DENSE_SCALE),
                bias.astype(np.float32))


def _sentence_rows(counts: Counts, notes: np.ndarray) -> np.ndarray:
    return np.concatenate([np.arange(counts.first[n], counts.first[n + 1]) for n in notes]
                          + [np.zeros(0, np.int64)])


def _clause_rows(counts: Counts, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the clauses of the sentences `rows`, each sentence's index in `rows` or -1)."""
    renumbered = np.full(len(counts.sentence_directions), -1)
    renumbered[rows] = np.arange(len(rows))
    return np.flatnonzero(renumbered[counts.clause_sentence] >= 0), renumbered


def _subset(counts: Counts, notes: np.ndarray) -> Counts:
    rows = _sentence_rows(counts, notes)
    first = np.r_[0, np.cumsum(np.diff(counts.first)[notes])]
    clauses, renumbered = _clause_rows(counts, rows)
    return Counts(counts.notes[notes], counts.sentences[rows], counts.note_directions[notes],
                  counts.sentence_directions[rows], first, counts.clauses[clauses],
                  counts.clause_directions[clauses],
                  renumbered[counts.clause_sentence[clauses]])


def _fit(counts: Counts, notes: np.ndarray, truth: np.ndarray, truth_sentences: np.ndarray,
         truth_clauses: np.ndarray, clause_columns: np.ndarray, strength: float
         ) -> tuple[Part, Part]:
    """Both parts, fitted on the `notes` (indices) of `counts`."""
    rows = _sentence_rows(counts, notes)
    clauses = _clause_rows(counts, rows)[0]
    return (_fit_part(counts.notes[notes], counts.note_directions[notes], truth[notes],
                      strength),
            _fit_part(counts.sentences[rows], counts.sentence_directions[rows],
                      truth_sentences[rows], strength,
                      (counts.clauses[clauses], counts.clause_directions[clauses],
                       truth_clauses[clauses], clause_columns)))


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
    clauses = np.array([label in CLAUSE_LABELS for label in labels])
    features = featurizer(notes)
    counts = features.counts([[s for _, _, s in sentences(n.text)] for n in notes])
    truth, truth_sentences = note_truth(notes, labels), sentence_truth(notes, labels)
    truth_clauses = clause_truth(notes, labels, counts, features)
    folds = list(KFold(FOLDS, shuffle=True, random_state=0).split(np.arange(len(notes))))
    best: tuple[float, float, float, np.ndarray] | None = None
    for strength in STRENGTHS:
        held_out = np.zeros((2, *truth.shape))  # the note part's scores, the best sentence's
        for fit, test in folds:
            note, sentence = _fit(counts, fit, truth, truth_sentences, truth_clauses, clauses,
                                  strength)
            part = _subset(counts, test)
            held_out[0, test] = part_scores(note, part.notes, part.note_directions)
            held_out[1, test] = best_sentence(sentence_scores(sentence, part, clauses),
                                              part.first)[0]
        for weight in SENTENCE_WEIGHTS:
            scores = held_out[0] + weight * held_out[1]
            thresholds = _thresholds(scores, truth, labels, notes)
            figures = held_out_figures(scores, thresholds, truth, labels, notes)
            log(f"  C={strength}, sentence weight {weight}: held out "
                + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
            score = (figures["stall_reason_macro_f1"] + figures["progress_f1"]
                     + figures.get("injection_flagged", 0.0))
            if best is None or score > best[0]:
                best = (score, strength, weight, thresholds)
    assert best is not None
    _, strength, weight, thresholds = best
    log(f"chose C={strength}, sentence weight {weight}; fitting on all {len(notes)} notes")
    note, sentence = _fit(counts, np.arange(len(notes)), truth, truth_sentences, truth_clauses,
                          clauses, strength)
    sentence = Part(sentence.idf, _stored(sentence.weights * weight),
                    _stored(sentence.dense * weight), (sentence.bias * weight).astype(np.float32))
    return NoteModel(labels=labels, featurizer=features, note=note, sentence=sentence,
                     threshold=thresholds.astype(np.float32), clause_columns=clauses,
                     trained_on=trained_on,
                     embedding=embedding_name())
