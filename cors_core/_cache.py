"""A tiny bounded memo: a dict that is emptied when full (O(1), no bookkeeping per hit)."""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

#: Longest Origin kept as a cache key. Browsers' origins are short (long preview-deploy
#: hosts stay under 100 characters); a longer one, valid (a host may have 253 characters)
#: or not, is answered each time, never hashed or kept: memos hold what browsers repeat,
#: and an attacker's long values neither fill them faster nor cost a lookup.
MAX_CACHED_ORIGIN = 128
#: Longest Access-Control-Request-Headers value kept as a cache key (browsers' lists are
#: short); longer values are answered without caching.
MAX_CACHED_HEADERS = 1024
#: What each memo may hold, in characters of request-supplied text (answers are
#: proportional): a few MB in all, whatever the request stream.
CACHE_BUDGET = 256 * 1024

K = TypeVar("K")
V = TypeVar("V")


class MemoInfo(NamedTuple):
    """What one of a policy's memos holds now (see ``CORSPolicy.memo_info``).

    ``entries`` and ``size`` (in characters of request-supplied text) never exceed
    ``max_entries`` and ``max_size``: a memo that would is emptied first. ``keys`` are the
    kept keys, oldest first: an origin, or a tuple of a preflight's values.

    >>> cache: BoundedCache[str, int] = BoundedCache(maxsize=2, max_size=10)
    >>> cache.put("a", 1, size=4)
    1
    >>> cache.info()
    MemoInfo(entries=1, size=4, max_entries=2, max_size=10, keys=('a',))
    """

    entries: int
    size: int
    max_entries: int
    max_size: int
    keys: tuple[Any, ...]


class BoundedCache(dict[K, V], Generic[K, V]):
    """``dict`` bounded in entries and in the size of what it holds.

    Inserting into a full cache clears it first. Clearing beats LRU here: hits stay a
    plain ``dict.get``, and a flood of distinct keys (an attacker's fresh origins) costs
    memory for at most ``maxsize`` entries whose sizes add up to at most ``max_size``
    (the caller says what one entry weighs, in characters of request-supplied text; the
    cached answers are proportional to it).

    >>> cache: BoundedCache[str, int] = BoundedCache(maxsize=2, max_size=10)
    >>> cache.put("a", 1, size=4), cache.put("b", 2, size=4), len(cache)
    (1, 2, 2)
    >>> cache.put("c", 3, size=4), sorted(cache)  # full: emptied first
    (3, ['c'])
    """

    __slots__ = ("max_size", "maxsize", "size")

    def __init__(self, maxsize: int, max_size: int) -> None:
        super().__init__()
        self.maxsize = maxsize
        self.max_size = max_size
        self.size = 0

    def put(self, key: K, value: V, size: int) -> V:
        """Store and return ``value``; ``size`` is what the entry weighs."""
        if len(self) >= self.maxsize or self.size + size > self.max_size:
            self.clear()
            self.size = 0
        self[key] = value
        self.size += size
        return value

    def info(self) -> MemoInfo:
        """A snapshot of what the memo holds (see :class:`MemoInfo`)."""
        return MemoInfo(len(self), self.size, self.maxsize, self.max_size, tuple(self))
