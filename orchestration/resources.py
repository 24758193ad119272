"""The Dagster resource that hands every asset the one settings object."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from orchestration.settings import Settings
from orchestration.warehouse import Warehouse


class CaseintelResource(dg.ConfigurableResource):
    """Settings from the environment, with what a run may set for itself as run config
    (`caseintel run --as-of`, the demo's landing folder, a retrained linkage model), so no
    code writes the environment to pass them on.

    `as_of` may be set per run, e.g. to grade a past date from the Dagster UI.
    """

    as_of: str | None = None
    landing_dir: str | None = None
    identity_retrain: bool = False

    def settings(self) -> Settings:
        changes: dict[str, object] = {}
        if self.as_of:
            changes["as_of"] = date.fromisoformat(self.as_of)
        if self.landing_dir:
            changes["landing_dir"] = Path(self.landing_dir).expanduser().resolve()
        if self.identity_retrain:
            changes["identity_retrain"] = True
        return Settings.from_env().with_overrides(**changes)

    def warehouse(self, read_only: bool = False) -> Warehouse:
        return Warehouse.from_settings(self.settings(), read_only=read_only)
