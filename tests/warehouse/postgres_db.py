"""A throwaway PostgreSQL database for tests, or a skip that says why there is none.

The server is CASEINTEL_PG_DSN (default: the local `caseintel` role of docs/scale.md); each
use creates its own database on it and drops it afterwards, so runs never share state.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

LOCAL_DSN = "postgresql://caseintel:caseintel@localhost:5432/caseintel"


def server_dsn() -> str:
    return os.environ.get("CASEINTEL_PG_DSN") or LOCAL_DSN


def redacted(dsn: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", dsn)


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database; skips the test when no server answers."""
    psycopg = pytest.importorskip(
        "psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    dsn = server_dsn()
    try:
        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        pytest.skip(f"no PostgreSQL reachable at {redacted(dsn)} (set CASEINTEL_PG_DSN to a "
                    f"server where the role may create databases): {reason}")
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with admin:
        admin.execute(f'create database "{name}"')
        try:
            yield urlsplit(dsn)._replace(path=f"/{name}").geturl()
        finally:
            admin.execute(f'drop database if exists "{name}" with (force)')
