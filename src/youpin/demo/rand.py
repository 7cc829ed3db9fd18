"""A faster random generator for the demo's hot loops; deterministic like `random.Random`."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")
_SMALL = 1 << 40  # below this span a float draw is exact enough and much faster


class DemoRandom(random.Random):
    """`random.Random` with quicker `randint`, `randrange` and `choice` for small spans.

    They scale one `random()` draw instead of rejection sampling on bits: a bias of at
    most span / 2**53, irrelevant for synthetic data, and still fully seed-determined.
    """

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        """A whole number in [start, stop), or in [0, start) when stop is omitted."""
        if stop is None:
            start, stop = 0, start
        span = stop - start
        if step != 1 or not 0 < span < _SMALL:
            return super().randrange(start, stop, step)
        return start + int(self.random() * span)

    def randint(self, a: int, b: int) -> int:
        """A whole number in [a, b]."""
        return self.randrange(a, b + 1)

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        """One element of a non-empty sequence."""
        if len(seq) == 0:
            raise IndexError("cannot choose from an empty sequence")
        return seq[int(self.random() * len(seq))]
