"""What every reader backend returns for one note, and the shape a backend has."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from orchestration.scoring.findings import Finding


@dataclass(frozen=True)
class Answer:
    """A backend's findings on the text it was given, and what getting them cost.

    `error` is set when the note could not be read: it is then not stored, so the next run
    tries it again.
    """

    findings: list[Finding] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    error: str | None = None


class Reader(Protocol):
    backend: str
    model: str
    remote: bool  # True: the text leaves the process, so it is redacted first

    @property
    def output_mode(self) -> str:
        """How answers come back (e.g. json_schema), for the run's metadata."""
        ...

    def read(self, text: str) -> Answer: ...

    def estimate_tokens(self, text: str) -> int:
        """Upper estimate of the tokens one read of `text` costs (for the per-run budget)."""
        ...
