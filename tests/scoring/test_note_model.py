"""The note model reads instruction text clause by clause: a sentence's score for such a
label is the higher of its own and its best clause's, each clause scored as if it stood alone."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from orchestration.scoring.corpus import load_corpus
from orchestration.scoring.findings import sentences
from orchestration.scoring.note_model import NoteModel, part_scores, sentence_scores
from orchestration.settings import REPO_ROOT

_BREAK = re.compile(r"[,;:()\[\]]| [-–—] ")


def test_a_clause_label_scores_a_sentence_by_its_best_clause() -> None:
    model = NoteModel.load()
    assert model.labels[int(np.flatnonzero(model.clause_columns)[0])] == (
        "risk", "prompt_injection")
    notes = [[s for _, _, s in sentences(n.text)] for n in load_corpus(
        REPO_ROOT / "benchmarks" / "corpus" / "case_notes" / "test.jsonl")]
    counts = model.featurizer.counts(notes)
    got = sentence_scores(model.sentence, counts, model.clause_columns)
    plain = part_scores(model.sentence, counts.sentences, counts.sentence_directions)
    flat = [s for note in notes for s in note]
    pieces = [[c for c in _BREAK.split(unicodedata.normalize("NFKC", s).replace("n't", " not"))
               if re.search(r"[^\W_]", c)] for s in flat]
    alone = model.featurizer.counts([[c] for p in pieces for c in p])
    scored = part_scores(model.sentence, alone.sentences, alone.sentence_directions)
    first = np.r_[0, np.cumsum([len(p) for p in pieces])]
    best = np.array([scored[a:b].max(axis=0) if b > a else plain[i]
                     for i, (a, b) in enumerate(zip(first[:-1], first[1:], strict=True))])
    expected = np.where(model.clause_columns, np.maximum(plain, best), plain)
    assert np.allclose(got, expected, atol=1e-4)
    split = [i for i, p in enumerate(pieces) if len(p) > 1]
    assert len(split) > 500 and (got[split] > plain[split] + 1e-3).any()
