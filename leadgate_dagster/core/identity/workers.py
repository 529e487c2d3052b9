"""Forked worker processes for whole-file dedupe, where a batch is large enough to use several cores.

Workers are forked, so they inherit the batch (leads, coded keys, candidate pairs) instead of receiving it
pickled; only the small work items and each item's result cross process boundaries. Results come back in
item order, so the outcome is the same as a loop in this process. Only `leadgate dedupe` asks for more
than one worker: the pipeline's batches are small, and forking a process that runs threads (Dagster's) is
not safe.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_ADOPTED: dict[str, Any] = {}


def fork_map(
    fn: Callable[[Mapping[str, Any], Any], T], items: Sequence[Any], *, state: Mapping[str, Any], workers: int
) -> list[T]:
    """fn(state, item) for every item, in item order.

    Args:
        fn: the work; it gets the shared state and one item.
        items: small, picklable work items (e.g. row or pair ranges).
        state: what the work reads (inherited by the forked workers, never pickled).
        workers: processes to use; 1 (or a single item) runs everything in this process.

    Returns:
        One result per item, in item order.
    """
    if workers <= 1 or len(items) <= 1:
        return [fn(state, item) for item in items]
    with ProcessPoolExecutor(
        max_workers=min(workers, len(items)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(fn, state),
    ) as pool:
        return list(pool.map(_run, items))


def _adopt(fn: Callable[[Mapping[str, Any], Any], Any], state: Mapping[str, Any]) -> None:
    _ADOPTED.update(fn=fn, state=state)


def _run(item: Any) -> Any:
    return _ADOPTED["fn"](_ADOPTED["state"], item)
