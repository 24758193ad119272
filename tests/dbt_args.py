"""dbt arguments for a test that builds some models by hand."""

from __future__ import annotations


def build_with_seeds(*models: str) -> list[str]:
    """`dbt build` of `models` and every seed, with no data or unit tests: staging reads the
    HUD code lists (seeds/hud), so the seeds are loaded with whatever a test builds."""
    return ["build", "--resource-type", "seed", "--resource-type", "model",
            "--select", "resource_type:seed", *models]
