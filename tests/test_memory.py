"""memory.release hands back what the allocators keep: Python's, Arrow's pool and glibc's."""

from __future__ import annotations

import pyarrow as pa
import pytest

from orchestration import memory


def test_release_empties_arrows_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    released = []

    class Pool:
        def release_unused(self) -> None:
            released.append(True)

    monkeypatch.setattr(pa, "default_memory_pool", Pool)
    before, after = memory.release()
    assert released == [True]
    assert before is None or before > 0
    assert after is None or after > 0

