"""WordLlama's static word embedding, loaded from its wheel without network.

The note model turns each note into the direction of the sum of its words' vectors, so a
word no training note held still counts through its neighbours. WordLlama ships its 16 MB
embedding and tokenizer inside the wheel; its loader otherwise looks in a misnamed folder and
tries to download, hence the explicit cache_dir and disable_download.
"""

from __future__ import annotations

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


def word_vectors(words: list[str]) -> np.ndarray:
    """One unit vector per word (the mean of its tokens' embeddings, normalised)."""
    if not words:
        return np.zeros((0, 256), np.float32)
    vectors = np.asarray(_wordllama().embed(words, batch_size=512), np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return vectors.astype(np.float32)
