"""Scoring fixtures: a fake OpenAI-compatible endpoint and settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.settings import Settings
from tests.scoring.fake_llm import FakeLLM

FAST = {
    "CASEINTEL_LLM_MODEL": "fake-model",
    "CASEINTEL_LLM_API_KEY": "test-key",
    "CASEINTEL_LLM_TIMEOUT_S": "0.3",
    "CASEINTEL_LLM_MAX_RETRIES": "3",
    "CASEINTEL_LLM_BACKOFF_S": "0.001",
    "CASEINTEL_LLM_CONCURRENCY": "4",
}


@pytest.fixture()
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture()
def llm_env(workdir: Path, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> FakeLLM:
    """CASEINTEL_LLM_* pointed at the fake endpoint, with short timeouts and backoffs."""
    monkeypatch.setenv("CASEINTEL_LLM_BASE_URL", llm.base_url)
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    return llm


@pytest.fixture()
def settings(llm_env: FakeLLM) -> Settings:
    return Settings.from_env()
