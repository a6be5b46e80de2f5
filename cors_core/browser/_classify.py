"""The request side: what a page may send, and when ``fetch()`` needs a preflight."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cors_core._fetch import (
    FORBIDDEN_METHODS,
    SAFELISTED_METHODS,
    ascii_lower,
    ascii_upper,
    is_forbidden_request_header,
    is_token,
    normalize_method,
)
from cors_core.browser._headers import (
    BAD_VALUE_RE,
    HTTP_WS,
    NOT_BYTE_RE,
    HeadersLike,
    header_pairs,
    show,
)

__all__ = [
    "checked_method",
    "cors_unsafe_request_header_names",
    "is_cors_safelisted_method",
    "is_cors_safelisted_request_header",
    "needs_preflight",
    "page_headers",
    "preflight_reasons",
    "unsafe_names",
    "with_default_accept",
]

_SAFELISTED_MIME_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
_SAFELISTED_VALUE_MAX = 128
_SAFELIST_TOTAL_MAX = 1024
_UNSAFE_BYTE_RE = re.compile(r'[\x00-\x08\x0a-\x1f"():<>?@\[\\\]{}\x7f]')
_LANGUAGE_RE = re.compile(r"[0-9A-Za-z *,\-.;=]*")
_SIMPLE_RANGE_RE = re.compile(r"bytes=([0-9]+)-([0-9]*)")


def is_cors_safelisted_method(method: str) -> bool:
    """Whether ``method`` is exactly ``GET``, ``HEAD`` or ``POST`` (case-sensitive).

    ``fetch()`` normalizes ``"get"`` to ``"GET"`` first; see :func:`normalize_method`.

    >>> is_cors_safelisted_method("POST"), is_cors_safelisted_method("post")
    (True, False)
    """
    return method in SAFELISTED_METHODS


def _mime_essence(value: str) -> str | None:
    """The essence (``type/subtype``, lowercase) of a MIME type, per MIME Sniffing."""
    type_, slash, rest = value.strip(HTTP_WS).partition("/")
    subtype = rest.partition(";")[0].rstrip(HTTP_WS)
    if not slash or not is_token(type_) or not is_token(subtype):
        return None
    return ascii_lower(f"{type_}/{subtype}")


def _is_simple_range(value: str) -> bool:
    """A single ``bytes=start-[end]`` range; suffix ranges (``bytes=-500``) are not safe."""
    match = _SIMPLE_RANGE_RE.fullmatch(value)
    return match is not None and (not match[2] or int(match[1]) <= int(match[2]))


def _no_unsafe_bytes(value: str) -> bool:
    return _UNSAFE_BYTE_RE.search(value) is None


_SAFELISTED_VALUE_CHECKS: dict[str, Callable[[str], bool]] = {
    "accept": _no_unsafe_bytes,
    "accept-language": lambda value: _LANGUAGE_RE.fullmatch(value) is not None,
    "content-language": lambda value: _LANGUAGE_RE.fullmatch(value) is not None,
    "content-type": lambda value: (
        _no_unsafe_bytes(value) and _mime_essence(value) in _SAFELISTED_MIME_TYPES
    ),
    "range": _is_simple_range,
}


def is_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Whether ``(name, value)`` is a CORS-safelisted request-header (no preflight needed).

    ``Accept``, ``Accept-Language``, ``Content-Language``, ``Content-Type`` (only
    ``application/x-www-form-urlencoded``, ``multipart/form-data`` or ``text/plain``,
    parameters ignored) and ``Range`` (a single ``bytes=N-[M]``), each with a value of at
    most 128 bytes free of the bytes Fetch calls CORS-unsafe. ``value`` is taken as it
    is in the request's header list (``fetch()`` strips surrounding whitespace first).

    >>> is_cors_safelisted_request_header("Content-Type", "text/plain; charset=utf-8")
    True
    >>> is_cors_safelisted_request_header("Content-Type", "application/json")
    False
    >>> is_cors_safelisted_request_header("Range", "bytes=-500")
    False
    """
    if len(value) > _SAFELISTED_VALUE_MAX or NOT_BYTE_RE.search(value):
        return False
    check = _SAFELISTED_VALUE_CHECKS.get(ascii_lower(name))
    return check is not None and check(value)


@dataclass(frozen=True)
class _PageHeaders:
    kept: tuple[tuple[str, str], ...]
    dropped: tuple[str, ...]


def page_headers(headers: HeadersLike) -> _PageHeaders:
    """What a ``Headers`` object keeps of the page's headers (fetch() throws on bad ones)."""
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    for name, raw in header_pairs(headers):
        value = raw.strip(HTTP_WS)
        if not is_token(name):
            raise ValueError(f"invalid header name {show(name)}: fetch() would throw a TypeError")
        if BAD_VALUE_RE.search(value) or NOT_BYTE_RE.search(value):
            raise ValueError(
                f"invalid value {show(value)} for header {name!r}: fetch() would throw a "
                "TypeError (NUL, CR, LF or a character above U+00FF)"
            )
        if is_forbidden_request_header(name, value):
            dropped.append(ascii_lower(name))
        else:
            kept.append((name, value))
    return _PageHeaders(tuple(kept), tuple(dropped))


def with_default_accept(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Fetch adds ``Accept: */*`` before deciding on a preflight when the page set none."""
    if any(ascii_lower(name) == "accept" for name, _ in pairs):
        return pairs
    return (*pairs, ("Accept", "*/*"))


def unsafe_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Fetch "CORS-unsafe request-header names" of a request's header list."""
    unsafe: set[str] = set()
    potentially_unsafe: set[str] = set()
    safelist_value_size = 0
    for name, value in pairs:
        if is_cors_safelisted_request_header(name, value):
            potentially_unsafe.add(ascii_lower(name))
            safelist_value_size += len(value)
        else:
            unsafe.add(ascii_lower(name))
    if safelist_value_size > _SAFELIST_TOTAL_MAX:
        unsafe |= potentially_unsafe
    return sorted(unsafe)


def cors_unsafe_request_header_names(headers: HeadersLike) -> list[str]:
    """The header names a preflight must get approved: lowercase, sorted, deduplicated.

    ``headers`` are what the page passes to ``fetch()``: forbidden ones are ignored (the
    browser drops them) and values are whitespace-trimmed. Safelisted headers count as
    unsafe too once their values exceed 1024 bytes together.

    >>> cors_unsafe_request_header_names([("X-B", "1"), ("x-a", "2"), ("Accept", "*/*")])
    ['x-a', 'x-b']
    >>> len(cors_unsafe_request_header_names([("Accept-Language", "a" * 128)] * 9))
    1

    Raises ValueError for a header ``fetch()`` would reject (bad name, NUL/CR/LF).
    """
    return unsafe_names(page_headers(headers).kept)


def checked_method(method: str) -> str:
    normalized = normalize_method(method)
    if not is_token(normalized):
        raise ValueError(f"invalid method {show(method)}: fetch() would throw a TypeError")
    if ascii_upper(normalized) in FORBIDDEN_METHODS:
        raise ValueError(f"method {normalized} is forbidden: fetch() would throw a TypeError")
    return normalized


def preflight_reasons(
    method: str, pairs: tuple[tuple[str, str], ...], *, private_network: bool, forced: bool
) -> list[str]:
    """Why a browser sends a preflight for this request; empty when it does not."""
    reasons: list[str] = []
    if forced:
        reasons.append("the request forces one (use-CORS-preflight flag)")
    if not is_cors_safelisted_method(method):
        reasons.append(f"method {method} is not CORS-safelisted (only GET, HEAD and POST are)")
    unsafe = unsafe_names(pairs)
    if unsafe:
        values = {ascii_lower(name): value for name, value in pairs}
        shown = [
            f"{name}: {show(values[name])}" if name in _SAFELISTED_VALUE_CHECKS else name
            for name in unsafe
        ]
        reasons.append("request header(s) not CORS-safelisted: " + ", ".join(shown))
    if private_network:
        reasons.append("it targets a more private network (Private Network Access)")
    return reasons


def needs_preflight(
    method: str, headers: HeadersLike = (), *, private_network: bool = False
) -> bool:
    """Whether ``fetch(url, {method, headers, mode: "cors"})`` starts with a preflight.

    ``method`` is normalized as ``fetch()`` does; forbidden headers are ignored.

    >>> needs_preflight("get"), needs_preflight("POST", {"Content-Type": "application/json"})
    (False, True)
    >>> needs_preflight("GET", private_network=True)
    True

    Raises ValueError for what ``fetch()`` rejects (a forbidden or malformed method or
    header).
    """
    pairs = with_default_accept(page_headers(headers).kept)
    reasons = preflight_reasons(
        checked_method(method), pairs, private_network=private_network, forced=False
    )
    return bool(reasons)
