"""One settings object: every path and knob the pipeline reads, from the environment once.

Nothing else in the code base reads environment variables, so a reader can see here every
setting an operator can change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
WAREHOUSES = ("duckdb", "postgres")
DEFAULT_PG_DSN = "postgresql://localhost:5432/caseintel"
# What becomes of a drop once it is in the warehouse: left in the landing folder, moved to
# the archive folder, or deleted (a drop that did not load whole always stays).
RETENTIONS = ("keep", "archive", "delete")


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Where caseintel reads and writes, and the date it grades as of."""

    var_dir: Path
    db_path: Path
    landing_dir: Path
    archive_dir: Path  # where CASEINTEL_LANDING_RETENTION=archive moves loaded drops
    site_dir: Path
    rubrics_dir: Path
    dbt_project_dir: Path
    access_path: Path  # rubrics/access.yaml: who may read what on the report server
    credentials_path: Path  # the report server's password hashes (mode 0600)
    audit_path: Path  # the report server's audit trail (SQLite, hash-chained)
    audit_key_path: Path  # the key of the trail's chain: keep it away from the trail's copies
    as_of: date | None = None
    landing_retention: str = "keep"
    llm_base_url: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_model: str = "gpt-4o-mini"
    note_rubric: str = "case_note_reader"
    note_model: Path | None = None  # None: the embedded model shipped with caseintel
    reader_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    report_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    llm_concurrency: int = 8
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 4
    llm_backoff_s: float = 1.0
    llm_max_output_tokens: int = 1000
    llm_max_notes: int | None = None
    llm_max_tokens: int | None = None
    llm_usd_per_1m_input: float | None = None
    llm_usd_per_1m_output: float | None = None
    identity_link_threshold: float | None = None  # None: chosen from the model's evidence
    identity_target_precision: float = 0.999
    identity_review_threshold: float = 0.2
    identity_review_per_1000: float = 5.0
    identity_retrain: bool = False
    identity_seed: int = 42
    identity_min_training_records: int = 500
    identity_max_block_size: int = 50
    identity_u_max_pairs: float = 5e6
    identity_em_max_pairs: float = 1e6
    warehouse: str = "duckdb"
    pg_dsn: str = field(default=DEFAULT_PG_DSN, repr=False)
    duckdb_memory_limit: str = "80%"
    max_processes: int = 2
    chromium_path: Path = Path("/usr/bin/chromium")
    dagster_home: Path | None = None  # the Dagster instance `caseintel run` records runs in
    # The report server (`caseintel serve`): who may read what, its passwords and audit trail.
    server_public_url: str | None = None  # https://... when behind a TLS proxy
    session_idle_minutes: float = 30.0
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_groups_claim: str = "groups"

    @classmethod
    def from_env(cls) -> Settings:
        """Read CASEINTEL_* variables; by default everything lives in the git-ignored var/."""
        var_dir = _path("CASEINTEL_VAR", REPO_ROOT / "var")
        as_of = os.environ.get("CASEINTEL_AS_OF")
        warehouse = os.environ.get("CASEINTEL_WAREHOUSE", "duckdb").lower()
        if warehouse not in WAREHOUSES:
            raise ValueError(f"CASEINTEL_WAREHOUSE must be one of {', '.join(WAREHOUSES)},"
                             f" not {warehouse!r}")
        rubrics_dir = _path("CASEINTEL_RUBRICS", REPO_ROOT / "rubrics")
        retention = os.environ.get("CASEINTEL_LANDING_RETENTION", "keep").strip().lower() or "keep"
        if retention not in RETENTIONS:
            raise ValueError(f"CASEINTEL_LANDING_RETENTION must be one of {', '.join(RETENTIONS)},"
                             f" not {retention!r}")
        landing_dir = _path("CASEINTEL_LANDING", var_dir / "landing")
        archive_dir = _path("CASEINTEL_LANDING_ARCHIVE", var_dir / "archive")
        if retention == "archive" and archive_dir.is_relative_to(landing_dir):
            raise ValueError(f"CASEINTEL_LANDING_ARCHIVE ({archive_dir}) must be outside the"
                             f" landing folder ({landing_dir})")
        return cls(
            var_dir=var_dir,
            db_path=_path("CASEINTEL_DB", var_dir / "caseintel.duckdb"),
            landing_dir=landing_dir,
            archive_dir=archive_dir,
            landing_retention=retention,
            site_dir=_path("CASEINTEL_SITE", var_dir / "site"),
            rubrics_dir=rubrics_dir,
            dbt_project_dir=REPO_ROOT / "dbt_project",
            as_of=date.fromisoformat(as_of) if as_of else None,
            llm_base_url=os.environ.get("CASEINTEL_LLM_BASE_URL") or None,
            llm_api_key=os.environ.get("CASEINTEL_LLM_API_KEY")
            or os.environ.get("OPENAI_API_KEY")
            or None,
            llm_model=os.environ.get("CASEINTEL_LLM_MODEL", "gpt-4o-mini"),
            note_rubric=os.environ.get("CASEINTEL_NOTE_RUBRIC", "case_note_reader"),
            note_model=Path(v).expanduser().resolve()
            if (v := os.environ.get("CASEINTEL_NOTE_MODEL")) else None,
            reader_processes=int(os.environ.get("CASEINTEL_READER_PROCESSES",
                                                str(os.cpu_count() or 1))),
            report_processes=int(os.environ.get("CASEINTEL_REPORT_PROCESSES",
                                                str(os.cpu_count() or 1))),
            llm_concurrency=int(os.environ.get("CASEINTEL_LLM_CONCURRENCY", "8")),
            llm_timeout_s=float(os.environ.get("CASEINTEL_LLM_TIMEOUT_S", "60")),
            llm_max_retries=int(os.environ.get("CASEINTEL_LLM_MAX_RETRIES", "4")),
            llm_backoff_s=float(os.environ.get("CASEINTEL_LLM_BACKOFF_S", "1")),
            llm_max_output_tokens=int(os.environ.get("CASEINTEL_LLM_MAX_OUTPUT_TOKENS", "1000")),
            llm_max_notes=int(v) if (v := os.environ.get("CASEINTEL_LLM_MAX_NOTES")) else None,
            llm_max_tokens=int(v) if (v := os.environ.get("CASEINTEL_LLM_MAX_TOKENS")) else None,
            llm_usd_per_1m_input=float(v)
            if (v := os.environ.get("CASEINTEL_LLM_USD_PER_1M_INPUT")) else None,
            llm_usd_per_1m_output=float(v)
            if (v := os.environ.get("CASEINTEL_LLM_USD_PER_1M_OUTPUT")) else None,
            identity_link_threshold=float(v)
            if (v := os.environ.get("CASEINTEL_IDENTITY_LINK_THRESHOLD")) else None,
            identity_target_precision=float(
                os.environ.get("CASEINTEL_IDENTITY_TARGET_PRECISION", "0.999")),
            identity_review_threshold=float(
                os.environ.get("CASEINTEL_IDENTITY_REVIEW_THRESHOLD", "0.2")),
            identity_review_per_1000=float(
                os.environ.get("CASEINTEL_IDENTITY_REVIEW_PER_1000", "5")),
            identity_retrain=os.environ.get("CASEINTEL_IDENTITY_RETRAIN", "").lower()
            in {"1", "true", "yes"},
            identity_seed=int(os.environ.get("CASEINTEL_IDENTITY_SEED", "42")),
            identity_min_training_records=int(
                os.environ.get("CASEINTEL_IDENTITY_MIN_TRAINING_RECORDS", "500")),
            identity_max_block_size=int(os.environ.get("CASEINTEL_IDENTITY_MAX_BLOCK_SIZE", "50")),
            identity_u_max_pairs=float(os.environ.get("CASEINTEL_IDENTITY_U_MAX_PAIRS", "5e6")),
            identity_em_max_pairs=float(os.environ.get("CASEINTEL_IDENTITY_EM_MAX_PAIRS", "1e6")),
            warehouse=warehouse,
            pg_dsn=os.environ.get("CASEINTEL_PG_DSN") or DEFAULT_PG_DSN,
            duckdb_memory_limit=os.environ.get("CASEINTEL_DUCKDB_MEMORY_LIMIT", "80%"),
            max_processes=int(os.environ.get("CASEINTEL_MAX_PROCESSES") or os.cpu_count() or 2),
            chromium_path=_path("CASEINTEL_CHROMIUM", Path("/usr/bin/chromium")),
            dagster_home=_path("DAGSTER_HOME", var_dir / "dagster"),
            access_path=_path("CASEINTEL_ACCESS", rubrics_dir / "access.yaml"),
            credentials_path=_path("CASEINTEL_CREDENTIALS", var_dir / "credentials"),
            audit_path=_path("CASEINTEL_AUDIT", var_dir / "audit.sqlite"),
            audit_key_path=_path("CASEINTEL_AUDIT_KEY_FILE", var_dir / "audit.key"),
            server_public_url=os.environ.get("CASEINTEL_SERVER_PUBLIC_URL") or None,
            session_idle_minutes=float(os.environ.get("CASEINTEL_SESSION_IDLE_MINUTES", "30")),
            oidc_issuer=os.environ.get("CASEINTEL_OIDC_ISSUER") or None,
            oidc_client_id=os.environ.get("CASEINTEL_OIDC_CLIENT_ID") or None,
            oidc_client_secret=os.environ.get("CASEINTEL_OIDC_CLIENT_SECRET") or None,
            oidc_groups_claim=os.environ.get("CASEINTEL_OIDC_GROUPS_CLAIM", "groups"),
        )

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @property
    def as_of_date(self) -> date:
        """The grading date: the configured one, else today."""
        return self.as_of or date.today()

    @property
    def site_scope_path(self) -> Path:
        """Each client's sites, programs and worker, written with the site (server/scope.py)."""
        return self.site_dir.parent / f"{self.site_dir.name}-scope.sqlite"

    @property
    def warehouse_target(self) -> Path | str:
        """What `Warehouse(...)` opens: the DuckDB file, or the PostgreSQL URL."""
        return self.pg_dsn if self.warehouse == "postgres" else self.db_path

    @property
    def warehouse_label(self) -> str:
        """The warehouse as a log line may show it: the file, or the URL without password."""
        if self.warehouse != "postgres":
            return str(self.db_path)
        url = urlsplit(self.pg_dsn)
        host = url.hostname or "localhost"
        return f"postgresql://{url.username + '@' if url.username else ''}{host}" + (
            f":{url.port}" if url.port else "") + url.path
