"""Give the memory finished steps freed back to the system before a step that needs it.

The pipeline runs its steps in one process: ingest, linkage and note reading build and drop
millions of small objects, and the C allocator keeps the freed pages for reuse, so the
process stays at its ingest peak while dbt's engine, in a process of its own, grows beside
it. A full collection, then glibc's `malloc_trim`, returns those pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int | None:
    """This process's resident memory (Linux), None where /proc is not there."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


def release() -> tuple[int | None, int | None]:
    """Collect and trim; resident bytes (before, after)."""
    before = resident_bytes()
    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): collection only
        trim = None
    if trim is not None:
        trim(0)
    return before, resident_bytes()
