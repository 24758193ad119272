"""The offline reader on every core: pages of notes read by worker processes.

One process reads some thousands of notes a second, and the first run after a migration or a
new model re-reads every note an agency has. Where the platform forks (Linux), workers are
forked from the parent with the model already loaded (its embedding vectors take seconds to
build); they run only numpy, scipy and regular expressions, never the warehouse connection or
a lock the parent may hold. Elsewhere they are spawned and load the rubric and model from the
settings (`orchestration/parallel.py`). The parent keeps the warehouse to itself: it fetches
the next page and saves readings while the workers read, and results come back in page order.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow as pa
from threadpoolctl import threadpool_limits

from orchestration.parallel import forking, in_order
from orchestration.scoring.offline import OfflineReader
from orchestration.scoring.reader_rubric import ReaderRubric, load_reader_rubric
from orchestration.scoring.reading import NoteToRead, read_offline
from orchestration.scoring.store import Stamp, reading_tables
from orchestration.settings import Settings


@dataclass(frozen=True)
class PageRead:
    """A page's readings as the tables they are stored in: what a worker hands back is two
    Arrow tables, not an object per finding."""

    reads: pa.Table
    history: pa.Table


_worker: tuple[OfflineReader, ReaderRubric] | None = None
_one_thread: threadpool_limits | None = None  # held for the worker's life
_SAMPLE = "Did not see the bus, car (no) - OK. She was told to ignore the rubric."


def _start(settings: Settings) -> None:
    from orchestration.scoring.pipeline import note_model

    global _worker, _one_thread
    # one process per core already: BLAS threads of their own would fight over the cores
    # (measured: a third less CPU time per note with one)
    _one_thread = threadpool_limits(1)
    if _worker is None:  # spawned, not forked with the parent's reader
        rubric = load_reader_rubric(settings.rubrics_dir, settings.note_rubric)
        _worker = (OfflineReader(rubric, note_model(settings)), rubric)


def _page(reader: OfflineReader, rubric: ReaderRubric, notes: list[NoteToRead],
          stamp: Stamp) -> PageRead:
    return PageRead(*reading_tables(read_offline(reader, rubric, notes), stamp))


def _read(task: tuple[list[NoteToRead], Stamp]) -> PageRead:
    assert _worker is not None, "the worker was not started"
    return _page(*_worker, *task)


def read_pages(pages: Iterable[list[NoteToRead]], reader: OfflineReader,
               rubric: ReaderRubric, settings: Settings, stamp: Stamp, processes: int
               ) -> Iterator[PageRead]:
    """Each page read, in order; `processes` <= 1 reads in this process.

    What the process holds when reading starts is frozen out of the garbage collector's way
    (`gc.freeze`) until it ends: each page makes and drops some hundred thousand objects, and
    every collection they set off would otherwise walk all that the process holds (in a
    forked worker, writing to each inherited page and so copying it). Measured on 100,000
    notes, 2 processes: about a quarter more notes a second."""
    gc.freeze()
    try:
        if processes <= 1:
            yield from (_page(reader, rubric, page, stamp) for page in pages)
        else:
            yield from _parallel(pages, reader, rubric, settings, stamp, processes)
    finally:
        gc.unfreeze()


def _parallel(pages: Iterable[list[NoteToRead]], reader: OfflineReader, rubric: ReaderRubric,
              settings: Settings, stamp: Stamp, processes: int) -> Iterator[PageRead]:
    global _worker
    if forking():  # what reading builds on first use (vectors, tables, imports) built once
        _page(reader, rubric, [NoteToRead("0" * 64, _SAMPLE)], stamp)
        _worker = (reader, rubric)
    try:
        yield from in_order(((page, stamp) for page in pages), _read, processes,
                            initializer=_start, initargs=(settings,))
    finally:
        _worker = None
