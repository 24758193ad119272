"""The dbt profile of one warehouse, written from the settings for the runs on it.

dbt reads its connection from a profiles.yml; rather than hand it the settings through this
process's environment, each run writes the profile of its warehouse beside that warehouse's
dbt target folder (readable by its owner only: on PostgreSQL it holds the password, as
`~/.dbt/profiles.yml` does) and points dbt at it with `--profiles-dir` and `--target`.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from orchestration.settings import Settings

PROFILE = "caseintel"  # dbt_project.yml's profile


def _output(settings: Settings) -> dict[str, object]:
    """The profile's one output: the warehouse's connection, as dbt's adapter takes it."""
    if settings.warehouse != "postgres":
        return {"type": "duckdb", "path": str(settings.db_path), "schema": "main",
                "threads": 2, "settings": {"memory_limit": settings.duckdb_memory_limit}}
    url = urlsplit(settings.pg_dsn)
    return {"type": "postgres", "host": url.hostname or "localhost", "port": url.port or 5432,
            "user": unquote(url.username or getpass.getuser()),
            "password": unquote(url.password or ""),
            "dbname": unquote(url.path.lstrip("/")) or "caseintel",
            "sslmode": parse_qs(url.query).get("sslmode", ["prefer"])[0],
            "schema": "public", "threads": 4}


def profile_args(settings: Settings, folder: Path) -> list[str]:
    """Write the warehouse's profile to `folder`; the dbt arguments that select it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "profiles.yml"
    text = yaml.safe_dump({PROFILE: {"target": settings.warehouse,
                                     "outputs": {settings.warehouse: _output(settings)}}})
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        fh.write(text)
    path.chmod(0o600)  # a profile written before with wider rights
    return ["--profiles-dir", str(folder), "--target", settings.warehouse]
