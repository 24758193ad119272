"""The Dagster resource that hands every asset the one settings object."""

from __future__ import annotations

from datetime import date

import dagster as dg

from orchestration.settings import Settings
from orchestration.warehouse import Warehouse


class CaseintelResource(dg.ConfigurableResource):
    """Settings from the environment (paths are shared with the dbt subprocess that way).

    `as_of` may be set per run, e.g. to grade a past date from the Dagster UI.
    """

    as_of: str | None = None

    def settings(self) -> Settings:
        base = Settings.from_env()
        return base.with_overrides(as_of=date.fromisoformat(self.as_of)) if self.as_of else base

    def warehouse(self, read_only: bool = False) -> Warehouse:
        return Warehouse.from_settings(self.settings(), read_only=read_only)
