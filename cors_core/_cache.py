"""A tiny bounded memo: a dict that is emptied when full (O(1), no bookkeeping per hit)."""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V], Generic[K, V]):
    """``dict`` with a size bound: inserting into a full cache clears it first.

    Clearing beats LRU here: hits stay a plain ``dict.get`` and a flood of
    distinct keys (an attacker's random origins) costs memory for at most
    ``maxsize`` entries.
    """

    __slots__ = ("maxsize",)

    def __init__(self, maxsize: int = 4096) -> None:
        super().__init__()
        self.maxsize = maxsize

    def put(self, key: K, value: V) -> V:
        """Store and return ``value``."""
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value
