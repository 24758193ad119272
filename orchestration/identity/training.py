"""Train the linkage model: u by seeded random sampling, m by expectation maximisation."""

from __future__ import annotations

import logging
from typing import Any

from splink import DuckDBAPI, Linker, block_on

from orchestration.identity.comparisons import EM_BLOCKING_RULES, LAMBDA_RULES, splink_settings
from orchestration.identity.model_store import LinkageModel

# Share of true matches the strict LAMBDA_RULES find; sets the prior odds of a match.
LAMBDA_RULES_RECALL = 0.7


class TrainingError(ValueError):
    """The records hold nothing to learn from (e.g. no pair agrees on any strict rule)."""


def _guard_levels(trained: dict[str, Any], prior: dict[str, Any]) -> dict[str, Any]:
    """Keep priors where training cannot be trusted.

    A level the training data never showed keeps its prior instead of Splink's 1e-6. And no
    field may veto a link outright: where one agency's data never shows true matches that
    disagree (nobody changed phone), EM drives m of `different` to ~0, which would forbid
    every future link of a person with a new phone; its m stays at least the prior.
    """
    for comparison, prior_comparison in zip(trained["comparisons"], prior["comparisons"],
                                            strict=True):
        levels = comparison["comparison_levels"]
        for level, prior_level in zip(levels, prior_comparison["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in prior_level and not isinstance(level.get(key), float | int):
                    level[key] = prior_level[key]
        levels[-1]["m_probability"] = max(levels[-1]["m_probability"],
                                          prior_comparison["comparison_levels"][-1]["m_probability"])
    return trained


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
    for columns in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*columns), max_pairs=em_max_pairs)
    trained = _guard_levels(linker.misc.save_model_to_json(), prior)
    return LinkageModel.of(trained, "trained", reason)
