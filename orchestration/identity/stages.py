"""Wall time and peak memory of each stage of an identity run, for metadata and benchmarks."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Resident memory of this process now (DuckDB's memory included: it is in-process)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except OSError:
        return 0


@dataclass
class StageTimer:
    """`with timer("score"): ...` records seconds and the peak RSS seen during the stage."""

    seconds: dict[str, float] = field(default_factory=dict)
    peak_bytes: dict[str, int] = field(default_factory=dict)
    sample_every_s: float = 0.05

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        peak = [rss_bytes()]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(self.sample_every_s):
                peak[0] = max(peak[0], rss_bytes())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        try:
            yield
        finally:
            done.set()
            sampler.join()
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
            self.peak_bytes[stage] = max(self.peak_bytes.get(stage, 0), peak[0], rss_bytes())
