"""A model's word vectors are kept between runs: the same vectors, without the embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from orchestration.scoring import embedding
from orchestration.scoring.embedding import word_vectors


def test_kept_vectors_are_the_embedded_ones_and_are_read_back(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    words = ["shelter", "voucher", "bus", "f/u", "naïve"]
    embedded = word_vectors(words)
    assert np.array_equal(word_vectors(words, tmp_path), embedded)
    [kept] = tmp_path.glob("word-vectors-*.npy")

    def no_embedding(_: list[str]) -> np.ndarray:
        raise AssertionError("embedded again")

    monkeypatch.setattr(embedding, "_embedded", no_embedding)
    assert np.array_equal(word_vectors(words, tmp_path), embedded)
    with pytest.raises(AssertionError, match="embedded again"):
        word_vectors([*words, "another"], tmp_path)  # other words: another file
    kept.write_bytes(kept.read_bytes()[:100])  # a torn file is embedded again, not trusted
    with pytest.raises(AssertionError, match="embedded again"):
        word_vectors(words, tmp_path)
