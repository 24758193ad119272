"""What the embedded note model sees of a sentence: its words, the words in a negation's
scope, and its word pairs. Training and reading both go through `sentence_features`, so the
model reads a note exactly as it was trained to.

Negation scope is the classic one for short texts: the words after a negating word up to the
next clause break ("no longer has a car, so" marks "has", "a", "car"), so "denies SI" and
"transportation is no longer an issue" do not look like the barrier they name.

Words are letters of any script (text written to steer a reader is often in another
language), after NFKC folding (full-width letters become plain ones); Chinese and Japanese,
written without spaces, are read as character pairs; an unbroken run of 20 or more letters
and digits (base64, a pasted token) is one shape feature.
"""

from __future__ import annotations

import re
import unicodedata

# Words of any script, shorthand with slashes or apostrophes (f/u, d/t, w/o, didn't), and
# clause breaks.
_TOKEN = re.compile(r"[^\W_]+(?:['’/][^\W_]+)*|[,;:()\[\]]|\s[-–—]\s")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LONG_RUN = "⟨long run⟩"
_NEGATORS = frozenset({
    "not", "no", "never", "nor", "neither", "none", "nothing", "without", "denies", "denied",
    "deny", "resolved", "longer", "negative",
})
_CONTRACTED = frozenset({"n't", "n’t"})
NEGATED = "¬"


def sentence_features(sentence: str) -> tuple[list[str], list[str], list[str]]:
    """(words, negated words, word pairs) of one sentence, lower-cased."""
    words: list[str] = []
    negated: list[str] = []
    in_scope = False
    text = unicodedata.normalize("NFKC", sentence).lower() if not sentence.isascii() \
        else sentence.lower()
    for token in _TOKEN.findall(text):
        if not token[0].isalnum():  # a clause break ends a negation's scope
            in_scope = False
            continue
        if len(token) >= 20:
            token = LONG_RUN
        elif _UNSPACED.search(token):
            words.extend(token[i:i + 2] for i in range(max(1, len(token) - 1)))
            continue
        words.append(token)
        if in_scope:
            negated.append(NEGATED + token)
        elif token in _NEGATORS or token[-3:] in _CONTRACTED:
            in_scope = True
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return words, negated, pairs
