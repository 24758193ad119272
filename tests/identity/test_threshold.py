"""The link threshold comes from the model's own scores: the lowest at which the pairs it
links are expected to be precise enough, never one that links a pair it doubts."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.identity.threshold import (
    THRESHOLD_CEILING,
    THRESHOLD_FLOOR,
    choose_threshold,
    expected_at,
)


def test_expected_precision_and_recall_are_what_the_probabilities_say() -> None:
    scores = np.array([1.0, 1.0, 0.5, 0.5])
    at = expected_at(scores, 0.9)
    assert at.expected_precision == 1.0
    assert at.expected_recall == pytest.approx(2 / 3)
    assert expected_at(scores, 0.4).expected_precision == pytest.approx(0.75)


def test_threshold_is_the_lowest_meeting_the_target_precision() -> None:
    # 999 certain pairs and one at 0.995: linking both expects precision 0.999995
    scores = np.concatenate([np.ones(999), [0.995], np.full(20, 0.3)])
    chosen = choose_threshold(scores, target_precision=0.999)
    assert chosen.threshold == 0.995
    assert chosen.expected_precision >= 0.999
    # a stricter target leaves the doubtful pair out
    assert choose_threshold(scores, target_precision=0.9999999).threshold == 1.0


def test_a_pair_below_the_floor_is_never_linked_however_certain_the_rest() -> None:
    scores = np.concatenate([np.ones(100_000), [0.95]])
    chosen = choose_threshold(scores)
    assert chosen.threshold == 1.0
    assert THRESHOLD_FLOOR > 0.95


def test_without_pairs_meeting_the_target_only_the_surest_are_linked() -> None:
    assert choose_threshold(np.array([0.992, 0.991])).threshold == THRESHOLD_CEILING
    assert choose_threshold(np.array([])).threshold == THRESHOLD_CEILING
