"""Train the linkage model: u by seeded random sampling, m by expectation maximisation."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from splink import DuckDBAPI, Linker, block_on
from splink.internals import expectation_maximisation

from orchestration.identity.comparisons import EM_BLOCKING_RULES, LAMBDA_RULES, splink_settings
from orchestration.identity.model_store import LinkageModel

# Share of true matches the strict LAMBDA_RULES find; sets the prior odds of a match.
LAMBDA_RULES_RECALL = 0.7


# No trained level may say a pair at it is (almost) never a match: EM on an agency whose
# duplicates never differ in a field (one address per person) drives m of that field's
# near-miss levels to ~0, which would forbid every future link with a typo in it.
M_FLOOR = 1e-4
# A rare value may count for at most this many times an average one: term frequencies say a
# name two records share is almost never shared by chance, but namesakes (juniors, cousins,
# a common name in another language's pool) make rarity weaker evidence than its frequency.
# Without the cap, at 1,000,000 demo records, 130 pairs of namesakes agreeing on nothing
# but their names were linked at p >= 0.93.
TF_MAX_RARITY = 10
_UNDERFLOW = 1e-300  # the smallest m or u Splink accepts


class TrainingError(ValueError):
    """The records hold nothing to learn from (e.g. no pair agrees on any strict rule)."""


@contextmanager
def _em_without_underflow() -> Iterator[None]:
    """Let EM carry on when a level's m or u underflows between iterations.

    Splink 5 rejects a value it computed itself below its 1e-300 minimum (0.0 included) and
    aborts the whole training; the value is raised to that minimum instead, so EM proceeds
    as it would with any other tiny estimate, and `_guard_levels` floors the result.
    """
    original = expectation_maximisation.m_u_records_to_lookup_dict

    def lookup(records: list[dict[str, Any]]) -> dict[str, Any]:
        table = original(records)
        for levels in table.values():
            for values in levels.values():
                for key in ("m_probability", "u_probability"):
                    if isinstance(values.get(key), float) and values[key] < _UNDERFLOW:
                        values[key] = _UNDERFLOW
        return table

    expectation_maximisation.m_u_records_to_lookup_dict = lookup
    try:
        yield
    finally:
        expectation_maximisation.m_u_records_to_lookup_dict = original


def _guard_levels(trained: dict[str, Any], prior: dict[str, Any]
                  ) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Keep priors where training cannot be trusted; returns the model and the levels
    ("comparison: level") whose m or u came from the priors.

    A level the training data never showed keeps its prior instead of Splink's 1e-6. And no
    field may veto a link outright: where one agency's data never shows true matches that
    disagree (nobody changed phone), EM drives m of `different` to ~0, which would forbid
    every future link of a person with a new phone; its m stays at least the prior.
    """
    from_priors = []
    for comparison, prior_comparison in zip(trained["comparisons"], prior["comparisons"],
                                            strict=True):
        levels = comparison["comparison_levels"]
        for level, prior_level in zip(levels, prior_comparison["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key not in prior_level or prior_level.get(f"fix_{key}"):
                    continue
                if not isinstance(level.get(key), float | int):
                    level[key] = prior_level[key]
                if level[key] == prior_level[key]:  # training left it where the prior put it
                    from_priors.append(f"{comparison['output_column_name']}: "
                                       f"{level['label_for_charts']} ({key[0]})")
            if "m_probability" in level and not level.get("fix_m_probability"):
                level["m_probability"] = max(level["m_probability"], M_FLOOR)
            if level.get("tf_adjustment_column"):
                level["tf_minimum_u_value"] = level["u_probability"] / TF_MAX_RARITY
        levels[-1]["m_probability"] = max(levels[-1]["m_probability"],
                                          prior_comparison["comparison_levels"][-1]["m_probability"])
    return trained, tuple(from_priors)


def train_model(db_api: DuckDBAPI, table: str, seed: int, u_max_pairs: float,
                em_max_pairs: float, reason: str) -> LinkageModel:
    """A new trained model from the records in `table` (reproducible for a given seed)."""
    prior = splink_settings()
    linker = Linker(db_api.register(table), prior, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        list(LAMBDA_RULES), recall=LAMBDA_RULES_RECALL)
    if not linker.misc.save_model_to_json()["probability_two_random_records_match"]:
        raise TrainingError("no two records agree on SSN, email or name and DOB")
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    with _em_without_underflow():
        for columns in EM_BLOCKING_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), max_pairs=em_max_pairs)
    trained, from_priors = _guard_levels(linker.misc.save_model_to_json(), prior)
    return LinkageModel.of(trained, "trained", reason, from_priors)
