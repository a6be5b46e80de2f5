"""Header names: request-header list parsing and merging CORS headers into a response."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import AnyStr, Generic, Literal, NamedTuple

from cors_core._fetch import TOKEN_RE

__all__ = [
    "CORS_RESPONSE_HEADERS",
    "MAX_REQUEST_HEADERS_LENGTH",
    "MAX_REQUEST_HEADER_NAMES",
    "RAW_SPECIAL_NAMES",
    "RESPONSE_HEADER_OPTIONS",
    "SPECIAL_NAMES",
    "TOO_LONG",
    "RequestHeadersError",
    "merge_raw_response_headers",
    "merge_response_headers",
    "parse_request_headers",
]

#: Longest ``Access-Control-Request-Headers`` value considered (longer: refused at once).
#: Generous for any real list (128 names of 32 characters), and it keeps the parse of the
#: longest accepted value within a few tens of microseconds.
MAX_REQUEST_HEADERS_LENGTH = 4096
#: Most distinct names considered in one ``Access-Control-Request-Headers``.
MAX_REQUEST_HEADER_NAMES = 128

#: The CORS response headers the policy writes, and the option that controls each.
RESPONSE_HEADER_OPTIONS: Mapping[str, str] = {
    "access-control-allow-origin": "allow_origins",
    "access-control-allow-credentials": "allow_credentials",
    "access-control-allow-methods": "allow_methods",
    "access-control-allow-headers": "allow_headers",
    "access-control-max-age": "max_age",
    "access-control-expose-headers": "expose_headers",
    "access-control-allow-private-network": "allow_private_network",
}
#: Response headers the middleware owns: any the app set are replaced, never duplicated.
CORS_RESPONSE_HEADERS = frozenset(RESPONSE_HEADER_OPTIONS)
_OWNED_RAW = frozenset(n.encode() for n in CORS_RESPONSE_HEADERS)

_ITEM_RE = re.compile(r"[^,]+")


@dataclass(frozen=True, slots=True)
class RequestHeadersError:
    """Why an ``Access-Control-Request-Headers`` value was refused.

    ``kind`` is ``"too_long"`` (too many characters or names: ``detail`` says how many)
    or ``"malformed"`` (``detail`` is the first name that is not a token). ``str()``
    gives ``"kind:detail"``.

    >>> parse_request_headers("x-a, x b")
    RequestHeadersError(kind='malformed', detail='x b')
    """

    kind: Literal["too_long", "malformed"]
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.detail}"


#: The refusal of a value over :data:`MAX_REQUEST_HEADERS_LENGTH`: the same whatever the
#: value's length, so an adapter may read no more of it than that.
TOO_LONG = RequestHeadersError("too_long", f"more than {MAX_REQUEST_HEADERS_LENGTH} characters")


def parse_request_headers(value: str) -> tuple[str, ...] | RequestHeadersError:
    """Parse ``Access-Control-Request-Headers`` into sorted, unique, lowercase names.

    Accepts what proxies do to the browser's ``a,b,c`` (spaces, empty items, several
    lines joined by commas, any case). Returns a :class:`RequestHeadersError` instead of
    the names when the value is too long, names too many headers, or holds a non-token.
    Cost is bounded by :data:`MAX_REQUEST_HEADERS_LENGTH` whatever the header's size.

    >>> parse_request_headers("X-B, ,x-a,,x-b")
    ('x-a', 'x-b')
    >>> str(parse_request_headers("a," * 3000))
    'too_long:more than 4096 characters'
    """
    if len(value) > MAX_REQUEST_HEADERS_LENGTH:
        return TOO_LONG
    items: set[str] = {i.strip(" \t") for i in _ITEM_RE.findall(value.lower())}
    items.discard("")
    names = sorted(items)
    if len(names) > MAX_REQUEST_HEADER_NAMES:
        return RequestHeadersError(
            "too_long", f"{len(names)} names, at most {MAX_REQUEST_HEADER_NAMES}"
        )
    for name in names:
        if TOKEN_RE.fullmatch(name) is None:
            return RequestHeadersError("malformed", name)
    return tuple(names)


def _merge(
    headers: Iterable[tuple[AnyStr, AnyStr]],
    add: Iterable[tuple[AnyStr, AnyStr]],
    vary_origin: bool,
    k: _Names[AnyStr],
) -> list[tuple[AnyStr, AnyStr]]:
    owned, _, vary, vary_out, origin, comma, sep = k
    out: list[tuple[AnyStr, AnyStr]] = []
    vary_at = -1
    for name, value in headers:
        lname = name.lower()
        if lname in owned:
            continue
        if vary_origin and lname == vary:
            tokens = {t.strip().lower() for t in value.split(comma)}
            if origin.lower() in tokens or _star(tokens):
                vary_origin = False  # already varies on Origin, or on everything
            elif vary_at >= 0:  # fold a second Vary line into the first
                out[vary_at] = (out[vary_at][0], out[vary_at][1] + sep + value)
                continue
            else:
                vary_at = len(out)
        out.append((name, value))
    out.extend(add)
    if vary_origin:
        if vary_at >= 0 and out[vary_at][1].strip():
            out[vary_at] = (out[vary_at][0], out[vary_at][1] + sep + origin)
        elif vary_at >= 0:
            out[vary_at] = (out[vary_at][0], origin)
        else:
            out.append((vary_out, origin))
    return out


def _star(tokens: set[str] | set[bytes]) -> bool:
    return "*" in tokens or b"*" in tokens


class _Names(NamedTuple, Generic[AnyStr]):
    owned: frozenset[AnyStr]  # CORS headers the policy owns
    special: frozenset[AnyStr]  # owned names plus "vary": these need the general merge
    vary: AnyStr  # lowercase name, for comparison
    vary_out: AnyStr  # name used when Vary is added
    origin: AnyStr
    comma: AnyStr
    sep: AnyStr


_STR_KEYS = _Names(
    CORS_RESPONSE_HEADERS, CORS_RESPONSE_HEADERS | {"vary"}, "vary", "Vary", "Origin", ",", ", "
)
_RAW_KEYS = _Names(_OWNED_RAW, _OWNED_RAW | {b"vary"}, b"vary", b"vary", b"Origin", b",", b", ")
#: Lowercase ``bytes`` response-header names that need the general merge when an app sets
#: them (the CORS headers the policy owns, and ``vary``): without any, CORS headers are
#: simply appended.
RAW_SPECIAL_NAMES = _RAW_KEYS.special
#: The same as lowercase ``str`` (WSGI header names).
SPECIAL_NAMES = _STR_KEYS.special


def _merge_fast(
    headers: Iterable[tuple[AnyStr, AnyStr]],
    add: Iterable[tuple[AnyStr, AnyStr]],
    vary_origin: bool,
    k: _Names[AnyStr],
) -> list[tuple[AnyStr, AnyStr]]:
    """The common case first: the app set no CORS header and no ``Vary`` (one set check)."""
    out = list(headers)
    if k.special.isdisjoint([name.lower() for name, _ in out]):
        out += add
        if vary_origin:
            out.append((k.vary_out, k.origin))
        return out
    return _merge(out, add, vary_origin, k)


def merge_response_headers(
    headers: Iterable[tuple[str, str]], add: Iterable[tuple[str, str]], vary_origin: bool
) -> list[tuple[str, str]]:
    """Merge CORS headers into a WSGI-style header list (``str`` pairs).

    CORS headers the application set are dropped (the policy owns them), ``add`` is
    appended, and ``Origin`` is merged into ``Vary`` when ``vary_origin`` — into the
    app's own ``Vary`` if it has one, never duplicated, and not at all after ``*``.

    >>> merge_response_headers([("Vary", "Accept")], [("Access-Control-Allow-Origin", "*")], True)
    [('Vary', 'Accept, Origin'), ('Access-Control-Allow-Origin', '*')]
    """
    return _merge_fast(headers, add, vary_origin, _STR_KEYS)


def merge_raw_response_headers(
    headers: Iterable[tuple[bytes, bytes]], add: Iterable[tuple[bytes, bytes]], vary_origin: bool
) -> list[tuple[bytes, bytes]]:
    """Same as :func:`merge_response_headers` for ASGI ``bytes`` header pairs."""
    return _merge_fast(headers, add, vary_origin, _RAW_KEYS)
