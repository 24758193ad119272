"""WordLlama's static word embedding, loaded from its wheel without network.

The note model turns each note into the direction of the sum of its words' vectors, so a
word no training note held still counts through its neighbours. WordLlama ships its 16 MB
embedding and tokenizer inside the wheel; its loader otherwise looks in a misnamed folder and
tries to download, hence the explicit cache_dir and disable_download.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

_WHOLE_WORD = re.compile(r"^▁[a-z]{3,}$")


@cache
def _wordllama():
    import wordllama

    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent,
                                    disable_download=True)


def embedding_name() -> str:
    """Which embedding the vectors come from: a model records it and refuses another."""
    return f"wordllama {version('wordllama')} l2_supercat_256"


def common_words() -> list[str]:
    """The whole lower-case words of three letters or more in WordLlama's vocabulary."""
    return sorted(p[1:] for p in _wordllama().tokenizer.get_vocab() if _WHOLE_WORD.match(p))


def word_vectors(words: list[str], cache_dir: Path | None = None) -> np.ndarray:
    """One unit vector per word (the mean of its tokens' embeddings, normalised).

    With `cache_dir`, kept there under a hash of the embedding and the words: loading and
    running the embedding is most of the second a run spends before it reads a note, and a
    model's vectors never change."""
    if not words:
        return np.zeros((0, 256), np.float32)
    if cache_dir is None:
        return _embedded(words)
    key = hashlib.sha256("\n".join([embedding_name(), *words]).encode()).hexdigest()[:16]
    path = cache_dir / f"word-vectors-{key}.npy"
    try:
        kept = np.load(path, allow_pickle=False)
        if kept.shape == (len(words), 256) and kept.dtype == np.float32:
            return kept
    except (OSError, ValueError):
        pass  # not kept yet, or a torn file: embed again
    vectors = _embedded(words)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    with open(partial, "wb") as out:
        np.save(out, vectors)
    os.replace(partial, path)  # whole or not at all, even with runs side by side
    return vectors


def _embedded(words: list[str]) -> np.ndarray:
    vectors = np.asarray(_wordllama().embed(words, batch_size=512), np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return vectors.astype(np.float32)
