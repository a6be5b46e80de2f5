"""The WHATWG Fetch Standard's vocabulary that both sides of CORS need.

The server engine (configuration checks, preflight answers) and the browser model
(:mod:`cors_core.browser`) read the same rules here: the RFC 9110 token syntax, the
CORS-safelisted and forbidden methods, the methods ``fetch()`` normalises, the
CORS-safelisted request-header names and the forbidden request-header rule.
Nothing here depends on a request or a configuration.
"""

from __future__ import annotations

import re

__all__ = [
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADERS",
    "NORMALIZED_METHODS",
    "SAFELISTED_METHODS",
    "SAFELISTED_REQUEST_HEADERS",
    "STANDARD_METHODS",
    "TOKEN_RE",
    "ascii_lower",
    "ascii_upper",
    "is_forbidden_request_header",
    "is_token",
    "normalize_method",
    "split_and_decode",
]

#: RFC 9110 ``token``: the syntax of method names and header field names.
TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

#: Methods a page may use without a preflight (case-sensitive).
SAFELISTED_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "POST"})
#: Methods ``fetch()`` refuses to send.
FORBIDDEN_METHODS: frozenset[str] = frozenset({"CONNECT", "TRACE", "TRACK"})
#: Methods ``fetch()`` upper-cases (Fetch "normalize a method"); every other one is sent as written.
NORMALIZED_METHODS: frozenset[str] = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
#: Request-header names a browser sends without a preflight when their values are
#: CORS-safelisted (``Range`` is safelisted only for a single ``bytes=N-[M]``). When a
#: value is not safelisted (``Content-Type: application/json``) the browser asks, and the
#: policy's ``allow_headers`` decides: the default lists these four names.
SAFELISTED_REQUEST_HEADERS = ("accept", "accept-language", "content-language", "content-type")
#: What ``allow_methods=["*"]`` covers: the standard methods a page may send (RFC 9110
#: and PATCH); an extension method (``PURGE``) is allowed only by name.
STANDARD_METHODS: frozenset[str] = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}
)
#: Request-header names a page can never set (Fetch "forbidden request-header"), besides
#: every ``proxy-*`` and ``sec-*`` name (see :func:`is_forbidden_request_header`).
FORBIDDEN_REQUEST_HEADERS: frozenset[str] = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
_FORBIDDEN_PREFIXES = ("proxy-", "sec-")
_METHOD_OVERRIDE_HEADERS = frozenset(
    {"x-http-method", "x-http-method-override", "x-method-override"}
)
_HTTP_TAB_OR_SPACE = "\t "
_TO_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_TO_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def is_token(value: str) -> bool:
    """Whether ``value`` is an RFC 9110 token (a valid method or header name).

    >>> is_token("X-Api-Key"), is_token("x key"), is_token("")
    (True, False, False)
    """
    return TOKEN_RE.fullmatch(value) is not None


def ascii_lower(text: str) -> str:
    """Fetch's byte-lowercase: ASCII letters only (``str.lower`` would fold e.g. KELVIN SIGN).

    >>> ascii_lower("Content-Type"), ascii_lower("\u212a")
    ('content-type', '\u212a')
    """
    return text.translate(_TO_LOWER)


def ascii_upper(text: str) -> str:
    """Fetch's byte-uppercase: ASCII letters only.

    >>> ascii_upper("patch")
    'PATCH'
    """
    return text.translate(_TO_UPPER)


def normalize_method(method: str) -> str:
    """Fetch "normalize a method": upper-case DELETE, GET, HEAD, OPTIONS, POST and PUT.

    The match is ASCII case-insensitive; every other method is returned unchanged,
    so ``fetch(url, {method: "patch"})`` really sends ``patch``.

    >>> normalize_method("delete"), normalize_method("patch"), normalize_method("PATCH")
    ('DELETE', 'patch', 'PATCH')
    """
    upper = ascii_upper(method)
    return upper if upper in NORMALIZED_METHODS else method


def split_and_decode(value: str) -> list[str]:
    """Fetch "getting, decoding, and splitting": commas inside quoted strings don't split.

    >>> split_and_decode('a, "b,c" ,d')
    ['a', '"b,c"', 'd']
    """
    items: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(value):
        char = value[index]
        if quoted and char == "\\" and index + 1 < len(value):
            current.append(value[index : index + 2])
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip(_HTTP_TAB_OR_SPACE))
            current = []
            index += 1
            continue
        current.append(char)
        index += 1
    items.append("".join(current).strip(_HTTP_TAB_OR_SPACE))
    return items


def is_forbidden_request_header(name: str, value: str | None = None) -> bool:
    """Whether a page can never set this request header (Fetch "forbidden request-header").

    Covers the fixed list, every ``proxy-*`` and ``sec-*`` name and, when ``value`` is
    given, ``X-HTTP-Method(-Override)``/``X-Method-Override`` naming a forbidden method.

    >>> is_forbidden_request_header("Sec-Fetch-Mode"), is_forbidden_request_header("X-Token")
    (True, False)
    >>> is_forbidden_request_header("X-HTTP-Method-Override", "TRACE")
    True
    """
    key = ascii_lower(name)
    if key in FORBIDDEN_REQUEST_HEADERS or key.startswith(_FORBIDDEN_PREFIXES):
        return True
    if value is None or key not in _METHOD_OVERRIDE_HEADERS:
        return False
    return any(ascii_upper(item) in FORBIDDEN_METHODS for item in split_and_decode(value))
