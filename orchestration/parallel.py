"""Work spread over worker processes, results back in order, the parent free meanwhile.

Where the platform forks (Linux), workers are forked from the parent, so what the parent built
before (a loaded model, the agency's code lists) is theirs without being sent or built again;
they must never touch the warehouse connection or a lock the parent holds. Elsewhere they are
spawned, and `initializer` builds what they need. Each worker has a task waiting while the
parent deals with what came back (fetches the next task, stores a result).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def forking() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def in_order(tasks: Iterable[Task], work: Callable[[Task], Result], processes: int,
             initializer: Callable[..., None] | None = None,
             initargs: tuple[Any, ...] = ()) -> Iterator[Result]:
    """`work(task)` for each task in `processes` worker processes, yielded in task order."""
    context = multiprocessing.get_context("fork" if forking() else "spawn")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        running: deque[Future[Result]] = deque()
        for task in tasks:
            running.append(pool.submit(work, task))
            if len(running) > 2 * processes:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()
