"""Header names: request-header list parsing and merging CORS headers into a response."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import AnyStr, Generic, Literal, NamedTuple

from cors_core._fetch import TOKEN_RE

__all__ = [
    "COMMON_NO_MERGE_NAMES",
    "CORS_RESPONSE_HEADERS",
    "MAX_REQUEST_HEADERS_LENGTH",
    "MAX_REQUEST_HEADER_NAMES",
    "RAW_COMMON_NO_MERGE_NAMES",
    "RAW_SPECIAL_NAMES",
    "RESPONSE_HEADER_OPTIONS",
    "SPECIAL_NAMES",
    "TOO_LONG",
    "RequestHeadersError",
    "header_globs_regex",
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

#: The characters of a token (a header name), as :data:`TOKEN_RE` defines them.
_TOKEN_CHARS = "".join(c for c in map(chr, range(128)) if TOKEN_RE.fullmatch(c))
#: ASCII lowercasing for a name list's bytes, in the same pass turning every byte that has
#: no place in one (neither a token character, a comma, a space nor a tab) into NUL.
_FOLD = bytes(ord(c.lower()) if c in _TOKEN_CHARS + ", \t" else 0 for c in map(chr, range(256)))
#: A character that is neither a token character nor a comma.
_NOT_TOKEN = re.compile(f"[^{re.escape(_TOKEN_CHARS)},]")
#: The same test for ASCII bytes, as a table: such a byte becomes NUL.
_TOKENS_ONLY = bytes(c if chr(c) in _TOKEN_CHARS + "," else 0 for c in range(256))


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

    Browsers send their names lowercase, sorted, each once, joined by ``,`` without
    spaces. Other shapes are accepted too, since proxies and non-browser clients reformat
    the value: spaces or tabs around names, empty items, several lines joined by commas,
    any case, any order, repeats. They give the same names as the browser's form and
    cost about as much: repeats are dropped here, so whatever follows works once per
    distinct name; white space costs a few more passes over the text; an unsorted list
    is sorted (at most :data:`MAX_REQUEST_HEADER_NAMES` names). Returns a
    :class:`RequestHeadersError` instead of the names when the value is too long, names
    too many headers, or holds a non-token (the first one in sorted order). Work is
    linear in the value, whose length is capped by :data:`MAX_REQUEST_HEADERS_LENGTH`
    whatever the header's size: C-level passes over the text, no per-name Python loop.

    >>> parse_request_headers("x-a,x-b")  # a browser's list
    ('x-a', 'x-b')
    >>> parse_request_headers("X-B, ,x-a,,x-b")  # reformatted: the same names, once each
    ('x-a', 'x-b')
    >>> parse_request_headers("x-b,x-a,x-b") == parse_request_headers("x-a,x-b")
    True
    >>> str(parse_request_headers("a," * 3000))
    'too_long:more than 4096 characters'
    """
    if len(value) > MAX_REQUEST_HEADERS_LENGTH:
        return TOO_LONG
    if value.isascii():
        folded = value.encode().translate(_FOLD)
        if b"\0" not in folded:  # only token characters, commas and white space
            low = folded.decode()
            if b" " not in folded and b"\t" not in folded:
                return _unique_sorted(low.split(","))
            # White space is dropped around names but refused inside one: with it only
            # around names, there are as many words as non-empty items once it is removed.
            items = low.replace(" ", "").replace("\t", "").split(",")
            if len(low.replace(",", " ").split()) == len(items) - items.count(""):
                return _unique_sorted(items)
    return _parse_any(value.lower())


def _unique_sorted(items: list[str]) -> tuple[str, ...] | RequestHeadersError:
    """Token ``items`` (empty ones allowed) as sorted, unique names, or too many of them."""
    unique = set(items)
    unique.discard("")
    if len(unique) > MAX_REQUEST_HEADER_NAMES:
        return _too_many(len(unique))
    # A browser's list is already sorted and has no repeats: sorting it is one pass.
    return tuple(sorted(items if len(unique) == len(items) else unique))


def _too_many(count: int) -> RequestHeadersError:
    return RequestHeadersError("too_long", f"{count} names, at most {MAX_REQUEST_HEADER_NAMES}")


def _parse_any(low: str) -> tuple[str, ...] | RequestHeadersError:
    """The general rule, for any lowercase value within the length cap (reached for values
    holding a non-token; the other paths give the same answers faster).

    >>> _parse_any(" x-b , x a,x-a;b")
    RequestHeadersError(kind='malformed', detail='x a')
    """
    names = set(map(str.strip, low.split(","), repeat(" \t")))
    names.discard("")
    if len(names) > MAX_REQUEST_HEADER_NAMES:
        return _too_many(len(names))
    ordered = sorted(names)
    joined = ",".join(ordered)
    # The first character that is neither a token character nor a comma: it is in the
    # first non-token name, in sorted order.
    if joined.isascii():
        at = joined.encode().translate(_TOKENS_ONLY).find(0)
    else:
        at = bad.start() if (bad := _NOT_TOKEN.search(joined)) is not None else -1
    if at < 0:
        return tuple(ordered)
    return RequestHeadersError("malformed", ordered[joined.count(",", 0, at)])


def header_globs_regex(globs: Iterable[tuple[str, str]]) -> re.Pattern[str]:
    """A regex matching ``,`` and a whole lowercase name that one of ``globs`` allows: its
    ``sub("", "," + ",".join(names))`` leaves ``,`` and each name none allows.

    A glob is the two literal parts around its single ``*``, lowercase (``x-amz-*`` is
    ``("x-amz-", "")``, ``*-token`` is ``("", "-token")``); ``*`` stands for any run of
    name characters and never crosses a comma. No backtracking: a name is read to its
    end once per distinct first part it starts with (once in all for the globs starting
    with ``*``), each last part is checked by looking behind (with the name long enough
    for both parts), and a name once matched is never tried again. Time is linear in
    the text, times at most the number of distinct first parts. The same answers as
    :func:`cors_core._config.header_pattern_matches` on these globs.

    >>> rx = header_globs_regex([("x-amz-", ""), ("x-", "-id"), ("", "-token")])
    >>> rx.sub("", ",x-amz-date,x-id,x-eu-id,y-token,x-amzdate")
    ',x-id,x-amzdate'
    """
    by_first: dict[str, list[str]] = {}
    for first, last in globs:
        by_first.setdefault(first, []).append(last)
    branches = []
    for first, lasts in by_first.items():
        branch = f"{re.escape(first)}[^,]*+"  # to the end of the name, never given back
        if "" not in lasts:  # and it ends with a last part, not overlapping the first
            ends = []
            for last in lasts:
                end = f"(?<={re.escape(last)})"
                if first:  # the name is long enough to hold both parts
                    end += f"(?<=[^,]{{{len(first) + len(last)}}})"
                ends.append(end)
            branch += f"(?:{'|'.join(ends)})"
        branches.append(branch)
    return re.compile(f",(?>{'|'.join(branches)})" if branches else "(?!)")


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

_COMMON = """content-type content-length date server cache-control etag location set-cookie
content-encoding content-language last-modified expires x-content-type-options
x-frame-options x-request-id transfer-encoding connection""".split()
#: Response-header names apps commonly send that need no merge, as ASGI sends them
#: (lowercase ``bytes``): an adapter skips ``lower()`` for them.
RAW_COMMON_NO_MERGE_NAMES = frozenset(name.encode() for name in _COMMON)
#: The same as WSGI apps spell them (lowercase and ``Title-Case`` ``str``).
COMMON_NO_MERGE_NAMES = frozenset(
    [*_COMMON, *("-".join(part.capitalize() for part in name.split("-")) for name in _COMMON)]
)


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
