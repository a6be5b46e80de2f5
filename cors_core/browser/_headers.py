"""Header lists as the browser holds them: the types the model takes, and the parsing
its checks share (combined values, ``#token`` lists, values shown in messages)."""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence

from cors_core._fetch import ascii_lower, is_token
from cors_core._text import quote

__all__ = [
    "BAD_VALUE_RE",
    "HTTP_TAB_OR_SPACE",
    "HTTP_WS",
    "NOT_BYTE_RE",
    "AsyncSend",
    "HeaderList",
    "HeadersLike",
    "ListFailure",
    "Response",
    "Send",
    "header_pairs",
    "parse_token_list",
    "show",
]

#: Header pairs ``[(name, value), ...]`` (names any case, repeats allowed) or a mapping.
HeadersLike = Sequence[tuple[str, str]] | Mapping[str, str]
#: What a ``send`` function returns: ``(status, response_headers, body)``.
Response = tuple[int, HeadersLike, bytes]
#: ``send(method, request_headers) -> (status, response_headers, body)``; the URL is bound.
Send = Callable[[str, Sequence[tuple[str, str]]], Response]
#: The ``async`` form of :data:`Send`.
AsyncSend = Callable[[str, Sequence[tuple[str, str]]], Awaitable[Response]]

HTTP_WS = "\t\n\r "
HTTP_TAB_OR_SPACE = "\t "
#: Characters no header value may hold (the browser's HTTP parser refuses them).
BAD_VALUE_RE = re.compile(r"[\x00\r\n]")
#: Characters a header value cannot hold at all (above U+00FF).
NOT_BYTE_RE = re.compile(r"[^\x00-\xff]")


def show(value: str) -> str:
    """Quote a value for a message; control and non-ASCII characters are escaped.

    >>> show("a\\nb")
    "'a\\\\x0ab'"
    """
    return quote(value, count=False)


def header_pairs(headers: HeadersLike) -> tuple[tuple[str, str], ...]:
    """``headers`` as a tuple of ``(name, value)`` strings."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((str(name), str(value)) for name, value in items)


def parse_token_list(value: str) -> list[str] | None:
    """Parse an ABNF ``#token`` list: empty items are skipped, anything else fails."""
    items = [item.strip(HTTP_TAB_OR_SPACE) for item in value.split(",")]
    items = [item for item in items if item]
    return items if all(is_token(item) for item in items) else None


class ListFailure(enum.Enum):
    """A ``#token`` list header that does not parse."""

    FAILURE = "failure"


_FAILURE = ListFailure.FAILURE
_ListResult = list[str] | None | ListFailure


class HeaderList:
    """A response header list as the browser's HTTP parser leaves it."""

    def __init__(self, headers: HeadersLike) -> None:
        pairs = header_pairs(headers)
        self.invalid = next(
            (name for name, value in pairs if not is_token(name) or BAD_VALUE_RE.search(value)),
            None,
        )
        # HTTP parsing drops the whitespace around a field value.
        self.entries = [
            (ascii_lower(name), value.strip(HTTP_TAB_OR_SPACE)) for name, value in pairs
        ]

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.entries if key == name]

    def get(self, name: str) -> str | None:
        """Fetch "get": all values of ``name`` combined with ``", "``, or None if absent."""
        values = self.values(name)
        return ", ".join(values) if values else None

    def names(self) -> list[str]:
        return list(dict.fromkeys(key for key, _ in self.entries))

    def extract_list(self, name: str) -> _ListResult:
        """Fetch "extract header list values" for a ``#token`` list header."""
        values = self.values(name)
        if not values:
            return None
        parsed = [parse_token_list(value) for value in values]
        return _FAILURE if None in parsed else [item for items in parsed if items for item in items]
