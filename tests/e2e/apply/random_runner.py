"""A Runner that finishes changes in a seeded random order (see cnamctl/apply/runner.py).

Nothing runs when it is submitted. Each time the executor asks which change has
finished, one of those in flight is drawn with the seeded RNG and run to the end
on the caller's thread: every order of completion the executor's concurrency
allows can come out, and the same seed always gives the same one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class RandomOrderRunner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._pending: dict[Future[Any], Callable[[], Any]] = {}
        self.finished: list[Any] = []  # results, in the order they finished

    def __call__(self, workers: int) -> RandomOrderRunner:  # the executor's factory call
        return self

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._pending[future] = fn
        return future

    def next_done(self, futures: Collection[Future[Any]]) -> set[Future[Any]]:
        waiting = [f for f in self._pending if f in futures]  # in submission order
        future = waiting[self.rng.randrange(len(waiting))]
        result = self._pending.pop(future)()
        future.set_result(result)
        self.finished.append(result)
        return {future}

    def close(self, *, wait: bool = True) -> None:
        self._pending.clear()
