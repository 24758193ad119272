"""Bounded-concurrency execution with a per-run budget.

Work runs on at most `concurrency` threads; results are handed back on the calling thread
(which owns the warehouse connection) as each one finishes, so progress can be saved while
the run goes on. Before an item starts, the runner checks the budget: the item count, and the
tokens spent so far plus the estimates of items in flight plus this one (an item that does
not fit waits for the items in flight, whose actual usage is usually below the estimate). It
also stops when many items in a row fail: an endpoint that is down is not asked for every note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Protocol, TypeVar


class Outcome(Protocol):
    @property
    def tokens(self) -> int: ...

    @property
    def failed(self) -> bool: ...


T = TypeVar("T")
R = TypeVar("R", bound=Outcome)


@dataclass(frozen=True)
class Budget:
    max_items: int | None = None
    max_tokens: int | None = None


@dataclass
class RunStats:
    started: int = 0
    finished: int = 0
    failed: int = 0
    tokens: int = 0
    stopped: str | None = None  # "items", "tokens" or "failures": why items were left over


def run_bounded(items: Iterable[T], work: Callable[[T], R], on_result: Callable[[T, R], None],
                *, concurrency: int, budget: Budget, estimate: Callable[[T], int],
                max_failures_in_a_row: int) -> RunStats:
    """Run `work` over `items`; an exception from `work` stops new starts, lets the items in
    flight finish (their results still reach `on_result`), then propagates."""
    stats = RunStats()
    pending = iter(items)
    in_flight: dict[Future[R], tuple[T, int]] = {}
    reserved = failures_in_a_row = 0
    held: T | None = None
    error: BaseException | None = None
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        while True:
            while error is None and stats.stopped is None and len(in_flight) < concurrency:
                item = held if held is not None else next(pending, None)
                held = None
                if item is None:
                    break
                if budget.max_items is not None and stats.started >= budget.max_items:
                    stats.stopped = "items"
                    break
                cost = estimate(item)
                if (budget.max_tokens is not None
                        and stats.tokens + reserved + cost > budget.max_tokens):
                    if in_flight:  # actual usage may leave room once these finish
                        held = item
                    else:
                        stats.stopped = "tokens"
                    break
                in_flight[pool.submit(work, item)] = (item, cost)
                reserved += cost
                stats.started += 1
            if not in_flight:
                return _raise_or(error, stats)
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                item, cost = in_flight.pop(future)
                reserved -= cost
                try:
                    result = future.result()
                except Exception as exc:  # re-raised once the items in flight are done
                    error = error or exc
                    continue
                stats.finished += 1
                stats.tokens += result.tokens
                stats.failed += result.failed
                failures_in_a_row = failures_in_a_row + 1 if result.failed else 0
                if failures_in_a_row >= max_failures_in_a_row and stats.stopped is None:
                    stats.stopped = "failures"
                on_result(item, result)


def _raise_or(error: BaseException | None, stats: RunStats) -> RunStats:
    if error is not None:
        raise error
    return stats
