"""Give the memory finished steps freed back to the system before a step that needs it.

The pipeline runs its steps in one process: ingest, linkage and note reading build and drop
millions of small objects, and the C allocator keeps the freed pages for reuse, so the
process stays at its ingest peak while dbt's engine, in a process of its own, grows beside
it. A full collection, then glibc's `malloc_trim`, returns those pages.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes(pid: int | str = "self") -> int | None:
    """A process's resident memory (Linux), None where /proc does not say."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


def release() -> tuple[int | None, int | None]:
    """Collect and trim; resident bytes (before, after)."""
    before = resident_bytes()
    gc.collect()
    # the C library is already loaded into this process (no lookup); without glibc's
    # malloc_trim (musl, macOS) the collection is all there is
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).malloc_trim(0)
    return before, resident_bytes()
