"""The link threshold, chosen from the trained model's own evidence instead of fixed.

A scored pair's match probability is the model's belief that it is a match, so over the pairs
at or above a threshold t the model expects precision = mean(p) and, of the matches among the
scored pairs (those in the review band and above), recall = sum(p >= t) / sum(p). The
threshold is the lowest t at which the expected precision still reaches the target (default
0.999), never below `floor` (0.99): the mean is carried by the many certain pairs, so without
a floor pairs the model itself doubts would be linked. At 1,000,000 demo records a floor of
0.9 linked 382 false pairs, 0.99 linked 238 (docs/identity.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_TARGET_PRECISION = 0.999
THRESHOLD_FLOOR = 0.99
THRESHOLD_CEILING = 0.999  # where the target cannot be reached: link only the surest pairs


@dataclass(frozen=True)
class Calibration:
    """A link threshold with the precision and recall the model expects at it."""

    threshold: float
    expected_precision: float
    expected_recall: float
    pairs: int  # scored pairs the figures come from


def expected_at(probabilities: np.ndarray, threshold: float) -> Calibration:
    """What the model expects of linking every pair with probability >= threshold."""
    accepted = probabilities[probabilities >= threshold]
    total = float(probabilities.sum())
    return Calibration(
        threshold=threshold,
        expected_precision=float(accepted.mean()) if accepted.size else 1.0,
        expected_recall=float(accepted.sum()) / total if total else 1.0,
        pairs=int(probabilities.size))


def choose_threshold(probabilities: np.ndarray,
                     target_precision: float = DEFAULT_TARGET_PRECISION,
                     floor: float = THRESHOLD_FLOOR) -> Calibration:
    """The lowest threshold (>= floor) whose expected precision reaches the target.

    With no scored pairs, or none meeting the target, the ceiling is used.
    """
    scores = np.asarray(probabilities, dtype=np.float64)
    ranked = np.sort(scores[scores >= floor])[::-1]
    if ranked.size:
        running_mean = np.cumsum(ranked) / np.arange(1, ranked.size + 1)
        meets = np.flatnonzero(running_mean >= target_precision)
        if meets.size:
            return expected_at(scores, float(ranked[meets[-1]]))
    return expected_at(scores, THRESHOLD_CEILING)
